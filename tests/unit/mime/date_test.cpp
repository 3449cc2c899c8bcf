// RFC 5322 §3.3 date-time (and the obsolete forms of §4.3), ISO 8601 for
// --at, and formatting. Expected instants come from timegm(), not from Inkan.
#include "mime/date.h"

#include <gtest/gtest.h>

#include <ctime>
#include <optional>
#include <string>

namespace {

using inkan::mime::parse_date;

// Seconds since the epoch for a UTC civil time, minus a zone offset in minutes east.
std::int64_t utc(int y, int mo, int d, int h, int mi, int s, int zone_minutes = 0) {
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return static_cast<std::int64_t>(::timegm(&tm)) - zone_minutes * 60;
}

TEST(ParseDate, Rfc5322ExamplesWithNumericZones) {
  // RFC 5322 Appendix A.1.1 / A.1.3.
  EXPECT_EQ(parse_date("Fri, 21 Nov 1997 09:55:06 -0600"), utc(1997, 11, 21, 9, 55, 6, -360));
  EXPECT_EQ(parse_date("Tue, 1 Jul 2003 10:52:37 +0200"), utc(2003, 7, 1, 10, 52, 37, 120));
  EXPECT_EQ(parse_date("Thu, 13 Feb 1969 23:32:54 -0330"), utc(1969, 2, 13, 23, 32, 54, -210));
  EXPECT_EQ(parse_date("Mon, 23 Nov 2026 21:00:00 +0900"), utc(2026, 11, 23, 12, 0, 0));
}

TEST(ParseDate, DayOfWeekAndSecondsAreOptional) {
  EXPECT_EQ(parse_date("21 Nov 1997 09:55 +0000"), utc(1997, 11, 21, 9, 55, 0));
}

TEST(ParseDate, ObsoleteZoneNames) {
  // RFC 5322 §4.3 obs-zone.
  EXPECT_EQ(parse_date("Fri, 21 Nov 1997 09:55:06 GMT"), utc(1997, 11, 21, 9, 55, 6));
  EXPECT_EQ(parse_date("Fri, 21 Nov 1997 09:55:06 UT"), utc(1997, 11, 21, 9, 55, 6));
  EXPECT_EQ(parse_date("Fri, 21 Nov 1997 09:55:06 EST"), utc(1997, 11, 21, 9, 55, 6, -300));
  EXPECT_EQ(parse_date("Fri, 21 Nov 1997 09:55:06 EDT"), utc(1997, 11, 21, 9, 55, 6, -240));
  EXPECT_EQ(parse_date("Fri, 21 Nov 1997 09:55:06 CST"), utc(1997, 11, 21, 9, 55, 6, -360));
  EXPECT_EQ(parse_date("Fri, 21 Nov 1997 09:55:06 MDT"), utc(1997, 11, 21, 9, 55, 6, -360));
  EXPECT_EQ(parse_date("Fri, 21 Nov 1997 09:55:06 PST"), utc(1997, 11, 21, 9, 55, 6, -480));
  EXPECT_EQ(parse_date("Fri, 21 Nov 1997 09:55:06 PDT"), utc(1997, 11, 21, 9, 55, 6, -420));
}

TEST(ParseDate, MilitaryAndUnknownZonesMeanUtc) {
  // §4.3: military zones were specified wrongly and SHOULD be taken as -0000.
  EXPECT_EQ(parse_date("Fri, 21 Nov 1997 09:55:06 A"), utc(1997, 11, 21, 9, 55, 6));
  EXPECT_EQ(parse_date("Fri, 21 Nov 1997 09:55:06"), utc(1997, 11, 21, 9, 55, 6));
}

TEST(ParseDate, ObsoleteTwoAndThreeDigitYears) {
  // §4.3: 00-49 -> 20xx, 50-99 -> 19xx, three digits -> +1900.
  EXPECT_EQ(parse_date("21 Nov 97 09:55:06 GMT"), utc(1997, 11, 21, 9, 55, 6));
  EXPECT_EQ(parse_date("1 Jan 49 00:00:00 +0000"), utc(2049, 1, 1, 0, 0, 0));
  EXPECT_EQ(parse_date("1 Jan 50 00:00:00 +0000"), utc(1950, 1, 1, 0, 0, 0));
  EXPECT_EQ(parse_date("1 Jan 103 00:00:00 +0000"), utc(2003, 1, 1, 0, 0, 0));
}

TEST(ParseDate, CommentsAndFoldingWhitespace) {
  // RFC 5322 Appendix A.6.3 (white space and comments).
  EXPECT_EQ(parse_date("Thu,\r\n      13\r\n        Feb\r\n          1969\r\n      23:32\r\n"
                       "               -0330 (Newfoundland Time)"),
            utc(1969, 2, 13, 23, 32, 0, -210));
}

TEST(ParseDate, ObsoleteWhitespaceAroundTimeColons) {
  // RFC 5322 Appendix A.6.3: "Fri, 21 Nov 1997 09(comment):   55  :  06 -0600" is a valid obs-time.
  EXPECT_EQ(parse_date("Fri, 21 Nov 1997 09(comment):   55  :  06 -0600"), utc(1997, 11, 21, 9, 55, 6, -360));
}

TEST(ParseDate, MonthNamesAreCaseInsensitive) {
  EXPECT_EQ(parse_date("fri, 21 NOV 1997 09:55:06 +0000"), utc(1997, 11, 21, 9, 55, 6));
}

TEST(ParseDate, LeapDayAndEndOfYear) {
  EXPECT_EQ(parse_date("Tue, 29 Feb 2000 12:00:00 +0000"), utc(2000, 2, 29, 12, 0, 0));
  EXPECT_EQ(parse_date("Thu, 31 Dec 2099 23:59:59 +0000"), utc(2099, 12, 31, 23, 59, 59));
  // Crossing midnight and the year boundary through the zone.
  EXPECT_EQ(parse_date("Thu, 1 Jan 2026 08:00:00 +0900"), utc(2025, 12, 31, 23, 0, 0));
}

TEST(ParseDate, GarbageIsRejected) {
  for (const char* bad : {"", "   ", "not a date", "yesterday at noon", "Fri, 21 Nov 1997", "09:55:06 +0000",
                          "Fri, 32 Nov 1997 09:55:06 +0000", "Fri, 0 Nov 1997 09:55:06 +0000",
                          "Fri, 21 Foo 1997 09:55:06 +0000", "Fri, 21 Nov 1997 24:00:00 +0000",
                          "Fri, 21 Nov 1997 09:60:00 +0000", "Fri, 21 Nov 1997 9:5x:06 +0000",
                          "Fri, 21 Nov 1997 123:00:00 +0000", "21 Nov 19977 09:55:06", "Nov 1997 09:55:06 +0000"}) {
    EXPECT_EQ(parse_date(bad), std::nullopt) << "'" << bad << "'";
  }
}

TEST(ParseDate, DayThatDoesNotExistInTheMonthIsRejected) {
  // RFC 5322 §3.3: "the day-of-month MUST be within the number of days in the month".
  EXPECT_EQ(parse_date("Mon, 31 Feb 2026 10:00:00 +0000"), std::nullopt);
  EXPECT_EQ(parse_date("Mon, 29 Feb 2026 10:00:00 +0000"), std::nullopt);
  EXPECT_EQ(parse_date("Thu, 31 Apr 2026 10:00:00 +0000"), std::nullopt);
}

TEST(FormatDate, IsRfc5322InUtc) {
  EXPECT_EQ(inkan::mime::format_date(0), "Thu, 1 Jan 1970 00:00:00 +0000");
  EXPECT_EQ(inkan::mime::format_date(utc(2026, 11, 23, 12, 0, 0)), "Mon, 23 Nov 2026 12:00:00 +0000");
  EXPECT_EQ(inkan::mime::format_date(utc(2000, 2, 29, 23, 59, 59)), "Tue, 29 Feb 2000 23:59:59 +0000");
  EXPECT_EQ(inkan::mime::format_date(-1), "Wed, 31 Dec 1969 23:59:59 +0000");
}

TEST(FormatDate, ParseOfFormatIsIdentity) {
  // A spread of instants including negative ones, leap years and century boundaries.
  for (std::int64_t t = -2208988800LL; t < 4102444800LL; t += 86400LL * 97 + 3607) {
    ASSERT_EQ(parse_date(inkan::mime::format_date(t)), t) << inkan::mime::format_date(t);
  }
}

TEST(Iso8601, FormatsAndParses) {
  EXPECT_EQ(inkan::mime::format_iso8601(utc(2019, 4, 1, 0, 0, 0)), "2019-04-01T00:00:00Z");
  EXPECT_EQ(inkan::mime::parse_iso8601("2019-04-01T00:00:00Z"), utc(2019, 4, 1, 0, 0, 0));
  EXPECT_EQ(inkan::mime::parse_iso8601("2019-04-01T09:00:00+09:00"), utc(2019, 4, 1, 0, 0, 0));
  EXPECT_EQ(inkan::mime::parse_iso8601("2019-03-31T19:30:00-04:30"), utc(2019, 4, 1, 0, 0, 0));
  EXPECT_EQ(inkan::mime::parse_iso8601("2019-04-01"), utc(2019, 4, 1, 0, 0, 0));
  EXPECT_EQ(inkan::mime::parse_iso8601("Mon, 1 Apr 2019 00:00:00 +0000"), utc(2019, 4, 1, 0, 0, 0));
}

TEST(Iso8601, GarbageIsRejected) {
  for (const char* bad : {"", "2019", "2019-13-01", "2019-04-01T00:00:00 junk", "2019-04-01T00:00:00+0900x", "soon"}) {
    EXPECT_EQ(inkan::mime::parse_iso8601(bad), std::nullopt) << bad;
  }
}

TEST(Iso8601, RoundTrip) {
  for (std::int64_t t = 0; t < 4102444800LL; t += 86400LL * 31 + 59) {
    ASSERT_EQ(inkan::mime::parse_iso8601(inkan::mime::format_iso8601(t)), t);
  }
}

TEST(ToEpoch, MatchesTimegm) {
  for (int y : {1900, 1969, 1970, 1999, 2000, 2024, 2038, 2100}) {
    for (int m = 1; m <= 12; ++m) {
      EXPECT_EQ(inkan::mime::to_epoch(y, m, 28, 13, 14, 15), utc(y, m, 28, 13, 14, 15)) << y << "-" << m;
    }
  }
}

}  // namespace
