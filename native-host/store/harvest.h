// Which certificates a signed message offers to the contacts, and for which
// addresses the message vouches for them (docs/store.md "Harvesting").
//
// Like Thunderbird, every certificate the message carries is looked at, whatever
// the signature's verdict, and a failure to harvest never changes the verdict.
// What a certificate may do depends on who vouches for its address:
//
//  * a CA: it chains to the store's trust anchors (validity aside) -> eligible
//    for each of its addresses, from any message (Thunderbird imports these too;
//    a forged message cannot forge a CA's certificate);
//  * its holder: it is the certificate of a signer whose signature verified
//    (not bad, not a weak or unsupported algorithm, not revoked), or the
//    encryption certificate that signer named in its signed attributes
//    (SMIMEEncryptionKeyPreference) -> eligible only for the From addresses in it
//    (trust on first use);
//  * nobody -> recorded as unverified for contacts that already exist; never a
//    new contact, never current, never a key-change warning.
#pragma once

#include "io/source.h"
#include "store/contact_policy.h"
#include "verdict.h"
#include "x509/trust.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace inkan::store {

/** What the contacts record about the message a certificate was seen in. */
struct MessageFacts {
  std::string message_id;            ///< Message-ID without angle brackets (at most 256 bytes)
  std::optional<std::int64_t> date;  ///< the Date field
  std::vector<std::string> from;     ///< every From mailbox, lower case (the Sender when there is no From)
  std::string source;                ///< a short label from the caller ("inbox", "cli", …; at most 64 bytes)
};

/** Reads Message-ID, Date and From (else Sender) from a message's top-level header. */
MessageFacts read_message_facts(const io::Source& message, std::string source);

/** One certificate a message offers, judged. */
struct Offer {
  ContactCert cert;                     ///< described; origin and trusted set
  std::vector<SharedCert> chain;        ///< issuers found among the carried certificates, nearest first
  std::vector<std::string> addresses;   ///< its addresses (at most 10)
  std::vector<std::string> eligible;    ///< those the message vouches for it
  bool revoked = false;
  std::optional<AdvertisedCapabilities> capabilities;
  std::string verdict;                  ///< the status recorded in its sighting
};

/** The largest number of certificates one message may offer (the rest is ignored). */
inline constexpr std::size_t kMaxOffersPerMessage = 32;

/**
 * Judges every end-entity certificate with an e-mail address that the verdict
 * lists (carried ones and the signers'), signers first, then the encryption
 * certificates they named, then the rest. `trust` is the store's
 * (Store::trust_store); chains are built from the carried certificates.
 */
std::vector<Offer> offers_of(const Verdict& verdict, const MessageFacts& facts, const x509::TrustStore& trust);

/**
 * Whether cert chains to `trust` for e-mail at time `at`: OpenSSL's path
 * validation (with the store's distrust rules) plus, for every issuer on the
 * path, an extended key usage that allows e-mail protection when it has one.
 * Error names as x509::chain_error_name gives them; empty when it chains.
 * With ignore_validity, expiry of the certificates is not an error.
 */
std::vector<std::string> email_chain_errors(const x509::TrustStore& trust, X509* cert, const std::vector<X509*>& untrusted,
                                            std::int64_t at, bool ignore_validity);

}  // namespace inkan::store
