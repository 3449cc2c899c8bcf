#include "mime/base64_blocks.h"

#include <array>
#include <cstdint>
#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define INKAN_BASE64_SSSE3 1
#endif

namespace inkan::mime::base64 {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Two characters for every 12-bit value: one lookup per 6 bits of output pairs.
struct PairTable {
  std::array<std::uint16_t, 4096> pair{};
  constexpr PairTable() {
    for (unsigned v = 0; v < 4096; ++v) {
      // Stored in memory order: first character at the lower address.
      pair[v] = static_cast<std::uint16_t>(static_cast<unsigned char>(kAlphabet[v >> 6]) |
                                           (static_cast<unsigned char>(kAlphabet[v & 63]) << 8));
    }
  }
};
constexpr PairTable kPairs;

// Decoding: each character's 6 bits already shifted into place for its position in the
// quantum; anything outside the alphabet sets bit 24, so one test covers all four.
constexpr std::uint32_t kBad = 1U << 24;
struct DecodeTables {
  std::array<std::uint32_t, 256> d0{}, d1{}, d2{}, d3{};
  constexpr DecodeTables() {
    for (unsigned c = 0; c < 256; ++c) {
      d0[c] = d1[c] = d2[c] = d3[c] = kBad;
    }
    for (unsigned i = 0; i < 64; ++i) {
      const auto c = static_cast<unsigned char>(kAlphabet[i]);
      d0[c] = i << 18;
      d1[c] = i << 12;
      d2[c] = i << 6;
      d3[c] = i;
    }
  }
};
constexpr DecodeTables kDecode;

inline void encode_triples(const unsigned char* in, std::size_t triples, char* out) {
  for (std::size_t t = 0; t < triples; ++t, in += 3, out += 4) {
    const std::uint32_t v = (static_cast<std::uint32_t>(in[0]) << 16) | (static_cast<std::uint32_t>(in[1]) << 8) | in[2];
    std::memcpy(out, &kPairs.pair[v >> 12], 2);
    std::memcpy(out + 2, &kPairs.pair[v & 0xFFF], 2);
  }
}

void encode_lines_scalar(const unsigned char* in, std::size_t lines, char* out) {
  for (std::size_t l = 0; l < lines; ++l, in += kLineBytes, out += kLineChars) {
    encode_triples(in, kLineBytes / 3, out);
    out[76] = '\r';
    out[77] = '\n';
  }
}

std::size_t decode_quanta_scalar(const unsigned char* in, std::size_t n, unsigned char* out) {
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4, out += 3) {
    const std::uint32_t v = kDecode.d0[in[i]] | kDecode.d1[in[i + 1]] | kDecode.d2[in[i + 2]] | kDecode.d3[in[i + 3]];
    if ((v & kBad) != 0) break;
    out[0] = static_cast<unsigned char>(v >> 16);
    out[1] = static_cast<unsigned char>(v >> 8);
    out[2] = static_cast<unsigned char>(v);
  }
  return i;
}

Decoded decode_run_scalar(const unsigned char* in, std::size_t n, unsigned char* out) {
  std::size_t i = 0;
  std::size_t written = 0;
  for (;;) {
    const std::size_t used = decode_quanta_scalar(in + i, n - i, out + written);
    i += used;
    written += used / 4 * 3;
    if (i < n && (in[i] == '\r' || in[i] == '\n')) {
      ++i;
      continue;
    }
    return {i, written};
  }
}

#ifdef INKAN_BASE64_SSSE3
// The SSSE3 kernels follow Wojciech Muła's and Alfred Klomp's published methods
// (http://0x80.pl/articles/sse-base64-encoding.html, ...-decoding.html).

// 12 input bytes (of the 16 loaded) -> 16 characters.
__attribute__((target("ssse3"))) inline __m128i encode12(const unsigned char* in) {
  __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in));
  v = _mm_shuffle_epi8(v, _mm_setr_epi8(1, 0, 2, 1, 4, 3, 5, 4, 7, 6, 8, 7, 10, 9, 11, 10));
  const __m128i t0 = _mm_and_si128(v, _mm_set1_epi32(0x0fc0fc00));
  const __m128i t1 = _mm_mulhi_epu16(t0, _mm_set1_epi32(0x04000040));
  const __m128i t2 = _mm_and_si128(v, _mm_set1_epi32(0x003f03f0));
  const __m128i t3 = _mm_mullo_epi16(t2, _mm_set1_epi32(0x01000010));
  const __m128i idx = _mm_or_si128(t1, t3);  // one 6-bit value per byte
  // 0-25 -> 'A'.., 26-51 -> 'a'.., 52-61 -> '0'.., 62 -> '+', 63 -> '/': add a per-range offset.
  const __m128i lut = _mm_setr_epi8(65, 71, -4, -4, -4, -4, -4, -4, -4, -4, -4, -4, -19, -16, 0, 0);
  __m128i range = _mm_subs_epu8(idx, _mm_set1_epi8(51));
  range = _mm_sub_epi8(range, _mm_cmpgt_epi8(idx, _mm_set1_epi8(25)));
  return _mm_add_epi8(idx, _mm_shuffle_epi8(lut, range));
}

__attribute__((target("ssse3"))) void encode_lines_ssse3(const unsigned char* in, std::size_t lines, char* out) {
  for (std::size_t l = 0; l < lines; ++l, in += kLineBytes, out += kLineChars) {
    // 4 x 12 bytes by SSSE3 (each load stays inside the 57-byte line), the last 9 by table.
    for (std::size_t k = 0; k < 4; ++k) {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 16 * k), encode12(in + 12 * k));
    }
    encode_triples(in + 48, 3, out + 64);
    out[76] = '\r';
    out[77] = '\n';
  }
}

// 16 characters -> 12 bytes in the low 12 lanes; false if any character is outside the alphabet.
__attribute__((target("ssse3"))) inline bool decode16(__m128i s, __m128i& bytes) {
  const __m128i lut_lo = _mm_setr_epi8(0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x13, 0x1A, 0x1B,
                                       0x1B, 0x1B, 0x1A);
  const __m128i lut_hi = _mm_setr_epi8(0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08, 0x10, 0x10, 0x10, 0x10, 0x10,
                                       0x10, 0x10, 0x10);
  const __m128i lut_roll = _mm_setr_epi8(0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0);
  const __m128i mask_2f = _mm_set1_epi8(0x2f);
  const __m128i hi_nibbles = _mm_and_si128(_mm_srli_epi32(s, 4), mask_2f);
  const __m128i lo_nibbles = _mm_and_si128(s, mask_2f);
  const __m128i hi = _mm_shuffle_epi8(lut_hi, hi_nibbles);
  const __m128i lo = _mm_shuffle_epi8(lut_lo, lo_nibbles);
  // A character outside the alphabet has a class bit in both lookups.
  if (_mm_movemask_epi8(_mm_cmpgt_epi8(_mm_and_si128(lo, hi), _mm_setzero_si128())) != 0) return false;
  const __m128i eq_2f = _mm_cmpeq_epi8(s, mask_2f);
  s = _mm_add_epi8(s, _mm_shuffle_epi8(lut_roll, _mm_add_epi8(eq_2f, hi_nibbles)));  // now 6-bit values
  const __m128i ab_bc = _mm_maddubs_epi16(s, _mm_set1_epi32(0x01400140));
  const __m128i packed = _mm_madd_epi16(ab_bc, _mm_set1_epi32(0x00011000));
  bytes = _mm_shuffle_epi8(packed, _mm_setr_epi8(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1));
  return true;
}

__attribute__((target("ssse3"))) inline __m128i load16(const unsigned char* p) {
  return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
}

// One MIME line of 76 characters and CRLF (80 readable bytes) -> 57 bytes (64 written).
__attribute__((target("ssse3"))) inline bool decode_line(const unsigned char* in, unsigned char* out) {
  __m128i b0, b1, b2, b3, b4;
  // The last block holds the line's final 12 characters, then CRLF and two more: those four
  // become 'A' (a valid character) and their output is overwritten by the next line.
  const __m128i keep = _mm_setr_epi8(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0);
  const __m128i fill = _mm_setr_epi8(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 'A', 'A', 'A', 'A');
  const __m128i tail = _mm_or_si128(_mm_and_si128(load16(in + 64), keep), fill);
  if (!(decode16(load16(in), b0) && decode16(load16(in + 16), b1) && decode16(load16(in + 32), b2) &&
        decode16(load16(in + 48), b3) && decode16(tail, b4))) {
    return false;
  }
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out), b0);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 12), b1);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 24), b2);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 36), b3);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 48), b4);
  return true;
}

__attribute__((target("ssse3"))) Decoded decode_run_ssse3(const unsigned char* in, std::size_t n, unsigned char* out) {
  std::size_t i = 0;
  unsigned char* const out0 = out;
  for (;;) {
    // The usual shape: full 76-character lines with CRLF.
    while (i + 80 <= n && in[i + 76] == '\r' && in[i + 77] == '\n' && decode_line(in + i, out)) {
      i += kLineChars;
      out += kLineBytes;
    }
    __m128i bytes;
    while (i + 16 <= n && decode16(load16(in + i), bytes)) {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out), bytes);
      i += 16;
      out += 12;
    }
    const std::size_t used = decode_quanta_scalar(in + i, n - i, out);
    i += used;
    out += used / 4 * 3;
    if (i < n && (in[i] == '\r' || in[i] == '\n')) {
      ++i;
      continue;
    }
    return {i, static_cast<std::size_t>(out - out0)};
  }
}

bool has_ssse3() {
  static const bool yes = __builtin_cpu_supports("ssse3");
  return yes;
}
#endif

}  // namespace

void encode_lines(const unsigned char* in, std::size_t lines, char* out) {
#ifdef INKAN_BASE64_SSSE3
  if (has_ssse3()) {
    encode_lines_ssse3(in, lines, out);
    return;
  }
#endif
  encode_lines_scalar(in, lines, out);
}

Decoded decode_run(const unsigned char* in, std::size_t n, unsigned char* out) {
#ifdef INKAN_BASE64_SSSE3
  if (has_ssse3()) return decode_run_ssse3(in, n, out);
#endif
  return decode_run_scalar(in, n, out);
}

}  // namespace inkan::mime::base64
