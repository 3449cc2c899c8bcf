// Running other programs (the inkan CLI, the openssl command line) with
// their standard streams captured, a time limit, and no controlling
// terminal, so nothing can stop to ask for a password.
#pragma once

#include <string>
#include <vector>

namespace inkan::test {

struct RunOptions {
  std::string input;                  ///< written to the child's standard input
  std::vector<std::string> set_env;   ///< "NAME=VALUE" added to (or replacing in) the environment
  std::vector<std::string> unset_env; ///< names removed from the environment
  std::string cwd;                    ///< working directory ("" = unchanged)
  int timeout_seconds = 120;
};

struct RunResult {
  int exit_code = -1;  ///< -1 when killed by a signal or timed out
  int signal = 0;
  bool timed_out = false;
  std::string out;
  std::string err;
};

/** Runs argv[0] (looked up in PATH when it has no slash). */
RunResult run(const std::vector<std::string>& argv, const RunOptions& options = {});

/** Runs the openssl command line with these arguments. */
RunResult openssl(const std::vector<std::string>& args, const RunOptions& options = {});

/** Like openssl(), but throws std::runtime_error with its stderr when it fails. */
std::string openssl_ok(const std::vector<std::string>& args, const RunOptions& options = {});

/** Runs $INKAN_CLI (the inkan binary under test). */
RunResult inkan_cli(const std::vector<std::string>& args, const RunOptions& options = {});

/** One line describing a result, for assertion messages. */
std::string describe(const RunResult& r);

}  // namespace inkan::test
