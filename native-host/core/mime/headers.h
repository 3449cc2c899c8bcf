// RFC 5322 header fields: parsing of a header block, unfolding, lookup,
// and the MIME structured fields (Content-Type and its parameters).
#pragma once

#include "io/source.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace inkan::mime {

struct Field {
  std::string name;   ///< as written
  std::string raw;    ///< the whole field as written, folding and terminators included
  std::string value;  ///< unfolded value, surrounding whitespace removed
};

class Headers {
public:
  void add(Field field) { m_fields.push_back(std::move(field)); }
  const std::vector<Field>& fields() const { return m_fields; }
  bool empty() const { return m_fields.empty(); }

  /** First field with this name (case-insensitive), if any. */
  const Field* find(std::string_view name) const;
  std::size_t count(std::string_view name) const;

private:
  std::vector<Field> m_fields;
};

/** A header block parsed from a Source, with where it ends. */
struct HeaderBlock {
  Headers headers;
  std::uint64_t body_begin = 0;  ///< first byte after the blank line (or after the last field)
  bool saw_blank_line = false;
};

/** Upper bound on one header block, so hostile input cannot exhaust memory. */
inline constexpr std::size_t kMaxHeaderBlock = 1 << 20;

/**
 * Reads the header block starting at range.begin. A line that is neither a
 * field nor a continuation ends the block (lenient, as mail clients are).
 */
HeaderBlock parse_header_block(const io::Source& src, io::Range range);

/** Parses fields from in-memory header text (no body). */
Headers parse_header_text(std::string_view text);

bool iequals(std::string_view a, std::string_view b) noexcept;
std::string to_lower(std::string_view s);
std::string_view trim(std::string_view s) noexcept;

struct ContentType {
  std::string type = "text";      ///< lower case
  std::string subtype = "plain";  ///< lower case
  std::map<std::string, std::string> params;  ///< lower-case names, decoded values
  std::set<std::string> ambiguous_params;     ///< names given more than once (or in two forms)

  std::string mime_type() const { return type + "/" + subtype; }
  bool is(std::string_view t, std::string_view s) const { return type == t && subtype == s; }
  bool is_multipart() const { return type == "multipart"; }
  std::string param(std::string_view name) const;
};

/** Parses a Content-Type value; returns nullopt when it is unusable. */
std::optional<ContentType> parse_content_type(std::string_view value);

/** Content-Type of an entity, with RFC 2045 defaults for missing or broken fields. */
ContentType content_type_of(const Headers& headers);

/** Lower-case Content-Transfer-Encoding, "7bit" when absent. */
std::string transfer_encoding_of(const Headers& headers);

/**
 * Parses "; name=value; ..." parameter lists (RFC 2045, RFC 2231 continuations and
 * charsets). The first definition of a name wins and RFC 2231 forms beat plain ones,
 * as in Mozilla's parser; names defined more than once go to `ambiguous`.
 */
std::map<std::string, std::string> parse_parameters(std::string_view text, std::set<std::string>* ambiguous = nullptr);

/** Quotes a parameter value if it is not a plain token. */
std::string quote_param(std::string_view value);

}  // namespace inkan::mime
