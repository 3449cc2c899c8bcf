// Deliberately simple, strict reference implementations of what the engine
// must produce, written from the RFCs and independent of the engine's code,
// so tests check the engine against the standard rather than against itself.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace inkan::test {

/** RFC 4648 base64 of `data`, no line breaks. */
std::string ref_base64(std::string_view data);

/**
 * Strict RFC 2045 §6.8 base64 decoding: only the alphabet, "=" padding at the
 * very end and CRLF line breaks are allowed; nullopt for anything else.
 */
std::optional<std::string> ref_base64_decode(std::string_view encoded);

/**
 * Strict RFC 2045 §6.7 quoted-printable decoding: "=XX" with upper-case hex,
 * literal 33-60 and 62-126, space/tab never at a line end, lines of at most
 * 76 characters, CRLF line breaks only. Hard breaks decode to CRLF.
 * nullopt (with `why` set) for anything the RFC does not allow.
 */
std::optional<std::string> ref_qp_decode(std::string_view encoded, std::string* why = nullptr);

/** Every bare LF becomes CRLF; existing CRLF pairs stay. */
std::string ref_to_crlf(std::string_view text);

/**
 * "7bit data" (RFC 2045 §2.7) with CRLF lines: no byte >= 0x80, no NUL, CR and
 * LF only as CRLF pairs, no line longer than 998 octets excluding CRLF.
 */
bool ref_is_7bit(std::string_view text, std::string* why = nullptr);

/** Splits on CRLF (the last element is what follows the final CRLF). */
std::vector<std::string> split_crlf_lines(std::string_view text);

/** %XX decoding of an RFC 2231 value (the part after charset'lang'). */
std::optional<std::string> ref_percent_decode(std::string_view text);

/** Decodes one RFC 2047 encoded-word "=?charset?B|Q?text?=" to its bytes; nullopt if malformed. */
struct EncodedWord {
  std::string charset;
  std::string bytes;
};
std::optional<EncodedWord> ref_decode_encoded_word(std::string_view word);

/** True if `s` is well-formed UTF-8. */
bool is_valid_utf8(std::string_view s);

}  // namespace inkan::test
