// The bet that signing and encrypting make on a large message, so that they can
// do their work on the windows the split reads instead of reading it again.
//
// Both need the canonical form of the content part, and the canonical form is
// known only once the message has been split (which bodies are plain 7-bit with
// CRLF line ends, which must be re-encoded). Mail written by Thunderbird is almost
// always canonical already (CRLF, 7-bit text, base64 attachments): its content
// part is then the root's Content-* fields followed by the root's body exactly as
// it stands. A ContentBet names those bytes from the top header block alone; after
// the split, holds() runs the real Canonicalizer against them without reading the
// bodies again (a canonical body is a range of the source). Only an exact match
// lets an operation keep what it did on the bet.
#pragma once

#include "io/source.h"
#include "mime/entity.h"

#include <cstdint>
#include <optional>
#include <string>

namespace inkan::smime {

class ContentBet {
public:
  /**
   * The bet for a message of 256 KiB or more whose root is multipart (large
   * messages are: a text and attachments); nothing for any other message.
   */
  static std::optional<ContentBet> make(const io::Source& src);

  /** The root as its header block alone describes it (no body, no children). */
  const mime::Entity& root_headers() const { return m_root; }

  /** The content part's header block, as bet (then comes the root's body). */
  const std::string& content_headers() const { return m_headers; }

  /** Where the root's body begins in the source; it runs to the source's end. */
  std::uint64_t body_begin() const { return m_body_begin; }
  const io::Source& source() const { return *m_src; }

  /**
   * After the split: true when the canonical content part of `root` is exactly
   * the bet (the content headers, then the root's body as it stands).
   */
  bool holds(const mime::Entity& root) const;

private:
  ContentBet(const io::Source& src, mime::Entity root, std::string headers, std::uint64_t body_begin)
      : m_src(&src), m_root(std::move(root)), m_headers(std::move(headers)), m_body_begin(body_begin) {}

  const io::Source* m_src;
  mime::Entity m_root;
  std::string m_headers;
  std::uint64_t m_body_begin;
};

}  // namespace inkan::smime
