// What a file to import holds: private keys paired with their certificates,
// plus the other certificates (the chain). Reads PKCS#12 (every key bag, not
// only the first: Windows and some CAs put separate signing and encryption
// keys in one file; legacy RC2-40/3DES files through OpenSSL's legacy
// provider), PEM keys with certificates, and certificates alone.
#pragma once

#include "ossl/handles.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace inkan::store {

struct KeyPair {
  ossl::EvpPkeyPtr key;
  ossl::X509Ptr cert;
  std::vector<ossl::X509Ptr> chain;  ///< issuers found in the file, nearest first
};

struct KeyBundle {
  std::string format;                     ///< "pkcs12", "pem", "certificates"
  std::vector<KeyPair> pairs;             ///< keys with their certificates
  std::vector<ossl::X509Ptr> unpaired_certs;  ///< certificates no key in the file belongs to (chain, or a renewal)
  int keys_without_certificate = 0;       ///< private keys no certificate in the file belongs to
};

/**
 * Opens PKCS#12 DER. Without a password, the empty and the absent password are
 * tried (PASSWORD_REQUIRED if neither opens it); a wrong one is BAD_PASSWORD;
 * an algorithm OpenSSL cannot run is UNSUPPORTED_ALGORITHM.
 */
KeyBundle read_pkcs12(std::string_view der, const std::optional<std::string>& password);

/**
 * Any importable file: PKCS#12, a PEM private key (plain or encrypted PKCS#8)
 * with its certificate(s), or certificates alone (PEM, DER, PKCS#7).
 * extra_certs come from separate files (--cert). UNKNOWN_FORMAT for anything else.
 */
KeyBundle read_key_file(std::string_view bytes, std::vector<ossl::X509Ptr> extra_certs,
                        const std::optional<std::string>& password);

/** The issuers of leaf among pool, nearest first, as far as the pool reaches (no cycles). */
std::vector<ossl::X509Ptr> chain_from_pool(X509* leaf, const std::vector<ossl::X509Ptr>& pool);

}  // namespace inkan::store
