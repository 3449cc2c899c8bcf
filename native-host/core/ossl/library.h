// Process-wide OpenSSL set-up: the default provider at once, the legacy one
// (RC2, DES: old mail and old PKCS#12 files) only when something needs it, so
// that start-up stays lean.
#pragma once

#include <openssl/evp.h>

namespace inkan::ossl {

/** Loads the default provider once; safe to call from anywhere, any number of times. */
void ensure_initialized();

/**
 * For executables started per message (inkan, inkan-host), first thing in main():
 * OpenSSL's error strings are not loaded. Their tables are about 400 KiB of
 * resident memory and 0.3 ms at every start, needed only to spell an error's
 * detail; without them drain_errors() names each OpenSSL error by its code,
 * which `openssl errstr CODE` spells out. The library and its tests keep them.
 */
void skip_error_strings();

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
