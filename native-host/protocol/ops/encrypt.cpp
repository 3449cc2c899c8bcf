// encrypt: encrypts a message to the given certificates, or to the store's
// certificates of the given addresses (else of the message's To and Cc), signed
// by the sender's store identity (or `key`) and with a copy the sender can
// read, as `inkan encrypt` does (RFC 8551 §3.3, §3.6).
#include "ops/contact_support.h"
#include "ops/ops.h"
#include "ops/store_access.h"
#include "ops/support.h"
#include "smime/encrypt_message.h"
#include "store/contact_use.h"
#include "x509/cert.h"

#include <algorithm>
#include <optional>

namespace inkan::protocol::ops {
namespace {

cms::CipherChoice cipher_choice(const Json& params) {
  const std::string cipher = string_param(params, "cipher").value_or("auto");
  if (cipher == "auto") return cms::CipherChoice::automatic;
  if (cipher == "aes256-cbc" || cipher == "aes-256-cbc") return cms::CipherChoice::aes256_cbc;
  if (cipher == "aes256-gcm" || cipher == "aes-256-gcm") return cms::CipherChoice::aes256_gcm;
  throw Error(Errc::bad_request, "cipher: auto, aes256-cbc or aes256-gcm");
}

// Without key and self_cert, the sender's identities come from the store (the
// rules of `inkan encrypt`, store/identity_choice.h): the signing key of the
// sender (or `identity`), and their encryption certificate for the copy that
// keeps Sent mail readable. With no_self and no identity for the sender, the
// message is only encrypted.
std::shared_ptr<const keys::Credentials> use_store_identity(OpContext& ctx, const std::optional<std::string>& identity,
                                                            std::unique_ptr<io::Source>& input,
                                                            smime::EncryptMessageOptions& options) {
  const Json& params = ctx.request.params;
  const bool want_sign = bool_param(params, "sign", true);
  const bool want_self = !bool_param(params, "no_self", false);
  // An explicit "sign": true must sign; by default a sender without an identity may encrypt only.
  const bool must_sign = want_sign && member(params, "sign") != nullptr;
  std::optional<store::Store> store;
  if (want_sign) store.emplace(store_for_keys(ctx));  // a locked store fails before the input is consumed
  input = open_input(ctx, required(params, "input"), "input");
  const auto who = identity ? identity : store::sender_of(*input);
  if (!who) {
    if (!want_self && !must_sign) return nullptr;
    throw Error(Errc::bad_request, "identity: missing, and the message names no sender");
  }
  if (!store) store.emplace(ctx.session.open_store(ctx.now));
  const auto chosen = store::sender_identities(*store, *who, want_sign, want_self, identity || must_sign, ctx.now);
  std::shared_ptr<const keys::Credentials> creds;
  if (chosen.signer) {
    creds = std::make_shared<const keys::Credentials>(store->credentials(*chosen.signer));
    options.sign_with = creds.get();
  }
  if (chosen.self) options.self = ossl::up_ref(chosen.self->cert.get());
  return creds;
}

// Each input's first certificate is a recipient; any others in it are its chain,
// as are "certs": intermediates for the check against "trust".
void add_given_recipients(OpContext& ctx, const Json& certs, smime::EncryptMessageOptions& options) {
  const x509::TrustStore trust = load_trust(ctx);
  const auto extra = load_certs(ctx, member(ctx.request.params, "certs"), "certs");
  for (const auto& form : certs) {
    auto list = x509::parse_certificates(read_small_input(ctx, form, "recipient_certs"));
    if (list.empty()) throw Error(Errc::cert_load_failed, "recipient_certs: no certificate");
    if (!trust.empty()) {
      std::vector<X509*> chain;
      for (std::size_t i = 1; i < list.size(); ++i) chain.push_back(list[i].get());
      for (const auto& c : extra) chain.push_back(c.get());
      const auto check = trust.check(list.front().get(), chain, {}, ctx.now, X509_PURPOSE_SMIME_ENCRYPT);
      if (!check.ok) {
        throw Error(Errc::recipient_cert_unusable,
                    x509::chain_error_name(check.errors.empty() ? 0 : check.errors.front()));
      }
    }
    options.recipients.push_back(cms::Recipient{std::move(list.front()), {}, false});
  }
}

// Addresses become recipients by the store's lookup (recipients.lookup, `inkan encrypt
// --to ADDRESS`): the user's identities, else the contacts' current certificates that
// chain to the store's anchors. Any address without one stops the op, listing them all.
void add_looked_up(OpContext& ctx, const std::vector<std::string>& addresses, smime::EncryptMessageOptions& options) {
  store::Store store = ctx.session.open_store(ctx.now);
  auto found = store::encryption_recipients(store, addresses, ctx.now);
  if (!found.missing.empty()) throw_missing_recipients(found.missing);
  for (auto& r : found.recipients) options.recipients.push_back(std::move(r));
}

}  // namespace

Reply encrypt(OpContext& ctx) {
  const Json& params = ctx.request.params;
  Reply reply;
  smime::EncryptMessageOptions options;
  options.now = ctx.now;
  options.cipher = cipher_choice(params);

  // Recipients: certificates given in the request, addresses looked up in the store,
  // or neither: the message's To and Cc, looked up (as `inkan encrypt` without --to).
  const Json* certs = member(params, "recipient_certs");
  if (certs != nullptr && (!certs->is_array() || certs->empty())) {
    throw Error(Errc::bad_request, "recipient_certs: at least one certificate");
  }
  const bool from_message = certs == nullptr && member(params, "recipients") == nullptr;
  if (certs != nullptr) add_given_recipients(ctx, *certs, options);
  if (member(params, "recipients") != nullptr) add_looked_up(ctx, address_list(params, "recipients"), options);

  std::shared_ptr<const keys::Credentials> creds;
  std::unique_ptr<io::Source> input;
  const KeyChoice choice = key_choice(params);
  const Json* key = choice.key;
  const std::optional<std::string>& identity = choice.identity;
  if (key != nullptr) {
    creds = load_key(ctx, *key, reply.result);
    options.self = ossl::up_ref(creds->cert.get());
    if (bool_param(params, "sign", true)) options.sign_with = creds.get();
  } else if (member(params, "self_cert") == nullptr) {
    creds = use_store_identity(ctx, identity, input, options);
  } else if (bool_param(params, "sign", false)) {
    throw Error(Errc::bad_request, "sign: needs key or the store's identity (without self_cert)");
  }
  if (from_message) {
    if (!input) input = open_input(ctx, required(params, "input"), "input");
    const auto addresses = store::message_recipients(*input);
    if (addresses.empty()) throw Error(Errc::bad_request, "recipients: missing, and the message has no To or Cc");
    add_looked_up(ctx, addresses, options);
  }
  if (const Json* self = member(params, "self_cert")) {
    auto list = x509::parse_certificates(read_small_input(ctx, *self, "self_cert"));
    if (list.empty()) throw Error(Errc::cert_load_failed, "self_cert: no certificate");
    options.self = std::move(list.front());
  }
  options.allow_without_self = bool_param(params, "no_self", false);
  if (options.allow_without_self) options.self.reset();
  if (const auto d = string_param(params, "digest")) options.sign.cms.digest = cms::digest_by_name(*d);
  options.sign.cms.pss = bool_param(params, "pss", false);
  const bool signing = options.sign_with != nullptr;
  // The engine adds the sender's own certificate after the recipients unless it is one
  // of them; the plan lists key transports in that order.
  std::vector<X509*> order;
  for (const auto& r : options.recipients) order.push_back(r.cert.get());
  if (options.self && std::none_of(order.begin(), order.end(), [&](X509* c) { return X509_cmp(c, options.self.get()) == 0; })) {
    order.push_back(options.self.get());
  }
  Json recipients = Json::array();
  for (X509* c : order) recipients.push_back({{"fingerprint", x509::fingerprint_sha256(c)}, {"addresses", x509::emails_of(c)}});

  if (!input) input = open_input(ctx, required(params, "input"), "input");
  OutputTarget output(ctx, member(params, "output"));
  smime::EncryptResult result;
  {
    EngineTimer timer(ctx);
    result = smime::encrypt_message(*input, std::move(options), output.sink());
  }
  output.finish(reply);
  for (std::size_t i = 0; i < recipients.size() && i < result.plan.key_transport.size(); ++i) {
    recipients[i]["key_transport"] = result.plan.key_transport[i];
  }
  reply.result["cipher"] = result.plan.content_cipher;
  reply.result["recipients"] = recipients;
  reply.result["signed"] = signing;
  reply.result["warnings"] = result.warnings;
  return reply;
}

}  // namespace inkan::protocol::ops
