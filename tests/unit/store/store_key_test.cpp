// store.json and sealed keys, checked against docs/store.md with third-party
// tools: the openssl command line derives the scrypt key and opens sealed
// keys; AES-256-GCM is undone here with plain EVP calls, not with Inkan's code.
#include "store/sealed_key.h"
#include "store/store_key.h"
#include "store_fixture.h"

#include "error.h"

#include <nlohmann/json.hpp>
#include <openssl/evp.h>

namespace {

using inkan::Errc;
using inkan::store::StoreKey;
using inkan::test::StoreTest;

std::string unhex(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

std::string to_hex(std::string_view bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (const char c : bytes) {
    out.push_back(digits[(static_cast<unsigned char>(c) >> 4) & 15]);
    out.push_back(digits[static_cast<unsigned char>(c) & 15]);
  }
  return out;
}

// `openssl kdf ... SCRYPT` prints the key as colon-separated hex.
std::string openssl_scrypt(const std::string& pass, const std::string& salt_hex, const nlohmann::json& kdf) {
  const auto r = inkan::test::openssl({"kdf", "-keylen", "32", "-kdfopt", "pass:" + pass, "-kdfopt", "hexsalt:" + salt_hex,
                                       "-kdfopt", "n:" + std::to_string(kdf.at("n").get<std::uint64_t>()), "-kdfopt",
                                       "r:" + std::to_string(kdf.at("r").get<unsigned>()), "-kdfopt",
                                       "p:" + std::to_string(kdf.at("p").get<unsigned>()), "SCRYPT"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::string hex;
  for (const char c : r.out) {
    if (std::isxdigit(static_cast<unsigned char>(c)) != 0) hex.push_back(static_cast<char>(std::tolower(c)));
  }
  return unhex(hex);
}

// AES-256-GCM decryption as docs/store.md describes it (AAD "inkan store key, version 1").
std::optional<std::string> gcm_open(const std::string& key, const std::string& nonce, const std::string& ct,
                                    std::string tag) {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  const std::string aad = "inkan store key, version 1";
  std::string out(ct.size(), '\0');
  int len = 0;
  bool ok = EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(nonce.size()), nullptr) == 1 &&
            EVP_DecryptInit_ex(ctx, nullptr, nullptr, reinterpret_cast<const unsigned char*>(key.data()),
                               reinterpret_cast<const unsigned char*>(nonce.data())) == 1 &&
            EVP_DecryptUpdate(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(aad.data()),
                              static_cast<int>(aad.size())) == 1 &&
            EVP_DecryptUpdate(ctx, reinterpret_cast<unsigned char*>(out.data()), &len,
                              reinterpret_cast<const unsigned char*>(ct.data()), static_cast<int>(ct.size())) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, static_cast<int>(tag.size()), tag.data()) == 1;
  unsigned char rest[16];
  ok = ok && EVP_DecryptFinal_ex(ctx, rest, &len) == 1;
  EVP_CIPHER_CTX_free(ctx);
  if (!ok) return std::nullopt;
  return out;
}

class StoreKeys : public StoreTest {};

TEST_F(StoreKeys, WithoutAPassphraseTheKeyIsPlainHex) {
  const StoreKey key = StoreKey::generate();
  const std::string text = inkan::store::make_store_file(key, std::nullopt, cheap_scrypt(), m_now);
  const auto doc = nlohmann::json::parse(text);
  EXPECT_EQ(doc.at("format"), "inkan-store");
  EXPECT_EQ(doc.at("version"), 1);
  EXPECT_EQ(doc.at("store_key").at("protection"), "none");
  EXPECT_EQ(unhex(doc.at("store_key").at("key").get<std::string>()), std::string(key.bytes()));
  const auto parsed = inkan::store::parse_store_file(text);
  EXPECT_FALSE(parsed.has_passphrase);
  EXPECT_EQ(inkan::store::unlock_store_key(parsed, std::nullopt).bytes(), key.bytes());
}

TEST_F(StoreKeys, APassphraseWrapsTheKeyWithScryptAndAesGcmAsDocumented) {
  const StoreKey key = StoreKey::generate();
  const std::string text = inkan::store::make_store_file(key, std::string("correct horse"), cheap_scrypt(), m_now);
  EXPECT_EQ(text.find(to_hex(key.bytes())), std::string::npos) << "the plain key is in a protected store.json";
  const auto doc = nlohmann::json::parse(text);
  const auto& wrapped = doc.at("store_key");
  EXPECT_EQ(wrapped.at("protection"), "passphrase");
  EXPECT_EQ(wrapped.at("cipher"), "aes-256-gcm");
  EXPECT_EQ(wrapped.at("kdf").at("name"), "scrypt");
  const std::string kek = openssl_scrypt("correct horse", wrapped.at("kdf").at("salt"), wrapped.at("kdf"));
  ASSERT_EQ(kek.size(), 32u);
  const auto opened = gcm_open(kek, unhex(wrapped.at("nonce")), unhex(wrapped.at("ciphertext")), unhex(wrapped.at("tag")));
  ASSERT_TRUE(opened.has_value()) << "the documented construction does not open store.json";
  EXPECT_EQ(*opened, std::string(key.bytes()));
}

TEST_F(StoreKeys, TheDefaultScryptCostIsRecorded) {
  const inkan::store::ScryptParams defaults;
  EXPECT_EQ(defaults.n, 1U << 15);
  EXPECT_EQ(defaults.r, 8u);
  EXPECT_EQ(defaults.p, 1u);
  const StoreKey key = StoreKey::generate();
  const auto parsed =
      inkan::store::parse_store_file(inkan::store::make_store_file(key, std::string("pw"), defaults, m_now));
  EXPECT_EQ(parsed.scrypt.n, 1U << 15);
  EXPECT_EQ(inkan::store::unlock_store_key(parsed, std::string("pw")).bytes(), key.bytes());
}

TEST_F(StoreKeys, WrongOrMissingPassphrase) {
  const StoreKey key = StoreKey::generate();
  const auto parsed =
      inkan::store::parse_store_file(inkan::store::make_store_file(key, std::string("right"), cheap_scrypt(), m_now));
  try {
    (void)inkan::store::unlock_store_key(parsed, std::string("wrong"));
    FAIL() << "a wrong passphrase unlocked the store";
  } catch (const inkan::Error& e) {
    EXPECT_EQ(e.code(), Errc::bad_password);
  }
  try {
    (void)inkan::store::unlock_store_key(parsed, std::nullopt);
    FAIL() << "no passphrase unlocked the store";
  } catch (const inkan::Error& e) {
    EXPECT_EQ(e.code(), Errc::store_locked);
  }
}

TEST_F(StoreKeys, DamagedOrNewerFilesAreRefusedClearly) {
  const StoreKey key = StoreKey::generate();
  const std::string good = inkan::store::make_store_file(key, std::string("pw"), cheap_scrypt(), m_now);
  const auto expect = [](const std::string& text, Errc code, const char* what) {
    try {
      const auto f = inkan::store::parse_store_file(text);
      (void)inkan::store::unlock_store_key(f, std::string("pw"));
      ADD_FAILURE() << what << ": accepted";
    } catch (const inkan::Error& e) {
      EXPECT_EQ(e.code(), code) << what << ": " << e.what();
    }
  };
  expect("", Errc::store_corrupt, "empty");
  expect("{\"format\":\"inkan-store\"", Errc::store_corrupt, "truncated JSON");
  expect("[1,2]", Errc::store_corrupt, "not an object");
  auto doc = nlohmann::json::parse(good);
  auto newer = doc;
  newer["version"] = 2;
  expect(newer.dump(), Errc::store_version_unsupported, "version 2");
  auto other_format = doc;
  other_format["format"] = "something-else";
  expect(other_format.dump(), Errc::store_corrupt, "other format");
  auto greedy = doc;
  greedy["store_key"]["kdf"]["n"] = 1ULL << 40;  // would ask scrypt for terabytes
  expect(greedy.dump(), Errc::store_corrupt, "huge scrypt N");
  auto odd_n = doc;
  odd_n["store_key"]["kdf"]["n"] = 1000;
  expect(odd_n.dump(), Errc::store_corrupt, "N not a power of two");
  auto short_salt = doc;
  short_salt["store_key"]["kdf"]["salt"] = "00";
  expect(short_salt.dump(), Errc::store_corrupt, "short salt");
  auto flipped = doc;
  std::string ct = flipped["store_key"]["ciphertext"];
  ct[0] = ct[0] == '0' ? '1' : '0';
  flipped["store_key"]["ciphertext"] = ct;
  expect(flipped.dump(), Errc::bad_password, "changed ciphertext (GCM cannot tell it from a wrong passphrase)");
  auto other_id = doc;
  other_id["key_id"] = "0000000000000000";
  expect(other_id.dump(), Errc::store_corrupt, "key_id of another key");
  auto unknown = doc;
  unknown["store_key"]["protection"] = "tpm";
  expect(unknown.dump(), Errc::store_corrupt, "unknown protection");
}

TEST_F(StoreKeys, RewritingKeepsWhatItDoesNotTouch) {
  const StoreKey key = StoreKey::generate();
  auto doc = nlohmann::json::parse(inkan::store::make_store_file(key, std::nullopt, cheap_scrypt(), 1000000000));
  doc["future_field"] = "kept";
  const auto previous = inkan::store::parse_store_file(doc.dump());
  const auto rewritten =
      nlohmann::json::parse(inkan::store::make_store_file(key, std::string("pw"), cheap_scrypt(), m_now, &previous));
  EXPECT_EQ(rewritten.at("future_field"), "kept");
  EXPECT_EQ(rewritten.at("created_at"), "2001-09-09T01:46:40Z");
  EXPECT_EQ(rewritten.at("key_id"), doc.at("key_id"));
}

// Sealed keys are ordinary PKCS#8 that `openssl pkcs8` opens with the store key as password.
TEST_F(StoreKeys, SealedKeysArePbes2Aes256Pkcs8ThatOpensslOpens) {
  const StoreKey key = StoreKey::generate();
  const auto creds = inkan::test::credentials("alice");
  const std::string sealed = inkan::store::seal_private_key(creds.key.get(), key);
  EXPECT_NE(sealed.find("-----BEGIN ENCRYPTED PRIVATE KEY-----"), std::string::npos);
  const std::string path = m_dir.put("sealed.pem", sealed);
  const auto parsed = inkan::test::openssl({"asn1parse", "-in", path});
  EXPECT_NE(parsed.out.find("PBES2"), std::string::npos) << parsed.out;
  EXPECT_NE(parsed.out.find("PBKDF2"), std::string::npos) << parsed.out;
  EXPECT_NE(parsed.out.find("hmacWithSHA256"), std::string::npos) << parsed.out;
  EXPECT_NE(parsed.out.find("aes-256-cbc"), std::string::npos) << parsed.out;
  EXPECT_NE(parsed.out.find(":03E8"), std::string::npos) << "1000 iterations\n" << parsed.out;
  const auto opened = inkan::test::openssl({"pkey", "-in", path, "-passin", "pass:" + key.pkcs8_password(), "-pubout"});
  ASSERT_EQ(opened.exit_code, 0) << opened.err;
  const auto expected = inkan::test::openssl({"pkey", "-in", inkan::test::pki("alice.key"), "-pubout"});
  EXPECT_EQ(opened.out, expected.out);
  const auto wrong = inkan::test::openssl({"pkey", "-in", path, "-passin", "pass:" + std::string(64, '0')});
  EXPECT_NE(wrong.exit_code, 0);

  const auto back = inkan::store::open_private_key(sealed, key);
  EXPECT_EQ(EVP_PKEY_eq(back.get(), creds.key.get()), 1);
  try {
    (void)inkan::store::open_private_key(sealed, StoreKey::generate());
    FAIL() << "another store's key opened the sealed key";
  } catch (const inkan::Error& e) {
    EXPECT_EQ(e.code(), Errc::store_corrupt);
  }
}

}  // namespace
