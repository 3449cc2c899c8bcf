// Runs a program (the real `inkan` binary) and captures what it printed,
// without a shell, so corpus paths are passed exactly as they are.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace inkan::corpus {

struct ProcessResult {
  int exit_code = -1;  ///< -1 if it did not exit normally (signal)
  std::string out;
  std::string err;
};

/** Runs argv[0] with argv, adding `env` to the current environment; waits for it. */
ProcessResult run_process(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {});

}  // namespace inkan::corpus
