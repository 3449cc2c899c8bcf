// Private keys out of PKCS#8 without OpenSSL's decoder framework.
//
// EVP_PKCS82PKEY and PEM_read_bio_PrivateKey go through OpenSSL 3's decoders,
// whose first use in a process builds every decoder and key manager the
// providers offer: ~0.7 ms, after loading libcrypto the largest fixed cost of a
// small signature (docs/performance.md). The keys S/MIME uses are RSA and EC on
// the NIST curves; those are read here and handed to the key manager as
// parameters. Everything else, and anything unusual about these, takes
// OpenSSL's own path, so the result never differs from what OpenSSL would read.
#pragma once

#include "ossl/handles.h"

#include <string_view>

namespace inkan::keys {

/** The key in a PrivateKeyInfo (RFC 5208), or null with OpenSSL's error queue saying why. */
ossl::EvpPkeyPtr key_from_pkcs8(const PKCS8_PRIV_KEY_INFO* info);

/**
 * The first plain "PRIVATE KEY" block of a PEM text; null when there is none
 * (other blocks, e.g. encrypted or traditional keys, are the caller's to read).
 */
ossl::EvpPkeyPtr read_pkcs8_pem(std::string_view pem);

/** A DER PrivateKeyInfo filling all of `der`; null when it is something else. */
ossl::EvpPkeyPtr read_pkcs8_der(std::string_view der);

}  // namespace inkan::keys
