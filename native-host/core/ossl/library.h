// Process-wide OpenSSL set-up: the default provider at once, the legacy one
// (RC2, DES: old mail and old PKCS#12 files) only when something needs it, so
// that start-up stays lean.
#pragma once

#include <openssl/evp.h>

namespace inkan::ossl {

/** Loads the default provider once; safe to call from anywhere, any number of times. */
void ensure_initialized();

/**
 * Loads the legacy provider as well, once. Called before work that needs an
 * old algorithm, or to retry work that failed for want of one. Returns whether
 * it was already loaded before this call (so callers retry only once).
 */
bool ensure_legacy();

/** Pre-fetched digests (owned by the library, never freed by callers). */
const EVP_MD* sha1();
const EVP_MD* sha256();
const EVP_MD* sha384();
const EVP_MD* sha512();

/** Fetches a digest by NID; nullptr if unknown. The result is cached. */
const EVP_MD* digest_by_nid(int nid);

}  // namespace inkan::ossl
