// A small, strict command-line parser: every option is declared, so a typo
// is a usage error instead of a silently ignored flag.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace inkan::cli {

struct OptionSpec {
  OptionSpec(std::string n, bool value = false, bool repeat = false, std::string short_form = {})
      : name(std::move(n)), takes_value(value), repeatable(repeat), short_name(std::move(short_form)) {}

  std::string name;        ///< "--trust"
  bool takes_value;
  bool repeatable;
  std::string short_name;  ///< "-o", optional
};

class Args {
public:
  /** Parses argv (after the command name); throws Error(USAGE) on unknown or malformed options. */
  Args(const std::vector<std::string>& argv, const std::vector<OptionSpec>& specs);

  bool flag(const std::string& name) const;
  std::optional<std::string> value(const std::string& name) const;
  std::vector<std::string> values(const std::string& name) const;
  const std::vector<std::string>& positionals() const { return m_positionals; }
  /** The single input path ("-" if none); throws USAGE if there are several. */
  std::string input() const;

private:
  std::map<std::string, std::vector<std::string>> m_values;
  std::vector<std::string> m_positionals;
};

}  // namespace inkan::cli
