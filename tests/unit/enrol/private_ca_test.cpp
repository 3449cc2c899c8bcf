// The company CA in a private store: the profile of what it issues as the
// openssl command line reads it, the lint (no error, no warning), the files it
// keeps (one per serial, 0600, keys sealed under the store key), revocation
// and CRL numbers, and refusals (825 days, outliving the CA, a locked store).
// The peers' verdicts (openssl verify, vfychain, gpgsm, cmsutil) are in
// tests/interop/company_ca.sh.
#include "enrol_support.h"
#include "error.h"
#include "private_ca.h"
#include "store/store_json.h"
#include "support/files.h"
#include "support/process.h"
#include "x509/cert.h"

#include <gtest/gtest.h>

#include <openssl/x509.h>
#include <sys/stat.h>

#include <ctime>
#include <regex>

namespace {

using inkan::Errc;
using inkan::enrol::KeyType;

template <typename F>
Errc error_of(F&& f) {
  try {
    f();
  } catch (const inkan::Error& e) {
    return e.code();
  }
  ADD_FAILURE() << "no error";
  return Errc::internal;
}

unsigned mode_of(const std::filesystem::path& p) {
  struct stat st {};
  ::stat(p.c_str(), &st);
  return st.st_mode & 0777u;
}

class PrivateCa : public ::testing::Test {
protected:
  inkan::store::Store store() const {
    inkan::store::StoreOptions o;
    o.root = m_dir.path() / "store";
    o.scrypt = {1U << 10, 8, 1};
    return inkan::store::Store(o);
  }
  std::string write_pem(const std::string& name, X509* cert) { return m_dir.put(name, inkan::x509::to_pem(cert)); }
  std::string text_of(const std::string& pem_path) { return inkan::test::openssl_ok({"x509", "-in", pem_path, "-noout", "-text"}); }

  inkan::test::TempDir m_dir;
  std::int64_t m_now = static_cast<std::int64_t>(std::time(nullptr));
};

TEST_F(PrivateCa, IssuesTheStrictMailboxProfile) {
  auto s = store();
  const auto ca = inkan::enrol::ca_init(s, {"Example Co CA", KeyType::p256, 3650, "http://crl.example.com/ca.crl"}, m_now);
  inkan::enrol::CaIssueRequest request;
  request.common_name = "Alice Example";
  request.email = "Alice@Example.com";
  request.days = 825;
  const auto issued = inkan::enrol::ca_issue(s, ca, request, m_now);
  const std::string leaf = write_pem("leaf.pem", issued.issued.cert.get());
  const std::string text = text_of(leaf);
  EXPECT_NE(text.find("Subject: CN = Alice Example\n"), std::string::npos) << text;
  EXPECT_NE(text.find("email:Alice@Example.com"), std::string::npos);
  EXPECT_TRUE(std::regex_search(text, std::regex("Extended Key Usage: *\n *E-mail Protection\n")));
  EXPECT_TRUE(std::regex_search(text, std::regex("Key Usage: critical\n *Digital Signature, Key Encipherment\n")));
  EXPECT_NE(text.find("Subject Key Identifier"), std::string::npos);
  EXPECT_NE(text.find("Authority Key Identifier"), std::string::npos);
  EXPECT_NE(text.find("URI:http://crl.example.com/ca.crl"), std::string::npos);
  EXPECT_NE(text.find("Signature Algorithm: ecdsa-with-SHA256"), std::string::npos) << "signed by the P-256 issuing CA";
  // 825 days, counted inclusively as SBR 6.3.2 and the lint count them.
  EXPECT_EQ(issued.issued.not_after - issued.issued.not_before, 825LL * 86400 - 1);
  // Serial: 18 bytes, positive.
  const auto serial = inkan::test::openssl_ok({"x509", "-in", leaf, "-noout", "-serial"});
  EXPECT_TRUE(std::regex_match(serial, std::regex("serial=[4-7][0-9A-F]{35}\n"))) << serial;
  for (const auto& f : issued.lint.findings) EXPECT_EQ(f.severity, inkan::x509::LintSeverity::info) << f.code;

  const std::string root = write_pem("root.pem", ca.cert.get());
  const std::string issuing = write_pem("issuing.pem", ca.issuing_cert.get());
  const std::string root_text = text_of(root);
  EXPECT_TRUE(std::regex_search(root_text, std::regex("Basic Constraints: critical\n *CA:TRUE, pathlen:1\n")));
  EXPECT_TRUE(std::regex_search(root_text, std::regex("Key Usage: critical\n *Certificate Sign, CRL Sign\n")));
  EXPECT_EQ(root_text.find("Extended Key Usage"), std::string::npos);
  const std::string issuing_text = text_of(issuing);
  EXPECT_TRUE(std::regex_search(issuing_text, std::regex("Basic Constraints: critical\n *CA:TRUE, pathlen:0\n")));
  EXPECT_EQ(issuing_text.find("Extended Key Usage"), std::string::npos);
  EXPECT_NE(issuing_text.find("Issuer: CN = Example Co CA\n"), std::string::npos);
  const auto verified = inkan::test::openssl(
      {"verify", "-purpose", "smimesign", "-CAfile", root, "-untrusted", issuing, leaf});
  EXPECT_EQ(verified.exit_code, 0) << inkan::test::describe(verified);
}

TEST_F(PrivateCa, ThePkcs12HoldsKeyCertificateAndBothCas) {
  auto s = store();
  const auto ca = inkan::enrol::ca_init(s, {"Example Co CA", KeyType::rsa3072, 3650, ""}, m_now);
  inkan::enrol::CaIssueRequest request{"Bob", "bob@example.com", KeyType::p256, 30, "phone", inkan::store::Pkcs12Profile::modern};
  const auto issued = inkan::enrol::ca_issue(s, ca, request, m_now);
  EXPECT_EQ(issued.password.size(), 29u);
  EXPECT_TRUE(std::regex_match(issued.password, std::regex("([a-km-z2-9]{4}-){5}[a-km-z2-9]{4}")));
  const std::string p12 = m_dir.put("bob.p12", issued.pkcs12);
  const auto certs = inkan::test::openssl_ok({"pkcs12", "-in", p12, "-passin", "pass:" + issued.password, "-nokeys"});
  EXPECT_NE(certs.find("subject=CN = Bob"), std::string::npos);
  EXPECT_NE(certs.find("subject=CN = Example Co CA (issuing)"), std::string::npos);
  EXPECT_NE(certs.find("subject=CN = Example Co CA\n"), std::string::npos);
  // -info writes the MAC line on standard error.
  const auto info = inkan::test::openssl({"pkcs12", "-in", p12, "-passin", "pass:" + issued.password, "-info", "-noout"});
  EXPECT_NE(info.err.find("MAC: sha256"), std::string::npos) << info.err;
  EXPECT_NE(inkan::test::openssl({"pkcs12", "-in", p12, "-passin", "pass:wrong", "-noout"}).exit_code, 0);
  request.email = "bob2@example.com";
  request.profile = inkan::store::Pkcs12Profile::legacy;
  const auto legacy = inkan::enrol::ca_issue(s, ca, request, m_now);
  const auto legacy_info = inkan::test::openssl(
      {"pkcs12", "-in", m_dir.put("bob2.p12", legacy.pkcs12), "-passin", "pass:" + legacy.password, "-info", "-noout", "-legacy"});
  EXPECT_NE(legacy_info.err.find("MAC: sha1"), std::string::npos) << legacy_info.err;
}

TEST_F(PrivateCa, KeepsOneFilePerSerialAndSealsItsKeys) {
  auto s = store();
  const auto ca = inkan::enrol::ca_init(s, {"Example Co CA", KeyType::p256, 365, ""}, m_now);
  const auto dir = m_dir.path() / "store" / "ca" / ca.fingerprint;
  EXPECT_EQ(mode_of(dir / "ca.json"), 0600u);
  EXPECT_EQ(mode_of(dir), 0700u);
  const auto doc = nlohmann::json::parse(inkan::test::read_file(dir / "ca.json"));
  const std::string store_key = nlohmann::json::parse(inkan::test::read_file(m_dir.path() / "store" / "store.json"))["store_key"]["key"];
  for (const char* field : {"private_key", "issuing_private_key"}) {
    const std::string sealed = m_dir.put(std::string(field) + ".pem", doc[field].get<std::string>());
    EXPECT_EQ(inkan::test::openssl({"pkey", "-in", sealed, "-passin", "pass:" + store_key, "-noout"}).exit_code, 0) << field;
    EXPECT_NE(inkan::test::openssl({"pkey", "-in", sealed, "-passin", "pass:wrong", "-noout"}).exit_code, 0) << field;
  }
  inkan::enrol::CaIssueRequest request{"A", "a@example.com", KeyType::p256, 30, "", inkan::store::Pkcs12Profile::modern};
  const auto one = inkan::enrol::ca_issue(s, ca, request, m_now);
  request.email = "b@example.com";
  const auto two = inkan::enrol::ca_issue(s, ca, request, m_now + 1);
  EXPECT_TRUE(std::filesystem::exists(dir / "issued" / (one.issued.serial + ".json")));
  EXPECT_EQ(mode_of(dir / "issued" / (two.issued.serial + ".json")), 0600u);
  const std::string issued_text = inkan::test::read_file(dir / "issued" / (one.issued.serial + ".json"));
  EXPECT_EQ(issued_text.find("PRIVATE KEY"), std::string::npos) << "the CA keeps no user key";
  const auto listed = inkan::enrol::issued_certificates(s, ca);
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].email, "b@example.com") << "newest first";
  // A store opened afresh reads the same CA back.
  auto again = store();
  EXPECT_EQ(inkan::enrol::find_ca(again, "").fingerprint, ca.fingerprint);
  EXPECT_EQ(inkan::enrol::find_ca(again, ca.fingerprint.substr(0, 12)).fingerprint, ca.fingerprint);
}

TEST_F(PrivateCa, RevocationsMakeNumberedCrls) {
  auto s = store();
  const auto ca = inkan::enrol::ca_init(s, {"Example Co CA", KeyType::p256, 365, ""}, m_now);
  inkan::enrol::CaIssueRequest request{"A", "a@example.com", KeyType::p256, 30, "", inkan::store::Pkcs12Profile::modern};
  const auto a = inkan::enrol::ca_issue(s, ca, request, m_now);
  request.email = "b@example.com";
  const auto b = inkan::enrol::ca_issue(s, ca, request, m_now);
  const auto first = inkan::enrol::ca_crl(s, ca, 7, m_now);
  EXPECT_EQ(first.number, 1u);
  EXPECT_EQ(first.revoked, 0u);
  EXPECT_EQ(error_of([&] { inkan::enrol::ca_revoke(s, ca, a.issued.serial, "notAReason", m_now); }), Errc::usage);
  const auto revoked = inkan::enrol::ca_revoke(s, ca, a.issued.serial, "superseded", m_now);
  EXPECT_EQ(revoked.status(m_now), "revoked");
  EXPECT_EQ(error_of([&] { inkan::enrol::ca_revoke(s, ca, a.issued.serial, "", m_now); }), Errc::already_exists);
  EXPECT_EQ(error_of([&] { inkan::enrol::ca_revoke(s, ca, "ABCDEF", "", m_now); }), Errc::not_found);
  const auto second = inkan::enrol::ca_crl(s, ca, 7, m_now);
  EXPECT_EQ(second.number, 2u);
  EXPECT_EQ(second.revoked, 1u);
  const std::string crl = m_dir.put("crl.der", second.der);
  const auto text = inkan::test::openssl_ok({"crl", "-inform", "DER", "-in", crl, "-noout", "-text"});
  EXPECT_NE(text.find("Serial Number: " + a.issued.serial), std::string::npos) << text;
  EXPECT_EQ(text.find("Serial Number: " + b.issued.serial), std::string::npos);
  EXPECT_NE(text.find("Superseded"), std::string::npos);
  EXPECT_NE(text.find("Issuer: CN = Example Co CA (issuing)"), std::string::npos);
  const std::string issuing = write_pem("issuing.pem", ca.issuing_cert.get());
  EXPECT_EQ(inkan::test::openssl({"crl", "-inform", "DER", "-in", crl, "-noout", "-CAfile", issuing}).exit_code, 0);
}

TEST_F(PrivateCa, Refusals) {
  auto s = store();
  EXPECT_EQ(error_of([&] { inkan::enrol::find_ca(s, ""); }), Errc::not_found);
  const auto ca = inkan::enrol::ca_init(s, {"Short CA", KeyType::p256, 100, ""}, m_now);
  inkan::enrol::CaIssueRequest request{"A", "a@example.com", KeyType::p256, 826, "", inkan::store::Pkcs12Profile::modern};
  EXPECT_EQ(error_of([&] { inkan::enrol::ca_issue(s, ca, request, m_now); }), Errc::usage) << "826 days";
  request.days = 200;
  EXPECT_EQ(error_of([&] { inkan::enrol::ca_issue(s, ca, request, m_now); }), Errc::usage) << "outlives the CA";
  request.days = 30;
  request.email = "not an address";
  EXPECT_EQ(error_of([&] { inkan::enrol::ca_issue(s, ca, request, m_now); }), Errc::usage);
  request.email = "a@example.com";
  request.memo = "two\nlines";
  EXPECT_EQ(error_of([&] { inkan::enrol::ca_issue(s, ca, request, m_now); }), Errc::usage);
  request.memo.clear();
  request.key_type = KeyType::rsa2048;
  request.common_name = std::string(65, 'x');
  EXPECT_EQ(error_of([&] { inkan::enrol::ca_issue(s, ca, request, m_now); }), Errc::usage);
  EXPECT_TRUE(inkan::enrol::issued_certificates(s, ca).empty()) << "nothing refused was recorded";
  // Two CAs: which one must be said.
  inkan::enrol::ca_init(s, {"Second CA", KeyType::p256, 100, ""}, m_now);
  EXPECT_EQ(error_of([&] { inkan::enrol::find_ca(s, ""); }), Errc::usage);
}

TEST_F(PrivateCa, AProtectedStoreNeedsItsPassphrase) {
  auto s = store();
  s.set_passphrase(std::string("store pass"));
  const auto ca = inkan::enrol::ca_init(s, {"Example Co CA", KeyType::p256, 365, ""}, m_now);
  auto locked = store();
  inkan::enrol::CaIssueRequest request{"A", "a@example.com", KeyType::p256, 30, "", inkan::store::Pkcs12Profile::modern};
  EXPECT_EQ(error_of([&] { inkan::enrol::ca_issue(locked, ca, request, m_now); }), Errc::store_locked);
  locked.set_passphrase(std::string("wrong"));
  EXPECT_EQ(error_of([&] { inkan::enrol::ca_issue(locked, ca, request, m_now); }), Errc::bad_password);
  auto unlocked = store();
  unlocked.set_passphrase(std::string("store pass"));
  EXPECT_NO_THROW(inkan::enrol::ca_issue(unlocked, ca, request, m_now));
}

TEST_F(PrivateCa, UsersTrustTheRootAtTheTopOfTheirChain) {
  auto admin = store();
  const auto ca = inkan::enrol::ca_init(admin, {"Example Co CA", KeyType::p256, 365, ""}, m_now);
  inkan::enrol::CaIssueRequest request{"A", "a@example.com", KeyType::p256, 30, "", inkan::store::Pkcs12Profile::modern};
  const auto issued = inkan::enrol::ca_issue(admin, ca, request, m_now);
  inkan::store::StoreOptions o;
  o.root = m_dir.path() / "user";
  inkan::store::Store user(o);
  const auto report = user.import_bundle(inkan::store::read_pkcs12(issued.pkcs12, issued.password), "a.p12", m_now);
  const auto anchors = inkan::enrol::trust_issuing_cas(user, report, m_now);
  ASSERT_EQ(anchors.size(), 1u);
  EXPECT_EQ(anchors[0].fingerprint, ca.fingerprint) << "the root, not the issuing CA";
  EXPECT_EQ(anchors[0].label, "Example Co CA");
  EXPECT_TRUE(inkan::enrol::trust_issuing_cas(user, report, m_now).empty()) << "trusted once";
}

}  // namespace
