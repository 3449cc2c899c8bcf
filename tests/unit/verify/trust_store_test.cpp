// The trust store finds an anchor among many by its subject name, decodes anchors
// given as DER only when a chain names them, and keeps same-named anchors apart by
// their keys. The anchors and the chains come from tests/pki/make-pki.sh (openssl).
#include "error.h"
#include "support/pki.h"
#include "x509/cert.h"
#include "x509/trust.h"

#include <gtest/gtest.h>
#include <openssl/x509_vfy.h>

#include <ctime>
#include <string>
#include <vector>

namespace {

using inkan::x509::TrustStore;

std::vector<std::string> ders(std::string_view file) {
  return inkan::x509::load_certificate_ders(inkan::test::pki(file));
}

// alice's certificate with the intermediate as the untrusted candidate, checked now.
inkan::x509::ChainCheck check_alice(const TrustStore& trust) {
  const auto alice = inkan::test::certificate("alice");
  const auto sub = inkan::test::certificate("sub");
  return trust.check(alice.get(), {sub.get()}, {}, static_cast<std::int64_t>(std::time(nullptr)),
                     X509_PURPOSE_SMIME_SIGN);
}

TEST(TrustStore, FindsItsAnchorAmongManyWhereverItIsAdded) {
  const auto decoys = ders("decoy-roots.pem");
  ASSERT_EQ(decoys.size(), 60u);
  for (const std::size_t where : {std::size_t{0}, std::size_t{30}, std::size_t{60}}) {
    TrustStore trust;
    for (std::size_t i = 0; i < decoys.size(); ++i) {
      if (i == where) trust.add_anchor_der(ders("root.pem").front());
      trust.add_anchor_der(decoys[i]);
    }
    if (where == decoys.size()) trust.add_anchor_der(ders("root.pem").front());
    EXPECT_EQ(trust.size(), 61u);
    const auto r = check_alice(trust);
    EXPECT_TRUE(r.ok) << "root at " << where;
    ASSERT_EQ(r.chain.size(), 3u);
    EXPECT_EQ(X509_cmp(r.chain.back().get(), inkan::test::certificate("root").get()), 0);
  }
}

TEST(TrustStore, ARootsNameWithoutItsKeyIsNoAnchor) {
  TrustStore impostor_only;
  impostor_only.add_anchor_der(ders("impostor-root.pem").front());
  for (const auto& d : ders("decoy-roots.pem")) impostor_only.add_anchor_der(d);
  EXPECT_FALSE(check_alice(impostor_only).ok);

  // Both roots share the name: the chain picks the one whose key signed the intermediate.
  for (const bool impostor_first : {true, false}) {
    TrustStore both;
    if (impostor_first) both.add_anchor_der(ders("impostor-root.pem").front());
    both.add_anchor(inkan::test::certificate("root"));
    if (!impostor_first) both.add_anchor_der(ders("impostor-root.pem").front());
    EXPECT_TRUE(check_alice(both).ok) << "impostor first: " << impostor_first;
  }
}

TEST(TrustStore, AnchorsNotNamedByAChainAreNeverDecoded) {
  // A DER whose subject reads but whose end is damaged: harmless until a chain names it.
  // The signature value, the last field, becomes an OCTET STRING: no longer a certificate.
  std::string damaged = ders("decoy-roots.pem").front();
  std::size_t tag = damaged.size() - 2;
  while (tag > 0 && !(damaged[tag] == 0x03 && static_cast<unsigned char>(damaged[tag + 1]) + tag + 2 == damaged.size())) {
    --tag;
  }
  ASSERT_GT(tag, 0u);
  damaged[tag] = 0x04;
  TrustStore trust;
  trust.add_anchor_der(damaged);
  trust.add_anchor_der(ders("root.pem").front());
  EXPECT_TRUE(check_alice(trust).ok);
  EXPECT_EQ(trust.size(), 2u);
  EXPECT_EQ(trust.anchors().size(), 1u);  // listing decodes them all, leaving out what cannot be
}

TEST(TrustStore, SomethingThatIsNotACertificateIsRefusedWhenAdded) {
  TrustStore trust;
  try {
    trust.add_anchor_der("not a certificate at all");
    FAIL() << "garbage accepted as an anchor";
  } catch (const inkan::Error& e) {
    EXPECT_EQ(e.code(), inkan::Errc::cert_load_failed);
  }
  EXPECT_TRUE(trust.empty());
}

TEST(TrustStore, DerOfPemFilesIsWhatOpensslDecodes) {
  const auto from_ders = ders("decoy-roots.pem");
  const auto decoded = inkan::x509::load_certificates(inkan::test::pki("decoy-roots.pem"));
  ASSERT_EQ(from_ders.size(), decoded.size());
  for (std::size_t i = 0; i < decoded.size(); ++i) {
    unsigned char* der = nullptr;
    const int len = i2d_X509(decoded[i].get(), &der);
    ASSERT_GT(len, 0);
    EXPECT_EQ(from_ders[i], std::string(reinterpret_cast<const char*>(der), static_cast<std::size_t>(len)));
    OPENSSL_free(der);
  }
}

TEST(TrustStore, MovedStoresKeepTheirAnchors) {
  TrustStore first;
  first.add_anchor_der(ders("root.pem").front());
  TrustStore second(std::move(first));
  EXPECT_TRUE(check_alice(second).ok);
  TrustStore third;
  third = std::move(second);
  EXPECT_TRUE(check_alice(third).ok);
}

}  // namespace
