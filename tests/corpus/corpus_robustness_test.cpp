// Every file of every corpus, expected or not (keys, certificates, the other
// projects' test sources included): analysing and decrypting it must end in a
// verdict or a clean inkan::Error, never a crash, a foreign exception, an
// INTERNAL error or a hang. ctest's TIMEOUT catches a real hang; the per-file
// budget catches pathological slowness first.

#include "error.h"
#include "smime/analyse.h"
#include "support/corpus_setup.h"

#include <gtest/gtest.h>

#include <chrono>
#include <iostream>

namespace inkan::corpus {
namespace {

constexpr auto kBudgetPerFile = std::chrono::seconds(20);

// Runs one engine operation; returns "" when it ended acceptably, else why not.
template <typename Fn>
std::string acceptable(Fn&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    if (e.code() == Errc::internal) return "INTERNAL error: " + e.detail();
  } catch (const std::exception& e) {
    return std::string("escaped as a foreign exception: ") + e.what();
  }
  return {};
}

class CorpusRobustness : public ::testing::TestWithParam<std::string> {};

TEST_P(CorpusRobustness, EveryFileEndsInAVerdictOrAClearError) {
  ExpectationFile file = load_expectations(GetParam());
  const auto root = corpus_root_for(file.setup);
  if (!root) GTEST_SKIP() << skip_reason(file.setup);
  Corpus corpus(std::move(file), *root);

  const auto trust = corpus.trust(corpus.setup().trust, corpus.setup().crls);
  smime::AnalyseOptions options;
  options.trust = trust.get();
  options.extra_certs = corpus.certificates(corpus.setup().certs);
  options.at = parse_time(corpus.setup().at);
  options.keys = corpus.default_keys();

  std::size_t files = 0;
  std::size_t clean = 0;
  auto slowest = std::chrono::steady_clock::duration::zero();
  std::string slowest_name;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(corpus.folder())) {
    if (!entry.is_regular_file()) continue;
    ++files;
    const std::string path = entry.path().string();
    const auto started = std::chrono::steady_clock::now();
    std::string problem = acceptable([&] {
      const auto input = io::open_input(path);
      (void)smime::analyse(*input, options);
    });
    if (problem.empty()) {
      problem = acceptable([&] {
        const auto input = io::open_input(path);
        (void)smime::decrypt_message(*input, options.keys);
      });
    }
    const auto took = std::chrono::steady_clock::now() - started;
    if (took > slowest) {
      slowest = took;
      slowest_name = path;
    }
    if (took > kBudgetPerFile) problem += " took longer than the per-file budget";
    if (problem.empty()) {
      ++clean;
    } else {
      ADD_FAILURE() << path << ": " << problem;
    }
  }
  std::cout << "corpus " << corpus.expectations().name << " robustness: " << clean << "/" << files
            << " files ended in a verdict or a clear error (slowest "
            << std::chrono::duration_cast<std::chrono::milliseconds>(slowest).count() << " ms: " << slowest_name
            << ")" << std::endl;
  EXPECT_GT(files, 0U);
}

INSTANTIATE_TEST_SUITE_P(Corpora, CorpusRobustness, ::testing::ValuesIn(corpus_names()),
                         [](const ::testing::TestParamInfo<std::string>& param) { return test_name(param.param); });

}  // namespace
}  // namespace inkan::corpus
