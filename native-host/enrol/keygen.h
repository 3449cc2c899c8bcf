// Key pairs made on the user's machine (the private key never leaves it), and
// their protection at rest as encrypted PKCS#8 (PBES2: PBKDF2-HMAC-SHA-256 +
// AES-256-CBC, RFC 8018) under a caller-provided passphrase or data key.
#pragma once

#include "ossl/handles.h"

#include <optional>
#include <string>
#include <string_view>

namespace inkan::enrol {

/** S/MIME BR §6.1.5 key types; RSA-3072 is the default (every client reads RSA). */
enum class KeyType { rsa2048, rsa3072, rsa4096, p256, p384 };

inline constexpr KeyType kDefaultKeyType = KeyType::rsa3072;

std::string_view to_string(KeyType type) noexcept;  ///< "rsa3072", "p256", ...
std::optional<KeyType> key_type_from_string(std::string_view name) noexcept;
bool is_ec(KeyType type) noexcept;

ossl::EvpPkeyPtr generate_key(KeyType type);

/** Iterations of PBKDF2 for passphrases a person types (OWASP 2023 figure for PBKDF2-HMAC-SHA-256). */
inline constexpr int kPassphraseIterations = 600000;

/**
 * "-----BEGIN ENCRYPTED PRIVATE KEY-----" (PKCS#8 EncryptedPrivateKeyInfo).
 * An empty passphrase is refused: keys are never written in clear.
 */
std::string encrypt_private_key(EVP_PKEY* key, std::string_view passphrase, int iterations = kPassphraseIterations);

/** The key back from encrypt_private_key's PEM; BAD_PASSWORD for a wrong passphrase. */
ossl::EvpPkeyPtr decrypt_private_key(std::string_view pem, std::string_view passphrase);

/** The SubjectPublicKeyInfo PEM of a key (for display and comparison). */
std::string public_key_pem(EVP_PKEY* key);

}  // namespace inkan::enrol
