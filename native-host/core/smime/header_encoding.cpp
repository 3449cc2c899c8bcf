#include "smime/header_encoding.h"

#include "mime/codec.h"

#include <algorithm>
#include <array>
#include <vector>

namespace inkan::smime {
namespace {

bool has_8bit(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

std::string crlf(std::string_view raw) {
  std::string out;
  mime::CrlfCanonicalizer c;
  c.update(raw, out);
  if (out.size() < 2 || out.compare(out.size() - 2, 2, "\r\n") != 0) out += "\r\n";
  return out;
}

bool is_one_of(std::string_view name, std::initializer_list<std::string_view> names) {
  return std::any_of(names.begin(), names.end(), [&](std::string_view n) { return mime::iequals(name, n); });
}

bool is_address_field(std::string_view name) {
  return is_one_of(name, {"From", "Sender", "Reply-To", "To", "Cc", "Bcc", "Resent-From", "Resent-Sender",
                          "Resent-To", "Resent-Cc", "Resent-Bcc", "Disposition-Notification-To",
                          "Return-Receipt-To", "Mail-Followup-To", "Mail-Reply-To", "Errors-To"});
}

// Fields whose syntax has no place for encoded-words: rewriting them would change their
// meaning, so 8-bit bytes there (rare, and never valid) are left as written.
bool is_structured_without_text(std::string_view name) {
  return is_one_of(name, {"Date", "Message-ID", "In-Reply-To", "References", "Received", "Return-Path",
                          "Resent-Date", "Resent-Message-ID", "MIME-Version", "Content-ID",
                          "Content-Transfer-Encoding", "Content-Location", "Content-Language",
                          "Content-MD5", "Content-Base", "DKIM-Signature", "Authentication-Results",
                          "ARC-Seal", "ARC-Message-Signature", "ARC-Authentication-Results"});
}

std::size_t column_after(const std::string& out, std::size_t line_start_column) {
  const auto nl = out.rfind('\n');
  return nl == std::string::npos ? line_start_column + out.size() : out.size() - nl - 1;
}

bool attribute_char(unsigned char c) {
  return c > 32 && c < 127 && std::string_view("*'%()<>@,;:\\\"/[]?=").find(static_cast<char>(c)) == std::string_view::npos;
}

// RFC 2231 extended parameter, split in sections to keep lines short.
std::string rfc2231(const std::string& name, std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::vector<std::string> pieces(1);
  for (const char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    std::string enc = attribute_char(c) ? std::string(1, ch) : std::string{'%', kHex[c >> 4], kHex[c & 15]};
    if (pieces.back().size() + enc.size() > 48) pieces.emplace_back();
    pieces.back() += enc;
  }
  std::string out;
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    if (i > 0) out += ";\r\n ";
    out += pieces.size() == 1 ? name + "*=" : name + "*" + std::to_string(i) + "*=";
    if (i == 0) out += "UTF-8''";
    out += pieces[i];
  }
  return out;
}

std::string structured_field(const mime::Field& field) {
  const std::string_view value = field.value;
  const auto semi = value.find(';');
  std::string out = field.name + ": " + std::string(mime::trim(value.substr(0, semi)));
  if (semi == std::string_view::npos) return out + "\r\n";
  for (const auto& [name, v] : mime::parse_parameters(value.substr(semi + 1))) {
    out += ";\r\n ";
    out += has_8bit(v) ? rfc2231(name, v) : name + "=" + mime::quote_param(v);
  }
  return out + "\r\n";
}


}  // namespace

bool is_content_field(std::string_view name) {
  return name.size() >= 8 && mime::iequals(name.substr(0, 8), "Content-");
}

std::string encode_words(std::string_view value, std::size_t first_line_used) {
  // RFC 2047 §2: a line holding encoded-words is at most 76 characters (so a word is at
  // most 75); each word is as long as the room left allows, never splitting a UTF-8 sequence.
  constexpr std::size_t kLine = 76;
  constexpr std::size_t kOverhead = 12;  // "=?UTF-8?B?" and "?="
  const auto bytes_that_fit = [&](std::size_t i, std::size_t used, std::size_t separator) {
    const std::size_t room = used + separator + kOverhead < kLine ? (kLine - used - separator - kOverhead) / 4 * 3 : 0;
    std::size_t n = std::min(room, value.size() - i);
    while (n > 0 && i + n < value.size() && (static_cast<unsigned char>(value[i + n]) & 0xC0) == 0x80) --n;
    return n;
  };
  std::string out;
  std::size_t used = first_line_used;
  std::size_t i = 0;
  while (i < value.size()) {
    std::size_t separator = out.empty() ? 0 : 1;
    std::size_t n = bytes_that_fit(i, used, separator);
    if (n == 0 && used + separator > 0) {  // not even one character fits here: fold first
      out += "\r\n";
      used = 0;
      separator = 1;
      n = bytes_that_fit(i, used, separator);
    }
    if (n == 0) n = std::min<std::size_t>(45, value.size() - i);  // a run of stray continuation bytes
    std::string b64 = mime::base64_encode(value.substr(i, n));
    while (!b64.empty() && (b64.back() == '\n' || b64.back() == '\r')) b64.pop_back();
    const std::string word = "=?UTF-8?B?" + b64 + "?=";
    if (separator > 0) {
      out += ' ';
      ++used;
    }
    out += word;
    used += word.size();
    i += n;
  }
  return out;
}

std::string encode_address_list(std::string_view v, std::size_t first_line_used) {
  // A phrase (display name) is a run of atoms and quoted-strings; one holding 8-bit bytes is
  // replaced by encoded-words of its text (RFC 2047 §5(3)). A run that turns out to be the
  // local part of an address ('@' follows) and everything inside <...> or after '@' is an
  // address and is copied as written, as are ASCII phrases.
  std::string out;
  std::string phrase_raw;   // as written, including whitespace between its words
  std::string phrase_text;  // words with quoted-strings unquoted, one space between words
  std::string pending_space;
  const auto column = [&] { return column_after(out, first_line_used); };
  // An encoded-word in a phrase must be set apart from specials by whitespace (RFC 2047 §5(3)).
  const auto flush_phrase = [&](bool is_local_part, bool more_follows) {
    if (phrase_raw.empty()) return;
    if (!is_local_part && has_8bit(phrase_text)) {
      if (!out.empty() && out.back() != ' ' && out.back() != '\t') out += ' ';
      out += encode_words(phrase_text, column());
      if (more_follows && pending_space.empty()) out += ' ';
    } else {
      out += phrase_raw;
    }
    phrase_raw.clear();
    phrase_text.clear();
  };
  const auto add_word = [&](std::string_view raw, std::string_view text) {
    if (!phrase_raw.empty()) {
      phrase_raw += pending_space;
      phrase_text += ' ';
    } else {
      out += pending_space;
    }
    pending_space.clear();
    phrase_raw += raw;
    phrase_text += text;
  };
  // Copies a delimited run ("..." or (...)) honouring backslash escapes and, for comments, nesting.
  const auto delimited = [&](std::size_t i, char open, char close, std::string& text) {
    int depth = 0;
    std::size_t j = i;
    for (; j < v.size(); ++j) {
      const char c = v[j];
      if (c == '\\' && j + 1 < v.size()) {
        text += v[++j];
        continue;
      }
      if (c == open && (open != close || j == i)) {
        if (depth++ > 0) text += c;
        continue;
      }
      if (c == close && --depth == 0) return j + 1;
      text += c;
    }
    return j;  // unterminated: the rest of the value
  };

  std::size_t i = 0;
  bool in_domain = false;
  while (i < v.size()) {
    const char c = v[i];
    if (c == ' ' || c == '\t') {
      pending_space += c;
      ++i;
    } else if (c == '"' && !in_domain) {
      std::string text;
      const std::size_t end = delimited(i, '"', '"', text);
      add_word(v.substr(i, end - i), text);
      i = end;
    } else if (c == '(') {
      flush_phrase(false, true);
      out += pending_space;
      pending_space.clear();
      std::string text;
      const std::size_t end = delimited(i, '(', ')', text);
      if (has_8bit(text)) {
        std::string words = encode_words(text, column() + 1);
        if (words.rfind("\r\n", 0) == 0) {  // no room on this line: fold before the '(', not inside
          if (!out.empty() && out.back() == ' ') out.pop_back();
          out += "\r\n ";
          words = encode_words(text, column() + 1);
        }
        out += "(" + words + ")";
      } else {
        out += v.substr(i, end - i);
      }
      i = end;
    } else if (c == '<' || c == '@') {
      flush_phrase(c == '@', true);
      out += pending_space;
      pending_space.clear();
      const std::size_t end = c == '<' ? std::min(v.find('>', i), v.size() - 1) + 1 : i + 1;
      out += v.substr(i, end - i);
      in_domain = c == '@';
      i = end;
    } else if (c == ',' || c == ';' || c == ':') {
      flush_phrase(false, true);
      out += pending_space;
      pending_space.clear();
      out += c;
      in_domain = false;
      ++i;
    } else {
      std::size_t j = i;
      while (j < v.size() && std::string_view(" \t\"(<@,;:").find(v[j]) == std::string_view::npos) ++j;
      if (j == i) ++j;  // a '"' inside a domain: copied as a character of its own
      if (in_domain) {
        out += pending_space;
        pending_space.clear();
        out += v.substr(i, j - i);
      } else {
        add_word(v.substr(i, j - i), v.substr(i, j - i));
      }
      i = j;
    }
  }
  flush_phrase(false, false);
  out += pending_space;
  return out;
}

std::string seven_bit_field(const mime::Field& field) {
  if (!has_8bit(field.raw) || is_structured_without_text(field.name)) return crlf(field.raw);
  const std::size_t used = field.name.size() + 2;
  if (mime::iequals(field.name, "Content-Type") || mime::iequals(field.name, "Content-Disposition")) {
    return structured_field(field);
  }
  if (is_address_field(field.name)) return field.name + ": " + encode_address_list(field.value, used) + "\r\n";
  return field.name + ": " + encode_words(field.value, used) + "\r\n";
}

}  // namespace inkan::smime
