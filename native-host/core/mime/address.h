// Mailbox lists (RFC 5322 §3.4): enough to compare From/Sender with the
// addresses of a signer certificate.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace inkan::mime {

struct Mailbox {
  std::string display;  ///< display name as written (may be RFC 2047 encoded)
  std::string address;  ///< addr-spec, domain lower-cased
};

/** Parses an address-list or mailbox-list field value; groups are flattened. */
std::vector<Mailbox> parse_mailboxes(std::string_view value);

/**
 * Decodes RFC 2047 encoded-words ("=?UTF-8?B?...?=") to their raw bytes; the
 * charset is not converted. Text that is not an encoded word is kept.
 */
std::string decode_words(std::string_view text);

/** Lower-cases an address for comparison (whole address, as Thunderbird does). */
std::string normalize_address(std::string_view address);

}  // namespace inkan::mime
