// Statuses and reason codes as documented in docs/verdict.md: the severity
// order, which status each reason implies, and how signer and message
// verdicts combine.
#include "verdict.h"
#include "x509/trust.h"

#include <openssl/x509_vfy.h>

#include <gtest/gtest.h>

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

TEST(StatusOfReason, EveryDocumentedReasonMapsToItsStatus) {
  // docs/verdict.md, "Reason codes".
  const std::vector<std::pair<const char*, Status>> documented{
      {"digest-mismatch", Status::bad},
      {"signature-invalid", Status::bad},
      {"econtent-mismatch", Status::bad},
      {"signed-attributes-invalid", Status::bad},
      {"signer-certificate-missing", Status::bad},
      {"nested-signature", Status::bad},
      {"signed-ciphertext", Status::bad},
      {"signature-malformed", Status::bad},
      {"weak-digest-algorithm", Status::unsupported_algorithm},
      {"unsupported-algorithm", Status::unsupported_algorithm},
      {"weak-key", Status::unsupported_algorithm},
      {"certificate-revoked", Status::revoked},
      {"key-usage-not-signing", Status::bad_key_usage},
      {"eku-not-email-protection", Status::bad_key_usage},
      {"wrong-certificate-purpose", Status::bad_key_usage},
      {"issuer-unknown", Status::untrusted},
      {"root-not-trusted", Status::untrusted},
      {"not-trusted", Status::untrusted},
      {"chain-signature-invalid", Status::untrusted},
      {"chain-weak-crypto", Status::untrusted},
      {"invalid-ca", Status::untrusted},
      {"chain-too-long", Status::untrusted},
      {"chain-invalid", Status::untrusted},
      {"no-trust-anchors", Status::untrusted},
      {"certificate-expired", Status::expired},
      {"certificate-not-yet-valid", Status::not_yet_valid},
      {"from-not-in-certificate", Status::header_mismatch},
      {"certificate-has-no-address", Status::header_mismatch},
      {"ambiguous-from", Status::header_mismatch},
      {"signing-time-differs-from-date", Status::time_mismatch},
      {"date-missing-or-invalid", Status::time_mismatch},
  };
  for (const auto& [reason, status] : documented) {
    EXPECT_EQ(inkan::status_of_reason(reason), status) << reason;
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
