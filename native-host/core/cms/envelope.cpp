#include "cms/envelope.h"

#include "cms/ber.h"
#include "cms/envelope_stream.h"
#include "error.h"
#include "ossl/bio_bridge.h"
#include "ossl/error_queue.h"
#include "ossl/library.h"
#include "x509/cert.h"

#include <openssl/cms.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>

#include <algorithm>

namespace inkan::cms {
namespace {

constexpr const char* kOidData = "1.2.840.113549.1.7.1";
constexpr const char* kOidSigned = "1.2.840.113549.1.7.2";
constexpr const char* kOidEnveloped = "1.2.840.113549.1.7.3";
constexpr const char* kOidDigested = "1.2.840.113549.1.7.5";
constexpr const char* kOidEncrypted = "1.2.840.113549.1.7.6";
constexpr const char* kOidAuthEnveloped = "1.2.840.113549.1.9.16.1.23";
constexpr const char* kOidCompressed = "1.2.840.113549.1.9.16.1.9";

bool advertised(const Recipient& r, std::string_view name) {
  return std::any_of(r.capabilities.begin(), r.capabilities.end(),
                     [&](const Capability& c) { return c.name == name; });
}

const Capability* find_capability(const Recipient& r, std::string_view name) {
  for (const auto& c : r.capabilities) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

std::string key_type(X509* cert) { return x509::key_info(cert).first; }

// OAEP hash from the advertised RSAES-OAEP-params; absent parameters mean SHA-1 (RFC 4055 §4.1).
const EVP_MD* oaep_digest(const Capability& cap) {
  if (cap.params_der.empty()) return ossl::sha1();
  const auto* p = reinterpret_cast<const unsigned char*>(cap.params_der.data());
  ossl::Ptr<RSA_OAEP_PARAMS, RSA_OAEP_PARAMS_free> params(
      d2i_RSA_OAEP_PARAMS(nullptr, &p, static_cast<long>(cap.params_der.size())));
  ERR_clear_error();
  if (!params || params->hashFunc == nullptr) return ossl::sha1();
  const ASN1_OBJECT* oid = nullptr;
  X509_ALGOR_get0(&oid, nullptr, nullptr, params->hashFunc);
  const int nid = OBJ_obj2nid(oid);
  if (nid == NID_sha256 || nid == NID_sha384 || nid == NID_sha512) return ossl::digest_by_nid(nid);
  return ossl::sha1();
}

std::string name_of_cipher_oid(const std::string& oid) {
  static const std::pair<const char*, const char*> table[] = {
      {"2.16.840.1.101.3.4.1.2", "aes-128-cbc"},  {"2.16.840.1.101.3.4.1.22", "aes-192-cbc"},
      {"2.16.840.1.101.3.4.1.42", "aes-256-cbc"}, {"2.16.840.1.101.3.4.1.6", "aes-128-gcm"},
      {"2.16.840.1.101.3.4.1.26", "aes-192-gcm"}, {"2.16.840.1.101.3.4.1.46", "aes-256-gcm"},
      {"2.16.840.1.101.3.4.1.7", "aes-128-ccm"},  {"2.16.840.1.101.3.4.1.47", "aes-256-ccm"},
      {"1.2.840.113549.3.7", "des-ede3-cbc"},      {"1.2.840.113549.3.2", "rc2-cbc"},
      {"1.3.14.3.2.7", "des-cbc"},                 {"1.2.840.113549.1.9.16.3.18", "chacha20-poly1305"},
  };
  for (const auto& [o, n] : table) {
    if (oid == o) return n;
  }
  return oid;
}

// ContentInfo -> [0] content -> the inner SEQUENCE.
std::optional<ber::Tlv> inner_content(std::string_view der, std::string* type_oid) {
  const auto ci = ber::read(der);
  if (!ci || !ci->constructed) return std::nullopt;
  ber::Children children(*ci);
  const auto type = children.next();
  if (!type || type->tag != 6) return std::nullopt;
  if (type_oid != nullptr) *type_oid = ber::oid_text(type->content);
  const auto wrapper = children.next();
  if (!wrapper || wrapper->tag_class != 2 || wrapper->tag != 0) return std::nullopt;
  ber::Children inside(*wrapper);
  return inside.next();
}

}  // namespace

void check_recipient(X509* cert, std::int64_t now) {
  const auto summary = x509::summarize(cert);
  const std::string who = summary.emails.empty() ? summary.subject : summary.emails.front();
  if (summary.not_after < now) throw Error(Errc::recipient_cert_unusable, who + ": certificate expired");
  if (summary.not_before > now) throw Error(Errc::recipient_cert_unusable, who + ": certificate not yet valid");
  const std::string type = summary.key_type;
  const auto ku = x509::key_usage(cert);
  if (type == "rsa") {
    if (ku && (*ku & X509v3_KU_KEY_ENCIPHERMENT) == 0) {
      throw Error(Errc::recipient_cert_unusable, who + ": key usage does not allow key encipherment");
    }
  } else if (type == "ec") {
    if (ku && (*ku & X509v3_KU_KEY_AGREEMENT) == 0) {
      throw Error(Errc::recipient_cert_unusable, who + ": key usage does not allow key agreement");
    }
  } else {
    throw Error(Errc::recipient_cert_unusable, who + ": unsupported key type " + type);
  }
  if (!x509::allows_email_protection(cert)) {
    throw Error(Errc::recipient_cert_unusable, who + ": extended key usage does not include e-mail protection");
  }
}

EncryptionPlan plan_encryption(const std::vector<Recipient>& recipients, CipherChoice choice) {
  EncryptionPlan plan;
  const bool all_gcm = std::all_of(recipients.begin(), recipients.end(),
                                   [](const Recipient& r) { return r.is_self || advertised(r, "aes256-gcm"); });
  plan.authenticated = choice == CipherChoice::aes256_gcm || (choice == CipherChoice::automatic && all_gcm);
  plan.content_cipher = plan.authenticated ? "aes-256-gcm" : "aes-256-cbc";
  for (const auto& r : recipients) {
    const std::string type = key_type(r.cert.get());
    if (type == "ec") {
      plan.key_transport.emplace_back("ecdh-sha256kdf");
    } else if (const Capability* oaep = find_capability(r, "rsaes-oaep"); oaep != nullptr && !r.is_self) {
      plan.key_transport.push_back(std::string("rsa-oaep-") + EVP_MD_get0_name(oaep_digest(*oaep)));
    } else {
      plan.key_transport.emplace_back("rsa-pkcs1-v1_5");
    }
  }
  return plan;
}

namespace {

// The EnvelopedData or AuthEnvelopedData with every RecipientInfo, ready to stream.
ossl::CmsPtr prepare_envelope(const std::vector<Recipient>& recipients, const EncryptionPlan& plan) {
  ossl::ensure_initialized();
  ossl::ClearErrorsOnExit clear;
  const EVP_CIPHER* cipher = plan.authenticated ? EVP_aes_256_gcm() : EVP_aes_256_cbc();
  ossl::CmsPtr cms(CMS_encrypt_ex(nullptr, nullptr, cipher, CMS_PARTIAL | CMS_STREAM | CMS_BINARY, nullptr, nullptr));
  if (!cms) ossl::throw_last(Errc::internal, "CMS_encrypt_ex");
  for (std::size_t i = 0; i < recipients.size(); ++i) {
    const Recipient& r = recipients[i];
    const std::string& transport = plan.key_transport.at(i);
    const bool params = transport != "rsa-pkcs1-v1_5";
    CMS_RecipientInfo* ri = CMS_add1_recipient_cert(cms.get(), r.cert.get(), params ? CMS_KEY_PARAM : 0);
    if (ri == nullptr) ossl::throw_last(Errc::recipient_cert_unusable, "cannot add recipient");
    if (!params) continue;
    EVP_PKEY_CTX* pctx = CMS_RecipientInfo_get0_pkey_ctx(ri);
    if (pctx == nullptr) ossl::throw_last(Errc::internal, "recipient parameters");
    if (transport == "ecdh-sha256kdf") {
      // dhSinglePass-stdDH-sha256kdf-scheme (RFC 5753), what current clients expect.
      if (EVP_PKEY_CTX_set_ecdh_kdf_md(pctx, ossl::sha256()) <= 0) ossl::throw_last(Errc::internal, "ECDH KDF");
    } else {
      const EVP_MD* md = oaep_digest(*find_capability(r, "rsaes-oaep"));
      if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_OAEP_PADDING) <= 0 ||
          EVP_PKEY_CTX_set_rsa_oaep_md(pctx, md) <= 0 || EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) <= 0) {
        ossl::throw_last(Errc::internal, "RSA-OAEP parameters");
      }
    }
  }
  return cms;
}

}  // namespace

Encryptor::Encryptor(const std::vector<Recipient>& recipients, const EncryptionPlan& plan, io::Sink& out)
    : m_stream(prepare_envelope(recipients, plan), out, "encrypting") {}

void Encryptor::update(std::string_view content) { m_stream.update(content); }

void Encryptor::finish() { m_stream.finish(Errc::internal); }

std::string content_type_name(std::string_view der) {
  // Only the ContentInfo header and its first field are needed, so a prefix of the data will do.
  if (der.size() < 2 || static_cast<unsigned char>(der[0]) != 0x30) return {};
  std::size_t pos = 2;
  const auto len0 = static_cast<unsigned char>(der[1]);
  if (len0 > 0x80) pos += len0 & 0x7F;
  if (len0 == 0xFF || pos >= der.size()) return {};
  const auto type = ber::read(der.substr(pos));
  if (!type || type->tag != 6 || type->tag_class != 0) return {};
  const std::string oid = ber::oid_text(type->content);
  if (oid == kOidSigned) return "signed-data";
  if (oid == kOidEnveloped) return "enveloped-data";
  if (oid == kOidAuthEnveloped) return "auth-enveloped-data";
  if (oid == kOidData) return "data";
  if (oid == kOidDigested) return "digested-data";
  if (oid == kOidEncrypted) return "encrypted-data";
  if (oid == kOidCompressed) return "compressed-data";
  return oid;
}

std::string content_cipher_name(std::string_view der) {
  // EnvelopedData ::= SEQUENCE { version, originatorInfo [0] OPTIONAL, recipientInfos SET,
  //                              encryptedContentInfo SEQUENCE { contentType, contentEncryptionAlgorithm, ... }, ... }
  const auto env = inner_content(der, nullptr);
  if (!env) return {};
  ber::Children fields(*env);
  while (auto f = fields.next()) {
    if (f->tag_class != 0 || f->tag != 16) continue;  // the first SEQUENCE is encryptedContentInfo
    ber::Children eci(*f);
    const auto ctype = eci.next();
    const auto alg = eci.next();
    if (!ctype || !alg) return {};
    ber::Children alg_fields(*alg);
    const auto oid = alg_fields.next();
    if (!oid || oid->tag != 6) return {};
    return name_of_cipher_oid(ber::oid_text(oid->content));
  }
  return {};
}

void select_recipient_key(CMS_ContentInfo* cms, const std::vector<const keys::Credentials*>& keys) {
  for (const keys::Credentials* k : keys) {
    // Passing the certificate makes OpenSSL try only the matching RecipientInfo, and
    // a padding failure then surfaces as a decryption failure, not as a guess.
    if (CMS_decrypt_set1_pkey_and_peer(cms, k->key.get(), k->cert.get(), nullptr) == 1) return;
    const unsigned long err = ERR_peek_last_error();
    // OpenSSL 3.0 fails without queuing any error when a RecipientInfo of the key's type
    // exists but none names this certificate: that is "not for this key" too.
    if (err == 0 || (ERR_GET_LIB(err) == ERR_LIB_CMS && ERR_GET_REASON(err) == CMS_R_NO_MATCHING_RECIPIENT)) {
      ERR_clear_error();
      continue;
    }
    if (ERR_GET_REASON(err) == CMS_R_UNKNOWN_CIPHER || ERR_GET_REASON(err) == CMS_R_UNSUPPORTED_KEY_ENCRYPTION_ALGORITHM ||
        ERR_GET_REASON(err) == CMS_R_NOT_SUPPORTED_FOR_THIS_KEY_TYPE) {
      ossl::throw_last(Errc::unsupported_algorithm, "key transport");
    }
    ossl::throw_last(Errc::decrypt_failed, "recipient key");
  }
  throw Error(Errc::no_matching_recipient);
}

void throw_decrypt_error(const std::string& cipher) {
  const unsigned long err = ERR_peek_last_error();
  if (ERR_GET_REASON(err) == CMS_R_UNKNOWN_CIPHER || ERR_GET_REASON(err) == ERR_R_UNSUPPORTED ||
      ERR_GET_REASON(err) == EVP_R_UNSUPPORTED_CIPHER) {
    ossl::throw_last(Errc::unsupported_algorithm, cipher);
  }
  ossl::throw_last(Errc::decrypt_failed);
}

DecryptResult decrypt(std::string_view cms_der, const std::vector<const keys::Credentials*>& keys) {
  const io::ViewSource src(cms_der);
  return decrypt_stream(src, keys);
}

}  // namespace inkan::cms
