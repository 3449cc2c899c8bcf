// Private keys at rest: PKCS#8 EncryptedPrivateKeyInfo (RFC 5958), PBES2
// (RFC 8018) with PBKDF2-HMAC-SHA256 and AES-256-CBC, in PEM. The password is
// the store key (hex), a random 256-bit value, so PBKDF2's iteration count
// adds no strength and is kept at RFC 8018's minimum of 1000: a host started
// for every message opens a key in about 0.4 ms. Any PKCS#8 reader can open a
// sealed key given the store key (`openssl pkcs8 -passin pass:HEX`).
#pragma once

#include "ossl/handles.h"
#include "store/store_key.h"

#include <string>
#include <string_view>

namespace inkan::store {

inline constexpr int kSealIterations = 1000;

/** The key as "-----BEGIN ENCRYPTED PRIVATE KEY-----" PEM, sealed under the store key. */
std::string seal_private_key(EVP_PKEY* key, const StoreKey& store_key);

/** Opens a sealed key; STORE_CORRUPT if it is damaged or sealed under another key. */
ossl::EvpPkeyPtr open_private_key(std::string_view pem, const StoreKey& store_key);

}  // namespace inkan::store
