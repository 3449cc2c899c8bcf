// Process-wide OpenSSL set-up: the default provider plus the legacy one, so
// that old mail (RC2, DES) and old PKCS#12 files (RC2-40) stay readable.
#pragma once

#include <openssl/evp.h>

namespace inkan::ossl {

/** Loads the providers once; safe to call from anywhere, any number of times. */
void ensure_initialized();

/** Pre-fetched digests (owned by the library, never freed by callers). */
const EVP_MD* sha1();
const EVP_MD* sha256();
const EVP_MD* sha384();
const EVP_MD* sha512();

/** Fetches a digest by NID; nullptr if unknown. The result is cached. */
const EVP_MD* digest_by_nid(int nid);

}  // namespace inkan::ossl
