// RFC 8823 §3.1 challenge-mail checks: a good mail passes, each broken rule
// is reported by name, the lenient switch relaxes only what it should, and
// a mail DKIM-signed by dkimpy (an independent signer) is recognised and,
// through the verification hook, verified by dkimpy too.
#include "challenge_mail.h"
#include "error.h"
#include "support/files.h"
#include "support/process.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace {

using inkan::enrol::ChallengeMail;
using inkan::enrol::ChallengeMailPolicy;
using inkan::enrol::examine_challenge_mail;

constexpr const char* kToken = "LgYemJLy3F1LDkiJrdIGbEzyFJyOyf6vBdyZ1TG3sME=";

const std::string kDkim =
    "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/simple; d=example.org;\r\n"
    " s=sel; h=From:To:Subject:Date:Message-ID:Auto-Submitted:Reply-To:\r\n"
    " Content-Type; bh=Ck5SoRNWUpSR4X0COv7R5ub2pUTtl6xz4dTFz++ji4M=; b=AAAA\r\n";

// The RFC 8823 example challenge (acme4j's challenge.eml), with a DKIM-Signature field.
std::string challenge(const std::string& replace_field = {}, const std::string& with = {}, const std::string& extra = {}) {
  std::vector<std::string> fields = {
      "Auto-Submitted: auto-generated; type=acme\r\n",
      "Date: Sat, 5 Dec 2020 10:08:55 +0100\r\n",
      "Message-ID: <A2299BB.FF7788@example.org>\r\n",
      "From: acme-generator@example.org\r\n",
      "To: Alexey <alexey@example.com>\r\n",
      "Reply-To: acme-validator@example.org\r\n",
      "Subject: =?UTF-8?Q?ACME:_LgYemJLy3F1LDki=20JrdIGbEzyFJyOyf=20=206vBdyZ1TG3sME=3D?=\r\n",
      "Content-Type: text/plain\r\n",
      "MIME-Version: 1.0\r\n",
  };
  std::string head = kDkim;
  for (const auto& f : fields) {
    if (!replace_field.empty() && f.rfind(replace_field + ":", 0) == 0) {
      head += with;
      continue;
    }
    head += f;
  }
  return head + extra + "\r\nThis is an automatically generated ACME challenge for email address\r\n\"alexey@example.com\".\r\n";
}

ChallengeMailPolicy policy(bool lenient = false) {
  ChallengeMailPolicy p;
  p.expected_from = "acme-generator@example.org";
  p.address = "alexey@example.com";
  p.lenient = lenient;
  return p;
}

const inkan::enrol::ChallengeCheck* find_check(const ChallengeMail& m, const std::string& rule) {
  const auto it = std::find_if(m.checks.begin(), m.checks.end(), [&](const auto& c) { return c.rule == rule; });
  return it == m.checks.end() ? nullptr : &*it;
}

// The failed required rules, by name.
std::vector<std::string> failures(const ChallengeMail& m) {
  std::vector<std::string> out;
  for (const auto& c : m.checks) {
    if (!c.passed && c.required) out.push_back(c.rule);
  }
  return out;
}

using Rules = std::vector<std::string>;

TEST(ChallengeMail, TheRfcExamplePasses) {
  const auto m = examine_challenge_mail(challenge(), policy());
  EXPECT_TRUE(m.acceptable()) << m.failed_rules();
  EXPECT_EQ(m.token_part1, kToken);
  EXPECT_EQ(m.message_id, "<A2299BB.FF7788@example.org>");
  EXPECT_EQ(m.from, "acme-generator@example.org");
  EXPECT_EQ(m.reply_to, (Rules{"acme-validator@example.org"}));
  ASSERT_EQ(m.dkim.size(), 1u);
  EXPECT_EQ(m.dkim[0].domain, "example.org");
  EXPECT_EQ(m.dkim[0].selector, "sel");
  EXPECT_TRUE(m.dkim[0].aligned);
  // No verifier was given: present and aligned, but said to be unverified.
  EXPECT_EQ(m.authenticated_by, "dkim-unverified");
  ASSERT_NE(find_check(m, "authenticity_verified"), nullptr);
  EXPECT_FALSE(find_check(m, "authenticity_verified")->passed);
  EXPECT_FALSE(find_check(m, "authenticity_verified")->required);
}

TEST(ChallengeMail, EachBrokenRuleIsReported) {
  struct Case {
    std::string field, with;
    Rules expected;
  };
  const std::vector<Case> cases = {
      {"From", "From: attacker@example.net\r\n", {"from", "authenticity"}},  // DKIM d= no longer matches From
      {"From", "From: acme-generator@example.org, other@example.org\r\n", {"from", "authenticity"}},
      {"To", "To: someone-else@example.com\r\n", {"to"}},
      {"Subject", "Subject: ACME: tooShort\r\n", {"subject"}},
      {"Subject", "Subject: Re: ACME: LgYemJLy3F1LDkiJrdIGbEzyFJyOyf6vBdyZ1TG3sME=\r\n", {"subject"}},
      {"Auto-Submitted", "", {"auto_submitted"}},
      {"Auto-Submitted", "Auto-Submitted: auto-replied\r\n", {"auto_submitted"}},
      {"Auto-Submitted", "Auto-Submitted: no\r\n", {"auto_submitted"}},
  };
  for (const auto& c : cases) {
    const auto m = examine_challenge_mail(challenge(c.field, c.with), policy());
    EXPECT_FALSE(m.acceptable()) << c.with;
    EXPECT_EQ(failures(m), c.expected) << c.with;
  }
}

TEST(ChallengeMail, AutoSubmittedMayCarryComments) {
  const auto m = examine_challenge_mail(
      challenge("Auto-Submitted", "Auto-Submitted: auto-generated (by the CA); type=\"acme\"\r\n"), policy());
  EXPECT_TRUE(m.acceptable()) << m.failed_rules();
  EXPECT_TRUE(find_check(m, "auto_submitted_type")->passed);
}

TEST(ChallengeMail, WithoutTypeAcmeItPassesWithAWarning) {
  const auto m = examine_challenge_mail(challenge("Auto-Submitted", "Auto-Submitted: auto-generated\r\n"), policy());
  EXPECT_TRUE(m.acceptable()) << m.failed_rules();
  ASSERT_NE(find_check(m, "auto_submitted_type"), nullptr);
  EXPECT_FALSE(find_check(m, "auto_submitted_type")->passed);
}

TEST(ChallengeMail, DkimMustBeAlignedAndCoverFromAndSubject) {
  auto without_dkim = challenge();
  without_dkim.erase(0, kDkim.size());
  EXPECT_EQ(failures(examine_challenge_mail(without_dkim, policy())), (Rules{"authenticity"}));

  auto other_domain = challenge();
  other_domain.replace(other_domain.find("d=example.org"), 13, "d=mailer.example");
  EXPECT_EQ(failures(examine_challenge_mail(other_domain, policy())), (Rules{"authenticity"}));

  auto subdomain = challenge();
  subdomain.replace(subdomain.find("d=example.org"), 13, "d=sub.example.org");
  EXPECT_EQ(failures(examine_challenge_mail(subdomain, policy())), (Rules{"authenticity"}));

  auto subject_unsigned = challenge();
  subject_unsigned.replace(subject_unsigned.find("Subject:"), 8, "X-Other:");
  EXPECT_EQ(failures(examine_challenge_mail(subject_unsigned, policy())), (Rules{"authenticity"}));
}

TEST(ChallengeMail, RepeatedFieldsAreRefused) {
  const auto m = examine_challenge_mail(challenge({}, {}, "From: acme-generator@example.org\r\n"), policy());
  // Two From fields: no single sender, so no DKIM alignment either.
  EXPECT_EQ(failures(m), (Rules{"single_fields", "from", "authenticity"}));
  const auto s = examine_challenge_mail(challenge({}, {}, "Subject: ACME: AAAAAAAAAAAAAAAAAAAAAAAAAAAA\r\n"), policy());
  EXPECT_EQ(failures(s), (Rules{"single_fields"}));
}

TEST(ChallengeMail, NoHeaderBlockIsRefused) {
  const auto m = examine_challenge_mail("From: acme-generator@example.org\r\nSubject: ACME: x", policy());
  EXPECT_FALSE(m.acceptable());
  EXPECT_EQ(failures(m).front(), "header_block");
  EXPECT_FALSE(examine_challenge_mail("", policy()).acceptable());
  EXPECT_FALSE(examine_challenge_mail(std::string(3 << 20, 'A'), policy()).acceptable());
}

TEST(ChallengeMail, LenientModeRelaxesOnlyAutoSubmittedAndAuthenticity) {
  // acme2certifier's challenge: Subject, From and To only.
  const std::string bare =
      "From: acme-generator@example.org\r\nTo: alexey@example.com\r\n"
      "Subject: ACME: LgYemJLy3F1LDkiJrdIGbEzyFJyOyf6vBdyZ1TG3sME=\r\n\r\nbody\r\n";
  const Rules strict_failures{"auto_submitted", "authenticity"};
  EXPECT_EQ(failures(examine_challenge_mail(bare, policy(false))), strict_failures);
  const auto lenient = examine_challenge_mail(bare, policy(true));
  EXPECT_TRUE(lenient.acceptable()) << lenient.failed_rules();
  EXPECT_EQ(lenient.message_id, "");
  // Who sent it, to whom, and the token still matter.
  EXPECT_EQ(failures(examine_challenge_mail(challenge("From", "From: x@example.net\r\n"), policy(true))), (Rules{"from"}));
  EXPECT_EQ(failures(examine_challenge_mail(challenge("To", "To: x@example.net\r\n"), policy(true))), (Rules{"to"}));
}

TEST(ChallengeMail, TrustedAuthenticationResultsAuthenticate) {
  auto without_dkim = challenge();
  without_dkim.erase(0, kDkim.size());
  const std::string ar = "Authentication-Results: mx.provider.example; dkim=pass (2048-bit key) header.d=example.org header.s=sel; spf=pass\r\n";
  auto p = policy();
  p.trusted_authserv_ids = {"mx.provider.example"};
  const auto m = examine_challenge_mail(ar + without_dkim, p);
  EXPECT_TRUE(m.acceptable()) << m.failed_rules();
  EXPECT_EQ(m.authenticated_by, "authentication-results:mx.provider.example");
  EXPECT_TRUE(find_check(m, "authenticity_verified")->passed);

  // A field from a server the user does not trust (anyone can write one) is ignored.
  const std::string forged = "Authentication-Results: evil.example; dkim=pass header.d=example.org\r\n";
  EXPECT_EQ(failures(examine_challenge_mail(forged + without_dkim, p)), (Rules{"authenticity"}));
  // A pass for another domain does not vouch for From.
  const std::string other = "Authentication-Results: mx.provider.example; dkim=pass header.d=other.example\r\n";
  EXPECT_EQ(failures(examine_challenge_mail(other + without_dkim, p)), (Rules{"authenticity"}));
  const std::string failed = "Authentication-Results: mx.provider.example; dkim=fail header.d=example.org\r\n";
  EXPECT_EQ(failures(examine_challenge_mail(failed + without_dkim, p)), (Rules{"authenticity"}));
}

TEST(ChallengeMail, SmimeSignedChallengesUseTheSmimeHook) {
  auto without_dkim = challenge("Content-Type",
                                "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256; boundary=b\r\n");
  without_dkim.erase(0, kDkim.size());
  const auto unverified = examine_challenge_mail(without_dkim, policy());
  EXPECT_TRUE(unverified.smime_signed);
  EXPECT_EQ(unverified.authenticated_by, "smime-unverified");
  EXPECT_TRUE(unverified.acceptable());
  auto p = policy();
  p.verify_smime = [](std::string_view) -> std::optional<bool> { return false; };
  EXPECT_EQ(failures(examine_challenge_mail(without_dkim, p)), (Rules{"authenticity"}));
  p.verify_smime = [](std::string_view) -> std::optional<bool> { return true; };
  EXPECT_EQ(examine_challenge_mail(without_dkim, p).authenticated_by, "smime");
}

TEST(ChallengeMail, CheckThrowsWithTheFailedRules) {
  try {
    (void)inkan::enrol::check_challenge_mail(challenge("To", "To: x@example.net\r\n"), policy());
    FAIL();
  } catch (const inkan::Error& e) {
    EXPECT_EQ(e.code(), inkan::Errc::challenge_mail_invalid);
    EXPECT_NE(e.detail().find("to ("), std::string::npos) << e.detail();
  }
}

// ---- a real DKIM signature, made and verified by dkimpy ----------------------

class DkimpyChallenge : public ::testing::Test {
protected:
  void SetUp() override {
    key = dir.file("dkim.pem").string();
    inkan::test::openssl_ok({"genrsa", "-traditional", "-out", key, "2048"});
    const std::string der = dir.file("dkim.der").string();
    inkan::test::openssl_ok({"rsa", "-in", key, "-pubout", "-outform", "DER", "-out", der});
    public_b64 = inkan::test::openssl_ok({"base64", "-A", "-in", der});
    // dkimpy verifies with the DNS lookup replaced by the test key.
    verifier = dir.put("verify.py",
                       "import dkim, sys\n"
                       "txt = ('v=DKIM1; k=rsa; p=' + open(sys.argv[1]).read().strip()).encode()\n"
                       "sys.exit(0 if dkim.verify(sys.stdin.buffer.read(), dnsfunc=lambda name, timeout=5: txt) else 1)\n");
    public_file = dir.put("dkim.b64", public_b64);
  }

  std::string signed_challenge(const std::string& from_domain) {
    std::string unsigned_mail = challenge();
    unsigned_mail.erase(0, kDkim.size());
    inkan::test::RunOptions o;
    o.input = unsigned_mail;
    const auto r = inkan::test::run({"dkimsign", "sel", from_domain, key}, o);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }

  ChallengeMailPolicy verifying_policy() {
    auto p = policy();
    p.verify_dkim = [this](std::string_view raw, const inkan::enrol::DkimSignature&) -> std::optional<bool> {
      inkan::test::RunOptions o;
      o.input = std::string(raw);
      return inkan::test::run({"/usr/bin/python3", verifier, public_file}, o).exit_code == 0;
    };
    return p;
  }

  inkan::test::TempDir dir;
  std::string key, public_b64, verifier, public_file;
};

TEST_F(DkimpyChallenge, RecognisedAndVerified) {
  const std::string mail = signed_challenge("example.org");
  const auto unverified = examine_challenge_mail(mail, policy());
  ASSERT_EQ(unverified.dkim.size(), 1u) << mail;
  EXPECT_TRUE(unverified.dkim[0].aligned);
  EXPECT_EQ(unverified.authenticated_by, "dkim-unverified");

  const auto verified = examine_challenge_mail(mail, verifying_policy());
  EXPECT_TRUE(verified.acceptable()) << verified.failed_rules();
  EXPECT_EQ(verified.authenticated_by, "dkim");
  EXPECT_EQ(verified.dkim[0].verified, true);
}

TEST_F(DkimpyChallenge, ATamperedSubjectFailsVerification) {
  std::string mail = signed_challenge("example.org");
  const auto at = mail.find("LgYemJLy3F1LDki");
  ASSERT_NE(at, std::string::npos);
  mail[at] = 'M';
  const auto m = examine_challenge_mail(mail, verifying_policy());
  EXPECT_EQ(failures(m), (Rules{"authenticity"}));
  EXPECT_EQ(m.dkim[0].verified, false);
}

TEST_F(DkimpyChallenge, ASignatureOfAnotherDomainDoesNotCount) {
  const auto m = examine_challenge_mail(signed_challenge("mailer.example"), verifying_policy());
  EXPECT_EQ(failures(m), (Rules{"authenticity"}));
}

}  // namespace
