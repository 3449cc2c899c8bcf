// What `inkan contact`, `inkan verify --harvest` and `inkan encrypt --to ADDRESS`
// share: harvesting a verified message into the store (a failure never changes
// the verdict), human lines for contact changes, and turning looked-up
// recipients into encryption recipients.
#pragma once

#include "common.h"
#include "cms/envelope.h"
#include "io/source.h"
#include "store/contacts.h"

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace inkan::cli {

struct CliHarvest {
  store::HarvestReport report;
  std::vector<std::string> from;  ///< the message's From addresses
  std::optional<Error> error;     ///< why harvesting failed (the verdict stands)
};

/** Harvests what `verdict` saw in `message` into the store. Never throws an inkan::Error. */
CliHarvest harvest_into(store::Store& store, const Verdict& verdict, const io::Source& message, const std::string& source,
                        std::int64_t now);

/** "bob@example.net: new contact … (SHA-256 …)" in the user's language. */
std::string change_line(const store::ContactChange& change, Lang lang);

/** The lines of a harvest, warnings (key changes) first; problems on standard error. */
void print_harvest(std::ostream& out, const store::HarvestReport& report, Lang lang);

/** Recipient text "reason code: words" for an address without a certificate. */
std::string reason_text(const std::string& reason, Lang lang);

/**
 * The certificates for `addresses` from the store's contacts and identities.
 * NO_RECIPIENT_CERT listing "address (reason)" for each one without.
 */
std::vector<cms::Recipient> recipients_for(store::Store& store, const std::vector<std::string>& addresses, std::int64_t now);

}  // namespace inkan::cli
