// The block-at-a-time scanners (mime/byte_scan.h) against plain byte-by-byte
// definitions, on random inputs built from the bytes that matter (CR, LF, '-',
// 8-bit, NUL) at every alignment, whole and in random chunks.
#include "codec/chunking.h"
#include "mime/byte_scan.h"
#include "mime/codec.h"
#include "support/reference_codecs.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace {

using inkan::mime::find_bare_lf;
using inkan::mime::find_dash_line;
using inkan::mime::QuickScanner;

constexpr std::size_t npos = std::string_view::npos;

// Random text of the given length over bytes chosen with the given weights.
std::string random_text(std::size_t n, unsigned seed, std::string_view alphabet) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = alphabet[std::uniform_int_distribution<std::size_t>(0, alphabet.size() - 1)(rng)];
  return s;
}

// The definitions, one byte at a time.
struct Facts {
  bool high_or_nul = false;
  bool bare_cr = false;
  bool bare_lf = false;
  std::size_t longest_line = 0;  ///< bytes between line feeds, CR included
};

Facts facts(std::string_view s) {
  Facts f;
  std::size_t line = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == 0 || c >= 0x80) f.high_or_nul = true;
    if (c == '\r' && (i + 1 == s.size() || s[i + 1] != '\n')) f.bare_cr = true;
    if (c == '\n') {
      if (i == 0 || s[i - 1] != '\r') f.bare_lf = true;
      f.longest_line = std::max(f.longest_line, line);
      line = 0;
    } else {
      ++line;
    }
  }
  f.longest_line = std::max(f.longest_line, line);
  return f;
}

std::size_t naive_bare_lf(std::string_view s, bool prev_cr) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool cr_before = i == 0 ? prev_cr : s[i - 1] == '\r';
    if (s[i] == '\n' && !cr_before) return i;
  }
  return npos;
}

std::size_t naive_dash_line(std::string_view s, bool at_line_start) {
  for (std::size_t i = 0; i + 1 < s.size(); ++i) {
    const bool line_start = i == 0 ? at_line_start : (s[i - 1] == '\n' || s[i - 1] == '\r');
    if (line_start && s[i] == '-' && s[i + 1] == '-') return i;
  }
  return npos;
}

QuickScanner scan_in_pieces(std::string_view s, std::size_t max_piece, unsigned seed) {
  QuickScanner q;
  for (auto piece : inkan::test::random_pieces(s, max_piece, seed)) q.update(piece);
  return q;
}

std::vector<std::string> alphabets() {
  using namespace std::string_literals;
  return {"aaaaaaaa\r\n"s, "aaaa\r\n\n"s, "aaaaa\r\n\r"s, "aaaaaaa\r\n\x80"s, "aaaaaaa\r\n\0"s, "a\r"s, "a\n"s,
          "-\r\n"s};
}

TEST(QuickScanner, AgreesWithTheByteByByteDefinition) {
  unsigned seed = 0;
  for (const auto& alphabet : alphabets()) {
    for (std::size_t n : {0u, 1u, 2u, 63u, 64u, 65u, 127u, 128u, 129u, 1000u, 5000u}) {
      for (int round = 0; round < 20; ++round) {
        const std::string s = random_text(n, ++seed, alphabet);
        const Facts f = facts(s);
        QuickScanner q;
        q.update(s);
        // plain() promises the exact scan would find nothing to change ...
        if (q.plain()) {
          EXPECT_FALSE(f.high_or_nul) << seed;
          EXPECT_FALSE(f.bare_cr) << seed;
          EXPECT_LE(f.longest_line, 998u) << seed;  // counting the CR of a CRLF too: on the safe side
          EXPECT_EQ(q.bare_lf(), f.bare_lf) << seed;
        }
        // ... and refuses nothing else.
        if (!f.high_or_nul && !f.bare_cr && f.longest_line <= 998) {
          EXPECT_TRUE(q.plain()) << seed;
        }
        // Chunk boundaries change nothing.
        const QuickScanner pieces = scan_in_pieces(s, 70, seed);
        EXPECT_EQ(pieces.plain(), q.plain()) << seed;
        if (q.plain()) {
          EXPECT_EQ(pieces.bare_lf(), q.bare_lf()) << seed;
        }
      }
    }
  }
}

TEST(QuickScanner, LineLengthLimitAtEveryAlignment) {
  for (std::size_t lead = 0; lead < 70; ++lead) {
    const std::string prefix = std::string(lead, 'x') + "\r\n";
    const std::string ok = prefix + std::string(998, 'a') + "\n" + "tail";
    const std::string too_long = prefix + std::string(999, 'a') + "\r\n";
    const std::string last_line_too_long = prefix + std::string(999, 'a');
    QuickScanner a, b, c;
    a.update(ok);
    b.update(too_long);
    c.update(last_line_too_long);
    EXPECT_TRUE(a.plain()) << lead;
    EXPECT_TRUE(a.bare_lf()) << lead;
    EXPECT_FALSE(b.plain()) << lead;
    EXPECT_FALSE(c.plain()) << lead;
  }
}

TEST(QuickScanner, CrAtAChunkEndIsJudgedByTheNextChunk) {
  for (std::size_t cut = 1; cut < 130; ++cut) {
    const std::string s = std::string(cut - 1, 'a') + "\r\nb\r\n" + std::string(100, 'c');
    QuickScanner q;
    q.update(std::string_view(s).substr(0, cut));
    q.update(std::string_view(s).substr(cut));
    EXPECT_TRUE(q.plain()) << cut;
    EXPECT_FALSE(q.bare_lf()) << cut;
  }
  QuickScanner ends_in_cr;
  ends_in_cr.update(std::string(100, 'a') + "\r");
  EXPECT_FALSE(ends_in_cr.plain());
}

// StreamFacts answers for any line-starting range what a QuickScanner over that range
// alone would say, from one pass over the whole stream: never "plain" (or "no bare LF")
// where the range is not, and "plain" wherever marks are far enough apart not to merge.
std::string random_stream(std::mt19937& rng) {
  using namespace std::string_literals;
  static const std::string pieces[] = {"word ", "word ", "word ", "\r\n", "\r\n", "\n", "\r", "\x80"s, "\0"s,
                                       std::string(700, 'a'), std::string(300, 'b'), "\r\r\n", "-- \r\n"};
  std::string s;
  const std::size_t n = std::uniform_int_distribution<std::size_t>(0, 120)(rng);
  for (std::size_t i = 0; i < n; ++i) {
    s += pieces[std::uniform_int_distribution<std::size_t>(0, std::size(pieces) - 1)(rng)];
  }
  return s;
}

TEST(StreamFacts, AnswersLikeAScanOfTheRangeAlone) {
  std::mt19937 rng(5652);
  for (int round = 0; round < 1000; ++round) {
    const std::string s = random_stream(rng);
    inkan::mime::StreamFacts facts(0);
    for (auto piece : inkan::test::random_pieces(s, 300, static_cast<unsigned>(round))) facts.update(piece);
    facts.finish();
    // Every range that starts a line and does not end in a CR, from a sample of starts and ends.
    std::vector<std::size_t> starts{0};
    for (std::size_t i = 1; i <= s.size(); ++i) {
      const char before = s[i - 1];
      if (before == '\n' || (before == '\r' && (i == s.size() || s[i] != '\n'))) starts.push_back(i);
    }
    for (std::size_t k = 0; k < starts.size(); k += 1 + starts.size() / 25) {
      const std::size_t b = starts[k];
      for (std::size_t e = b; e <= s.size(); e += 1 + (s.size() - b) / 40) {
        if (e > b && s[e - 1] == '\r') continue;
        QuickScanner q;
        q.update(std::string_view(s).substr(b, e - b));
        const auto a = facts.ask(b, e);
        ASSERT_TRUE(a.has_value());
        if (a->plain) {
          ASSERT_TRUE(q.plain()) << "round " << round << " [" << b << ", " << e << ")";
          if (!a->bare_lf) {
            ASSERT_FALSE(q.bare_lf()) << "round " << round << " [" << b << ", " << e << ")";
          }
        }
      }
    }
  }
}

TEST(StreamFacts, PlainStretchesBetweenDistantMarksArePlain) {
  // Plain CRLF text, with an 8-bit byte, a bare CR, a long line and a bare LF far apart.
  const std::string plain_block = [] {
    std::string b;
    while (b.size() < 20000) b += "The quick brown fox jumps over the lazy dog.\r\n";
    return b;
  }();
  const std::string s = plain_block + "caf\xc3\xa9\r\n" + plain_block + "bare\rcr\r\n" + plain_block +
                        std::string(1200, 'L') + "\r\n" + plain_block + "lf only\n" + plain_block;
  inkan::mime::StreamFacts facts(0);
  for (auto piece : inkan::test::random_pieces(s, 5000, 1)) facts.update(piece);
  facts.finish();
  std::size_t start = 0;
  int plain_blocks = 0;
  for (std::size_t at = s.find(plain_block); at != std::string::npos; at = s.find(plain_block, at + 1)) {
    const auto a = facts.ask(at, at + plain_block.size());
    ASSERT_TRUE(a.has_value());
    EXPECT_TRUE(a->plain) << at;
    EXPECT_FALSE(a->bare_lf) << at;
    if (at > start) {  // what lies between two plain blocks holds one of the marks
      const auto odd = facts.ask(start, at);
      ASSERT_TRUE(odd.has_value());
      EXPECT_TRUE(!odd->plain || odd->bare_lf) << start;
    }
    start = at + plain_block.size();
    ++plain_blocks;
  }
  EXPECT_EQ(plain_blocks, 5);
}

TEST(StreamFacts, UnseenBytesAreNotPlainAndUnfedRangesUnknown) {
  inkan::mime::StreamFacts facts(100);
  facts.update("plain line\r\n");
  facts.gap(500);
  facts.update("more\r\n");
  EXPECT_FALSE(facts.ask(100, 112).has_value());  // not finished yet
  facts.finish();
  ASSERT_TRUE(facts.ask(100, 112).has_value());
  EXPECT_TRUE(facts.ask(100, 112)->plain);
  EXPECT_FALSE(facts.ask(100, 506)->plain);
  EXPECT_TRUE(facts.ask(500, 506)->plain);
  EXPECT_FALSE(facts.ask(500, 507).has_value());  // beyond what was seen
  EXPECT_FALSE(facts.ask(50, 112).has_value());   // before the stream
}

TEST(FindBareLf, AgreesWithTheDefinition) {
  unsigned seed = 100;
  for (const char* alphabet : {"aaaaaa\r\n", "aa\r\n\n", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", "\r\n"}) {
    for (std::size_t n : {0u, 1u, 63u, 64u, 65u, 200u, 3000u}) {
      for (int round = 0; round < 30; ++round) {
        const std::string s = random_text(n, ++seed, alphabet);
        for (const bool prev_cr : {false, true}) {
          EXPECT_EQ(find_bare_lf(s, prev_cr), naive_bare_lf(s, prev_cr)) << seed;
        }
      }
    }
  }
}

TEST(FindDashLine, AgreesWithTheDefinition) {
  unsigned seed = 200;
  for (const char* alphabet : {"aaaa-\r\n", "--\n", "-\r", "aaaaaaaaaaaaaaaaa-a\n", "--------x"}) {
    for (std::size_t n : {0u, 1u, 2u, 3u, 64u, 500u}) {
      for (int round = 0; round < 40; ++round) {
        const std::string s = random_text(n, ++seed, alphabet);
        for (const bool start : {false, true}) EXPECT_EQ(find_dash_line(s, start), naive_dash_line(s, start)) << seed;
      }
    }
  }
}

TEST(FindDashLine, DashesAfterACrLfCrOrAtTheStart) {
  EXPECT_EQ(find_dash_line("--b", true), 0u);
  EXPECT_EQ(find_dash_line("--b", false), npos);
  EXPECT_EQ(find_dash_line("x\r--b", false), 2u);  // a bare CR ends the line
  EXPECT_EQ(find_dash_line("x\n--b", false), 2u);
  EXPECT_EQ(find_dash_line("x --b\n-", false), npos);  // not at a line start; one dash at the end
  EXPECT_EQ(find_dash_line("x\n-", false), npos);      // the second dash would be outside
}

TEST(CrlfCanonicalizerView, SameBytesAsUpdateAndNoCopyWhenCanonical) {
  unsigned seed = 300;
  for (const char* alphabet : {"aaaaaa\r\n", "aaa\r\n\n", "aaaaaaa\r"}) {
    for (int round = 0; round < 40; ++round) {
      const std::string s = random_text(3000, ++seed, alphabet);
      inkan::mime::CrlfCanonicalizer by_update, by_view;
      std::string expected, got, scratch;
      for (auto piece : inkan::test::random_pieces(s, 300, seed)) {
        by_update.update(piece, expected);
        const std::string_view v = by_view.view(piece, scratch);
        if (naive_bare_lf(piece, false) == npos && piece.front() != '\n') {
          EXPECT_EQ(v.data(), piece.data());
        }
        got.append(v);
      }
      EXPECT_EQ(got, expected) << seed;
      EXPECT_EQ(got, inkan::test::ref_to_crlf(s)) << seed;
    }
  }
}

}  // namespace
