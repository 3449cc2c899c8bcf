// Keys waiting for a certificate (pending/<id>.json): made here for a CSR to any
// CA, bound to the certificate the CA returns (signed here by the openssl
// command line with the test PKI's intermediate), removed when bound, and
// never lost or doubled when an import is killed half-way.
#include "keys/credentials.h"
#include "store/durable_file.h"
#include "store/pending_key.h"
#include "store/sealed_key.h"
#include "store/store_fixture.h"
#include "store/store_json.h"

#include <openssl/pem.h>
#include <openssl/x509.h>

namespace {

using inkan::Errc;
using inkan::test::StoreTest;

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

class PendingTest : public StoreTest {
protected:
  // A key and CSR made by the openssl command line (rfc822Name SAN, keyUsage), as any CA expects.
  struct Request {
    inkan::ossl::EvpPkeyPtr key;
    std::string csr_pem;
    std::string key_path;
    std::string csr_path;
  };
  Request make_request(const std::string& name, const std::string& address) {
    Request r;
    r.key_path = m_dir.file(name + ".key").string();
    r.csr_path = m_dir.file(name + ".csr").string();
    inkan::test::openssl_ok({"req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                             r.key_path, "-subj", "/CN=" + address, "-addext", "subjectAltName=email:" + address, "-addext",
                             "keyUsage=critical,digitalSignature,keyAgreement", "-out", r.csr_path});
    r.key = inkan::keys::load_private_key(inkan::test::read_file(r.key_path), std::nullopt);
    r.csr_pem = inkan::test::read_file(r.csr_path);
    return r;
  }

  // What the CA returns: the certificate for the CSR, signed by the test intermediate.
  std::string issue(const Request& r, const std::string& name) {
    const std::string ext = m_dir.file(name + ".ext").string();
    inkan::test::write_file(ext, "extendedKeyUsage=emailProtection\n");
    const std::string out = m_dir.file(name + ".pem").string();
    inkan::test::openssl_ok({"x509", "-req", "-in", r.csr_path, "-CA", inkan::test::pki("sub.pem"), "-CAkey",
                             inkan::test::pki("sub.key"), "-CAcreateserial", "-CAserial", m_dir.file("serial").string(),
                             "-days", "30", "-copy_extensions", "copy", "-extfile", ext, "-out", out});
    return out;
  }

  inkan::store::PendingKey add(inkan::store::Store& s, const Request& r, const std::string& address) {
    inkan::store::PendingKey facts;
    facts.addresses = {address};
    facts.key_type = "p256";
    facts.usage = "both";
    facts.csr_pem = r.csr_pem;
    facts.source = "csr";
    return s.add_pending_key(r.key.get(), facts, m_now);
  }
};

TEST_F(PendingTest, AKeyWaitsSealedAndPrivate) {
  auto s = open();
  const auto r = make_request("alice", "alice@example.org");
  const auto p = add(s, r, "alice@example.org");
  // The id is the SHA-256 of the public key as openssl writes it (SubjectPublicKeyInfo DER).
  const std::string spki = m_dir.file("alice.spki").string();
  inkan::test::openssl_ok({"pkey", "-in", r.key_path, "-pubout", "-outform", "DER", "-out", spki});
  const auto digest = inkan::test::openssl_ok({"dgst", "-sha256", "-r", spki});
  EXPECT_EQ(p.id, digest.substr(0, 64));
  const auto file = root() / "pending" / (p.id + ".json");
  EXPECT_EQ(mode_of(file), 0600u);
  EXPECT_EQ(mode_of(root() / "pending"), 0700u);
  const std::string text = inkan::test::read_file(file);
  EXPECT_EQ(text.find("BEGIN PRIVATE KEY"), std::string::npos) << "never in clear";
  // Sealed like identity keys: openssl opens it with the store key as the password.
  const auto doc = nlohmann::json::parse(text);
  const std::string sealed = m_dir.file("sealed.pem").string();
  inkan::test::write_file(sealed, doc["private_key"].get<std::string>());
  const std::string store_key = nlohmann::json::parse(inkan::test::read_file(root() / "store.json"))["store_key"]["key"];
  const std::string opened = m_dir.file("opened.pem").string();
  inkan::test::openssl_ok({"pkcs8", "-in", sealed, "-passin", "pass:" + store_key, "-out", opened});
  EXPECT_EQ(inkan::test::openssl_ok({"pkey", "-in", opened, "-pubout"}), inkan::test::openssl_ok({"pkey", "-in", r.key_path, "-pubout"}));

  const auto listed = s.pending_keys();
  ASSERT_EQ(listed.pending.size(), 1u);
  EXPECT_EQ(listed.pending[0].addresses, std::vector<std::string>{"alice@example.org"});
  EXPECT_EQ(listed.pending[0].csr_pem, r.csr_pem);
  EXPECT_EQ(s.find_pending_key(p.id.substr(0, 10)).id, p.id);
  EXPECT_EQ(error_of([&] { add(s, r, "alice@example.org"); }), Errc::already_exists);
  const auto json = inkan::store::identities_json(s.identities(), m_now, &listed);
  ASSERT_EQ(json["pending"].size(), 1u);
  EXPECT_EQ(json["pending"][0]["id"], p.id);
}

TEST_F(PendingTest, TheCertificateBindsToItsKeyAndTheEntryGoes) {
  auto s = open();
  const auto alice = make_request("alice", "alice@example.org");
  const auto bob = make_request("bob", "bob@example.org");
  const auto pa = add(s, alice, "alice@example.org");
  const auto pb = add(s, bob, "bob@example.org");
  const std::string cert = issue(alice, "alice-cert");
  // The certificate alone, with the chain in the same file as CAs send it.
  const std::string bundle = inkan::test::read_file(cert) + inkan::test::read_file(inkan::test::pki("sub.pem"));
  const auto report = s.import_bundle(inkan::store::read_key_file(bundle, {}, std::nullopt), "alice.pem", m_now);
  ASSERT_EQ(report.added.size(), 1u);
  EXPECT_EQ(report.added[0].source, "csr");
  EXPECT_EQ(report.completed_pending, std::vector<std::string>{pa.id});
  EXPECT_EQ(report.added[0].chain.size(), 1u);
  // The identity signs with the waiting key.
  const auto creds = s.credentials(s.find_identity(report.added[0].fingerprint));
  EXPECT_EQ(EVP_PKEY_eq(creds.key.get(), alice.key.get()), 1);
  EXPECT_FALSE(std::filesystem::exists(root() / "pending" / (pa.id + ".json")));
  const auto left = s.pending_keys();
  ASSERT_EQ(left.pending.size(), 1u);
  EXPECT_EQ(left.pending[0].id, pb.id);
  // A certificate nobody waits for.
  const auto stranger = make_request("carol", "carol@example.org");
  const std::string other = issue(stranger, "carol-cert");
  EXPECT_EQ(error_of([&] {
              s.import_bundle(inkan::store::read_key_file(inkan::test::read_file(other), {}, std::nullopt), "c.pem", m_now);
            }),
            Errc::no_identity);
  s.remove_pending_key(pb.id);
  EXPECT_TRUE(s.pending_keys().pending.empty());
  EXPECT_EQ(error_of([&] { s.remove_pending_key(pb.id); }), Errc::not_found);
}

TEST_F(PendingTest, AKilledImportLeavesNoDoubleAndTheNextWriterCleansUp) {
  auto s = open();
  const auto alice = make_request("alice", "alice@example.org");
  const auto p = add(s, alice, "alice@example.org");
  const std::string saved = inkan::test::read_file(root() / "pending" / (p.id + ".json"));
  const std::string cert = issue(alice, "alice-cert");
  s.import_bundle(inkan::store::read_key_file(inkan::test::read_file(cert), {}, std::nullopt), "a.pem", m_now);
  // As if the import had been killed after the identity file and before the removal:
  inkan::test::write_file(root() / "pending" / (p.id + ".json"), saved);
  EXPECT_TRUE(s.pending_keys().pending.empty()) << "a key with an identity is not waiting any more";
  // The next import (of anything) removes the leftover.
  s.import_bundle(bundle("bob"), "bob.p12", m_now);
  EXPECT_FALSE(std::filesystem::exists(root() / "pending" / (p.id + ".json")));
}

TEST_F(PendingTest, DamagedEntriesAreProblemsNotFailures) {
  auto s = open();
  const auto alice = make_request("alice", "alice@example.org");
  const auto p = add(s, alice, "alice@example.org");
  const auto bob = make_request("bob", "bob@example.org");
  // bob's CSR under alice's id: the id must be the CSR's own key.
  std::string text = inkan::test::read_file(root() / "pending" / (p.id + ".json"));
  auto doc = nlohmann::json::parse(text);
  doc["csr"] = bob.csr_pem;
  inkan::test::write_file(root() / "pending" / (p.id + ".json"), doc.dump());
  const auto listed = s.pending_keys();
  EXPECT_TRUE(listed.pending.empty());
  ASSERT_EQ(listed.problems.size(), 1u);
  EXPECT_EQ(listed.problems[0].code, Errc::store_corrupt);
  doc["version"] = 2;
  inkan::test::write_file(root() / "pending" / (p.id + ".json"), doc.dump());
  EXPECT_EQ(s.pending_keys().problems.at(0).code, Errc::store_version_unsupported);
}

}  // namespace
