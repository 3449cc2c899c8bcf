#include "mime/date.h"

#include "mime/headers.h"

#include <array>
#include <cctype>
#include <cstdio>
#include <vector>

namespace inkan::mime {
namespace {

constexpr std::array<std::string_view, 12> kMonths{"jan", "feb", "mar", "apr", "may", "jun",
                                                   "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::array<std::string_view, 7> kDays{"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};

std::optional<int> month_of(std::string_view token) {
  if (token.size() < 3) return std::nullopt;
  const std::string t = to_lower(token.substr(0, 3));
  for (std::size_t i = 0; i < kMonths.size(); ++i) {
    if (t == kMonths[i]) return static_cast<int>(i) + 1;
  }
  return std::nullopt;
}

std::optional<int> zone_of(std::string_view token) {  // minutes east of UTC
  if ((token.front() == '+' || token.front() == '-') && token.size() == 5) {
    int v = 0;
    for (std::size_t i = 1; i < 5; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(token[i]))) return std::nullopt;
      v = v * 10 + (token[i] - '0');
    }
    const int minutes = (v / 100) * 60 + v % 100;
    return token.front() == '-' ? -minutes : minutes;
  }
  const std::string t = to_lower(token);
  if (t == "ut" || t == "utc" || t == "gmt" || t == "z") return 0;
  if (t == "edt") return -4 * 60;
  if (t == "est" || t == "cdt") return -5 * 60;
  if (t == "cst" || t == "mdt") return -6 * 60;
  if (t == "mst" || t == "pdt") return -7 * 60;
  if (t == "pst") return -8 * 60;
  if (t == "jst") return 9 * 60;
  return std::nullopt;
}

int days_in_month(int year, int month) {
  static constexpr int kDaysIn[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDaysIn[month - 1];
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

std::int64_t to_epoch(int year, int month, int day, int hour, int minute, int second) {
  // Howard Hinnant's days_from_civil.
  const int y = year - (month <= 2 ? 1 : 0);
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int mp = month + (month > 2 ? -3 : 9);
  const int doy = (153 * mp + 2) / 5 + day - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const std::int64_t days = static_cast<std::int64_t>(era) * 146097 + doe - 719468;
  return days * 86400 + hour * 3600 + minute * 60 + second;
}

std::optional<std::int64_t> parse_date(std::string_view text) {
  // Tokenise on whitespace and commas; drop comments.
  std::vector<std::string_view> tokens;
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == ',' || c == '\r' || c == '\n') {
      ++i;
      continue;
    }
    if (c == '(') {
      int depth = 0;
      while (i < text.size()) {
        if (text[i] == '(') ++depth;
        if (text[i] == ')' && --depth == 0) break;
        ++i;
      }
      ++i;
      continue;
    }
    const std::size_t b = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t' && text[i] != ',' && text[i] != '\r' &&
           text[i] != '\n' && text[i] != '(')
      ++i;
    tokens.push_back(text.substr(b, i - b));
  }
  // Obsolete syntax allows white space and comments around the colons of the
  // time ("09 : 55 : 06", RFC 5322 §4.3 and A.6.3): join those pieces again.
  std::vector<std::string> joined;
  for (const auto tok : tokens) {
    if (!joined.empty() && (joined.back().back() == ':' || tok.front() == ':')) {
      joined.back() += tok;
    } else {
      joined.emplace_back(tok);
    }
  }

  std::optional<int> day, month, year, zone;
  int hour = -1, minute = -1, second = 0;
  for (const std::string_view tok : joined) {
    if (tok.find(':') != std::string_view::npos && hour < 0) {
      int parts[3] = {0, 0, 0};
      int n = 0;
      std::size_t p = 0;
      while (p <= tok.size() && n < 3) {
        const auto colon = tok.find(':', p);
        const auto piece = tok.substr(p, colon == std::string_view::npos ? std::string_view::npos : colon - p);
        if (!all_digits(piece) || piece.size() > 2) return std::nullopt;
        parts[n++] = std::stoi(std::string(piece));
        if (colon == std::string_view::npos) break;
        p = colon + 1;
      }
      if (n < 2) return std::nullopt;
      hour = parts[0];
      minute = parts[1];
      second = n == 3 ? parts[2] : 0;
      continue;
    }
    if (all_digits(tok)) {
      if (!day && tok.size() <= 2) {
        day = std::stoi(std::string(tok));
      } else if (!year && (tok.size() == 2 || tok.size() == 4 || tok.size() == 3)) {
        int y = std::stoi(std::string(tok));
        if (tok.size() == 2) y += y < 50 ? 2000 : 1900;  // RFC 5322 §4.3
        if (tok.size() == 3) y += 1900;
        year = y;
      } else {
        return std::nullopt;
      }
      continue;
    }
    if (auto m = month_of(tok); m && !month && !std::isdigit(static_cast<unsigned char>(tok.front()))) {
      month = m;
      continue;
    }
    if (auto z = zone_of(tok); z && !zone) {
      zone = z;
      continue;
    }
    // Day names and unknown words are ignored, as lenient mail readers do.
  }
  if (!day || !month || !year || hour < 0) return std::nullopt;
  if (*day < 1 || *day > days_in_month(*year, *month) || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  return to_epoch(*year, *month, *day, hour, minute, second) - static_cast<std::int64_t>(zone.value_or(0)) * 60;
}

namespace {

struct Civil {
  std::int64_t year;
  unsigned month, day, weekday;
  std::int64_t hour, minute, second;
};

Civil civil_from_epoch(std::int64_t t) {
  std::int64_t days = t / 86400;
  std::int64_t rem = t % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  // Howard Hinnant's civil_from_days.
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  Civil c{};
  c.day = doy - (153 * mp + 2) / 5 + 1;
  c.month = mp < 10 ? mp + 3 : mp - 9;
  c.year = static_cast<std::int64_t>(yoe) + era * 400 + (c.month <= 2 ? 1 : 0);
  c.weekday = static_cast<unsigned>(((days % 7) + 7) % 7);
  c.hour = rem / 3600;
  c.minute = rem % 3600 / 60;
  c.second = rem % 60;
  return c;
}

}  // namespace

std::string format_date(std::int64_t t) {
  const Civil c = civil_from_epoch(t);
  const std::string_view month = kMonths[c.month - 1];
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3s, %u %c%c%c %lld %02lld:%02lld:%02lld +0000", kDays[c.weekday].data(), c.day,
                std::toupper(static_cast<unsigned char>(month[0])), month[1], month[2],
                static_cast<long long>(c.year), static_cast<long long>(c.hour), static_cast<long long>(c.minute),
                static_cast<long long>(c.second));
  return buf;
}

std::string format_iso8601(std::int64_t t) {
  const Civil c = civil_from_epoch(t);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ", static_cast<long long>(c.year), c.month,
                c.day, static_cast<long long>(c.hour), static_cast<long long>(c.minute),
                static_cast<long long>(c.second));
  return buf;
}

std::optional<std::int64_t> parse_iso8601(std::string_view text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  const std::string str(trim(text));
  char tail[16] = {0};
  const auto valid_date = [&] { return y >= 1 && mo >= 1 && mo <= 12 && d >= 1 && d <= days_in_month(y, mo); };
  const int n = std::sscanf(str.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%15s", &y, &mo, &d, &h, &mi, &s, tail);
  if (n >= 6) {
    if (!valid_date() || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60) return std::nullopt;
    const std::int64_t t = to_epoch(y, mo, d, h, mi, s);
    const std::string_view z(tail);
    if (z.empty() || z == "Z" || z == "z") return t;
    const auto digit = [](char c) { return c >= '0' && c <= '9'; };
    if ((z[0] == '+' || z[0] == '-') && z.size() == 6 && z[3] == ':' && digit(z[1]) && digit(z[2]) && digit(z[4]) &&
        digit(z[5])) {
      const int hours = (z[1] - '0') * 10 + (z[2] - '0');
      const int minutes = (z[4] - '0') * 10 + (z[5] - '0');
      if (hours > 14 || minutes > 59) return std::nullopt;
      const int off = hours * 60 + minutes;
      return z[0] == '+' ? t - off * 60 : t + off * 60;
    }
    return std::nullopt;
  }
  if (std::sscanf(str.c_str(), "%4d-%2d-%2d%15s", &y, &mo, &d, tail) == 3) {
    return valid_date() ? std::optional<std::int64_t>(to_epoch(y, mo, d, 0, 0, 0)) : std::nullopt;
  }
  return parse_date(text);
}

}  // namespace inkan::mime
