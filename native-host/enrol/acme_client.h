// An ACME client (RFC 8555) for S/MIME certificates (RFC 8823 identifiers of
// type "email") and, for tests against pebble, DNS names.
//
// Every request is one call; nothing here sleeps except the wait_for_*
// helpers, which poll with Retry-After under a deadline and a cancel hook.
// Failures are inkan::Error: NETWORK (transport), ACME_PROBLEM (the server's
// problem document; the detail starts with its type), ACME_PROTOCOL (an
// answer that is not valid ACME), ACME_TIMEOUT, CANCELLED.
#pragma once

#include "http_client.h"
#include "ossl/handles.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace inkan::enrol {

/** RFC 7807 problem document as ACME uses it (RFC 8555 §6.7). */
struct Problem {
  std::string type;    ///< "urn:ietf:params:acme:error:badNonce", ...
  std::string detail;
  int status = 0;
  struct Sub {
    std::string type;
    std::string detail;
    std::string identifier;  ///< "dns:example.org" / "email:a@example.org", if given
  };
  std::vector<Sub> subproblems;

  /** "<type>: <detail> [<identifier>: <type>: <detail>; ...]", bounded and printable. */
  std::string describe() const;
};

/** Parses a problem document; nullopt when the JSON is not one. */
std::optional<Problem> parse_problem(const nlohmann::json& body, int http_status = 0);

/** Throws Error(ACME_PROBLEM, problem.describe()). */
[[noreturn]] void throw_problem(const Problem& problem);

inline constexpr std::string_view kBadNonce = "urn:ietf:params:acme:error:badNonce";

struct Identifier {
  std::string type;   ///< "email" (RFC 8823 §2) or "dns"
  std::string value;
  bool operator==(const Identifier&) const = default;
  std::string to_string() const { return type + ":" + value; }
};

/** "email:alice@example.org" / "dns:example.org" → Identifier; a bare address means email. USAGE otherwise. */
Identifier parse_identifier(std::string_view text);

struct Directory {
  std::string new_nonce;
  std::string new_account;
  std::string new_order;
  std::string revoke_cert;
  std::string key_change;
  std::string terms_of_service;
  std::string website;
  bool external_account_required = false;
  nlohmann::json raw;
};

struct ExternalAccountKey {
  std::string kid;
  std::string hmac_key;  ///< the raw MAC key (CAs hand it out base64url-encoded: decode first)
};

struct NewAccount {
  std::vector<std::string> contact;  ///< "mailto:alice@example.org"
  bool terms_of_service_agreed = false;
  bool only_return_existing = false;  ///< RFC 8555 §7.3.1: look the key up, never create
  std::optional<ExternalAccountKey> external_account;
};

struct Account {
  std::string url;     ///< the "kid" of later requests
  std::string status;  ///< "valid", "deactivated", "revoked"
  bool created = false;  ///< 201: a new account; 200: it existed
  nlohmann::json raw;
};

struct Challenge {
  std::string type;    ///< "email-reply-00", "http-01", "dns-01", ...
  std::string url;
  std::string status;  ///< "pending", "processing", "valid", "invalid"
  std::string token;   ///< for email-reply-00: token-part2
  std::string from;    ///< email-reply-00: the From of the challenge mail (RFC 8823 §3)
  std::optional<Problem> error;
  nlohmann::json raw;
};

struct Authorization {
  std::string url;
  Identifier identifier;
  std::string status;  ///< "pending", "valid", "invalid", "deactivated", "expired", "revoked"
  std::string expires;
  std::vector<Challenge> challenges;
  nlohmann::json raw;
  std::optional<std::chrono::seconds> retry_after;

  const Challenge* challenge(std::string_view type) const;
};

struct Order {
  std::string url;
  std::string status;  ///< "pending", "ready", "processing", "valid", "invalid"
  std::string expires;
  std::vector<Identifier> identifiers;
  std::vector<std::string> authorizations;
  std::string finalize;
  std::string certificate;  ///< when valid
  std::optional<Problem> error;
  nlohmann::json raw;
  std::optional<std::chrono::seconds> retry_after;
};

struct CertificateChain {
  std::string pem;                      ///< as served (application/pem-certificate-chain)
  std::vector<ossl::X509Ptr> certificates;  ///< end entity first
  std::vector<std::string> alternates;  ///< Link rel="alternate" URLs (RFC 8555 §7.4.2)
};

struct PollProgress {
  std::string url;
  std::string status;
  int attempt = 0;
  std::chrono::seconds waited{0};
  std::chrono::seconds next_in{0};
};

struct PollOptions {
  /** RFC 8823 validation can take many minutes (CASTLE: over 10); the deadline is the caller's. */
  std::chrono::seconds max_wait{1800};
  std::chrono::milliseconds min_interval{1000};
  std::chrono::seconds max_interval{60};
  std::function<void(const PollProgress&)> progress;
  std::function<bool()> cancelled;
};

struct AcmeOptions {
  HttpOptions http;
  /** badNonce is retryable (RFC 8555 §6.5); a server rejecting every nonce must not loop us forever. */
  int max_bad_nonce_retries = 10;
};

class AcmeClient {
public:
  /** directory_url must be https://. The account key signs every request. */
  AcmeClient(std::string directory_url, ossl::EvpPkeyPtr account_key, AcmeOptions options = {});

  const Directory& directory();
  /** Pre-set directory (e.g. from a saved enrolment), saving one request. */
  void set_directory(Directory directory);

  /** Use an existing account URL as "kid" without asking the server. */
  void set_account_url(std::string url) { m_account_url = std::move(url); }
  const std::string& account_url() const { return m_account_url; }
  EVP_PKEY* account_key() const { return m_key.get(); }
  /** RFC 7638 thumbprint of the account key. */
  std::string thumbprint() const;

  Account new_account(const NewAccount& request);
  Order new_order(const std::vector<Identifier>& identifiers);
  Order get_order(const std::string& url);
  Authorization get_authorization(const std::string& url);
  Challenge get_challenge(const std::string& url);
  /** RFC 8555 §7.5.1: tells the server to validate, with the empty object "{}". */
  Challenge answer_challenge(const std::string& url);
  /** RFC 8555 §7.4: the CSR (DER) goes as base64url; returns the order (usually "processing" or "valid"). */
  Order finalize(const Order& order, std::string_view csr_der);
  CertificateChain download_certificate(const std::string& url);

  /** Polls the order until its status is one of `until`; "invalid" throws ACME_PROBLEM with the order's error. */
  Order wait_for_order(const std::string& url, const std::vector<std::string>& until, const PollOptions& options);
  /** Polls the authorization until "valid"; "invalid" throws ACME_PROBLEM with the challenge's error. */
  Authorization wait_for_authorization(const std::string& url, const PollOptions& options);

  /**
   * One signed POST (payload nullopt = POST-as-GET) with the nonce pool and
   * bounded badNonce retry. Returns the response of a 2xx; throws otherwise.
   */
  HttpResponse post(const std::string& url, const std::optional<nlohmann::json>& payload, bool with_jwk = false,
                    std::string_view accept = {});

  /** How many badNonce answers were retried so far (for tests and diagnostics). */
  int bad_nonce_retries() const { return m_bad_nonce_retries; }

private:
  std::string take_nonce();
  void remember_nonce(const HttpResponse& response);
  [[noreturn]] void fail(const HttpResponse& response, std::string_view what) const;

  std::string m_directory_url;
  ossl::EvpPkeyPtr m_key;
  AcmeOptions m_options;
  HttpClient m_http;
  std::optional<Directory> m_directory;
  std::string m_account_url;
  std::vector<std::string> m_nonces;
  int m_bad_nonce_retries = 0;
};

/** Parsers for the ACME objects (exposed for the state machine and tests). */
Order parse_order(const nlohmann::json& body, std::string url);
Authorization parse_authorization(const nlohmann::json& body, std::string url);
Challenge parse_challenge(const nlohmann::json& body);
Directory parse_directory(const nlohmann::json& body);

/** Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP-date; nullopt if absent or unreadable. */
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value, std::int64_t now);

}  // namespace inkan::enrol
