#include "ops/enrol_support.h"

#include "base64.h"
#include "error.h"
#include "mime/date.h"
#include "store/store_json.h"

#include <algorithm>

namespace inkan::protocol::ops {
namespace {

std::string iso(std::int64_t t) { return mime::format_iso8601(t); }

constexpr std::string_view kEmailReply = "email-reply-00";

}  // namespace

store::Store enrol_store(OpContext& ctx) {
  store::Store s;
  if (const auto pass = string_param(ctx.request.params, "passphrase")) s.set_passphrase(*pass);
  return s;
}

enrol::KeyType key_type_param(const Json& params) {
  const auto name = string_param(params, "key_type");
  if (!name) return enrol::kDefaultKeyType;
  const auto type = enrol::key_type_from_string(*name);
  if (!type) throw Error(Errc::bad_request, "key_type: rsa2048, rsa3072, rsa4096, p256 or p384");
  return *type;
}

enrol::KeyUsage usage_param(const Json& params) {
  const auto name = string_param(params, "usage");
  if (!name) return enrol::KeyUsage::both;
  const auto usage = enrol::key_usage_from_string(*name);
  if (!usage) throw Error(Errc::bad_request, "usage: sign, encrypt or both");
  return *usage;
}

std::vector<std::string> addresses_param(const Json& params) {
  std::vector<std::string> out;
  if (const auto one = string_param(params, "address")) out.push_back(*one);
  if (const Json* list = member(params, "addresses")) {
    if (!list->is_array()) throw Error(Errc::bad_request, "addresses: an array of strings");
    for (const auto& a : *list) {
      if (!a.is_string()) throw Error(Errc::bad_request, "addresses: an array of strings");
      out.push_back(a.get<std::string>());
    }
  }
  if (out.empty()) throw Error(Errc::bad_request, "address: missing");
  if (out.size() > 10) throw Error(Errc::bad_request, "addresses: at most 10");
  return out;
}

std::vector<x509::LintResult> lint_imported(const store::ImportReport& report, std::int64_t now) {
  std::vector<x509::LintResult> out;
  x509::LintOptions options;
  options.at = now;
  for (const auto& id : report.added) {
    std::vector<X509*> chain;
    for (const auto& c : id.chain) chain.push_back(c.get());
    out.push_back(x509::lint(id.cert.get(), chain, options));
  }
  return out;
}

Json lint_list_json(const store::ImportReport& report, const std::vector<x509::LintResult>& lints, std::int64_t now) {
  Json out = Json::array();
  for (std::size_t i = 0; i < lints.size() && i < report.added.size(); ++i) {
    Json j = x509::to_json(lints[i], now);
    j.erase("version");
    j["fingerprint"] = report.added[i].fingerprint;
    out.push_back(std::move(j));
  }
  return out;
}

Json import_result_json(const store::ImportReport& report, std::int64_t now) {
  Json j = store::import_json(report, now);
  j.erase("version");
  j.erase("status");
  return j;
}

std::string to_base64(std::string_view bytes) {
  std::string out;
  base64_append(bytes, out);
  return out;
}

std::string certificate_der(X509* cert) {
  unsigned char* der = nullptr;
  const int n = i2d_X509(cert, &der);
  if (n <= 0) throw Error(Errc::internal, "DER encoding");
  const ossl::OsslBytesPtr owned(der);
  return std::string(reinterpret_cast<const char*>(der), static_cast<std::size_t>(n));
}

int int_in(const Json& params, std::string_view name, int fallback, int low, int high) {
  const auto v = int_param(params, name);
  if (!v) return fallback;
  if (*v < low || *v > high) {
    throw Error(Errc::bad_request, std::string(name) + ": " + std::to_string(low) + " to " + std::to_string(high));
  }
  return static_cast<int>(*v);
}

Json enrolment_json(const enrol::StoredEnrolment& e, const enrol::StepResult* step) {
  const auto& s = e.state;
  Json addresses = Json::array();
  for (const auto& id : s.identifiers) addresses.push_back(id.value);
  Json awaiting = Json::array();
  std::int64_t answer_after = 0;
  for (std::size_t i = 0; i < s.authorizations.size(); ++i) {
    const auto& a = s.authorizations[i];
    if (a.challenge_type != kEmailReply || a.status == "valid") continue;
    if (a.reply_sent_at != 0) {
      if (a.answered_at == 0) answer_after = std::max(answer_after, a.reply_sent_at + s.server.answer_delay.count());
      continue;
    }
    // What the add-on needs to find the challenge mail: To = address, From = from,
    // received after the order was made; never the tokens.
    awaiting.push_back({{"authorization", i},
                        {"address", a.identifier.value},
                        {"from", a.from},
                        {"since", iso(s.order_created_at)},
                        {"reply_prepared", a.reply_prepared_at != 0}});
  }
  std::string status;
  if (s.stage == enrol::Stage::done) {
    status = "done";
  } else if (s.stage == enrol::Stage::failed) {
    status = "failed";
  } else if (!awaiting.empty() && (step == nullptr || step->wait.count() == 0)) {
    status = "awaiting_reply";
  } else {
    status = "waiting";
  }
  Json j = {{"enrolment", e.id},
            {"directory", s.server.directory_url},
            {"server", s.server.name},
            {"addresses", addresses},
            {"stage", std::string(enrol::to_string(s.stage))},
            {"status", status},
            {"awaiting", awaiting}};
  j["retry_after_seconds"] = step != nullptr && status == "waiting" ? Json(step->wait.count()) : Json(nullptr);
  j["answer_after"] = answer_after != 0 ? Json(iso(answer_after)) : Json(nullptr);
  j["error"] = s.error_code.empty() ? Json(nullptr) : Json{{"code", s.error_code}, {"detail", s.error_detail}};
  j["created_at"] = iso(e.created_at);
  j["updated_at"] = iso(s.updated_at);
  return j;
}

}  // namespace inkan::protocol::ops
