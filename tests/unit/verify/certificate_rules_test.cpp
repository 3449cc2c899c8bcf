// The signer's certificate: validity now and when signed, revocation, trust,
// key usage and extended key usage, addresses, key strength.
#include "support/process.h"
#include "verify/verify_fixture.h"

namespace {

using inkan::Status;
using inkan::test::VerifyTest;

TEST_F(VerifyTest, ExpiredCertificateIsExpiredAndWasNotValidWhenSigned) {
  // openssl signs now, long after this certificate ended (2021).
  const auto r = analyse(signed_by("expired", "expired@example.org"));
  EXPECT_EQ(r.verdict().status, Status::expired) << dump(r.verdict());
  ASSERT_EQ(r.verdict().signers.size(), 1u);
  const auto& s = r.verdict().signers[0];
  EXPECT_TRUE(has(s.reasons, "certificate-expired"));
  EXPECT_FALSE(s.valid_now);
  EXPECT_EQ(s.valid_when_signed, std::optional<bool>(false));
}

TEST_F(VerifyTest, CertificateExpiredSinceSigningWasValidWhenSigned) {
  // Signed today with a valid certificate, read after the certificate's end.
  const std::string message = signed_by("alice", "alice@example.org");
  auto o = options();
  o.at = inkan::test::not_after("alice") + 86400;
  const auto r = analyse(message, o);
  EXPECT_EQ(r.verdict().status, Status::expired) << dump(r.verdict());
  EXPECT_EQ(r.verdict().checked_at, o.at);
  ASSERT_EQ(r.verdict().signers.size(), 1u);
  const auto& s = r.verdict().signers[0];
  EXPECT_FALSE(s.valid_now);
  EXPECT_EQ(s.valid_when_signed, std::optional<bool>(true));
  EXPECT_TRUE(has(s.reasons, "certificate-expired"));
}

TEST_F(VerifyTest, CheckedBeforeTheCertificateBeganIsNotYetValid) {
  const std::string message = signed_by("alice", "alice@example.org");
  auto o = options();
  o.at = inkan::test::not_before("alice") - 86400;
  const auto r = analyse(message, o);
  EXPECT_EQ(r.verdict().status, Status::not_yet_valid) << dump(r.verdict());
  ASSERT_EQ(r.verdict().signers.size(), 1u);
  EXPECT_EQ(r.verdict().signers[0].valid_when_signed, std::optional<bool>(true));
}

TEST_F(VerifyTest, NotYetValidCertificateIsNotYetValid) {
  const auto r = analyse(signed_by("notyet", "notyet@example.org"));
  EXPECT_EQ(r.verdict().status, Status::not_yet_valid) << dump(r.verdict());
  ASSERT_EQ(r.verdict().signers.size(), 1u);
  EXPECT_TRUE(has(r.verdict().signers[0].reasons, "certificate-not-yet-valid"));
  EXPECT_EQ(r.verdict().signers[0].valid_when_signed, std::optional<bool>(false));
}

TEST_F(VerifyTest, RevokedCertificateWithTheIssuersCrlIsRevoked) {
  const std::string message = signed_by("revoked", "revoked@example.org");
  const auto crls = inkan::test::sub_crl();
  auto o = options();
  for (const auto& c : crls) o.crls.push_back(c.get());
  const auto r = analyse(message, o);
  EXPECT_EQ(r.verdict().status, Status::revoked) << dump(r.verdict());
  EXPECT_TRUE(has(r.verdict().reasons, "certificate-revoked"));
}

TEST_F(VerifyTest, RevocationIsOnlyKnownWithACrl) {
  const auto r = analyse(signed_by("revoked", "revoked@example.org"));
  EXPECT_EQ(r.verdict().status, Status::good) << dump(r.verdict());
}

TEST_F(VerifyTest, TheCrlDoesNotAffectOtherSigners) {
  const auto crls = inkan::test::sub_crl();
  auto o = options();
  for (const auto& c : crls) o.crls.push_back(c.get());
  const auto r = analyse(signed_by("alice", "alice@example.org"), o);
  EXPECT_EQ(r.verdict().status, Status::good) << dump(r.verdict());
}

// docs/verdict.md: a CRL that is expired or not yet valid gives the warning "revocation-unknown".
TEST_F(VerifyTest, AStaleCrlIsAWarningAndNeverMakesASignedMessageLookUnsigned) {
  // A CRL whose nextUpdate has passed: the message is still signed, whatever the policy says.
  inkan::test::TempDir ca;
  for (const char* f : {"openssl.cnf", "sub.pem", "sub.key", "index-sub.txt", "crlnumber-sub", "serial-sub"}) {
    ca.put(f, inkan::test::read_file(inkan::test::pki(f)));
  }
  std::filesystem::create_directory(ca.file("newcerts"));
  inkan::test::RunOptions env;
  env.cwd = ca.path().string();
  env.set_env = {"CA_NAME=sub", "EMAIL=none@example.invalid"};
  inkan::test::openssl_ok({"ca", "-batch", "-config", "openssl.cnf", "-cert", "sub.pem", "-keyfile", "sub.key",
                           "-gencrl", "-crldays", "1", "-out", "stale.crl"},
                          env);
  const auto crls = inkan::x509::load_crls(ca.file("stale.crl").string());
  auto o = options();
  for (const auto& c : crls) o.crls.push_back(c.get());
  o.at = m_now + 3 * 86400;
  const auto r = analyse(signed_by("alice", "alice@example.org"), o);
  EXPECT_TRUE(r.verdict().is_signed);
  // A warning, not a failure (docs/verdict.md): the signature stays good.
  EXPECT_EQ(r.verdict().status, Status::good) << dump(r.verdict());
  EXPECT_TRUE(r.verdict().reasons.empty()) << dump(r.verdict());
  EXPECT_TRUE(has(r.verdict().warnings, "revocation-unknown")) << dump(r.verdict());
}

TEST_F(VerifyTest, CertificateFromAnotherRootIsUntrusted) {
  const auto r = analyse(signed_by("mallory", "mallory@example.org"));
  EXPECT_EQ(r.verdict().status, Status::untrusted) << dump(r.verdict());
  ASSERT_EQ(r.verdict().signers.size(), 1u);
  EXPECT_FALSE(r.verdict().signers[0].valid_now);
}

TEST_F(VerifyTest, WithoutTrustAnchorsNothingIsTrusted) {
  const inkan::x509::TrustStore empty;
  auto o = options();
  o.trust = &empty;
  const auto r = analyse(signed_by("alice", "alice@example.org"), o);
  EXPECT_EQ(r.verdict().status, Status::untrusted) << dump(r.verdict());
  EXPECT_TRUE(has(r.verdict().reasons, "no-trust-anchors"));
}

TEST_F(VerifyTest, ServerAuthOnlyCertificateIsBadKeyUsage) {
  const auto r = analyse(signed_by("servereku", "servereku@example.org"));
  EXPECT_EQ(r.verdict().status, Status::bad_key_usage) << dump(r.verdict());
  EXPECT_TRUE(has(r.verdict().reasons, "eku-not-email-protection"));
}

TEST_F(VerifyTest, KeyEnciphermentOnlyCertificateIsBadKeyUsage) {
  const auto r = analyse(signed_by("encryptonly", "encryptonly@example.org"));
  EXPECT_EQ(r.verdict().status, Status::bad_key_usage) << dump(r.verdict());
  EXPECT_TRUE(has(r.verdict().reasons, "key-usage-not-signing"));
}

TEST_F(VerifyTest, SigningOnlyCertificateIsGood) {
  const auto r = analyse(signed_by("signonly", "signonly@example.org"));
  EXPECT_EQ(r.verdict().status, Status::good) << dump(r.verdict());
}

TEST_F(VerifyTest, CertificateWithoutAddressIsHeaderMismatch) {
  const auto r = analyse(signed_by("noemail", "noemail@example.org"));
  EXPECT_EQ(r.verdict().status, Status::header_mismatch) << dump(r.verdict());
  EXPECT_TRUE(has(r.verdict().reasons, "certificate-has-no-address"));
}

TEST_F(VerifyTest, Rsa1024SignerIsAcceptedWithAShortKeyWarning) {
  // docs/verdict.md: RSA keys from 1024 bits are accepted, as Thunderbird does, but said to be short.
  const auto r = analyse(signed_by("weak", "weak@example.org"));
  EXPECT_EQ(r.verdict().status, Status::good) << dump(r.verdict());
  EXPECT_TRUE(has(r.verdict().warnings, "short-signing-key")) << dump(r.verdict());
}

TEST_F(VerifyTest, Rsa2048SignerHasNoShortKeyWarning) {
  const auto r = analyse(signed_by("alice", "alice@example.org"));
  EXPECT_FALSE(has(r.verdict().warnings, "short-signing-key")) << dump(r.verdict());
}

TEST_F(VerifyTest, Rsa512SignerIsNotGood) {
  const auto signer = inkan::test::make_rsa_signer(m_dir, 512, "tiny@example.org");
  const std::string entity = inkan::test::text_entity("512 bits.\r\n");
  const std::string der = inkan::test::openssl_sign(m_dir, signer, entity);
  auto o = options();
  o.at = inkan::test::now_seconds();  // the certificate starts when it was made, after SetUp
  const auto r = analyse(inkan::test::multipart_signed(outer("tiny@example.org", m_now), entity, der), o);
  EXPECT_NE(r.verdict().status, Status::good) << dump(r.verdict());
  EXPECT_TRUE(has(r.verdict().reasons, "weak-key")) << dump(r.verdict());
}

TEST_F(VerifyTest, FreshRsa2048SignerFromTheSameIssuerIsGood) {
  // Control for the weak-key tests: the only difference is the key size.
  const auto signer = inkan::test::make_rsa_signer(m_dir, 2048, "fresh@example.org");
  const std::string entity = inkan::test::text_entity("2048 bits.\r\n");
  const std::string der = inkan::test::openssl_sign(m_dir, signer, entity);
  auto o = options();
  o.at = inkan::test::now_seconds();  // the certificate starts when it was made, after SetUp
  const auto r = analyse(inkan::test::multipart_signed(outer("fresh@example.org", m_now), entity, der), o);
  EXPECT_EQ(r.verdict().status, Status::good) << dump(r.verdict());
}

TEST_F(VerifyTest, SignerIssuedAfterItsRootsEmailDistrustDateIsUntrusted) {
  // NSS's CKA_NSS_EMAIL_DISTRUST_AFTER (TrustCor, NSS 3.86): the date is on the anchor.
  inkan::x509::TrustStore store;
  store.add_anchor(inkan::test::certificate("root"), {inkan::test::not_before("alice") - 1});
  auto o = options();
  o.trust = &store;
  const auto r = analyse(signed_by("alice", "alice@example.org"), o);
  EXPECT_EQ(r.verdict().status, Status::untrusted) << dump(r.verdict());
  EXPECT_TRUE(has(r.verdict().reasons, "root-distrusted-after")) << dump(r.verdict());
  ASSERT_EQ(r.verdict().signers.size(), 1u);
  EXPECT_FALSE(r.verdict().signers[0].valid_now);
}

TEST_F(VerifyTest, SignerIssuedBeforeItsRootsEmailDistrustDateIsGood) {
  inkan::x509::TrustStore store;
  store.add_anchor(inkan::test::certificate("root"), {inkan::test::not_before("alice") + 86400});
  auto o = options();
  o.trust = &store;
  const auto r = analyse(signed_by("alice", "alice@example.org"), o);
  EXPECT_EQ(r.verdict().status, Status::good) << dump(r.verdict());
}

TEST_F(VerifyTest, ExplicitlyDistrustedIntermediateMakesTheSignerUntrusted) {
  m_trust.add_distrusted(inkan::test::certificate("sub"));
  const auto r = analyse(signed_by("alice", "alice@example.org"));
  EXPECT_EQ(r.verdict().status, Status::untrusted) << dump(r.verdict());
  EXPECT_TRUE(has(r.verdict().reasons, "certificate-distrusted")) << dump(r.verdict());
}

}  // namespace
