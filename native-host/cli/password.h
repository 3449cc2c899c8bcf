// Where a key's password comes from: an environment variable, a file
// descriptor, a file, or (last resort) a prompt on the terminal.
#pragma once

#include "args.h"

#include <optional>
#include <string>

namespace inkan::cli {

class PasswordSource {
public:
  /** Reads PREFIX-env, PREFIX-fd and PREFIX-file ("--pass" by default; "--store-pass", "--new-pass"). */
  explicit PasswordSource(const Args& args, const std::string& prefix = "--pass");
  /** The configured password, if one was given non-interactively. */
  std::optional<std::string> given();
  /** Asks "Password for WHAT: " on /dev/tty (echo off); nullopt if there is no terminal. */
  std::optional<std::string> prompt(const std::string& what) const;
  /** Asks the question on /dev/tty (echo off); nullopt if there is no terminal. */
  static std::optional<std::string> ask(const std::string& question);
  bool interactive_allowed() const { return !m_explicit; }

private:
  std::optional<std::string> m_env;
  std::optional<int> m_fd;
  std::optional<std::string> m_file;
  std::optional<std::string> m_cached;
  bool m_explicit = false;
};

}  // namespace inkan::cli
