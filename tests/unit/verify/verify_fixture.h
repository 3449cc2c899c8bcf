// Shared set-up for the verdict rules: the test PKI's trust anchor, a
// temporary folder for openssl's files, and one-line helpers to build and
// analyse messages signed by the openssl command line.
#pragma once

#include "io/source.h"
#include "smime/analyse.h"
#include "support/files.h"
#include "support/pki.h"
#include "support/smime_fixtures.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

namespace inkan::test {

class VerifyTest : public ::testing::Test {
protected:
  void SetUp() override {
    m_trust = root_trust();
    m_now = now_seconds();
  }

  struct Result {
    std::shared_ptr<io::MemorySource> source;
    smime::Analysis analysis;
    const Verdict& verdict() const { return analysis.verdict; }
    std::string content() const {
      const auto& c = analysis.content;
      if (c.source == nullptr) return {};
      return io::read_range(*c.source, c.range.begin, c.range.end, 64 << 20);
    }
  };

  smime::AnalyseOptions options() const {
    smime::AnalyseOptions o;
    o.trust = &m_trust;
    o.at = m_now;
    return o;
  }

  Result analyse(const std::string& message, const smime::AnalyseOptions& o) const {
    Result r;
    r.source = std::make_shared<io::MemorySource>(message);
    r.analysis = smime::analyse(*r.source, o);
    return r;
  }
  Result analyse(const std::string& message) const { return analyse(message, options()); }

  /** From and Date header fields (CRLF), Date at `date` seconds. */
  static std::string outer(const std::string& from, std::int64_t date) {
    return "From: " + from + "\r\nTo: bob@example.net\r\nSubject: test\r\nDate: " + rfc5322_date(date) + "\r\n";
  }

  /** A multipart/signed message from `signer` (a PKI name) with its own address in From and Date now. */
  std::string signed_by(const std::string& signer, const std::string& from, const std::vector<std::string>& extra = {}) {
    const std::string entity = text_entity("Hello from " + signer + ".\r\n");
    const std::string der = openssl_sign(m_dir, pki_signer(signer), entity, extra);
    return multipart_signed(outer(from, m_now), entity, der);
  }

  static bool has(const std::vector<std::string>& list, const std::string& item) {
    return std::find(list.begin(), list.end(), item) != list.end();
  }

  static std::string dump(const Verdict& v) {
    std::string s = std::string("status=") + status_name(v.status) + " reasons=[";
    for (const auto& r : v.reasons) s += r + " ";
    s += "] warnings=[";
    for (const auto& w : v.warnings) s += w + " ";
    s += "] signers=" + std::to_string(v.signers.size());
    for (const auto& sv : v.signers) {
      s += " {" + std::string(status_name(sv.status)) + ":";
      for (const auto& r : sv.reasons) s += " " + r;
      s += "}";
    }
    return s;
  }

  TempDir m_dir;
  x509::TrustStore m_trust;
  std::int64_t m_now = 0;
};

}  // namespace inkan::test
