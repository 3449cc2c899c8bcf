#include "base64.h"

#include "error.h"

#include <array>
#include <cstdint>
#include <cstring>
#include <vector>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define INKAN_BASE64_AVX2 1
#include <immintrin.h>
#endif

namespace inkan::protocol {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::uint8_t kInvalid = 0xff;

constexpr std::array<std::uint8_t, 256> make_decode_table() {
  std::array<std::uint8_t, 256> t{};
  for (auto& v : t) v = kInvalid;
  for (std::uint8_t i = 0; i < 64; ++i) t[static_cast<unsigned char>(kAlphabet[i])] = i;
  return t;
}
constexpr auto kDecode = make_decode_table();

// Scalar codecs: also the tails of the vector ones.
std::size_t encode_scalar(const unsigned char* in, std::size_t n, char* out) {
  char* o = out;
  std::size_t i = 0;
  for (; i + 3 <= n; i += 3) {
    const std::uint32_t v = (std::uint32_t{in[i]} << 16) | (std::uint32_t{in[i + 1]} << 8) | in[i + 2];
    o[0] = kAlphabet[v >> 18];
    o[1] = kAlphabet[(v >> 12) & 63];
    o[2] = kAlphabet[(v >> 6) & 63];
    o[3] = kAlphabet[v & 63];
    o += 4;
  }
  if (n - i == 1) {
    const std::uint32_t v = std::uint32_t{in[i]} << 16;
    o[0] = kAlphabet[v >> 18];
    o[1] = kAlphabet[(v >> 12) & 63];
    o[2] = '=';
    o[3] = '=';
    o += 4;
  } else if (n - i == 2) {
    const std::uint32_t v = (std::uint32_t{in[i]} << 16) | (std::uint32_t{in[i + 1]} << 8);
    o[0] = kAlphabet[v >> 18];
    o[1] = kAlphabet[(v >> 12) & 63];
    o[2] = kAlphabet[(v >> 6) & 63];
    o[3] = '=';
    o += 4;
  }
  return static_cast<std::size_t>(o - out);
}

// Decodes whole quads; the last quad may carry "=" or "==". -1 if invalid.
long long decode_scalar(const unsigned char* in, std::size_t n, char* out) {
  if (n % 4 != 0) return -1;
  char* o = out;
  for (std::size_t i = 0; i < n; i += 4) {
    const std::uint32_t a = kDecode[in[i]], b = kDecode[in[i + 1]], c = kDecode[in[i + 2]], d = kDecode[in[i + 3]];
    if (((a | b | c | d) & 0x80) == 0) {
      const std::uint32_t v = (a << 18) | (b << 12) | (c << 6) | d;
      o[0] = static_cast<char>(v >> 16);
      o[1] = static_cast<char>(v >> 8);
      o[2] = static_cast<char>(v);
      o += 3;
      continue;
    }
    // Padding is only allowed in the very last quad: "xx==" or "xxx=".
    if (i + 4 != n || (a | b) & 0x80 || in[i + 3] != '=') return -1;
    if (in[i + 2] == '=') {
      *o++ = static_cast<char>((a << 2) | (b >> 4));
    } else {
      if (c & 0x80) return -1;
      *o++ = static_cast<char>((a << 2) | (b >> 4));
      *o++ = static_cast<char>((b << 4) | (c >> 2));
    }
  }
  return o - out;
}

#ifdef INKAN_BASE64_AVX2

// 24 input bytes -> 32 characters per step. Two 16-byte loads (at 0 and 12)
// put 12 input bytes in each 128-bit lane; the shuffle spreads every 3 bytes
// over 4, the multiplies move the 6-bit fields into place, and a lookup on
// the field's range adds the offset to its alphabet character.
__attribute__((target("avx2"))) std::size_t encode_avx2(const unsigned char* in, std::size_t n, char* out) {
  const __m256i shuffle = _mm256_set_epi8(10, 11, 9, 10, 7, 8, 6, 7, 4, 5, 3, 4, 1, 2, 0, 1,  //
                                          10, 11, 9, 10, 7, 8, 6, 7, 4, 5, 3, 4, 1, 2, 0, 1);
  const __m256i lut = _mm256_setr_epi8(65, 71, -4, -4, -4, -4, -4, -4, -4, -4, -4, -4, -19, -16, 0, 0,  //
                                       65, 71, -4, -4, -4, -4, -4, -4, -4, -4, -4, -4, -19, -16, 0, 0);
  std::size_t i = 0;
  char* o = out;
  for (; i + 28 <= n; i += 24) {  // the second load reads 16 bytes from i + 12
    const __m128i lo = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + i));
    const __m128i hi = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + i + 12));
    __m256i v = _mm256_inserti128_si256(_mm256_castsi128_si256(lo), hi, 1);
    v = _mm256_shuffle_epi8(v, shuffle);
    const __m256i t0 = _mm256_and_si256(v, _mm256_set1_epi32(0x0fc0fc00));
    const __m256i t1 = _mm256_mulhi_epu16(t0, _mm256_set1_epi32(0x04000040));
    const __m256i t2 = _mm256_and_si256(v, _mm256_set1_epi32(0x003f03f0));
    const __m256i t3 = _mm256_mullo_epi16(t2, _mm256_set1_epi32(0x01000010));
    const __m256i idx6 = _mm256_or_si256(t1, t3);
    __m256i range = _mm256_subs_epu8(idx6, _mm256_set1_epi8(51));
    range = _mm256_sub_epi8(range, _mm256_cmpgt_epi8(idx6, _mm256_set1_epi8(25)));
    const __m256i chars = _mm256_add_epi8(idx6, _mm256_shuffle_epi8(lut, range));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(o), chars);
    o += 32;
  }
  return static_cast<std::size_t>(o - out) + encode_scalar(in + i, n - i, o);
}

// 32 characters -> 24 bytes per step, validating every character with two
// nibble lookups (any invalid one, "=" included, stops the vector loop and
// the scalar tail takes over, which also handles the padding).
__attribute__((target("avx2"))) long long decode_avx2(const unsigned char* in, std::size_t n, char* out) {
  if (n % 4 != 0) return -1;
  const __m256i lut_lo = _mm256_setr_epi8(0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x13, 0x1a, 0x1b,
                                          0x1b, 0x1b, 0x1a, 0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
                                          0x13, 0x1a, 0x1b, 0x1b, 0x1b, 0x1a);
  const __m256i lut_hi = _mm256_setr_epi8(0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08, 0x10, 0x10, 0x10, 0x10, 0x10,
                                          0x10, 0x10, 0x10, 0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08, 0x10, 0x10,
                                          0x10, 0x10, 0x10, 0x10, 0x10, 0x10);
  const __m256i lut_roll = _mm256_setr_epi8(0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0,  //
                                            0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0);
  const __m256i mask_2f = _mm256_set1_epi8(0x2f);
  const __m256i pack = _mm256_setr_epi8(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1,  //
                                        2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1);
  const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 4, 5, 6, -1, -1);
  std::size_t i = 0;
  char* o = out;
  // Keep the last quad (it may hold padding) for the scalar tail.
  for (; i + 32 < n; i += 32) {
    __m256i str = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in + i));
    const __m256i hi_nibbles = _mm256_and_si256(_mm256_srli_epi32(str, 4), mask_2f);
    const __m256i lo_nibbles = _mm256_and_si256(str, mask_2f);
    const __m256i hi = _mm256_shuffle_epi8(lut_hi, hi_nibbles);
    const __m256i lo = _mm256_shuffle_epi8(lut_lo, lo_nibbles);
    if (!_mm256_testz_si256(lo, hi)) break;
    const __m256i eq_2f = _mm256_cmpeq_epi8(str, mask_2f);
    const __m256i roll = _mm256_shuffle_epi8(lut_roll, _mm256_add_epi8(eq_2f, hi_nibbles));
    str = _mm256_add_epi8(str, roll);
    // Merge 4 x 6 bits into 3 bytes per 32-bit element, then pack 12 bytes per lane.
    str = _mm256_maddubs_epi16(str, _mm256_set1_epi32(0x01400140));
    str = _mm256_madd_epi16(str, _mm256_set1_epi32(0x00011000));
    str = _mm256_shuffle_epi8(str, pack);
    str = _mm256_permutevar8x32_epi32(str, lanes);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(o), str);  // 24 bytes used, 8 spare written
    o += 24;
  }
  const long long tail = decode_scalar(in + i, n - i, o);
  if (tail < 0) return -1;
  return (o - out) + tail;
}

bool cpu_has_avx2() {
  static const bool has = __builtin_cpu_supports("avx2") != 0;
  return has;
}

#endif

std::size_t encode_into(const unsigned char* in, std::size_t n, char* out) {
#ifdef INKAN_BASE64_AVX2
  if (cpu_has_avx2()) return encode_avx2(in, n, out);
#endif
  return encode_scalar(in, n, out);
}

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

[[noreturn]] void throw_invalid(std::string_view what) {
  throw Error(Errc::bad_request, std::string(what) + ": not valid base64");
}

}  // namespace

void base64_append(std::string_view raw, std::string& out) {
  const std::size_t at = out.size();
  // The vector encoder writes whole registers; room for one more is kept and cut off again.
  out.resize(at + base64_encoded_size(raw.size()) + 32);
  const std::size_t n = encode_into(bytes(raw), raw.size(), out.data() + at);
  out.resize(at + n);
}

long long base64_decode_into(std::string_view text, char* out) {
#ifdef INKAN_BASE64_AVX2
  if (cpu_has_avx2()) return decode_avx2(bytes(text), text.size(), out);
#endif
  return decode_scalar(bytes(text), text.size(), out);
}

std::string base64_decode(std::string_view text, std::string_view what) {
  std::string out(text.size() / 4 * 3 + 32, '\0');
  const long long n = base64_decode_into(text, out.data());
  if (n < 0) throw_invalid(what);
  out.resize(static_cast<std::size_t>(n));
  return out;
}

void base64_decode_each(std::string_view text, std::string_view what,
                        const std::function<void(std::string_view)>& sink) {
  if (text.size() % 4 != 0) throw_invalid(what);
  constexpr std::size_t kPiece = 4 * 64 * 1024;  // characters per piece: a multiple of 4 and of 32
  std::vector<char> buf(kPiece / 4 * 3 + 32);
  while (!text.empty()) {
    const std::string_view piece = text.substr(0, kPiece);
    // Padding belongs only at the very end of the whole text, not of a piece.
    if (piece.size() < text.size() && piece.back() == '=') throw_invalid(what);
    const long long n = base64_decode_into(piece, buf.data());
    if (n < 0) throw_invalid(what);
    sink({buf.data(), static_cast<std::size_t>(n)});
    text.remove_prefix(piece.size());
  }
}

const char* base64_implementation() {
#ifdef INKAN_BASE64_AVX2
  if (cpu_has_avx2()) return "avx2";
#endif
  return "scalar";
}

}  // namespace inkan::protocol
