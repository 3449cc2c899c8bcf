// A contact: the certificates of one other person's address, harvested from
// signed mail or handed over as a file, with where and when each was seen and
// which one is used now. Stored as contacts/<aa>/<sha256(address)>.json, one
// file per address (docs/store.md "Contacts").
//
// An address has at most one current certificate per use: the one that signs
// and the one to encrypt to (the same one for dual-use certificates). A new key
// that is not a renewal by the same CA waits as `pending` for the user (TOFU);
// it never silently replaces the current one (contact_policy.h).
#pragma once

#include "cms/attributes.h"
#include "store/identity.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace inkan::store {

enum class CertStatus {
  current,     ///< used now for at least one of its uses (sign, encrypt)
  previous,    ///< superseded by a renewal or an accepted key change, or an older certificate of the same CA
  pending,     ///< a key change waiting for the user to accept or reject it
  rejected,    ///< a key change the user rejected; seen again, it stays rejected
  unverified,  ///< seen only in mail that does not vouch for it (a failed signature, someone else's untrusted certificate)
};

const char* cert_status_name(CertStatus status);
std::optional<CertStatus> cert_status_from(std::string_view name);

/** One message (or file) a certificate was seen in. */
struct Sighting {
  std::int64_t at = 0;               ///< when it was harvested
  std::string message_id;            ///< without angle brackets; empty if none
  std::optional<std::int64_t> date;  ///< the message's Date
  std::string source;                ///< a short label from the caller: "inbox", "cli", "import", …
  std::string verdict;               ///< the message's verdict status then ("good", "untrusted", …) or "imported"
};

/** One certificate of a contact. */
struct ContactCert {
  // ---- recomputed from the certificate whenever the file is read ----
  std::string fingerprint;  ///< SHA-256, lower-case hex
  SharedCert cert;
  std::vector<std::string> addresses;
  std::string subject, issuer, serial;
  std::string issuer_der;        ///< DER of the issuer name (for the same-CA test)
  std::string authority_key_id;  ///< hex; empty without the extension
  std::int64_t not_before = 0, not_after = 0;
  bool can_sign = false, can_encrypt = false, email_protection = false;
  bool self_signed = false;
  std::string key_type;
  int key_bits = 0;

  // ---- recorded ----
  CertStatus status = CertStatus::unverified;
  std::string origin;  ///< "signer", "encryption-preference", "carried", "imported"
  bool trusted = false;  ///< chained to the store's trust anchors when last seen
  std::optional<std::int64_t> revoked_at;  ///< a verdict reported it revoked (a CRL said so)
  std::optional<std::int64_t> decided_at;  ///< when the user accepted or rejected it
  std::int64_t first_seen = 0, last_seen = 0;
  std::uint64_t times_seen = 0;
  std::vector<Sighting> sightings;  ///< the first and the most recent ones (kMaxSightings)
  std::vector<std::string> chain;   ///< issuer fingerprints (intermediates/), nearest first

  bool valid_at(std::int64_t t) const { return not_before <= t && t < not_after; }
  /** The uses it can hold: sign and/or encrypt (sign when its key usage allows neither). */
  std::vector<Usage> uses() const;
};

/** Capabilities (RFC 8551 §2.5.2) the contact's mail client advertised in its newest signed mail. */
struct AdvertisedCapabilities {
  std::vector<cms::Capability> list;
  std::int64_t at = 0;           ///< signing time (or Date) of that message
  std::string from_fingerprint;  ///< the signing certificate
};

struct Contact {
  static constexpr int kVersion = 1;
  static constexpr std::size_t kMaxCertificates = 20;
  static constexpr std::size_t kMaxSightings = 5;

  std::string address;  ///< lower case
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
  std::string current_sign;     ///< fingerprint, or empty
  std::string current_encrypt;  ///< fingerprint, or empty
  std::optional<AdvertisedCapabilities> capabilities;
  std::vector<ContactCert> certs;  ///< newest first (first_seen)

  ContactCert* find(std::string_view fingerprint);
  const ContactCert* find(std::string_view fingerprint) const;
  /** The current certificate for a use, or nullptr. */
  const ContactCert* current(Usage usage) const;
  bool key_change_pending() const;
};

/** Facts of a certificate, ready for its record fields to be filled in. */
ContactCert describe_contact_cert(X509* cert);

/** Hex SHA-256 of the lower-cased address: the contact's file name without ".json". */
std::string contact_key(std::string_view address);
/** "contacts/<first two hex digits>/<key>.json", relative to the store root. */
std::string contact_relative_path(std::string_view address);
bool is_contact_file_name(std::string_view name);
bool is_contact_shard_name(std::string_view name);

std::string contact_file_text(const Contact& contact);

/**
 * Parses a contact file. STORE_CORRUPT if it is damaged, names another
 * address than its file name says (expected_key), a certificate does not match
 * its fingerprint, or the current certificates are not among them;
 * STORE_VERSION_UNSUPPORTED for a newer format. `where` names it in errors.
 */
Contact parse_contact_file(std::string_view text, std::string_view expected_key, std::string_view where);

}  // namespace inkan::store
