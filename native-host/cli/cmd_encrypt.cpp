#include "commands.h"
#include "contact_cli.h"
#include "io/sink.h"
#include "smime/analyse.h"
#include "smime/encrypt_message.h"
#include "smime/inspect.h"
#include "store_access.h"
#include "text.h"
#include "x509/cert.h"

#include <algorithm>
#include <filesystem>
#include <iostream>

namespace inkan::cli {
namespace {

// --to takes a certificate file, or a signed message/.p7s from the person: then
// their certificate and the algorithms they advertised are used, but only if that
// signature is good (trusted, From matching), or anyone could slip in their own key.
std::vector<cms::Recipient> load_recipient(const std::string& path, const x509::TrustStore& trust, std::int64_t now) {
  std::vector<cms::Recipient> out;
  const std::string bytes = io::read_file(path, 256ULL << 20);
  auto certs = x509::parse_certificates(bytes);
  if (!certs.empty()) {
    for (auto& c : certs) {
      if (!trust.empty()) {
        const auto check = trust.check(c.get(), {}, {}, now, X509_PURPOSE_SMIME_ENCRYPT);
        if (!check.ok) {
          throw Error(Errc::recipient_cert_unusable,
                      path + ": " + x509::chain_error_name(check.errors.empty() ? 0 : check.errors.front()));
        }
      }
      out.push_back(cms::Recipient{std::move(c), {}, false});
    }
    return out;
  }
  io::MemorySource src(bytes);
  smime::AnalyseOptions options;
  options.trust = &trust;
  options.at = now;
  const smime::Analysis analysis = smime::analyse(src, options);
  if (analysis.verdict.status != Status::good) {
    throw Error(Errc::recipient_cert_unusable, path + ": its signature is " +
                                                   std::string(status_name(analysis.verdict.status)) +
                                                   (trust.empty() ? " (give --trust)" : ""));
  }
  auto harvest = smime::harvest_signer(src);
  if (!harvest) throw Error(Errc::cert_load_failed, path + ": neither a certificate nor a signed message");
  out.push_back(cms::Recipient{std::move(harvest->cert), std::move(harvest->capabilities), false});
  return out;
}

// Without --key and --self, the user's own identity comes from the store: the
// sender's (or --identity's) signing key, and their encryption certificate as
// "self" so the Sent copy stays readable. With --no-self and no identity for the
// sender, the message is only encrypted, as before the store existed.
void use_store_identity(const Args& args, const io::Source& input, std::int64_t now,
                        std::optional<keys::Credentials>& creds, smime::EncryptMessageOptions& options) {
  const auto explicit_identity = args.value("--identity");
  const auto who = explicit_identity ? explicit_identity : sender_of(input);
  if (!who) {
    if (args.flag("--no-self")) return;
    throw Error(Errc::usage, "give --key FILE, --identity ADDRESS or --self CERT (the message names no sender)");
  }
  store::Store store = open_store(args);
  const auto [signer, self] = store::sender_identities(store, *who, !args.flag("--no-sign"), !args.flag("--no-self"),
                                                       explicit_identity.has_value(), now);
  if (signer) {
    creds = store.credentials(*signer);
    options.sign_with = &*creds;
  }
  if (self) options.self = ossl::up_ref(self->cert.get());
}

}  // namespace

int run_encrypt(const std::vector<std::string>& argv, const Context& ctx) {
  auto specs = key_options();
  specs.insert(specs.end(), {{"--to", true, true},
                             {"--trust", true, true},
                             {"--crl", true, true},
                             {"--self", true},
                             {"--no-self"},
                             {"--no-sign"},
                             {"--cipher", true},
                             {"--digest", true},
                             {"--pss"},
                             {"--output", true, false, "-o"}});
  const Args args(argv, specs);
  smime::EncryptMessageOptions options;
  options.now = ctx.now;
  const x509::TrustStore trust = load_trust(args);
  // --to FILE (a path that exists) as before; --to ADDRESS from the contacts and identities;
  // no --to at all: the message's To and Cc, from the contacts and identities.
  std::vector<std::string> addresses;
  for (const auto& to : args.values("--to")) {
    if (!std::filesystem::exists(to) && is_address(to) && to.find('/') == std::string::npos) {
      addresses.push_back(to);
      continue;
    }
    for (auto& r : load_recipient(to, trust, ctx.now)) options.recipients.push_back(std::move(r));
  }
  std::unique_ptr<io::Source> input;
  if (args.values("--to").empty()) {
    input = io::open_input(args.input());
    addresses = store::message_recipients(*input);
    if (addresses.empty()) throw Error(Errc::usage, "give --to (the message has no To or Cc recipients)");
  }
  if (!addresses.empty()) {
    store::Store contacts_store = open_store(args);
    for (auto& r : store::require_recipients(contacts_store, addresses, ctx.now)) options.recipients.push_back(std::move(r));
  }
  if (options.recipients.empty()) throw Error(Errc::usage, "--to is required");
  std::optional<keys::Credentials> creds;
  if (args.value("--key")) {
    if (args.value("--identity")) throw Error(Errc::usage, "--key and --identity exclude each other");
    creds = load_key(args);
    options.self = ossl::up_ref(creds->cert.get());
    if (!args.flag("--no-sign")) options.sign_with = &*creds;
  } else if (!args.value("--self")) {
    if (!input) input = io::open_input(args.input());
    use_store_identity(args, *input, ctx.now, creds, options);
  }
  if (const auto self = args.value("--self")) options.self = std::move(x509::load_certificates(*self).front());
  options.allow_without_self = args.flag("--no-self");
  if (options.allow_without_self) options.self.reset();
  if (const auto d = args.value("--digest")) options.sign.cms.digest = cms::digest_by_name(*d);
  options.sign.cms.pss = args.flag("--pss");
  const std::string cipher = args.value("--cipher").value_or("auto");
  if (cipher == "auto") options.cipher = cms::CipherChoice::automatic;
  else if (cipher == "aes256-cbc" || cipher == "aes-256-cbc") options.cipher = cms::CipherChoice::aes256_cbc;
  else if (cipher == "aes256-gcm" || cipher == "aes-256-gcm") options.cipher = cms::CipherChoice::aes256_gcm;
  else throw Error(Errc::usage, "--cipher must be auto, aes256-cbc or aes256-gcm");

  if (!input) input = io::open_input(args.input());
  io::Output out(args.value("--output").value_or("-"), 0600, io::Durability::relaxed);
  const auto result = smime::encrypt_message(*input, std::move(options), out.sink());
  for (const auto& w : result.warnings) std::cerr << "inkan: " << text(w, ctx.lang) << std::endl;
  out.commit();
  return kExitOk;
}

}  // namespace inkan::cli
