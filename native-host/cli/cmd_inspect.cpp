#include "commands.h"
#include "smime/inspect.h"

#include <iostream>

namespace inkan::cli {
namespace {

void print_part(const nlohmann::ordered_json& part, int depth) {
  std::cout << std::string(static_cast<std::size_t>(depth) * 2, ' ') << part.value("part", "") << "  "
            << part.value("content_type", "") << "  " << part.value("transfer_encoding", "") << "  "
            << part.value("bytes", 0) << " bytes";
  if (part.contains("name")) std::cout << "  name=" << part["name"].get<std::string>();
  std::cout << "\n";
  if (part.contains("cms")) {
    std::cout << std::string(static_cast<std::size_t>(depth) * 2 + 4, ' ') << "CMS " << part["cms"].dump() << "\n";
  }
  if (part.contains("problem")) {
    std::cout << std::string(static_cast<std::size_t>(depth) * 2 + 4, ' ') << "problem: " << part["problem"].dump() << "\n";
  }
  if (part.contains("parts")) {
    for (const auto& c : part["parts"]) print_part(c, depth + 1);
  }
}

}  // namespace

int run_inspect(const std::vector<std::string>& argv, const Context&) {
  const Args args(argv, {{"--json"}});
  const auto input = io::open_input(args.input());
  const nlohmann::ordered_json j = smime::inspect(*input);
  if (args.flag("--json")) {
    std::cout << j.dump(2) << std::endl;
    return kExitOk;
  }
  if (j.value("format", "") == "cms") {
    std::cout << "CMS " << j["cms"].dump(2) << std::endl;
    return kExitOk;
  }
  if (j.contains("headers")) {
    for (const auto& [k, v] : j["headers"].items()) std::cout << k << ": " << v.get<std::string>() << "\n";
    std::cout << "\n";
  }
  print_part(j["structure"], 0);
  std::cout.flush();
  return kExitOk;
}

}  // namespace inkan::cli
