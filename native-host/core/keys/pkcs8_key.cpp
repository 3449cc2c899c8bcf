#include "keys/pkcs8_key.h"

#include "cms/ber.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/param_build.h>

#include <array>
#include <optional>
#include <vector>

namespace inkan::keys {
namespace {

using ParamBuildPtr = ossl::Ptr<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>;
using ParamsPtr = ossl::Ptr<OSSL_PARAM, OSSL_PARAM_free>;

constexpr unsigned kInteger = 2, kBitString = 3, kOctetString = 4, kObject = 6, kSequence = 16;

std::optional<cms::ber::Tlv> universal(std::optional<cms::ber::Tlv> t, unsigned tag) {
  if (!t || t->tag_class != 0 || t->tag != tag || t->indefinite) return std::nullopt;
  return t;
}

// A non-negative INTEGER, as OpenSSL's own reader would take it.
ossl::BignumPtr unsigned_integer(const std::optional<cms::ber::Tlv>& t) {
  if (!t || t->content.empty() || (static_cast<unsigned char>(t->content[0]) & 0x80) != 0) return nullptr;
  return ossl::BignumPtr(BN_bin2bn(reinterpret_cast<const unsigned char*>(t->content.data()),
                                   static_cast<int>(t->content.size()), nullptr));
}

ossl::EvpPkeyPtr from_params(const char* type, OSSL_PARAM_BLD* build) {
  ParamsPtr params(OSSL_PARAM_BLD_to_param(build));
  ossl::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* key = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_KEYPAIR, params.get()) != 1) {
    return nullptr;
  }
  return ossl::EvpPkeyPtr(key);
}

// RSAPrivateKey (RFC 8017 A.1.2), two primes: version 0 and eight INTEGERs.
ossl::EvpPkeyPtr rsa_key(std::string_view der) {
  const auto seq = universal(cms::ber::read(der), kSequence);
  if (!seq || seq->whole.size() != der.size()) return nullptr;
  static constexpr std::array<const char*, 8> kNames = {
      OSSL_PKEY_PARAM_RSA_N,         OSSL_PKEY_PARAM_RSA_E,         OSSL_PKEY_PARAM_RSA_D,
      OSSL_PKEY_PARAM_RSA_FACTOR1,   OSSL_PKEY_PARAM_RSA_FACTOR2,   OSSL_PKEY_PARAM_RSA_EXPONENT1,
      OSSL_PKEY_PARAM_RSA_EXPONENT2, OSSL_PKEY_PARAM_RSA_COEFFICIENT1};
  cms::ber::Children children(*seq);
  const auto version = universal(children.next(), kInteger);
  if (!version || version->content != std::string_view("\0", 1)) return nullptr;  // 1 = multi-prime
  std::vector<ossl::BignumPtr> numbers;
  ParamBuildPtr build(OSSL_PARAM_BLD_new());
  if (!build) return nullptr;
  for (const char* name : kNames) {
    numbers.push_back(unsigned_integer(universal(children.next(), kInteger)));
    if (!numbers.back() || OSSL_PARAM_BLD_push_BN(build.get(), name, numbers.back().get()) != 1) return nullptr;
  }
  if (children.next()) return nullptr;
  return from_params("RSA", build.get());
}

// ECPrivateKey (RFC 5915) on a named curve, with its public key.
ossl::EvpPkeyPtr ec_key(std::string_view der, const ASN1_OBJECT* curve) {
  const int nid = OBJ_obj2nid(curve);
  if (nid != NID_X9_62_prime256v1 && nid != NID_secp384r1 && nid != NID_secp521r1) return nullptr;
  const auto seq = universal(cms::ber::read(der), kSequence);
  if (!seq || seq->whole.size() != der.size()) return nullptr;
  cms::ber::Children children(*seq);
  const auto version = universal(children.next(), kInteger);
  const auto secret = universal(children.next(), kOctetString);
  if (!version || version->content != "\x01" || !secret || secret->content.empty()) return nullptr;
  std::string_view point;
  while (const auto field = children.next()) {
    if (field->tag_class != 2 || !field->constructed) return nullptr;
    const auto inner = cms::ber::read(field->content);
    if (!inner || inner->whole.size() != field->content.size()) return nullptr;
    if (field->tag == 0) {  // the curve again: it must be the same one
      const auto oid = universal(inner, kObject);
      if (!oid) return nullptr;
      const auto* p = reinterpret_cast<const unsigned char*>(oid->whole.data());
      ossl::Asn1ObjectPtr again(d2i_ASN1_OBJECT(nullptr, &p, static_cast<long>(oid->whole.size())));
      if (!again || OBJ_cmp(again.get(), curve) != 0) return nullptr;
    } else if (field->tag == 1) {
      const auto bits = universal(inner, kBitString);
      if (!bits || bits->content.size() < 2 || bits->content[0] != 0) return nullptr;
      point = bits->content.substr(1);
    } else {
      return nullptr;
    }
  }
  if (point.empty()) return nullptr;  // OpenSSL derives it; leave that to OpenSSL
  ossl::BignumPtr priv(BN_bin2bn(reinterpret_cast<const unsigned char*>(secret->content.data()),
                                 static_cast<int>(secret->content.size()), nullptr));
  ParamBuildPtr build(OSSL_PARAM_BLD_new());
  if (!priv || !build || OSSL_PARAM_BLD_push_utf8_string(build.get(), OSSL_PKEY_PARAM_GROUP_NAME, OBJ_nid2sn(nid), 0) != 1 ||
      OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_PRIV_KEY, priv.get()) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(build.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1) {
    return nullptr;
  }
  return from_params("EC", build.get());
}

ossl::EvpPkeyPtr known_key(const PKCS8_PRIV_KEY_INFO* info) {
  const ASN1_OBJECT* oid = nullptr;
  const unsigned char* bytes = nullptr;
  int length = 0;
  const X509_ALGOR* algorithm = nullptr;
  if (PKCS8_pkey_get0(&oid, &bytes, &length, &algorithm, info) != 1 || length <= 0) return nullptr;
  const std::string_view der(reinterpret_cast<const char*>(bytes), static_cast<std::size_t>(length));
  int param_type = V_ASN1_UNDEF;
  const void* param = nullptr;
  X509_ALGOR_get0(nullptr, &param_type, &param, algorithm);
  switch (OBJ_obj2nid(oid)) {
    case NID_rsaEncryption:
      return param_type == V_ASN1_NULL || param_type == V_ASN1_UNDEF ? rsa_key(der) : nullptr;
    case NID_X9_62_id_ecPublicKey:
      return param_type == V_ASN1_OBJECT ? ec_key(der, static_cast<const ASN1_OBJECT*>(param)) : nullptr;
    default:
      return nullptr;
  }
}

}  // namespace

ossl::EvpPkeyPtr key_from_pkcs8(const PKCS8_PRIV_KEY_INFO* info) {
  ERR_set_mark();
  ossl::EvpPkeyPtr key = known_key(info);
  ERR_pop_to_mark();  // whatever the shortcut met, OpenSSL's own reader reports for itself
  if (key) return key;
  return ossl::EvpPkeyPtr(EVP_PKCS82PKEY_ex(info, nullptr, nullptr));
}

ossl::EvpPkeyPtr read_pkcs8_pem(std::string_view pem) {
  if (pem.find("-----BEGIN PRIVATE KEY-----") == std::string_view::npos) return nullptr;
  ossl::BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  ERR_set_mark();
  ossl::Pkcs8InfoPtr info(bio ? PEM_read_bio_PKCS8_PRIV_KEY_INFO(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  ERR_pop_to_mark();
  return info ? key_from_pkcs8(info.get()) : nullptr;
}

ossl::EvpPkeyPtr read_pkcs8_der(std::string_view der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  ERR_set_mark();
  ossl::Pkcs8InfoPtr info(d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(der.size())));
  ERR_pop_to_mark();
  if (!info || p != reinterpret_cast<const unsigned char*>(der.data() + der.size())) return nullptr;
  return key_from_pkcs8(info.get());
}

}  // namespace inkan::keys
