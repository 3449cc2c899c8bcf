#include "store/store_json.h"

#include "mime/date.h"
#include "x509/cert.h"

#include <algorithm>

namespace inkan::store {
namespace {

std::string iso(std::int64_t t) { return mime::format_iso8601(t); }

std::int64_t days_until(std::int64_t t, std::int64_t now) {
  const std::int64_t d = t - now;
  return d >= 0 ? d / 86400 : -((-d + 86399) / 86400);
}

std::string validity(std::int64_t not_before, std::int64_t not_after, std::int64_t now) {
  if (now < not_before) return "not_yet_valid";
  if (now >= not_after) return "expired";
  return "valid";
}

bool shares_address(const Identity& a, const Identity& b) {
  return std::any_of(a.addresses.begin(), a.addresses.end(), [&](const std::string& x) { return b.has_address(x); });
}

bool covered(const Identity& old, Usage usage, const std::vector<Identity>& all) {
  return std::any_of(all.begin(), all.end(), [&](const Identity& other) {
    const bool can = usage == Usage::sign ? other.can_sign : other.can_encrypt;
    return other.fingerprint != old.fingerprint && other.not_after > old.not_after && can && other.email_protection &&
           shares_address(old, other);
  });
}

}  // namespace

nlohmann::ordered_json problem_json(const Problem& p) {
  return {{"file", p.file}, {"code", std::string(code_string(p.code))}, {"detail", p.detail}};
}

nlohmann::ordered_json identity_json(const Identity& id, std::int64_t now, bool current_sign, bool current_encrypt) {
  nlohmann::ordered_json usage = nlohmann::ordered_json::array();
  if (id.can_sign) usage.push_back("sign");
  if (id.can_encrypt) usage.push_back("encrypt");
  return {{"fingerprint", id.fingerprint},
          {"addresses", id.addresses},
          {"subject", id.subject},
          {"issuer", id.issuer},
          {"serial", id.serial},
          {"usage", usage},
          {"email_protection", id.email_protection},
          {"is_ca", id.is_ca},
          {"not_before", iso(id.not_before)},
          {"not_after", iso(id.not_after)},
          {"validity", validity(id.not_before, id.not_after, now)},
          {"days_left", days_until(id.not_after, now)},
          {"key_type", id.key_type},
          {"key_bits", id.key_bits},
          {"chain_length", id.chain.size()},
          {"current", {{"sign", current_sign}, {"encrypt", current_encrypt}}},
          {"source", id.source},
          {"source_file", id.source_file},
          {"added_at", iso(id.added_at)}};
}

nlohmann::ordered_json pending_json(const PendingKey& p) {
  return {{"id", p.id},
          {"addresses", p.addresses},
          {"key_type", p.key_type},
          {"usage", p.usage},
          {"source", p.source},
          {"created_at", iso(p.created_at)},
          {"csr", p.csr_pem}};
}

nlohmann::ordered_json identities_json(const IdentityList& list, std::int64_t now, const PendingList* pending) {
  nlohmann::ordered_json ids = nlohmann::ordered_json::array();
  for (const auto& id : list.identities) {
    bool sign = false;
    bool encrypt = false;
    for (const auto& address : id.addresses) {
      const Identity* s = select_identity(list.identities, address, Usage::sign, now);
      const Identity* e = select_identity(list.identities, address, Usage::encrypt, now);
      sign = sign || (s != nullptr && s->fingerprint == id.fingerprint);
      encrypt = encrypt || (e != nullptr && e->fingerprint == id.fingerprint);
    }
    ids.push_back(identity_json(id, now, sign, encrypt));
  }
  nlohmann::ordered_json problems = nlohmann::ordered_json::array();
  for (const auto& p : list.problems) problems.push_back(problem_json(p));
  nlohmann::ordered_json out = {{"version", 1}, {"identities", ids}};
  if (pending != nullptr) {
    nlohmann::ordered_json waiting = nlohmann::ordered_json::array();
    for (const auto& p : pending->pending) waiting.push_back(pending_json(p));
    out["pending"] = waiting;
    for (const auto& p : pending->problems) problems.push_back(problem_json(p));
  }
  out["problems"] = problems;
  return out;
}

std::vector<Identity> expiring_identities(const std::vector<Identity>& all, std::int64_t now, int days) {
  const std::int64_t horizon = now + static_cast<std::int64_t>(days) * 86400;
  std::vector<Identity> out;
  for (const auto& id : all) {
    if (!id.valid_at(now) || id.not_after > horizon) continue;
    const bool sign_renewed = !id.can_sign || covered(id, Usage::sign, all);
    const bool encrypt_renewed = !id.can_encrypt || covered(id, Usage::encrypt, all);
    if (sign_renewed && encrypt_renewed && (id.can_sign || id.can_encrypt)) continue;
    out.push_back(id);
  }
  std::sort(out.begin(), out.end(), [](const Identity& a, const Identity& b) { return a.not_after < b.not_after; });
  return out;
}

nlohmann::ordered_json expiring_json(const std::vector<Identity>& expiring, std::int64_t now, int days) {
  nlohmann::ordered_json items = nlohmann::ordered_json::array();
  for (const auto& id : expiring) items.push_back(identity_json(id, now, false, false));
  // "current" is not computed here: the listing is about renewal, not selection.
  for (auto& item : items) item.erase("current");
  return {{"version", 1}, {"days", days}, {"expiring", items}};
}

nlohmann::ordered_json import_json(const ImportReport& report, std::int64_t now) {
  nlohmann::ordered_json imported = nlohmann::ordered_json::array();
  for (const auto& id : report.added) {
    auto j = identity_json(id, now, false, false);
    j.erase("current");
    imported.push_back(std::move(j));
  }
  nlohmann::ordered_json warnings = nlohmann::ordered_json::array();
  for (const auto& [code, fp] : report.warnings) warnings.push_back({{"code", code}, {"fingerprint", fp}});
  return {{"version", 1},
          {"status", "ok"},
          {"imported", imported},
          {"already_present", report.already_present},
          {"completed_pending", report.completed_pending},
          {"warnings", warnings}};
}

nlohmann::ordered_json anchor_json(const AnchorEntry& a, std::int64_t now) {
  const x509::CertSummary s = x509::summarize(a.cert.get());
  nlohmann::ordered_json j = {{"fingerprint", a.fingerprint},
                      {"source", a.source},
                      {"label", a.label},
                      {"subject", s.subject},
                      {"not_before", iso(s.not_before)},
                      {"not_after", iso(s.not_after)},
                      {"validity", validity(s.not_before, s.not_after, now)}};
  j["added_at"] = a.added_at != 0 ? nlohmann::ordered_json(iso(a.added_at)) : nlohmann::ordered_json(nullptr);
  j["email_distrust_after"] =
      a.email_distrust_after ? nlohmann::ordered_json(iso(*a.email_distrust_after)) : nlohmann::ordered_json(nullptr);
  return j;
}

nlohmann::ordered_json distrust_json(const DistrustEntry& d) {
  nlohmann::ordered_json j = {{"fingerprint", d.fingerprint}};
  j["subject"] = d.cert ? nlohmann::ordered_json(x509::summarize(d.cert.get()).subject) : nlohmann::ordered_json(nullptr);
  j["added_at"] = d.added_at != 0 ? nlohmann::ordered_json(iso(d.added_at)) : nlohmann::ordered_json(nullptr);
  return j;
}

nlohmann::ordered_json trust_json(const TrustList& list, std::int64_t now) {
  nlohmann::ordered_json anchors = nlohmann::ordered_json::array();
  std::size_t builtin = 0;
  for (const auto& a : list.anchors) {
    anchors.push_back(anchor_json(a, now));
    if (a.source == "builtin") ++builtin;
  }
  nlohmann::ordered_json distrusted = nlohmann::ordered_json::array();
  for (const auto& d : list.distrusted) distrusted.push_back(distrust_json(d));
  nlohmann::ordered_json problems = nlohmann::ordered_json::array();
  for (const auto& p : list.problems) problems.push_back(problem_json(p));
  return {{"version", 1}, {"anchors", anchors}, {"builtin_roots", builtin}, {"distrusted", distrusted},
          {"problems", problems}};
}

nlohmann::ordered_json status_json(const StoreStatus& s) {
  nlohmann::ordered_json j = {{"version", 1}, {"path", s.root.string()}, {"exists", s.exists}};
  if (s.file) {
    j["format_version"] = s.file->version;
    j["created_at"] = s.file->created_at;
    j["passphrase"] = s.file->has_passphrase;
    j["kdf"] = s.file->has_passphrase
                   ? nlohmann::ordered_json{{"name", "scrypt"}, {"n", s.file->scrypt.n}, {"r", s.file->scrypt.r}, {"p", s.file->scrypt.p}}
                   : nlohmann::ordered_json(nullptr);
  } else {
    j["format_version"] = nullptr;
    j["created_at"] = nullptr;
    j["passphrase"] = false;
    j["kdf"] = nullptr;
  }
  j["identities"] = s.identities;
  j["trust_anchors"] = s.user_anchors;
  j["builtin_roots"] = s.builtin_anchors;
  j["distrusted"] = s.distrusted;
  j["contacts"] = s.contacts;
  nlohmann::ordered_json problems = nlohmann::ordered_json::array();
  for (const auto& p : s.problems) problems.push_back(problem_json(p));
  j["problems"] = problems;
  return j;
}

nlohmann::ordered_json export_json(const std::vector<Identity>& exported, Pkcs12Profile profile) {
  nlohmann::ordered_json fps = nlohmann::ordered_json::array();
  for (const auto& id : exported) fps.push_back(id.fingerprint);
  return {{"version", 1},
          {"status", "ok"},
          {"profile", profile == Pkcs12Profile::legacy ? "legacy" : "modern"},
          {"exported", fps}};
}

nlohmann::ordered_json export_cert_json(const Identity& identity, bool der) {
  return {{"version", 1}, {"status", "ok"}, {"format", der ? "der" : "pem"}, {"fingerprint", identity.fingerprint}};
}

nlohmann::ordered_json delete_json(const std::string& fingerprint) {
  return {{"version", 1}, {"status", "ok"}, {"deleted", fingerprint}};
}

nlohmann::ordered_json anchors_added_json(const std::vector<AnchorEntry>& added, std::int64_t now) {
  nlohmann::ordered_json items = nlohmann::ordered_json::array();
  for (const auto& a : added) items.push_back(anchor_json(a, now));
  return {{"version", 1}, {"status", "ok"}, {"added", items}};
}

nlohmann::ordered_json distrusted_json(const std::vector<DistrustEntry>& entries) {
  nlohmann::ordered_json items = nlohmann::ordered_json::array();
  for (const auto& e : entries) items.push_back(distrust_json(e));
  return {{"version", 1}, {"status", "ok"}, {"distrusted", items}};
}

nlohmann::ordered_json trust_removed_json(const std::string& fingerprint) {
  return {{"version", 1}, {"status", "ok"}, {"removed", fingerprint}};
}

nlohmann::ordered_json passwd_json(const char* what) { return {{"version", 1}, {"status", "ok"}, {"passphrase", what}}; }

nlohmann::ordered_json builtin_roots_json(const x509::BuiltinRoots& roots) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& r : roots.roots) {
    const auto s = x509::summarize(r.cert.get());
    list.push_back({
        {"label", r.label},
        {"fingerprint_sha256", s.fingerprint_sha256},
        {"subject", s.subject},
        {"serial", s.serial},
        {"not_after", iso(s.not_after)},
        {"email_trusted", r.email_trusted && !r.distrusted},
        {"server_trusted", r.server_trusted},
        {"distrusted", r.distrusted},
        {"email_distrust_after",
         r.email_distrust_after ? nlohmann::ordered_json(iso(*r.email_distrust_after)) : nlohmann::ordered_json(nullptr)},
    });
  }
  return {
      {"version", 1},
      {"module", roots.module_path},
      {"module_description", roots.module_description},
      {"email_anchors", roots.email_anchor_count()},
      {"roots", list},
  };
}

}  // namespace inkan::store
