#include "smime/inspect.h"

#include "cms/envelope.h"
#include "cms/envelope_stream.h"
#include "cms/verify.h"
#include "error.h"
#include "mime/codec.h"
#include "smime/structure.h"
#include "verdict_json.h"
#include "x509/cert.h"

#include <openssl/err.h>

namespace inkan::smime {
namespace {

std::string serial_hex(const ASN1_INTEGER* serial) {
  ossl::BignumPtr bn(ASN1_INTEGER_to_BN(serial, nullptr));
  ossl::OsslStringPtr hex(bn ? BN_bn2hex(bn.get()) : nullptr);
  return hex ? hex.get() : "";
}

std::string oid_name(const ASN1_OBJECT* oid) {
  const int nid = OBJ_obj2nid(oid);
  if (nid != NID_undef && OBJ_nid2ln(nid) != nullptr) return OBJ_nid2ln(nid);
  char buf[96];
  OBJ_obj2txt(buf, sizeof buf, oid, 1);
  return buf;
}

nlohmann::ordered_json describe_recipients(CMS_ContentInfo* cms) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  STACK_OF(CMS_RecipientInfo)* ris = CMS_get0_RecipientInfos(cms);
  for (int i = 0; i < sk_CMS_RecipientInfo_num(ris); ++i) {
    CMS_RecipientInfo* ri = sk_CMS_RecipientInfo_value(ris, i);
    nlohmann::ordered_json r;
    switch (CMS_RecipientInfo_type(ri)) {
      case CMS_RECIPINFO_TRANS: {
        r["type"] = "key-transport";
        ASN1_OCTET_STRING* keyid = nullptr;
        X509_NAME* issuer = nullptr;
        ASN1_INTEGER* serial = nullptr;
        if (CMS_RecipientInfo_ktri_get0_signer_id(ri, &keyid, &issuer, &serial) == 1) {
          if (issuer != nullptr) r["issuer"] = x509::name_string(issuer);
          if (serial != nullptr) r["serial"] = serial_hex(serial);
          if (keyid != nullptr) {
            r["subject_key_id"] = mime::hex_encode(std::string_view(
                reinterpret_cast<const char*>(ASN1_STRING_get0_data(keyid)), static_cast<std::size_t>(ASN1_STRING_length(keyid))));
          }
        }
        X509_ALGOR* alg = nullptr;
        if (CMS_RecipientInfo_ktri_get0_algs(ri, nullptr, nullptr, &alg) == 1 && alg != nullptr) {
          const ASN1_OBJECT* oid = nullptr;
          X509_ALGOR_get0(&oid, nullptr, nullptr, alg);
          r["algorithm"] = oid_name(oid);
        }
        break;
      }
      case CMS_RECIPINFO_AGREE: r["type"] = "key-agreement"; break;
      case CMS_RECIPINFO_KEK: r["type"] = "kek"; break;
      case CMS_RECIPINFO_PASS: r["type"] = "password"; break;
      default: r["type"] = "other"; break;
    }
    out.push_back(std::move(r));
  }
  ERR_clear_error();
  return out;
}

nlohmann::ordered_json describe_cms(const std::string& der) {
  nlohmann::ordered_json j;
  const std::string type = cms::content_type_name(der);
  j["cms_type"] = type.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(type);
  j["cms_bytes"] = der.size();
  if (type.empty()) return j;
  ossl::CmsPtr cms;
  try {
    cms = cms::parse_cms(der);
  } catch (const Error& e) {
    j["problem"] = e.detail().empty() ? std::string(code_string(e.code())) : e.detail();
    return j;
  }
  if (type == "signed-data") {
    nlohmann::ordered_json signers = nlohmann::ordered_json::array();
    STACK_OF(CMS_SignerInfo)* sis = CMS_get0_SignerInfos(cms.get());
    for (int i = 0; i < sk_CMS_SignerInfo_num(sis); ++i) {
      CMS_SignerInfo* si = sk_CMS_SignerInfo_value(sis, i);
      nlohmann::ordered_json s;
      ASN1_OCTET_STRING* keyid = nullptr;
      X509_NAME* issuer = nullptr;
      ASN1_INTEGER* serial = nullptr;
      if (CMS_SignerInfo_get0_signer_id(si, &keyid, &issuer, &serial) == 1) {
        if (issuer != nullptr) s["issuer"] = x509::name_string(issuer);
        if (serial != nullptr) s["serial"] = serial_hex(serial);
      }
      X509_ALGOR* dig = nullptr;
      X509_ALGOR* sig = nullptr;
      CMS_SignerInfo_get0_algs(si, nullptr, nullptr, &dig, &sig);
      const ASN1_OBJECT* oid = nullptr;
      X509_ALGOR_get0(&oid, nullptr, nullptr, dig);
      s["digest_algorithm"] = oid_name(oid);
      X509_ALGOR_get0(&oid, nullptr, nullptr, sig);
      s["signature_algorithm"] = oid_name(oid);
      nlohmann::ordered_json caps = nlohmann::ordered_json::array();
      for (const auto& c : cms::read_capabilities(si)) caps.push_back(c.name);
      s["capabilities"] = caps;
      signers.push_back(std::move(s));
    }
    j["signers"] = signers;
    j["detached"] = CMS_is_detached(cms.get()) == 1;
    nlohmann::ordered_json certs = nlohmann::ordered_json::array();
    for (const auto& c : cms::carried_certificates(cms.get())) certs.push_back(to_json(c, false));
    j["certificates"] = certs;
  } else if (type == "enveloped-data" || type == "auth-enveloped-data") {
    j["content_cipher"] = cms::content_cipher_name(der);
    j["recipients"] = describe_recipients(cms.get());
  }
  ERR_clear_error();
  return j;
}

// Encrypted bodies are described from their header alone: the ciphertext is never read.
nlohmann::ordered_json describe_envelope(const io::Source& der) {
  nlohmann::ordered_json j;
  try {
    const cms::EnvelopeLayout layout = cms::scan_envelope(der);
    j = describe_cms(layout.header_der);
    j["cms_bytes"] = der.size();
  } catch (const Error& e) {
    j["problem"] = std::string(code_string(e.code()));
  }
  return j;
}

nlohmann::ordered_json describe_entity(const io::Source& src, const mime::Entity& e) {
  nlohmann::ordered_json j{
      {"part", e.part_number.empty() ? "root" : e.part_number},
      {"content_type", e.type.mime_type()},
      {"transfer_encoding", e.transfer_encoding},
      {"bytes", e.whole.size()},
  };
  const std::string name = e.type.param("name");
  if (!name.empty()) j["name"] = name;
  try {
    const Layer layer = classify(src, e);
    if (layer.kind != LayerKind::none) {
      j["smime"] = layer.kind == LayerKind::detached_signature ? "detached-signature" : "cms";
      if (!layer.cms_der.empty()) {
        j["cms"] = describe_cms(layer.cms_der);
      } else if (layer.is_encryption()) {
        j["cms"] = describe_envelope(*decoded_body_source(src, e));
      }
      if (!layer.problem.empty()) j["problem"] = layer.problem;
    }
  } catch (const Error& err) {
    j["problem"] = std::string(code_string(err.code()));
  }
  if (!e.children.empty()) {
    nlohmann::ordered_json children = nlohmann::ordered_json::array();
    for (const auto& c : e.children) children.push_back(describe_entity(src, c));
    j["parts"] = children;
  }
  return j;
}

}  // namespace

nlohmann::ordered_json inspect(const io::Source& src) {
  if (const auto der = raw_cms_source(src)) {
    const std::string head = io::read_range(*der, 0, std::min<std::uint64_t>(der->size(), 4096), 4096);
    const std::string type = cms::content_type_name(head);
    if (type == "enveloped-data" || type == "auth-enveloped-data") {
      return nlohmann::ordered_json{{"format", "cms"}, {"cms", describe_envelope(*der)}};
    }
    return nlohmann::ordered_json{{"format", "cms"},
                                  {"cms", describe_cms(io::read_range(*der, 0, der->size(), kMaxCmsBytes))}};
  }
  const mime::Entity root = mime::parse_message(src);
  nlohmann::ordered_json j{{"format", "mime"}};
  for (const char* name : {"From", "Sender", "To", "Subject", "Date"}) {
    if (const mime::Field* f = root.headers.find(name)) j["headers"][name] = f->value;
  }
  j["structure"] = describe_entity(src, root);
  return j;
}

std::optional<Harvest> harvest_signer(const io::Source& src) {
  std::string der;
  if (auto raw = raw_cms(src)) {
    der = std::move(*raw);
  } else {
    const mime::Entity root = mime::parse_message(src);
    Layer layer = classify(src, root);
    if (!layer.is_signature()) return std::nullopt;
    der = std::move(layer.cms_der);
  }
  if (cms::content_type_name(der) != "signed-data") return std::nullopt;
  ossl::CmsPtr cms = cms::parse_cms(der);
  STACK_OF(CMS_SignerInfo)* sis = CMS_get0_SignerInfos(cms.get());
  if (sk_CMS_SignerInfo_num(sis) < 1) return std::nullopt;
  CMS_SignerInfo* si = sk_CMS_SignerInfo_value(sis, 0);
  ossl::X509StackPtr certs(CMS_get1_certs(cms.get()));
  const auto pref = cms::read_encryption_key_preference(si);
  X509* signer = nullptr;
  X509* preferred = nullptr;
  for (int i = 0; certs && i < sk_X509_num(certs.get()); ++i) {
    X509* c = sk_X509_value(certs.get(), i);
    if (CMS_SignerInfo_cert_cmp(si, c) == 0) signer = c;
    // RFC 8551 §2.5.3: a separate encryption certificate, named by issuer and serial.
    if (pref && x509::name_string(X509_get_issuer_name(c)) == pref->issuer && x509::summarize(c).serial == pref->serial) {
      preferred = c;
    }
  }
  ERR_clear_error();
  if (signer == nullptr) return std::nullopt;
  return Harvest{ossl::up_ref(preferred != nullptr ? preferred : signer), cms::read_capabilities(si)};
}

}  // namespace inkan::smime
