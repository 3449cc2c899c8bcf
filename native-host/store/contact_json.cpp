#include "store/contact_json.h"

#include "mime/date.h"
#include "store/store_json.h"
#include "x509/cert.h"

#include <algorithm>

namespace inkan::store {
namespace {

using Json = nlohmann::ordered_json;

std::string iso(std::int64_t t) { return mime::format_iso8601(t); }
Json iso_or_null(const std::optional<std::int64_t>& t) { return t ? Json(iso(*t)) : Json(nullptr); }
Json fp_or_null(const std::string& fp) { return fp.empty() ? Json(nullptr) : Json(fp); }

std::string validity(std::int64_t not_before, std::int64_t not_after, std::int64_t now) {
  if (now < not_before) return "not_yet_valid";
  if (now >= not_after) return "expired";
  return "valid";
}

Json names_of(const std::vector<cms::Capability>& caps) {
  Json out = Json::array();
  for (const auto& c : caps) out.push_back(c.name);
  return out;
}

Json certificate_summary(const ContactCert& c, std::int64_t now) {
  Json usage = Json::array();
  if (c.can_sign) usage.push_back("sign");
  if (c.can_encrypt) usage.push_back("encrypt");
  return {{"fingerprint", c.fingerprint},
          {"subject", c.subject},
          {"issuer", c.issuer},
          {"serial", c.serial},
          {"addresses", c.addresses},
          {"not_before", iso(c.not_before)},
          {"not_after", iso(c.not_after)},
          {"validity", validity(c.not_before, c.not_after, now)},
          {"usage", usage},
          {"email_protection", c.email_protection},
          {"key", c.key_type + "-" + std::to_string(c.key_bits)},
          {"self_signed", c.self_signed}};
}

// The certificate that stands for the contact: the signing one, else the encryption one.
const ContactCert* shown(const Contact& c) {
  if (const ContactCert* s = c.current(Usage::sign)) return s;
  return c.current(Usage::encrypt);
}

}  // namespace

Json contact_cert_json(const ContactCert& c, std::int64_t now, bool with_pem) {
  Json j = certificate_summary(c, now);
  j["status"] = cert_status_name(c.status);
  j["origin"] = c.origin;
  j["trusted"] = c.trusted;
  j["revoked_at"] = iso_or_null(c.revoked_at);
  j["decided_at"] = iso_or_null(c.decided_at);
  j["first_seen"] = iso(c.first_seen);
  j["last_seen"] = iso(c.last_seen);
  j["times_seen"] = c.times_seen;
  Json seen = Json::array();
  for (const auto& s : c.sightings) {
    seen.push_back({{"at", iso(s.at)},
                    {"message_id", s.message_id},
                    {"date", iso_or_null(s.date)},
                    {"source", s.source},
                    {"verdict", s.verdict}});
  }
  j["sightings"] = seen;
  j["chain"] = c.chain;
  if (with_pem) j["pem"] = x509::to_pem(c.cert.get());
  return j;
}

Json contact_summary_json(const Contact& c, std::int64_t now) {
  Json pending = Json::array();
  for (const auto& cert : c.certs) {
    if (cert.status == CertStatus::pending) pending.push_back(cert.fingerprint);
  }
  const ContactCert* cert = shown(c);
  Json j{{"address", c.address},
         {"created_at", iso(c.created_at)},
         {"updated_at", iso(c.updated_at)},
         {"current", {{"sign", fp_or_null(c.current_sign)}, {"encrypt", fp_or_null(c.current_encrypt)}}},
         {"certificate", cert != nullptr ? certificate_summary(*cert, now) : Json(nullptr)},
         {"trusted", cert != nullptr && cert->trusted},
         {"known_since", cert != nullptr ? Json(iso(cert->first_seen)) : Json(nullptr)},
         {"last_seen", cert != nullptr ? Json(iso(cert->last_seen)) : Json(nullptr)},
         {"pending_change", !pending.empty()},
         {"pending", pending},
         {"certificates", c.certs.size()},
         {"capabilities", c.capabilities ? names_of(c.capabilities->list) : Json(nullptr)}};
  return j;
}

Json contact_json(const Contact& c, std::int64_t now) {
  Json j{{"version", 1}};
  const Json summary = contact_summary_json(c, now);
  for (const auto& [key, value] : summary.items()) j[key] = value;
  Json history = Json::array();
  for (const auto& cert : c.certs) history.push_back(contact_cert_json(cert, now, true));
  j["history"] = history;
  if (c.capabilities) j["capabilities_at"] = iso(c.capabilities->at);
  return j;
}

Json contacts_json(const ContactList& list, std::int64_t now) {
  Json contacts = Json::array();
  for (const auto& c : list.contacts) contacts.push_back(contact_summary_json(c, now));
  Json problems = Json::array();
  for (const auto& p : list.problems) problems.push_back(problem_json(p));
  return {{"version", 1}, {"contacts", contacts}, {"problems", problems}};
}

Json change_json(const ContactChange& ch) {
  return {{"address", ch.address},
          {"change", change_name(ch.change)},
          {"fingerprint", ch.fingerprint},
          {"status", cert_status_name(ch.status)},
          {"replaced", fp_or_null(ch.replaced)},
          {"origin", ch.origin},
          {"trusted", ch.trusted},
          {"known_since", iso(ch.first_seen)},
          {"contact_since", iso(ch.contact_since)}};
}

Json harvest_json(const HarvestReport& report) {
  Json changes = Json::array();
  for (const auto& ch : report.changes) changes.push_back(change_json(ch));
  Json problems = Json::array();
  for (const auto& p : report.problems) problems.push_back(problem_json(p));
  return {{"version", 1}, {"changes", changes}, {"problems", problems}};
}

Json verdict_contact_json(const HarvestReport& report, const Verdict& verdict, const std::vector<std::string>& from) {
  if (verdict.signers.empty() || !verdict.signers.front().cert) return nullptr;
  const std::string& fp = verdict.signers.front().cert->fingerprint_sha256;
  const ContactChange* best = nullptr;
  for (const auto& ch : report.changes) {
    if (ch.fingerprint != fp) continue;
    // The sender's address first: that is the contact the reader sees.
    const bool is_from = std::find(from.begin(), from.end(), ch.address) != from.end();
    if (best == nullptr || (is_from && std::find(from.begin(), from.end(), best->address) == from.end())) best = &ch;
  }
  if (best == nullptr) {
    // The signer's contact could not be read: say so rather than pretend nothing happened.
    for (const auto& p : report.problems) {
      for (const auto& a : verdict.signers.front().cert->emails) {
        if (p.file == contact_relative_path(a)) {
          return {{"address", a}, {"error", {{"code", std::string(code_string(p.code))}, {"detail", p.detail}}}};
        }
      }
    }
    return nullptr;
  }
  return {{"address", best->address},
          {"change", change_name(best->change)},
          {"fingerprint", best->fingerprint},
          {"status", cert_status_name(best->status)},
          {"key_change", best->change == Change::key_change || best->change == Change::rejected},
          {"trusted", best->trusted},
          {"known_since", iso(best->first_seen)},
          {"contact_since", iso(best->contact_since)},
          {"replaced", fp_or_null(best->replaced)}};
}

Json recipients_json(const std::vector<RecipientAnswer>& answers, std::int64_t now) {
  Json list = Json::array();
  Json missing = Json::array();
  for (const auto& a : answers) {
    Json cert = nullptr;
    if (a.cert) {
      const ContactCert c = describe_contact_cert(a.cert.get());
      cert = certificate_summary(c, now);
      cert["pem"] = x509::to_pem(a.cert.get());
    }
    list.push_back({{"address", a.address},
                    {"found", a.found()},
                    {"source", a.source.empty() ? Json(nullptr) : Json(a.source)},
                    {"fingerprint", fp_or_null(a.fingerprint)},
                    {"certificate", cert},
                    {"chain_length", a.chain.size()},
                    {"reason", a.reason.empty() ? Json(nullptr) : Json(a.reason)},
                    {"details", a.details},
                    {"capabilities", a.capabilities_known ? names_of(a.capabilities) : Json(nullptr)},
                    {"known_since", iso_or_null(a.known_since)}});
    if (!a.found()) missing.push_back(a.address);
  }
  return {{"version", 1}, {"recipients", list}, {"missing", missing}};
}

}  // namespace inkan::store
