// From/Sender against the certificate and signingTime against Date. With a
// detached signature these header fields lie outside the signed content, so
// they are edited freely around one openssl signature.
#include "verify/verify_fixture.h"

namespace {

using inkan::Status;
using inkan::test::VerifyTest;

class HeaderRules : public VerifyTest {
protected:
  void SetUp() override {
    VerifyTest::SetUp();
    m_entity = inkan::test::text_entity("Header rules.\r\n");
    m_der = inkan::test::openssl_sign(m_dir, inkan::test::pki_signer("alice"), m_entity);
    const auto st = inkan::test::signing_time_of(m_der);
    ASSERT_TRUE(st.has_value()) << "openssl wrote no signingTime";
    m_signing_time = *st;
  }

  inkan::Verdict with_headers(const std::string& headers) const {
    return analyse(inkan::test::multipart_signed(headers, m_entity, m_der)).verdict();
  }

  std::string date(std::int64_t t) const { return "Date: " + inkan::test::rfc5322_date(t) + "\r\n"; }
  std::string date_now() const { return date(m_signing_time); }

  std::string m_entity;
  std::string m_der;
  std::int64_t m_signing_time = 0;
};

TEST_F(HeaderRules, MatchingFromAndDateIsGood) {
  const auto v = with_headers("From: Alice <alice@example.org>\r\n" + date_now());
  EXPECT_EQ(v.status, Status::good) << dump(v);
}

TEST_F(HeaderRules, FromComparesCaseInsensitively) {
  const auto v = with_headers("From: Alice <ALICE@Example.ORG>\r\n" + date_now());
  EXPECT_EQ(v.status, Status::good) << dump(v);
}

TEST_F(HeaderRules, FromNotInCertificateIsHeaderMismatch) {
  const auto v = with_headers("From: Bob <bob@example.net>\r\n" + date_now());
  EXPECT_EQ(v.status, Status::header_mismatch) << dump(v);
  EXPECT_TRUE(has(v.reasons, "from-not-in-certificate"));
}

TEST_F(HeaderRules, LookalikeDomainIsHeaderMismatch) {
  const auto v = with_headers("From: alice@example.org.evil.test\r\n" + date_now());
  EXPECT_EQ(v.status, Status::header_mismatch) << dump(v);
}

TEST_F(HeaderRules, NoFromButMatchingSenderIsGood) {
  const auto v = with_headers("Sender: alice@example.org\r\n" + date_now());
  EXPECT_EQ(v.status, Status::good) << dump(v);
}

TEST_F(HeaderRules, NoFromAndNoSenderIsHeaderMismatch) {
  const auto v = with_headers(date_now());
  EXPECT_EQ(v.status, Status::header_mismatch) << dump(v);
}

TEST_F(HeaderRules, SenderDoesNotExcuseASingleWrongFrom) {
  const auto v = with_headers("From: bob@example.net\r\nSender: alice@example.org\r\n" + date_now());
  EXPECT_EQ(v.status, Status::header_mismatch) << dump(v);
}

TEST_F(HeaderRules, SeveralFromFieldsAreHeaderMismatch) {
  const auto v = with_headers("From: alice@example.org\r\nFrom: alice@example.org\r\n" + date_now());
  EXPECT_EQ(v.status, Status::header_mismatch) << dump(v);
  EXPECT_TRUE(has(v.reasons, "ambiguous-from"));
}

TEST_F(HeaderRules, EveryFromMailboxMustBeInTheCertificate) {
  // docs/verdict.md: "a From address ... is not in the certificate" -> header-mismatch; the
  // Sender only stands in when there is no From. A co-author the signer cannot vouch for is
  // shown as an author all the same.
  const auto with_sender =
      with_headers("From: alice@example.org, bob@example.net\r\nSender: alice@example.org\r\n" + date_now());
  EXPECT_EQ(with_sender.status, Status::header_mismatch) << dump(with_sender);
  const auto without = with_headers("From: alice@example.org, bob@example.net\r\n" + date_now());
  EXPECT_EQ(without.status, Status::header_mismatch) << dump(without);
}

TEST_F(HeaderRules, FromNamingNoAddressIsHeaderMismatch) {
  const auto v = with_headers("From: Alice Liddell\r\n" + date_now());
  EXPECT_EQ(v.status, Status::header_mismatch) << dump(v);
}

TEST_F(HeaderRules, DisplayNamePretendingToBeAnotherAddressIsWarned) {
  const auto v = with_headers("From: \"bob@example.net\" <alice@example.org>\r\n" + date_now());
  EXPECT_EQ(v.status, Status::good) << dump(v);
  EXPECT_TRUE(has(v.warnings, "display-name-contains-address")) << dump(v);
}

TEST_F(HeaderRules, SigningTimeWithinAnHourOfDateIsGood) {
  for (const std::int64_t skew : {-3600LL, -1800LL, 0LL, 1800LL, 3600LL}) {
    const auto v = with_headers("From: alice@example.org\r\n" + date(m_signing_time + skew));
    EXPECT_EQ(v.status, Status::good) << "skew " << skew << ": " << dump(v);
  }
}

TEST_F(HeaderRules, DateMoreThanAnHourAfterSigningTimeIsTimeMismatch) {
  const auto v = with_headers("From: alice@example.org\r\n" + date(m_signing_time + 3601));
  EXPECT_EQ(v.status, Status::time_mismatch) << dump(v);
  EXPECT_TRUE(has(v.reasons, "signing-time-differs-from-date"));
}

TEST_F(HeaderRules, DateMoreThanAnHourBeforeSigningTimeIsTimeMismatch) {
  const auto v = with_headers("From: alice@example.org\r\n" + date(m_signing_time - 3601));
  EXPECT_EQ(v.status, Status::time_mismatch) << dump(v);
  EXPECT_TRUE(has(v.reasons, "signing-time-differs-from-date"));
}

TEST_F(HeaderRules, DateInAnotherZoneIsTheSameInstant) {
  // The signing time written in +0900: nine hours "later" on the clock, same instant.
  const std::string utc = inkan::test::rfc5322_date(m_signing_time + 9 * 3600);
  const std::string jst = utc.substr(0, utc.size() - 5) + "+0900";
  const auto v = with_headers("From: alice@example.org\r\nDate: " + jst + "\r\n");
  EXPECT_EQ(v.status, Status::good) << jst << ": " << dump(v);
}

TEST_F(HeaderRules, MissingDateIsTimeMismatch) {
  const auto v = with_headers("From: alice@example.org\r\n");
  EXPECT_EQ(v.status, Status::time_mismatch) << dump(v);
  EXPECT_TRUE(has(v.reasons, "date-missing-or-invalid"));
}

TEST_F(HeaderRules, GarbledDateIsTimeMismatch) {
  const auto v = with_headers("From: alice@example.org\r\nDate: the day before yesterday\r\n");
  EXPECT_EQ(v.status, Status::time_mismatch) << dump(v);
  EXPECT_TRUE(has(v.reasons, "date-missing-or-invalid"));
}

TEST_F(HeaderRules, HeaderMismatchOutranksTimeMismatch) {
  const auto v = with_headers("From: bob@example.net\r\n");
  EXPECT_EQ(v.status, Status::header_mismatch) << dump(v);
  EXPECT_TRUE(has(v.reasons, "date-missing-or-invalid"));
  EXPECT_TRUE(has(v.reasons, "from-not-in-certificate"));
}

TEST_F(VerifyTest, WithoutSigningTimeThereIsNoTimeCheck) {
  const std::string entity = inkan::test::text_entity("No attributes.\r\n");
  const std::string der = inkan::test::openssl_sign(m_dir, inkan::test::pki_signer("alice"), entity, {"-noattr"});
  ASSERT_FALSE(inkan::test::signing_time_of(der).has_value());
  for (const std::string date : {"", "Date: garbage\r\n", "Date: Thu, 1 Jan 1998 00:00:00 +0000\r\n"}) {
    const auto r = analyse(inkan::test::multipart_signed("From: alice@example.org\r\n" + date, entity, der));
    EXPECT_EQ(r.verdict().status, Status::good) << "'" << date << "': " << dump(r.verdict());
    ASSERT_EQ(r.verdict().signers.size(), 1u);
    EXPECT_FALSE(r.verdict().signers[0].signing_time.has_value());
    EXPECT_FALSE(r.verdict().signers[0].valid_when_signed.has_value());
  }
}

}  // namespace
