// RFC 5322 date-time: parsing (lenient, obsolete forms included) and formatting.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace inkan::mime {

/** Seconds since the epoch, or nullopt if the text is not a usable date. */
std::optional<std::int64_t> parse_date(std::string_view text);

/** "Mon, 23 Nov 2026 12:00:00 +0000" (always UTC). */
std::string format_date(std::int64_t epoch_seconds);

/** ISO 8601 UTC, "2026-11-23T12:00:00Z". */
std::string format_iso8601(std::int64_t epoch_seconds);

/** Parses "2019-04-01T00:00:00Z", "2019-04-01T00:00:00+09:00", "2019-04-01" or an RFC 5322 date. */
std::optional<std::int64_t> parse_iso8601(std::string_view text);

/** Days-from-civil conversion (UTC), independent of the process time zone. */
std::int64_t to_epoch(int year, int month, int day, int hour, int minute, int second);

}  // namespace inkan::mime
