#include "smime/encrypt_ahead.h"

#include "smime/sign_ahead.h"

namespace inkan::smime {

EncryptAhead::EncryptAhead(ContentBet bet, const std::vector<cms::Recipient>& recipients,
                           const cms::EncryptionPlan& plan, io::Sink& out)
    : m_bet(std::move(bet)), m_hash(*this), m_b64(out), m_lanes(m_hash, m_b64),
      m_encryptor(recipients, plan, m_lanes.lane(1)), m_content(*this), m_next(m_bet.body_begin()) {
  m_content.write(m_bet.content_headers());
}

EncryptAhead::EncryptAhead(ContentBet bet, const std::vector<cms::Recipient>& recipients,
                           const cms::EncryptionPlan& plan, io::Sink& out, const keys::Credentials& signer,
                           const cms::SignOptions& options)
    : m_bet(std::move(bet)), m_signer(std::make_unique<cms::DetachedSigner>(signer, options)), m_key(signer.key.get()),
      m_boundary(make_boundary()), m_sign_options(options), m_hash(*this), m_b64(out), m_lanes(m_hash, m_b64),
      m_encryptor(recipients, plan, m_lanes.lane(1)), m_content(*this), m_next(m_bet.body_begin()) {
  ForwardSink<cms::Encryptor> plain(m_encryptor);
  write_multipart_signed_head(m_sign_options, m_boundary, plain);
  m_content.write(m_bet.content_headers());
}

void EncryptAhead::Content::write(std::string_view bytes) {
  m_owner.m_encryptor.update(bytes);
  if (m_owner.m_signer) m_owner.m_lanes.lane(0).write(bytes);
}

void EncryptAhead::bytes(std::uint64_t offset, std::string_view data) {
  if (m_broken) return;
  if (offset != m_next) {  // the split skipped bytes: they never reached the cipher
    m_broken = true;
    return;
  }
  try {
    m_content.write(data);
    m_next += data.size();
  } catch (...) {  // the split goes on; encrypting again after it reports the failure
    m_broken = true;
  }
}

bool EncryptAhead::holds(const mime::Entity& root) const { return !m_broken && m_bet.holds(root); }

void EncryptAhead::finish() {
  const io::Source& src = m_bet.source();
  if (m_next < src.size()) m_content.write_from(src, {m_next, src.size()});
  if (m_signer) {
    // The hash is usually still running: the key's set-up fits in the wait.
    if (m_lanes.busy()) cms::prepare_signing_key(m_key);
    m_lanes.lane(0).flush();  // every byte hashed
    ForwardSink<cms::Encryptor> plain(m_encryptor);
    write_signature_part(m_signer->finish(), m_boundary, plain);
  }
  m_encryptor.finish();
  m_lanes.lane(1).flush();
  m_b64.finish();
}

}  // namespace inkan::smime
