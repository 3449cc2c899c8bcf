#include "x509/cert.h"

#include "error.h"
#include "io/source.h"
#include "mime/codec.h"
#include "mime/date.h"
#include "mime/address.h"
#include "ossl/error_queue.h"

#include <openssl/err.h>
#include <openssl/cms.h>
#include <openssl/pem.h>

#include <algorithm>
#include <ctime>

namespace inkan::x509 {

std::string name_string(const X509_NAME* name) {
  ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~static_cast<unsigned long>(ASN1_STRFLGS_ESC_MSB));
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return len > 0 ? std::string(data, static_cast<std::size_t>(len)) : std::string();
}

std::optional<std::int64_t> to_epoch(const ASN1_TIME* t) {
  if (t == nullptr) return std::nullopt;
  std::tm tm{};
  if (ASN1_TIME_to_tm(t, &tm) != 1) return std::nullopt;
  return mime::to_epoch(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::vector<std::string> emails_of(X509* cert) {
  std::vector<std::string> out;
  const auto add = [&out](std::string_view v) {
    std::string a = mime::normalize_address(v);
    if (!a.empty() && std::find(out.begin(), out.end(), a) == out.end()) out.push_back(std::move(a));
  };
  ossl::GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  if (names) {
    for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
      const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names.get(), i);
      if (gn->type == GEN_EMAIL) {
        const ASN1_IA5STRING* s = gn->d.rfc822Name;
        add(std::string_view(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                             static_cast<std::size_t>(ASN1_STRING_length(s))));
      }
    }
  }
  const X509_NAME* subject = X509_get_subject_name(cert);
  int pos = -1;
  while ((pos = X509_NAME_get_index_by_NID(subject, NID_pkcs9_emailAddress, pos)) >= 0) {
    const ASN1_STRING* s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, pos));
    add(std::string_view(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                         static_cast<std::size_t>(ASN1_STRING_length(s))));
  }
  ERR_clear_error();
  return out;
}

bool has_email(X509* cert, std::string_view address) {
  const std::string wanted = mime::normalize_address(address);
  const auto emails = emails_of(cert);
  return std::find(emails.begin(), emails.end(), wanted) != emails.end();
}

std::string fingerprint_sha256(X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_digest(cert, EVP_sha256(), md, &len) != 1) return {};
  return mime::hex_encode(std::string_view(reinterpret_cast<const char*>(md), len));
}

std::string to_pem(X509* cert) {
  ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert);
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  std::string pem(data, static_cast<std::size_t>(std::max(0L, len)));
  // PEM from OpenSSL uses LF; keep it that way for JSON consumers.
  return pem;
}

std::optional<std::uint32_t> key_usage(X509* cert) {
  const uint32_t ku = X509_get_key_usage(cert);
  if (ku == UINT32_MAX) return std::nullopt;  // extension absent
  return ku;
}

bool allows_email_protection(X509* cert) {
  // X509_get_extended_key_usage returns UINT32_MAX when the extension is absent.
  const uint32_t xku = X509_get_extended_key_usage(cert);
  return xku == UINT32_MAX || (xku & XKU_SMIME) != 0;
}

std::pair<std::string, int> key_info(X509* cert) {
  EVP_PKEY* key = X509_get0_pubkey(cert);
  if (key == nullptr) return {"unknown", 0};
  const int bits = EVP_PKEY_get_bits(key);
  std::string type = "unknown";
  if (EVP_PKEY_is_a(key, "RSA")) type = "rsa";
  else if (EVP_PKEY_is_a(key, "RSA-PSS")) type = "rsa-pss";
  else if (EVP_PKEY_is_a(key, "EC")) type = "ec";
  else if (EVP_PKEY_is_a(key, "DSA")) type = "dsa";
  else if (EVP_PKEY_is_a(key, "ED25519")) type = "ed25519";
  else if (EVP_PKEY_is_a(key, "ED448")) type = "ed448";
  else if (EVP_PKEY_is_a(key, "X25519")) type = "x25519";
  else if (EVP_PKEY_is_a(key, "DH") || EVP_PKEY_is_a(key, "DHX")) type = "dh";
  return {type, bits};
}

CertSummary summarize(X509* cert) {
  CertSummary s;
  s.subject = name_string(X509_get_subject_name(cert));
  s.issuer = name_string(X509_get_issuer_name(cert));
  const X509_NAME* subject = X509_get_subject_name(cert);
  const int cn = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  if (cn >= 0) {
    unsigned char* utf8 = nullptr;
    const int len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, cn)));
    if (len >= 0) s.common_name.assign(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(len));
    OPENSSL_free(utf8);
  }
  ossl::BignumPtr serial(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr));
  if (serial) {
    ossl::OsslStringPtr hex(BN_bn2hex(serial.get()));
    if (hex) s.serial = hex.get();
  }
  s.fingerprint_sha256 = fingerprint_sha256(cert);
  s.emails = emails_of(cert);
  s.not_before = to_epoch(X509_get0_notBefore(cert)).value_or(0);
  s.not_after = to_epoch(X509_get0_notAfter(cert)).value_or(0);
  std::tie(s.key_type, s.key_bits) = key_info(cert);
  s.self_signed = (X509_get_extension_flags(cert) & EXFLAG_SS) != 0;
  s.is_ca = X509_check_ca(cert) > 0;
  s.pem = to_pem(cert);
  ERR_clear_error();
  return s;
}

std::vector<ossl::X509Ptr> parse_certificates(std::string_view bytes) {
  ossl::ClearErrorsOnExit clear;
  std::vector<ossl::X509Ptr> out;
  if (bytes.find("-----BEGIN") != std::string_view::npos) {
    ossl::BioPtr bio(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
    while (X509* x = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) out.emplace_back(x);
    if (!out.empty()) return out;
    // A PEM "PKCS7"/"CMS" certs-only bundle.
    ossl::BioPtr again(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
    ossl::CmsPtr cms(PEM_read_bio_CMS(again.get(), nullptr, nullptr, nullptr));
    if (cms) {
      ossl::X509StackPtr certs(CMS_get1_certs(cms.get()));
      for (int i = 0; certs && i < sk_X509_num(certs.get()); ++i) out.push_back(ossl::up_ref(sk_X509_value(certs.get(), i)));
    }
    return out;
  }
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  if (X509* x = d2i_X509(nullptr, &p, static_cast<long>(bytes.size()))) {
    out.emplace_back(x);
    return out;
  }
  ossl::BioPtr bio(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
  ossl::CmsPtr cms(d2i_CMS_bio(bio.get(), nullptr));
  if (cms) {
    ossl::X509StackPtr certs(CMS_get1_certs(cms.get()));
    for (int i = 0; certs && i < sk_X509_num(certs.get()); ++i) out.push_back(ossl::up_ref(sk_X509_value(certs.get(), i)));
  }
  return out;
}

std::vector<ossl::X509Ptr> load_certificates(const std::string& path) {
  auto certs = parse_certificates(io::read_file(path));
  if (certs.empty()) throw Error(Errc::cert_load_failed, path);
  return certs;
}

std::vector<std::string> certificate_ders(std::string_view bytes) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  for (;;) {
    const std::size_t begin = bytes.find("-----BEGIN ", pos);
    if (begin == std::string_view::npos) break;
    const std::size_t label_end = bytes.find("-----", begin + 11);
    if (label_end == std::string_view::npos) break;
    const std::string_view label = bytes.substr(begin + 11, label_end - begin - 11);
    const std::string end_marker = "-----END " + std::string(label) + "-----";
    const std::size_t end = bytes.find(end_marker, label_end + 5);
    if (end == std::string_view::npos) break;
    if (label == "CERTIFICATE" || label == "X509 CERTIFICATE") {  // what PEM_read_bio_X509 reads
      out.push_back(mime::base64_decode(bytes.substr(label_end + 5, end - label_end - 5)));
    }
    pos = end + end_marker.size();
  }
  if (!out.empty()) return out;
  for (const auto& cert : parse_certificates(bytes)) {
    unsigned char* der = nullptr;
    const int len = i2d_X509(cert.get(), &der);
    if (len > 0) out.emplace_back(reinterpret_cast<const char*>(der), static_cast<std::size_t>(len));
    OPENSSL_free(der);
  }
  return out;
}

std::vector<std::string> load_certificate_ders(const std::string& path) {
  auto ders = certificate_ders(io::read_file(path));
  if (ders.empty()) throw Error(Errc::cert_load_failed, path);
  return ders;
}

std::vector<ossl::X509CrlPtr> parse_crls(std::string_view bytes) {
  ossl::ClearErrorsOnExit clear;
  std::vector<ossl::X509CrlPtr> out;
  ossl::BioPtr bio(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
  if (bytes.find("-----BEGIN") != std::string_view::npos) {
    while (X509_CRL* c = PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr)) out.emplace_back(c);
  } else if (X509_CRL* c = d2i_X509_CRL_bio(bio.get(), nullptr)) {
    out.emplace_back(c);
  }
  return out;
}

std::vector<ossl::X509CrlPtr> load_crls(const std::string& path) {
  auto out = parse_crls(io::read_file(path));
  if (out.empty()) throw Error(Errc::cert_load_failed, path + ": no CRL");
  return out;
}

}  // namespace inkan::x509
