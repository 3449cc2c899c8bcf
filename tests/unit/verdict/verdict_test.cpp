// Statuses and reason codes as documented in docs/verdict.md: the severity
// order, which status each reason implies, and how signer and message
// verdicts combine.
#include "support/files.h"
#include "verdict.h"
#include "x509/trust.h"

#include <openssl/x509_vfy.h>

#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <sstream>
#include <set>
#include <string>
#include <vector>

namespace {

using inkan::Status;

std::string verdict_doc() {
  return inkan::test::read_file(inkan::test::env_or("INKAN_SOURCE_DIR") + "/docs/verdict.md");
}

// docs/verdict.md, "Statuses, most serious first": status name -> row (statuses sharing a
// row, like `expired` / `not-yet-valid`, are equally serious).
std::map<std::string, std::size_t> documented_severity() {
  const std::string doc = verdict_doc();
  const auto start = doc.find("## Statuses, most serious first");
  if (start == std::string::npos) return {};
  const auto end = doc.find("\n## ", start + 1);
  std::istringstream section(doc.substr(start, end - start));
  std::map<std::string, std::size_t> out;
  std::size_t row = 0;
  const std::regex code("`([a-z-]+)`");
  for (std::string line; std::getline(section, line);) {
    if (line.rfind("| `", 0) != 0) continue;
    const std::string first_cell = line.substr(0, line.find('|', 1));
    for (auto it = std::sregex_iterator(first_cell.begin(), first_cell.end(), code); it != std::sregex_iterator(); ++it) {
      out[(*it)[1]] = row;
    }
    ++row;
  }
  return out;
}

// Every Status the engine has (the enum runs from good to no_signature).
std::vector<Status> all_statuses() {
  std::vector<Status> out;
  for (int i = static_cast<int>(Status::good); i <= static_cast<int>(Status::no_signature); ++i) {
    out.push_back(static_cast<Status>(i));
  }
  return out;
}

TEST(StatusName, EveryStatusHasADistinctDocumentedName) {
  const auto severity = documented_severity();
  ASSERT_GE(severity.size(), 10u) << "docs/verdict.md's status table was not found or not understood";
  std::set<std::string> seen;
  for (const Status st : all_statuses()) {
    const std::string name = inkan::status_name(st);
    EXPECT_EQ(severity.count(name), 1u) << name << " is not in docs/verdict.md";
    seen.insert(name);
  }
  EXPECT_EQ(seen.size(), all_statuses().size());
  EXPECT_EQ(seen.size(), severity.size()) << "docs/verdict.md lists a status the engine does not have";
}

TEST(Worse, FollowsTheDocumentedSeverityOrder) {
  const auto severity = documented_severity();
  ASSERT_FALSE(severity.empty());
  for (const Status a : all_statuses()) {
    for (const Status b : all_statuses()) {
      const std::size_t ra = severity.at(inkan::status_name(a));
      const std::size_t rb = severity.at(inkan::status_name(b));
      const Status w = inkan::worse(a, b);
      if (ra == rb) {
        EXPECT_TRUE(w == a || w == b) << inkan::status_name(a) << " vs " << inkan::status_name(b);
      } else {
        EXPECT_EQ(w, ra < rb ? a : b) << inkan::status_name(a) << " vs " << inkan::status_name(b);
      }
    }
  }
}

// docs/verdict.md, "Reason codes": groups of `code`s, each group followed by "(→ status)".
std::vector<std::pair<std::string, std::string>> documented_reasons() {
  const std::string doc = verdict_doc();
  const auto start = doc.find("## Reason codes");
  const auto end = doc.find("\n## ", start + 1);
  if (start == std::string::npos) return {};
  const std::string section = doc.substr(start, end - start);
  std::vector<std::pair<std::string, std::string>> out;
  std::vector<std::string> group;
  const std::regex token("`([a-z0-9-]+)`|\\(\u2192 ([a-z-]+)\\)");
  for (auto it = std::sregex_iterator(section.begin(), section.end(), token); it != std::sregex_iterator(); ++it) {
    if ((*it)[1].matched) {
      group.push_back((*it)[1]);
      continue;
    }
    for (const auto& code : group) out.emplace_back(code, (*it)[2]);
    group.clear();
  }
  return out;
}

TEST(StatusOfReason, EveryDocumentedReasonMapsToItsStatus) {
  const auto documented = documented_reasons();
  ASSERT_GE(documented.size(), 30u) << "docs/verdict.md's reason list was not found or not understood";
  for (const auto& [reason, status] : documented) {
    EXPECT_STREQ(inkan::status_name(inkan::status_of_reason(reason)), status.c_str()) << reason;
  }
}

TEST(StatusOfReason, EveryChainErrorTheEngineReportsIsADocumentedReason) {
  // Whatever path validation reports becomes a signer reason, so it must be one that
  // docs/verdict.md lists (with its status). Missing or stale CRLs are filtered out
  // before that (x509/trust.cpp): they are the warning "revocation-unknown".
  std::set<std::string> documented;
  for (const auto& [reason, status] : documented_reasons()) documented.insert(reason);
  ASSERT_FALSE(documented.empty());
  for (int err = 1; err <= 200; ++err) {
    if (err == X509_V_ERR_UNABLE_TO_GET_CRL || err == X509_V_ERR_CRL_HAS_EXPIRED ||
        err == X509_V_ERR_CRL_NOT_YET_VALID || err == X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER) {
      continue;
    }
    const std::string name = inkan::x509::chain_error_name(err);
    EXPECT_EQ(documented.count(name), 1u) << "X509 error " << err << " becomes \"" << name << "\", which docs/verdict.md does not list";
  }
  // The checks Inkan adds beyond OpenSSL's (NSS's partial and explicit distrust).
  for (const int err : {inkan::x509::kErrRootDistrustedAfter, inkan::x509::kErrCertificateDistrusted}) {
    const std::string name = inkan::x509::chain_error_name(err);
    EXPECT_EQ(documented.count(name), 1u) << name << " is not in docs/verdict.md";
    EXPECT_EQ(inkan::status_of_reason(name), Status::untrusted) << name;
  }
}

TEST(StatusOfReason, UnknownReasonsAreNeverHarmless) {
  // A reason nobody classified must not leave a message "good" or make it look unsigned.
  EXPECT_EQ(inkan::status_of_reason("some-future-problem"), Status::bad);
}

TEST(SignerVerdict, StartsGoodAndTakesTheMostSeriousReason) {
  inkan::SignerVerdict v;
  EXPECT_EQ(v.status, Status::good);
  v.add_reason("signing-time-differs-from-date");
  EXPECT_EQ(v.status, Status::time_mismatch);
  v.add_reason("certificate-expired");
  EXPECT_EQ(v.status, Status::expired);
  v.add_reason("from-not-in-certificate");
  EXPECT_EQ(v.status, Status::expired);
  v.add_reason("digest-mismatch");
  EXPECT_EQ(v.status, Status::bad);
  const std::vector<std::string> expected{"digest-mismatch", "certificate-expired", "from-not-in-certificate",
                                          "signing-time-differs-from-date"};
  EXPECT_EQ(v.reasons, expected);  // most serious first
}

TEST(SignerVerdict, RepeatedReasonsAreListedOnce) {
  inkan::SignerVerdict v;
  v.add_reason("issuer-unknown");
  v.add_reason("issuer-unknown");
  EXPECT_EQ(v.reasons.size(), 1u);
}

TEST(Verdict, SettleTakesTheWorstSignerAndMergesReasons) {
  inkan::Verdict v;
  v.is_signed = true;
  inkan::SignerVerdict good;
  inkan::SignerVerdict bad;
  bad.add_reason("signature-invalid");
  v.signers = {good, bad};
  v.settle();
  EXPECT_EQ(v.status, Status::bad);
  EXPECT_EQ(v.reasons, std::vector<std::string>{"signature-invalid"});

  inkan::Verdict order_reversed;
  order_reversed.signers = {bad, good};
  order_reversed.settle();
  EXPECT_EQ(order_reversed.status, Status::bad);
}

TEST(Verdict, SettleWithOnlyGoodSignersIsGood) {
  inkan::Verdict v;
  v.signers = {inkan::SignerVerdict{}, inkan::SignerVerdict{}};
  v.settle();
  EXPECT_EQ(v.status, Status::good);
  EXPECT_TRUE(v.reasons.empty());
}

TEST(Verdict, MessageLevelReasonsCountToo) {
  inkan::Verdict v;
  v.signers = {inkan::SignerVerdict{}};
  v.add_reason("nested-signature");
  v.settle();
  EXPECT_EQ(v.status, Status::bad);
}

TEST(Verdict, WithoutSignersSettleKeepsTheStatus) {
  inkan::Verdict v;
  v.settle();
  EXPECT_EQ(v.status, Status::no_signature);
}

}  // namespace
