#include "mime/line_reader.h"

#include <algorithm>
#include <cstring>

namespace inkan::mime {

LineReader::LineReader(const io::Source& src, io::Range range, std::size_t window)
    : m_src(src), m_range(range), m_window(std::max<std::size_t>(window, 2)), m_pos(range.begin) {
  // At least two bytes: telling CRLF from a bare CR needs the byte after the CR.
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

void LineReader::ensure(std::uint64_t target, std::uint64_t line_begin, bool& crossed) {
  // Keep the line in one window while it fits; a longer line keeps only its prefix.
  // Reloading at the line start only helps if the window does not start there already:
  // otherwise (a CR on the last byte of such a window) the same window would come back
  // for ever, so the line is treated as crossing windows.
  const bool already_there = line_begin == m_buf_off && !m_buf.empty();
  if (!crossed && target - line_begin < m_window && !already_there) {
    load(line_begin);
    return;
  }
  if (!crossed) {
    crossed = true;
    if (line_begin >= m_buf_off && line_begin < m_buf_off + m_buf.size()) {
      const auto keep = static_cast<std::size_t>(
          std::min<std::uint64_t>(kPrefix, m_buf_off + m_buf.size() - line_begin));
      m_long_prefix.assign(m_buf.data() + (line_begin - m_buf_off), keep);
    }
  }
  load(target);
}

bool LineReader::next(Line& line) {
  if (m_pos >= m_range.end) return false;
  line.begin = m_pos;
  bool crossed = false;
  m_long_prefix.clear();
  std::uint64_t scan = m_pos;

  for (;;) {
    const std::uint64_t buf_end = m_buf_off + m_buf.size();
    if (scan < m_buf_off || scan >= buf_end) {
      if (scan >= m_range.end) {  // last line, no terminator
        line.content_end = line.end = scan;
        break;
      }
      ensure(scan, line.begin, crossed);
      if (m_buf.empty()) {
        line.content_end = line.end = scan;
        break;
      }
      continue;
    }
    // Lines end at CRLF, LF or a bare CR: the same splitting Thunderbird's MIME
    // parser uses, so that both see the same structure.
    const char* base = m_buf.data() + (scan - m_buf_off);
    const auto avail = static_cast<std::size_t>(buf_end - scan);
    const void* lf = std::memchr(base, '\n', avail);
    const std::size_t span = lf != nullptr ? static_cast<std::size_t>(static_cast<const char*>(lf) - base) : avail;
    const void* cr = std::memchr(base, '\r', span);
    if (cr != nullptr) {
      const std::uint64_t at = scan + static_cast<std::uint64_t>(static_cast<const char*>(cr) - base);
      if (at + 1 == buf_end && buf_end < m_range.end) {  // need the byte after the CR
        scan = at;
        ensure(at, line.begin, crossed);
        continue;
      }
      line.content_end = at;
      const bool crlf = at + 1 < buf_end && m_buf[static_cast<std::size_t>(at + 1 - m_buf_off)] == '\n';
      line.end = at + (crlf ? 2 : 1);
      break;
    }
    if (lf != nullptr) {
      line.content_end = scan + span;
      line.end = line.content_end + 1;
      break;
    }
    scan = buf_end;
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
