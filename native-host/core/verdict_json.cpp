#include "verdict_json.h"

#include "mime/date.h"

namespace inkan {
namespace {

nlohmann::ordered_json time_or_null(const std::optional<std::int64_t>& t) {
  return t ? nlohmann::ordered_json(mime::format_iso8601(*t)) : nlohmann::ordered_json(nullptr);
}

}  // namespace

nlohmann::ordered_json to_json(const x509::CertSummary& cert, bool include_pem) {
  nlohmann::ordered_json j{
      {"subject", cert.subject},
      {"issuer", cert.issuer},
      {"common_name", cert.common_name},
      {"serial", cert.serial},
      {"fingerprint_sha256", cert.fingerprint_sha256},
      {"addresses", cert.emails},
      {"not_before", mime::format_iso8601(cert.not_before)},
      {"not_after", mime::format_iso8601(cert.not_after)},
      {"key", cert.key_type + (cert.key_bits > 0 ? "-" + std::to_string(cert.key_bits) : "")},
      {"ca", cert.is_ca},
  };
  if (include_pem) j["pem"] = cert.pem;
  return j;
}

nlohmann::ordered_json to_json(const SignerVerdict& s) {
  nlohmann::ordered_json chain = nlohmann::ordered_json::array();
  for (const auto& c : s.chain) {
    chain.push_back({{"subject", c.subject}, {"issuer", c.issuer}, {"fingerprint_sha256", c.fingerprint_sha256}});
  }
  nlohmann::ordered_json j{
      {"status", status_name(s.status)},
      {"reasons", s.reasons},
      {"warnings", s.warnings},
      {"certificate", s.cert ? to_json(*s.cert, false) : nlohmann::ordered_json(nullptr)},
      {"addresses", s.cert ? nlohmann::ordered_json(s.cert->emails) : nlohmann::ordered_json::array()},
      {"chain", chain},
      {"digest_algorithm", s.digest_algorithm},
      {"signature_algorithm", s.signature_algorithm},
      {"signing_time", time_or_null(s.signing_time)},
      {"valid_now", s.valid_now},
      {"valid_when_signed", s.valid_when_signed ? nlohmann::ordered_json(*s.valid_when_signed) : nlohmann::ordered_json(nullptr)},
      {"capabilities", s.capabilities},
  };
  j["encryption_key_preference"] =
      s.encryption_key_preference
          ? nlohmann::ordered_json{{"issuer", s.encryption_key_preference->issuer}, {"serial", s.encryption_key_preference->serial}}
          : nlohmann::ordered_json(nullptr);
  return j;
}

nlohmann::ordered_json to_json(const Verdict& v, bool include_pem) {
  nlohmann::ordered_json signers = nlohmann::ordered_json::array();
  for (const auto& s : v.signers) signers.push_back(to_json(s));
  nlohmann::ordered_json certs = nlohmann::ordered_json::array();
  for (const auto& c : v.certificates) certs.push_back(to_json(c, include_pem));
  const SignerVerdict* first = v.signers.empty() ? nullptr : &v.signers.front();
  return nlohmann::ordered_json{
      {"version", kVerdictFormatVersion},
      {"status", status_name(v.status)},
      {"reasons", v.reasons},
      {"warnings", v.warnings},
      {"signed", v.is_signed},
      {"encrypted", v.encrypted},
      {"signature", v.signature_kind.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(v.signature_kind)},
      {"signer", first != nullptr && first->cert && !first->cert->emails.empty() ? nlohmann::ordered_json(first->cert->emails.front())
                                                                                 : nlohmann::ordered_json(nullptr)},
      {"signing_time", first != nullptr ? time_or_null(first->signing_time) : nlohmann::ordered_json(nullptr)},
      {"content_cipher", v.content_cipher.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(v.content_cipher)},
      {"layers", v.layers},
      {"signers", signers},
      {"certificates", certs},
      {"checked_at", mime::format_iso8601(v.checked_at)},
  };
}

std::string dump_json(const nlohmann::ordered_json& j, int indent) {
  return j.dump(indent, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

nlohmann::ordered_json error_json(const Error& error) {
  return nlohmann::ordered_json{
      {"version", kVerdictFormatVersion},
      {"status", "error"},
      {"error",
       {{"code", code_string(error.code())},
        {"message", message(error.code(), Lang::en)},
        {"message_ja", message(error.code(), Lang::ja)},
        {"detail", error.detail()}}},
  };
}

}  // namespace inkan
