// inkan id import|export|export-cert|list|expiring|delete: the user's own keys
// and certificates in the store.
#include "actalis.h"
#include "private_ca.h"
#include "commands.h"
#include "io/sink.h"
#include "mime/address.h"
#include "mime/date.h"
#include "password.h"
#include "store/store_json.h"
#include "store_access.h"
#include "store_text.h"
#include "text.h"
#include "x509/cert.h"
#include "x509/lint.h"

#include <openssl/err.h>

#include <algorithm>
#include <filesystem>
#include <iostream>

namespace inkan::cli {
namespace {

std::vector<OptionSpec> with_store_pass(std::vector<OptionSpec> specs) {
  for (auto& o : store_pass_options()) specs.push_back(std::move(o));
  return specs;
}

const std::string& one_positional(const Args& args, const char* what) {
  if (args.positionals().size() != 1) throw Error(Errc::usage, std::string("give exactly one ") + what);
  return args.positionals().front();
}

store::KeyBundle read_bundle(const Args& args, const std::string& path, const std::string& bytes) {
  PasswordSource password(args);
  try {
    return store::read_key_file(bytes, load_cert_files(args.values("--cert")), password.given());
  } catch (const Error& e) {
    if (e.code() != Errc::password_required || !password.interactive_allowed()) throw;
    const auto typed = password.prompt(std::filesystem::path(path).filename().string());
    if (!typed) throw;
    return store::read_key_file(bytes, load_cert_files(args.values("--cert")), typed);
  }
}

// Actalis mails its PKCS#12 in a ZIP; the password is the one its form showed.
enrol::ActalisImport import_zip(const Args& args, const std::string& path, const std::string& bytes, store::Store& s,
                                std::int64_t now) {
  PasswordSource password(args);
  auto given = password.given();
  if (!given && password.interactive_allowed()) given = password.prompt(std::filesystem::path(path).filename().string());
  if (!given) throw Error(Errc::password_required, "the password Actalis's form showed (--pass-env, --pass-fd, --pass-file)");
  return enrol::import_actalis_zip(s, bytes, *given, now);
}

// Every imported certificate is linted, so problems are explained before it is relied on.
std::vector<x509::LintResult> lint_added(const store::ImportReport& report, std::int64_t now) {
  std::vector<x509::LintResult> out;
  x509::LintOptions options;
  options.at = now;
  for (const auto& id : report.added) {
    std::vector<X509*> chain;
    for (const auto& c : id.chain) chain.push_back(c.get());
    out.push_back(x509::lint(id.cert.get(), chain, options));
  }
  return out;
}

nlohmann::ordered_json lint_json(const std::vector<x509::LintResult>& lints, const store::ImportReport& report, std::int64_t now) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < lints.size(); ++i) {
    auto j = x509::to_json(lints[i], now);
    j["fingerprint"] = report.added[i].fingerprint;
    out.push_back(std::move(j));
  }
  return out;
}

void print_lints(const std::vector<x509::LintResult>& lints, Lang lang) {
  for (const auto& l : lints) {
    for (const auto& f : l.findings) {
      if (f.severity == x509::LintSeverity::info) continue;
      std::cerr << "inkan: " << text(std::string("label.lint_") + x509::severity_name(f.severity), lang) << " " << f.code << ": "
                << f.explanation(lang) << std::endl;
    }
  }
}

int id_import(const std::vector<std::string>& argv, const Context& ctx) {
  const Args args(argv, with_store_pass({{"--pass-env", true}, {"--pass-fd", true}, {"--pass-file", true},
                                         {"--cert", true, true}, {"--trust-ca"}, {"--json"}}));
  const std::string path = one_positional(args, "FILE to import");
  const std::string bytes = io::read_file(path, 16ULL << 20);
  store::ImportReport report;
  std::optional<enrol::ActalisImport> actalis;
  std::vector<x509::LintResult> lints;
  if (enrol::looks_like_zip(bytes)) {
    store::Store s = open_store(args);
    actalis = import_zip(args, path, bytes, s, ctx.now);
    report = actalis->report;
    lints = std::move(actalis->lint);
  } else {
    store::KeyBundle bundle = read_bundle(args, path, bytes);
    store::Store s = open_store(args);
    report = s.import_bundle(std::move(bundle), std::filesystem::path(path).filename().string(), ctx.now);
    if (report.added.empty()) {
      throw Error(Errc::already_exists, report.already_present.empty() ? std::string() : report.already_present.front());
    }
    lints = lint_added(report, ctx.now);
  }
  std::vector<store::AnchorEntry> anchors;
  if (args.flag("--trust-ca")) {
    store::Store s = open_store(args);
    anchors = enrol::trust_issuing_cas(s, report, ctx.now);
  }
  if (args.flag("--json")) {
    auto j = store::import_json(report, ctx.now);
    j["lint"] = lint_json(lints, report, ctx.now);
    if (actalis) {
      j["archive_entry"] = actalis->archive.name;
      j["remind_at"] = mime::format_iso8601(actalis->remind_at);
    }
    if (args.flag("--trust-ca")) {
      nlohmann::ordered_json added = nlohmann::ordered_json::array();
      for (const auto& a : anchors) added.push_back(store::anchor_json(a, ctx.now));
      j["trusted"] = added;
    }
    print_json(j);
    return kExitOk;
  }
  for (const auto& id : report.added) {
    std::cout << text("label.imported", ctx.lang) << ": ";
    print_identity(std::cout, id, ctx.now, ctx.lang);
  }
  for (const auto& fp : report.already_present) {
    std::cout << text("label.already_present", ctx.lang) << ": SHA-256 " << fp << "\n";
  }
  for (const auto& p : report.completed_pending) std::cout << text("label.pending_completed", ctx.lang) << ": " << p << "\n";
  for (const auto& a : anchors) {
    std::cout << text("label.trusted_issuer", ctx.lang) << ": " << x509::summarize(a.cert.get()).subject << "\n"
              << "    SHA-256: " << a.fingerprint << "\n";
  }
  if (actalis) std::cout << text("label.remind", ctx.lang) << ": " << day_of(actalis->remind_at) << "\n";
  for (const auto& [code, fp] : report.warnings) {
    std::cerr << "inkan: " << text(code, ctx.lang) << " (" << code << (fp.empty() ? "" : " " + fp) << ")" << std::endl;
  }
  print_lints(lints, ctx.lang);
  return kExitOk;
}

// A new password for a file: given, else typed twice on the terminal.
std::string new_password(PasswordSource& source, const std::string& what) {
  if (auto given = source.given()) return *given;
  if (!source.interactive_allowed()) throw Error(Errc::password_required);
  const auto first = PasswordSource::ask("New password for " + what + ": ");
  if (!first) throw Error(Errc::password_required, "no terminal: give --pass-env, --pass-fd or --pass-file");
  const auto again = PasswordSource::ask("Repeat the password: ");
  if (!again || *again != *first) throw Error(Errc::usage, "the two passwords differ");
  return *first;
}

int id_export(const std::vector<std::string>& argv, const Context& ctx) {
  const Args args(argv, with_store_pass({{"--out", true}, {"--pass-env", true}, {"--pass-fd", true},
                                         {"--pass-file", true}, {"--legacy"}, {"--all"}, {"--json"}}));
  const std::string who = one_positional(args, "ADDRESS or fingerprint");
  const auto out_path = args.value("--out");
  if (!out_path) throw Error(Errc::usage, "--out FILE is required");
  store::Store s = open_store(args);
  const std::vector<store::Identity> ids = store::identities_to_export(s, who, args.flag("--all"), ctx.now);
  PasswordSource password(args);
  const std::string pw = new_password(password, *out_path);
  const auto profile = args.flag("--legacy") ? store::Pkcs12Profile::legacy : store::Pkcs12Profile::modern;
  const std::string der = s.export_pkcs12(ids, pw, profile);
  io::Output out(*out_path, 0600);
  out.sink().write(der);
  out.commit();
  if (args.flag("--json")) {
    auto j = store::export_json(ids, profile);
    j["file"] = *out_path;
    print_json(j);
  } else if (*out_path != "-") {
    std::cerr << fill(fill(text("label.exported", ctx.lang), "n", std::to_string(ids.size())), "file", *out_path)
              << std::endl;
  }
  return kExitOk;
}

int id_export_cert(const std::vector<std::string>& argv, const Context& ctx) {
  const Args args(argv, {{"--out", true}, {"--der"}, {"--json"}});
  const std::string who = one_positional(args, "ADDRESS or fingerprint");
  const auto out_path = args.value("--out");
  if (!out_path) throw Error(Errc::usage, "--out FILE is required");
  const store::Store s = open_store(args);
  const store::Identity id = store::identity_for_certificate(s, who, ctx.now);
  std::string bytes;
  if (args.flag("--der")) {
    unsigned char* der = nullptr;
    const int n = i2d_X509(id.cert.get(), &der);
    if (n <= 0) throw Error(Errc::internal, "DER encoding");
    const ossl::OsslBytesPtr owned(der);
    bytes.assign(reinterpret_cast<const char*>(der), static_cast<std::size_t>(n));
  } else {
    bytes = x509::to_pem(id.cert.get());
  }
  io::Output out(*out_path, 0644);  // a certificate is public
  out.sink().write(bytes);
  out.commit();
  if (args.flag("--json")) {
    auto j = store::export_cert_json(id, args.flag("--der"));
    j["file"] = *out_path;
    print_json(j);
  }
  return kExitOk;
}

int id_list(const std::vector<std::string>& argv, const Context& ctx) {
  const Args args(argv, {{"--json"}});
  if (args.positionals().size() > 1) throw Error(Errc::usage, "give at most one ADDRESS");
  const store::Store s = open_store(args);
  store::IdentityList list = s.identities();
  if (!args.positionals().empty()) {
    const std::string address = args.positionals().front();
    std::erase_if(list.identities, [&](const store::Identity& id) { return !id.has_address(address); });
  }
  // Keys waiting for their certificate (inkan csr --store): "waiting for your CA".
  store::PendingList pending = s.pending_keys();
  if (!args.positionals().empty()) {
    const std::string address = mime::normalize_address(args.positionals().front());
    std::erase_if(pending.pending, [&](const store::PendingKey& p) {
      return std::find(p.addresses.begin(), p.addresses.end(), address) == p.addresses.end();
    });
  }
  if (args.flag("--json")) {
    print_json(store::identities_json(list, ctx.now, &pending));
    return kExitOk;
  }
  const auto shown = store::identities_json(list, ctx.now);
  if (list.identities.empty()) std::cout << text("label.no_identities", ctx.lang) << "\n";
  for (std::size_t i = 0; i < list.identities.size(); ++i) {
    print_identity(std::cout, list.identities[i], ctx.now, ctx.lang);
    const auto& current = shown["identities"][i]["current"];
    std::string uses;
    if (current["sign"].get<bool>()) uses = text("usage.sign", ctx.lang);
    if (current["encrypt"].get<bool>()) uses += (uses.empty() ? "" : ", ") + text("usage.encrypt", ctx.lang);
    if (!uses.empty()) std::cout << "    " << text("label.in_use", ctx.lang) << ": " << uses << "\n";
  }
  for (const auto& p : pending.pending) {
    std::string who;
    for (const auto& a : p.addresses) who += (who.empty() ? "" : ", ") + a;
    std::cout << text("label.pending", ctx.lang) << ": " << who << "  [" << p.key_type << ", " << p.usage << "]  "
              << day_of(p.created_at) << "\n    id: " << p.id << "\n";
  }
  print_problems(list.problems, ctx.lang);
  print_problems(pending.problems, ctx.lang);
  return kExitOk;
}

int id_expiring(const std::vector<std::string>& argv, const Context& ctx) {
  const Args args(argv, {{"--days", true}, {"--json"}});
  if (!args.positionals().empty()) throw Error(Errc::usage, "unexpected argument " + args.positionals().front());
  int days = 30;
  if (const auto d = args.value("--days")) {
    char* end = nullptr;
    const long v = std::strtol(d->c_str(), &end, 10);
    if (end == d->c_str() || *end != '\0' || v < 0 || v > 36500) throw Error(Errc::usage, "--days needs a number of days");
    days = static_cast<int>(v);
  }
  const store::Store s = open_store(args);
  const auto list = s.identities();
  const auto expiring = store::expiring_identities(list.identities, ctx.now, days);
  if (args.flag("--json")) {
    print_json(store::expiring_json(expiring, ctx.now, days));
    return kExitOk;
  }
  if (expiring.empty()) std::cout << fill(text("label.none_expiring", ctx.lang), "days", std::to_string(days)) << "\n";
  for (const auto& id : expiring) print_identity(std::cout, id, ctx.now, ctx.lang);
  print_problems(list.problems, ctx.lang);
  return kExitOk;
}

int id_delete(const std::vector<std::string>& argv, const Context& ctx) {
  const Args args(argv, {{"--yes"}, {"--json"}});
  const std::string fp = one_positional(args, "fingerprint");
  if (is_address(fp)) throw Error(Errc::usage, "delete takes a fingerprint (see inkan id list), not an address");
  store::Store s = open_store(args);
  const store::Identity id = s.find_identity(fp);  // NOT_FOUND before asking for confirmation
  if (!args.flag("--yes")) {
    throw Error(Errc::confirmation_required, "inkan id delete " + id.fingerprint + " --yes");
  }
  s.remove_identity(id.fingerprint);
  if (args.flag("--json")) {
    print_json(store::delete_json(id.fingerprint));
  } else {
    std::cout << text("label.deleted", ctx.lang) << ": " << identity_line(id, ctx.now, ctx.lang) << "\n"
              << "    SHA-256: " << id.fingerprint << "\n";
  }
  return kExitOk;
}

}  // namespace

int run_id(const std::vector<std::string>& argv, const Context& ctx) {
  return run_subcommand("id",
                        {{"import", id_import},
                         {"export", id_export},
                         {"export-cert", id_export_cert},
                         {"list", id_list},
                         {"expiring", id_expiring},
                         {"delete", id_delete}},
                        argv, ctx);
}

}  // namespace inkan::cli
