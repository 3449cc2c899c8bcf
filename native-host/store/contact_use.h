// What `inkan` (verify --harvest, encrypt --to ADDRESS, contact …) and the
// native host (verify/decrypt with harvest, encrypt with recipients, contact.*)
// share on top of ContactBook, so that both give the same answers and the same
// JSON: harvesting a judged message (a failure never changes the verdict), the
// message's own recipients, and looked-up certificates as encryption recipients.
#pragma once

#include "cms/envelope.h"
#include "error.h"
#include "io/source.h"
#include "store/contacts.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace inkan::store {

struct MessageHarvest {
  HarvestReport report;
  std::vector<std::string> from;  ///< the message's From addresses
  std::optional<Error> error;     ///< why harvesting failed (the verdict stands)
};

/**
 * Harvests what `verdict` saw in `message` into the store's contacts.
 * Never throws an inkan::Error: Thunderbird's rule, "an import failure is not
 * a verification failure".
 */
MessageHarvest harvest_message(Store& store, const Verdict& verdict, const io::Source& message, const std::string& source,
                               std::int64_t now);

/** The `contact` member a verify reply gains with harvesting (docs/store.md "Contacts JSON"). */
nlohmann::ordered_json harvest_contact_json(const MessageHarvest& harvest, const Verdict& verdict);

/**
 * The message's own recipients: every mailbox of its To and Cc fields, lower
 * case, once each. Not Bcc: a Bcc recipient would be named in the ciphertext
 * for every reader to see.
 */
std::vector<std::string> message_recipients(const io::Source& message);

struct EncryptionRecipients {
  std::vector<cms::Recipient> recipients;  ///< one per address that has a usable certificate, in order
  std::vector<RecipientAnswer> missing;    ///< the addresses without one, with their reason
};

/** The certificates to encrypt to for `addresses`, from the store's identities and contacts (ContactBook::lookup). */
EncryptionRecipients encryption_recipients(Store& store, const std::vector<std::string>& addresses, std::int64_t now);

/** The NO_RECIPIENT_CERT detail: "address (reason), …". */
std::string missing_detail(const std::vector<RecipientAnswer>& missing);

/** The same as encryption_recipients, but NO_RECIPIENT_CERT (missing_detail) when any address has none. */
std::vector<cms::Recipient> require_recipients(Store& store, const std::vector<std::string>& addresses,
                                               std::int64_t now);

/** `contact accept|reject --json`: the contact afterwards, with "status" and "accepted" or "rejected". */
nlohmann::ordered_json decision_json(const Contact& contact, std::string_view fingerprint, bool accepted, std::int64_t now);

/** `contact import --json`: the harvest JSON with "status". */
nlohmann::ordered_json import_json(const HarvestReport& report);

}  // namespace inkan::store
