#include "cms/ber.h"

namespace inkan::cms::ber {
namespace {
constexpr int kMaxDepth = 64;
}

std::optional<Tlv> read(std::string_view in, int depth) {
  if (depth > kMaxDepth || in.size() < 2) return std::nullopt;
  Tlv t;
  std::size_t pos = 0;
  const auto first = static_cast<unsigned char>(in[pos++]);
  t.tag_class = first >> 6;
  t.constructed = (first & 0x20) != 0;
  t.tag = first & 0x1F;
  if (t.tag == 0x1F) {  // high tag number form
    t.tag = 0;
    for (int i = 0;; ++i) {
      if (pos >= in.size() || i > 4) return std::nullopt;
      const auto b = static_cast<unsigned char>(in[pos++]);
      t.tag = (t.tag << 7) | (b & 0x7F);
      if ((b & 0x80) == 0) break;
    }
  }
  if (pos >= in.size()) return std::nullopt;
  const auto len0 = static_cast<unsigned char>(in[pos++]);
  std::uint64_t length = 0;
  if (len0 == 0x80) {
    if (!t.constructed) return std::nullopt;
    t.indefinite = true;
  } else if (len0 & 0x80) {
    const int n = len0 & 0x7F;
    if (n > 8 || pos + static_cast<std::size_t>(n) > in.size()) return std::nullopt;
    for (int i = 0; i < n; ++i) length = (length << 8) | static_cast<unsigned char>(in[pos++]);
  } else {
    length = len0;
  }
  t.header = in.substr(0, pos);
  if (!t.indefinite) {
    if (length > in.size() - pos) return std::nullopt;
    t.content = in.substr(pos, static_cast<std::size_t>(length));
    t.whole = in.substr(0, pos + static_cast<std::size_t>(length));
    return t;
  }
  // Indefinite: walk the children until the end-of-contents octets.
  std::string_view rest = in.substr(pos);
  std::size_t used = 0;
  for (;;) {
    if (rest.size() < 2) return std::nullopt;
    if (rest[0] == 0 && rest[1] == 0) {
      t.content = in.substr(pos, used);
      t.whole = in.substr(0, pos + used + 2);
      return t;
    }
    const auto child = read(rest, depth + 1);
    if (!child) return std::nullopt;
    used += child->whole.size();
    rest.remove_prefix(child->whole.size());
  }
}

std::optional<Tlv> Children::next() {
  if (m_rest.size() >= 2 && m_rest[0] == 0 && m_rest[1] == 0) return std::nullopt;
  auto t = read(m_rest);
  if (t) m_rest.remove_prefix(t->whole.size());
  else m_rest = {};
  return t;
}

std::string oid_text(std::string_view content) {
  std::string out;
  std::uint64_t value = 0;
  bool first = true;
  for (const char ch : content) {
    const auto b = static_cast<unsigned char>(ch);
    value = (value << 7) | (b & 0x7F);
    if (b & 0x80) continue;
    if (first) {
      const std::uint64_t arc1 = value < 40 ? 0 : value < 80 ? 1 : 2;
      out = std::to_string(arc1) + "." + std::to_string(value - arc1 * 40);
      first = false;
    } else {
      out += "." + std::to_string(value);
    }
    value = 0;
  }
  return out;
}

}  // namespace inkan::cms::ber
