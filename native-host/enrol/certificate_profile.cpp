#include "certificate_profile.h"

#include "csr.h"
#include "error.h"
#include "ossl/error_queue.h"
#include "ossl/library.h"
#include "x509/cert.h"

#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <array>
#include <ctime>

namespace inkan::enrol {
namespace {

using RevokedPtr = ossl::Ptr<X509_REVOKED, X509_REVOKED_free>;
using EnumeratedPtr = ossl::Ptr<ASN1_ENUMERATED, ASN1_ENUMERATED_free>;

// RFC 5280 §5.3.1 CRLReason values a company CA uses for people's certificates
// (certificateHold is not permanent and removeFromCRL belongs to delta CRLs).
constexpr std::array<std::pair<std::string_view, long>, 6> kReasons{{{"unspecified", 0},
                                                                     {"keyCompromise", 1},
                                                                     {"affiliationChanged", 3},
                                                                     {"superseded", 4},
                                                                     {"cessationOfOperation", 5},
                                                                     {"privilegeWithdrawn", 9}}};

// Characters of UTF-8 text (lead bytes), for the X.520 upper bound of 64 characters.
std::size_t utf8_length(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

void check_name(std::string_view name, const char* what) {
  if (name.empty()) throw Error(Errc::usage, std::string(what) + " is empty");
  if (utf8_length(name) > 64) throw Error(Errc::usage, std::string(what) + " is longer than 64 characters (X.520 ub-common-name)");
  for (const char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) throw Error(Errc::usage, std::string(what) + " holds a control character");
  }
}

void set_common_name(X509_NAME* name, std::string_view cn) {
  if (X509_NAME_add_entry_by_NID(name, NID_commonName, MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(cn.data()),
                                 static_cast<int>(cn.size()), -1, 0) != 1) {
    ossl::throw_last(Errc::usage, "common name (not UTF-8?)");
  }
}

void set_validity(X509* x, std::int64_t not_before, std::int64_t not_after) {
  // ASN1_TIME_set picks UTCTime through 2049 and GeneralizedTime after, as RFC 5280 §4.1.2.5 asks.
  if (ASN1_TIME_set(X509_getm_notBefore(x), static_cast<time_t>(not_before)) == nullptr ||
      ASN1_TIME_set(X509_getm_notAfter(x), static_cast<time_t>(not_after)) == nullptr) {
    ossl::throw_last(Errc::internal, "validity");
  }
}

// An extension written in OpenSSL's configuration syntax; only fixed strings and
// values checked beforehand (plain addresses, URLs without separators) reach it.
void add_conf_extension(X509* x, X509V3_CTX* ctx, int nid, const std::string& value) {
  ossl::X509ExtensionPtr ext(X509V3_EXT_nconf_nid(nullptr, ctx, nid, value.c_str()));
  if (!ext || X509_add_ext(x, ext.get(), -1) != 1) ossl::throw_last(Errc::internal, std::string("extension ") + OBJ_nid2sn(nid));
}

void add_email_san(X509* x, std::string_view email) {
  ossl::GeneralNamesPtr names(GENERAL_NAMES_new());
  ossl::Asn1StringPtr text(ASN1_IA5STRING_new());
  if (!names || !text || ASN1_STRING_set(text.get(), email.data(), static_cast<int>(email.size())) != 1) {
    ossl::throw_last(Errc::internal, "subjectAltName");
  }
  GENERAL_NAME* name = GENERAL_NAME_new();
  if (name == nullptr) ossl::throw_last(Errc::internal, "subjectAltName");
  GENERAL_NAME_set0_value(name, GEN_EMAIL, text.release());
  if (sk_GENERAL_NAME_push(names.get(), name) == 0) {
    GENERAL_NAME_free(name);
    ossl::throw_last(Errc::internal, "subjectAltName");
  }
  // The subject has a CN, so the SAN need not be critical (RFC 5280 §4.2.1.6).
  if (X509_add1_ext_i2d(x, NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT) != 1) {
    ossl::throw_last(Errc::internal, "subjectAltName");
  }
}

bool is_crl_url(std::string_view url) {
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) return false;
  if (url.size() > 1024) return false;
  return std::all_of(url.begin(), url.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u < 0x7F && c != ',' && c != '"' && c != '\\';
  });
}

void sign(X509* x, EVP_PKEY* key) {
  if (X509_sign(x, key, signing_digest(key)) <= 0) ossl::throw_last(Errc::internal, "certificate signature");
}

ossl::Asn1IntegerPtr serial_from_hex(std::string_view hex) {
  BIGNUM* raw = nullptr;
  const std::string text(hex);
  if (text.empty() || BN_hex2bn(&raw, text.c_str()) != static_cast<int>(text.size())) {
    BN_free(raw);
    throw Error(Errc::usage, "serial is not hexadecimal: " + text);
  }
  const ossl::BignumPtr bn(raw);
  ossl::Asn1IntegerPtr out(BN_to_ASN1_INTEGER(bn.get(), nullptr));
  if (!out) ossl::throw_last(Errc::internal, "serial");
  return out;
}

}  // namespace

const EVP_MD* signing_digest(EVP_PKEY* key) {
  return EVP_PKEY_is_a(key, "EC") == 1 && EVP_PKEY_get_bits(key) > 256 ? ossl::sha384() : ossl::sha256();
}

ossl::Asn1IntegerPtr random_serial() {
  unsigned char bytes[18];
  if (RAND_bytes(bytes, sizeof bytes) != 1) ossl::throw_last(Errc::internal, "random serial");
  // Top bit clear keeps it positive without a leading zero octet; 0x40 keeps the length fixed.
  bytes[0] = static_cast<unsigned char>((bytes[0] & 0x3F) | 0x40);
  ossl::BignumPtr bn(BN_bin2bn(bytes, sizeof bytes, nullptr));
  if (!bn) ossl::throw_last(Errc::internal, "random serial");
  ossl::Asn1IntegerPtr serial(BN_to_ASN1_INTEGER(bn.get(), nullptr));
  if (!serial) ossl::throw_last(Errc::internal, "random serial");
  return serial;
}

ossl::X509Ptr make_ca_certificate(EVP_PKEY* key, const CaCertificateRequest& request, std::int64_t now, X509* issuer_cert,
                                  EVP_PKEY* issuer_key) {
  ossl::ensure_initialized();
  ossl::ClearErrorsOnExit clear;
  check_name(request.name, "the CA name");
  if (request.days < 1 || request.days > kMaxCaCertificateDays) {
    throw Error(Errc::usage, "CA validity must be 1 to " + std::to_string(kMaxCaCertificateDays) + " days");
  }
  if (request.path_length < 0 || request.path_length > 1) throw Error(Errc::internal, "path length");
  if ((issuer_cert == nullptr) != (issuer_key == nullptr)) throw Error(Errc::internal, "issuer certificate and key go together");
  std::int64_t not_after = now + static_cast<std::int64_t>(request.days) * 86400 - 1;
  if (issuer_cert != nullptr) {
    const auto issuer_end = x509::to_epoch(X509_get0_notAfter(issuer_cert));
    if (!issuer_end) throw Error(Errc::cert_load_failed, "the issuer's notAfter");
    not_after = std::min(not_after, *issuer_end);
  }
  ossl::X509Ptr x(X509_new());
  if (!x || X509_set_version(x.get(), X509_VERSION_3) != 1) ossl::throw_last(Errc::internal, "certificate");
  const auto serial = random_serial();
  if (X509_set_serialNumber(x.get(), serial.get()) != 1) ossl::throw_last(Errc::internal, "serial");
  set_common_name(X509_get_subject_name(x.get()), request.name);
  X509* issuer = issuer_cert != nullptr ? issuer_cert : x.get();
  if (X509_set_issuer_name(x.get(), X509_get_subject_name(issuer)) != 1) ossl::throw_last(Errc::internal, "issuer");
  set_validity(x.get(), now, not_after);
  if (X509_set_pubkey(x.get(), key) != 1) ossl::throw_last(Errc::internal, "public key");

  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, x.get(), nullptr, nullptr, 0);
  add_conf_extension(x.get(), &ctx, NID_basic_constraints,
                     "critical,CA:TRUE,pathlen:" + std::to_string(request.path_length));
  add_conf_extension(x.get(), &ctx, NID_key_usage, "critical,keyCertSign,cRLSign");
  add_conf_extension(x.get(), &ctx, NID_subject_key_identifier, "hash");
  add_conf_extension(x.get(), &ctx, NID_authority_key_identifier, "keyid:always");
  sign(x.get(), issuer_key != nullptr ? issuer_key : key);
  return x;
}

ossl::X509Ptr make_user_certificate(X509* ca_cert, EVP_PKEY* ca_key, EVP_PKEY* subject_key,
                                    const UserCertificateRequest& request, std::int64_t now) {
  ossl::ensure_initialized();
  ossl::ClearErrorsOnExit clear;
  check_name(request.common_name, "the common name");
  if (!is_plain_address(request.email)) {
    throw Error(Errc::usage, "not a plain ASCII e-mail address: " + request.email);
  }
  if (request.days < 1 || request.days > kMaxUserCertificateDays) {
    throw Error(Errc::usage, "validity must be 1 to " + std::to_string(kMaxUserCertificateDays) +
                                 " days (S/MIME Baseline Requirements 6.3.2)");
  }
  if (!request.crl_url.empty() && !is_crl_url(request.crl_url)) throw Error(Errc::usage, "the CRL URL must be http:// or https://");
  const bool ec = EVP_PKEY_is_a(subject_key, "EC") == 1;
  if (!ec && EVP_PKEY_is_a(subject_key, "RSA") != 1) throw Error(Errc::unsupported_algorithm, "user keys are RSA or EC");
  if (!ec && EVP_PKEY_get_bits(subject_key) < 2048) throw Error(Errc::weak_algorithm, "RSA keys need at least 2048 bits");

  // Inclusive validity (notBefore..notAfter) of `days` days: the lint and SBR 6.3.2 count both ends.
  const std::int64_t not_after = now + static_cast<std::int64_t>(request.days) * 86400 - 1;
  const auto ca_not_after = x509::to_epoch(X509_get0_notAfter(ca_cert));
  if (!ca_not_after) throw Error(Errc::cert_load_failed, "the CA certificate's notAfter");
  if (not_after > *ca_not_after) {
    throw Error(Errc::usage, "the certificate would outlive the CA (" + std::to_string((*ca_not_after - now) / 86400) +
                                 " days left); choose fewer days");
  }

  ossl::X509Ptr x(X509_new());
  if (!x || X509_set_version(x.get(), X509_VERSION_3) != 1) ossl::throw_last(Errc::internal, "certificate");
  const auto serial = random_serial();
  if (X509_set_serialNumber(x.get(), serial.get()) != 1) ossl::throw_last(Errc::internal, "serial");
  set_common_name(X509_get_subject_name(x.get()), request.common_name);
  if (X509_set_issuer_name(x.get(), X509_get_subject_name(ca_cert)) != 1) ossl::throw_last(Errc::internal, "issuer");
  set_validity(x.get(), now, not_after);
  if (X509_set_pubkey(x.get(), subject_key) != 1) ossl::throw_last(Errc::internal, "public key");

  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, ca_cert, x.get(), nullptr, nullptr, 0);
  add_conf_extension(x.get(), &ctx, NID_key_usage,
                     ec ? "critical,digitalSignature,keyAgreement" : "critical,digitalSignature,keyEncipherment");
  add_conf_extension(x.get(), &ctx, NID_ext_key_usage, "emailProtection");
  add_email_san(x.get(), request.email);
  add_conf_extension(x.get(), &ctx, NID_subject_key_identifier, "hash");
  add_conf_extension(x.get(), &ctx, NID_authority_key_identifier, "keyid:always");
  if (!request.crl_url.empty()) add_conf_extension(x.get(), &ctx, NID_crl_distribution_points, "URI:" + request.crl_url);
  sign(x.get(), ca_key);
  return x;
}

const std::vector<std::string_view>& crl_reasons() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> out;
    for (const auto& [name, code] : kReasons) out.push_back(name);
    return out;
  }();
  return names;
}

std::string make_crl(X509* ca_cert, EVP_PKEY* ca_key, const std::vector<RevokedEntry>& revoked, std::uint64_t crl_number,
                     int days, std::int64_t now) {
  ossl::ensure_initialized();
  ossl::ClearErrorsOnExit clear;
  if (days < 1 || days > 366) throw Error(Errc::usage, "a CRL is valid for 1 to 366 days");
  const ossl::Ptr<X509_CRL, X509_CRL_free> crl(X509_CRL_new());
  if (!crl || X509_CRL_set_version(crl.get(), X509_CRL_VERSION_2) != 1 ||
      X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(ca_cert)) != 1) {
    ossl::throw_last(Errc::internal, "CRL");
  }
  const ossl::Asn1TimePtr this_update(ASN1_TIME_set(nullptr, static_cast<time_t>(now)));
  const ossl::Asn1TimePtr next_update(ASN1_TIME_set(nullptr, static_cast<time_t>(now + static_cast<std::int64_t>(days) * 86400)));
  if (!this_update || !next_update || X509_CRL_set1_lastUpdate(crl.get(), this_update.get()) != 1 ||
      X509_CRL_set1_nextUpdate(crl.get(), next_update.get()) != 1) {
    ossl::throw_last(Errc::internal, "CRL times");
  }
  for (const auto& entry : revoked) {
    RevokedPtr r(X509_REVOKED_new());
    const auto serial = serial_from_hex(entry.serial_hex);
    const ossl::Asn1TimePtr when(ASN1_TIME_set(nullptr, static_cast<time_t>(entry.revoked_at)));
    if (!r || !when || X509_REVOKED_set_serialNumber(r.get(), serial.get()) != 1 ||
        X509_REVOKED_set_revocationDate(r.get(), when.get()) != 1) {
      ossl::throw_last(Errc::internal, "CRL entry");
    }
    const auto reason = std::find_if(kReasons.begin(), kReasons.end(), [&](const auto& p) { return p.first == entry.reason; });
    // RFC 5280 §5.3.1: the reason code is left out rather than written as unspecified.
    if (reason != kReasons.end() && reason->second != 0) {
      EnumeratedPtr code(ASN1_ENUMERATED_new());
      if (!code || ASN1_ENUMERATED_set(code.get(), reason->second) != 1 ||
          X509_REVOKED_add1_ext_i2d(r.get(), NID_crl_reason, code.get(), 0, X509V3_ADD_DEFAULT) != 1) {
        ossl::throw_last(Errc::internal, "CRL reason");
      }
    }
    if (X509_CRL_add0_revoked(crl.get(), r.get()) != 1) ossl::throw_last(Errc::internal, "CRL entry");
    (void)r.release();  // owned by the CRL now
  }
  if (X509_CRL_sort(crl.get()) != 1) ossl::throw_last(Errc::internal, "CRL");
  ossl::Asn1IntegerPtr number(ASN1_INTEGER_new());
  if (!number || ASN1_INTEGER_set_uint64(number.get(), crl_number) != 1 ||
      X509_CRL_add1_ext_i2d(crl.get(), NID_crl_number, number.get(), 0, X509V3_ADD_DEFAULT) != 1) {
    ossl::throw_last(Errc::internal, "CRL number");
  }
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, ca_cert, nullptr, nullptr, crl.get(), 0);
  ossl::X509ExtensionPtr aki(X509V3_EXT_nconf_nid(nullptr, &ctx, NID_authority_key_identifier, "keyid:always"));
  if (!aki || X509_CRL_add_ext(crl.get(), aki.get(), -1) != 1) ossl::throw_last(Errc::internal, "CRL authority key id");
  if (X509_CRL_sign(crl.get(), ca_key, signing_digest(ca_key)) <= 0) ossl::throw_last(Errc::internal, "CRL signature");
  unsigned char* der = nullptr;
  const int len = i2d_X509_CRL(crl.get(), &der);
  if (len <= 0) ossl::throw_last(Errc::internal, "CRL encoding");
  const ossl::OsslBytesPtr owned(der);
  return std::string(reinterpret_cast<const char*>(der), static_cast<std::size_t>(len));
}

}  // namespace inkan::enrol
