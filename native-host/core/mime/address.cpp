#include "mime/address.h"

#include "mime/codec.h"
#include "mime/headers.h"

#include <cctype>

namespace inkan::mime {
namespace {

// Splits on top-level commas and group syntax, honouring quotes, comments and <...>.
class Scanner {
public:
  explicit Scanner(std::string_view text) : m_text(text) {}

  std::vector<Mailbox> run() {
    std::vector<Mailbox> out;
    std::string display;
    std::string bare;  // addr-spec written without angle brackets
    std::string angle;
    bool have_angle = false;
    auto flush = [&] {
      std::string addr = have_angle ? angle : std::string(trim(bare));
      if (!addr.empty() && addr.find('@') != std::string::npos) {
        out.push_back(Mailbox{std::string(trim(display)), normalize_address(addr)});
      }
      display.clear();
      bare.clear();
      angle.clear();
      have_angle = false;
    };
    while (m_pos < m_text.size()) {
      const char c = m_text[m_pos];
      if (c == '"') {
        const std::string q = quoted();
        display += q;
        bare += '"' + q + '"';
      } else if (c == '(') {
        comment();
      } else if (c == '<') {
        ++m_pos;
        while (m_pos < m_text.size() && m_text[m_pos] != '>') {
          if (m_text[m_pos] == '"') {
            angle += '"' + quoted() + '"';
            continue;
          }
          if (m_text[m_pos] != ' ' && m_text[m_pos] != '\t' && m_text[m_pos] != '\r' && m_text[m_pos] != '\n') {
            angle.push_back(m_text[m_pos]);
          }
          ++m_pos;
        }
        ++m_pos;
        // Obsolete route syntax "<@a,@b:user@host>".
        const auto colon = angle.find(':');
        if (!angle.empty() && angle.front() == '@' && colon != std::string::npos) angle.erase(0, colon + 1);
        have_angle = true;
      } else if (c == ',' || c == ';') {
        flush();
        ++m_pos;
      } else if (c == ':') {  // group name ends: what came before was not an address
        display.clear();
        bare.clear();
        ++m_pos;
      } else {
        display.push_back(c);
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n') bare.push_back(c);
        ++m_pos;
      }
    }
    flush();
    return out;
  }

private:
  std::string quoted() {
    std::string out;
    ++m_pos;
    while (m_pos < m_text.size() && m_text[m_pos] != '"') {
      if (m_text[m_pos] == '\\' && m_pos + 1 < m_text.size()) ++m_pos;
      out.push_back(m_text[m_pos++]);
    }
    ++m_pos;
    return out;
  }

  void comment() {
    int depth = 0;
    while (m_pos < m_text.size()) {
      const char c = m_text[m_pos++];
      if (c == '\\') {
        ++m_pos;
      } else if (c == '(') {
        ++depth;
      } else if (c == ')') {
        if (--depth == 0) return;
      }
    }
  }

  std::string_view m_text;
  std::size_t m_pos = 0;
};

}  // namespace

std::vector<Mailbox> parse_mailboxes(std::string_view value) { return Scanner(value).run(); }

std::string decode_words(std::string_view text) {
  std::string out;
  std::size_t i = 0;
  bool last_was_word = false;
  while (i < text.size()) {
    const auto start = text.find("=?", i);
    if (start == std::string_view::npos) {
      out.append(text.substr(i));
      break;
    }
    // charset ? encoding ? payload ?=
    const auto q1 = text.find('?', start + 2);
    const auto q2 = q1 == std::string_view::npos ? q1 : text.find('?', q1 + 1);
    const auto end = q2 == std::string_view::npos ? q2 : text.find("?=", q2 + 1);
    if (end == std::string_view::npos || q2 != q1 + 2) {
      out.append(text.substr(i, start + 2 - i));
      i = start + 2;
      last_was_word = false;
      continue;
    }
    const std::string_view between = text.substr(i, start - i);
    // Whitespace between two adjacent encoded words is not part of the text (RFC 2047 §6.2).
    if (!(last_was_word && trim(between).empty())) out.append(between);
    const char enc = static_cast<char>(std::tolower(static_cast<unsigned char>(text[q1 + 1])));
    const std::string_view payload = text.substr(q2 + 1, end - q2 - 1);
    if (enc == 'b') {
      out += base64_decode(payload);
    } else if (enc == 'q') {
      std::string q(payload);
      for (auto& c : q) {
        if (c == '_') c = ' ';
      }
      out += qp_decode(q);
    } else {
      out.append(text.substr(start, end + 2 - start));
    }
    i = end + 2;
    last_was_word = true;
  }
  return out;
}

std::string normalize_address(std::string_view address) { return to_lower(trim(address)); }

}  // namespace inkan::mime
