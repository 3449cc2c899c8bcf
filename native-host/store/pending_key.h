// A key waiting for its certificate: made here for a CA that takes a CSR
// (paid, national, university), sealed under the store key like an identity's
// key, and kept as pending/<id>.json until the certificate comes back. The id
// is the SHA-256 of the public key (SubjectPublicKeyInfo DER), so a returned
// certificate finds its key by hashing its own public key. Importing that
// certificate turns the entry into an identity and removes it (Store::import_bundle).
#pragma once

#include "ossl/handles.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace inkan::store {

struct PendingKey {
  static constexpr int kVersion = 1;

  std::string id;                      ///< SHA-256 of the SubjectPublicKeyInfo, lower-case hex
  std::vector<std::string> addresses;  ///< lower case, as requested in the CSR
  std::string key_type;                ///< "rsa3072", "p256", ... (as asked for)
  std::string usage;                   ///< "both", "sign" or "encrypt" (the keyUsage asked for)
  std::string csr_pem;                 ///< the request, to send again if the CA asks
  std::string sealed_key;              ///< PKCS#8 PEM sealed under the store key (sealed_key.h)
  std::string key_id;                  ///< StoreKey::id() of the key that sealed it
  std::string source;                  ///< who made it: "csr" (a CSR for any CA)
  std::int64_t created_at = 0;
};

/** The SHA-256 of a public key's SubjectPublicKeyInfo DER, lower-case hex: a pending key's id. */
std::string public_key_id(EVP_PKEY* key);

std::string pending_file_text(const PendingKey& pending);

/** Parses pending/<id>.json; STORE_CORRUPT when damaged or when the id is not its key's, STORE_VERSION_UNSUPPORTED when newer. */
PendingKey parse_pending_file(std::string_view text, std::string_view expected_id);

/** "<64 hex>.json" */
bool is_pending_file_name(std::string_view name);

}  // namespace inkan::store
