// JSON Web Signatures for ACME (RFC 8555 §6.2): the flattened JSON
// serialization (RFC 7515 §7.2.2) with a protected header carrying "alg",
// "nonce", "url" and exactly one of "jwk" or "kid".
#pragma once

#include "ossl/handles.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace inkan::enrol {

struct JwsRequest {
  std::string url;
  std::string nonce;
  std::string kid;                      ///< account URL; empty = send the public "jwk" instead
  std::optional<nlohmann::json> payload;  ///< nullopt = POST-as-GET (empty payload, RFC 8555 §6.3)
};

/** {"protected","payload","signature"} signed with the account key. */
nlohmann::json sign_jws(EVP_PKEY* key, const JwsRequest& request);

/**
 * The JWS signature of `signing_input` (ASCII(BASE64URL(header) "." BASE64URL(payload))):
 * RS256 = RSASSA-PKCS1-v1_5 with SHA-256; ES256/ES384 = the raw big-endian
 * r || s, each padded to the curve size (RFC 7518 §3.4), not DER.
 */
std::string jws_signature(EVP_PKEY* key, std::string_view signing_input);

/**
 * An external account binding (RFC 8555 §7.3.4): a JWS over the account's
 * public JWK, MACed with HS256 under the CA-issued key.
 */
nlohmann::json external_account_binding(const nlohmann::json& account_jwk, const std::string& eab_kid,
                                        std::string_view hmac_key, const std::string& new_account_url);

}  // namespace inkan::enrol
