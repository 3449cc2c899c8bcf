#include "mime/line_reader.h"

#include <algorithm>
#include <cstring>

namespace inkan::mime {

LineReader::LineReader(const io::Source& src, io::Range range, std::size_t window)
    : m_src(src), m_range(range), m_window(window), m_pos(range.begin) {
  m_range.end = std::min<std::uint64_t>(m_range.end, src.size());
  m_buf_off = m_pos;
}

void LineReader::load(std::uint64_t from) {
  const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(m_window, m_range.end - from));
  m_buf.resize(want);
  const std::size_t got = want == 0 ? 0 : m_src.read_at(from, {m_buf.data(), want});
  m_buf.resize(got);
  m_buf_off = from;
}

bool LineReader::next(Line& line) {
  if (m_pos >= m_range.end) return false;
  line.begin = m_pos;
  bool crossed = false;  // the line is longer than the window
  char previous = '\0';  // last byte before the current window, for CR detection
  m_long_prefix.clear();
  std::uint64_t scan = m_pos;

  for (;;) {
    const std::uint64_t buf_end = m_buf_off + m_buf.size();
    if (scan < m_buf_off || scan >= buf_end) {
      if (scan >= m_range.end) {  // last line, no terminator
        line.content_end = line.end = scan;
        break;
      }
      if (!crossed && line.begin >= m_buf_off && line.begin < buf_end && line.begin > m_buf_off) {
        load(line.begin);  // move the window to the line start and rescan
        continue;
      }
      if (!crossed && line.begin < scan) {
        // The line does not fit in one window: keep its prefix, move on.
        crossed = true;
        const auto keep = static_cast<std::size_t>(std::min<std::uint64_t>(kPrefix, scan - line.begin));
        m_long_prefix.assign(m_buf.data() + (line.begin - m_buf_off), keep);
      }
      if (scan > m_buf_off && scan == buf_end && !m_buf.empty()) previous = m_buf.back();
      load(scan);
      if (m_buf.empty()) {
        line.content_end = line.end = scan;
        break;
      }
      continue;
    }
    const char* base = m_buf.data() + (scan - m_buf_off);
    const std::size_t avail = static_cast<std::size_t>(buf_end - scan);
    const void* lf = std::memchr(base, '\n', avail);
    if (lf == nullptr) {
      scan = buf_end;
      continue;
    }
    const std::uint64_t lf_pos = scan + static_cast<std::uint64_t>(static_cast<const char*>(lf) - base);
    line.end = lf_pos + 1;
    line.content_end = lf_pos;
    if (lf_pos > line.begin) {
      const char before = lf_pos > m_buf_off ? m_buf[static_cast<std::size_t>(lf_pos - 1 - m_buf_off)] : previous;
      if (before == '\r') --line.content_end;
    }
    break;
  }

  const auto length = line.content_end - line.begin;
  if (crossed) {
    if (m_long_prefix.size() > length) m_long_prefix.resize(static_cast<std::size_t>(length));
    line.prefix = m_long_prefix;
  } else {
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(kPrefix, length));
    line.prefix = std::string_view(m_buf.data() + (line.begin - m_buf_off), n);
  }
  m_pos = line.end;
  return true;
}

}  // namespace inkan::mime
