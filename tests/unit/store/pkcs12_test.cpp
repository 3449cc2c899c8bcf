// PKCS#12 out of the store, judged by the openssl command line (algorithms,
// MAC, the key and certificates inside), and PKCS#12 made by openssl into it.
#include "store_fixture.h"

#include "error.h"
#include "x509/cert.h"

namespace {

using inkan::Errc;
using inkan::store::Pkcs12Profile;
using inkan::test::StoreTest;

class StorePkcs12 : public StoreTest {
protected:
  std::string export_of(inkan::store::Store& s, const std::string& address, Pkcs12Profile profile,
                        const std::string& password = "exp0rt pass") {
    return s.export_pkcs12(s.current_identities(address, m_now), password, profile);
  }
  std::string info(const std::string& path, const std::string& password, bool legacy = false) {
    std::vector<std::string> args{"pkcs12", "-in", path, "-passin", "pass:" + password, "-info", "-noout"};
    if (legacy) args.push_back("-legacy");
    const auto r = inkan::test::openssl(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out + r.err;  // openssl prints -info on stderr
  }
  // The public keys openssl finds in the file, as PEM, in file order.
  std::vector<std::string> public_keys(const std::string& path, const std::string& password, bool legacy = false) {
    std::vector<std::string> args{"pkcs12", "-in", path, "-passin", "pass:" + password, "-nocerts", "-nodes"};
    if (legacy) args.push_back("-legacy");
    const auto keys = inkan::test::openssl(args);
    EXPECT_EQ(keys.exit_code, 0) << keys.err;
    std::vector<std::string> out;
    for (std::size_t pos = 0; (pos = keys.out.find("-----BEGIN PRIVATE KEY-----", pos)) != std::string::npos;) {
      const auto end = keys.out.find("-----END PRIVATE KEY-----", pos) + 26;
      const std::string pem_path = m_dir.put("k" + std::to_string(out.size()) + ".pem", keys.out.substr(pos, end - pos));
      out.push_back(inkan::test::openssl({"pkey", "-in", pem_path, "-pubout"}).out);
      pos = end;
    }
    return out;
  }
  static std::string public_key_of(const std::string& name) {
    return inkan::test::openssl({"pkey", "-in", inkan::test::pki(name + ".key"), "-pubout"}).out;
  }
};

TEST_F(StorePkcs12, ModernExportIsAes256Pbes2WithASha256Mac) {
  auto s = with({"alice"});
  const std::string path = m_dir.put("alice-modern.p12", export_of(s, "alice@example.org", Pkcs12Profile::modern));
  const std::string text = info(path, "exp0rt pass");
  EXPECT_NE(text.find("MAC: sha256, Iteration 250000"), std::string::npos) << text;
  EXPECT_NE(text.find("PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC, Iteration 250000, PRF hmacWithSHA256"),
            std::string::npos) << text;
  EXPECT_NE(text.find("Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 250000, PRF hmacWithSHA256"),
            std::string::npos) << text;
  EXPECT_EQ(text.find("RC2"), std::string::npos) << text;
  EXPECT_EQ(text.find("3DES"), std::string::npos) << text;
  EXPECT_EQ(public_keys(path, "exp0rt pass"), std::vector<std::string>{public_key_of("alice")});
  // The certificate and its chain: alice first (it has the localKeyID), then the intermediate.
  const auto certs = inkan::test::openssl({"pkcs12", "-in", path, "-passin", "pass:exp0rt pass", "-nokeys"});
  EXPECT_NE(certs.out.find("subject=CN = alice"), std::string::npos) << certs.out;
  EXPECT_NE(certs.out.find("subject=CN = Inkan Test Intermediate"), std::string::npos) << certs.out;
  EXPECT_NE(certs.out.find("friendlyName: alice@example.org"), std::string::npos) << certs.out;
  const auto wrong = inkan::test::openssl({"pkcs12", "-in", path, "-passin", "pass:wrong", "-noout"});
  EXPECT_NE(wrong.exit_code, 0);
}

TEST_F(StorePkcs12, LegacyExportIsTripleDesWithASha1Mac) {
  auto s = with({"alice"});
  const std::string path = m_dir.put("alice-legacy.p12", export_of(s, "alice@example.org", Pkcs12Profile::legacy));
  const std::string text = info(path, "exp0rt pass", true);
  EXPECT_NE(text.find("MAC: sha1, Iteration 2048"), std::string::npos) << text;
  EXPECT_NE(text.find("PKCS7 Encrypted data: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048"), std::string::npos) << text;
  EXPECT_NE(text.find("Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048"), std::string::npos) << text;
  EXPECT_EQ(public_keys(path, "exp0rt pass", true), std::vector<std::string>{public_key_of("alice")});
}

TEST_F(StorePkcs12, SeparateKeysTravelTogetherAndComeBack) {
  auto s = with({"split-sign", "split-enc"});
  const std::string path = m_dir.put("split.p12", export_of(s, "split@example.org", Pkcs12Profile::modern));
  EXPECT_EQ(public_keys(path, "exp0rt pass"),
            (std::vector<std::string>{public_key_of("split-sign"), public_key_of("split-enc")}));
  // Into a second store: both identities, both keys usable.
  inkan::test::TempDir other;
  auto o = options();
  o.root = other.path() / "store";
  inkan::store::Store second(o);
  const auto report = second.import_bundle(
      inkan::store::read_key_file(inkan::test::read_file(path), {}, std::string("exp0rt pass")), "split.p12", m_now);
  ASSERT_EQ(report.added.size(), 2u);
  for (const auto& id : report.added) {
    const auto c = second.credentials(id);
    EXPECT_EQ(X509_check_private_key(c.cert.get(), c.key.get()), 1) << id.fingerprint;
  }
  EXPECT_TRUE(second.select("split@example.org", inkan::store::Usage::sign, m_now).has_value());
  EXPECT_TRUE(second.select("split@example.org", inkan::store::Usage::encrypt, m_now).has_value());
}

TEST_F(StorePkcs12, AnEmptyExportPasswordIsRefused) {
  auto s = with({"alice"});
  try {
    (void)export_of(s, "alice@example.org", Pkcs12Profile::modern, "");
    FAIL() << "exported a private key without a password";
  } catch (const inkan::Error& e) {
    EXPECT_EQ(e.code(), Errc::usage);
  }
}

// Files made by openssl in several shapes import with the key matching the certificate.
TEST_F(StorePkcs12, OpensslMadeFilesImport) {
  const std::string cert = inkan::test::pki("carol.pem");
  const std::string key = inkan::test::pki("carol.key");
  const std::string chain = inkan::test::pki("sub.pem");
  struct Case {
    std::string name;
    std::vector<std::string> extra;
    std::string password;
  };
  const std::vector<Case> cases{
      {"default", {}, "pw"},
      {"legacy", {"-legacy"}, "pw"},
      {"no MAC", {"-nomac"}, "pw"},
      {"plain certificates", {"-certpbe", "NONE"}, "pw"},
      {"AES-128 and SHA-512 MAC", {"-keypbe", "AES-128-CBC", "-certpbe", "AES-128-CBC", "-macalg", "sha512"}, "pw"},
      {"empty password", {}, ""},
      {"non-ASCII password", {}, "p\xC3\xA4ssw\xC3\xB6rt"},
  };
  for (const auto& c : cases) {
    const std::string out = m_dir.file("carol-" + std::to_string(&c - cases.data()) + ".p12").string();
    std::vector<std::string> args{"pkcs12", "-export", "-in", cert, "-inkey", key, "-certfile", chain,
                                  "-passout", "pass:" + c.password, "-out", out};
    args.insert(args.end(), c.extra.begin(), c.extra.end());
    const auto made = inkan::test::openssl(args);
    ASSERT_EQ(made.exit_code, 0) << c.name << ": " << made.err;
    const std::optional<std::string> given = c.password.empty() ? std::nullopt : std::optional<std::string>(c.password);
    try {
      const auto b = inkan::store::read_key_file(inkan::test::read_file(out), {}, given);
      ASSERT_EQ(b.pairs.size(), 1u) << c.name;
      EXPECT_EQ(inkan::x509::fingerprint_sha256(b.pairs.front().cert.get()), openssl_fingerprint(cert)) << c.name;
      ASSERT_EQ(b.pairs.front().chain.size(), 1u) << c.name;
      EXPECT_EQ(X509_check_private_key(b.pairs.front().cert.get(), b.pairs.front().key.get()), 1) << c.name;
    } catch (const inkan::Error& e) {
      ADD_FAILURE() << c.name << ": " << e.what();
    }
    if (!c.password.empty()) {
      try {
        (void)inkan::store::read_key_file(inkan::test::read_file(out), {}, std::string("not it"));
        ADD_FAILURE() << c.name << ": a wrong password was accepted";
      } catch (const inkan::Error& e) {
        EXPECT_EQ(e.code(), Errc::bad_password) << c.name << ": " << e.what();
      }
    }
  }
}

TEST_F(StorePkcs12, PemKeyWithCertificateImports) {
  // An encrypted PKCS#8 key made by openssl, with the certificate chain beside it.
  const std::string enc = m_dir.file("dave-enc.key").string();
  const auto made = inkan::test::openssl({"pkcs8", "-topk8", "-in", inkan::test::pki("dave.key"), "-v2", "aes-256-cbc",
                                          "-passout", "pass:pem pw", "-out", enc});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  auto extra = inkan::x509::load_certificates(inkan::test::pki("dave-chain.pem"));
  const auto b = inkan::store::read_key_file(inkan::test::read_file(enc), std::move(extra), std::string("pem pw"));
  ASSERT_EQ(b.pairs.size(), 1u);
  EXPECT_EQ(b.format, "pem");
  EXPECT_EQ(inkan::x509::fingerprint_sha256(b.pairs.front().cert.get()), openssl_fingerprint(inkan::test::pki("dave.pem")));
  EXPECT_EQ(b.pairs.front().chain.size(), 1u);
  try {
    (void)inkan::store::read_key_file(inkan::test::read_file(enc), inkan::x509::load_certificates(inkan::test::pki("bob.pem")),
                                      std::string("pem pw"));
    FAIL() << "a key with someone else's certificate was accepted";
  } catch (const inkan::Error& e) {
    EXPECT_EQ(e.code(), Errc::key_cert_mismatch);
  }
}

}  // namespace
