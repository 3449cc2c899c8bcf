// A private key with its certificate and chain, loaded from PKCS#12 or PEM.
#pragma once

#include "ossl/handles.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace inkan::keys {

struct Credentials {
  ossl::EvpPkeyPtr key;
  ossl::X509Ptr cert;
  std::vector<ossl::X509Ptr> chain;  ///< intermediates (and maybe roots) shipped with the key
};

/**
 * Opens a PKCS#12 file. A wrong password gives BAD_PASSWORD; a missing one
 * (nullopt) gives PASSWORD_REQUIRED unless the file opens with an empty one.
 */
Credentials load_pkcs12(std::string_view der, const std::optional<std::string>& password);

/**
 * Opens a PEM private key (plain or encrypted PKCS#8) and its certificate(s).
 * cert_pem may be empty when the key file also holds the certificate.
 */
Credentials load_pem(std::string_view key_pem, std::string_view cert_pem, const std::optional<std::string>& password);

/** Loads from a file, choosing PKCS#12 or PEM by content. */
Credentials load_credentials(const std::string& key_path, const std::string& cert_path,
                             const std::optional<std::string>& password);

/** True if the file looks like PKCS#12 (DER, not PEM). */
bool looks_like_pkcs12(std::string_view bytes);

/** Loads a bare private key (PEM, DER PKCS#8, or PKCS#12), for decryption-only uses. */
ossl::EvpPkeyPtr load_private_key(std::string_view bytes, const std::optional<std::string>& password);

}  // namespace inkan::keys
