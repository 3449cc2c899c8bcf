#include "mime/codec.h"

#include "mime/base64_blocks.h"
#include "mime/byte_scan.h"

#include <array>
#include <cstring>

namespace inkan::mime {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<std::int8_t, 256> make_decode_table() {
  std::array<std::int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::int8_t>(i);
  return t;
}
constexpr auto kDecode = make_decode_table();

constexpr char kHex[] = "0123456789ABCDEF";

void encode_block(const unsigned char* in, std::size_t n, std::string& out) {
  // n is a multiple of 3 except for the final block.
  std::size_t i = 0;
  const std::size_t start = out.size();
  out.resize(start + (n + 2) / 3 * 4);
  char* o = out.data() + start;
  for (; i + 3 <= n; i += 3) {
    const std::uint32_t v = (static_cast<std::uint32_t>(in[i]) << 16) | (static_cast<std::uint32_t>(in[i + 1]) << 8) | in[i + 2];
    *o++ = kAlphabet[(v >> 18) & 63];
    *o++ = kAlphabet[(v >> 12) & 63];
    *o++ = kAlphabet[(v >> 6) & 63];
    *o++ = kAlphabet[v & 63];
  }
  if (i < n) {
    const std::uint32_t v = (static_cast<std::uint32_t>(in[i]) << 16) | (i + 1 < n ? static_cast<std::uint32_t>(in[i + 1]) << 8 : 0);
    *o++ = kAlphabet[(v >> 18) & 63];
    *o++ = kAlphabet[(v >> 12) & 63];
    *o++ = i + 1 < n ? kAlphabet[(v >> 6) & 63] : '=';
    *o++ = '=';
  }
}

}  // namespace

void Base64Encoder::update(std::string_view in, std::string& out) {
  auto* p = reinterpret_cast<const unsigned char*>(in.data());
  std::size_t n = in.size();
  if (m_npending > 0) {
    const std::size_t take = std::min(n, sizeof m_pending - m_npending);
    std::memcpy(m_pending + m_npending, p, take);
    m_npending += take;
    p += take;
    n -= take;
    if (m_npending < sizeof m_pending) return;
    encode_block(m_pending, sizeof m_pending, out);
    out += "\r\n";
    m_npending = 0;
  }
  if (const std::size_t lines = n / base64::kLineBytes; lines > 0) {
    const std::size_t start = out.size();
    out.resize(start + lines * base64::kLineChars);
    base64::encode_lines(p, lines, out.data() + start);
    p += lines * base64::kLineBytes;
    n -= lines * base64::kLineBytes;
  }
  std::memcpy(m_pending, p, n);
  m_npending = n;
}

void Base64Encoder::finish(std::string& out) {
  if (m_npending > 0) {
    encode_block(m_pending, m_npending, out);
    out += "\r\n";
  }
  m_npending = 0;
}

void Base64Decoder::update(std::string_view in, std::string& out) {
  if (m_done) return;
  const auto* p = reinterpret_cast<const unsigned char*>(in.data());
  const std::size_t n = in.size();
  const std::size_t start = out.size();
  out.resize(start + n / 4 * 3 + 16);  // 3 bytes per quantum, and slack for the block decoder's stores
  char* o = out.data() + start;
  std::size_t i = 0;
  while (i < n) {
    // Fast path: whole quanta of valid characters (and line breaks) while no partial one is pending.
    if (m_count % 4 == 0 && i + 4 <= n) {
      const auto run = base64::decode_run(p + i, n - i, reinterpret_cast<unsigned char*>(o));
      o += run.written;
      i += run.consumed;
      if (i >= n) break;
    }
    const unsigned char ch = p[i++];
    if (ch == '=') {  // padding ends the data
      m_done = true;
      break;
    }
    const std::int8_t v = kDecode[ch];
    if (v < 0) continue;  // line breaks and junk
    m_acc = (m_acc << 6) | static_cast<std::uint32_t>(v);
    m_bits += 6;
    ++m_count;
    if (m_bits >= 8) {
      m_bits -= 8;
      *o++ = static_cast<char>((m_acc >> m_bits) & 0xFF);
    }
  }
  out.resize(static_cast<std::size_t>(o - out.data()));
}

bool Base64Decoder::finish(std::string&) { return m_count % 4 != 1; }

void QpDecoder::line(std::string_view content, bool has_break, std::string& out) {
  // Trailing whitespace is transport padding (RFC 2045 rule 3).
  while (!content.empty() && (content.back() == ' ' || content.back() == '\t')) content.remove_suffix(1);
  bool soft = false;
  for (std::size_t i = 0; i < content.size(); ++i) {
    const char c = content[i];
    if (c != '=') {
      out.push_back(c);
      continue;
    }
    if (i + 1 == content.size()) {
      soft = true;
      break;
    }
    if (i + 2 < content.size()) {
      const auto h = [](char x) -> int {
        if (x >= '0' && x <= '9') return x - '0';
        if (x >= 'A' && x <= 'F') return x - 'A' + 10;
        if (x >= 'a' && x <= 'f') return x - 'a' + 10;
        return -1;
      };
      const int hi = h(content[i + 1]);
      const int lo = h(content[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back('=');  // malformed escape: keep it literally
  }
  if (has_break && !soft) out += "\r\n";
}

void QpDecoder::update(std::string_view in, std::string& out) {
  while (!in.empty()) {
    const auto lf = in.find('\n');
    if (lf == std::string_view::npos) {
      m_partial.append(in);
      return;
    }
    std::string_view piece = in.substr(0, lf);
    in.remove_prefix(lf + 1);
    std::string joined;
    if (!m_partial.empty()) {
      joined = std::move(m_partial);
      m_partial.clear();
      joined.append(piece);
      piece = joined;
    }
    if (!piece.empty() && piece.back() == '\r') piece.remove_suffix(1);
    line(piece, true, out);
  }
}

void QpDecoder::finish(std::string& out) {
  if (!m_partial.empty()) line(m_partial, false, out);
  m_partial.clear();
}

void QpEncoder::byte(unsigned char c, std::string& out) {
  bool literal = (c >= 33 && c <= 126 && c != '=');
  std::size_t width = literal ? 1 : 3;
  if (m_column + width > 75) {  // leave room for the soft break "="
    out += "=\r\n";
    m_column = 0;
  }
  // Protect line starts that transports or mbox storage rewrite, and anything that
  // could look like a MIME boundary; after a soft break too, which also starts a line.
  if (literal && m_column == 0 && (c == '.' || c == '-' || c == 'F')) {
    literal = false;
    width = 3;
  }
  if (literal) {
    out.push_back(static_cast<char>(c));
  } else {
    out.push_back('=');
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  m_column += width;
}

void QpEncoder::put(std::string_view piece, std::string& out) {
  for (const char ch : piece) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == ' ' || c == '\t') {
      m_spaces.push_back(ch);
      continue;
    }
    flush_spaces(out);
    byte(c, out);
  }
}

void QpEncoder::flush_spaces(std::string& out) {
  for (const char s : m_spaces) {  // whitespace followed by something on the same line is literal
    if (m_column + 1 > 75) {
      out += "=\r\n";
      m_column = 0;
    }
    out.push_back(s);
    ++m_column;
  }
  m_spaces.clear();
}

void QpEncoder::end_line(std::string& out) {
  for (const char s : m_spaces) byte(static_cast<unsigned char>(s), out);  // trailing: encoded
  m_spaces.clear();
  out += "\r\n";
  m_column = 0;
}

void QpEncoder::update(std::string_view in, std::string& out) {
  std::size_t start = 0;
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (m_cr) {
      m_cr = false;
      if (c == '\n') {  // CRLF
        start = i + 1;
        end_line(out);
        continue;
      }
      flush_spaces(out);  // whitespace before a bare CR came first and is not trailing
      byte('\r', out);   // a bare CR is data
    }
    if (c == '\r') {
      put(in.substr(start, i - start), out);
      m_cr = true;
      start = i + 1;
    } else if (c == '\n') {
      put(in.substr(start, i - start), out);
      end_line(out);
      start = i + 1;
    }
  }
  put(in.substr(start), out);
}

void QpEncoder::finish(std::string& out) {
  if (m_cr) {
    flush_spaces(out);
    byte('\r', out);
    m_cr = false;
  }
  // Whitespace at the very end is trailing whitespace too: encode it.
  for (const char s : m_spaces) byte(static_cast<unsigned char>(s), out);
  m_spaces.clear();
}

void CrlfCanonicalizer::update(std::string_view in, std::string& out) {
  if (in.empty()) return;
  if (find_bare_lf(in, m_last_cr) == std::string_view::npos) {  // the usual case: CRLF already
    out.append(in);
    m_last_cr = in.back() == '\r';
    return;
  }
  std::size_t start = 0;
  while (start < in.size()) {
    const void* hit = std::memchr(in.data() + start, '\n', in.size() - start);
    if (hit == nullptr) break;
    const auto lf = static_cast<std::size_t>(static_cast<const char*>(hit) - in.data());
    const bool has_cr = lf > 0 ? in[lf - 1] == '\r' : m_last_cr;
    out.append(in.data() + start, lf - start);
    if (!has_cr) {
      out.push_back('\r');
      m_changed = true;
    }
    out.push_back('\n');
    start = lf + 1;
  }
  out.append(in.data() + start, in.size() - start);
  if (!in.empty()) m_last_cr = in.back() == '\r';
}

std::string_view CrlfCanonicalizer::view(std::string_view in, std::string& scratch) {
  if (in.empty()) return in;
  if (find_bare_lf(in, m_last_cr) == std::string_view::npos) {
    m_last_cr = in.back() == '\r';
    return in;
  }
  scratch.clear();
  update(in, scratch);
  return scratch;
}

std::string base64_encode(std::string_view in) {
  std::string out;
  Base64Encoder enc;
  enc.update(in, out);
  enc.finish(out);
  return out;
}

std::string base64_decode(std::string_view in) {
  std::string out;
  Base64Decoder dec;
  dec.update(in, out);
  dec.finish(out);
  return out;
}

std::string qp_decode(std::string_view in) {
  std::string out;
  QpDecoder dec;
  dec.update(in, out);
  dec.finish(out);
  return out;
}

std::string hex_encode(std::string_view in, bool upper) {
  static constexpr char lower_digits[] = "0123456789abcdef";
  const char* digits = upper ? kHex : lower_digits;
  std::string out;
  out.reserve(in.size() * 2);
  for (const char ch : in) {
    const auto c = static_cast<unsigned char>(ch);
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

bool is_7bit_clean(std::string_view text) {
  std::size_t line = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == 0 || c >= 0x80) return false;
    if (c == '\n') {
      line = 0;
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      continue;  // RFC 5322 §2.1.1: 998 characters excluding the CRLF
    } else if (++line > 998) {
      return false;
    }
  }
  return true;
}

std::string decode_transfer_encoding(std::string_view body, std::string_view cte) {
  if (cte == "base64") return base64_decode(body);
  if (cte == "quoted-printable") return qp_decode(body);
  return std::string(body);
}

}  // namespace inkan::mime
