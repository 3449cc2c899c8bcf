#include "verdict_json.h"

#include "mime/date.h"

namespace inkan {
namespace {

nlohmann::json time_or_null(const std::optional<std::int64_t>& t) {
  return t ? nlohmann::json(mime::format_iso8601(*t)) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json to_json(const x509::CertSummary& cert, bool include_pem) {
  nlohmann::json j{
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

nlohmann::json to_json(const SignerVerdict& s) {
  nlohmann::json chain = nlohmann::json::array();
  for (const auto& c : s.chain) {
    chain.push_back({{"subject", c.subject}, {"issuer", c.issuer}, {"fingerprint_sha256", c.fingerprint_sha256}});
  }
  nlohmann::json j{
      {"status", status_name(s.status)},
      {"reasons", s.reasons},
      {"certificate", s.cert ? to_json(*s.cert, false) : nlohmann::json(nullptr)},
      {"addresses", s.cert ? nlohmann::json(s.cert->emails) : nlohmann::json::array()},
      {"chain", chain},
      {"digest_algorithm", s.digest_algorithm},
      {"signature_algorithm", s.signature_algorithm},
      {"signing_time", time_or_null(s.signing_time)},
      {"valid_now", s.valid_now},
      {"valid_when_signed", s.valid_when_signed ? nlohmann::json(*s.valid_when_signed) : nlohmann::json(nullptr)},
      {"capabilities", s.capabilities},
  };
  j["encryption_key_preference"] =
      s.encryption_key_preference
          ? nlohmann::json{{"issuer", s.encryption_key_preference->issuer}, {"serial", s.encryption_key_preference->serial}}
          : nlohmann::json(nullptr);
  return j;
}

nlohmann::json to_json(const Verdict& v, bool include_pem) {
  nlohmann::json signers = nlohmann::json::array();
  for (const auto& s : v.signers) signers.push_back(to_json(s));
  nlohmann::json certs = nlohmann::json::array();
  for (const auto& c : v.certificates) certs.push_back(to_json(c, include_pem));
  const SignerVerdict* first = v.signers.empty() ? nullptr : &v.signers.front();
  return nlohmann::json{
      {"version", kVerdictFormatVersion},
      {"status", status_name(v.status)},
      {"reasons", v.reasons},
      {"warnings", v.warnings},
      {"signed", v.is_signed},
      {"encrypted", v.encrypted},
      {"signature", v.signature_kind.empty() ? nlohmann::json(nullptr) : nlohmann::json(v.signature_kind)},
      {"signer", first != nullptr && first->cert && !first->cert->emails.empty() ? nlohmann::json(first->cert->emails.front())
                                                                                 : nlohmann::json(nullptr)},
      {"signing_time", first != nullptr ? time_or_null(first->signing_time) : nlohmann::json(nullptr)},
      {"content_cipher", v.content_cipher.empty() ? nlohmann::json(nullptr) : nlohmann::json(v.content_cipher)},
      {"layers", v.layers},
      {"signers", signers},
      {"certificates", certs},
      {"checked_at", mime::format_iso8601(v.checked_at)},
  };
}

nlohmann::json error_json(const Error& error) {
  return nlohmann::json{
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
