// Keys and CSRs, judged by the openssl command line: `openssl req -verify
// -text` must show the SAN and keyUsage asked for and nothing else, and the
// encrypted key must open with `openssl pkey` under the passphrase only.
#include "csr.h"
#include "enrol_support.h"
#include "error.h"
#include "keygen.h"
#include "support/process.h"

#include <gtest/gtest.h>

#include <regex>

namespace {

using inkan::enrol::KeyType;
using inkan::enrol::KeyUsage;

struct CsrCase {
  KeyType key;
  KeyUsage usage;
  const char* key_usage_text;  // as `openssl req -text` prints it
  const char* key_text;        // a line that identifies the key
};

class CsrProfile : public ::testing::TestWithParam<CsrCase> {};

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto i = text.find(what); i != std::string::npos; i = text.find(what, i + 1)) ++n;
  return n;
}

TEST_P(CsrProfile, OpensslShowsWhatWasAskedFor) {
  const auto c = GetParam();
  inkan::test::TempDir dir;
  const auto key = inkan::enrol::generate_key(c.key);
  inkan::enrol::CsrRequest request;
  request.emails = {"alice@example.org"};
  request.usage = c.usage;
  const auto csr = inkan::enrol::make_csr(key.get(), request);
  const std::string path = dir.put("req.pem", csr.pem);
  const auto r = inkan::test::openssl({"req", "-in", path, "-noout", "-text", "-verify"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE((r.out + r.err).find("verify OK"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find(c.key_text), std::string::npos) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("X509v3 Subject Alternative Name: critical\\s+email:alice@example.org\\n"))) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(std::string("X509v3 Key Usage: critical\\s+") + c.key_usage_text + "\\n"))) << r.out;
  EXPECT_EQ(count(r.out, "X509v3 "), 2u) << "only keyUsage and subjectAltName (CASTLE refuses others)\n" << r.out;
  EXPECT_EQ(r.out.find("DNS:"), std::string::npos) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("Subject:\\s*\\n"))) << "empty subject\n" << r.out;

  // The DER is the same request.
  const std::string der_path = dir.put("req.der", csr.der);
  const auto der = inkan::test::openssl({"req", "-in", der_path, "-inform", "DER", "-noout", "-verify"});
  EXPECT_EQ(der.exit_code, 0) << der.err;
}

INSTANTIATE_TEST_SUITE_P(
    Profiles, CsrProfile,
    ::testing::Values(CsrCase{KeyType::rsa3072, KeyUsage::both, "Digital Signature, Key Encipherment", "Public-Key: (3072 bit)"},
                      CsrCase{KeyType::rsa3072, KeyUsage::sign, "Digital Signature, Non Repudiation", "Public-Key: (3072 bit)"},
                      CsrCase{KeyType::rsa2048, KeyUsage::encrypt, "Key Encipherment", "Public-Key: (2048 bit)"},
                      CsrCase{KeyType::p256, KeyUsage::both, "Digital Signature, Key Agreement", "NIST CURVE: P-256"},
                      CsrCase{KeyType::p256, KeyUsage::sign, "Digital Signature, Non Repudiation", "NIST CURVE: P-256"},
                      CsrCase{KeyType::p384, KeyUsage::encrypt, "Key Agreement", "NIST CURVE: P-384"}));

TEST(Csr, CommonNameAndDnsNamesOnlyWhenAsked) {
  inkan::test::TempDir dir;
  const auto key = inkan::enrol::generate_key(KeyType::p256);
  inkan::enrol::CsrRequest request;
  request.emails = {"alice@example.org", "a.smith@example.org"};
  request.dns_names = {"host.example.org"};
  request.common_name = "alice@example.org";
  const auto csr = inkan::enrol::make_csr(key.get(), request);
  const auto out = inkan::test::openssl_ok({"req", "-in", dir.put("r.pem", csr.pem), "-noout", "-text"});
  EXPECT_NE(out.find("CN = alice@example.org"), std::string::npos) << out;
  EXPECT_NE(out.find("email:alice@example.org, email:a.smith@example.org, DNS:host.example.org"), std::string::npos) << out;
  // With a subject, the SAN need not be critical (RFC 5280 §4.2.1.6).
  EXPECT_NE(out.find("X509v3 Subject Alternative Name: \n"), std::string::npos) << out;
}

TEST(Csr, BadNamesAreUsageErrors) {
  const auto key = inkan::enrol::generate_key(KeyType::p256);
  for (const std::string bad : {"alice", "alice@", "@example.org", "a b@example.org", "alice@example", "al\xC3\xA9@example.org",
                                "alice@exa_mple.org", "\"a\"@example.org", "a@b@example.org", "alice@example.org\r\nBcc: x"}) {
    inkan::enrol::CsrRequest request;
    request.emails = {bad};
    try {
      (void)inkan::enrol::make_csr(key.get(), request);
      ADD_FAILURE() << "accepted " << bad;
    } catch (const inkan::Error& e) {
      EXPECT_EQ(e.code(), inkan::Errc::usage) << bad;
    }
  }
  inkan::enrol::CsrRequest none;
  EXPECT_THROW(inkan::enrol::make_csr(key.get(), none), inkan::Error);
}

TEST(Csr, ShortRsaKeysAreRefused) {
  inkan::test::TempDir dir;
  const auto key = inkan::test::load_key_file(inkan::test::openssl_genkey(dir, "RSA:1024", "short"));
  inkan::enrol::CsrRequest request;
  request.emails = {"alice@example.org"};
  try {
    (void)inkan::enrol::make_csr(key.get(), request);
    FAIL();
  } catch (const inkan::Error& e) {
    EXPECT_EQ(e.code(), inkan::Errc::weak_algorithm);
  }
}

TEST(Keygen, KeyTypesAndTheirNames) {
  EXPECT_EQ(inkan::enrol::kDefaultKeyType, KeyType::rsa3072);
  for (const char* name : {"rsa2048", "rsa3072", "rsa4096", "p256", "p384"}) {
    const auto t = inkan::enrol::key_type_from_string(name);
    ASSERT_TRUE(t) << name;
    EXPECT_EQ(inkan::enrol::to_string(*t), name);
  }
  EXPECT_FALSE(inkan::enrol::key_type_from_string("rsa1024"));
  EXPECT_FALSE(inkan::enrol::key_type_from_string("ed25519"));
}

TEST(Keygen, EncryptedKeyOpensWithOpensslAndThePassphraseOnly) {
  inkan::test::TempDir dir;
  const auto key = inkan::enrol::generate_key(KeyType::p256);
  const std::string pem = inkan::enrol::encrypt_private_key(key.get(), "correct horse", 10000);
  EXPECT_EQ(pem.rfind("-----BEGIN ENCRYPTED PRIVATE KEY-----", 0), 0u) << pem;
  const std::string path = dir.put("k.pem", pem);

  const auto ok = inkan::test::openssl({"pkey", "-in", path, "-passin", "pass:correct horse", "-pubout"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(ok.out, inkan::enrol::public_key_pem(key.get()));
  EXPECT_NE(inkan::test::openssl({"pkey", "-in", path, "-passin", "pass:wrong", "-noout"}).exit_code, 0);

  // PBES2 with PBKDF2-HMAC-SHA-256 and AES-256-CBC, as openssl reads the structure.
  const auto asn1 = inkan::test::openssl_ok({"asn1parse", "-in", path});
  EXPECT_NE(asn1.find("PBES2"), std::string::npos) << asn1;
  EXPECT_NE(asn1.find("PBKDF2"), std::string::npos) << asn1;
  EXPECT_NE(asn1.find("hmacWithSHA256"), std::string::npos) << asn1;
  EXPECT_NE(asn1.find("aes-256-cbc"), std::string::npos) << asn1;
  EXPECT_NE(asn1.find(":2710"), std::string::npos) << "10000 iterations\n" << asn1;

  const auto back = inkan::enrol::decrypt_private_key(pem, "correct horse");
  EXPECT_EQ(EVP_PKEY_eq(back.get(), key.get()), 1);
  try {
    (void)inkan::enrol::decrypt_private_key(pem, "wrong");
    FAIL();
  } catch (const inkan::Error& e) {
    EXPECT_EQ(e.code(), inkan::Errc::bad_password);
  }
  EXPECT_THROW(inkan::enrol::encrypt_private_key(key.get(), ""), inkan::Error);
}

TEST(Keygen, DefaultIterationsAreTheDocumentedOnes) {
  const auto key = inkan::enrol::generate_key(KeyType::p256);
  inkan::test::TempDir dir;
  const auto asn1 = inkan::test::openssl_ok({"asn1parse", "-in", dir.put("k.pem", inkan::enrol::encrypt_private_key(key.get(), "pw"))});
  EXPECT_NE(asn1.find(":0927C0"), std::string::npos) << "600000 iterations\n" << asn1;
}

TEST(Keygen, RsaKeysHaveTheirSize) {
  inkan::test::TempDir dir;
  const auto key = inkan::enrol::generate_key(KeyType::rsa3072);
  const std::string path = dir.put("k.pem", inkan::enrol::encrypt_private_key(key.get(), "pw", 1000));
  const auto text = inkan::test::openssl_ok({"pkey", "-in", path, "-passin", "pass:pw", "-noout", "-text"});
  EXPECT_NE(text.find("Private-Key: (3072 bit"), std::string::npos) << text.substr(0, 200);
}

}  // namespace
