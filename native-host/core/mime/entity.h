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

/**
 * Sees the body of the outermost multipart as it is split, so that a reader can
 * take a part's bytes without reading them again (the verifier hashes the signed
 * part this way). Calls come in order of position.
 */
class SplitObserver {
public:
  virtual ~SplitObserver() = default;
  /** The next bytes of the body; a jump forward means bytes were skipped unseen. */
  virtual void bytes(std::uint64_t offset, std::string_view data) = 0;
  /**
   * The bytes seen so far are no longer all plain with CRLF line ends (see
   * StreamFacts; told once, and only when ParseLimits::body_facts is set): some
   * part will not be written as it stands in the canonical form.
   */
  virtual void irregular() {}
  /** No part will be said to begin or end before `offset` any more. */
  virtual void settled(std::uint64_t offset) = 0;
  /** Part `index` (from 0) begins at `offset` (after its delimiter line). */
  virtual void part_begins(int index, std::uint64_t offset) = 0;
  /** Part `index` ends at `offset` (before the line break of the next delimiter). */
  virtual void part_ends(int index, std::uint64_t offset) = 0;
};

struct ParseLimits {
  int max_depth = 40;
  std::size_t max_parts = 10000;
  /**
   * Record StreamFacts while splitting, so that writers can tell which bodies are
   * plain 7-bit without reading them again (the signer and the encryptor ask).
   */
  bool body_facts = false;
  /** Told about the outermost multipart body as it is split (not owned; may be null). */
  SplitObserver* observer = nullptr;
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
