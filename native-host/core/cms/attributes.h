// Signed attributes of S/MIME signatures (RFC 8551 §2.5): the ones we write
// and the strict reading of the ones we check.
#pragma once

#include "ossl/handles.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace inkan::cms {

/** One SMIMECapability: an algorithm the peer says it can decrypt or verify. */
struct Capability {
  std::string oid;
  std::string name;        ///< "aes256-gcm", "rsaes-oaep", ... or the OID
  std::string params_der;  ///< raw parameters, empty if absent
};

/** Reads the SMIMECapabilities attribute of a signer; empty if absent or malformed. */
std::vector<Capability> read_capabilities(CMS_SignerInfo* si);

/** Adds Inkan's SMIMECapabilities (what we can decrypt, in preference order). */
void add_capabilities(CMS_SignerInfo* si);

/** Adds SMIMEEncryptionKeyPreference (RFC 8551 §2.5.3) naming cert by issuer and serial. */
void add_encryption_key_preference(CMS_SignerInfo* si, X509* cert);

struct KeyPreference {
  std::string issuer;  ///< RFC 2253
  std::string serial;  ///< hex upper case
};
std::optional<KeyPreference> read_encryption_key_preference(CMS_SignerInfo* si);

/** Result of the strict attribute check (RFC 5652 §5.3, §11). */
struct AttributeCheck {
  bool present = false;   ///< the signer has signed attributes at all
  bool valid = true;      ///< contentType/messageDigest/signingTime well formed, single, consistent
  std::string problem;    ///< why not valid
  std::string message_digest;
  std::optional<std::int64_t> signing_time;
};

AttributeCheck check_signed_attributes(CMS_ContentInfo* cms, CMS_SignerInfo* si);

/** Capability name for an OID NID (used for both reading and docs). */
std::string capability_name(const ASN1_OBJECT* oid);

/** DER of RSAES-OAEP-params with SHA-256 and MGF1-SHA-256 (RFC 4055). */
std::string oaep_sha256_params_der();

}  // namespace inkan::cms
