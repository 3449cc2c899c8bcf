// Lints an S/MIME certificate (and the chain it comes with) against the CA/Browser
// Forum S/MIME Baseline Requirements and what recipients' mail clients (Thunderbird/NSS
// first) actually enforce, and says in plain words why a recipient would see a warning.
// The rules, their codes, severities and sources are listed in docs/lint.md.
#pragma once

#include "error.h"
#include "ossl/handles.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace inkan::x509 {

enum class LintSeverity {
  error,    ///< recipients' clients refuse the certificate or show a warning
  warning,  ///< breaks the S/MIME Baseline Requirements, but clients accept it
  info,     ///< worth knowing; nothing is wrong
};

/** "error", "warning", "info". */
const char* severity_name(LintSeverity severity);

struct LintRule {
  std::string_view code;  ///< stable, e.g. "missing-email-protection-eku"
  LintSeverity severity;
  std::string_view source;  ///< where the rule comes from: "SBR 7.1.2.3 f", "NSS/Thunderbird", "RFC 5280 4.1.2.5"
  std::string_view en;      ///< why a recipient would see a warning (or why it matters), in plain words
  std::string_view ja;

  std::string_view text(Lang lang) const { return lang == Lang::ja ? ja : en; }
};

/** Every rule, in documentation order. */
const std::vector<LintRule>& lint_rules();

/** The rule for a code; nullptr if there is none. */
const LintRule* lint_rule(std::string_view code);

struct LintFinding {
  std::string code;
  LintSeverity severity = LintSeverity::error;
  std::size_t certificate = 0;  ///< position in the path: 0 = the certificate linted, 1 = its issuer, ...
  std::string detail;           ///< the facts behind it ("912 days", "rsa-1024"), not translated

  std::string_view explanation(Lang lang) const;
};

struct LintOptions {
  std::int64_t at = 0;                       ///< judge validity at this time (seconds since the epoch)
  std::int64_t expires_soon = 30LL * 86400;  ///< "expires-soon" when less than this is left
};

struct LintResult {
  std::vector<ossl::X509Ptr> path;    ///< the certificate, then its issuers as found in the chain
  std::vector<LintFinding> findings;  ///< errors, then warnings, then infos; path order within each

  bool has_errors() const;
  bool has(std::string_view code) const;
};

/**
 * Lints `cert` as an S/MIME end-entity certificate. `chain` is any bag of
 * certificates (intermediates, root; order and extras do not matter): the path is
 * built from it by issuer name and signature, and rules that span the chain (the
 * emailProtection EKU of intermediates, SHA-1 in the chain, ...) apply along it.
 */
LintResult lint(X509* cert, const std::vector<X509*>& chain, const LintOptions& options);

/**
 * {"version":1,"ok":bool,"checked_at":..,"certificate":{summary},"path":[{subject,..}],
 *  "findings":[{"code","severity","certificate","subject","detail","message","message_ja","source"}]}
 */
nlohmann::ordered_json to_json(const LintResult& result, std::int64_t at);

}  // namespace inkan::x509
