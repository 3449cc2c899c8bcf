#include "verdict.h"

#include <algorithm>
#include <array>
#include <map>

namespace inkan {
namespace {

// Worst first. The order decides which status a message shows when several problems exist.
constexpr std::array kSeverity{
    Status::bad,         Status::unsupported_algorithm, Status::revoked,         Status::bad_key_usage,
    Status::untrusted,   Status::expired,               Status::not_yet_valid,   Status::header_mismatch,
    Status::time_mismatch, Status::no_signature,        Status::good,
};

std::size_t rank(Status s) {
  return static_cast<std::size_t>(std::find(kSeverity.begin(), kSeverity.end(), s) - kSeverity.begin());
}

const std::map<std::string, Status, std::less<>>& reason_table() {
  static const std::map<std::string, Status, std::less<>> table{
      {"digest-mismatch", Status::bad},
      {"signature-invalid", Status::bad},
      {"econtent-mismatch", Status::bad},
      {"signed-attributes-invalid", Status::bad},
      {"signer-certificate-missing", Status::bad},
      {"nested-signature", Status::bad},
      {"signed-ciphertext", Status::bad},
      {"signature-malformed", Status::bad},
      {"weak-digest-algorithm", Status::unsupported_algorithm},
      {"unsupported-algorithm", Status::unsupported_algorithm},
      {"weak-key", Status::unsupported_algorithm},
      {"certificate-revoked", Status::revoked},
      {"key-usage-not-signing", Status::bad_key_usage},
      {"eku-not-email-protection", Status::bad_key_usage},
      {"wrong-certificate-purpose", Status::bad_key_usage},
      {"issuer-unknown", Status::untrusted},
      {"root-not-trusted", Status::untrusted},
      {"not-trusted", Status::untrusted},
      {"chain-signature-invalid", Status::untrusted},
      {"chain-weak-crypto", Status::untrusted},
      {"invalid-ca", Status::untrusted},
      {"chain-too-long", Status::untrusted},
      {"chain-invalid", Status::untrusted},
      {"no-trust-anchors", Status::untrusted},
      {"root-distrusted-after", Status::untrusted},
      {"certificate-distrusted", Status::untrusted},
      {"certificate-expired", Status::expired},
      {"certificate-not-yet-valid", Status::not_yet_valid},
      {"from-not-in-certificate", Status::header_mismatch},
      {"certificate-has-no-address", Status::header_mismatch},
      {"ambiguous-from", Status::header_mismatch},
      {"ambiguous-headers", Status::header_mismatch},
      {"signing-time-differs-from-date", Status::time_mismatch},
      {"date-missing-or-invalid", Status::time_mismatch},
  };
  return table;
}

void insert_by_severity(std::vector<std::string>& reasons, const std::string& reason) {
  if (std::find(reasons.begin(), reasons.end(), reason) != reasons.end()) return;
  const auto r = rank(status_of_reason(reason));
  const auto pos = std::find_if(reasons.begin(), reasons.end(),
                                [&](const std::string& other) { return rank(status_of_reason(other)) > r; });
  reasons.insert(pos, reason);
}

}  // namespace

const char* status_name(Status s) {
  switch (s) {
    case Status::good: return "good";
    case Status::bad: return "bad";
    case Status::unsupported_algorithm: return "unsupported-algorithm";
    case Status::revoked: return "revoked";
    case Status::bad_key_usage: return "bad-key-usage";
    case Status::untrusted: return "untrusted";
    case Status::expired: return "expired";
    case Status::not_yet_valid: return "not-yet-valid";
    case Status::header_mismatch: return "header-mismatch";
    case Status::time_mismatch: return "time-mismatch";
    case Status::no_signature: return "no-signature";
  }
  return "bad";
}

Status status_of_reason(const std::string& reason) {
  const auto& table = reason_table();
  const auto it = table.find(reason);
  // An unknown reason is a problem nobody classified: never let it look harmless.
  return it == table.end() ? Status::bad : it->second;
}

Status worse(Status a, Status b) { return rank(a) <= rank(b) ? a : b; }

void SignerVerdict::add_reason(const std::string& reason) {
  insert_by_severity(reasons, reason);
  status = reasons.empty() ? Status::good : status_of_reason(reasons.front());
}

void Verdict::add_reason(const std::string& reason) {
  insert_by_severity(reasons, reason);
  status = worse(status, status_of_reason(reason));
}

void Verdict::settle() {
  if (signers.empty()) return;
  Status s = Status::good;
  for (const auto& signer : signers) {
    s = worse(s, signer.status);
    for (const auto& r : signer.reasons) insert_by_severity(reasons, r);
    for (const auto& w : signer.warnings) {
      if (std::find(warnings.begin(), warnings.end(), w) == warnings.end()) warnings.push_back(w);
    }
  }
  for (const auto& r : reasons) s = worse(s, status_of_reason(r));
  status = s;
}

}  // namespace inkan
