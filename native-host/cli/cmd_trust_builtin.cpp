// `inkan trust builtin [--json]`: Mozilla's roots as the NSS builtins module on this
// system has them, with their e-mail trust and e-mail distrust-after dates.
#include "commands.h"
#include "mime/date.h"
#include "store/store_json.h"
#include "text.h"
#include "verdict_json.h"
#include "x509/cert.h"
#include "x509/nss_builtins.h"

#include <iomanip>
#include <iostream>

namespace inkan::cli {
namespace {

const char* trust_word(const x509::BuiltinRoot& r) {
  if (r.distrusted) return "distrusted";
  if (r.email_trusted) return "email";
  return "not-email";
}

}  // namespace

int run_trust_builtin(const std::vector<std::string>& argv, const Context& ctx) {
  const Args args(argv, {{"--json"}});
  if (!args.positionals().empty()) throw Error(Errc::usage, "trust builtin takes no file");
  const x509::BuiltinRoots& roots = x509::builtin_roots();

  if (args.flag("--json")) {
    std::cout << dump_json(store::builtin_roots_json(roots), 2) << std::endl;
    return kExitOk;
  }
  for (const auto& r : roots.roots) {
    std::cout << x509::fingerprint_sha256(r.cert.get()) << "  " << std::left << std::setw(10) << trust_word(r) << " "
              << r.label;
    if (r.email_distrust_after) {
      std::cout << "  [" << text("label.distrust_after", ctx.lang) << " " << mime::format_iso8601(*r.email_distrust_after)
                << "]";
    }
    std::cout << "\n";
  }
  std::string summary = text("label.builtin_summary", ctx.lang);
  summary.replace(summary.find("{anchors}"), 9, std::to_string(roots.email_anchor_count()));
  summary.replace(summary.find("{total}"), 7, std::to_string(roots.roots.size()));
  std::cout << "\n" << summary << " (" << roots.module_path;
  if (!roots.module_description.empty()) std::cout << ", " << roots.module_description;
  std::cout << ")" << std::endl;
  return kExitOk;
}

}  // namespace inkan::cli
