// inkan id import|export|export-cert|list|expiring|delete: the user's own keys
// and certificates in the store.
#include "commands.h"
#include "io/sink.h"
#include "password.h"
#include "store/store_json.h"
#include "store_access.h"
#include "store_text.h"
#include "text.h"
#include "x509/cert.h"

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

store::KeyBundle read_bundle(const Args& args, const std::string& path) {
  const std::string bytes = io::read_file(path, 16ULL << 20);
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

int id_import(const std::vector<std::string>& argv, const Context& ctx) {
  const Args args(argv, with_store_pass({{"--pass-env", true}, {"--pass-fd", true}, {"--pass-file", true},
                                         {"--cert", true, true}, {"--json"}}));
  const std::string path = one_positional(args, "FILE to import");
  store::KeyBundle bundle = read_bundle(args, path);
  store::Store s = open_store(args);
  const store::ImportReport report =
      s.import_bundle(std::move(bundle), std::filesystem::path(path).filename().string(), ctx.now);
  if (report.added.empty()) {
    throw Error(Errc::already_exists, report.already_present.empty() ? std::string() : report.already_present.front());
  }
  if (args.flag("--json")) {
    print_json(store::import_json(report, ctx.now));
    return kExitOk;
  }
  for (const auto& id : report.added) {
    std::cout << text("label.imported", ctx.lang) << ": ";
    print_identity(std::cout, id, ctx.now, ctx.lang);
  }
  for (const auto& fp : report.already_present) {
    std::cout << text("label.already_present", ctx.lang) << ": SHA-256 " << fp << "\n";
  }
  for (const auto& [code, fp] : report.warnings) {
    std::cerr << "inkan: " << text(code, ctx.lang) << " (" << code << (fp.empty() ? "" : " " + fp) << ")" << std::endl;
  }
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
  if (args.flag("--json")) {
    print_json(store::identities_json(list, ctx.now));
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
  print_problems(list.problems, ctx.lang);
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
