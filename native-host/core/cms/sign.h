// CMS SignedData creation (RFC 5652 §5, RFC 8551 §2): detached signatures fed
// in chunks, and opaque (encapsulated) signatures streamed from a BIO.
#pragma once

#include "cms/cms_stream.h"
#include "io/sink.h"
#include "keys/credentials.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace inkan::cms {

struct SignOptions {
  const EVP_MD* digest = nullptr;  ///< nullptr: SHA-256
  bool pss = false;                ///< RSA-PSS instead of PKCS#1 v1.5 (RSA keys only)
  X509* encryption_cert = nullptr; ///< for SMIMEEncryptionKeyPreference; nullptr: the signer
  std::optional<std::int64_t> signing_time;  ///< nullptr: now
};

/** Refuses credentials that peers would reject: expired, wrong key usage, weak key. */
void check_signing_credentials(const keys::Credentials& creds, std::int64_t now);

/** Streams content into a detached signature. */
class DetachedSigner {
public:
  DetachedSigner(const keys::Credentials& creds, const SignOptions& options);
  void update(std::string_view content);
  /** The DER SignedData (without content). */
  std::string finish();

private:
  ossl::CmsPtr m_cms;
  ossl::BioPtr m_content;
};

/** An opaque (encapsulating) SignedData, written as BER to `out` while content is pushed in. */
class OpaqueSigner {
public:
  OpaqueSigner(const keys::Credentials& creds, const SignOptions& options, io::Sink& out);
  void update(std::string_view content);
  /** Signs and writes the rest of the structure. */
  void finish();

private:
  CmsStream m_stream;
};

/**
 * Makes a throwaway RSA signature now, so that the key's first-use set-up
 * (blinding and Montgomery constants: about 5 M instructions, a millisecond) is
 * done before the real signature is due. OpenSSL keeps that state per key and
 * thread: call it on the thread that will sign. Other key types: nothing to do.
 */
void prepare_signing_key(EVP_PKEY* key);

/** "sha256", "SHA-384", "sha512" -> digest; throws WEAK_ALGORITHM for SHA-1/MD5 and USAGE for others. */
const EVP_MD* digest_by_name(std::string_view name);

/** The micalg value for multipart/signed (RFC 5751 §3.4.3.2): "sha-256", ... */
std::string micalg_name(const EVP_MD* md);

}  // namespace inkan::cms
