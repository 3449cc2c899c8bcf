// A minimal BER/DER reader (X.690): enough to walk a ContentInfo and find
// structure OpenSSL has no accessor for, with every length checked.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace inkan::cms::ber {

struct Tlv {
  unsigned tag_class = 0;     ///< 0 universal, 1 application, 2 context, 3 private
  bool constructed = false;
  std::uint32_t tag = 0;
  bool indefinite = false;
  std::string_view header;    ///< identifier and length octets
  std::string_view content;   ///< for indefinite lengths: up to, not including, the end-of-contents
  std::string_view whole;     ///< header + content (+ end-of-contents)
};

/** Reads one TLV at the start of `in`; nullopt if truncated or malformed. */
std::optional<Tlv> read(std::string_view in, int depth = 0);

/** Iterates the children of a constructed TLV. */
class Children {
public:
  explicit Children(const Tlv& parent) : m_rest(parent.content) {}
  std::optional<Tlv> next();

private:
  std::string_view m_rest;
};

/** Dotted text of an OBJECT IDENTIFIER's content octets. */
std::string oid_text(std::string_view content);

}  // namespace inkan::cms::ber
