// What `inkan contact`, `inkan verify --harvest` and `inkan encrypt --to ADDRESS`
// share on the CLI side: human lines for contact changes and recipient reasons.
// What they share with the native host (harvesting a judged message, looked-up
// recipients for encryption) is in store/contact_use.h.
#pragma once

#include "common.h"
#include "store/contact_use.h"

#include <ostream>
#include <string>

namespace inkan::cli {

/** "bob@example.net: new contact … (SHA-256 …)" in the user's language. */
std::string change_line(const store::ContactChange& change, Lang lang);

/** The lines of a harvest, warnings (key changes) first; problems on standard error. */
void print_harvest(std::ostream& out, const store::HarvestReport& report, Lang lang);

/** Recipient text "reason code: words" for an address without a certificate. */
std::string reason_text(const std::string& reason, Lang lang);

}  // namespace inkan::cli
