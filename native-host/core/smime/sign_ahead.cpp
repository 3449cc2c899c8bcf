#include "smime/sign_ahead.h"

#include "mime/codec.h"

namespace inkan::smime {

void write_multipart_signed_head(const cms::SignOptions& options, const std::string& boundary, io::Sink& out) {
  out.write("Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=" +
            cms::micalg_name(options.digest) + ";\r\n boundary=\"" + boundary + "\"\r\n\r\n" +
            "This is a cryptographically signed message in MIME format.\r\n\r\n--" + boundary + "\r\n");
}

void write_signature_part(const std::string& der, const std::string& boundary, io::Sink& out) {
  out.write("\r\n--" + boundary + "\r\n" +
            "Content-Type: application/pkcs7-signature; name=\"smime.p7s\"\r\n"
            "Content-Transfer-Encoding: base64\r\n"
            "Content-Disposition: attachment; filename=\"smime.p7s\"\r\n"
            "Content-Description: S/MIME Cryptographic Signature\r\n\r\n" +
            mime::base64_encode(der) + "\r\n--" + boundary + "--\r\n");
}

SignAhead::SignAhead(ContentBet bet, const keys::Credentials& creds, const cms::SignOptions& options, io::Sink& out)
    : m_bet(std::move(bet)), m_key(creds.key.get()), m_boundary(make_boundary()), m_out(out), m_signer(creds, options),
      m_forward(m_signer), m_hashing(m_forward), m_next(m_bet.body_begin()) {
  write_multipart_signed_head(options, m_boundary, m_out);
  take(m_bet.content_headers());
}

void SignAhead::take(std::string_view data) {
  m_out.write(data);
  m_hashing.write(data);
}

void SignAhead::bytes(std::uint64_t offset, std::string_view data) {
  if (m_broken) return;
  if (offset != m_next) {  // the split skipped bytes: they were neither written nor hashed
    m_broken = true;
    return;
  }
  try {
    take(data);
    m_next += data.size();
  } catch (...) {  // the split goes on; signing again after it reports the failure
    m_broken = true;
  }
}

void SignAhead::finish() {
  const io::Source& src = m_bet.source();
  if (m_next < src.size()) {
    TeeSink rest(m_out, m_hashing);
    rest.write_from(src, {m_next, src.size()});
  }
  // The hash of a large message is usually still running: the key's set-up fits in the wait.
  if (m_hashing.busy()) cms::prepare_signing_key(m_key);
  m_hashing.flush();
  write_signature_part(m_signer.finish(), m_boundary, m_out);
}

}  // namespace inkan::smime
