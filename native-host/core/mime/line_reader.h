// Reads the lines of a byte range in fixed-size windows, so lines of any
// length (a 100 MB attachment without a newline) are scanned in bounded memory.
#pragma once

#include "io/source.h"

#include <string>
#include <string_view>

namespace inkan::mime {

struct Line {
  std::uint64_t begin = 0;        ///< offset of the first byte
  std::uint64_t content_end = 0;  ///< offset of the terminator (CRLF, LF or a bare CR), or end
  std::uint64_t end = 0;          ///< offset after the terminator
  /** The first bytes of the content (up to kPrefix), valid until the next call. */
  std::string_view prefix;
  std::uint64_t length() const { return content_end - begin; }
  bool has_terminator() const { return end > content_end; }
};

class LineReader {
public:
  static constexpr std::size_t kPrefix = 1024;

  LineReader(const io::Source& src, io::Range range, std::size_t window = 1 << 16);

  /** Returns false at the end of the range. */
  bool next(Line& line);
  std::uint64_t position() const { return m_pos; }

private:
  void load(std::uint64_t from);
  void ensure(std::uint64_t target, std::uint64_t line_begin, bool& crossed);

  const io::Source& m_src;
  io::Range m_range;
  std::size_t m_window;
  std::string m_buf;
  std::uint64_t m_buf_off = 0;
  std::uint64_t m_pos;
  std::string m_long_prefix;
};

/** Calls fn(std::string_view) for consecutive chunks of a range. */
template <typename Fn>
void for_each_chunk(const io::Source& src, io::Range range, Fn&& fn, std::size_t chunk = 1 << 16) {
  std::string buf(chunk, '\0');
  std::uint64_t pos = range.begin;
  while (pos < range.end) {
    const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(chunk, range.end - pos));
    const std::size_t got = src.read_at(pos, {buf.data(), want});
    if (got == 0) break;
    fn(std::string_view(buf.data(), got));
    pos += got;
  }
}

}  // namespace inkan::mime
