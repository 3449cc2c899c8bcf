// inkan ca: a company CA kept in the store (enrol/private_ca.h).
//   init    make the CA (its key sealed under the store key)
//   issue   a user's key and certificate as a PKCS#12 with a generated password,
//           plus the CA certificate (.der) to trust
//   list    the CA and what it issued
//   revoke  mark an issued certificate revoked
//   crl     write a new CRL
#include "commands.h"
#include "enrol_cli.h"
#include "io/sink.h"
#include "mime/date.h"
#include "private_ca.h"
#include "store_access.h"
#include "store/store_json.h"
#include "store_text.h"
#include "text.h"
#include "x509/cert.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <iostream>

namespace inkan::cli {
namespace {

std::vector<OptionSpec> with_store(std::vector<OptionSpec> specs) {
  for (auto& o : store_pass_options()) specs.push_back(std::move(o));
  specs.push_back({"--json"});
  return specs;
}

void no_positionals(const Args& args, const char* command) {
  if (!args.positionals().empty()) throw Error(Errc::usage, std::string(command) + " takes no file argument");
}

int int_option(const Args& args, const std::string& name, int fallback, int low, int high) {
  const auto v = args.value(name);
  if (!v) return fallback;
  char* end = nullptr;
  const long n = std::strtol(v->c_str(), &end, 10);
  if (end == v->c_str() || *end != '\0' || n < low || n > high) {
    throw Error(Errc::usage, name + " must be a number from " + std::to_string(low) + " to " + std::to_string(high));
  }
  return static_cast<int>(n);
}

// A file name made of the text: letters, digits and . @ _ - kept, anything else '_'.
std::string file_name_for(std::string_view text) {
  std::string out;
  for (const char c : text) {
    const bool keep = std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '@' || c == '_' || c == '-';
    out.push_back(keep ? c : '_');
  }
  if (out.empty() || out.front() == '.') out.insert(out.begin(), '_');
  return out.substr(0, 120);
}

bool path_exists(const std::filesystem::path& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0;
}

std::string der_of(X509* cert) {
  unsigned char* der = nullptr;
  const int n = i2d_X509(cert, &der);
  if (n <= 0) throw Error(Errc::internal, "DER encoding");
  const ossl::OsslBytesPtr owned(der);
  return std::string(reinterpret_cast<const char*>(der), static_cast<std::size_t>(n));
}

// PEM (RFC 7468): base64 in lines of 64 characters between the labels.
std::string pem_of(std::string_view der, const char* label) {
  std::string out = std::string("-----BEGIN ") + label + "-----\n";
  for (std::size_t i = 0; i < der.size(); i += 48) {
    const std::size_t n = std::min<std::size_t>(48, der.size() - i);
    unsigned char line[65];
    const int len = EVP_EncodeBlock(line, reinterpret_cast<const unsigned char*>(der.data() + i), static_cast<int>(n));
    out.append(reinterpret_cast<const char*>(line), static_cast<std::size_t>(len));
    out.push_back('\n');
  }
  return out + "-----END " + label + "-----\n";
}

void print_lint(const x509::LintResult& lint, Lang lang) {
  for (const auto& f : lint.findings) {
    std::cout << "  " << text(std::string("label.lint_") + x509::severity_name(f.severity), lang) << " " << f.code << ": "
              << f.explanation(lang) << "\n";
  }
}

int ca_init_cmd(const std::vector<std::string>& argv, const Context& ctx) {
  const Args args(argv, with_store({{"--name", true}, {"--key-type", true}, {"--days", true}, {"--crl-url", true}}));
  no_positionals(args, "ca init");
  enrol::CaInitRequest request;
  const auto name = args.value("--name");
  if (!name) throw Error(Errc::usage, "--name is required (the CA's name, e.g. \"Example Co CA\")");
  request.name = *name;
  request.key_type = key_type_option(args);
  request.days = int_option(args, "--days", 3650, 1, enrol::kMaxCaCertificateDays);
  request.crl_url = args.value("--crl-url").value_or("");
  store::Store s = open_store(args);
  const auto ca = enrol::ca_init(s, request, ctx.now);
  if (args.flag("--json")) {
    print_json({{"version", 1}, {"status", "ok"}, {"ca", enrol::ca_json(ca)}});
  } else {
    std::cout << text("label.ca_created", ctx.lang) << ": " << ca.name << "\n    SHA-256: " << ca.fingerprint << "\n";
  }
  return kExitOk;
}

int ca_issue_cmd(const std::vector<std::string>& argv, const Context& ctx) {
  const Args args(argv, with_store({{"--cn", true},
                                    {"--email", true},
                                    {"--key-type", true},
                                    {"--bits", true},
                                    {"--days", true},
                                    {"--memo", true},
                                    {"--out-dir", true},
                                    {"--legacy"},
                                    {"--password-file", true},
                                    {"--ca", true}}));
  no_positionals(args, "ca issue");
  enrol::CaIssueRequest request;
  const auto cn = args.value("--cn");
  const auto email = args.value("--email");
  const auto out_dir = args.value("--out-dir");
  if (!cn || !email) throw Error(Errc::usage, "--cn NAME and --email ADDRESS are required");
  if (!out_dir) throw Error(Errc::usage, "--out-dir DIR is required: the .p12 and the CA certificate go there");
  request.common_name = *cn;
  request.email = *email;
  request.key_type = key_type_option(args);
  if (const auto bits = args.value("--bits")) {
    if (args.value("--key-type")) throw Error(Errc::usage, "--bits and --key-type exclude each other");
    const auto type = enrol::key_type_from_string("rsa" + *bits);
    if (!type || enrol::is_ec(*type)) throw Error(Errc::usage, "--bits must be 2048, 3072 or 4096");
    request.key_type = *type;
  }
  request.days = int_option(args, "--days", 365, 1, enrol::kMaxUserCertificateDays);
  request.memo = args.value("--memo").value_or("");
  request.profile = args.flag("--legacy") ? store::Pkcs12Profile::legacy : store::Pkcs12Profile::modern;
  const std::filesystem::path dir(*out_dir);
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) throw Error(Errc::file_not_found, "--out-dir " + *out_dir);
  const auto p12_path = dir / (file_name_for(*email) + ".p12");
  // A PKCS#12 holds a private key: never replace one (it may be the only copy).
  if (path_exists(p12_path)) throw Error(Errc::io_write, p12_path.string() + " exists; not replacing a private key");
  const auto password_file = args.value("--password-file");
  if (password_file && path_exists(*password_file)) throw Error(Errc::io_write, *password_file + " exists");

  store::Store s = open_store(args);
  const auto ca = enrol::find_ca(s, args.value("--ca").value_or(""));
  auto result = enrol::ca_issue(s, ca, request, ctx.now);
  const auto ca_path = dir / (file_name_for(ca.name) + ".der");
  write_private_file(p12_path.string(), result.pkcs12);
  {
    io::Output out(ca_path.string(), 0644);  // public: handed to every user
    out.sink().write(der_of(ca.cert.get()));
    out.commit();
  }
  if (password_file) write_private_file(*password_file, result.password + "\n");

  if (args.flag("--json")) {
    nlohmann::ordered_json j{{"version", 1},
                             {"status", "ok"},
                             {"issued", enrol::issued_json(result.issued, ctx.now)},
                             {"pkcs12", p12_path.string()},
                             {"profile", args.flag("--legacy") ? "legacy" : "modern"},
                             {"ca_certificate", ca_path.string()},
                             {"ca", ca.fingerprint}};
    j["password"] = password_file ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(result.password);
    j["password_file"] = password_file ? nlohmann::ordered_json(*password_file) : nlohmann::ordered_json(nullptr);
    j["lint"] = x509::to_json(result.lint, ctx.now);
    print_json(j);
  } else {
    const auto& i = result.issued;
    std::cout << text("label.ca_issued", ctx.lang) << ": " << i.common_name << " <" << i.email << ">\n"
              << "    " << text("label.serial", ctx.lang) << ": " << i.serial << "\n"
              << "    " << fill(text("label.valid_until_date", ctx.lang), "date", day_of(i.not_after)) << "\n"
              << "    PKCS#12: " << p12_path.string() << "\n";
    if (password_file) {
      std::cout << "    " << text("label.password_file", ctx.lang) << ": " << *password_file << "\n";
    } else {
      std::cout << "    " << text("label.password", ctx.lang) << ": " << result.password << "\n";
    }
    std::cout << "    " << text("label.ca_certificate", ctx.lang) << ": " << ca_path.string() << "\n";
    print_lint(result.lint, ctx.lang);
  }
  OPENSSL_cleanse(result.password.data(), result.password.size());
  return kExitOk;
}

int ca_list_cmd(const std::vector<std::string>& argv, const Context& ctx) {
  const Args args(argv, {{"--ca", true}, {"--json"}});
  no_positionals(args, "ca list");
  const store::Store s = open_store(args);
  std::vector<store::Problem> problems;
  std::vector<enrol::CompanyCa> cas;
  if (const auto selector = args.value("--ca")) {
    cas.push_back(enrol::find_ca(s, *selector));
  } else {
    cas = enrol::list_cas(s, &problems);
  }
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& ca : cas) {
    auto j = enrol::ca_json(ca);
    nlohmann::ordered_json issued = nlohmann::ordered_json::array();
    const auto certs = enrol::issued_certificates(s, ca, &problems);
    for (const auto& i : certs) issued.push_back(enrol::issued_json(i, ctx.now));
    j["issued"] = issued;
    list.push_back(j);
    if (!args.flag("--json")) {
      std::cout << ca.name << "  ("
                << fill(text("label.valid_until_date", ctx.lang), "date", day_of(x509::summarize(ca.cert.get()).not_after))
                << ")\n    SHA-256: " << ca.fingerprint << "\n";
      if (certs.empty()) std::cout << "    " << text("label.ca_none_issued", ctx.lang) << "\n";
      for (const auto& i : certs) {
        std::cout << "    " << i.serial << "  " << i.email << "  " << i.common_name << "  " << text("ca." + i.status(ctx.now), ctx.lang)
                  << "  " << day_of(i.not_after) << (i.memo.empty() ? "" : "  (" + i.memo + ")") << "\n";
      }
    }
  }
  if (args.flag("--json")) {
    nlohmann::ordered_json probs = nlohmann::ordered_json::array();
    for (const auto& p : problems) probs.push_back(store::problem_json(p));
    print_json({{"version", 1}, {"cas", list}, {"problems", probs}});
  } else {
    if (cas.empty()) std::cout << text("label.no_ca", ctx.lang) << "\n";
    print_problems(problems, ctx.lang);
  }
  return kExitOk;
}

int ca_revoke_cmd(const std::vector<std::string>& argv, const Context& ctx) {
  const Args args(argv, with_store({{"--reason", true}, {"--ca", true}}));
  if (args.positionals().size() != 1) throw Error(Errc::usage, "give one SERIAL (see inkan ca list)");
  store::Store s = open_store(args);
  const auto ca = enrol::find_ca(s, args.value("--ca").value_or(""));
  const auto revoked = enrol::ca_revoke(s, ca, args.positionals().front(), args.value("--reason").value_or("unspecified"), ctx.now);
  if (args.flag("--json")) {
    print_json({{"version", 1}, {"status", "ok"}, {"revoked", enrol::issued_json(revoked, ctx.now)}});
  } else {
    std::cout << text("label.ca_revoked", ctx.lang) << ": " << revoked.serial << "  " << revoked.email << " (" << revoked.reason
              << ")\n" << text("label.ca_crl_hint", ctx.lang) << "\n";
  }
  return kExitOk;
}

int ca_crl_cmd(const std::vector<std::string>& argv, const Context& ctx) {
  const Args args(argv, with_store({{"--out", true}, {"--days", true}, {"--der"}, {"--ca", true}}));
  no_positionals(args, "ca crl");
  const auto out_path = args.value("--out");
  if (!out_path) throw Error(Errc::usage, "--out FILE is required");
  const int days = int_option(args, "--days", 30, 1, 366);
  store::Store s = open_store(args);
  const auto ca = enrol::find_ca(s, args.value("--ca").value_or(""));
  const auto crl = enrol::ca_crl(s, ca, days, ctx.now);
  const std::string bytes = args.flag("--der") ? crl.der : pem_of(crl.der, "X509 CRL");
  io::Output out(*out_path, 0644);  // a CRL is public
  out.sink().write(bytes);
  out.commit();
  if (args.flag("--json")) {
    print_json({{"version", 1},
                {"status", "ok"},
                {"file", *out_path},
                {"format", args.flag("--der") ? "der" : "pem"},
                {"crl_number", crl.number},
                {"revoked", crl.revoked},
                {"this_update", mime::format_iso8601(crl.this_update)},
                {"next_update", mime::format_iso8601(crl.next_update)}});
  } else if (*out_path != "-") {
    std::cout << fill(fill(text("label.ca_crl_written", ctx.lang), "n", std::to_string(crl.revoked)), "file", *out_path) << "\n";
  }
  return kExitOk;
}

}  // namespace

int run_ca(const std::vector<std::string>& argv, const Context& ctx) {
  return run_subcommand("ca",
                        {{"init", ca_init_cmd},
                         {"issue", ca_issue_cmd},
                         {"list", ca_list_cmd},
                         {"revoke", ca_revoke_cmd},
                         {"crl", ca_crl_cmd}},
                        argv, ctx);
}

}  // namespace inkan::cli
