// Running the real `inkan` binary against messages made by the openssl
// command line, in a private folder per test.
#pragma once

#include "support/files.h"
#include "support/pki.h"
#include "support/process.h"
#include "support/smime_fixtures.h"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

namespace inkan::test {

class CliTest : public ::testing::Test {
protected:
  void SetUp() override { m_now = now_seconds(); }

  /** Runs inkan with LANG/LC_* cleared (English) unless the options say otherwise. */
  RunResult inkan(const std::vector<std::string>& args, RunOptions options = {}) const {
    for (const char* n : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
      const bool set = std::any_of(options.set_env.begin(), options.set_env.end(),
                                   [&](const std::string& e) { return e.rfind(std::string(n) + "=", 0) == 0; });
      if (!set) options.unset_env.emplace_back(n);
    }
    return inkan_cli(args, options);
  }

  /** A good multipart/signed message from alice, written to a file; returns its path. */
  std::string good_signed_file(const std::string& name = "signed.eml") {
    const std::string entity = text_entity("Signed for the CLI.\r\n");
    const std::string der = openssl_sign(m_dir, pki_signer("alice"), entity);
    return m_dir.put(name, multipart_signed(outer_headers("alice@example.org"), entity, der));
  }

  std::string outer_headers(const std::string& from) const {
    return "From: " + from + "\r\nTo: bob@example.net\r\nSubject: cli\r\nDate: " + rfc5322_date(m_now) + "\r\n";
  }

  /** Exactly one JSON value on stdout (followed by at most a newline); nullopt otherwise. */
  static std::optional<nlohmann::json> single_json(const std::string& out) {
    try {
      return nlohmann::json::parse(out);  // throws on anything after the value but whitespace
    } catch (const nlohmann::json::exception&) {
      return std::nullopt;
    }
  }

  TempDir m_dir;
  std::int64_t m_now = 0;
};

}  // namespace inkan::test
