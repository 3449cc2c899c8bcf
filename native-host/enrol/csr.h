// Certificate signing requests (PKCS#10, RFC 2986) for S/MIME: the mailbox in
// subjectAltName rfc822Name and a keyUsage request that chooses the kind of
// certificate (RFC 8823 §3.3; S/MIME BR §7.1.2.3 e). Nothing else is requested:
// CASTLE refuses CSRs with extensions other than keyUsage and subjectAltName.
#pragma once

#include "ossl/handles.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace inkan::enrol {

/**
 * sign:    digitalSignature + nonRepudiation
 * encrypt: keyEncipherment (RSA) or keyAgreement (EC)
 * both:    digitalSignature + keyEncipherment (RSA) or + keyAgreement (EC)
 */
enum class KeyUsage { sign, encrypt, both };

std::string_view to_string(KeyUsage usage) noexcept;  ///< "sign", "encrypt", "both"
std::optional<KeyUsage> key_usage_from_string(std::string_view name) noexcept;

/** The X509v3_KU_* bits requested for a key of this kind (EC or RSA). */
unsigned key_usage_bits(KeyUsage usage, bool ec_key) noexcept;

struct CsrRequest {
  std::vector<std::string> emails;     ///< rfc822Name SANs (ASCII addr-spec)
  std::vector<std::string> dns_names;  ///< dNSName SANs: only when asked (the pebble tests need one)
  KeyUsage usage = KeyUsage::both;
  std::string common_name;             ///< optional subject CN; empty = empty subject
};

struct Csr {
  ossl::X509ReqPtr request;
  std::string der;
  std::string pem;
};

/**
 * Builds and signs the CSR with the key (SHA-256; SHA-384 for P-384). Throws
 * USAGE for an address that is not a plain ASCII addr-spec, a bad DNS name,
 * or no name at all.
 */
Csr make_csr(EVP_PKEY* key, const CsrRequest& request);

/** True for "local@domain" with printable ASCII, one '@', a dotted domain and no spaces or brackets. */
bool is_plain_address(std::string_view address) noexcept;

}  // namespace inkan::enrol
