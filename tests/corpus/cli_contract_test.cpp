// The rows marked "cli" in the expectation files, run through the real
// `inkan` binary with the contract outside checks rely on:
//   inkan verify --json --trust CA --at T FILE  -> one JSON object; "status" is
//       "good" only for a good signature, and the exit code is 0 only then;
//   inkan decrypt --key KEY --pass-env VAR FILE -> the decrypted entity on
//       stdout; on failure a non-zero exit and nothing at all on stdout.

#include "io/source.h"
#include "support/corpus_setup.h"
#include "support/payload_text.h"
#include "support/process.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <iostream>

namespace inkan::corpus {
namespace {

constexpr const char* kPassVar = "INKAN_CORPUS_PASS";

struct Invocation {
  std::vector<std::string> argv;
  std::map<std::string, std::string> env;
};

// The key a row uses: its own key= option, else the corpus's first key.
std::optional<KeySpec> row_key(const Row& row, const CorpusSetup& setup) {
  if (auto k = row.option("key")) return KeySpec{*k, row.option("keycert").value_or(""), row.option("keypass")};
  if (row.has_option("nokey") || setup.keys.empty()) return std::nullopt;
  return setup.keys.front();
}

void add_key(Invocation& inv, const Row& row, const Corpus& corpus) {
  const auto key = row_key(row, corpus.setup());
  if (!key) return;
  inv.argv.insert(inv.argv.end(), {"--key", corpus.resolve(key->key).string()});
  if (!key->cert.empty()) inv.argv.insert(inv.argv.end(), {"--cert", corpus.resolve(key->cert).string()});
  if (key->password) {
    inv.argv.insert(inv.argv.end(), {"--pass-env", kPassVar});
    inv.env[kPassVar] = *key->password;
  }
}

Invocation verify_invocation(const std::string& cli, const Row& row, const Corpus& corpus) {
  Invocation inv;
  inv.argv = {cli, "verify", "--json"};
  std::vector<std::string> anchors = corpus.setup().trust;
  if (auto t = row.option("trust")) anchors = {*t};
  for (const auto& a : anchors) inv.argv.insert(inv.argv.end(), {"--trust", corpus.resolve(a).string()});
  std::vector<std::string> crls = corpus.setup().crls;
  if (auto c = row.option("crl")) crls.push_back(*c);
  for (const auto& c : crls) inv.argv.insert(inv.argv.end(), {"--crl", corpus.resolve(c).string()});
  std::vector<std::string> certs = corpus.setup().certs;
  if (auto c = row.option("cert")) certs.push_back(*c);
  for (const auto& c : certs) inv.argv.insert(inv.argv.end(), {"--cert", corpus.resolve(c).string()});
  inv.argv.insert(inv.argv.end(), {"--at", row.option("at").value_or(corpus.setup().at)});
  if (row.has_option("sha1")) inv.argv.emplace_back("--allow-sha1");
  if (auto c = row.option("content")) inv.argv.insert(inv.argv.end(), {"--content", corpus.resolve(*c).string()});
  add_key(inv, row, corpus);
  inv.argv.push_back(corpus.resolve(row.file).string());
  return inv;
}

Invocation decrypt_invocation(const std::string& cli, const Row& row, const Corpus& corpus) {
  Invocation inv;
  inv.argv = {cli, "decrypt"};
  add_key(inv, row, corpus);
  inv.argv.push_back(corpus.resolve(row.file).string());
  return inv;
}

bool has_token(const Row& row, const std::string& token) {
  return std::find(row.signature.begin(), row.signature.end(), token) != row.signature.end();
}

std::optional<std::string> token_value(const Row& row, const std::string& prefix) {
  for (const auto& t : row.signature) {
    if (t.rfind(prefix, 0) == 0) return t.substr(prefix.size());
  }
  return std::nullopt;
}

std::vector<std::string> check_verify(const Row& row, const ProcessResult& r) {
  std::vector<std::string> problems;
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(r.out);
  } catch (const nlohmann::json::exception& e) {
    return {std::string("stdout is not one JSON object: ") + e.what()};
  }
  const std::string status = j.value("status", "");
  const bool good = status == "good";
  if (good != (r.exit_code == 0)) problems.push_back("exit code " + std::to_string(r.exit_code) + " with status " + status);
  if (auto code = token_value(row, "error:")) {
    if (status != "error" || j["error"].value("code", "") != *code) problems.push_back("expected error " + *code);
    return problems;
  }
  if (status == "error") return {"unexpected error " + j["error"].dump()};
  const auto listed = [&](const char* field, const std::string& code) {
    const auto& list = j[field];
    return list.is_array() && std::find(list.begin(), list.end(), code) != list.end();
  };
  for (const auto& t : row.signature) {
    if (t.rfind("reason:", 0) == 0 && !listed("reasons", t.substr(7))) problems.push_back("reasons lack " + t.substr(7));
    if (t.rfind("warning:", 0) == 0 && !listed("warnings", t.substr(8))) problems.push_back("warnings lack " + t.substr(8));
  }
  // The CLI cannot set reasons aside: rows that ignore some are only checked for what holds regardless.
  if (row.ignore.empty() && has_token(row, "GOOD") && !good) {
    problems.push_back("expected status good, got " + status);
  }
  if ((has_token(row, "BAD") || has_token(row, "not-good")) && good) problems.push_back("must not be good");
  if (has_token(row, "none") && (j.value("signed", true) || status != "no-signature")) {
    problems.push_back("expected unsigned, got " + status);
  }
  if (auto want = token_value(row, "status:"); want && row.ignore.empty() && status != *want) {
    problems.push_back("expected status " + *want + ", got " + status);
  }
  if (!row.signer.empty() && (!j["signer"].is_string() || j["signer"].get<std::string>() != row.signer)) {
    problems.push_back("expected signer " + row.signer + ", got " + j["signer"].dump());
  }
  if (!row.encrypted.empty() && j.value("encrypted", false) != (row.encrypted == "yes")) {
    problems.push_back("encrypted should be " + row.encrypted);
  }
  return problems;
}

std::vector<std::string> check_decrypt(const Row& row, const ProcessResult& r, const Corpus& corpus) {
  std::vector<std::string> problems;
  if (auto code = token_value(row, "error:")) {
    if (r.exit_code == 0) problems.push_back("expected failure " + *code);
    if (!r.out.empty()) problems.push_back("a failed decryption printed " + std::to_string(r.out.size()) + " bytes");
    if (r.err.find("[" + *code + "]") == std::string::npos) problems.push_back("stderr does not name " + *code);
    return problems;
  }
  if (r.exit_code != 0) problems.push_back("exit code " + std::to_string(r.exit_code) + ": " + r.err);
  for (const auto& t : row.text) {
    if (t.kind == TextCheck::Kind::contains && r.out.find(t.value) == std::string::npos) {
      problems.push_back("decrypted output lacks \"" + t.value + "\"");
    }
    if (t.kind == TextCheck::Kind::equals_file &&
        normalise_line_ends(r.out) != normalise_line_ends(io::read_file(corpus.resolve(t.value).string()))) {
      problems.push_back("decrypted output differs from " + t.value);
    }
  }
  return problems;
}

class CliContract : public ::testing::TestWithParam<std::string> {};

TEST_P(CliContract, MarkedRowsThroughTheRealBinary) {
  ExpectationFile file = load_expectations(GetParam());
  const auto root = corpus_root_for(file.setup);
  if (!root) GTEST_SKIP() << skip_reason(file.setup);
  const char* cli = std::getenv("INKAN_CLI");
  if (cli == nullptr || *cli == '\0') GTEST_SKIP() << "INKAN_CLI is not set";
  Corpus corpus(std::move(file), *root);

  std::size_t rows = 0;
  std::size_t met = 0;
  for (const Row& row : corpus.expectations().rows) {
    if (!row.has_option("cli")) continue;
    ++rows;
    const Invocation inv =
        row.op == "decrypt" ? decrypt_invocation(cli, row, corpus) : verify_invocation(cli, row, corpus);
    const ProcessResult r = run_process(inv.argv, inv.env);
    std::vector<std::string> problems = row.op == "decrypt" ? check_decrypt(row, r, corpus) : check_verify(row, r);
    for (const auto& t : row.text) {
      if (t.kind == TextCheck::Kind::absent && (r.out.find(t.value) != std::string::npos ||
                                                r.err.find(t.value) != std::string::npos)) {
        problems.push_back("printed \"" + t.value + "\"");
      }
    }
    if (r.exit_code < 0) problems.push_back("the CLI did not exit normally (signal)");
    if (problems.empty()) {
      ++met;
      continue;
    }
    std::string message = corpus.expectations().name + ".tsv:" + std::to_string(row.line) + " inkan " + row.op +
                          " " + row.label();
    for (const auto& p : problems) message += "\n    - " + p;
    ADD_FAILURE() << message << "\n    stderr: " << r.err;
  }
  if (rows == 0) GTEST_SKIP() << "no row of " << corpus.expectations().name << ".tsv is marked cli";
  std::cout << "corpus " << corpus.expectations().name << " via the CLI: " << met << "/" << rows
            << " expectations met" << std::endl;
}

INSTANTIATE_TEST_SUITE_P(Corpora, CliContract, ::testing::ValuesIn(corpus_names()),
                         [](const ::testing::TestParamInfo<std::string>& param) { return test_name(param.param); });

}  // namespace
}  // namespace inkan::corpus
