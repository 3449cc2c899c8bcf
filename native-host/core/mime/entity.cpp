#include "mime/entity.h"

#include "error.h"
#include "mime/byte_scan.h"
#include "mime/line_reader.h"

#include <algorithm>
#include <cstring>
#include <memory>

namespace inkan::mime {
namespace {

enum class Delimiter { none, part, close };

bool only_padding(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t'; });
}

// RFC 2046 §5.1.1: "--" boundary ["--"], then any amount of transport padding.
Delimiter classify(const Line& line, std::string_view boundary, const io::Source& src) {
  const std::string_view p = line.prefix;
  if (p.size() < boundary.size() + 2 || p[0] != '-' || p[1] != '-' || p.substr(2, boundary.size()) != boundary) {
    return Delimiter::none;
  }
  std::string_view rest = p.substr(2 + boundary.size());
  Delimiter kind = Delimiter::part;
  if (rest.size() >= 2 && rest[0] == '-' && rest[1] == '-') {
    kind = Delimiter::close;
    rest.remove_prefix(2);
  }
  if (!only_padding(rest)) return Delimiter::none;
  if (line.length() > p.size()) {  // the prefix was cut: the rest must be padding too
    bool padding = true;
    for_each_chunk(src, {line.begin + p.size(), line.content_end}, [&](std::string_view chunk) {
      padding = padding && only_padding(chunk);
    });
    if (!padding) return Delimiter::none;
  }
  return kind;
}

// Candidate delimiter lines found by the outermost split, reused by the splits nested
// inside it: a nested multipart's lines are lines of its parent, so its body need not
// be searched again (a signed message is split twice otherwise: the multipart/signed,
// then the multipart/mixed inside it).
struct DashIndex {
  static constexpr std::size_t kMaxEntries = 1 << 16;  // memory stays bounded; past it, nested splits search
  std::vector<std::uint64_t> positions;  ///< ascending
  std::uint64_t complete_until = 0;       ///< every candidate p < complete_until is listed
  bool recording = true;
};

// Only lines starting with "--" can be delimiters, so the body is searched for those
// (memchr over a window) instead of being cut into every one of its lines. Line
// boundaries follow LineReader exactly: a line starts after LF, after CRLF, and after
// a bare CR (see mime/byte_scan.h).
class DashLines {
public:
  DashLines(const io::Source& src, io::Range range, DashIndex& index, StreamFacts* facts, SplitObserver* observer)
      : m_src(src), m_begin(range.begin), m_end(std::min<std::uint64_t>(range.end, src.size())), m_pos(range.begin),
        m_index(index), m_facts(facts), m_observer(observer), m_fed(range.begin) {
    m_from_index = m_end <= index.complete_until && range.begin < m_end;
    if (m_from_index) {
      m_next_entry = static_cast<std::size_t>(
          std::upper_bound(index.positions.begin(), index.positions.end(), range.begin) - index.positions.begin());
    }
    m_record = !m_from_index && index.recording && range.begin >= index.complete_until;
  }

  /** The start of the next candidate line at or after the current position; false at the end. */
  bool next(std::uint64_t& at) {
    if (m_from_index) return next_from_index(at);
    while (m_pos + 1 < m_end) {
      load_around(m_pos);
      const auto skip = static_cast<std::size_t>(m_pos - m_buf_off);
      const std::string_view view(m_buf.data() + skip, m_buf.size() - skip);
      const bool line_start = m_pos == m_begin || is_break(m_buf[skip - 1]);
      const std::size_t hit = find_dash_line(view, line_start);
      if (hit != std::string_view::npos) {
        at = m_pos + hit;
        record_candidate(at);
        return true;
      }
      const std::uint64_t window_end = m_buf_off + m_buf.size();
      if (window_end >= m_end) break;
      m_pos = window_end - 1;  // a '-' in the window's last byte is looked at again, with its successor
    }
    m_pos = m_end;
    if (m_record) m_index.complete_until = std::max(m_index.complete_until, m_end);
    return false;
  }

  /** Continues the search at `pos` (after the line just handled: lines never overlap). */
  void skip_to(std::uint64_t pos) { m_pos = std::max(m_pos, pos); }

  /** Length of the line break that ends the line before `at` (0 at the start of the range). */
  std::uint64_t break_before(std::uint64_t at) const {
    if (at == m_begin) return 0;
    if (byte(at - 1) == '\n' && at - 1 > m_begin && byte(at - 2) == '\r') return 2;
    return 1;
  }

  /**
   * The line starting at `at`, taken from the window when it ends there (the usual
   * case); otherwise a LineReader reads it. `reader` keeps that LineReader alive
   * while the line's prefix is in use.
   */
  Line line_at(std::uint64_t at, std::unique_ptr<LineReader>& reader) {
    Line line;
    if (in_window(at, line)) return line;
    reader = std::make_unique<LineReader>(m_src, io::Range{at, m_end}, kLineWindow);
    reader->next(line);
    return line;
  }

private:
  static constexpr std::size_t kWindow = 1 << 16;
  static constexpr std::size_t kLineWindow = 1 << 12;

  static bool is_break(char c) { return c == '\n' || c == '\r'; }

  bool next_from_index(std::uint64_t& at) {
    if (m_pos == m_begin) {  // the range's first byte starts a line here, whatever came before it
      m_pos = m_begin + 1;
      load_around(m_begin);
      const auto i = static_cast<std::size_t>(m_begin - m_buf_off);
      if (m_begin + 1 < m_end && m_buf[i] == '-' && m_buf[i + 1] == '-') {
        at = m_begin;
        return true;
      }
    }
    const auto& list = m_index.positions;
    while (m_next_entry < list.size()) {
      const std::uint64_t p = list[m_next_entry++];
      if (p + 1 >= m_end) break;  // "--" must lie inside the range
      if (p < m_pos) continue;
      load_around(p);
      at = p;
      return true;
    }
    m_pos = m_end;
    return false;
  }

  void record_candidate(std::uint64_t at) {
    if (!m_record) return;
    if (m_index.positions.size() >= DashIndex::kMaxEntries) {
      m_index.recording = false;
      m_record = false;
      return;
    }
    m_index.positions.push_back(at);
    m_index.complete_until = std::max(m_index.complete_until, at + 1);
  }

  // Loads a window holding `pos`, the two bytes before it and at least one byte after it.
  void load_around(std::uint64_t pos) {
    const std::uint64_t from = pos - std::min<std::uint64_t>(pos - m_begin, 2);
    // Every candidate line before pos has been handled: a part boundary still to come lies
    // after the line break before the next one.
    if (m_observer != nullptr && !m_from_index) m_observer->settled(from);
    if (from >= m_buf_off && pos + 1 < m_buf_off + m_buf.size()) return;
    const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(kWindow, m_end - from));
    m_buf.resize(want);
    std::size_t got = 0;
    while (got < want) {
      const std::size_t n = m_src.read_at(from + got, {m_buf.data() + got, want - got});
      if (n == 0) break;
      got += n;
    }
    m_buf.resize(got);
    m_buf_off = from;
    if (got < want) m_end = from + got;  // the source is shorter than it said
    if ((m_facts != nullptr || m_observer != nullptr) && !m_from_index) {
      // Every byte searched is looked at once more, while it is here.
      if (from > m_fed) {
        if (m_facts != nullptr) m_facts->gap(from);
        m_fed = from;
      }
      const std::uint64_t window_end = from + got;
      if (window_end > m_fed) {
        const std::string_view fresh(m_buf.data() + (m_fed - from), static_cast<std::size_t>(window_end - m_fed));
        if (m_facts != nullptr) m_facts->update(fresh);
        if (m_observer != nullptr) {
          if (m_facts != nullptr && !m_told_irregular && !m_facts->regular()) {
            m_told_irregular = true;
            m_observer->irregular();
          }
          m_observer->bytes(m_fed, fresh);
        }
        m_fed = window_end;
      }
    }
  }

  char byte(std::uint64_t pos) const {
    if (pos >= m_buf_off && pos < m_buf_off + m_buf.size()) return m_buf[static_cast<std::size_t>(pos - m_buf_off)];
    char c = 0;
    return m_src.read_at(pos, {&c, 1}) == 1 ? c : '\0';
  }

  bool in_window(std::uint64_t at, Line& line) const {
    const std::uint64_t window_end = m_buf_off + m_buf.size();
    if (at < m_buf_off || at >= window_end) return false;
    const char* base = m_buf.data() + (at - m_buf_off);
    const auto avail = static_cast<std::size_t>(window_end - at);
    const void* lf = std::memchr(base, '\n', avail);
    const std::size_t span = lf != nullptr ? static_cast<std::size_t>(static_cast<const char*>(lf) - base) : avail;
    const void* cr = std::memchr(base, '\r', span);
    line.begin = at;
    if (cr != nullptr) {
      const std::uint64_t pos = at + static_cast<std::uint64_t>(static_cast<const char*>(cr) - base);
      if (pos + 1 == window_end && window_end < m_end) return false;  // the byte after the CR is not here
      const bool crlf = pos + 1 < window_end && m_buf[static_cast<std::size_t>(pos + 1 - m_buf_off)] == '\n';
      line.content_end = pos;
      line.end = pos + (crlf ? 2 : 1);
    } else if (lf != nullptr) {
      line.content_end = at + span;
      line.end = line.content_end + 1;
    } else if (window_end == m_end) {
      line.content_end = line.end = m_end;  // the last line, without a terminator
    } else {
      return false;  // runs past the window
    }
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(LineReader::kPrefix, line.length()));
    line.prefix = std::string_view(base, n);
    return true;
  }

  const io::Source& m_src;
  std::uint64_t m_begin;
  std::uint64_t m_end;
  std::uint64_t m_pos;
  std::string m_buf;
  std::uint64_t m_buf_off = 0;
  DashIndex& m_index;
  StreamFacts* m_facts;
  SplitObserver* m_observer;
  bool m_told_irregular = false;
  std::uint64_t m_fed = 0;
  bool m_from_index = false;
  bool m_record = false;
  std::size_t m_next_entry = 0;
};

class Parser {
public:
  Parser(const io::Source& src, const ParseLimits& limits) : m_src(src), m_limits(limits) {}

  Entity parse(io::Range range, int depth, std::string part_number) {
    if (depth > m_limits.max_depth) throw Error(Errc::mime_too_deep);
    if (++m_parts > m_limits.max_parts) throw Error(Errc::mime_malformed, "too many parts");
    Entity e;
    e.whole = range;
    e.part_number = std::move(part_number);
    HeaderBlock block = parse_header_block(m_src, range);
    e.headers = std::move(block.headers);
    e.body = {block.body_begin, range.end};
    e.headers_cut_short = !block.saw_blank_line && block.body_begin < range.end;
    e.type = content_type_of(e.headers);
    e.transfer_encoding = transfer_encoding_of(e.headers);
    if (e.type.is_multipart()) {
      e.boundary = e.type.param("boundary");
      if (e.boundary.size() > 200) e.boundary.clear();  // RFC 2046 allows 70; treat absurd ones as text
      if (!e.boundary.empty()) split(e, depth);
    }
    if (depth == 0 && m_facts) attach(e, m_facts);
    return e;
  }

private:
  void split(Entity& e, int depth) {
    // The outermost split sees every byte of the body: it may as well take note of them.
    std::shared_ptr<StreamFacts> facts;
    if (m_limits.body_facts && !m_facts && e.body.begin >= m_dashes.complete_until && m_dashes.recording) {
      facts = std::make_shared<StreamFacts>(e.body.begin);
      m_facts = facts;
    }
    const bool outermost = e.body.begin >= m_dashes.complete_until && m_dashes.recording && !m_observed;
    SplitObserver* observer = outermost ? m_limits.observer : nullptr;
    if (observer != nullptr) m_observed = true;
    DashLines lines(m_src, e.body, m_dashes, facts.get(), observer);
    const auto done = [&] {
      if (facts) facts->finish();
    };
    std::uint64_t part_begin = 0;
    bool in_part = false;
    bool seen_first = false;
    e.closed = false;
    int index = 0;

    const auto add_child = [&](std::uint64_t end) {
      if (end < part_begin) end = part_begin;
      if (observer != nullptr) observer->part_ends(index, end);
      ++index;
      const std::string number = e.part_number.empty() ? std::to_string(index)
                                                       : e.part_number + "." + std::to_string(index);
      e.children.push_back(parse({part_begin, end}, depth + 1, number));
    };

    std::uint64_t at = 0;
    std::unique_ptr<LineReader> reader;
    while (lines.next(at)) {
      const Line line = lines.line_at(at, reader);
      const Delimiter kind = classify(line, e.boundary, m_src);
      lines.skip_to(line.end);
      if (kind == Delimiter::none) continue;
      // The line break before a delimiter belongs to the delimiter (RFC 2046 §5.1.1).
      const std::uint64_t before = line.begin - std::min<std::uint64_t>(line.begin, lines.break_before(line.begin));
      if (!seen_first) {
        e.preamble = {e.body.begin, std::max(e.body.begin, before)};
        seen_first = true;
      } else if (in_part) {
        add_child(before);
      }
      if (kind == Delimiter::close) {
        e.closed = true;
        e.epilogue = {line.end, e.body.end};
        done();
        return;
      }
      part_begin = line.end;
      in_part = true;
      if (observer != nullptr) observer->part_begins(index, part_begin);
    }
    done();
    // No close delimiter: the last part runs to the end (lenient, like mail clients).
    if (in_part) {
      add_child(e.body.end);
    } else if (!seen_first) {
      e.preamble = e.body;
    }
  }

  static void attach(Entity& e, const std::shared_ptr<const StreamFacts>& facts) {
    e.facts = facts;
    for (auto& child : e.children) attach(child, facts);
  }

  const io::Source& m_src;
  const ParseLimits& m_limits;
  std::size_t m_parts = 0;
  DashIndex m_dashes;
  std::shared_ptr<const StreamFacts> m_facts;
  bool m_observed = false;
};

}  // namespace

Entity parse_entity(const io::Source& src, io::Range range, const ParseLimits& limits) {
  Parser parser(src, limits);
  return parser.parse(range, 0, "");
}

Entity parse_message(const io::Source& src, const ParseLimits& limits) {
  return parse_entity(src, {0, src.size()}, limits);
}

}  // namespace inkan::mime
