#include "store/contact.h"

#include "error.h"
#include "mime/address.h"
#include "mime/codec.h"
#include "mime/date.h"
#include "ossl/library.h"
#include "x509/cert.h"

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <nlohmann/json.hpp>

#include <algorithm>

namespace inkan::store {
namespace {

constexpr std::string_view kFormat = "inkan-contact";

bool is_hex(std::string_view s, std::size_t size) {
  return s.size() == size && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

std::string iso(std::int64_t t) { return mime::format_iso8601(t); }

std::optional<std::string> hex_decode(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  const auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = nibble(hex[i]);
    const int lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

class Reader {
public:
  explicit Reader(std::string_view where) : m_where(where) {}

  [[noreturn]] void corrupt(const std::string& what) const {
    throw Error(Errc::store_corrupt, std::string(m_where) + ": " + what);
  }

  std::int64_t time(const nlohmann::json& obj, const char* name) const {
    const auto it = obj.find(name);
    if (it == obj.end() || !it->is_string()) corrupt(std::string("no ") + name);
    const auto t = mime::parse_iso8601(it->get<std::string>());
    if (!t) corrupt(std::string("bad ") + name);
    return *t;
  }

  std::optional<std::int64_t> optional_time(const nlohmann::json& obj, const char* name) const {
    const auto it = obj.find(name);
    if (it == obj.end() || it->is_null()) return std::nullopt;
    return time(obj, name);
  }

  std::string fingerprint_or_empty(const nlohmann::json& obj, const char* name) const {
    const auto it = obj.find(name);
    if (it == obj.end() || it->is_null()) return {};
    if (!it->is_string() || !is_hex(it->get<std::string>(), 64)) corrupt(std::string("bad ") + name);
    return it->get<std::string>();
  }

private:
  std::string_view m_where;
};

std::string authority_key_id(X509* cert) {
  const ASN1_OCTET_STRING* akid = X509_get0_authority_key_id(cert);
  if (akid == nullptr) return {};
  return mime::hex_encode(std::string_view(reinterpret_cast<const char*>(ASN1_STRING_get0_data(akid)),
                                           static_cast<std::size_t>(ASN1_STRING_length(akid))));
}

std::string name_der(const X509_NAME* name) {
  unsigned char* out = nullptr;
  const int len = i2d_X509_NAME(name, &out);
  const ossl::OsslBytesPtr owned(out);
  return len > 0 ? std::string(reinterpret_cast<const char*>(out), static_cast<std::size_t>(len)) : std::string();
}

// Key usage for each use, as for the user's own identities (RFC 8550 §4.4.2).
bool key_usage_allows(X509* cert, const std::string& key_type, Usage usage) {
  const auto ku = x509::key_usage(cert);
  if (!ku) return true;
  if (usage == Usage::sign) return (*ku & (X509v3_KU_DIGITAL_SIGNATURE | X509v3_KU_NON_REPUDIATION)) != 0;
  if (key_type == "rsa" || key_type == "rsa-pss") return (*ku & X509v3_KU_KEY_ENCIPHERMENT) != 0;
  if (key_type == "ec" || key_type == "dh" || key_type == "x25519") return (*ku & X509v3_KU_KEY_AGREEMENT) != 0;
  return (*ku & (X509v3_KU_KEY_ENCIPHERMENT | X509v3_KU_KEY_AGREEMENT)) != 0;
}

// Bounded text from a message: one line, at most `max` bytes, cut at a UTF-8 boundary.
std::string one_line(std::string_view text, std::size_t max) {
  std::string out;
  for (const char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) continue;
    out.push_back(c);
  }
  if (out.size() > max) {
    std::size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out.resize(cut);
  }
  return out;
}

nlohmann::ordered_json sighting_json(const Sighting& s) {
  return {{"at", iso(s.at)},
          {"message_id", s.message_id},
          {"date", s.date ? nlohmann::ordered_json(iso(*s.date)) : nlohmann::ordered_json(nullptr)},
          {"source", s.source},
          {"verdict", s.verdict}};
}

nlohmann::ordered_json cert_json(const ContactCert& c) {
  nlohmann::ordered_json usage = nlohmann::ordered_json::array();
  if (c.can_sign) usage.push_back("sign");
  if (c.can_encrypt) usage.push_back("encrypt");
  nlohmann::ordered_json sightings = nlohmann::ordered_json::array();
  for (const auto& s : c.sightings) sightings.push_back(sighting_json(s));
  return {
      {"fingerprint", c.fingerprint},
      {"status", cert_status_name(c.status)},
      {"origin", c.origin},
      {"trusted", c.trusted},
      {"revoked_at", c.revoked_at ? nlohmann::ordered_json(iso(*c.revoked_at)) : nlohmann::ordered_json(nullptr)},
      {"decided_at", c.decided_at ? nlohmann::ordered_json(iso(*c.decided_at)) : nlohmann::ordered_json(nullptr)},
      {"first_seen", iso(c.first_seen)},
      {"last_seen", iso(c.last_seen)},
      {"times_seen", c.times_seen},
      {"sightings", sightings},
      {"chain", c.chain},
      // Informational; recomputed from the certificate when read.
      {"subject", c.subject},
      {"issuer", c.issuer},
      {"serial", c.serial},
      {"not_before", iso(c.not_before)},
      {"not_after", iso(c.not_after)},
      {"usage", usage},
      {"certificate", x509::to_pem(c.cert.get())},
  };
}

Sighting parse_sighting(const nlohmann::json& j, const Reader& r) {
  if (!j.is_object()) r.corrupt("bad sighting");
  Sighting s;
  s.at = r.time(j, "at");
  s.message_id = one_line(j.value("message_id", std::string()), 256);
  s.date = r.optional_time(j, "date");
  s.source = one_line(j.value("source", std::string()), 64);
  s.verdict = one_line(j.value("verdict", std::string()), 32);
  return s;
}

ContactCert parse_cert(const nlohmann::json& j, const Reader& r) {
  if (!j.is_object()) r.corrupt("bad certificate entry");
  auto certs = x509::parse_certificates(j.at("certificate").get<std::string>());
  if (certs.size() != 1) r.corrupt("bad certificate");
  // The certificate is the truth: every summary field is recomputed from it, so an
  // edited summary cannot make it look usable for what it is not.
  ContactCert c = describe_contact_cert(certs.front().get());
  if (j.at("fingerprint").get<std::string>() != c.fingerprint) r.corrupt("a fingerprint does not match its certificate");
  const auto status = cert_status_from(j.at("status").get<std::string>());
  if (!status) r.corrupt("unknown certificate status");
  c.status = *status;
  c.origin = one_line(j.value("origin", std::string()), 32);
  c.trusted = j.value("trusted", false);
  c.revoked_at = r.optional_time(j, "revoked_at");
  c.decided_at = r.optional_time(j, "decided_at");
  c.first_seen = r.time(j, "first_seen");
  c.last_seen = r.time(j, "last_seen");
  c.times_seen = j.value("times_seen", std::uint64_t{1});
  for (const auto& s : j.at("sightings")) {
    if (c.sightings.size() < Contact::kMaxSightings) c.sightings.push_back(parse_sighting(s, r));
  }
  for (const auto& fp : j.at("chain")) {
    const std::string f = fp.get<std::string>();
    if (!is_hex(f, 64)) r.corrupt("bad chain fingerprint");
    if (c.chain.size() < 8) c.chain.push_back(f);
  }
  return c;
}

}  // namespace

const char* cert_status_name(CertStatus status) {
  switch (status) {
    case CertStatus::current: return "current";
    case CertStatus::previous: return "previous";
    case CertStatus::pending: return "pending";
    case CertStatus::rejected: return "rejected";
    case CertStatus::unverified: return "unverified";
  }
  return "unverified";
}

std::optional<CertStatus> cert_status_from(std::string_view name) {
  for (const auto s : {CertStatus::current, CertStatus::previous, CertStatus::pending, CertStatus::rejected,
                       CertStatus::unverified}) {
    if (name == cert_status_name(s)) return s;
  }
  return std::nullopt;
}

std::vector<Usage> ContactCert::uses() const {
  std::vector<Usage> out;
  if (can_sign) out.push_back(Usage::sign);
  if (can_encrypt) out.push_back(Usage::encrypt);
  // A certificate that allows neither still signed what it was seen in (or was handed
  // over as a file): it stands for the person's key as a signing certificate.
  if (out.empty()) out.push_back(Usage::sign);
  return out;
}

ContactCert* Contact::find(std::string_view fingerprint) {
  for (auto& c : certs) {
    if (c.fingerprint == fingerprint) return &c;
  }
  return nullptr;
}

const ContactCert* Contact::find(std::string_view fingerprint) const {
  for (const auto& c : certs) {
    if (c.fingerprint == fingerprint) return &c;
  }
  return nullptr;
}

const ContactCert* Contact::current(Usage usage) const {
  const std::string& fp = usage == Usage::sign ? current_sign : current_encrypt;
  return fp.empty() ? nullptr : find(fp);
}

bool Contact::key_change_pending() const {
  return std::any_of(certs.begin(), certs.end(), [](const ContactCert& c) { return c.status == CertStatus::pending; });
}

ContactCert describe_contact_cert(X509* cert) {
  const x509::CertSummary s = x509::summarize(cert);
  ContactCert c;
  c.fingerprint = s.fingerprint_sha256;
  c.cert = share(ossl::up_ref(cert));
  c.addresses = s.emails;
  c.subject = s.subject;
  c.issuer = s.issuer;
  c.serial = s.serial;
  c.issuer_der = name_der(X509_get_issuer_name(cert));
  c.authority_key_id = authority_key_id(cert);
  c.not_before = s.not_before;
  c.not_after = s.not_after;
  c.key_type = s.key_type;
  c.key_bits = s.key_bits;
  c.can_sign = key_usage_allows(cert, s.key_type, Usage::sign);
  c.can_encrypt = key_usage_allows(cert, s.key_type, Usage::encrypt);
  c.email_protection = x509::allows_email_protection(cert);
  // Self-issued (its own issuer): nobody but the key's holder vouches for it. OpenSSL's
  // EXFLAG_SS needs keyCertSign, which a self-signed end-entity certificate rarely has.
  c.self_signed = X509_NAME_cmp(X509_get_subject_name(cert), X509_get_issuer_name(cert)) == 0;
  ERR_clear_error();
  return c;
}

std::string contact_key(std::string_view address) {
  const std::string normal = mime::normalize_address(address);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  ossl::ensure_initialized();
  if (EVP_Digest(normal.data(), normal.size(), md, &len, ossl::sha256(), nullptr) != 1) {
    throw Error(Errc::internal, "SHA-256");
  }
  return mime::hex_encode(std::string_view(reinterpret_cast<const char*>(md), len));
}

std::string contact_relative_path(std::string_view address) {
  const std::string key = contact_key(address);
  return "contacts/" + key.substr(0, 2) + "/" + key + ".json";
}

bool is_contact_file_name(std::string_view name) {
  return name.size() == 69 && name.substr(64) == ".json" && is_hex(name.substr(0, 64), 64);
}

bool is_contact_shard_name(std::string_view name) { return is_hex(name, 2); }

std::string contact_file_text(const Contact& contact) {
  using Json = nlohmann::ordered_json;
  Json certs = Json::array();
  for (const auto& c : contact.certs) certs.push_back(cert_json(c));
  Json caps = nullptr;
  if (contact.capabilities) {
    Json list = Json::array();
    for (const auto& cap : contact.capabilities->list) {
      list.push_back({{"name", cap.name}, {"oid", cap.oid}, {"params", mime::hex_encode(cap.params_der)}});
    }
    caps = {{"at", iso(contact.capabilities->at)}, {"from", contact.capabilities->from_fingerprint}, {"list", list}};
  }
  const auto fp_or_null = [](const std::string& fp) { return fp.empty() ? Json(nullptr) : Json(fp); };
  const Json doc = {
      {"format", kFormat},
      {"version", Contact::kVersion},
      {"address", contact.address},
      {"created_at", iso(contact.created_at)},
      {"updated_at", iso(contact.updated_at)},
      {"current", {{"sign", fp_or_null(contact.current_sign)}, {"encrypt", fp_or_null(contact.current_encrypt)}}},
      {"capabilities", caps},
      {"certificates", certs},
  };
  return doc.dump(1) + "\n";
}

Contact parse_contact_file(std::string_view text, std::string_view expected_key, std::string_view where) {
  const Reader r(where);
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception&) {
    r.corrupt("not JSON");
  }
  if (!doc.is_object() || doc.value("format", std::string()) != kFormat) r.corrupt("not an Inkan contact");
  const auto version = doc.find("version");
  if (version == doc.end() || !version->is_number_integer() || version->get<int>() < 1) r.corrupt("no version");
  if (version->get<int>() > Contact::kVersion) {
    throw Error(Errc::store_version_unsupported,
                std::string(where) + " has version " + std::to_string(version->get<int>()));
  }
  try {
    Contact c;
    c.address = doc.at("address").get<std::string>();
    if (c.address != mime::normalize_address(c.address) || c.address.find('@') == std::string::npos) {
      r.corrupt("bad address");
    }
    if (contact_key(c.address) != expected_key) r.corrupt("the address does not match the file name");
    c.created_at = r.time(doc, "created_at");
    c.updated_at = r.time(doc, "updated_at");
    const auto& current = doc.at("current");
    c.current_sign = r.fingerprint_or_empty(current, "sign");
    c.current_encrypt = r.fingerprint_or_empty(current, "encrypt");
    for (const auto& j : doc.at("certificates")) {
      ContactCert cert = parse_cert(j, r);
      if (c.find(cert.fingerprint) != nullptr) r.corrupt("a certificate is listed twice");
      c.certs.push_back(std::move(cert));
    }
    // `current` and the statuses must tell the same story.
    for (const auto& cert : c.certs) {
      const bool holds = cert.fingerprint == c.current_sign || cert.fingerprint == c.current_encrypt;
      if (holds != (cert.status == CertStatus::current)) r.corrupt("the current certificates and the statuses disagree");
    }
    for (const Usage u : {Usage::sign, Usage::encrypt}) {
      const std::string& fp = u == Usage::sign ? c.current_sign : c.current_encrypt;
      if (!fp.empty() && c.find(fp) == nullptr) r.corrupt("a current certificate is missing");
    }
    if (const auto caps = doc.find("capabilities"); caps != doc.end() && !caps->is_null()) {
      AdvertisedCapabilities a;
      a.at = r.time(*caps, "at");
      a.from_fingerprint = caps->value("from", std::string());
      for (const auto& cap : caps->at("list")) {
        cms::Capability one;
        one.name = one_line(cap.at("name").get<std::string>(), 64);
        one.oid = one_line(cap.at("oid").get<std::string>(), 64);
        const auto params = hex_decode(cap.value("params", std::string()));
        if (!params) r.corrupt("bad capability parameters");
        one.params_der = *params;
        if (a.list.size() < 32) a.list.push_back(std::move(one));
      }
      c.capabilities = std::move(a);
    }
    return c;
  } catch (const nlohmann::json::exception&) {
    r.corrupt("missing or mistyped fields");
  }
}

}  // namespace inkan::store
