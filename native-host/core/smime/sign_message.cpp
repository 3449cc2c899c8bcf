#include "smime/sign_message.h"

#include "error.h"
#include "io/async_sink.h"
#include "mime/address.h"
#include "mime/line_reader.h"
#include "ossl/library.h"
#include "smime/canonical.h"
#include "smime/compose.h"
#include "smime/sign_ahead.h"
#include "x509/cert.h"

#include <unistd.h>

namespace inkan::smime {
namespace {

cms::SignOptions with_digest(cms::SignOptions options) {
  if (!options.digest) options.digest = ossl::sha256();
  return options;
}

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

}  // namespace

void check_sender(const mime::Entity& root, const keys::Credentials& creds) {
  // The same rule verifiers apply: every From mailbox, or the Sender when there is no From.
  std::vector<std::string> senders;
  if (root.headers.find("From") != nullptr) {
    senders = from_addresses(root.headers);
    if (root.headers.count("From") > 1) throw Error(Errc::signer_address_mismatch, "the message has several From fields");
  } else if (const mime::Field* sender = root.headers.find("Sender")) {
    for (auto& m : mime::parse_mailboxes(sender->value)) senders.push_back(m.address);
  }
  if (senders.empty()) throw Error(Errc::signer_address_mismatch, "the message has no From address");
  for (const auto& address : senders) {
    if (!x509::has_email(creds.cert.get(), address)) throw Error(Errc::signer_address_mismatch, address);
  }
}

void write_signed_entity(const io::Source& src, const mime::Entity& root, const keys::Credentials& creds,
                         const SignMessageOptions& options, io::Sink& out) {
  const cms::SignOptions cms_options = with_digest(options.cms);

  if (options.opaque) {
    out.write("Content-Type: application/pkcs7-mime; name=\"smime.p7m\"; smime-type=signed-data\r\n"
              "Content-Transfer-Encoding: base64\r\n"
              "Content-Disposition: attachment; filename=\"smime.p7m\"\r\n"
              "Content-Description: S/MIME Cryptographic Signature\r\n\r\n");
    Base64Sink b64(out);
    io::AsyncSink encoding(b64);  // base64 and the write run beside the hash
    cms::OpaqueSigner signer(creds, cms_options, encoding);
    ForwardSink<cms::OpaqueSigner> content(signer);
    Canonicalizer canon(src, content);
    canon.write_content_part(root);
    canon.flush();
    signer.finish();
    encoding.flush();
    b64.finish();
    return;
  }

  const std::string boundary = make_boundary();
  write_multipart_signed_head(cms_options, boundary, out);
  cms::DetachedSigner signer(creds, cms_options);
  ForwardSink<cms::DetachedSigner> hash(signer);
  io::AsyncSink hashing(hash);  // the hash runs beside the copy into the output
  TeeSink tee(out, hashing);
  Canonicalizer canon(src, tee);
  canon.write_content_part(root);
  canon.flush();
  hashing.flush();
  write_signature_part(signer.finish(), boundary, out);
}

ComposeResult sign_message(const io::Source& src, const keys::Credentials& creds, const SignMessageOptions& options,
                           io::Sink& out) {
  cms::check_signing_credentials(creds, options.now);
  const cms::SignOptions cms_options = with_digest(options.cms);
  std::unique_ptr<HashAhead> ahead = options.opaque ? nullptr : HashAhead::start(src, creds, cms_options);
  mime::ParseLimits limits;
  limits.body_facts = true;  // the canonical form needs to know which bodies are plain: learn it while splitting
  const mime::Entity root = mime::parse_message(src, limits);
  check_sender(root, creds);
  OuterHeaders outer = outer_headers(root, options.now);
  out.write(outer.text);
  if (ahead && ahead->holds(root)) {  // the content part is the message as it stands, hashed already
    const std::string boundary = make_boundary();
    write_multipart_signed_head(cms_options, boundary, out);
    out.write(ahead->content_headers());
    out.write_from(src, root.body);
    write_signature_part(ahead->finish(), boundary, out);
  } else {
    ahead.reset();
    write_signed_entity(src, root, creds, options, out);
  }
  out.flush();
  return ComposeResult{std::move(outer.warnings)};
}

std::string sign_file(const io::Source& src, const keys::Credentials& creds, const cms::SignOptions& options) {
  cms::DetachedSigner signer(creds, options);
  mime::for_each_chunk(src, {0, src.size()}, [&](std::string_view chunk) { signer.update(chunk); });
  return signer.finish();
}

}  // namespace inkan::smime
