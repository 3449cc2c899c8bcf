// `inkan lint CERTFILE [--chain FILE]... [--at TIME] [--json]`: the certificate against the
// S/MIME Baseline Requirements and what recipients' mail programs enforce (docs/lint.md).
#include "commands.h"
#include "text.h"
#include "verdict_json.h"
#include "x509/cert.h"
#include "x509/lint.h"

#include <iostream>

namespace inkan::cli {

int run_lint(const std::vector<std::string>& argv, const Context& ctx) {
  const Args args(argv, {{"--chain", true, true}, {"--at", true}, {"--json"}});
  if (args.positionals().size() != 1) throw Error(Errc::usage, "lint takes one certificate file");
  // A bundle is read as the certificate followed by its chain.
  auto certs = x509::load_certificates(args.positionals().front());
  for (auto& c : load_cert_files(args.values("--chain"))) certs.push_back(std::move(c));
  std::vector<X509*> chain;
  for (std::size_t i = 1; i < certs.size(); ++i) chain.push_back(certs[i].get());

  x509::LintOptions options;
  options.at = verification_time(args, ctx);
  const x509::LintResult result = x509::lint(certs.front().get(), chain, options);

  if (args.flag("--json")) {
    std::cout << dump_json(x509::to_json(result, options.at), 2) << std::endl;
    return result.has_errors() ? kExitNotGood : kExitOk;
  }
  const Lang lang = ctx.lang;
  const auto summary = x509::summarize(certs.front().get());
  std::cout << text("label.certificate", lang) << ": " << summary.subject << "\n"
            << "  SHA-256 " << summary.fingerprint_sha256 << "\n";
  for (std::size_t i = 1; i < result.path.size(); ++i) {
    std::cout << "  " << std::string(2 * (i - 1), ' ') << "<- "
              << x509::name_string(X509_get_subject_name(result.path[i].get())) << "\n";
  }
  if (result.findings.empty()) std::cout << text("label.lint_clean", lang) << "\n";
  for (const auto& f : result.findings) {
    std::cout << "\n" << text(std::string("label.lint_") + x509::severity_name(f.severity), lang) << " " << f.code;
    if (f.certificate > 0) std::cout << " [" << text("label.lint_issuer", lang) << " " << f.certificate << "]";
    if (!f.detail.empty()) std::cout << " (" << f.detail << ")";
    std::cout << "\n  " << f.explanation(lang) << "\n";
  }
  std::cout.flush();
  return result.has_errors() ? kExitNotGood : kExitOk;
}

}  // namespace inkan::cli
