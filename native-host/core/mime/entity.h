// The MIME structure of a message (RFC 2045/2046) as byte ranges into its
// Source: parsing records where each part starts and ends and keeps only
// headers in memory, so a 100 MB attachment costs no more than a short note.
#pragma once

#include "io/source.h"
#include "mime/byte_scan.h"
#include "mime/headers.h"

#include <memory>

#include <string>
#include <vector>

namespace inkan::mime {

struct Entity {
  io::Range whole;  ///< header block and body, exactly as in the source
  io::Range body;
  Headers headers;
  ContentType type;
  std::string transfer_encoding;  ///< lower case, "7bit" when absent
  std::string part_number;        ///< "" for the root, then "1", "1.2", ...
  bool headers_cut_short = false; ///< a line that is not a field ended the header block (no blank line)

  // Multipart only.
  std::string boundary;
  std::vector<Entity> children;
  io::Range preamble;
  io::Range epilogue;
  bool closed = true;  ///< the close delimiter was present

  /**
   * What the outermost split saw of the bytes it searched (see mime/byte_scan.h),
   * shared by every entity inside it; null unless asked for (ParseLimits::body_facts).
   */
  std::shared_ptr<const StreamFacts> facts;

  bool is_multipart() const { return type.is_multipart() && !boundary.empty(); }
};

struct ParseLimits {
  int max_depth = 40;
  std::size_t max_parts = 10000;
  /**
   * Record StreamFacts while splitting, so that writers can tell which bodies are
   * plain 7-bit without reading them again (the signer and the encryptor ask).
   */
  bool body_facts = false;
};

/** Parses the entity occupying range (headers, then body, recursively for multiparts). */
Entity parse_entity(const io::Source& src, io::Range range, const ParseLimits& limits = {});

/** Parses a whole message. */
Entity parse_message(const io::Source& src, const ParseLimits& limits = {});

/** Calls fn(const Entity&) for the entity and all descendants, depth first. */
template <typename Fn>
void walk(const Entity& e, Fn&& fn) {
  fn(e);
  for (const auto& child : e.children) walk(child, fn);
}

}  // namespace inkan::mime
