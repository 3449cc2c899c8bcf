#include "store/identity.h"

#include "error.h"
#include "mime/address.h"
#include "mime/date.h"
#include "x509/cert.h"

#include <openssl/err.h>

#include <algorithm>

namespace inkan::store {
namespace {

constexpr std::string_view kFormat = "inkan-identity";

[[noreturn]] void corrupt(std::string_view fp, const std::string& what) {
  throw Error(Errc::store_corrupt, "identities/" + std::string(fp) + ".json: " + what);
}

std::string iso(std::int64_t t) { return mime::format_iso8601(t); }

std::int64_t epoch_field(const nlohmann::json& doc, const char* name, std::string_view fp) {
  const auto it = doc.find(name);
  if (it == doc.end() || !it->is_string()) corrupt(fp, std::string("no ") + name);
  const auto t = mime::parse_iso8601(it->get<std::string>());
  if (!t) corrupt(fp, std::string("bad ") + name);
  return *t;
}

ossl::X509Ptr one_certificate(std::string_view pem, std::string_view fp) {
  auto certs = x509::parse_certificates(pem);
  if (certs.size() != 1) corrupt(fp, "bad certificate");
  return std::move(certs.front());
}

bool key_usage_allows(X509* cert, Usage usage) {
  const auto ku = x509::key_usage(cert);
  if (!ku) return true;
  if (usage == Usage::sign) return (*ku & (X509v3_KU_DIGITAL_SIGNATURE | X509v3_KU_NON_REPUDIATION)) != 0;
  // RFC 8550 §4.4.2: RSA recipients need keyEncipherment, (EC)DH ones keyAgreement.
  const auto [type, bits] = x509::key_info(cert);
  (void)bits;
  if (type == "rsa" || type == "rsa-pss") return (*ku & X509v3_KU_KEY_ENCIPHERMENT) != 0;
  if (type == "ec" || type == "dh" || type == "x25519") return (*ku & X509v3_KU_KEY_AGREEMENT) != 0;
  return (*ku & (X509v3_KU_KEY_ENCIPHERMENT | X509v3_KU_KEY_AGREEMENT)) != 0;
}

bool is_hex64(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

}  // namespace

SharedCert share(ossl::X509Ptr cert) { return SharedCert(cert.release(), X509_free); }

bool Identity::has_address(std::string_view address) const {
  const std::string wanted = mime::normalize_address(address);
  return std::find(addresses.begin(), addresses.end(), wanted) != addresses.end();
}

bool Identity::usable_for(Usage usage, std::int64_t t) const {
  return valid_at(t) && email_protection && (usage == Usage::sign ? can_sign : can_encrypt);
}

Identity describe_certificate(X509* cert, const std::vector<X509*>& chain) {
  const x509::CertSummary s = x509::summarize(cert);
  Identity id;
  id.fingerprint = s.fingerprint_sha256;
  id.addresses = s.emails;
  id.can_sign = key_usage_allows(cert, Usage::sign);
  id.can_encrypt = key_usage_allows(cert, Usage::encrypt);
  id.email_protection = x509::allows_email_protection(cert);
  id.is_ca = s.is_ca;
  id.subject = s.subject;
  id.issuer = s.issuer;
  id.serial = s.serial;
  id.not_before = s.not_before;
  id.not_after = s.not_after;
  id.key_type = s.key_type;
  id.key_bits = s.key_bits;
  id.cert = share(ossl::up_ref(cert));
  for (X509* c : chain) id.chain.push_back(share(ossl::up_ref(c)));
  ERR_clear_error();
  return id;
}

std::string identity_file_text(const Identity& id) {
  nlohmann::json chain = nlohmann::json::array();
  for (const auto& c : id.chain) chain.push_back(x509::to_pem(c.get()));
  nlohmann::json usage = nlohmann::json::array();
  if (id.can_sign) usage.push_back("sign");
  if (id.can_encrypt) usage.push_back("encrypt");
  const nlohmann::json doc = {
      {"format", kFormat},
      {"version", Identity::kVersion},
      {"fingerprint", id.fingerprint},
      {"addresses", id.addresses},
      {"usage", usage},
      {"email_protection", id.email_protection},
      {"subject", id.subject},
      {"issuer", id.issuer},
      {"serial", id.serial},
      {"not_before", iso(id.not_before)},
      {"not_after", iso(id.not_after)},
      {"key_type", id.key_type},
      {"key_bits", id.key_bits},
      {"certificate", x509::to_pem(id.cert.get())},
      {"chain", chain},
      {"private_key", id.sealed_key},
      {"key_id", id.key_id},
      {"source", {{"kind", id.source}, {"file", id.source_file}}},
      {"added_at", iso(id.added_at)},
  };
  return doc.dump(2) + "\n";
}

Identity parse_identity_file(std::string_view text, std::string_view expected_fingerprint) {
  const std::string_view fp = expected_fingerprint;
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception&) {
    corrupt(fp, "not JSON");
  }
  if (!doc.is_object() || doc.value("format", std::string()) != kFormat) corrupt(fp, "not an Inkan identity");
  const auto version = doc.find("version");
  if (version == doc.end() || !version->is_number_integer() || version->get<int>() < 1) corrupt(fp, "no version");
  if (version->get<int>() > Identity::kVersion) {
    throw Error(Errc::store_version_unsupported, "identities/" + std::string(fp) + ".json has version " +
                                                     std::to_string(version->get<int>()));
  }
  try {
    // The certificate is the truth; the summary fields are recomputed from it so a
    // hand-edited summary cannot make a certificate look usable for what it is not.
    ossl::X509Ptr cert = one_certificate(doc.at("certificate").get<std::string>(), fp);
    std::vector<ossl::X509Ptr> chain_owned;
    for (const auto& pem : doc.at("chain")) chain_owned.push_back(one_certificate(pem.get<std::string>(), fp));
    std::vector<X509*> chain;
    for (const auto& c : chain_owned) chain.push_back(c.get());
    Identity id = describe_certificate(cert.get(), chain);
    if (id.fingerprint != fp || doc.at("fingerprint").get<std::string>() != fp) {
      corrupt(fp, "the fingerprint does not match the certificate");
    }
    id.sealed_key = doc.at("private_key").get<std::string>();
    if (id.sealed_key.find("-----BEGIN ENCRYPTED PRIVATE KEY-----") == std::string::npos) {
      corrupt(fp, "the private key is missing or not encrypted");
    }
    id.key_id = doc.at("key_id").get<std::string>();
    const auto& source = doc.at("source");
    id.source = source.value("kind", std::string());
    id.source_file = source.value("file", std::string());
    id.added_at = epoch_field(doc, "added_at", fp);
    return id;
  } catch (const nlohmann::json::exception&) {
    corrupt(fp, "missing or mistyped fields");
  }
}

bool is_identity_file_name(std::string_view name) {
  return name.size() == 69 && name.substr(64) == ".json" && is_hex64(name.substr(0, 64));
}

const Identity* select_identity(const std::vector<Identity>& identities, std::string_view address, Usage usage,
                                std::int64_t t) {
  const Identity* best = nullptr;
  for (const auto& id : identities) {
    if (!id.has_address(address) || !id.usable_for(usage, t)) continue;
    if (best == nullptr || id.not_before > best->not_before ||
        (id.not_before == best->not_before && id.not_after > best->not_after) ||
        (id.not_before == best->not_before && id.not_after == best->not_after && id.added_at > best->added_at)) {
      best = &id;
    }
  }
  return best;
}

}  // namespace inkan::store
