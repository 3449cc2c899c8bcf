// The certificates a company CA makes, by the S/MIME Baseline Requirements'
// mailbox-validated Strict profile as far as a private CA can follow it:
//
// The company CA is two certificates, so that no root signs people directly
// (SBR 6.1.7; Gmail requires an intermediate; the lint says no-intermediate):
//
// Root (self-signed, the trust anchor users import; signs only the issuing CA):
//   basicConstraints   critical, CA:TRUE, pathLenConstraint 1
//   keyUsage           critical, keyCertSign + cRLSign
//   subjectKeyIdentifier, authorityKeyIdentifier (key id)
// Issuing CA (signed by the root; signs people's certificates and the CRL):
//   basicConstraints   critical, CA:TRUE, pathLenConstraint 0 (it issues only people)
//   keyUsage           critical, keyCertSign + cRLSign
//   subjectKeyIdentifier, authorityKeyIdentifier
// Neither has an extendedKeyUsage: Thunderbird (mozilla::pkix) checks the EKU
// along the whole chain, so a CA whose EKU lacked emailProtection would make
// every certificate below it unusable for mail (docs/lint.md,
// intermediate-lacks-email-protection / root-lacks-email-protection).
//
// User certificate:
//   subject            CN only (SBR 7.1.4.2.3 allows CN, serialNumber, emailAddress)
//   subjectAltName     rfc822Name = the address (SBR 7.1.4.2.1)
//   extendedKeyUsage   emailProtection only (SBR 7.1.2.3 f, Strict)
//   keyUsage           critical; RSA digitalSignature + keyEncipherment, EC
//                      digitalSignature + keyAgreement (SBR 7.1.2.3 e, dual use)
//   subjectKeyIdentifier, authorityKeyIdentifier
//   cRLDistributionPoints when the CA has a CRL URL
//   validity           at most 825 days (SBR 6.3.2), never beyond the CA's own
//   serial             144 random bits, positive (SBR 7.1: at least 64)
//   signature          SHA-256 (SHA-384 for a P-384 CA key)
#pragma once

#include "ossl/handles.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace inkan::enrol {

/** SBR 6.3.2: Strict and Multipurpose certificates live at most 825 days. */
inline constexpr int kMaxUserCertificateDays = 825;
/** A CA certificate may live long; 30 years is more than any company CA should. */
inline constexpr int kMaxCaCertificateDays = 30 * 366;

struct CaCertificateRequest {
  std::string name;   ///< the certificate's common name, e.g. "Example Co CA"
  int days = 3650;
  int path_length = 0;  ///< 1 for the root, 0 for the issuing CA
};

struct UserCertificateRequest {
  std::string common_name;
  std::string email;
  int days = 365;            ///< 1 .. kMaxUserCertificateDays
  std::string crl_url;       ///< optional cRLDistributionPoints URI (http:// or https://)
};

/** A positive random serial of 18 bytes: 142 random bits, never zero, never over 20 octets in DER. */
ossl::Asn1IntegerPtr random_serial();

/**
 * A CA certificate for `key`: self-signed when issuer_cert is null, else
 * signed by issuer_key (never outliving the issuer). USAGE for a bad name or validity.
 */
ossl::X509Ptr make_ca_certificate(EVP_PKEY* key, const CaCertificateRequest& request, std::int64_t now,
                                  X509* issuer_cert = nullptr, EVP_PKEY* issuer_key = nullptr);

/**
 * A user certificate for `subject_key` (its public half), signed by the CA.
 * USAGE for a bad address, name or validity, or a validity beyond the CA's.
 */
ossl::X509Ptr make_user_certificate(X509* ca_cert, EVP_PKEY* ca_key, EVP_PKEY* subject_key,
                                    const UserCertificateRequest& request, std::int64_t now);

struct RevokedEntry {
  std::string serial_hex;   ///< upper-case hex, as x509::summarize writes it
  std::int64_t revoked_at = 0;
  std::string reason;       ///< RFC 5280 5.3.1 name (see crl_reasons()), "unspecified" adds no reason code
};

/** RFC 5280 §5.3.1 reason names accepted by revoke: "unspecified", "keyCompromise", ... */
const std::vector<std::string_view>& crl_reasons();

/** A v2 CRL (RFC 5280 §5) signed by the CA: CRL number, AKI, reason codes. DER. */
std::string make_crl(X509* ca_cert, EVP_PKEY* ca_key, const std::vector<RevokedEntry>& revoked,
                     std::uint64_t crl_number, int days, std::int64_t now);

/** The digest a CA key signs with: SHA-384 for P-384 keys, else SHA-256. */
const EVP_MD* signing_digest(EVP_PKEY* key);

}  // namespace inkan::enrol
