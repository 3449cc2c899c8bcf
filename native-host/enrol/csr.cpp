#include "csr.h"

#include "error.h"
#include "ossl/error_queue.h"
#include "ossl/library.h"

#include <array>
#include <cctype>

namespace inkan::enrol {
namespace {

constexpr std::array<std::pair<KeyUsage, std::string_view>, 3> kUsages{
    {{KeyUsage::sign, "sign"}, {KeyUsage::encrypt, "encrypt"}, {KeyUsage::both, "both"}}};

bool is_dns_label_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-';
}

bool is_dns_name(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  std::size_t label = 0;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
      continue;
    }
    if (!is_dns_label_char(c) || ++label > 63) return false;
  }
  return label != 0;
}

void add_general_name(GENERAL_NAMES* names, int type, std::string_view value) {
  ossl::Asn1StringPtr text(ASN1_IA5STRING_new());
  if (!text || ASN1_STRING_set(text.get(), value.data(), static_cast<int>(value.size())) != 1) {
    ossl::throw_last(Errc::internal, "SAN");
  }
  GENERAL_NAME* name = GENERAL_NAME_new();
  if (name == nullptr) ossl::throw_last(Errc::internal, "SAN");
  GENERAL_NAME_set0_value(name, type, text.release());
  if (sk_GENERAL_NAME_push(names, name) == 0) {
    GENERAL_NAME_free(name);
    ossl::throw_last(Errc::internal, "SAN");
  }
}

void push_extension(STACK_OF(X509_EXTENSION) * exts, int nid, bool critical, void* value) {
  ossl::X509ExtensionPtr ext(X509V3_EXT_i2d(nid, critical ? 1 : 0, value));
  if (!ext || sk_X509_EXTENSION_push(exts, ext.get()) == 0) ossl::throw_last(Errc::internal, "CSR extension");
  (void)ext.release();
}

std::string to_der(X509_REQ* req) {
  unsigned char* raw = nullptr;
  const int len = i2d_X509_REQ(req, &raw);
  if (len <= 0) ossl::throw_last(Errc::internal, "CSR DER");
  const ossl::OsslBytesPtr owned(raw);
  return std::string(reinterpret_cast<const char*>(raw), static_cast<std::size_t>(len));
}

std::string to_pem(X509_REQ* req) {
  ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509_REQ(bio.get(), req) != 1) ossl::throw_last(Errc::internal, "CSR PEM");
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(len));
}

}  // namespace

std::string_view to_string(KeyUsage usage) noexcept {
  for (const auto& [u, name] : kUsages) {
    if (u == usage) return name;
  }
  return "both";
}

std::optional<KeyUsage> key_usage_from_string(std::string_view name) noexcept {
  for (const auto& [u, n] : kUsages) {
    if (n == name) return u;
  }
  return std::nullopt;
}

unsigned key_usage_bits(KeyUsage usage, bool ec_key) noexcept {
  // S/MIME BR §7.1.2.3 e: EC keys agree on keys, RSA keys encipher them.
  const unsigned key_management = ec_key ? X509v3_KU_KEY_AGREEMENT : X509v3_KU_KEY_ENCIPHERMENT;
  switch (usage) {
    case KeyUsage::sign: return X509v3_KU_DIGITAL_SIGNATURE | X509v3_KU_NON_REPUDIATION;
    case KeyUsage::encrypt: return key_management;
    case KeyUsage::both: return X509v3_KU_DIGITAL_SIGNATURE | key_management;
  }
  return X509v3_KU_DIGITAL_SIGNATURE | key_management;
}

bool is_plain_address(std::string_view address) noexcept {
  const auto at = address.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= address.size() || address.size() > 254) return false;
  if (address.find('@', at + 1) != std::string_view::npos) return false;
  for (const char c : address.substr(0, at)) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F || std::string_view("()<>[]\\,;:\"").find(c) != std::string_view::npos) return false;
  }
  return is_dns_name(address.substr(at + 1)) && address.substr(at + 1).find('.') != std::string_view::npos;
}

Csr make_csr(EVP_PKEY* key, const CsrRequest& request) {
  ossl::ensure_initialized();
  ossl::ClearErrorsOnExit clear;
  if (key == nullptr) throw Error(Errc::internal, "no key");
  if (request.emails.empty() && request.dns_names.empty()) throw Error(Errc::usage, "a CSR needs at least one address");
  for (const auto& e : request.emails) {
    if (!is_plain_address(e)) {
      throw Error(Errc::usage, "not a plain ASCII e-mail address: " + e +
                                   " (internationalised addresses need SmtpUTF8Mailbox, not supported yet)");
    }
  }
  for (const auto& d : request.dns_names) {
    if (!is_dns_name(d)) throw Error(Errc::usage, "not a DNS name: " + d);
  }
  const bool ec = EVP_PKEY_is_a(key, "EC") == 1;
  if (!ec && EVP_PKEY_is_a(key, "RSA") != 1) throw Error(Errc::unsupported_algorithm, "CSR keys must be RSA or EC");
  if (!ec && EVP_PKEY_get_bits(key) < 2048) throw Error(Errc::weak_algorithm, "RSA keys need at least 2048 bits");

  ossl::X509ReqPtr req(X509_REQ_new());
  if (!req || X509_REQ_set_version(req.get(), 0) != 1) ossl::throw_last(Errc::internal, "CSR");
  if (!request.common_name.empty()) {
    X509_NAME* subject = X509_REQ_get_subject_name(req.get());
    if (X509_NAME_add_entry_by_NID(subject, NID_commonName, MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(request.common_name.data()),
                                   static_cast<int>(request.common_name.size()), -1, 0) != 1) {
      ossl::throw_last(Errc::usage, "common name");
    }
  }
  if (X509_REQ_set_pubkey(req.get(), key) != 1) ossl::throw_last(Errc::internal, "CSR public key");

  ossl::X509ExtensionStackPtr exts(sk_X509_EXTENSION_new_null());
  ossl::GeneralNamesPtr names(GENERAL_NAMES_new());
  if (!exts || !names) ossl::throw_last(Errc::internal, "CSR extensions");
  for (const auto& e : request.emails) add_general_name(names.get(), GEN_EMAIL, e);
  for (const auto& d : request.dns_names) add_general_name(names.get(), GEN_DNS, d);
  // RFC 5280 §4.2.1.6: with an empty subject the SAN must be critical.
  push_extension(exts.get(), NID_subject_alt_name, request.common_name.empty(), names.get());

  ossl::Asn1BitStringPtr ku(ASN1_BIT_STRING_new());
  if (!ku) ossl::throw_last(Errc::internal, "keyUsage");
  const unsigned bits = key_usage_bits(request.usage, ec);
  for (int bit = 0; bit < 9; ++bit) {
    // X509v3_KU_* put bit n of the DER BIT STRING at 0x80 >> n (bit 8 = decipherOnly at 0x8000).
    const unsigned mask = bit < 8 ? (0x80u >> bit) : 0x8000u;
    if ((bits & mask) != 0 && ASN1_BIT_STRING_set_bit(ku.get(), bit, 1) != 1) ossl::throw_last(Errc::internal, "keyUsage");
  }
  push_extension(exts.get(), NID_key_usage, true, ku.get());  // S/MIME BR: SHOULD be critical
  if (X509_REQ_add_extensions(req.get(), exts.get()) != 1) ossl::throw_last(Errc::internal, "CSR extensions");

  const bool p384 = ec && EVP_PKEY_get_bits(key) > 256;
  if (X509_REQ_sign(req.get(), key, p384 ? ossl::sha384() : ossl::sha256()) <= 0) ossl::throw_last(Errc::internal, "CSR signature");
  Csr out;
  out.der = to_der(req.get());
  out.pem = to_pem(req.get());
  out.request = std::move(req);
  return out;
}

}  // namespace inkan::enrol
