#include "smime/encrypt_ahead.h"

namespace inkan::smime {

EncryptAhead::EncryptAhead(ContentBet bet, const std::vector<cms::Recipient>& recipients,
                           const cms::EncryptionPlan& plan, io::Sink& out)
    : m_bet(std::move(bet)), m_b64(out), m_encoding(m_b64), m_encryptor(recipients, plan, m_encoding),
      m_next(m_bet.body_begin()) {
  m_encryptor.update(m_bet.content_headers());
}

void EncryptAhead::bytes(std::uint64_t offset, std::string_view data) {
  if (m_broken) return;
  if (offset != m_next) {  // the split skipped bytes: they never reached the cipher
    m_broken = true;
    return;
  }
  try {
    m_encryptor.update(data);
    m_next += data.size();
  } catch (...) {  // the split goes on; encrypting again after it reports the failure
    m_broken = true;
  }
}

bool EncryptAhead::holds(const mime::Entity& root) const { return !m_broken && m_bet.holds(root); }

void EncryptAhead::finish() {
  const io::Source& src = m_bet.source();
  if (m_next < src.size()) {
    ForwardSink<cms::Encryptor> rest(m_encryptor);
    rest.write_from(src, {m_next, src.size()});
  }
  m_encryptor.finish();
  m_encoding.flush();
  m_b64.finish();
}

}  // namespace inkan::smime
