// Every row of every expectation file, run through the engine's API and
// compared with what the source project's own tests or documents assert.
// One test per corpus; its last output line is "corpus NAME: M/N expectations met".

#include "support/corpus_setup.h"
#include "support/row_check.h"

#include <gtest/gtest.h>

#include <iostream>

namespace inkan::corpus {
namespace {

class CorpusExpectations : public ::testing::TestWithParam<std::string> {};

TEST_P(CorpusExpectations, MeetsTheSourceProjectsExpectations) {
  ExpectationFile file = load_expectations(GetParam());
  const auto root = corpus_root_for(file.setup);
  if (!root) GTEST_SKIP() << skip_reason(file.setup);

  Corpus corpus(std::move(file), *root);
  const auto& rows = corpus.expectations().rows;
  std::size_t met = 0;
  std::vector<std::string> known_failing;
  std::vector<std::string> unsupported;
  for (const Row& row : rows) {
    const RowResult result = check_row(row, corpus);
    if (!row.unsupported.empty()) unsupported.push_back(row.label() + ": " + row.unsupported);
    if (!row.known_failing.empty()) {
      // Marked cases still run: a fix must make the mark go away, and a regression in
      // what they do check must still show.
      if (result.met()) {
        ADD_FAILURE() << corpus.expectations().name << ":" << row.line << " " << row.label()
                      << " is marked known-failing but now meets its expectations: remove the mark";
      } else {
        std::string line = row.label() + ": " + row.known_failing + " [observed: " + result.observed + "]";
        for (const auto& p : result.problems) line += "\n      - " + p;
        known_failing.push_back(std::move(line));
      }
      continue;
    }
    if (result.met()) {
      ++met;
      continue;
    }
    std::string message = corpus.expectations().name + ".tsv:" + std::to_string(row.line) + " " + row.label() +
                          "\n    source: " + row.source + "\n    engine: " + result.observed;
    for (const auto& p : result.problems) message += "\n    - " + p;
    ADD_FAILURE() << message;
  }

  const std::string name = corpus.expectations().name;
  for (const auto& u : unsupported) std::cout << "  unsupported (deliberately): " << u << "\n";
  for (const auto& k : known_failing) std::cout << "  KNOWN-FAILING: " << k << "\n";
  std::cout << "corpus " << name << ": " << met << "/" << rows.size() << " expectations met";
  if (!known_failing.empty()) std::cout << " (" << known_failing.size() << " known-failing, listed above)";
  std::cout << std::endl;
}

INSTANTIATE_TEST_SUITE_P(Corpora, CorpusExpectations, ::testing::ValuesIn(corpus_names()),
                         [](const ::testing::TestParamInfo<std::string>& param) { return test_name(param.param); });

}  // namespace
}  // namespace inkan::corpus
