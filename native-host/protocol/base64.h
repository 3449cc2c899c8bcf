// Strict base64 (RFC 4648 §4: standard alphabet, padding, no line breaks) for
// the bulk bytes of the protocol. Base64 is the per-byte cost the host adds to
// every message, so x86-64 CPUs with AVX2 get a vector codec (Muła and
// Lemire, "Faster Base64 Encoding and Decoding Using AVX2 Instructions",
// ACM TWEB 2018), chosen at run time; every other CPU gets a table-driven one.
// (mime/codec.h holds MIME's lenient, line-broken base64; this one rejects
// anything that is not exactly base64, so a damaged frame is caught.)
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace inkan::protocol {

constexpr std::size_t base64_encoded_size(std::size_t raw) { return (raw + 2) / 3 * 4; }

/** Appends the base64 form of `raw` to `out`. */
void base64_append(std::string_view raw, std::string& out);

/**
 * Decodes `text` into `out`, which must have room for text.size() / 4 * 3 + 32
 * bytes (the vector loop stores whole registers). Returns the number of bytes
 * decoded, or -1 if `text` is not strict base64.
 */
long long base64_decode_into(std::string_view text, char* out);

/** Decodes into a new string; throws Error(bad_request) naming `what` if invalid. */
std::string base64_decode(std::string_view text, std::string_view what);

/**
 * Decodes piece by piece (at most about 256 KiB at a time) and hands each
 * piece to `sink`, so a large payload is never decoded whole in memory.
 * Throws Error(bad_request) naming `what` if `text` is not strict base64;
 * pieces before the damage may already have been delivered.
 */
void base64_decode_each(std::string_view text, std::string_view what,
                        const std::function<void(std::string_view)>& sink);

/** "avx2" or "scalar": which codec this CPU runs (for logs and the benchmark). */
const char* base64_implementation();

}  // namespace inkan::protocol
