// The inner loops of base64 (RFC 4648 §4), for mime/codec.cpp: whole MIME lines
// when encoding, runs of alphabet characters when decoding. SSSE3 when the CPU
// has it (chosen once, at run time), a table-driven scalar loop otherwise.
// Line structure, padding and junk are the callers' business.
#pragma once

#include <cstddef>

namespace inkan::mime::base64 {

inline constexpr std::size_t kLineBytes = 57;  ///< raw bytes per 76-character line
inline constexpr std::size_t kLineChars = 78;  ///< 76 characters and CRLF

/** Encodes `lines` lines of 57 bytes each into 78 characters each (76 + CRLF). */
void encode_lines(const unsigned char* in, std::size_t lines, char* out);

struct Decoded {
  std::size_t consumed;  ///< input characters used (whole quanta and the line breaks between them)
  std::size_t written;   ///< bytes written
};

/**
 * Decodes whole quanta of alphabet characters from the start of `in` (n bytes),
 * skipping CR and LF between quanta, and stops before the first quantum holding
 * anything else ('=', junk, a line break inside a quantum) or fewer than four
 * characters. `out` must have room for 3 * (n / 4) + 16 bytes (block stores).
 */
Decoded decode_run(const unsigned char* in, std::size_t n, unsigned char* out);

}  // namespace inkan::mime::base64
