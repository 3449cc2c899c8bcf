// RFC 8823 §3.1: is this mail the CA's challenge for our order? The checks
// return a value listing every rule and whether it passed, so the add-on can
// explain a refusal; check_challenge_mail() turns a failure into
// CHALLENGE_MAIL_INVALID. A mail that fails is never answered.
//
// Authenticity (the mail MUST be signed with DKIM or S/MIME): this module
// recognises DKIM-Signature fields whose d= equals the From domain and whose
// h= covers From and Subject, S/MIME signed bodies, and Authentication-Results
// fields (RFC 8601) of receiving servers the caller trusts. Cryptographic
// verification is a hook (verify_dkim / verify_smime): without one, an
// aligned signature counts as present but is reported as unverified.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace inkan::enrol {

struct DkimSignature {
  std::string domain;    ///< d=, lower case
  std::string selector;  ///< s=
  std::string algorithm; ///< a=
  std::vector<std::string> signed_headers;  ///< h=, lower case
  bool aligned = false;  ///< d= equals the From domain and h= covers From and Subject
  std::optional<bool> verified;  ///< the verify_dkim hook's answer, if it gave one
};

struct ChallengeCheck {
  std::string rule;      ///< stable name: "from", "to", "subject", "auto_submitted", ...
  bool passed = false;
  bool required = true;  ///< false = reported only (SHOULDs, or relaxed by the lenient switch)
  std::string detail;
};

struct ChallengeMailPolicy {
  std::string expected_from;  ///< the challenge object's "from" (RFC 8823 §3 step 3)
  std::string address;        ///< the mailbox being validated
  /** For servers that do not follow §3.1 (acme2certifier): Auto-Submitted and authenticity become warnings. */
  bool lenient = false;
  /** authserv-ids whose Authentication-Results fields are believed (the user's own provider). */
  std::vector<std::string> trusted_authserv_ids;
  /** Full DKIM verification (RFC 6376) of one signature over the raw message: true, false, or nullopt = cannot tell. */
  std::function<std::optional<bool>(std::string_view raw_message, const DkimSignature&)> verify_dkim;
  /** Full S/MIME verification of a signed challenge, incl. the signer's rfc822Name = From and header protection. */
  std::function<std::optional<bool>(std::string_view raw_message)> verify_smime;
};

struct ChallengeMail {
  std::string token_part1;
  std::string message_id;             ///< "<...>", empty if absent or malformed
  std::string from;                   ///< addr-spec
  std::vector<std::string> to;
  std::vector<std::string> reply_to;
  std::vector<DkimSignature> dkim;
  bool smime_signed = false;
  /** How authenticity was established: "dkim", "authentication-results:<id>", "smime", "dkim-unverified", "smime-unverified", or "". */
  std::string authenticated_by;
  std::vector<ChallengeCheck> checks;

  bool acceptable() const;
  /** The names of the failed required rules, comma-separated. */
  std::string failed_rules() const;
};

/** Examines a raw RFC 5322 message (only its header block is read, plus nothing of the body). */
ChallengeMail examine_challenge_mail(std::string_view raw_message, const ChallengeMailPolicy& policy);

/** examine_challenge_mail(), throwing CHALLENGE_MAIL_INVALID (detail = failed rules) unless acceptable. */
ChallengeMail check_challenge_mail(std::string_view raw_message, const ChallengeMailPolicy& policy);

/** DKIM-Signature tag list (RFC 6376 §3.2) → signature facts; nullopt when d= or h= is missing. */
std::optional<DkimSignature> parse_dkim_signature(std::string_view value);

}  // namespace inkan::enrol
