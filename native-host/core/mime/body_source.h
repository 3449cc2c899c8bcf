// A base64 body decoded as it is read: a Source over the decoded bytes that
// holds only a window of them, for readers that go front to back (decrypting
// EnvelopedData, whose ciphertext is the last thing the decryption needs). A
// 100 MB encrypted message then costs neither a temporary file nor its memory.
#pragma once

#include "io/source.h"
#include "mime/codec.h"

#include <string>

namespace inkan::mime {

class Base64BodySource final : public io::Source {
public:
  Base64BodySource(const io::Source& src, io::Range body) : m_src(src), m_body(body), m_in_pos(body.begin) {}

  /** An upper bound (3 bytes per 4 characters) until the end has been decoded, then exact. */
  std::uint64_t size() const override;
  /** Throws INTERNAL for bytes already released (see release_before). */
  std::size_t read_at(std::uint64_t offset, std::span<char> out) const override;
  void release_before(std::uint64_t offset) const override;

private:
  bool fill() const;  // decodes the next piece of input; false at the end

  const io::Source& m_src;
  io::Range m_body;
  mutable Base64Decoder m_decoder;
  mutable std::string m_in;
  mutable std::string m_buf;          ///< decoded bytes [m_buf_off, m_buf_off + m_buf.size())
  mutable std::uint64_t m_buf_off = 0;
  mutable std::uint64_t m_in_pos;
  mutable std::uint64_t m_floor = 0;  ///< nothing below this is read again
  mutable bool m_ended = false;
};

}  // namespace inkan::mime
