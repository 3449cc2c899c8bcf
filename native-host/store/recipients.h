// Finding the certificate to encrypt to for each recipient address, with a
// clear reason for every address that has none (docs/store.md "Recipients").
#pragma once

#include "cms/attributes.h"
#include "store/contact.h"
#include "store/identity.h"

#include <cstdint>
#include <string>
#include <vector>

namespace inkan::store {

/** Reason codes for an address without a usable certificate. */
namespace reason {
inline constexpr const char* no_certificate = "no-certificate";        ///< no contact and no identity for it
inline constexpr const char* expired = "expired";                      ///< the current certificate (or its chain) expired
inline constexpr const char* not_yet_valid = "not-yet-valid";          ///< the current certificate is not valid yet
inline constexpr const char* untrusted = "untrusted";                  ///< no path to the store's trust anchors for e-mail
inline constexpr const char* not_for_encryption = "not-for-encryption";  ///< key usage / EKU / key type rule it out
inline constexpr const char* key_change_pending = "key-change-pending";  ///< the user has not decided on a new key yet
inline constexpr const char* revoked = "revoked";                      ///< a verdict reported it revoked
inline constexpr const char* not_an_address = "not-an-address";        ///< the text is no e-mail address
}  // namespace reason

struct RecipientAnswer {
  std::string address;  ///< lower case
  /// "contact" or "identity" (one of the user's own: encrypting to oneself or to a
  /// colleague whose key is in the same store); empty when there is none.
  std::string source;
  SharedCert cert;                 ///< the certificate to encrypt to, or null
  std::vector<SharedCert> chain;   ///< its issuers as stored, nearest first
  std::string fingerprint;
  std::string reason;              ///< empty when cert is set, else a reason:: code
  std::vector<std::string> details;  ///< for untrusted: the path errors ("issuer-unknown", …)
  /// What the recipient's mail client advertised (from their newest signed mail); for an
  /// identity, what Inkan itself reads. capabilities_known is false when nothing was seen.
  std::vector<cms::Capability> capabilities;
  bool capabilities_known = false;
  std::optional<std::int64_t> known_since;  ///< contact: first_seen of the certificate

  bool found() const { return cert != nullptr; }
};

/** What Inkan itself advertises (cms::add_capabilities): the capabilities of the user's own identities. */
std::vector<cms::Capability> own_capabilities();

/** Why a contact certificate cannot be encrypted to at time t, judging the certificate alone (empty if it can). */
std::string encryption_problem(const ContactCert& cert, std::int64_t t);

/** Why one of the user's identities cannot be encrypted to at t (empty if it can). */
std::string identity_encryption_problem(const Identity& identity, std::int64_t t);

}  // namespace inkan::store
