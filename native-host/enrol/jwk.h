// JSON Web Keys (RFC 7517/7518) of ACME account keys, and their RFC 7638
// thumbprints (the account's identity inside every key authorization,
// RFC 8555 §8.1).
#pragma once

#include "ossl/handles.h"

#include <nlohmann/json.hpp>

#include <string>

namespace inkan::enrol {

/**
 * The public JWK of an RSA or EC (P-256, P-384) key with exactly the members
 * RFC 7638 §3.2 requires: {"e","kty","n"} or {"crv","kty","x","y"}. EC
 * coordinates are padded to the field size (RFC 7518 §6.2.1.2); RSA integers
 * have no leading zero bytes (§6.3.1). Throws UNSUPPORTED_ALGORITHM for other keys.
 */
nlohmann::json public_jwk(EVP_PKEY* key);

/**
 * RFC 7638 thumbprint: base64url(SHA-256(the required members in
 * lexicographic order, no white space)). Other members of `jwk` are ignored.
 * Throws UNSUPPORTED_ALGORITHM when a required member is missing.
 */
std::string jwk_thumbprint(const nlohmann::json& jwk);
std::string jwk_thumbprint(EVP_PKEY* key);

/** The JWS algorithm for the key: "RS256", "ES256" (P-256) or "ES384" (P-384). */
std::string jws_algorithm(EVP_PKEY* key);

}  // namespace inkan::enrol
