// One identity: a certificate of the user's, with its private key (sealed under
// the store key) and its chain. Stored as identities/<sha256-fingerprint>.json.
// An address may have many identities: renewals and separate signing and
// encryption certificates. Old ones stay so that old mail stays readable.
#pragma once

#include "ossl/handles.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace inkan::store {

enum class Usage { sign, encrypt };

using SharedCert = std::shared_ptr<X509>;
SharedCert share(ossl::X509Ptr cert);

struct Identity {
  static constexpr int kVersion = 1;

  std::string fingerprint;             ///< SHA-256 of the certificate, lower-case hex
  std::vector<std::string> addresses;  ///< lower case; SAN rfc822Name, then subject emailAddress
  bool can_sign = false;               ///< keyUsage absent, or digitalSignature / nonRepudiation
  bool can_encrypt = false;            ///< keyUsage absent, or keyEncipherment (RSA) / keyAgreement (EC)
  bool email_protection = false;       ///< extendedKeyUsage absent or lists emailProtection
  bool is_ca = false;
  std::string subject;
  std::string issuer;
  std::string serial;
  std::int64_t not_before = 0;
  std::int64_t not_after = 0;
  std::string key_type;
  int key_bits = 0;
  SharedCert cert;
  std::vector<SharedCert> chain;  ///< issuers, nearest first
  std::string sealed_key;         ///< PKCS#8 PEM, see sealed_key.h
  std::string key_id;             ///< StoreKey::id() of the key that sealed it
  std::string source;             ///< "pkcs12", "pem", "certificate" (a new certificate for a stored key), ...
  std::string source_file;        ///< the file name it came from (no directory), may be empty
  std::int64_t added_at = 0;

  bool valid_at(std::int64_t t) const { return not_before <= t && t < not_after; }
  bool has_address(std::string_view address) const;
  /** Usable for `usage` at time t: valid, e-mail protection allowed, the key usage fits. */
  bool usable_for(Usage usage, std::int64_t t) const;
};

/** Facts of a certificate, ready for its sealed key and source to be filled in. */
Identity describe_certificate(X509* cert, const std::vector<X509*>& chain);

/** The file's JSON text. */
std::string identity_file_text(const Identity& identity);

/**
 * Parses an identity file. The fingerprint it claims, the certificate's own
 * and the file name's (expected_fingerprint) must agree: STORE_CORRUPT
 * otherwise; STORE_VERSION_UNSUPPORTED for a newer format.
 */
Identity parse_identity_file(std::string_view text, std::string_view expected_fingerprint);

/** "fingerprint.json" -> true for a well-formed identity file name. */
bool is_identity_file_name(std::string_view name);

/**
 * The identity to use for `usage` from `address` at time t: usable, then
 * the newest notBefore, then the latest notAfter. nullptr if there is none.
 */
const Identity* select_identity(const std::vector<Identity>& identities, std::string_view address, Usage usage,
                                std::int64_t t);

}  // namespace inkan::store
