// Statuses and reason codes as documented in docs/verdict.md: the severity
// order, which status each reason implies, and how signer and message
// verdicts combine.
#include "support/files.h"
#include "verdict.h"
#include "x509/trust.h"

#include <openssl/x509_vfy.h>

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>
#include <vector>

namespace {

using inkan::Status;

// docs/verdict.md, "Statuses, most serious first".
const std::vector<Status> kDocumentedOrder{
    Status::bad,           Status::unsupported_algorithm, Status::revoked,        Status::bad_key_usage,
    Status::untrusted,     Status::expired,               Status::not_yet_valid,  Status::header_mismatch,
    Status::time_mismatch, Status::no_signature,          Status::good,
};

TEST(StatusName, StableDistinctNames) {
  const std::vector<std::string> expected{"bad",     "unsupported-algorithm", "revoked",         "bad-key-usage",
                                          "untrusted", "expired",             "not-yet-valid", "header-mismatch",
                                          "time-mismatch", "no-signature",    "good"};
  std::set<std::string> seen;
  for (std::size_t i = 0; i < kDocumentedOrder.size(); ++i) {
    EXPECT_EQ(inkan::status_name(kDocumentedOrder[i]), expected[i]);
    seen.insert(inkan::status_name(kDocumentedOrder[i]));
  }
  EXPECT_EQ(seen.size(), kDocumentedOrder.size());
}

TEST(Worse, FollowsTheDocumentedSeverityOrder) {
  for (std::size_t i = 0; i < kDocumentedOrder.size(); ++i) {
    for (std::size_t j = 0; j < kDocumentedOrder.size(); ++j) {
      const Status a = kDocumentedOrder[i];
      const Status b = kDocumentedOrder[j];
      const Status expected = i <= j ? a : b;
      EXPECT_EQ(inkan::worse(a, b), expected) << inkan::status_name(a) << " vs " << inkan::status_name(b);
    }
  }
}

TEST(Worse, GoodNeverWinsAndBadAlwaysWins) {
  for (const Status s : kDocumentedOrder) {
    EXPECT_EQ(inkan::worse(Status::good, s), s);
    EXPECT_EQ(inkan::worse(s, Status::bad), Status::bad);
  }
}

// docs/verdict.md, "Reason codes": groups of `code`s, each group followed by "(→ status)".
std::vector<std::pair<std::string, std::string>> documented_reasons() {
  const std::string doc = inkan::test::read_file(inkan::test::env_or("INKAN_SOURCE_DIR") + "/docs/verdict.md");
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

TEST(StatusOfReason, EveryChainErrorTheEngineReportsHasAStatus) {
  // Whatever path validation reports becomes a signer reason; a reason without a
  // status would turn a signed message into "no-signature" (or leave it "good").
  std::set<std::string> names;
  for (int err = 0; err <= 200; ++err) {
    if (err == X509_V_OK) continue;
    names.insert(inkan::x509::chain_error_name(err));
  }
  for (const auto& name : names) {
    const Status s = inkan::status_of_reason(name);
    EXPECT_NE(s, Status::no_signature) << name;
    EXPECT_NE(s, Status::good) << name;
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
