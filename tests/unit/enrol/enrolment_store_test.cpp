// ACME enrolments kept in the store for the host: the file (0600), keys sealed
// under the store key with 1000 PBKDF2 iterations (openssl opens them with the
// store key; the cost is asserted by reading the parameters, not by timing),
// listing and removal, the per-enrolment lock, and the end: the certificate the
// CA issued for the CSR (here by the openssl command line) becomes an identity
// with source "acme" and the state goes. The network part is
// tests/enrol/test_rfc8823_host.py.
#include "enrolment_store.h"
#include "base64url.h"
#include "error.h"
#include "support/files.h"
#include "support/pki.h"
#include "support/process.h"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <ctime>

namespace {

using inkan::Errc;

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

class EnrolmentStore : public ::testing::Test {
protected:
  inkan::store::Store store() const {
    inkan::store::StoreOptions o;
    o.root = m_dir.path() / "store";
    return inkan::store::Store(o);
  }
  inkan::enrol::EnrolmentRequest request() const {
    inkan::enrol::EnrolmentRequest r;
    r.server = inkan::enrol::profile_for("https://acme.example.test/directory");
    r.identifiers = {{"email", "alice@example.org"}};
    r.certificate_key_type = inkan::enrol::KeyType::p256;
    return r;
  }
  std::filesystem::path file_of(const std::string& id) const { return m_dir.path() / "store" / "enrol" / (id + ".json"); }

  inkan::test::TempDir m_dir;
  std::int64_t m_now = static_cast<std::int64_t>(std::time(nullptr));
};

TEST_F(EnrolmentStore, SavedPrivateWithKeysSealedUnderTheStoreKey) {
  auto s = store();
  const auto e = inkan::enrol::create_enrolment(s, request(), "/tmp/roots.pem", m_now);
  EXPECT_EQ(e.id.size(), 16u);
  struct stat st {};
  ASSERT_EQ(::stat(file_of(e.id).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777u, 0600u);
  const auto doc = nlohmann::json::parse(inkan::test::read_file(file_of(e.id)));
  EXPECT_EQ(doc["format"], "inkan-enrolment");
  EXPECT_EQ(doc["ca_file"], "/tmp/roots.pem");
  const std::string store_key =
      nlohmann::json::parse(inkan::test::read_file(m_dir.path() / "store" / "store.json"))["store_key"]["key"];
  for (const char* field : {"account_key", "certificate_key"}) {
    const std::string pem = m_dir.put(std::string(field) + ".pem", doc["state"][field].get<std::string>());
    EXPECT_EQ(inkan::test::openssl({"pkey", "-in", pem, "-passin", "pass:" + store_key, "-noout"}).exit_code, 0) << field;
    // PBES2 with 1000 iterations (the store key is random: more would only cost time on every step).
    const auto params = inkan::test::openssl_ok({"asn1parse", "-in", pem});
    EXPECT_NE(params.find(":03E8"), std::string::npos) << field << " iteration count 1000\n" << params;
  }
  const auto loaded = inkan::enrol::load_enrolment(s, e.id);
  EXPECT_EQ(loaded.state.csr_der, e.state.csr_der);
  EXPECT_EQ(inkan::enrol::list_enrolments(s).size(), 1u);
  EXPECT_EQ(error_of([&] { inkan::enrol::load_enrolment(s, "0000000000000000"); }), Errc::not_found);
  EXPECT_EQ(error_of([&] { inkan::enrol::load_enrolment(s, "../../etc/passwd"); }), Errc::usage);
}

TEST_F(EnrolmentStore, OneProcessAdvancesAnEnrolmentAtATime) {
  auto s = store();
  const auto e = inkan::enrol::create_enrolment(s, request(), "", m_now);
  {
    inkan::enrol::EnrolmentLock first(s, e.id);
    EXPECT_EQ(error_of([&] { inkan::enrol::EnrolmentLock second(s, e.id); }), Errc::store_busy);
  }
  EXPECT_NO_THROW(inkan::enrol::EnrolmentLock again(s, e.id));
  EXPECT_EQ(error_of([&] { inkan::enrol::EnrolmentLock none(s, "0123456789abcdef"); }), Errc::not_found);
  EXPECT_FALSE(std::filesystem::exists(m_dir.path() / "store" / "enrol" / "0123456789abcdef.lock"));
  inkan::enrol::remove_enrolment(s, e.id, m_now);
  EXPECT_TRUE(inkan::enrol::list_enrolments(s).empty());
  EXPECT_EQ(error_of([&] { inkan::enrol::remove_enrolment(s, e.id, m_now); }), Errc::not_found);
  // A removed enrolment is never written back by a late save.
  EXPECT_EQ(error_of([&] { inkan::enrol::save_enrolment(s, e, m_now); }), Errc::not_found);
}

TEST_F(EnrolmentStore, DamagedFilesAreProblems) {
  auto s = store();
  const auto e = inkan::enrol::create_enrolment(s, request(), "", m_now);
  inkan::test::write_file(file_of(e.id), "{\"format\":\"inkan-enrolment\",\"version\":1,\"id\":\"" + e.id + "\",\"state\":{}}");
  std::vector<inkan::store::Problem> problems;
  EXPECT_TRUE(inkan::enrol::list_enrolments(s, &problems).empty());
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].code, Errc::store_corrupt);
}

TEST_F(EnrolmentStore, ADoneEnrolmentBecomesAnIdentity) {
  auto s = store();
  auto e = inkan::enrol::create_enrolment(s, request(), "", m_now);
  // The CA's part, played by the openssl command line: a certificate for the CSR.
  const auto csr = inkan::enrol::base64url_decode(e.state.csr_der);
  ASSERT_TRUE(csr);
  const std::string csr_path = m_dir.put("req.der", *csr);
  const std::string ext = m_dir.put("ext.cnf", "extendedKeyUsage=emailProtection\n");
  const std::string cert = m_dir.file("cert.pem").string();
  inkan::test::openssl_ok({"x509", "-req", "-inform", "DER", "-in", csr_path, "-CA", inkan::test::pki("sub.pem"), "-CAkey",
                           inkan::test::pki("sub.key"), "-set_serial", "4242", "-days", "30", "-copy_extensions", "copy",
                           "-extfile", ext, "-out", cert});
  e.state.certificate_pem = inkan::test::read_file(cert) + inkan::test::read_file(inkan::test::pki("sub.pem"));
  EXPECT_EQ(error_of([&] { inkan::enrol::finish_enrolment(s, e, m_now); }), Errc::usage) << "not done yet";
  e.state.stage = inkan::enrol::Stage::done;
  inkan::enrol::save_enrolment(s, e, m_now);
  const auto report = inkan::enrol::finish_enrolment(s, e, m_now);
  ASSERT_EQ(report.added.size(), 1u);
  EXPECT_EQ(report.added[0].source, "acme");
  EXPECT_EQ(report.added[0].addresses, std::vector<std::string>{"alice@example.org"});
  EXPECT_EQ(report.added[0].chain.size(), 1u);
  EXPECT_FALSE(std::filesystem::exists(file_of(e.id)));
  EXPECT_NO_THROW(s.credentials(report.added[0])) << "the key opens and matches";
}

}  // namespace
