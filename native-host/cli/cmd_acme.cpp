// inkan acme: the ACME client on the command line, for developers and tests.
//   account  create (or look up) an account
//   order    start an enrolment and drive it as far as it goes
//   reply    check an RFC 8823 challenge mail and write the reply to send
//   resume   continue a saved enrolment (after the reply was sent)
// The enrolment state lives in --state FILE (0600; keys inside are encrypted
// with the passphrase), so a long RFC 8823 wait survives the process.
#include "acme_client.h"
#include "base64url.h"
#include "commands.h"
#include "enrol_cli.h"
#include "enrolment.h"
#include "io/sink.h"
#include "io/source.h"
#include "mime/codec.h"
#include "text.h"
#include "verdict_json.h"
#include "x509/cert.h"

#include <openssl/rand.h>

#include <sys/stat.h>

#include <chrono>
#include <ctime>
#include <iostream>
#include <thread>

namespace inkan::cli {
namespace {

using nlohmann::ordered_json;

std::int64_t now() { return static_cast<std::int64_t>(std::time(nullptr)); }

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

std::vector<OptionSpec> connection_options() {
  return {{"--directory", true}, {"--ca-file", true}, {"--json"}};
}

std::vector<OptionSpec> with(std::vector<OptionSpec> a, const std::vector<OptionSpec>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

enrol::AcmeOptions acme_options(const Args& args) {
  enrol::AcmeOptions o;
  o.http.ca_file = args.value("--ca-file").value_or("");
  if (!o.http.ca_file.empty() && !exists(o.http.ca_file)) throw Error(Errc::file_not_found, o.http.ca_file);
  return o;
}

std::string directory_option(const Args& args) {
  const auto dir = args.value("--directory");
  if (!dir) throw Error(Errc::usage, "--directory URL is required");
  if (dir->rfind("https://", 0) != 0) throw Error(Errc::usage, "--directory must be an https:// URL");
  return *dir;
}

std::optional<enrol::ExternalAccountKey> eab_option(const Args& args) {
  const auto kid = args.value("--eab-kid");
  const auto env = args.value("--eab-key-env");
  if (!kid && !env) return std::nullopt;
  if (!kid || !env) throw Error(Errc::usage, "--eab-kid and --eab-key-env go together");
  const char* value = std::getenv(env->c_str());
  if (value == nullptr) throw Error(Errc::usage, "environment variable " + *env + " is not set");
  const auto key = enrol::base64url_decode(value, true);
  if (!key || key->empty()) throw Error(Errc::usage, "the external account MAC key is not base64url");
  return enrol::ExternalAccountKey{*kid, *key};
}

std::vector<OptionSpec> account_request_options() {
  return {{"--contact", true, true}, {"--agree-tos"}, {"--eab-kid", true}, {"--eab-key-env", true}};
}

void require_no_positionals(const Args& args, const char* command) {
  if (!args.positionals().empty()) throw Error(Errc::usage, std::string(command) + " takes no file argument");
}

std::vector<std::string> contacts(const Args& args) {
  std::vector<std::string> out;
  for (auto c : args.values("--contact")) out.push_back(c.rfind("mailto:", 0) == 0 ? c : "mailto:" + c);
  return out;
}

/** An account key from FILE: opened if it exists, else made (P-256) and written encrypted. */
ossl::EvpPkeyPtr account_key_file(const std::string& path, const Args& args, bool may_create, std::string* passphrase) {
  if (exists(path)) {
    if (passphrase->empty()) *passphrase = existing_passphrase(args, path);
    return enrol::decrypt_private_key(io::read_file(path, 1 << 20), *passphrase);
  }
  if (!may_create) throw Error(Errc::file_not_found, path);
  if (passphrase->empty()) *passphrase = new_key_passphrase(args, path);
  auto key = enrol::generate_key(enrol::KeyType::p256);
  write_private_file(path, enrol::encrypt_private_key(key.get(), *passphrase));
  return key;
}

void print_json(const ordered_json& j) { std::cout << dump_json(j) << std::endl; }

// ---- state files ------------------------------------------------------------

enrol::Enrolment load_state(const std::string& path) {
  const auto text = io::read_file(path, 4 << 20);
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) throw Error(Errc::usage, path + " is not a saved enrolment");
  return enrol::enrolment_from_json(j);
}

void save_state(const std::optional<std::string>& path, const enrol::Enrolment& e) {
  if (path) write_private_file(*path, enrol::to_json(e).dump(1) + "\n", true);
}

// ---- driving an enrolment ---------------------------------------------------

ordered_json awaiting_json(const enrol::Enrolment& e, const std::vector<std::size_t>& awaiting) {
  ordered_json list = ordered_json::array();
  for (const auto i : awaiting) {
    const auto& a = e.authorizations[i];
    list.push_back({{"identifier", a.identifier.value}, {"from", a.from}, {"reply_prepared", a.reply_prepared_at != 0}});
  }
  return list;
}

int finish(const enrol::Enrolment& e, const Args& args, const std::string& passphrase, const Context& ctx) {
  const auto certs = x509::parse_certificates(e.certificate_pem);
  if (certs.empty()) throw Error(Errc::acme_protocol, "no certificate in the chain");
  // The key goes out first: a certificate whose key is lost is worthless.
  if (const auto key_out = args.value("--key-out")) {
    write_private_file(*key_out, enrol::encrypt_private_key(enrol::certificate_key(e, passphrase).get(), passphrase));
  }
  const auto leaf = x509::summarize(certs.front().get());
  const std::string output = args.value("--output").value_or("-");
  const bool json = args.flag("--json");
  ordered_json summary{{"version", 1},
                       {"status", "done"},
                       {"order", e.order_url},
                       {"certificate", {{"subject", leaf.subject}, {"issuer", leaf.issuer}, {"serial", leaf.serial},
                                        {"emails", leaf.emails}, {"not_after", leaf.not_after}, {"chain_length", certs.size()}}}};
  if (json && output == "-") {
    summary["chain"] = e.certificate_pem;  // one JSON object on standard output, the chain inside
  } else {
    io::Output out(output, 0644);
    out.sink().write(e.certificate_pem);
    out.commit();
  }
  if (json) {
    print_json(summary);
  } else {
    std::cerr << "inkan: " << text("acme.issued", ctx.lang) << ": " << leaf.subject << " (" << leaf.serial << ")" << std::endl;
  }
  return kExitOk;
}

int drive(enrol::Enrolment& e, const Args& args, const std::string& passphrase, const Context& ctx,
          const std::optional<std::string>& state_path) {
  enrol::StepContext sc;
  sc.passphrase = passphrase;
  sc.acme = acme_options(args);
  sc.external_account = eab_option(args);
  long timeout = 1800;
  if (const auto t = args.value("--timeout")) {
    char* end = nullptr;
    timeout = std::strtol(t->c_str(), &end, 10);
    if (end == t->c_str() || *end != '\0' || timeout < 1 || timeout > 7 * 86400) throw Error(Errc::usage, "--timeout SECONDS");
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout);
  const bool json = args.flag("--json");
  for (;;) {
    sc.now = now();
    enrol::StepResult r;
    try {
      r = enrol::step(e, sc);
    } catch (const Error&) {
      save_state(state_path, e);  // resumable: the error is recorded, the progress kept
      throw;
    }
    save_state(state_path, e);
    if (r.done) return finish(e, args, passphrase, ctx);
    if (!r.awaiting_reply.empty() && r.wait.count() == 0) {
      if (json) {
        print_json({{"version", 1}, {"status", "awaiting_reply"}, {"order", e.order_url}, {"awaiting", awaiting_json(e, r.awaiting_reply)}});
      } else {
        for (const auto i : r.awaiting_reply) {
          const auto& a = e.authorizations[i];
          std::cerr << "inkan: " << text("acme.awaiting-reply", ctx.lang) << ": " << a.identifier.value << " <- " << a.from << std::endl;
        }
        std::cerr << "inkan: " << text("acme.reply-hint", ctx.lang) << std::endl;
      }
      return kExitOk;
    }
    if (std::chrono::steady_clock::now() + r.wait > deadline) {
      throw Error(Errc::acme_timeout, std::string(enrol::to_string(e.stage)) + (state_path ? "; continue with inkan acme resume" : ""));
    }
    if (!json) {
      std::cerr << "inkan: " << enrol::to_string(e.stage) << ", " << text("acme.next-check", ctx.lang) << " " << r.wait.count()
                << " s" << std::endl;
    }
    std::this_thread::sleep_for(r.wait);
  }
}

// ---- subcommands ------------------------------------------------------------

int account(const std::vector<std::string>& argv, const Context& ctx) {
  auto specs = with(with(connection_options(), account_request_options()), passphrase_options());
  specs.push_back({"--account-key", true});
  specs.push_back({"--only-existing"});
  const Args args(argv, specs);
  require_no_positionals(args, "acme account");
  const std::string directory = directory_option(args);
  const auto key_path = args.value("--account-key");
  if (!key_path) throw Error(Errc::usage, "--account-key FILE is required");
  const auto options = acme_options(args);
  const auto eab = eab_option(args);
  std::string passphrase;
  auto key = account_key_file(*key_path, args, !args.flag("--only-existing"), &passphrase);
  enrol::AcmeClient client(directory, std::move(key), options);
  enrol::NewAccount request;
  request.contact = contacts(args);
  request.terms_of_service_agreed = args.flag("--agree-tos");
  request.only_return_existing = args.flag("--only-existing");
  request.external_account = eab;
  if (!request.only_return_existing && !client.directory().terms_of_service.empty() && !request.terms_of_service_agreed) {
    throw Error(Errc::usage, "the CA's terms of service must be agreed to (--agree-tos): " + client.directory().terms_of_service);
  }
  const auto acct = client.new_account(request);
  if (args.flag("--json")) {
    print_json({{"version", 1},
                {"status", "ok"},
                {"account", {{"url", acct.url}, {"status", acct.status}, {"created", acct.created}, {"thumbprint", client.thumbprint()}}}});
  } else {
    std::cout << acct.url << std::endl;
    std::cerr << "inkan: " << text(acct.created ? "acme.account-created" : "acme.account-exists", ctx.lang) << std::endl;
  }
  return kExitOk;
}

std::vector<OptionSpec> drive_options() {
  return {{"--key-out", true}, {"--output", true, false, "-o"}, {"--timeout", true}, {"--state", true}};
}

int order(const std::vector<std::string>& argv, const Context& ctx) {
  auto specs = with(with(with(connection_options(), account_request_options()), passphrase_options()), drive_options());
  for (const char* v : {"--identifier", "--challenge", "--key-type", "--usage", "--account-key", "--concatenation"}) {
    specs.push_back({v, true, std::string(v) == "--identifier"});
  }
  specs.push_back({"--lenient"});
  const Args args(argv, specs);
  require_no_positionals(args, "acme order");
  enrol::EnrolmentRequest request;
  request.server = enrol::profile_for(directory_option(args));
  if (const auto c = args.value("--concatenation")) {
    const auto mode = enrol::rfc8823::concatenation_from_string(*c);
    if (!mode) throw Error(Errc::usage, "--concatenation must be bytes or string");
    request.server.concatenation = *mode;
  }
  if (args.flag("--lenient")) request.server.lenient_challenge_checks = true;
  for (const auto& id : args.values("--identifier")) request.identifiers.push_back(enrol::parse_identifier(id));
  if (request.identifiers.empty()) throw Error(Errc::usage, "--identifier is required (email:ADDRESS or dns:NAME)");
  request.contact = contacts(args);
  request.terms_agreed = args.flag("--agree-tos");
  request.auto_challenge_type = args.value("--challenge").value_or("");
  request.certificate_key_type = key_type_option(args);
  request.usage = usage_option(args);
  const auto state_path = args.value("--state");
  const bool email = std::any_of(request.identifiers.begin(), request.identifiers.end(),
                                 [](const enrol::Identifier& i) { return i.type == "email"; });
  if (email && !state_path) throw Error(Errc::usage, "e-mail identifiers need --state FILE: the reply mail comes later");
  if (!state_path && !args.value("--key-out")) throw Error(Errc::usage, "--key-out or --state is needed to keep the new key");
  if (state_path && exists(*state_path)) throw Error(Errc::io_write, *state_path + " exists; use inkan acme resume");
  (void)acme_options(args);  // check --ca-file before asking for anything
  (void)eab_option(args);

  std::string passphrase;
  ossl::EvpPkeyPtr account;
  if (const auto key_path = args.value("--account-key")) account = account_key_file(*key_path, args, true, &passphrase);
  if (passphrase.empty()) passphrase = new_key_passphrase(args, state_path.value_or("the new keys"));
  auto e = enrol::start_enrolment(request, passphrase, now(), account.get());
  save_state(state_path, e);
  return drive(e, args, passphrase, ctx, state_path);
}

int reply(const std::vector<std::string>& argv, const Context& ctx) {
  const Args args(argv, {{"--state", true}, {"--mail", true}, {"--output", true, false, "-o"}, {"--trusted-authserv", true, true}, {"--json"}});
  require_no_positionals(args, "acme reply");
  const auto state_path = args.value("--state");
  const auto mail_path = args.value("--mail");
  if (!state_path || !mail_path) throw Error(Errc::usage, "--state FILE and --mail FILE are required");
  auto e = load_state(*state_path);
  const std::string mail = io::read_file(*mail_path, 8 << 20);
  enrol::ChallengeMailPolicy hooks;
  hooks.trusted_authserv_ids = args.values("--trusted-authserv");
  const auto prepared = enrol::prepare_reply(e, mail, now(), hooks);
  const std::string own = prepared.mail.from;
  unsigned char random[12];
  if (RAND_bytes(random, sizeof random) != 1) throw Error(Errc::internal, "random");
  const std::string message_id = "<inkan." + mime::hex_encode(std::string_view(reinterpret_cast<const char*>(random), sizeof random)) +
                                 own.substr(own.find('@')) + ">";
  const std::string bytes = prepared.mail.to_rfc5322(now(), message_id);
  const std::string output = args.value("--output").value_or("-");
  const bool json = args.flag("--json");
  if (!(json && output == "-")) {
    io::Output out(output, 0644);
    out.sink().write(bytes);
    out.commit();
  }
  save_state(state_path, e);
  if (json) {
    ordered_json checks = ordered_json::array();
    for (const auto& c : prepared.challenge.checks) {
      checks.push_back({{"rule", c.rule}, {"passed", c.passed}, {"required", c.required}, {"detail", c.detail}});
    }
    ordered_json result{{"version", 1},
                        {"status", "ok"},
                        {"reply", {{"identifier", e.authorizations[prepared.authorization].identifier.value},
                                   {"to", prepared.mail.to},
                                   {"subject", prepared.mail.subject},
                                   {"digest", prepared.digest},
                                   {"authenticated_by", prepared.challenge.authenticated_by},
                                   {"checks", checks}}}};
    if (output == "-") result["reply"]["mail"] = bytes;
    print_json(result);
  } else {
    for (const auto& c : prepared.challenge.checks) {
      if (!c.passed) std::cerr << "inkan: " << text("acme.check-warning", ctx.lang) << ": " << c.rule << " (" << c.detail << ")" << std::endl;
    }
  }
  return kExitOk;
}

int resume(const std::vector<std::string>& argv, const Context& ctx) {
  auto specs = with(with(with({{"--ca-file", true}, {"--json"}}, passphrase_options()), drive_options()),
                    {{"--reply-sent"}, {"--eab-kid", true}, {"--eab-key-env", true}});
  const Args args(argv, specs);
  require_no_positionals(args, "acme resume");
  const auto state_path = args.value("--state");
  if (!state_path) throw Error(Errc::usage, "--state FILE is required");
  (void)acme_options(args);
  auto e = load_state(*state_path);
  if (args.flag("--reply-sent")) {
    for (std::size_t i = 0; i < e.authorizations.size(); ++i) {
      const auto& a = e.authorizations[i];
      if (a.reply_prepared_at != 0 && a.reply_sent_at == 0) enrol::mark_reply_sent(e, i, now());
    }
    save_state(state_path, e);
  }
  const std::string passphrase = existing_passphrase(args, *state_path);
  return drive(e, args, passphrase, ctx, state_path);
}

}  // namespace

int run_acme(const std::vector<std::string>& argv, const Context& ctx) {
  struct Subcommand {
    const char* name;
    int (*run)(const std::vector<std::string>&, const Context&);
  };
  static constexpr Subcommand kAcmeSubcommands[] = {{"account", account}, {"order", order}, {"reply", reply}, {"resume", resume}};
  if (argv.empty()) throw Error(Errc::usage, "acme needs a subcommand: account, order, reply or resume");
  for (const auto& s : kAcmeSubcommands) {
    if (argv.front() == s.name) return s.run(std::vector<std::string>(argv.begin() + 1, argv.end()), ctx);
  }
  throw Error(Errc::usage, "unknown acme subcommand " + argv.front() + " (account, order, reply, resume)");
}

}  // namespace inkan::cli
