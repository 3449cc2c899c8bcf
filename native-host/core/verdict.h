// Verification results as values (never exceptions): a status per signer
// and for the message, with stable reason codes. The JSON form of these
// types is the public contract of `inkan verify --json` and the native host.
#pragma once

#include "cms/attributes.h"
#include "x509/cert.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace inkan {

enum class Status {
  good,
  bad,                    ///< cryptographically invalid or a forbidden structure
  unsupported_algorithm,  ///< weak or unknown digest, signature or key
  revoked,
  bad_key_usage,          ///< the certificate is not for e-mail signing
  untrusted,              ///< no path to a trust anchor
  expired,
  not_yet_valid,
  header_mismatch,        ///< From/Sender not in the certificate
  time_mismatch,          ///< signingTime more than an hour from Date
  no_signature,
};

/** Stable text: "good", "bad", "unsupported-algorithm", ... */
const char* status_name(Status s);

/** The status a reason code implies ("digest-mismatch" -> bad, ...). */
Status status_of_reason(const std::string& reason);

/** The more serious of two statuses (bad beats everything, good beats nothing). */
Status worse(Status a, Status b);

struct KeyPreferenceRef {
  std::string issuer;
  std::string serial;
};

struct SignerVerdict {
  Status status = Status::good;  ///< good until a reason says otherwise
  std::vector<std::string> reasons;  ///< every problem found, most serious first
  std::vector<std::string> warnings;  ///< facts that do not change the status ("revocation-unknown")
  std::optional<x509::CertSummary> cert;
  std::vector<x509::CertSummary> chain;  ///< leaf first, up to the anchor when found
  std::string digest_algorithm;          ///< "sha256", ...
  std::string signature_algorithm;       ///< "rsa-pkcs1-v1_5", "rsa-pss", "ecdsa", ...
  std::optional<std::int64_t> signing_time;
  bool valid_now = false;                ///< certificate path valid at the verification time
  std::optional<bool> valid_when_signed; ///< path valid at signingTime (absent without one)
  std::vector<std::string> capabilities;
  /// The same with OIDs and parameters (RSAES-OAEP's hash), so a harvested contact can be
  /// encrypted to exactly as advertised; not part of the JSON (the names are).
  std::vector<cms::Capability> capability_details;
  std::optional<KeyPreferenceRef> encryption_key_preference;

  void add_reason(const std::string& reason);
};

struct Verdict {
  Status status = Status::no_signature;
  std::vector<std::string> reasons;
  std::vector<std::string> warnings;
  bool is_signed = false;
  bool encrypted = false;
  std::string signature_kind;   ///< "detached", "opaque" or ""
  std::string content_cipher;   ///< for encrypted messages: "aes-256-cbc", ...
  std::vector<std::string> layers;  ///< outermost first: "encrypted", "signed-detached", ...
  std::vector<SignerVerdict> signers;
  std::vector<x509::CertSummary> certificates;  ///< every certificate carried, for harvesting
  std::int64_t checked_at = 0;

  /** Sets status from the signers (worst wins) and merges their reasons and warnings. */
  void settle();
  void add_reason(const std::string& reason);
};

}  // namespace inkan
