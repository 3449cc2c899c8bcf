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

#include <memory>
#include <optional>

namespace inkan::smime {
namespace {

cms::SignOptions with_digest(cms::SignOptions options) {
  if (!options.digest) options.digest = ossl::sha256();
  return options;
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

  cms::DetachedSigner signer(creds, cms_options);
  ForwardSink<cms::DetachedSigner> hash(signer);
  io::AsyncSink hashing(hash);  // the hash runs beside the copy into the output
  write_detached_signed_entity(src, root, cms_options, signer, hashing, out);
}

void write_detached_signed_entity(const io::Source& src, const mime::Entity& root, const cms::SignOptions& options,
                                  cms::DetachedSigner& signer, io::Sink& hashing, io::Sink& out) {
  const std::string boundary = make_boundary();
  write_multipart_signed_head(with_digest(options), boundary, out);
  TeeSink tee(out, hashing);
  Canonicalizer canon(src, tee);
  canon.write_content_part(root);
  canon.flush();
  hashing.flush();
  write_signature_part(signer.finish(), boundary, out);
}

namespace {

// `restartable` is `out` when it can be emptied again (a bet may be made), else null.
ComposeResult sign(const io::Source& src, const keys::Credentials& creds, const SignMessageOptions& options,
                   io::Sink& out, io::ReadableSink* restartable) {
  cms::check_signing_credentials(creds, options.now);
  const cms::SignOptions cms_options = with_digest(options.cms);
  std::string bet_head;
  std::unique_ptr<SignAhead> ahead;
  if (restartable != nullptr && !options.opaque) {
    if (std::optional<ContentBet> bet = ContentBet::make(src)) {
      bet_head = outer_headers(bet->root_headers(), options.now).text;
      out.write(bet_head);
      ahead = std::make_unique<SignAhead>(std::move(*bet), creds, cms_options, out);
    }
  }
  mime::ParseLimits limits;
  limits.body_facts = true;  // the canonical form needs to know which bodies are plain: learn it while splitting
  limits.observer = ahead.get();  // the split reads the message; the bet writes and hashes what it reads
  const mime::Entity root = mime::parse_message(src, limits);
  check_sender(root, creds);
  OuterHeaders outer = outer_headers(root, options.now);
  if (ahead) {
    if (outer.text == bet_head && ahead->holds(root)) {  // the content part is the message as it stands
      ahead->finish();
      out.flush();
      return ComposeResult{std::move(outer.warnings)};
    }
    ahead.reset();
    restartable->restart();
  }
  out.write(outer.text);
  write_signed_entity(src, root, creds, options, out);
  out.flush();
  return ComposeResult{std::move(outer.warnings)};
}

}  // namespace

ComposeResult sign_message(const io::Source& src, const keys::Credentials& creds, const SignMessageOptions& options,
                           io::Sink& out) {
  return sign(src, creds, options, out, nullptr);
}

ComposeResult sign_message(const io::Source& src, const keys::Credentials& creds, const SignMessageOptions& options,
                           io::ReadableSink& out) {
  return sign(src, creds, options, out, &out);
}

std::string sign_file(const io::Source& src, const keys::Credentials& creds, const cms::SignOptions& options) {
  cms::DetachedSigner signer(creds, options);
  mime::for_each_chunk(src, {0, src.size()}, [&](std::string_view chunk) { signer.update(chunk); });
  return signer.finish();
}

}  // namespace inkan::smime
