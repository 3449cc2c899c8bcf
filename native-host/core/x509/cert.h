// Facts about one certificate that the verdicts and the UI need.
#pragma once

#include "ossl/handles.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace inkan::x509 {

struct CertSummary {
  std::string subject;             ///< RFC 2253, UTF-8
  std::string issuer;
  std::string common_name;
  std::string serial;              ///< hex, upper case
  std::string fingerprint_sha256;  ///< hex, lower case
  std::vector<std::string> emails; ///< lower case, SAN rfc822Name then subject emailAddress
  std::int64_t not_before = 0;
  std::int64_t not_after = 0;
  std::string key_type;            ///< "rsa", "ec", "dsa", "ed25519", ...
  int key_bits = 0;
  bool self_signed = false;
  bool is_ca = false;
  std::string pem;
};

CertSummary summarize(X509* cert);

/** E-mail addresses: rfc822Name entries of the SAN, then emailAddress of the subject. */
std::vector<std::string> emails_of(X509* cert);

bool has_email(X509* cert, std::string_view address);

std::string fingerprint_sha256(X509* cert);
std::string to_pem(X509* cert);
std::string name_string(const X509_NAME* name);

/** Seconds since the epoch for an ASN1_TIME; nullopt if malformed. */
std::optional<std::int64_t> to_epoch(const ASN1_TIME* t);

/** Certificates from PEM (one or many), DER, or a PKCS#7/CMS certs-only bundle. */
std::vector<ossl::X509Ptr> parse_certificates(std::string_view bytes);

/** Loads certificates from a file (any of the formats above); throws CERT_LOAD_FAILED. */
std::vector<ossl::X509Ptr> load_certificates(const std::string& path);

/**
 * The DER of every certificate in the bytes, without decoding them (PEM blocks are
 * only base64-decoded); other formats (DER, PKCS#7 bundles) are decoded to find them.
 */
std::vector<std::string> certificate_ders(std::string_view bytes);

/** certificate_ders of a file; throws CERT_LOAD_FAILED if it holds none. */
std::vector<std::string> load_certificate_ders(const std::string& path);

/** CRLs from PEM or DER. */
std::vector<ossl::X509CrlPtr> load_crls(const std::string& path);

/** CRLs from PEM (one or many) or DER bytes; empty if there are none. */
std::vector<ossl::X509CrlPtr> parse_crls(std::string_view bytes);

/** Key usage bits (X509v3_KU_*), or nullopt if the extension is absent. */
std::optional<std::uint32_t> key_usage(X509* cert);

/** True if EKU is absent or lists emailProtection. */
bool allows_email_protection(X509* cert);

/** Public key size in bits and type name. */
std::pair<std::string, int> key_info(X509* cert);

}  // namespace inkan::x509
