// Trust settings: user anchors (CAs only, not expired), explicit distrust that
// wins, removal, and the trust store verification uses.
#include "store_fixture.h"

#include "error.h"
#include "x509/cert.h"
#include "x509/nss_builtins.h"

#include <set>

namespace {

using inkan::Errc;
using inkan::test::StoreTest;
namespace fs = std::filesystem;

class StoreTrust : public StoreTest {
protected:
  static std::vector<X509*> raw(const std::vector<inkan::ossl::X509Ptr>& certs) {
    std::vector<X509*> out;
    for (const auto& c : certs) out.push_back(c.get());
    return out;
  }
  static std::vector<inkan::ossl::X509Ptr> certs(const std::string& name) {
    return inkan::x509::load_certificates(inkan::test::pki(name));
  }
  template <typename Fn>
  static Errc error_of(Fn&& fn) {
    try {
      fn();
    } catch (const inkan::Error& e) {
      return e.code();
    }
    return Errc::internal;
  }
  // The user's own anchors; Mozilla's built-in roots are in every list too.
  static std::vector<const inkan::store::AnchorEntry*> user_anchors(const inkan::store::TrustList& list) {
    std::vector<const inkan::store::AnchorEntry*> out;
    for (const auto& a : list.anchors) {
      if (a.source == "user") out.push_back(&a);
    }
    return out;
  }
  bool chains(const inkan::store::Store& s, const std::string& leaf) const {
    const auto store = s.trust_store();
    auto leaf_cert = inkan::test::certificate(leaf);
    auto sub = inkan::test::certificate("sub");
    return store.check(leaf_cert.get(), {sub.get()}, {}, m_now, X509_PURPOSE_SMIME_SIGN).ok;
  }
};

TEST_F(StoreTrust, AnAddedCaIsAnAnchorForVerification) {
  auto s = open();
  EXPECT_FALSE(chains(s, "alice"));
  const auto added = s.add_anchors(raw(certs("root.pem")), "Test root", m_now);
  ASSERT_EQ(added.size(), 1u);
  const std::string fp = openssl_fingerprint(inkan::test::pki("root.pem"));
  EXPECT_EQ(added.front().fingerprint, fp);
  const fs::path file = root() / "trust" / "anchors" / (fp + ".pem");
  EXPECT_EQ(mode_of(file), 0600u);
  EXPECT_EQ(mode_of(root() / "trust" / "anchors"), 0700u);
  // The anchor file is an ordinary CAfile for OpenSSL.
  const auto verify = inkan::test::openssl({"verify", "-CAfile", file.string(), "-untrusted", inkan::test::pki("sub.pem"),
                                            inkan::test::pki("alice.pem")});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  const auto list = open().trust();
  ASSERT_EQ(user_anchors(list).size(), 1u);
  EXPECT_EQ(user_anchors(list).front()->label, "Test root");
  EXPECT_TRUE(chains(open(), "alice"));
  EXPECT_EQ(error_of([&] { s.add_anchors(raw(certs("root.pem")), "again", m_now); }), Errc::already_exists);
}

TEST_F(StoreTrust, OnlyCurrentCaCertificatesCanBeAnchors) {
  auto s = open();
  EXPECT_EQ(error_of([&] { s.add_anchors(raw(certs("alice.pem")), "", m_now); }), Errc::trust_anchor_unusable);
  // Valid now, but not any more in 2050 (root.pem lives ten years).
  EXPECT_EQ(error_of([&] { s.add_anchors(raw(certs("root.pem")), "", 2524608000); }), Errc::trust_anchor_unusable);
  // All or nothing: a bundle with one leaf in it adds none of its CAs.
  auto mixed = certs("alice-chain.pem");
  EXPECT_EQ(error_of([&] { s.add_anchors(raw(mixed), "", m_now); }), Errc::trust_anchor_unusable);
  EXPECT_TRUE(user_anchors(s.trust()).empty());
  EXPECT_NO_THROW(s.add_anchors(raw(certs("sub.pem")), "intermediate as anchor", m_now));
}

TEST_F(StoreTrust, DistrustWinsAndRemovesTheUserAnchor) {
  auto s = open();
  s.add_anchors(raw(certs("root.pem")), "root", m_now);
  const std::string fp = openssl_fingerprint(inkan::test::pki("root.pem"));
  const auto entry = s.distrust({}, certs("root.pem").front().get(), m_now);
  EXPECT_EQ(entry.fingerprint, fp);
  EXPECT_FALSE(fs::exists(root() / "trust" / "anchors" / (fp + ".pem")));
  EXPECT_TRUE(fs::exists(root() / "trust" / "distrust" / fp));
  const auto list = open().trust();
  EXPECT_TRUE(user_anchors(list).empty());
  ASSERT_EQ(list.distrusted.size(), 1u);
  EXPECT_TRUE(list.distrusted.front().cert != nullptr);
  EXPECT_FALSE(chains(open(), "alice"));
  EXPECT_EQ(error_of([&] { s.add_anchors(raw(certs("root.pem")), "", m_now); }), Errc::already_exists);
  EXPECT_EQ(error_of([&] { s.distrust(fp, nullptr, m_now); }), Errc::already_exists);
  s.remove_trust(fp);
  EXPECT_TRUE(open().trust().distrusted.empty());
  EXPECT_EQ(error_of([&] { s.remove_trust(fp); }), Errc::not_found);
  EXPECT_EQ(error_of([&] { s.remove_trust("not-hex"); }), Errc::usage);
}

TEST_F(StoreTrust, DistrustByFingerprintAlone) {
  auto s = open();
  const std::string fp = openssl_fingerprint(inkan::test::pki("other-root.pem"));
  std::string with_colons;
  for (std::size_t i = 0; i < fp.size(); i += 2) with_colons += (i ? ":" : "") + fp.substr(i, 2);
  const auto entry = s.distrust(with_colons, nullptr, m_now);
  EXPECT_EQ(entry.fingerprint, fp);
  EXPECT_EQ(entry.cert, nullptr);
  EXPECT_EQ(open().trust().distrusted.front().fingerprint, fp);
}

TEST_F(StoreTrust, ADamagedAnchorIsReportedNotTrusted) {
  auto s = open();
  s.add_anchors(raw(certs("root.pem")), "root", m_now);
  const std::string fp = openssl_fingerprint(inkan::test::pki("root.pem"));
  // other-root's certificate under root's name.
  fs::copy_file(inkan::test::pki("other-root.pem"), root() / "trust" / "anchors" / (fp + ".pem"),
                fs::copy_options::overwrite_existing);
  const auto list = open().trust();
  EXPECT_TRUE(user_anchors(list).empty());
  ASSERT_EQ(list.problems.size(), 1u);
  EXPECT_EQ(list.problems.front().code, Errc::store_corrupt);
}

// Mozilla's e-mail roots join every trust list, exactly as NSS's builtins module has
// them (tests/unit/x509 checks that set against certutil); the user's distrust removes one.
TEST_F(StoreTrust, BuiltInRootsAreAnchorsUnlessDistrusted) {
  const auto& builtin = inkan::x509::builtin_roots();
  std::set<std::string> expected;
  for (const auto& r : builtin.roots) {
    if (r.email_trusted && !r.distrusted) expected.insert(inkan::x509::fingerprint_sha256(r.cert.get()));
  }
  ASSERT_GT(expected.size(), 10u);
  inkan::store::Store s(options());
  std::set<std::string> listed;
  for (const auto& a : s.trust().anchors) {
    if (a.source == "builtin") listed.insert(a.fingerprint);
  }
  EXPECT_EQ(listed, expected);
  EXPECT_EQ(s.trust_store().anchors().size(), expected.size());

  const std::string victim = *expected.begin();
  s.distrust(victim, nullptr, m_now);
  for (const auto& a : s.trust().anchors) EXPECT_NE(a.fingerprint, victim);
  EXPECT_EQ(s.trust_store().anchors().size(), expected.size() - 1);
}

// Distrust reaches path validation: a chain through a distrusted intermediate fails
// under a trusted root, whether the intermediate was distrusted as a file or by fingerprint.
TEST_F(StoreTrust, ADistrustedIntermediateBreaksTheChain) {
  for (const bool by_fingerprint : {false, true}) {
    inkan::store::Store s(options());
    s.add_anchors(raw(certs("root.pem")), "root", m_now);
    ASSERT_TRUE(chains(s, "alice")) << "alice should chain to the root through sub";
    auto sub = inkan::test::certificate("sub");
    if (by_fingerprint) {
      s.distrust(inkan::x509::fingerprint_sha256(sub.get()), nullptr, m_now);
    } else {
      s.distrust({}, sub.get(), m_now);
    }
    const auto store = s.trust_store();
    auto leaf = inkan::test::certificate("alice");
    const auto check = store.check(leaf.get(), {sub.get()}, {}, m_now, X509_PURPOSE_SMIME_SIGN);
    EXPECT_FALSE(check.ok);
    EXPECT_TRUE(check.has(inkan::x509::kErrCertificateDistrusted)) << (by_fingerprint ? "by fingerprint" : "as file");
    s.remove_trust(inkan::x509::fingerprint_sha256(sub.get()));
    s.remove_trust(inkan::x509::fingerprint_sha256(certs("root.pem").front().get()));
  }
}

}  // namespace
