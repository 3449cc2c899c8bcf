// Every lint rule against a certificate made to break it (tests/pki/make-lint-certs.sh,
// openssl command line): the exact findings, the severities and order, and the rule
// table in docs/lint.md.
#include "x509/lint_support.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <regex>
#include <sstream>

namespace {

using inkan::test::codes;
using inkan::test::joined;
using inkan::test::lint_cert;
using inkan::x509::LintSeverity;

struct Case {
  std::string leaf;
  std::vector<std::string> chain;
  std::set<std::string> expected;  ///< "code" on the leaf, "code@N" on the N-th issuer
};

// Most leaves are issued by "sub" under "root": the BR-conformant baseline.
const std::vector<std::string> kSub{"sub", "root"};

const std::vector<Case>& cases() {
  static const std::vector<Case> all{
      // Conformant: nothing to say.
      {"clean-rsa", kSub, {}},
      {"clean-p256", kSub, {}},
      {"clean-p384", kSub, {}},
      {"clean-p521", kSub, {}},
      {"clean-under-no-eku-sub", {"sub-no-eku", "root"}, {}},  // an intermediate without EKU restricts nothing
      {"legacy-1000-days", kSub, {}},                          // Legacy allows 1185 days
      {"multipurpose-client-auth", kSub, {}},                  // Multipurpose allows other EKUs
      {"smtputf8", kSub, {}},                                  // SmtpUTF8Mailbox counts as the address (RFC 9598)
      {"validity-824-days", kSub, {}},
      // Validity (inclusive: -days 825 is 825 days and one second).
      {"validity-825-days", kSub, {"validity-over-825-days"}},
      {"validity-900-days", kSub, {"validity-over-825-days"}},
      {"legacy-1200-days", kSub, {"validity-over-1185-days"}},
      // Algorithms and keys.
      {"sha1-signed", kSub, {"sha1-signature"}},
      {"md5-signed", kSub, {"weak-signature-algorithm"}},
      {"rsa-1024", kSub, {"weak-rsa-key"}},
      {"rsa-2052", kSub, {"rsa-modulus-not-multiple-of-8"}},
      {"rsa-exponent-3", kSub, {"rsa-exponent"}},
      {"secp256k1", kSub, {"ec-curve-not-allowed"}},
      {"dsa-key", kSub, {"key-algorithm-not-allowed"}},
      {"ed25519", kSub, {"key-type-unsupported-by-clients", "key-usage-no-encryption"}},
      {"serial-short", kSub, {"serial-number-low-entropy"}},
      {"serial-zero", kSub, {"serial-number-invalid"}},
      // Extended key usage.
      {"no-eku", kSub, {"no-eku"}},
      {"server-only", kSub, {"missing-email-protection-eku", "forbidden-eku-server-auth", "strict-extra-eku"}},
      {"multipurpose-forbidden", kSub,
       {"forbidden-eku-server-auth", "forbidden-eku-code-signing", "forbidden-eku-time-stamping", "forbidden-eku-any"}},
      {"strict-client-auth", kSub, {"strict-extra-eku"}},
      {"ocsp-signing", kSub, {"eku-ocsp-signing"}},
      // Key usage.
      {"no-ku", kSub, {"no-key-usage"}},
      {"ku-not-critical", kSub, {"key-usage-not-critical"}},
      {"ec-key-encipherment", kSub, {"key-usage-wrong-for-key-type", "key-usage-no-encryption"}},
      {"rsa-key-agreement", kSub, {"key-usage-wrong-for-key-type", "key-usage-no-encryption"}},
      {"leaf-cert-sign", kSub, {"key-usage-wrong-for-key-type"}},
      {"sign-only", kSub, {"key-usage-no-encryption"}},
      {"encrypt-only", kSub, {"key-usage-no-signing"}},
      {"ec-encrypt-only", kSub, {"key-usage-no-signing"}},
      // Addresses and subject.
      {"no-san", kSub, {"missing-rfc822name"}},
      {"no-address", kSub, {"no-email-address"}},
      {"subject-email-differs", kSub, {"subject-email-not-in-san"}},
      {"mailbox-subject-org", kSub, {"mailbox-subject-attributes"}},
      {"no-policy", kSub, {"no-smime-br-policy"}},
      // What the certificate is.
      {"ca-leaf", kSub, {"ca-certificate"}},
      {"self-signed", {}, {"self-signed", "no-smime-br-policy"}},
      // The chain.
      {"from-root", {"root"}, {"no-intermediate@1"}},
      {"under-tls-eku-sub", {"sub-tls-eku", "root"}, {"intermediate-lacks-email-protection@1"}},
      {"under-any-eku-sub", {"sub-any-eku", "root"}, {"intermediate-lacks-email-protection@1"}},
      {"under-server-root", {"sub-under-server-root", "root-server-eku"}, {"root-lacks-email-protection@2"}},
      {"issued-by-leaf", {"clean-rsa", "sub", "root"}, {"issuer-not-ca@1"}},
      {"clean-rsa", {"impostor", "root"}, {"chain-signature-invalid"}},
      {"clean-rsa", {"impostor", "sub", "root"}, {}},  // the issuer whose signature verifies wins
      {"clean-rsa", {}, {"chain-not-provided"}},
      {"clean-rsa", {"root"}, {"issuer-not-in-chain"}},
      {"clean-rsa", {"root", "sub"}, {}},  // order does not matter
  };
  return all;
}

struct Linted {
  inkan::x509::LintResult result;
  std::int64_t at = 0;
};

// Linted one day after the leaf's notBefore, when every certificate of the set is valid.
Linted lint_case(const std::string& leaf, const std::vector<std::string>& chain, std::optional<std::int64_t> at = {}) {
  const auto cert = lint_cert(leaf);
  std::vector<inkan::ossl::X509Ptr> owned;
  std::vector<X509*> raw;
  for (const auto& c : chain) {
    owned.push_back(lint_cert(c));
    raw.push_back(owned.back().get());
  }
  inkan::x509::LintOptions options;
  options.at = at.value_or(inkan::test::not_before_of(cert.get()) + 86400);
  return {inkan::x509::lint(cert.get(), raw, options), options.at};
}

std::string describe(const Case& c) {
  std::string s = c.leaf + " with chain [";
  for (const auto& x : c.chain) s += x + " ";
  return s + "]";
}

TEST(LintRules, EachCertificateGivesExactlyItsFindings) {
  for (const auto& c : cases()) {
    const auto got = codes(lint_case(c.leaf, c.chain).result);
    EXPECT_EQ(got, c.expected) << describe(c) << ": got " << joined(got) << ", expected " << joined(c.expected);
  }
}

TEST(LintRules, ConformantCertificatesHaveNoErrors) {
  for (const auto& c : cases()) {
    if (c.leaf.rfind("clean-", 0) != 0 || !c.expected.empty()) continue;
    EXPECT_FALSE(lint_case(c.leaf, c.chain).result.has_errors()) << describe(c);
  }
}

TEST(LintRules, ValidityIsJudgedAtTheGivenTime) {
  const auto leaf = lint_cert("clean-rsa");
  const std::int64_t nb = inkan::test::not_before_of(leaf.get());
  const std::int64_t na = inkan::test::not_after_of(leaf.get());
  EXPECT_EQ(codes(lint_case("clean-rsa", kSub, na + 86400).result), std::set<std::string>{"expired"});
  EXPECT_EQ(codes(lint_case("clean-rsa", kSub, na - 10 * 86400).result), std::set<std::string>{"expires-soon"});
  EXPECT_EQ(codes(lint_case("clean-rsa", kSub, na - 40 * 86400).result), std::set<std::string>{});
  // Before anything began: the leaf and both CAs (made moments earlier) are not yet valid.
  const auto root = lint_cert("root");
  const std::int64_t before_all = std::min(nb, inkan::test::not_before_of(root.get())) - 86400;
  EXPECT_EQ(codes(lint_case("clean-rsa", kSub, before_all).result),
            (std::set<std::string>{"not-yet-valid", "chain-certificate-not-yet-valid@1", "chain-certificate-not-yet-valid@2"}));
}

TEST(LintRules, AnExpiredIntermediateIsReportedOnTheIntermediate) {
  const auto sub = lint_cert("sub-short");  // valid for one day
  const auto r = lint_case("under-short-sub", {"sub-short", "root"}, inkan::test::not_after_of(sub.get()) + 86400);
  EXPECT_EQ(codes(r.result), std::set<std::string>{"chain-certificate-expired@1"}) << joined(codes(r.result));
  EXPECT_TRUE(r.result.has_errors());
}

TEST(LintRules, EveryRuleIsExercisedByACertificate) {
  std::set<std::string> seen;
  for (const auto& c : cases()) {
    for (const auto& code : c.expected) seen.insert(code.substr(0, code.find('@')));
  }
  for (const char* timed : {"expired", "expires-soon", "not-yet-valid", "chain-certificate-not-yet-valid",
                            "chain-certificate-expired"}) {
    seen.insert(timed);
  }
  for (const auto& rule : inkan::x509::lint_rules()) {
    EXPECT_EQ(seen.count(std::string(rule.code)), 1u) << rule.code << " has no test certificate";
  }
}

TEST(LintRules, FindingsComeErrorsFirstAndCarryTheirRulesSeverity) {
  // server-only has an error and two warnings; ed25519 an error and an info.
  for (const char* leaf : {"server-only", "ed25519", "multipurpose-forbidden", "clean-rsa"}) {
    const auto r = lint_case(leaf, kSub).result;
    for (std::size_t i = 0; i < r.findings.size(); ++i) {
      const auto* rule = inkan::x509::lint_rule(r.findings[i].code);
      ASSERT_NE(rule, nullptr) << r.findings[i].code;
      EXPECT_EQ(r.findings[i].severity, rule->severity) << r.findings[i].code;
      if (i > 0) {
        EXPECT_LE(static_cast<int>(r.findings[i - 1].severity), static_cast<int>(r.findings[i].severity)) << leaf;
      }
    }
  }
  EXPECT_TRUE(lint_case("server-only", kSub).result.has_errors());
  EXPECT_FALSE(lint_case("multipurpose-forbidden", kSub).result.has_errors());  // BR breaches clients tolerate
}

TEST(LintRules, EveryRuleExplainsItselfInEnglishAndJapanese) {
  std::set<std::string> seen;
  for (const auto& rule : inkan::x509::lint_rules()) {
    EXPECT_TRUE(std::regex_match(std::string(rule.code), std::regex("[a-z0-9]+(-[a-z0-9]+)*"))) << rule.code;
    EXPECT_TRUE(seen.insert(std::string(rule.code)).second) << "duplicate " << rule.code;
    EXPECT_GT(rule.en.size(), 20u) << rule.code;
    EXPECT_FALSE(rule.source.empty()) << rule.code;
    EXPECT_TRUE(std::any_of(rule.ja.begin(), rule.ja.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; }))
        << rule.code << " has no Japanese text";
    for (const char c : rule.en) EXPECT_LT(static_cast<unsigned char>(c), 0x80u) << rule.code;
  }
}

// docs/lint.md's rule table: "| `code` | severity | source | ... |".
TEST(LintRules, DocsListEveryRuleWithItsSeverity) {
  const std::string doc = inkan::test::read_file(inkan::test::env_or("INKAN_SOURCE_DIR") + "/docs/lint.md");
  std::map<std::string, std::string> documented;
  const std::regex row("\\n\\| `([a-z0-9-]+)` \\| (error|warning|info) \\|");
  for (auto it = std::sregex_iterator(doc.begin(), doc.end(), row); it != std::sregex_iterator(); ++it) {
    documented[(*it)[1]] = (*it)[2];
  }
  ASSERT_FALSE(documented.empty()) << "docs/lint.md's rule table was not found";
  for (const auto& rule : inkan::x509::lint_rules()) {
    const std::string code(rule.code);
    ASSERT_EQ(documented.count(code), 1u) << code << " is not in docs/lint.md";
    EXPECT_EQ(documented[code], inkan::x509::severity_name(rule.severity)) << code;
  }
  EXPECT_EQ(documented.size(), inkan::x509::lint_rules().size()) << "docs/lint.md lists a rule the engine does not have";
}

TEST(LintRules, JsonCarriesEveryFindingWithBothLanguages) {
  const auto linted = lint_case("server-only", kSub);
  const auto j = inkan::x509::to_json(linted.result, linted.at);
  EXPECT_EQ(j["version"], 1);
  EXPECT_EQ(j["ok"], false);
  ASSERT_EQ(j["path"].size(), 3u);
  ASSERT_EQ(j["findings"].size(), linted.result.findings.size());
  for (const auto& f : j["findings"]) {
    EXPECT_FALSE(f["message"].get<std::string>().empty());
    EXPECT_NE(f["message"], f["message_ja"]);
    EXPECT_EQ(f["certificate"], 0);
    EXPECT_NE(f["subject"].get<std::string>().find("server-only@example.org"), std::string::npos);
  }
  EXPECT_EQ(j["findings"][0]["code"], "missing-email-protection-eku");
  EXPECT_EQ(j["findings"][0]["severity"], "error");
}

}  // namespace
