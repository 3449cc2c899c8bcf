// One certificate enrolment as a value that survives host restarts: the
// add-on's background page is suspended and RFC 8823 validation takes
// minutes, so the host saves the state after every step and resumes it.
//
// The state holds no secret in clear: both private keys are encrypted PKCS#8
// under the caller's passphrase or data key; everything else (URLs, tokens
// served over HTTPS to the account, the CSR, the thumbprint) is public. Where
// the state is kept is the caller's business (the store, or a file for the CLI).
//
//   created ──step──▶ authorizing ──(replies sent, challenges valid)──▶ finalizing ──▶ issuing ──▶ done
//                          │  email-reply-00: step reports awaiting_reply;
//                          │  prepare_reply() checks the challenge mail and composes the reply,
//                          │  mark_reply_sent() records it; the next step answers "{}" after answer_delay
//                          └── any stage ──(order or authorization invalid)──▶ failed
#pragma once

#include "acme_client.h"
#include "challenge_mail.h"
#include "csr.h"
#include "keygen.h"
#include "known_servers.h"
#include "response_mail.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace inkan::enrol {

enum class Stage { created, authorizing, finalizing, issuing, done, failed };

std::string_view to_string(Stage stage) noexcept;

struct AuthorizationState {
  std::string url;
  Identifier identifier;
  std::string status;
  std::string challenge_type;
  std::string challenge_url;
  std::string token;  ///< the challenge token (RFC 8823: token-part2)
  std::string from;   ///< email-reply-00: who sends the challenge mail
  std::string reply_message_id;        ///< Message-ID of the challenge mail answered
  std::int64_t reply_prepared_at = 0;
  std::int64_t reply_sent_at = 0;
  std::int64_t answered_at = 0;        ///< when "{}" was posted
};

struct Enrolment {
  int version = 1;
  ServerProfile server;
  std::vector<Identifier> identifiers;
  std::vector<std::string> contact;
  bool terms_agreed = false;
  /** For dns identifiers (tests): the challenge type answered without any work of ours. */
  std::string auto_challenge_type;
  std::string account_key_pem;      ///< encrypted PKCS#8
  std::string account_thumbprint;
  std::string account_url;
  std::string order_url;
  std::string certificate_key_pem;  ///< encrypted PKCS#8; empty if the caller keeps the key elsewhere
  std::string csr_der;              ///< base64url
  std::vector<AuthorizationState> authorizations;
  std::string certificate_pem;      ///< the chain, when done
  Stage stage = Stage::created;
  std::string error_code;           ///< when failed (or the last step failed): the Errc string
  std::string error_detail;
  std::int64_t created_at = 0;
  std::int64_t order_created_at = 0;
  std::int64_t updated_at = 0;
  int poll_attempts = 0;
};

nlohmann::json to_json(const Enrolment& enrolment);
/** USAGE when the JSON is not a saved enrolment of a version this build reads. */
Enrolment enrolment_from_json(const nlohmann::json& j);

struct EnrolmentRequest {
  ServerProfile server;                 ///< profile_for(url), possibly edited
  std::vector<Identifier> identifiers;
  std::vector<std::string> contact;     ///< "mailto:..."
  bool terms_agreed = false;
  std::string auto_challenge_type;      ///< needed for dns identifiers ("http-01" against pebble)
  KeyType certificate_key_type = kDefaultKeyType;
  KeyUsage usage = KeyUsage::both;
  int key_protection_iterations = kPassphraseIterations;
};

/**
 * A new enrolment: generates a P-256 account key (unless one is given) and
 * the certificate key, builds the CSR, encrypts both keys with `passphrase`.
 */
Enrolment start_enrolment(const EnrolmentRequest& request, std::string_view passphrase, std::int64_t now,
                          EVP_PKEY* account_key = nullptr, EVP_PKEY* certificate_key = nullptr);

struct StepContext {
  std::string passphrase;  ///< opens the account key
  AcmeOptions acme;
  std::optional<ExternalAccountKey> external_account;  ///< only needed for the first step
  std::int64_t now = 0;
};

struct StepResult {
  Stage stage = Stage::created;
  bool done = false;
  /** Authorizations waiting for the user's reply mail (indexes into Enrolment::authorizations). */
  std::vector<std::size_t> awaiting_reply;
  /** Call step() again after this long (zero when blocked only on replies, or done). */
  std::chrono::seconds wait{0};
};

/**
 * Advances the enrolment as far as it can go without waiting, then returns.
 * Network and server errors throw and leave the state resumable (the error is
 * recorded in error_code/error_detail); an invalid order or authorization
 * moves it to `failed` and throws ACME_PROBLEM.
 */
StepResult step(Enrolment& enrolment, const StepContext& context);

struct PreparedReply {
  std::size_t authorization = 0;
  ChallengeMail challenge;
  std::string digest;
  ResponseMail mail;
};

/**
 * Matches a raw challenge mail to a waiting email-reply-00 authorization,
 * checks it (RFC 8823 §3.1 with the server's strictness and the caller's
 * hooks), computes the digest and composes the reply. Refuses a mail for an
 * authorization already answered (the RFC's "MUST NOT respond ... more than
 * once") and orders older than 24 hours (S/MIME BR §3.2.2.4).
 * `hooks` supplies trusted_authserv_ids and the verify_* hooks; its from,
 * address and lenient fields are ignored.
 */
PreparedReply prepare_reply(Enrolment& enrolment, std::string_view raw_mail, std::int64_t now,
                            const ChallengeMailPolicy& hooks = {});

/** Records that the reply for this authorization was sent; the next step answers the challenge. */
void mark_reply_sent(Enrolment& enrolment, std::size_t authorization, std::int64_t now);

/** The certificate key from the state (for binding to the issued certificate). */
ossl::EvpPkeyPtr certificate_key(const Enrolment& enrolment, std::string_view passphrase);

}  // namespace inkan::enrol
