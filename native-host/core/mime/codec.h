// Streaming transfer-encoding codecs (RFC 2045) and line-end canonicalisation.
// Each encoder/decoder takes input in arbitrary chunks and appends to a string;
// callers drain that string to their sink, so memory stays bounded.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace inkan::mime {

/** Base64 with CRLF line breaks every 76 characters. */
class Base64Encoder {
public:
  void update(std::string_view in, std::string& out);
  void finish(std::string& out);

private:
  unsigned char m_pending[57] = {};
  std::size_t m_npending = 0;
};

/** Lenient Base64 decoder: skips whitespace and junk, stops at padding. */
class Base64Decoder {
public:
  void update(std::string_view in, std::string& out);
  /** Returns false if the input ended in the middle of a quantum. */
  bool finish(std::string& out);

private:
  std::uint32_t m_acc = 0;
  int m_bits = 0;
  int m_count = 0;
  bool m_done = false;
};

/** Quoted-printable decoder (RFC 2045 §6.7), lenient with malformed escapes. */
class QpDecoder {
public:
  void update(std::string_view in, std::string& out);
  void finish(std::string& out);

private:
  void line(std::string_view content, bool has_break, std::string& out);
  std::string m_partial;  // an incomplete line carried to the next chunk
};

/**
 * Quoted-printable encoder for line-oriented text. Line breaks (LF or CRLF)
 * become CRLF; lines that could be mangled in transit ("From ", ".", "-" at the
 * start, trailing whitespace) are protected.
 */
class QpEncoder {
public:
  void update(std::string_view in, std::string& out);
  void finish(std::string& out);

private:
  void put(std::string_view piece, std::string& out);
  void flush_spaces(std::string& out);
  void byte(unsigned char c, std::string& out);
  void end_line(std::string& out);

  std::size_t m_column = 0;
  std::string m_spaces;  // whitespace whose encoding depends on what follows
  bool m_cr = false;
};

/** Converts bare LF to CRLF; keeps CRLF. */
class CrlfCanonicalizer {
public:
  void update(std::string_view in, std::string& out);
  /** The canonical form of `in`: `in` itself when nothing changes (no copy), else `scratch`, refilled. */
  std::string_view view(std::string_view in, std::string& scratch);
  /** True if any bare LF was seen so far. */
  bool changed() const { return m_changed; }

private:
  bool m_last_cr = false;
  bool m_changed = false;
};

std::string base64_encode(std::string_view in);  ///< with CRLF every 76 characters
std::string base64_decode(std::string_view in);
std::string qp_decode(std::string_view in);
std::string hex_encode(std::string_view in, bool upper = false);

/** True if every byte is 7-bit, non-NUL, and no line exceeds 998 octets. */
bool is_7bit_clean(std::string_view text);

/** Decodes a body according to its Content-Transfer-Encoding. */
std::string decode_transfer_encoding(std::string_view body, std::string_view cte);

}  // namespace inkan::mime
