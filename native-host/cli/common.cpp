#include "common.h"

#include "io/source.h"
#include "mime/date.h"
#include "password.h"
#include "store_access.h"
#include "text.h"
#include "verdict_json.h"
#include "x509/cert.h"

#include <iostream>

namespace inkan::cli {

int exit_code_for(Errc code) {
  switch (code) {
    case Errc::usage:
    case Errc::bad_frame:
    case Errc::frame_too_large:
    case Errc::bad_request:
    case Errc::unknown_op:
    case Errc::protocol_unsupported: return kExitUsage;
    case Errc::confirmation_required: return kExitUsage;
    case Errc::io_read:
    case Errc::file_not_found:
    case Errc::input_too_large:
    case Errc::mime_malformed:
    case Errc::mime_too_deep:
    case Errc::cms_malformed:
    case Errc::cms_unsupported:
    case Errc::upload_not_found:
    case Errc::challenge_mail_invalid: return kExitInput;
    case Errc::store_corrupt:
    case Errc::store_version_unsupported:
    case Errc::unknown_format:
    case Errc::archive_unusable: return kExitInput;
    case Errc::key_load_failed:
    case Errc::bad_password:
    case Errc::password_required:
    case Errc::cert_load_failed:
    case Errc::key_cert_mismatch:
    case Errc::signer_cert_unusable:
    case Errc::signer_address_mismatch:
    case Errc::weak_algorithm:
    case Errc::recipient_cert_unusable:
    case Errc::trust_roots_unavailable: return kExitKey;
    case Errc::store_locked:
    case Errc::not_found:
    case Errc::already_exists:
    case Errc::no_identity:
    case Errc::trust_anchor_unusable:
    case Errc::no_recipient_cert: return kExitKey;
    case Errc::not_encrypted:
    case Errc::encrypted_part_not_root:
    case Errc::no_matching_recipient:
    case Errc::decrypt_failed:
    case Errc::unsupported_algorithm: return kExitDecrypt;
    case Errc::network:
    case Errc::acme_problem:
    case Errc::acme_protocol:
    case Errc::acme_timeout:
    case Errc::cancelled: return kExitRemote;
    case Errc::io_write:
    case Errc::store_busy:
    case Errc::internal: return kExitInternal;
  }
  return kExitInternal;
}

std::vector<OptionSpec> key_options() {
  std::vector<OptionSpec> specs{{"--key", true},       {"--cert", true, true}, {"--pass-env", true},
                                {"--pass-fd", true},   {"--pass-file", true},  {"--identity", true}};
  for (auto& o : store_pass_options()) specs.push_back(std::move(o));
  return specs;
}

keys::Credentials load_key(const Args& args) {
  const auto key = args.value("--key");
  if (!key) throw Error(Errc::usage, "--key is required");
  const auto certs = args.values("--cert");
  const std::string cert = certs.empty() ? std::string() : certs.front();
  PasswordSource passwords(args);
  try {
    auto creds = keys::load_credentials(*key, cert, passwords.given());
    for (std::size_t i = 1; i < certs.size(); ++i) {
      for (auto& c : x509::load_certificates(certs[i])) creds.chain.push_back(std::move(c));
    }
    return creds;
  } catch (const Error& e) {
    if (e.code() != Errc::password_required || !passwords.interactive_allowed()) throw;
    const auto typed = passwords.prompt(*key);
    if (!typed) throw;
    return keys::load_credentials(*key, cert, typed);
  }
}

keys::Credentials load_signing_key(const Args& args, const io::Source* message, std::int64_t now) {
  if (args.value("--key")) {
    if (args.value("--identity")) throw Error(Errc::usage, "--key and --identity exclude each other");
    return load_key(args);
  }
  std::optional<std::string> who = args.value("--identity");
  if (!who && message != nullptr) who = sender_of(*message);
  if (!who) throw Error(Errc::usage, "give --key FILE or --identity ADDRESS (the message names no sender)");
  store::Store store = open_store(args);
  return store.credentials(resolve_identity(store, *who, store::Usage::sign, now));
}

std::vector<keys::Credentials> load_decryption_keys(const Args& args) {
  std::vector<keys::Credentials> out;
  if (args.value("--key")) {
    if (args.value("--identity")) throw Error(Errc::usage, "--key and --identity exclude each other");
    out.push_back(load_key(args));
    return out;
  }
  store::Store store = open_store(args);
  return store::decryption_credentials(store, args.value("--identity"));
}

std::vector<ossl::X509Ptr> load_cert_files(const std::vector<std::string>& paths) {
  std::vector<ossl::X509Ptr> out;
  for (const auto& p : paths) {
    for (auto& c : x509::load_certificates(p)) out.push_back(std::move(c));
  }
  return out;
}

x509::TrustStore load_trust(const Args& args) {
  x509::TrustStore store;
  // Anchors are indexed by subject and decoded only when a chain names them.
  for (const auto& path : args.values("--trust")) {
    for (auto& der : x509::load_certificate_ders(path)) store.add_anchor_der(std::move(der));
  }
  for (const auto& path : args.values("--crl")) {
    for (auto& crl : x509::load_crls(path)) store.add_crl(std::move(crl));
  }
  return store;
}

std::int64_t verification_time(const Args& args, const Context& ctx) {
  const auto at = args.value("--at");
  if (!at) return ctx.now;
  const auto t = mime::parse_iso8601(*at);
  if (!t) throw Error(Errc::usage, "--at: cannot read the time " + *at);
  return *t;
}

void report_error(const Error& error, Lang lang, bool json) {
  if (json) std::cout << dump_json(error_json(error)) << std::endl;
  std::cerr << "inkan: " << text("label.error", lang) << " [" << code_string(error.code()) << "] "
            << message(error.code(), lang);
  if (!error.detail().empty()) std::cerr << " (" << error.detail() << ")";
  std::cerr << std::endl;
}

}  // namespace inkan::cli
