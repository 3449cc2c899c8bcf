#include "smime/encrypt_message.h"

#include "error.h"
#include "io/async_lanes.h"
#include "io/async_sink.h"
#include "smime/canonical.h"
#include "smime/compose.h"
#include "smime/encrypt_ahead.h"
#include "smime/sign_message.h"

#include <algorithm>
#include <memory>

namespace inkan::smime {
namespace {

std::string envelope_head(const std::string& outer_headers, const cms::EncryptionPlan& plan) {
  return outer_headers + "Content-Type: application/pkcs7-mime; name=\"smime.p7m\"; smime-type=" +
         (plan.authenticated ? "authEnveloped-data" : "enveloped-data") +
         "\r\nContent-Transfer-Encoding: base64\r\n"
         "Content-Disposition: attachment; filename=\"smime.p7m\"\r\n"
         "Content-Description: S/MIME Encrypted Message\r\n\r\n";
}

// `restartable` is `out` when it can be emptied again (a bet may be made), else null.
EncryptResult encrypt(const io::Source& src, EncryptMessageOptions options, io::Sink& out,
                      io::ReadableSink* restartable) {
  if (options.recipients.empty()) throw Error(Errc::usage, "no recipients");
  if (!options.self && options.sign_with != nullptr) options.self = ossl::up_ref(options.sign_with->cert.get());
  if (!options.self && !options.allow_without_self) {
    throw Error(Errc::usage, "encrypting needs your own certificate too, so that you can read your sent mail");
  }
  if (options.sign_with != nullptr) cms::check_signing_credentials(*options.sign_with, options.now);

  std::vector<cms::Recipient> recipients = std::move(options.recipients);
  for (const auto& r : recipients) cms::check_recipient(r.cert.get(), options.now);
  if (options.self) {
    const bool listed = std::any_of(recipients.begin(), recipients.end(), [&](const cms::Recipient& r) {
      return X509_cmp(r.cert.get(), options.self.get()) == 0;
    });
    if (!listed) recipients.push_back(cms::Recipient{ossl::up_ref(options.self.get()), {}, true});
  }
  EncryptResult result;
  result.plan = cms::plan_encryption(recipients, options.cipher);

  // Opaque signed-data inside (rare) is left to the two-pass path below.
  std::string bet_head;
  std::unique_ptr<EncryptAhead> ahead;
  if (restartable != nullptr && (options.sign_with == nullptr || !options.sign.opaque)) {
    if (std::optional<ContentBet> bet = ContentBet::make(src)) {
      bet_head = envelope_head(outer_headers(bet->root_headers(), options.now).text, result.plan);
      out.write(bet_head);
      ahead = options.sign_with == nullptr
                  ? std::make_unique<EncryptAhead>(std::move(*bet), recipients, result.plan, out)
                  : std::make_unique<EncryptAhead>(std::move(*bet), recipients, result.plan, out, *options.sign_with,
                                                   options.sign.cms);
    }
  }

  mime::ParseLimits limits;
  limits.body_facts = true;  // the canonical form needs to know which bodies are plain: learn it while splitting
  limits.observer = ahead.get();  // the split reads the message; the bet's cipher takes what it reads
  const mime::Entity root = mime::parse_message(src, limits);
  if (options.sign_with != nullptr) check_sender(root, *options.sign_with);
  OuterHeaders outer = outer_headers(root, options.now);
  result.warnings = std::move(outer.warnings);
  const std::string head = envelope_head(outer.text, result.plan);
  if (ahead) {
    if (head == bet_head && ahead->holds(root)) {
      ahead->finish();
      out.flush();
      return result;
    }
    ahead.reset();
    restartable->restart();
  }
  out.write(head);
  Base64Sink b64(out);
  if (options.sign_with != nullptr && !options.sign.opaque) {
    // Three serial stages: the cipher stays on this thread, the hash of the signed
    // content and base64 share the second (io/async_lanes.h).
    cms::DetachedSigner signer(*options.sign_with, options.sign.cms);
    ForwardSink<cms::DetachedSigner> hash(signer);
    io::AsyncLanes lanes(hash, b64);
    cms::Encryptor encryptor(recipients, result.plan, lanes.lane(1));
    ForwardSink<cms::Encryptor> inner(encryptor);
    write_detached_signed_entity(src, root, options.sign.cms, signer, lanes.lane(0), inner);
    encryptor.finish();
    lanes.lane(1).flush();
  } else {
    // The inner entity (opaque signed, or just canonical) streams straight into the cipher.
    io::AsyncSink encoding(b64);  // base64 and the write run beside the cipher
    cms::Encryptor encryptor(recipients, result.plan, encoding);
    ForwardSink<cms::Encryptor> inner(encryptor);
    if (options.sign_with != nullptr) {
      SignMessageOptions sign = options.sign;
      sign.now = options.now;
      write_signed_entity(src, root, *options.sign_with, sign, inner);
    } else {
      Canonicalizer canon(src, inner);
      canon.write_content_part(root);
      canon.flush();
    }
    encryptor.finish();
    encoding.flush();
  }
  b64.finish();
  out.flush();
  return result;
}

}  // namespace

EncryptResult encrypt_message(const io::Source& src, EncryptMessageOptions options, io::Sink& out) {
  return encrypt(src, std::move(options), out, nullptr);
}

EncryptResult encrypt_message(const io::Source& src, EncryptMessageOptions options, io::ReadableSink& out) {
  return encrypt(src, std::move(options), out, &out);
}

}  // namespace inkan::smime
