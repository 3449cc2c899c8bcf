#include "support/reference_codecs.h"

#include <cctype>

namespace inkan::test {
namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int upper_hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

int any_hex(char c) {
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return upper_hex(c);
}

void fail(std::string* why, std::string text) {
  if (why != nullptr) *why = std::move(text);
}

}  // namespace

std::string ref_base64(std::string_view data) {
  std::string out;
  std::size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned>(static_cast<unsigned char>(data[k])); };
    const unsigned v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  const std::size_t rest = data.size() - i;
  if (rest > 0) {
    unsigned v = static_cast<unsigned>(static_cast<unsigned char>(data[i])) << 16;
    if (rest == 2) v |= static_cast<unsigned>(static_cast<unsigned char>(data[i + 1])) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::optional<std::string> ref_base64_decode(std::string_view encoded) {
  std::string chars;
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    const char c = encoded[i];
    if (c == '\r') {
      if (i + 1 >= encoded.size() || encoded[i + 1] != '\n') return std::nullopt;
      ++i;
      continue;
    }
    if (c == '=' || kAlphabet.find(c) != std::string_view::npos) {
      chars.push_back(c);
      continue;
    }
    return std::nullopt;
  }
  if (chars.size() % 4 != 0) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < chars.size(); i += 4) {
    const bool last = i + 4 == chars.size();
    unsigned v = 0;
    int pad = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      const char c = chars[i + k];
      if (c == '=') {
        if (!last || k < 2) return std::nullopt;
        ++pad;
        v <<= 6;
        continue;
      }
      if (pad > 0) return std::nullopt;  // data after padding
      v = (v << 6) | static_cast<unsigned>(kAlphabet.find(c));
    }
    out.push_back(static_cast<char>((v >> 16) & 0xFF));
    if (pad < 2) out.push_back(static_cast<char>((v >> 8) & 0xFF));
    if (pad < 1) out.push_back(static_cast<char>(v & 0xFF));
  }
  return out;
}

std::optional<std::string> ref_qp_decode(std::string_view encoded, std::string* why) {
  std::string out;
  std::size_t pos = 0;
  while (pos <= encoded.size()) {
    std::size_t end = encoded.find("\r\n", pos);
    const bool hard_break = end != std::string_view::npos;
    if (!hard_break) end = encoded.size();
    const std::string_view line = encoded.substr(pos, end - pos);
    if (line.size() > 76) {
      fail(why, "line longer than 76 characters: " + std::string(line));
      return std::nullopt;
    }
    if (!line.empty() && (line.back() == ' ' || line.back() == '\t')) {
      fail(why, "unencoded whitespace at the end of a line: " + std::string(line));
      return std::nullopt;
    }
    bool soft = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
      const auto c = static_cast<unsigned char>(line[i]);
      if (c == '=') {
        if (i + 1 == line.size()) {
          soft = true;
          break;
        }
        if (i + 2 >= line.size() || upper_hex(line[i + 1]) < 0 || upper_hex(line[i + 2]) < 0) {
          fail(why, "bad escape in: " + std::string(line));
          return std::nullopt;
        }
        out.push_back(static_cast<char>(upper_hex(line[i + 1]) * 16 + upper_hex(line[i + 2])));
        i += 2;
        continue;
      }
      if (c == ' ' || c == '\t' || (c >= 33 && c <= 126)) {
        out.push_back(static_cast<char>(c));
        continue;
      }
      fail(why, "character " + std::to_string(c) + " may not appear literally in: " + std::string(line));
      return std::nullopt;
    }
    if (!hard_break) break;
    if (!soft) out += "\r\n";
    pos = end + 2;
  }
  return out;
}

std::string ref_to_crlf(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) out.push_back('\r');
    out.push_back(text[i]);
  }
  return out;
}

bool ref_is_7bit(std::string_view text, std::string* why) {
  std::size_t line = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == 0 || c >= 0x80) {
      fail(why, "byte " + std::to_string(c) + " at offset " + std::to_string(i));
      return false;
    }
    if (c == '\r') {
      if (i + 1 >= text.size() || text[i + 1] != '\n') {
        fail(why, "bare CR at offset " + std::to_string(i));
        return false;
      }
      ++i;
      line = 0;
      continue;
    }
    if (c == '\n') {
      fail(why, "bare LF at offset " + std::to_string(i));
      return false;
    }
    if (++line > 998) {
      fail(why, "line longer than 998 octets ending near offset " + std::to_string(i));
      return false;
    }
  }
  return true;
}

std::vector<std::string> split_crlf_lines(std::string_view text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  for (;;) {
    const auto end = text.find("\r\n", pos);
    if (end == std::string_view::npos) {
      out.emplace_back(text.substr(pos));
      return out;
    }
    out.emplace_back(text.substr(pos, end - pos));
    pos = end + 2;
  }
}

std::optional<std::string> ref_percent_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size() || any_hex(text[i + 1]) < 0 || any_hex(text[i + 2]) < 0) return std::nullopt;
    out.push_back(static_cast<char>(any_hex(text[i + 1]) * 16 + any_hex(text[i + 2])));
    i += 2;
  }
  return out;
}

std::optional<EncodedWord> ref_decode_encoded_word(std::string_view word) {
  if (word.size() < 8 || word.substr(0, 2) != "=?" || word.substr(word.size() - 2) != "?=") return std::nullopt;
  const std::string_view inner = word.substr(2, word.size() - 4);
  const auto q1 = inner.find('?');
  if (q1 == std::string_view::npos || q1 + 2 >= inner.size() || inner[q1 + 2] != '?') return std::nullopt;
  EncodedWord w;
  w.charset = std::string(inner.substr(0, q1));
  const char encoding = static_cast<char>(std::toupper(static_cast<unsigned char>(inner[q1 + 1])));
  const std::string_view text = inner.substr(q1 + 3);
  if (text.find_first_of(" \t\r\n?") != std::string_view::npos) return std::nullopt;
  if (encoding == 'B') {
    auto bytes = ref_base64_decode(text);
    if (!bytes) return std::nullopt;
    w.bytes = std::move(*bytes);
    return w;
  }
  if (encoding == 'Q') {
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '_') {
        w.bytes.push_back(' ');
      } else if (text[i] == '=') {
        if (i + 2 >= text.size() || any_hex(text[i + 1]) < 0 || any_hex(text[i + 2]) < 0) return std::nullopt;
        w.bytes.push_back(static_cast<char>(any_hex(text[i + 1]) * 16 + any_hex(text[i + 2])));
        i += 2;
      } else {
        w.bytes.push_back(text[i]);
      }
    }
    return w;
  }
  return std::nullopt;
}

bool is_valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    if (c < 0x80) n = 0;
    else if ((c & 0xE0) == 0xC0 && c >= 0xC2) n = 1;
    else if ((c & 0xF0) == 0xE0) n = 2;
    else if ((c & 0xF8) == 0xF0 && c <= 0xF4) n = 3;
    else return false;
    for (std::size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size() || (static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n + 1;
  }
  return true;
}

}  // namespace inkan::test
