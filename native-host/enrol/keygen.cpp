#include "keygen.h"

#include "error.h"
#include "keys/credentials.h"
#include "ossl/error_queue.h"
#include "ossl/library.h"

#include <openssl/rand.h>

#include <array>

namespace inkan::enrol {
namespace {

struct KeyTypeInfo {
  KeyType type;
  std::string_view name;
};
constexpr std::array kKeyTypes{KeyTypeInfo{KeyType::rsa2048, "rsa2048"}, KeyTypeInfo{KeyType::rsa3072, "rsa3072"},
                               KeyTypeInfo{KeyType::rsa4096, "rsa4096"}, KeyTypeInfo{KeyType::p256, "p256"},
                               KeyTypeInfo{KeyType::p384, "p384"}};

using Pkcs8InfoPtr = ossl::Ptr<PKCS8_PRIV_KEY_INFO, PKCS8_PRIV_KEY_INFO_free>;
using X509SigPtr = ossl::Ptr<X509_SIG, X509_SIG_free>;

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  return len > 0 ? std::string(data, static_cast<std::size_t>(len)) : std::string();
}

}  // namespace

std::string_view to_string(KeyType type) noexcept {
  for (const auto& k : kKeyTypes) {
    if (k.type == type) return k.name;
  }
  return "rsa3072";
}

std::optional<KeyType> key_type_from_string(std::string_view name) noexcept {
  for (const auto& k : kKeyTypes) {
    if (k.name == name) return k.type;
  }
  return std::nullopt;
}

bool is_ec(KeyType type) noexcept { return type == KeyType::p256 || type == KeyType::p384; }

ossl::EvpPkeyPtr generate_key(KeyType type) {
  ossl::ensure_initialized();
  ossl::ClearErrorsOnExit clear;
  EVP_PKEY* key = nullptr;
  switch (type) {
    case KeyType::rsa2048: key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(2048)); break;
    case KeyType::rsa3072: key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(3072)); break;
    case KeyType::rsa4096: key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(4096)); break;
    case KeyType::p256: key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"); break;
    case KeyType::p384: key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"); break;
  }
  if (key == nullptr) ossl::throw_last(Errc::internal, "key generation");
  return ossl::EvpPkeyPtr(key);
}

std::string encrypt_private_key(EVP_PKEY* key, std::string_view passphrase, int iterations) {
  ossl::ensure_initialized();
  ossl::ClearErrorsOnExit clear;
  if (passphrase.empty()) throw Error(Errc::password_required, "a private key is never written unencrypted");
  if (iterations < 1) throw Error(Errc::usage, "PBKDF2 iterations");
  const Pkcs8InfoPtr info(EVP_PKEY2PKCS8(key));
  if (!info) ossl::throw_last(Errc::internal, "PKCS#8");
  unsigned char salt[16];
  if (RAND_bytes(salt, sizeof salt) != 1) ossl::throw_last(Errc::internal, "random salt");
  // pbe_nid -1 selects PBES2; its PRF defaults to hmacWithSHA256 in OpenSSL 3.
  const X509SigPtr encrypted(PKCS8_encrypt_ex(-1, EVP_aes_256_cbc(), passphrase.data(), static_cast<int>(passphrase.size()),
                                              salt, sizeof salt, iterations, info.get(), nullptr, nullptr));
  if (!encrypted) ossl::throw_last(Errc::internal, "PKCS#8 encryption");
  ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PKCS8(bio.get(), encrypted.get()) != 1) ossl::throw_last(Errc::internal, "PEM");
  return bio_text(bio.get());
}

ossl::EvpPkeyPtr decrypt_private_key(std::string_view pem, std::string_view passphrase) {
  return keys::load_private_key(pem, std::string(passphrase));
}

std::string public_key_pem(EVP_PKEY* key) {
  ossl::ClearErrorsOnExit clear;
  ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key) != 1) ossl::throw_last(Errc::internal, "public key PEM");
  return bio_text(bio.get());
}

}  // namespace inkan::enrol
