#include "cms/attributes.h"

#include "error.h"
#include "ossl/error_queue.h"
#include "x509/cert.h"

#include <openssl/err.h>
#include <openssl/objects.h>

namespace inkan::cms {
namespace {

// Minimal DER writing for the two attributes OpenSSL has no builder for.
std::string der_length(std::size_t n) {
  std::string out;
  if (n < 128) {
    out.push_back(static_cast<char>(n));
    return out;
  }
  std::string bytes;
  while (n > 0) {
    bytes.insert(bytes.begin(), static_cast<char>(n & 0xFF));
    n >>= 8;
  }
  out.push_back(static_cast<char>(0x80 | bytes.size()));
  return out + bytes;
}

std::string tlv(unsigned char tag, const std::string& content) {
  return std::string(1, static_cast<char>(tag)) + der_length(content.size()) + content;
}

std::string oid_der(int nid) {
  const ASN1_OBJECT* obj = OBJ_nid2obj(nid);
  const int len = i2d_ASN1_OBJECT(obj, nullptr);
  std::string out(static_cast<std::size_t>(len), '\0');
  auto* p = reinterpret_cast<unsigned char*>(out.data());
  i2d_ASN1_OBJECT(obj, &p);
  return out;
}

template <typename T, int (*I2d)(const T*, unsigned char**)>
std::string to_der(const T* value) {
  const int len = I2d(value, nullptr);
  if (len <= 0) return {};
  std::string out(static_cast<std::size_t>(len), '\0');
  auto* p = reinterpret_cast<unsigned char*>(out.data());
  I2d(value, &p);
  return out;
}

int i2d_name(const X509_NAME* n, unsigned char** p) { return i2d_X509_NAME(n, p); }
int i2d_int(const ASN1_INTEGER* n, unsigned char** p) { return i2d_ASN1_INTEGER(n, p); }

constexpr const char* kEncrypKeyPrefOid = "1.2.840.113549.1.9.16.2.11";

ossl::Asn1ObjectPtr key_pref_oid() { return ossl::Asn1ObjectPtr(OBJ_txt2obj(kEncrypKeyPrefOid, 1)); }

}  // namespace

std::string oaep_sha256_params_der() {
  // SHA-256 AlgorithmIdentifier without parameters (RFC 5754 §2).
  const std::string sha256 = tlv(0x30, oid_der(NID_sha256));
  const std::string mgf1 = tlv(0x30, oid_der(NID_mgf1) + sha256);
  return tlv(0x30, tlv(0xA0, sha256) + tlv(0xA1, mgf1));
}

std::string capability_name(const ASN1_OBJECT* oid) {
  switch (OBJ_obj2nid(oid)) {
    case NID_aes_256_gcm: return "aes256-gcm";
    case NID_aes_192_gcm: return "aes192-gcm";
    case NID_aes_128_gcm: return "aes128-gcm";
    case NID_aes_256_cbc: return "aes256-cbc";
    case NID_aes_192_cbc: return "aes192-cbc";
    case NID_aes_128_cbc: return "aes128-cbc";
    case NID_des_ede3_cbc: return "des-ede3-cbc";
    case NID_rc2_cbc: return "rc2-cbc";
    case NID_des_cbc: return "des-cbc";
    case NID_rsaesOaep: return "rsaes-oaep";
    case NID_rsaEncryption: return "rsa";
    case NID_sha256: return "sha256";
    case NID_sha384: return "sha384";
    case NID_sha512: return "sha512";
    case NID_sha1: return "sha1";
    case NID_chacha20_poly1305: return "chacha20-poly1305";
    default: break;
  }
  char buf[128];
  OBJ_obj2txt(buf, sizeof buf, oid, 1);
  const std::string text = buf;
  if (text == "1.2.840.113549.1.9.16.11.1") return "prefer-binary-inside";
  if (text == "1.3.132.1.11.1") return "ecdh-sha256kdf";
  return text;
}

std::vector<Capability> read_capabilities(CMS_SignerInfo* si) {
  ossl::ClearErrorsOnExit clear;
  std::vector<Capability> out;
  const int idx = CMS_signed_get_attr_by_NID(si, NID_SMIMECapabilities, -1);
  if (idx < 0) return out;
  X509_ATTRIBUTE* attr = CMS_signed_get_attr(si, idx);
  const ASN1_TYPE* value = X509_ATTRIBUTE_get0_type(attr, 0);
  if (value == nullptr || value->type != V_ASN1_SEQUENCE) return out;
  const unsigned char* p = value->value.sequence->data;
  ossl::AlgorStackPtr algs(
      d2i_X509_ALGORS(nullptr, &p, value->value.sequence->length));
  if (!algs) return out;
  for (int i = 0; i < sk_X509_ALGOR_num(algs.get()); ++i) {
    const X509_ALGOR* alg = sk_X509_ALGOR_value(algs.get(), i);
    const ASN1_OBJECT* oid = nullptr;
    int ptype = 0;
    const void* pval = nullptr;
    X509_ALGOR_get0(&oid, &ptype, &pval, alg);
    Capability cap;
    char buf[128];
    OBJ_obj2txt(buf, sizeof buf, oid, 1);
    cap.oid = buf;
    cap.name = capability_name(oid);
    if (ptype != V_ASN1_UNDEF && alg->parameter != nullptr) {
      const int len = i2d_ASN1_TYPE(alg->parameter, nullptr);
      if (len > 0) {
        cap.params_der.resize(static_cast<std::size_t>(len));
        auto* w = reinterpret_cast<unsigned char*>(cap.params_der.data());
        i2d_ASN1_TYPE(alg->parameter, &w);
      }
    }
    out.push_back(std::move(cap));
  }
  return out;
}

void add_capabilities(CMS_SignerInfo* si) {
  ossl::ClearErrorsOnExit clear;
  STACK_OF(X509_ALGOR)* algs = sk_X509_ALGOR_new_null();
  ossl::AlgorStackPtr owner(algs);
  for (const int nid : {NID_aes_256_gcm, NID_aes_128_gcm, NID_aes_256_cbc, NID_aes_192_cbc, NID_aes_128_cbc}) {
    if (CMS_add_simple_smimecap(&algs, nid, -1) != 1) ossl::throw_last(Errc::internal, "smimeCapabilities");
  }
  // RSAES-OAEP with SHA-256: peers that honour it use OAEP instead of PKCS#1 v1.5.
  const std::string params = oaep_sha256_params_der();
  ossl::Asn1StringPtr seq(ASN1_STRING_type_new(V_ASN1_SEQUENCE));
  ASN1_STRING_set(seq.get(), params.data(), static_cast<int>(params.size()));
  X509_ALGOR* oaep = X509_ALGOR_new();
  X509_ALGOR_set0(oaep, OBJ_nid2obj(NID_rsaesOaep), V_ASN1_SEQUENCE, seq.release());
  sk_X509_ALGOR_push(algs, oaep);
  if (CMS_add_smimecap(si, algs) != 1) ossl::throw_last(Errc::internal, "smimeCapabilities");
}

void add_encryption_key_preference(CMS_SignerInfo* si, X509* cert) {
  // SMIMEEncryptionKeyPreference ::= CHOICE { issuerAndSerialNumber [0] IssuerAndSerialNumber, ... }
  // The module uses IMPLICIT tags: [0] replaces the SEQUENCE tag.
  const std::string content = to_der<X509_NAME, i2d_name>(X509_get_issuer_name(cert)) +
                              to_der<ASN1_INTEGER, i2d_int>(X509_get0_serialNumber(cert));
  const std::string value = tlv(0xA0, content);
  const auto oid = key_pref_oid();
  if (CMS_signed_add1_attr_by_OBJ(si, oid.get(), V_ASN1_SEQUENCE, value.data(), static_cast<int>(value.size())) != 1) {
    ossl::throw_last(Errc::internal, "SMIMEEncryptionKeyPreference");
  }
}

std::optional<KeyPreference> read_encryption_key_preference(CMS_SignerInfo* si) {
  ossl::ClearErrorsOnExit clear;
  const auto oid = key_pref_oid();
  const int idx = CMS_signed_get_attr_by_OBJ(si, oid.get(), -1);
  if (idx < 0) return std::nullopt;
  const ASN1_TYPE* value = X509_ATTRIBUTE_get0_type(CMS_signed_get_attr(si, idx), 0);
  // The [0] choice arrives as an "other" type carrying the whole encoding. Any other
  // type (a BOOLEAN, say) keeps something else in the union: never read it as a string.
  if (value == nullptr || (value->type != V_ASN1_OTHER && value->type != V_ASN1_SEQUENCE) ||
      value->value.asn1_string == nullptr) {
    return std::nullopt;
  }
  const ASN1_STRING* raw = value->value.asn1_string;
  const unsigned char* p = raw->data;
  long len = 0;
  int tag = 0, xclass = 0;
  if ((ASN1_get_object(&p, &len, &tag, &xclass, raw->length) & 0x80) != 0) return std::nullopt;
  if (tag != 0 || xclass != V_ASN1_CONTEXT_SPECIFIC) return std::nullopt;
  const unsigned char* end = p + len;
  ossl::X509NamePtr issuer(d2i_X509_NAME(nullptr, &p, end - p));
  ossl::Asn1IntegerPtr serial(d2i_ASN1_INTEGER(nullptr, &p, end - p));
  if (!issuer || !serial) return std::nullopt;
  KeyPreference pref;
  pref.issuer = x509::name_string(issuer.get());
  ossl::BignumPtr bn(ASN1_INTEGER_to_BN(serial.get(), nullptr));
  ossl::OsslStringPtr hex(bn ? BN_bn2hex(bn.get()) : nullptr);
  if (hex) pref.serial = hex.get();
  return pref;
}

AttributeCheck check_signed_attributes(CMS_ContentInfo* cms, CMS_SignerInfo* si) {
  ossl::ClearErrorsOnExit clear;
  AttributeCheck check;
  check.present = CMS_signed_get_attr_count(si) > 0;
  if (!check.present) return check;

  const auto fail = [&](const char* why) {
    check.valid = false;
    if (check.problem.empty()) check.problem = why;
  };
  // Each of these attributes must occur once, with exactly one value.
  const auto single = [&](int nid) -> const ASN1_TYPE* {
    const int first = CMS_signed_get_attr_by_NID(si, nid, -1);
    if (first < 0) return nullptr;
    if (CMS_signed_get_attr_by_NID(si, nid, first) >= 0) {
      fail("attribute repeated");
      return nullptr;
    }
    X509_ATTRIBUTE* attr = CMS_signed_get_attr(si, first);
    if (X509_ATTRIBUTE_count(attr) != 1) {
      fail("attribute must have one value");
      return nullptr;
    }
    return X509_ATTRIBUTE_get0_type(attr, 0);
  };

  // RFC 5652 §11.1-11.3: these are signed attributes; OpenSSL's own check refuses unsigned copies,
  // which would otherwise surface as an unexplained signature failure.
  for (const int nid : {NID_pkcs9_contentType, NID_pkcs9_messageDigest, NID_pkcs9_signingTime}) {
    if (CMS_unsigned_get_attr_by_NID(si, nid, -1) >= 0) fail("contentType, messageDigest or signingTime unsigned");
  }
  const ASN1_TYPE* ct = single(NID_pkcs9_contentType);
  if (ct == nullptr || ct->type != V_ASN1_OBJECT) {
    fail("contentType attribute missing or malformed");
  } else if (OBJ_cmp(ct->value.object, CMS_get0_eContentType(cms)) != 0) {
    fail("contentType attribute differs from the content");
  }
  const ASN1_TYPE* md = single(NID_pkcs9_messageDigest);
  if (md == nullptr || md->type != V_ASN1_OCTET_STRING) {
    fail("messageDigest attribute missing or malformed");
  } else {
    check.message_digest.assign(reinterpret_cast<const char*>(ASN1_STRING_get0_data(md->value.octet_string)),
                                static_cast<std::size_t>(ASN1_STRING_length(md->value.octet_string)));
  }
  if (CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1) >= 0) {
    const ASN1_TYPE* st = single(NID_pkcs9_signingTime);
    if (st == nullptr || (st->type != V_ASN1_UTCTIME && st->type != V_ASN1_GENERALIZEDTIME)) {
      fail("signingTime attribute malformed");
    } else if (auto t = x509::to_epoch(st->value.utctime)) {
      check.signing_time = t;
    } else {
      fail("signingTime attribute malformed");
    }
  }
  return check;
}

}  // namespace inkan::cms
