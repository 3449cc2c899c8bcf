#include "args.h"

#include "error.h"

namespace inkan::cli {

Args::Args(const std::vector<std::string>& argv, const std::vector<OptionSpec>& specs) {
  bool only_positionals = false;
  for (std::size_t i = 0; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (only_positionals || arg == "-" || arg.empty() || arg[0] != '-') {
      m_positionals.push_back(arg);
      continue;
    }
    if (arg == "--") {
      only_positionals = true;
      continue;
    }
    std::string name = arg;
    std::optional<std::string> inline_value;
    if (const auto eq = arg.find('='); eq != std::string::npos && arg.rfind("--", 0) == 0) {
      name = arg.substr(0, eq);
      inline_value = arg.substr(eq + 1);
    }
    const OptionSpec* spec = nullptr;
    for (const auto& s : specs) {
      if (s.name == name || (!s.short_name.empty() && s.short_name == name)) spec = &s;
    }
    if (spec == nullptr) throw Error(Errc::usage, "unknown option " + name);
    auto& slot = m_values[spec->name];
    if (!slot.empty() && !spec->repeatable) throw Error(Errc::usage, spec->name + " given twice");
    if (!spec->takes_value) {
      if (inline_value) throw Error(Errc::usage, spec->name + " takes no value");
      slot.emplace_back();
      continue;
    }
    if (inline_value) {
      slot.push_back(*inline_value);
    } else if (i + 1 < argv.size()) {
      slot.push_back(argv[++i]);
    } else {
      throw Error(Errc::usage, spec->name + " needs a value");
    }
  }
}

bool Args::flag(const std::string& name) const { return m_values.count(name) != 0; }

std::optional<std::string> Args::value(const std::string& name) const {
  const auto it = m_values.find(name);
  if (it == m_values.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> Args::values(const std::string& name) const {
  const auto it = m_values.find(name);
  return it == m_values.end() ? std::vector<std::string>{} : it->second;
}

std::string Args::input() const {
  if (m_positionals.size() > 1) throw Error(Errc::usage, "only one input file may be given");
  return m_positionals.empty() ? "-" : m_positionals.front();
}

}  // namespace inkan::cli
