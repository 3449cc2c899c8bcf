// Keys read without OpenSSL's decoders (keys/pkcs8_key.h) must be the keys
// OpenSSL reads, for every form, and work with the openssl command line: keys
// are made by it, signatures made with what we read are checked by it.
#include "error.h"
#include "keys/credentials.h"
#include "keys/pkcs8_key.h"
#include "support/files.h"
#include "support/process.h"

#include <gtest/gtest.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include <string>
#include <vector>

namespace {

using inkan::test::openssl_ok;

struct KeyForm {
  const char* name;
  std::vector<std::string> make;  ///< openssl arguments writing the key to "key.pem" (the -out file)
};

// A plain PKCS#8 "PRIVATE KEY" PEM, made by openssl from `form`.
std::string make_key(const inkan::test::TempDir& dir, const KeyForm& form) {
  const std::string raw = dir.file("raw.pem").string();
  std::vector<std::string> args = form.make;
  args.insert(args.end(), {"-out", raw});
  openssl_ok(args);
  const std::string out = dir.file("key.pem").string();
  openssl_ok({"pkcs8", "-topk8", "-nocrypt", "-in", raw, "-out", out});
  return inkan::test::read_file(out);
}

inkan::ossl::EvpPkeyPtr openssl_reading(const std::string& pem) {
  inkan::ossl::BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return inkan::ossl::EvpPkeyPtr(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
}

// Signs with `key` and lets the openssl command line check it with the public key it derives from `pem`.
void expect_openssl_verifies(const inkan::test::TempDir& dir, const std::string& pem, EVP_PKEY* key) {
  const std::string data = "the content that was signed";
  const bool eddsa = EVP_PKEY_is_a(key, "ED25519") == 1;  // hashes for itself
  inkan::ossl::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  ASSERT_EQ(EVP_DigestSignInit_ex(ctx.get(), nullptr, eddsa ? nullptr : "SHA256", nullptr, nullptr, key, nullptr), 1);
  std::size_t size = 0;
  ASSERT_EQ(EVP_DigestSign(ctx.get(), nullptr, &size, reinterpret_cast<const unsigned char*>(data.data()), data.size()), 1);
  std::string sig(size, '\0');
  ASSERT_EQ(EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &size,
                           reinterpret_cast<const unsigned char*>(data.data()), data.size()),
            1);
  sig.resize(size);
  const std::string pub = dir.file("pub.pem").string();
  openssl_ok({"pkey", "-in", dir.put("ours.pem", pem), "-pubout", "-out", pub});
  const std::string sig_file = dir.put("sig.bin", sig), data_file = dir.put("data.txt", data);
  const auto r = eddsa ? inkan::test::openssl({"pkeyutl", "-verify", "-pubin", "-inkey", pub, "-rawin", "-in", data_file,
                                               "-sigfile", sig_file})
                       : inkan::test::openssl({"dgst", "-sha256", "-verify", pub, "-signature", sig_file, data_file});
  EXPECT_EQ(r.exit_code, 0) << inkan::test::describe(r);
}

class Pkcs8Forms : public ::testing::TestWithParam<KeyForm> {};

TEST_P(Pkcs8Forms, ReadsTheKeyOpenSslReadsAndItSigns) {
  inkan::test::TempDir dir;
  const std::string pem = make_key(dir, GetParam());
  const auto ours = inkan::keys::read_pkcs8_pem(pem);
  ASSERT_TRUE(ours) << GetParam().name;
  const auto theirs = openssl_reading(pem);
  ASSERT_TRUE(theirs);
  EXPECT_EQ(EVP_PKEY_eq(ours.get(), theirs.get()), 1);
  EXPECT_EQ(EVP_PKEY_get_bits(ours.get()), EVP_PKEY_get_bits(theirs.get()));
  EXPECT_STREQ(EVP_PKEY_get0_type_name(ours.get()), EVP_PKEY_get0_type_name(theirs.get()));
  // The private half too: the PKCS#8 each writes back is the same.
  inkan::ossl::Pkcs8InfoPtr a(EVP_PKEY2PKCS8(ours.get())), b(EVP_PKEY2PKCS8(theirs.get()));
  ASSERT_TRUE(a && b);
  unsigned char* da = nullptr;
  unsigned char* db = nullptr;
  const int na = i2d_PKCS8_PRIV_KEY_INFO(a.get(), &da), nb = i2d_PKCS8_PRIV_KEY_INFO(b.get(), &db);
  ASSERT_TRUE(na > 0 && nb > 0);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(da), static_cast<std::size_t>(na)),
            std::string(reinterpret_cast<char*>(db), static_cast<std::size_t>(nb)));
  OPENSSL_free(da);
  OPENSSL_free(db);
  expect_openssl_verifies(dir, pem, ours.get());
  // The same through the DER form and the general loader.
  const auto der_path = dir.file("key.der").string();
  openssl_ok({"pkcs8", "-topk8", "-nocrypt", "-in", dir.file("key.pem").string(), "-outform", "DER", "-out", der_path});
  const auto from_der = inkan::keys::read_pkcs8_der(inkan::test::read_file(der_path));
  ASSERT_TRUE(from_der);
  EXPECT_EQ(EVP_PKEY_eq(from_der.get(), theirs.get()), 1);
  const auto loaded = inkan::keys::load_private_key(pem, std::nullopt);
  EXPECT_EQ(EVP_PKEY_eq(loaded.get(), theirs.get()), 1);
  EXPECT_EQ(ERR_peek_error(), 0UL) << "a key that loads leaves no error behind";
}

// The forms read directly (RSA, the NIST curves) and the forms left to OpenSSL's own
// reader: more primes, RSA-PSS, EdDSA, explicit curve parameters, no public key.
INSTANTIATE_TEST_SUITE_P(
    Keys, Pkcs8Forms,
    ::testing::Values(
        KeyForm{"rsa2048", {"genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"}},
        KeyForm{"rsa3072", {"genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:3072"}},
        KeyForm{"p256", {"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"}},
        KeyForm{"p384", {"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"}},
        KeyForm{"p521", {"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-521"}},
        KeyForm{"rsa3primes", {"genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-pkeyopt",
                               "rsa_keygen_primes:3"}},
        KeyForm{"rsapss", {"genpkey", "-algorithm", "RSA-PSS", "-pkeyopt", "rsa_keygen_bits:2048"}},
        KeyForm{"ed25519", {"genpkey", "-algorithm", "ED25519"}},
        KeyForm{"secp256k1", {"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:secp256k1"}},
        KeyForm{"p256explicit", {"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-pkeyopt",
                                 "ec_param_enc:explicit"}}),
    [](const auto& p) { return std::string(p.param.name); });

TEST(Pkcs8Key, AnEcKeyWithoutItsPublicHalfIsCompletedByOpenSsl) {
  inkan::test::TempDir dir;
  const std::string full = dir.file("full.pem").string(), bare = dir.file("bare.pem").string();
  openssl_ok({"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", full});
  openssl_ok({"ec", "-in", full, "-no_public", "-out", dir.file("bare-ec.pem").string()});
  openssl_ok({"pkcs8", "-topk8", "-nocrypt", "-in", dir.file("bare-ec.pem").string(), "-out", bare});
  const auto ours = inkan::keys::read_pkcs8_pem(inkan::test::read_file(bare));
  const auto theirs = openssl_reading(inkan::test::read_file(full));
  ASSERT_TRUE(ours && theirs);
  EXPECT_EQ(EVP_PKEY_eq(ours.get(), theirs.get()), 1);
}

TEST(Pkcs8Key, OtherPemBlocksAreLeftToTheCaller) {
  inkan::test::TempDir dir;
  openssl_ok({"genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", dir.file("k.pem").string()});
  const std::string traditional = openssl_ok({"rsa", "-in", dir.file("k.pem").string(), "-traditional"});
  ASSERT_NE(traditional.find("BEGIN RSA PRIVATE KEY"), std::string::npos);
  EXPECT_FALSE(inkan::keys::read_pkcs8_pem(traditional));
  const std::string encrypted = openssl_ok({"pkcs8", "-topk8", "-in", dir.file("k.pem").string(), "-passout", "pass:pw"});
  EXPECT_FALSE(inkan::keys::read_pkcs8_pem(encrypted));
  // ...and the general loader still reads both.
  const auto theirs = openssl_reading(inkan::test::read_file(dir.file("k.pem").string()));
  EXPECT_EQ(EVP_PKEY_eq(inkan::keys::load_private_key(traditional, std::nullopt).get(), theirs.get()), 1);
  EXPECT_EQ(EVP_PKEY_eq(inkan::keys::load_private_key(encrypted, std::string("pw")).get(), theirs.get()), 1);
}

TEST(Pkcs8Key, ADamagedKeyIsAClearErrorNotACrash) {
  inkan::test::TempDir dir;
  openssl_ok({"genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-outform", "DER", "-out",
              dir.file("k.der").string()});
  const std::string der = inkan::test::read_file(dir.file("k.der").string());
  for (std::size_t n = 0; n < der.size(); n += 7) {
    EXPECT_FALSE(inkan::keys::read_pkcs8_der(der.substr(0, n))) << "a prefix of " << n << " bytes";
  }
  // One byte changed anywhere: whatever we accept, OpenSSL's own reader accepts as the same key.
  for (std::size_t i = 0; i < der.size(); i += 3) {
    std::string bad = der;
    bad[i] = static_cast<char>(bad[i] ^ 0x41);
    const auto ours = inkan::keys::read_pkcs8_der(bad);
    if (!ours) continue;
    const auto* p = reinterpret_cast<const unsigned char*>(bad.data());
    inkan::ossl::Pkcs8InfoPtr info(d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(bad.size())));
    inkan::ossl::EvpPkeyPtr theirs(info ? EVP_PKCS82PKEY(info.get()) : nullptr);
    ASSERT_TRUE(theirs) << "byte " << i << ": read by us, refused by OpenSSL";
    EXPECT_EQ(EVP_PKEY_eq(ours.get(), theirs.get()), 1) << "byte " << i;
  }
  ERR_clear_error();
  const std::string pem = "-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEA\n-----END PRIVATE KEY-----\n";
  try {
    (void)inkan::keys::load_private_key(pem, std::nullopt);
    ADD_FAILURE() << "a truncated key loaded";
  } catch (const inkan::Error& e) {
    EXPECT_EQ(e.code(), inkan::Errc::key_load_failed);
  }
}

}  // namespace
