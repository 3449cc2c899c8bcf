#include "mime/byte_scan.h"

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace inkan::mime {
namespace {

constexpr std::uint64_t kMaxLine = 998;  // RFC 5322 §2.1.1, excluding the CRLF

#if defined(__SSE2__)
// Bit i of each mask describes byte i of a 64-byte block.
struct Masks {
  std::uint64_t high;  ///< byte >= 0x80
  std::uint64_t nul;
  std::uint64_t lf;
  std::uint64_t cr;
};

inline std::uint64_t bits(__m128i a, __m128i b, __m128i c, __m128i d) {
  const auto m = [](__m128i v) { return static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm_movemask_epi8(v))); };
  return m(a) | (m(b) << 16) | (m(c) << 32) | (m(d) << 48);
}

inline Masks classify64(const unsigned char* p) {
  const __m128i v0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i v1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16));
  const __m128i v2 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 32));
  const __m128i v3 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 48));
  const __m128i zero = _mm_setzero_si128();
  const __m128i lf = _mm_set1_epi8('\n');
  const __m128i cr = _mm_set1_epi8('\r');
  Masks m{};
  m.high = bits(v0, v1, v2, v3);
  m.nul = bits(_mm_cmpeq_epi8(v0, zero), _mm_cmpeq_epi8(v1, zero), _mm_cmpeq_epi8(v2, zero), _mm_cmpeq_epi8(v3, zero));
  m.lf = bits(_mm_cmpeq_epi8(v0, lf), _mm_cmpeq_epi8(v1, lf), _mm_cmpeq_epi8(v2, lf), _mm_cmpeq_epi8(v3, lf));
  m.cr = bits(_mm_cmpeq_epi8(v0, cr), _mm_cmpeq_epi8(v1, cr), _mm_cmpeq_epi8(v2, cr), _mm_cmpeq_epi8(v3, cr));
  return m;
}

inline std::uint64_t lf_cr_masks(const unsigned char* p, std::uint64_t& cr_out) {
  const __m128i v0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i v1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16));
  const __m128i v2 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 32));
  const __m128i v3 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 48));
  const __m128i lf = _mm_set1_epi8('\n');
  const __m128i cr = _mm_set1_epi8('\r');
  cr_out = bits(_mm_cmpeq_epi8(v0, cr), _mm_cmpeq_epi8(v1, cr), _mm_cmpeq_epi8(v2, cr), _mm_cmpeq_epi8(v3, cr));
  return bits(_mm_cmpeq_epi8(v0, lf), _mm_cmpeq_epi8(v1, lf), _mm_cmpeq_epi8(v2, lf), _mm_cmpeq_epi8(v3, lf));
}
#endif

}  // namespace

void QuickScanner::line_end(std::uint64_t lf_at) {
  // Counting the CR of a CRLF too errs on the safe side: a 998-octet line with its CR
  // is merely sent to the exact scan.
  if (lf_at - m_line_start > kMaxLine) m_plain = false;
  m_line_start = lf_at + 1;
}

void QuickScanner::tail(const unsigned char* p, std::size_t n) {
  for (std::size_t i = 0; i < n && m_plain; ++i) {
    const unsigned char c = p[i];
    if (m_prev_cr && c != '\n') m_plain = false;  // a bare CR
    if (c == 0 || c >= 0x80) m_plain = false;
    if (c == '\n') {
      if (!m_prev_cr) m_bare_lf = true;
      line_end(m_pos + i);
    }
    m_prev_cr = c == '\r';
  }
  m_pos += n;
}

void QuickScanner::update(std::string_view chunk) {
  if (!m_plain) return;  // the exact scan decides anyway
  const auto* p = reinterpret_cast<const unsigned char*>(chunk.data());
  std::size_t n = chunk.size();
#if defined(__SSE2__)
  while (n >= 64) {
    const Masks m = classify64(p);
    // A CR must be followed by LF: bit i of cr needs bit i+1 of lf (the last CR looks ahead
    // into the next block, through m_prev_cr).
    const std::uint64_t cr_without_lf = m.cr & ~(m.lf >> 1) & ~(std::uint64_t{1} << 63);
    const bool carried_bare_cr = m_prev_cr && (m.lf & 1) == 0;
    if ((m.high | m.nul | cr_without_lf) != 0 || carried_bare_cr) {
      m_plain = false;
      return;
    }
    if (m.lf != 0) {
      if ((m.lf & ~((m.cr << 1) | (m_prev_cr ? 1 : 0))) != 0) m_bare_lf = true;
      for (std::uint64_t lf = m.lf; lf != 0; lf &= lf - 1) {
        line_end(m_pos + static_cast<std::uint64_t>(__builtin_ctzll(lf)));
      }
      if (!m_plain) return;
    }
    m_prev_cr = (m.cr >> 63) != 0;
    m_pos += 64;
    p += 64;
    n -= 64;
  }
#endif
  tail(p, n);
}

bool QuickScanner::plain() const {
  // The last line (without a terminator) and a CR at the very end count too.
  return m_plain && !m_prev_cr && m_pos - m_line_start <= kMaxLine;
}

namespace {

constexpr std::uint64_t kMergeGap = 4096;       // marks this close become one span
constexpr std::size_t kMaxSpans = 4096;         // then everything further on is marked
constexpr std::uint64_t kForever = ~std::uint64_t{0};

}  // namespace

void StreamFacts::mark(std::vector<Span>& spans, std::uint64_t begin, std::uint64_t end) {
  // Marks come almost in order: a long line's mark starts where the line passed 998
  // octets, before the marks made in that line since. Merge back as far as needed.
  while (!spans.empty() && begin <= spans.back().end + kMergeGap) {
    begin = std::min(begin, spans.back().begin);
    end = std::max(end, spans.back().end);
    spans.pop_back();
  }
  if (spans.size() >= kMaxSpans) {
    spans.back().begin = std::min(spans.back().begin, begin);
    spans.back().end = kForever;
    return;
  }
  spans.push_back({begin, end});
}

bool StreamFacts::hits(const std::vector<Span>& spans, std::uint64_t begin, std::uint64_t end) {
  // The first span ending after `begin`; it hits if it starts before `end`.
  if (begin >= end) return false;
  std::size_t lo = 0, hi = spans.size();
  while (lo < hi) {
    const std::size_t mid = (lo + hi) / 2;
    if (spans[mid].end <= begin) lo = mid + 1;
    else hi = mid;
  }
  return lo < spans.size() && spans[lo].begin < end;
}

void StreamFacts::line_end(std::uint64_t lf_at) {
  if (lf_at - m_line_start > kMaxLine) mark(m_irregular, m_line_start + kMaxLine, lf_at);
  m_line_start = lf_at + 1;
}

void StreamFacts::tail(const unsigned char* p, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char c = p[i];
    const std::uint64_t at = m_fed + i;
    if (m_prev_cr && c != '\n') mark(m_irregular, at - 1, at);  // the CR before was bare
    if (c == 0 || c >= 0x80) mark(m_irregular, at, at + 1);
    if (c == '\n') {
      if (!m_prev_cr) mark(m_bare_lf, at, at + 1);
      line_end(at);
    }
    m_prev_cr = c == '\r';
  }
  m_fed += n;
}

void StreamFacts::update(std::string_view chunk) {
  const auto* p = reinterpret_cast<const unsigned char*>(chunk.data());
  std::size_t n = chunk.size();
#if defined(__SSE2__)
  while (n >= 64) {
    const Masks m = classify64(p);
    const std::uint64_t at = m_fed;
    if (m_prev_cr && (m.lf & 1) == 0) mark(m_irregular, at - 1, at);
    const std::uint64_t odd = m.high | m.nul | (m.cr & ~(m.lf >> 1) & ~(std::uint64_t{1} << 63));
    if (odd != 0) {
      mark(m_irregular, at + static_cast<std::uint64_t>(__builtin_ctzll(odd)),
           at + 64 - static_cast<std::uint64_t>(__builtin_clzll(odd)));
    }
    if (m.lf != 0) {
      const std::uint64_t bare = m.lf & ~((m.cr << 1) | (m_prev_cr ? 1 : 0));
      if (bare != 0) {
        mark(m_bare_lf, at + static_cast<std::uint64_t>(__builtin_ctzll(bare)),
             at + 64 - static_cast<std::uint64_t>(__builtin_clzll(bare)));
      }
      for (std::uint64_t lf = m.lf; lf != 0; lf &= lf - 1) line_end(at + static_cast<std::uint64_t>(__builtin_ctzll(lf)));
    }
    m_prev_cr = (m.cr >> 63) != 0;
    m_fed += 64;
    p += 64;
    n -= 64;
  }
#endif
  tail(p, n);
}

void StreamFacts::gap(std::uint64_t to) {
  if (to <= m_fed) return;
  mark(m_irregular, m_fed > m_begin && m_prev_cr ? m_fed - 1 : m_fed, to);
  mark(m_bare_lf, m_fed, to);
  m_fed = to;
  m_prev_cr = false;
  m_line_start = to;  // lines across the gap were marked with it
}

void StreamFacts::finish() {
  if (m_finished) return;
  m_finished = true;
  if (m_prev_cr) mark(m_irregular, m_fed - 1, m_fed);  // what follows the CR is not known
  if (m_fed - m_line_start > kMaxLine) mark(m_irregular, m_line_start + kMaxLine, m_fed);
}

std::optional<StreamFacts::Answer> StreamFacts::ask(std::uint64_t begin, std::uint64_t end) const {
  if (!m_finished || begin < m_begin || end > m_fed || begin > end) return std::nullopt;
  return Answer{!hits(m_irregular, begin, end), hits(m_bare_lf, begin, end)};
}

std::size_t find_bare_lf(std::string_view data, bool prev_cr) {
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  const std::size_t n = data.size();
  std::size_t i = 0;
#if defined(__SSE2__)
  for (; i + 64 <= n; i += 64) {
    std::uint64_t cr = 0;
    const std::uint64_t lf = lf_cr_masks(p + i, cr);
    const std::uint64_t bare = lf & ~((cr << 1) | (prev_cr ? 1 : 0));
    if (bare != 0) return i + static_cast<std::size_t>(__builtin_ctzll(bare));
    prev_cr = (cr >> 63) != 0;
  }
#endif
  for (; i < n; ++i) {
    if (p[i] == '\n' && !prev_cr) return i;
    prev_cr = p[i] == '\r';
  }
  return std::string_view::npos;
}

std::size_t find_dash_line(std::string_view data, bool at_line_start) {
  const char* base = data.data();
  const std::size_t n = data.size();
  std::size_t from = 0;
  while (from + 1 < n) {
    const void* hit = std::memchr(base + from, '-', n - 1 - from);
    if (hit == nullptr) return std::string_view::npos;
    const auto i = static_cast<std::size_t>(static_cast<const char*>(hit) - base);
    if (base[i + 1] == '-') {
      // After a CR the line has ended, whatever follows: a '-' is no LF, so the CR was bare.
      const bool line_start = i == 0 ? at_line_start : (base[i - 1] == '\n' || base[i - 1] == '\r');
      if (line_start) return i;
      from = i + 2;  // "---": the middle '-' follows a '-', not a line end
    } else {
      from = i + 2;  // base[i + 1] is not '-', so no candidate starts there either
    }
  }
  return std::string_view::npos;
}

}  // namespace inkan::mime
