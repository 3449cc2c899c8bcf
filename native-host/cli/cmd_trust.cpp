// `inkan trust SUBCOMMAND ...`: trust anchors. One row per subcommand; the store's
// list/add/distrust/remove join `builtin` here, each in its own cmd_trust_*.cpp file.
#include "commands.h"

namespace inkan::cli {
namespace {

struct Subcommand {
  const char* name;
  int (*run)(const std::vector<std::string>&, const Context&);
};

constexpr Subcommand kTrustSubcommands[] = {
    {"builtin", run_trust_builtin},
};

}  // namespace

int run_trust(const std::vector<std::string>& argv, const Context& ctx) {
  if (argv.empty()) throw Error(Errc::usage, "trust needs a subcommand (see inkan trust --help)");
  for (const auto& s : kTrustSubcommands) {
    if (argv.front() == s.name) return s.run(std::vector<std::string>(argv.begin() + 1, argv.end()), ctx);
  }
  throw Error(Errc::usage, "unknown trust subcommand " + argv.front());
}

}  // namespace inkan::cli
