#include "store/recipients.h"

#include <openssl/objects.h>

namespace inkan::store {
namespace {

cms::Capability capability(int nid, std::string params = {}) {
  cms::Capability c;
  const ASN1_OBJECT* obj = OBJ_nid2obj(nid);
  char buf[128];
  OBJ_obj2txt(buf, sizeof buf, obj, 1);
  c.oid = buf;
  c.name = cms::capability_name(obj);
  c.params_der = std::move(params);
  return c;
}

bool key_type_encryptable(const std::string& type) { return type == "rsa" || type == "ec"; }

}  // namespace

std::vector<cms::Capability> own_capabilities() {
  std::vector<cms::Capability> out;
  for (const int nid : {NID_aes_256_gcm, NID_aes_128_gcm, NID_aes_256_cbc, NID_aes_192_cbc, NID_aes_128_cbc}) {
    out.push_back(capability(nid));
  }
  out.push_back(capability(NID_rsaesOaep, cms::oaep_sha256_params_der()));
  return out;
}

std::string encryption_problem(const ContactCert& cert, std::int64_t t) {
  if (cert.revoked_at) return reason::revoked;
  if (t < cert.not_before) return reason::not_yet_valid;
  if (t >= cert.not_after) return reason::expired;
  // RFC 8550 §4.4.2 (keyEncipherment for RSA, keyAgreement for EC, when keyUsage is
  // present), §4.4.4 (emailProtection when extendedKeyUsage is present); the engine
  // encrypts to RSA and EC keys (cms/envelope.h).
  if (!cert.can_encrypt || !cert.email_protection || !key_type_encryptable(cert.key_type)) return reason::not_for_encryption;
  return {};
}

std::string identity_encryption_problem(const Identity& identity, std::int64_t t) {
  if (t < identity.not_before) return reason::not_yet_valid;
  if (t >= identity.not_after) return reason::expired;
  if (!identity.can_encrypt || !identity.email_protection || !key_type_encryptable(identity.key_type)) {
    return reason::not_for_encryption;
  }
  return {};
}

}  // namespace inkan::store
