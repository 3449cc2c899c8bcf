// The rules that decide what a certificate does to a contact (trust on first
// use, renewals, key changes), as pure functions on a Contact so they can be
// tested without a store. docs/store.md "Contacts" states them in words.
//
//  * A contact without a current certificate takes the first eligible one ("new").
//  * An eligible certificate that is compatible with the current one (the same
//    public key, or the same issuing CA: issuer name and authority key
//    identifier, neither self-issued) and never less trusted replaces it when
//    its notBefore is newer ("renewal"), fills a use the contact had no
//    certificate for ("added"), or is kept as "previous" when older ("older").
//  * Anything else eligible is a key change: it waits as `pending` until the
//    user accepts or rejects it; the current one stays current.
//  * What is not eligible (the message does not vouch for it) is recorded as
//    `unverified` and changes nothing; a rejected certificate stays rejected.
#pragma once

#include "store/contact.h"

#include <cstdint>
#include <optional>
#include <string>

namespace inkan::store {

enum class Change {
  new_contact,  ///< "new": the address had no current certificate; this one is current now
  renewal,      ///< "renewal": replaced the current certificate (same CA or same key, newer)
  added,        ///< "added": the same CA's certificate for a use the contact had none for
  key_change,   ///< "key-change": a different key waits for the user (pending)
  unchanged,    ///< "unchanged": already known; the sighting was recorded
  older,        ///< "older": the same CA's, older than the current one; kept as previous
  unverified,   ///< "unverified": recorded, but the message does not vouch for it
  rejected,     ///< "rejected": a certificate the user rejected was seen again
  replaced,     ///< "replaced": the user imported it and it replaced another key
};

const char* change_name(Change change);

/** A certificate arriving at one contact. */
struct Arrival {
  ContactCert cert;   ///< described; origin, trusted and chain filled in
  bool eligible = false;  ///< may become current or pending
  bool revoked = false;   ///< the verdict reported it revoked
  Sighting sighting;
  /// Set when it is the certificate of a signer whose signature vouches for it.
  std::optional<AdvertisedCapabilities> capabilities;
};

struct Outcome {
  Change change = Change::unchanged;
  std::string replaced;  ///< renewal/replaced: the certificate it replaced; key change: the current one
};

/** Same key, or same issuing CA (name and key identifier, neither self-issued); never a step down in trust. */
bool compatible(const ContactCert& incoming, const ContactCert& current);

/** Applies a harvested certificate; the contact's updated_at becomes now. */
Outcome apply_arrival(Contact& contact, Arrival arrival, std::int64_t now);

/** The user hands a certificate over (`inkan contact import`): it becomes current for its uses. */
Outcome apply_import(Contact& contact, ContactCert cert, Sighting sighting, std::int64_t now);

/**
 * The user accepts a pending (or earlier rejected) key change: the certificate
 * becomes current for its uses, with the pending ones of the same CA that
 * cover its other uses (a separate encryption certificate). NOT_FOUND otherwise.
 */
void accept_key_change(Contact& contact, const std::string& fingerprint, std::int64_t now);

/** The user rejects a pending key change (and the same CA's other pending certificates). NOT_FOUND otherwise. */
void reject_key_change(Contact& contact, const std::string& fingerprint, std::int64_t now);

/** Keeps at most Contact::kMaxCertificates: drops unverified, then previous, then rejected, then pending ones, oldest first; never a current one. */
void trim_history(Contact& contact);

}  // namespace inkan::store
