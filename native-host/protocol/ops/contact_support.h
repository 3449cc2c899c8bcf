// What the contacts ops (contact.*, recipients.lookup) and encrypt's
// `recipients` share: address lists from the request, and NO_RECIPIENT_CERT
// with the addresses as data (docs/protocol.md, "encrypt").
#pragma once

#include "ops/support.h"
#include "io/source.h"
#include "store/recipients.h"
#include "verdict.h"

#include <string>
#include <string_view>
#include <vector>

namespace inkan::protocol::ops {

/** The source the contacts record for what the host harvests or imports ("cli" for the CLI). */
inline constexpr const char* kHarvestSource = "add-on";

/**
 * Harvests a judged message into the store's contacts and returns the verdict's
 * `contact` member (store::harvest_contact_json). Never throws an inkan::Error:
 * not even an unreadable store.json changes the verdict.
 */
Json harvest_contact(OpContext& ctx, const Verdict& verdict, const io::Source& message);

/**
 * The `harvest` flag of verify and decrypt. Refused with `trust`: contacts are
 * judged by the store's anchors, and a verdict against others would be recorded as if it were.
 */
bool harvest_param(const Json& params);

/** The most addresses one request may name (a To line of a large list is still far below). */
inline constexpr std::size_t kMaxAddresses = 1000;

/** An array of address strings (1 to kMaxAddresses); BAD_REQUEST otherwise. */
std::vector<std::string> address_list(const Json& params, std::string_view name);

/** The `at` parameter (ISO 8601), else now. */
std::int64_t time_param(const OpContext& ctx);

/**
 * NO_RECIPIENT_CERT whose error reply lists `addresses`: [{address, reason,
 * details}] for each address without a usable certificate, besides the detail
 * text the CLI prints.
 */
[[noreturn]] void throw_missing_recipients(const std::vector<store::RecipientAnswer>& missing);

}  // namespace inkan::protocol::ops
