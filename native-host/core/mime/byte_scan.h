// Block-at-a-time byte classification for the per-byte hot paths (signing
// scans every body; canonicalising and hashing touch every byte): 64 bytes per
// step with SSE2 on x86-64, a plain loop elsewhere. Each function answers a
// narrow question quickly; when the answer is "something unusual is here",
// callers fall back to the exact per-byte code, which stays the definition.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace inkan::mime {

/**
 * A quick pass over a body. `plain` promises: no byte >= 0x80, no NUL, every
 * CR directly followed by LF, no line longer than 998 octets (RFC 5322 §2.1.1).
 * A body that is not plain may still be clean; the exact scan decides then.
 * Feed consecutive chunks, then read the result.
 */
class QuickScanner {
public:
  void update(std::string_view chunk);
  bool plain() const;
  /** Some LF had no CR before it (meaningful when plain()). */
  bool bare_lf() const { return m_bare_lf; }

private:
  void tail(const unsigned char* p, std::size_t n);
  void line_end(std::uint64_t lf_at);

  std::uint64_t m_pos = 0;         ///< bytes seen
  std::uint64_t m_line_start = 0;  ///< offset after the last LF
  bool m_plain = true;
  bool m_prev_cr = false;          ///< the last byte seen was CR
  bool m_bare_lf = false;
};

/**
 * What a QuickScanner would say about any range of a stream, from one pass over
 * the stream: the positions that are not plain (8-bit, NUL, a bare CR, the 999th
 * octet of a line) and those of bare LFs, kept as ranges. Memory stays bounded:
 * marks close to each other merge, and past a limit everything further on counts
 * as not plain (then the exact scan decides, as without facts).
 */
class StreamFacts {
public:
  explicit StreamFacts(std::uint64_t begin) : m_begin(begin), m_fed(begin), m_line_start(begin) {}

  /** The next bytes of the stream, in order. */
  void update(std::string_view chunk);
  /** The bytes up to `to` were not seen: they count as not plain. */
  void gap(std::uint64_t to);
  /** No more bytes: settles the last line and a CR at the very end. */
  void finish();

  struct Answer {
    bool plain;    ///< what QuickScanner::plain() would say for the range
    bool bare_lf;  ///< what QuickScanner::bare_lf() would say
  };
  /**
   * The answer for [begin, end), which must start a line of the stream and must not
   * end with a CR (a CRLF split there is a bare CR to the range alone); nullopt if the
   * stream was not seen that far.
   */
  std::optional<Answer> ask(std::uint64_t begin, std::uint64_t end) const;

  /** Everything seen so far was plain, with CRLF line ends only. */
  bool regular() const { return m_irregular.empty() && m_bare_lf.empty(); }

private:
  struct Span {
    std::uint64_t begin, end;
  };
  static void mark(std::vector<Span>& spans, std::uint64_t begin, std::uint64_t end);
  static bool hits(const std::vector<Span>& spans, std::uint64_t begin, std::uint64_t end);
  void line_end(std::uint64_t lf_at);
  void tail(const unsigned char* p, std::size_t n);

  std::uint64_t m_begin;
  std::uint64_t m_fed;        ///< seen up to here
  std::uint64_t m_line_start;
  bool m_prev_cr = false;     ///< the last byte seen was a CR (judged with the next byte)
  bool m_finished = false;
  std::vector<Span> m_irregular;
  std::vector<Span> m_bare_lf;
};

/**
 * Offset of the first LF in `data` that has no CR right before it, or npos.
 * `prev_cr` says whether the byte before `data` was a CR.
 */
std::size_t find_bare_lf(std::string_view data, bool prev_cr);

/**
 * Offset of the first line in `data` that starts with "--" (a candidate MIME
 * delimiter), or npos. A line starts at offset 0 when `at_line_start`, and
 * after every LF or CR (a CR followed by LF ends its line at the LF). The
 * second '-' must be inside `data`: a '-' in the last byte is not reported.
 */
std::size_t find_dash_line(std::string_view data, bool at_line_start);

}  // namespace inkan::mime
