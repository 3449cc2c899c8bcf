// Trust-store policy beyond OpenSSL: NSS's e-mail distrust-after date of a root
// (a leaf issued later is untrusted) and explicit distrust (even as intermediate).
// The test PKI is tests/pki/make-pki.sh's; the dates are injected metadata.
#include "support/pki.h"
#include "x509/trust.h"

#include <openssl/x509_vfy.h>

#include <gtest/gtest.h>

namespace {

using inkan::test::certificate;

inkan::x509::ChainCheck check_alice(const inkan::x509::TrustStore& store, std::int64_t at) {
  const auto alice = certificate("alice");
  const auto sub = certificate("sub");
  return store.check(alice.get(), {sub.get()}, {}, at, X509_PURPOSE_SMIME_SIGN);
}

std::int64_t a_day_in(const char* name) { return inkan::test::not_before(name) + 86400; }

TEST(DistrustAfter, ALeafIssuedAfterTheDateIsNotTrusted) {
  inkan::x509::TrustStore store;
  store.add_anchor(certificate("root"), {inkan::test::not_before("alice") - 1});
  const auto r = check_alice(store, a_day_in("alice"));
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(r.has(inkan::x509::kErrRootDistrustedAfter));
  EXPECT_STREQ(inkan::x509::chain_error_name(inkan::x509::kErrRootDistrustedAfter), "root-distrusted-after");
}

TEST(DistrustAfter, ALeafIssuedBeforeTheDateStaysTrusted) {
  inkan::x509::TrustStore store;
  store.add_anchor(certificate("root"), {inkan::test::not_before("alice") + 1});
  const auto r = check_alice(store, a_day_in("alice"));
  EXPECT_TRUE(r.ok) << (r.errors.empty() ? 0 : r.errors.front());
}

TEST(DistrustAfter, NotBeforeExactlyAtTheDateIsStillTrusted) {
  // NSS: distrusted when notBefore is *after* the date.
  inkan::x509::TrustStore store;
  store.add_anchor(certificate("root"), {inkan::test::not_before("alice")});
  EXPECT_TRUE(check_alice(store, a_day_in("alice")).ok);
}

TEST(DistrustAfter, OnlyTheAnchorOfThePathCounts) {
  // The date sits on another anchor; alice's path ends at root, which has none.
  inkan::x509::TrustStore store;
  store.add_anchor(certificate("root"));
  store.add_anchor(certificate("other-root"), {0});
  EXPECT_TRUE(check_alice(store, a_day_in("alice")).ok);
}

TEST(DistrustAfter, TheSameRootAddedTwiceKeepsTheEarlierDate) {
  inkan::x509::TrustStore store;
  store.add_anchor(certificate("root"));
  store.add_anchor(certificate("root"), {inkan::test::not_before("alice") - 1});
  store.add_anchor(certificate("root"), {inkan::test::not_before("alice") + 1000});
  EXPECT_EQ(store.anchors().size(), 1u);
  EXPECT_TRUE(check_alice(store, a_day_in("alice")).has(inkan::x509::kErrRootDistrustedAfter));
}

TEST(ExplicitDistrust, ADistrustedIntermediateBreaksThePath) {
  inkan::x509::TrustStore store;
  store.add_anchor(certificate("root"));
  store.add_distrusted(certificate("sub"));
  const auto r = check_alice(store, a_day_in("alice"));
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(r.has(inkan::x509::kErrCertificateDistrusted));
  EXPECT_STREQ(inkan::x509::chain_error_name(inkan::x509::kErrCertificateDistrusted), "certificate-distrusted");
}

TEST(ExplicitDistrust, DistrustWinsOverAnAnchor) {
  inkan::x509::TrustStore store;
  store.add_anchor(certificate("root"));
  store.add_distrusted(certificate("root"));
  EXPECT_TRUE(check_alice(store, a_day_in("alice")).has(inkan::x509::kErrCertificateDistrusted));
}

TEST(ExplicitDistrust, ADistrustedLeafIsNotTrusted) {
  inkan::x509::TrustStore store;
  store.add_anchor(certificate("root"));
  store.add_distrusted(certificate("alice"));
  EXPECT_TRUE(check_alice(store, a_day_in("alice")).has(inkan::x509::kErrCertificateDistrusted));
}

TEST(ExplicitDistrust, AnUnrelatedDistrustChangesNothing) {
  inkan::x509::TrustStore store;
  store.add_anchor(certificate("root"));
  store.add_distrusted(certificate("other-root"));
  EXPECT_TRUE(check_alice(store, a_day_in("alice")).ok);
}

TEST(ExplicitDistrust, ByIssuerAndSerialWithoutTheCertificate) {
  // As an NSS trust object without its certificate names it: DER issuer Name and DER INTEGER.
  const auto sub = certificate("sub");
  const auto der = [](auto* obj, auto encode) {
    unsigned char* out = nullptr;
    const int len = encode(obj, &out);
    std::string s(reinterpret_cast<const char*>(out), static_cast<std::size_t>(len));
    OPENSSL_free(out);
    return s;
  };
  inkan::x509::TrustStore store;
  store.add_anchor(certificate("root"));
  store.add_distrusted(der(X509_get_issuer_name(sub.get()), i2d_X509_NAME),
                       der(X509_get0_serialNumber(sub.get()), i2d_ASN1_INTEGER));
  EXPECT_TRUE(check_alice(store, a_day_in("alice")).has(inkan::x509::kErrCertificateDistrusted));

  inkan::x509::TrustStore other_serial;
  other_serial.add_anchor(certificate("root"));
  other_serial.add_distrusted(der(X509_get_issuer_name(sub.get()), i2d_X509_NAME), std::string("\x02\x01\x7f", 3));
  EXPECT_TRUE(check_alice(other_serial, a_day_in("alice")).ok) << "serial 127 under root's name is nobody";
}

}  // namespace
