#include "smime/sign_ahead.h"

namespace inkan::smime {

std::unique_ptr<HashAhead> HashAhead::start(const io::Source& src, const keys::Credentials& creds,
                                            const cms::SignOptions& options) {
  std::optional<ContentBet> bet = ContentBet::make(src);
  if (!bet) return nullptr;
  return std::unique_ptr<HashAhead>(new HashAhead(std::move(*bet), creds, options));
}

HashAhead::HashAhead(ContentBet bet, const keys::Credentials& creds, const cms::SignOptions& options)
    : m_bet(std::move(bet)), m_key(creds.key.get()), m_signer(creds, options), m_thread([this] { run(); }) {}

HashAhead::~HashAhead() {
  if (!m_thread.joinable()) return;
  m_cancel = true;
  m_thread.join();
}

void HashAhead::run() {
  try {
    m_bet.stream([this](std::string_view bytes) { m_signer.update(bytes); }, m_cancel);
  } catch (...) {
    m_error = std::current_exception();
  }
  m_hashed = true;
}

std::string HashAhead::finish() {
  // Usually the hash of a large message is still running after the split and the
  // copy that this thread has just done: the key's set-up then fits in the wait.
  if (!m_hashed) cms::prepare_signing_key(m_key);
  m_thread.join();
  if (m_error) std::rethrow_exception(m_error);
  return m_signer.finish();
}

}  // namespace inkan::smime
