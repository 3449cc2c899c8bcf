#include "mime/headers.h"

#include "error.h"
#include "mime/line_reader.h"

#include <algorithm>
#include <cctype>

namespace inkan::mime {
namespace {

bool is_wsp(char c) { return c == ' ' || c == '\t'; }

bool is_field_name_char(unsigned char c) { return c > 32 && c < 127 && c != ':'; }

// A field line: "name:" with a printable, colon-free name.
std::optional<std::size_t> field_colon(std::string_view line) {
  std::size_t i = 0;
  while (i < line.size() && is_field_name_char(static_cast<unsigned char>(line[i]))) ++i;
  std::size_t name_end = i;
  while (i < line.size() && is_wsp(line[i])) ++i;  // tolerate "Name :" (obsolete syntax)
  if (name_end == 0 || i >= line.size() || line[i] != ':') return std::nullopt;
  return i;
}

std::string unfold(std::string_view raw_value) {
  std::string out;
  out.reserve(raw_value.size());
  for (char c : raw_value) {
    if (c == '\r' || c == '\n') continue;
    out.push_back(c);
  }
  return std::string(trim(out));
}

Field make_field(std::string raw) {
  Field f;
  std::string_view view(raw);
  const auto colon = field_colon(view).value_or(0);
  std::string_view name = view.substr(0, colon);
  while (!name.empty() && is_wsp(name.back())) name.remove_suffix(1);
  f.name = std::string(name);
  f.value = unfold(view.substr(colon + 1));
  f.raw = std::move(raw);
  return f;
}

// RFC 2045 §5.1 allows RFC 822 comments in structured fields ("charset=us-ascii (Plain
// text)"); they are removed outside quoted strings, nested and with quoted-pairs.
std::string strip_comments(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  int depth = 0;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (depth == 0 && c == '"') quoted = !quoted;
    if ((quoted || depth > 0) && c == '\\' && i + 1 < text.size()) {
      if (depth == 0) {
        out.push_back(c);
        out.push_back(text[i + 1]);
      }
      ++i;
      continue;
    }
    if (!quoted && c == '(') {
      ++depth;
      continue;
    }
    if (!quoted && depth > 0 && c == ')') {
      --depth;
      continue;
    }
    if (depth == 0) out.push_back(c);
  }
  return out;
}

bool is_tspecial(char c) {
  return std::string_view("()<>@,;:\\\"/[]?=").find(c) != std::string_view::npos;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      const int hi = hex_value(s[i + 1]);
      const int lo = hex_value(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (is_wsp(s.front()) || s.front() == '\r' || s.front() == '\n')) s.remove_prefix(1);
  while (!s.empty() && (is_wsp(s.back()) || s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

const Field* Headers::find(std::string_view name) const {
  for (const auto& f : m_fields) {
    if (iequals(f.name, name)) return &f;
  }
  return nullptr;
}

std::size_t Headers::count(std::string_view name) const {
  return static_cast<std::size_t>(
      std::count_if(m_fields.begin(), m_fields.end(), [&](const Field& f) { return iequals(f.name, name); }));
}

HeaderBlock parse_header_block(const io::Source& src, io::Range range) {
  HeaderBlock block;
  block.body_begin = range.begin;
  LineReader reader(src, range);
  Line line;
  std::string current;
  std::size_t total = 0;
  bool have_current = false;

  auto finish = [&] {
    if (have_current) block.headers.add(make_field(std::move(current)));
    current.clear();
    have_current = false;
  };

  while (reader.next(line)) {
    if (line.length() == 0) {  // blank line: end of the header block
      finish();
      block.saw_blank_line = true;
      block.body_begin = line.end;
      return block;
    }
    total += static_cast<std::size_t>(line.end - line.begin);
    if (total > kMaxHeaderBlock || line.length() > LineReader::kPrefix * 64) {
      throw Error(Errc::mime_malformed, "header block too large");
    }
    // Lines up to kPrefix are whole in the prefix; longer ones are read again.
    std::string text = line.length() <= LineReader::kPrefix
                           ? std::string(line.prefix)
                           : io::read_range(src, line.begin, line.content_end, kMaxHeaderBlock);
    text.append(line.has_terminator() ? (line.end - line.content_end == 2 ? "\r\n" : "\n") : "");
    if (is_wsp(text.front())) {
      if (!have_current) {  // a continuation with nothing to continue: not a header block
        return block;
      }
      current += text;
      block.body_begin = line.end;
      continue;
    }
    if (!field_colon(text)) {  // not a field: the body starts here
      finish();
      return block;
    }
    finish();
    current = std::move(text);
    have_current = true;
    block.body_begin = line.end;
  }
  finish();
  return block;
}

Headers parse_header_text(std::string_view text) {
  io::ViewSource src(text);
  return parse_header_block(src, {0, text.size()}).headers;
}

std::map<std::string, std::string> parse_parameters(std::string_view raw_text, std::set<std::string>* ambiguous) {
  const std::string uncommented = strip_comments(raw_text);
  const std::string_view text = uncommented;
  struct Piece {
    std::string value;
    bool extended = false;
  };
  // Every way a parameter can be written (RFC 2045 name=, RFC 2231 name*= and name*N[*]=).
  struct Forms {
    std::optional<std::string> plain;
    std::optional<std::string> extended;
    std::map<int, Piece> sections;
    bool repeated = false;
  };
  std::map<std::string, Forms> params;
  std::size_t i = 0;
  const auto skip_space = [&] {
    while (i < text.size() && (is_wsp(text[i]) || text[i] == '\r' || text[i] == '\n')) ++i;
  };
  while (i < text.size()) {
    skip_space();
    if (i < text.size() && text[i] == ';') {
      ++i;
      continue;
    }
    const std::size_t name_begin = i;
    while (i < text.size() && text[i] != '=' && text[i] != ';' && !is_wsp(text[i])) ++i;
    std::string name = to_lower(text.substr(name_begin, i - name_begin));
    skip_space();
    if (i >= text.size() || text[i] != '=') {  // a parameter without value: skip it
      while (i < text.size() && text[i] != ';') ++i;
      continue;
    }
    ++i;
    skip_space();
    std::string value;
    if (i < text.size() && text[i] == '"') {
      ++i;
      while (i < text.size() && text[i] != '"') {
        if (text[i] == '\\' && i + 1 < text.size()) ++i;
        value.push_back(text[i++]);
      }
      if (i < text.size()) ++i;
    } else {
      const std::size_t v = i;
      while (i < text.size() && text[i] != ';') ++i;
      value = std::string(trim(text.substr(v, i - v)));
    }
    if (name.empty()) continue;
    bool extended = false;
    if (name.back() == '*') {
      extended = true;
      name.pop_back();
    }
    std::optional<int> section;
    const auto star = name.find('*');
    if (star != std::string::npos) {
      const std::string digits = name.substr(star + 1);
      if (!digits.empty() && digits.size() < 4 &&
          std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        section = std::stoi(digits);
        name.resize(star);
      }
    }
    // The first definition wins, as in Mozilla's parser; a repeat is remembered as ambiguous.
    Forms& f = params[name];
    if (section) {
      f.repeated |= !f.sections.emplace(*section, Piece{std::move(value), extended}).second;
    } else if (extended) {
      f.repeated |= f.extended.has_value();
      if (!f.extended) f.extended = std::move(value);
    } else {
      f.repeated |= f.plain.has_value();
      if (!f.plain) f.plain = std::move(value);
    }
  }

  const auto decode_extended = [](std::string_view v, bool first) {
    if (first) {  // charset'language'value: the charset is not converted
      const auto q1 = v.find('\'');
      const auto q2 = q1 == std::string_view::npos ? q1 : v.find('\'', q1 + 1);
      if (q2 != std::string_view::npos) v.remove_prefix(q2 + 1);
    }
    return percent_decode(v);
  };
  std::map<std::string, std::string> out;
  for (auto& [name, f] : params) {
    const int forms = (f.plain ? 1 : 0) + (f.extended ? 1 : 0) + (f.sections.empty() ? 0 : 1);
    if (ambiguous != nullptr && (f.repeated || forms > 1)) ambiguous->insert(name);
    // RFC 2231 forms take precedence over the plain one (Mozilla does the same).
    if (!f.sections.empty()) {
      std::string joined;
      bool first = true;
      for (auto& [index, piece] : f.sections) {
        joined += piece.extended ? decode_extended(piece.value, first) : piece.value;
        first = false;
      }
      out.emplace(name, std::move(joined));
    } else if (f.extended) {
      out.emplace(name, decode_extended(*f.extended, true));
    } else {
      out.emplace(name, std::move(*f.plain));
    }
  }
  return out;
}

std::string ContentType::param(std::string_view name) const {
  const auto it = params.find(std::string(name));
  return it == params.end() ? std::string() : it->second;
}

std::optional<ContentType> parse_content_type(std::string_view raw_value) {
  const std::string uncommented = strip_comments(raw_value);
  std::string_view value = trim(uncommented);
  const auto semi = value.find(';');
  std::string_view mime = trim(value.substr(0, semi));
  const auto slash = mime.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 >= mime.size()) return std::nullopt;
  const auto token_ok = [](std::string_view t) {
    return !t.empty() && std::all_of(t.begin(), t.end(), [](char c) {
      const auto u = static_cast<unsigned char>(c);
      return u > 32 && u < 127 && !is_tspecial(c);
    });
  };
  std::string_view type = trim(mime.substr(0, slash));
  std::string_view subtype = trim(mime.substr(slash + 1));
  if (!token_ok(type) || !token_ok(subtype)) return std::nullopt;
  ContentType ct;
  ct.type = to_lower(type);
  ct.subtype = to_lower(subtype);
  if (semi != std::string_view::npos) ct.params = parse_parameters(value.substr(semi + 1), &ct.ambiguous_params);
  return ct;
}

ContentType content_type_of(const Headers& headers) {
  const Field* f = headers.find("Content-Type");
  if (f != nullptr) {
    if (auto ct = parse_content_type(f->value)) return *ct;
  }
  ContentType ct;  // RFC 2045 §5.2 default
  ct.params["charset"] = "us-ascii";
  return ct;
}

std::string transfer_encoding_of(const Headers& headers) {
  const Field* f = headers.find("Content-Transfer-Encoding");
  if (f == nullptr) return "7bit";
  std::string v = to_lower(trim(f->value));
  const auto paren = v.find('(');  // drop comments
  if (paren != std::string::npos) v = std::string(trim(v.substr(0, paren)));
  return v.empty() ? "7bit" : v;
}

std::string quote_param(std::string_view value) {
  const bool token = !value.empty() && std::all_of(value.begin(), value.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u > 32 && u < 127 && !is_tspecial(c);
  });
  if (token) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace inkan::mime
