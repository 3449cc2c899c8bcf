// PKCS#12 (RFC 7292) for backups and other devices.
//
// modern: keys and certificates in PBES2 (RFC 8018) with PBKDF2-HMAC-SHA256
//   and AES-256-CBC, HMAC-SHA-256 integrity, 250 000 iterations for each of
//   the three derivations. That is as many as fit under .NET's limits for
//   PKCS#12 files (600 000 per derivation, 1 000 000 in total), which
//   MimeKit and Windows tools apply. Read by OpenSSL 3 and NSS (Thunderbird,
//   pk12util): tests/interop/pkcs12_peers.sh.
// legacy: pbeWithSHA1And3-KeyTripleDES-CBC for keys and certificates, HMAC-SHA-1
//   integrity, 2048 iterations: what `openssl pkcs12 -export -legacy` writes,
//   for clients that read nothing newer (gpgsm 2.2: tested; older iOS and Android),
//   with salts gpgsm's flawed key derivation gets right (pkcs12_writer.cpp).
#pragma once

#include "ossl/handles.h"

#include <string>
#include <vector>

namespace inkan::store {

enum class Pkcs12Profile { modern, legacy };

inline constexpr int kModernIterations = 250000;
inline constexpr int kLegacyIterations = 2048;

struct Pkcs12Entry {
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  std::string friendly_name;  ///< shown by Thunderbird's certificate manager, Windows, macOS
};

/**
 * DER PKCS#12 holding every entry's key and certificate (linked by
 * localKeyID), then the chain certificates. The first entry is what
 * single-key readers (OpenSSL's PKCS12_parse, iOS) pick. USAGE if the
 * password is empty.
 */
std::string write_pkcs12(const std::vector<Pkcs12Entry>& entries, const std::vector<X509*>& chain,
                         const std::string& password, Pkcs12Profile profile);

}  // namespace inkan::store
