// Runs the engine on one expectation row, through its public API, and says
// which expectations were not met. Kept free of GoogleTest so that a test
// can count rows met per corpus and print one line per problem.
#pragma once

#include "support/corpus_setup.h"
#include "support/expectation_file.h"
#include "verdict.h"

#include <string>
#include <vector>

namespace inkan::corpus {

struct RowResult {
  std::vector<std::string> problems;  ///< empty when every expectation of the row held
  std::string observed;               ///< what the engine said, in one line, for reports
  bool met() const { return problems.empty(); }
};

RowResult check_row(const Row& row, Corpus& corpus);

/** The status of a verdict once the reasons the source project does not apply are set aside. */
Status effective_status(const Verdict& verdict, const std::vector<std::string>& ignore);

/** One-line summary of a verdict: status, signer, reasons, warnings. */
std::string describe(const Verdict& verdict);

}  // namespace inkan::corpus
