// The windowed line reader against a naive splitter: every line's offsets,
// terminator and prefix must agree whatever the window size, including CRLF
// pairs split across windows and lines many windows long.
#include "io/source.h"
#include "mime/line_reader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

namespace {

struct RefLine {
  std::uint64_t begin, content_end, end;
};

// Lines end at CRLF, LF or a bare CR (line_reader.h; Thunderbird's MIME parser splits the same way).
std::vector<RefLine> reference_lines(const std::string& text, std::uint64_t begin, std::uint64_t end) {
  std::vector<RefLine> out;
  std::uint64_t pos = begin;
  while (pos < end) {
    std::uint64_t at = pos;
    while (at < end && text[at] != '\n' && text[at] != '\r') ++at;
    if (at == end) {
      out.push_back({pos, end, end});
      break;
    }
    const bool crlf = text[at] == '\r' && at + 1 < end && text[at + 1] == '\n';
    out.push_back({pos, at, at + (crlf ? 2 : 1)});
    pos = at + (crlf ? 2 : 1);
  }
  return out;
}

void expect_same_lines(const std::string& text, inkan::io::Range range, std::size_t window) {
  inkan::io::ViewSource src(text);
  inkan::mime::LineReader reader(src, range, window);
  const auto expected = reference_lines(text, range.begin, range.end);
  inkan::mime::Line line;
  std::size_t i = 0;
  while (reader.next(line)) {
    ASSERT_LT(i, expected.size()) << "extra line; window " << window;
    const auto& e = expected[i];
    ASSERT_EQ(line.begin, e.begin) << "line " << i << " window " << window;
    ASSERT_EQ(line.content_end, e.content_end) << "line " << i << " window " << window;
    ASSERT_EQ(line.end, e.end) << "line " << i << " window " << window;
    // The prefix is only promised for windows of at least kPrefix bytes (the engine uses 64 KiB):
    // a line crossing a smaller window keeps just what the window held.
    if (window >= inkan::mime::LineReader::kPrefix) {
      const auto n = std::min<std::uint64_t>(inkan::mime::LineReader::kPrefix, e.content_end - e.begin);
      ASSERT_EQ(std::string(line.prefix), text.substr(e.begin, n)) << "line " << i << " window " << window;
    }
    ++i;
  }
  EXPECT_EQ(i, expected.size()) << "window " << window;
}

TEST(LineReader, SimpleCrlfAndLfLines) {
  const std::string text = "one\r\ntwo\nthree\r\n\r\nlast";
  for (std::size_t w : {2u, 3u, 4u, 5u, 7u, 64u}) expect_same_lines(text, {0, text.size()}, w);
}

TEST(LineReader, CrlfSplitAcrossEveryWindowBoundary) {
  std::string text;
  for (int i = 0; i < 50; ++i) text += std::string(static_cast<std::size_t>(i % 7), 'x') + "\r\n";
  for (std::size_t w = 2; w <= 20; ++w) expect_same_lines(text, {0, text.size()}, w);
}

TEST(LineReader, BareCrEndsALine) {
  const std::string text = "a\rb\r\rc\r\n\r";
  for (std::size_t w : {2u, 3u, 100u}) expect_same_lines(text, {0, text.size()}, w);
}

TEST(LineReader, LinesLongerThanTheWindowAndThePrefix) {
  std::string text = std::string(5000, 'L') + "\r\nshort\r\n" + std::string(3000, 'M') + "\r" + "\n" +
                     std::string(70000, 'N');
  for (std::size_t w : {1000u, 1023u, 1024u, 1025u, 4096u, 65536u}) expect_same_lines(text, {0, text.size()}, w);
}

TEST(LineReader, OneByteWindowStillMakesProgress) {
  const std::string text = "a\r\nb\rc\n\r\r\n";
  expect_same_lines(text, {0, text.size()}, 1);
}

TEST(LineReader, CrAtTheLastByteOfAFullWindowIsNotAHang) {
  // A line whose CR falls on the last byte of a window that starts at the line: the reader
  // needs the next byte to tell CRLF from a bare CR. With the real 64 KiB window this is a
  // 65535-character line after a short one.
  for (const std::size_t window : {std::size_t{8}, std::size_t{1024}, std::size_t{65536}}) {
    for (const char* after : {"\r\nnext\r\n", "\rnext", "\r"}) {
      const std::string text = "x\r\n" + std::string(window - 1, 'a') + after;
      expect_same_lines(text, {0, text.size()}, window);
      const std::string at_start = std::string(window - 1, 'b') + after;
      expect_same_lines(at_start, {0, at_start.size()}, window);
    }
  }
}

TEST(LineReader, SubRangesStopAtTheirEnd) {
  const std::string text = "zero\r\none\r\ntwo\r\nthree\r\n";
  expect_same_lines(text, {6, 15}, 4);  // "one\r\ntwo\r" : the range may cut a CRLF
  expect_same_lines(text, {6, 14}, 3);
  expect_same_lines(text, {0, 0}, 3);
}

TEST(LineReader, RandomTextAndWindows) {
  std::mt19937 rng(20261123);
  const char alphabet[] = {'a', 'b', '\r', '\n', '-', ' '};
  for (int round = 0; round < 300; ++round) {
    std::string text(std::uniform_int_distribution<std::size_t>(0, 3000)(rng), ' ');
    for (auto& c : text) c = alphabet[std::uniform_int_distribution<int>(0, 5)(rng)];
    if (round % 10 == 0) text.insert(text.size() / 2, std::string(2500, 'z'));  // a line beyond the prefix
    const std::size_t window = std::uniform_int_distribution<std::size_t>(2, 300)(rng);
    const std::uint64_t begin = text.empty() ? 0 : std::uniform_int_distribution<std::uint64_t>(0, text.size() / 3)(rng);
    expect_same_lines(text, {begin, text.size()}, window);
    if (HasFatalFailure()) return;
  }
}

TEST(LineReader, PrefixesWithRealisticWindows) {
  std::mt19937 rng(99);
  for (int round = 0; round < 40; ++round) {
    std::string text;
    while (text.size() < 20000) {
      const std::size_t n = std::uniform_int_distribution<std::size_t>(0, 3000)(rng);
      text += std::string(n, static_cast<char>('a' + round % 26)) + (round % 2 == 0 ? "\r\n" : "\n");
    }
    const std::size_t window = std::uniform_int_distribution<std::size_t>(1024, 5000)(rng);
    expect_same_lines(text, {0, text.size()}, window);
    if (HasFatalFailure()) return;
  }
}

TEST(ForEachChunk, DeliversEveryByteOnceInOrder) {
  std::string text(100000, '\0');
  for (std::size_t i = 0; i < text.size(); ++i) text[i] = static_cast<char>(i * 7 + 3);
  inkan::io::ViewSource src(text);
  for (std::size_t chunk : {1u, 3u, 4096u, 65536u, 200000u}) {
    std::string got;
    std::size_t calls = 0;
    inkan::mime::for_each_chunk(src, {10, text.size() - 10}, [&](std::string_view c) {
      EXPECT_LE(c.size(), chunk);
      got.append(c);
      ++calls;
    }, chunk);
    EXPECT_EQ(got, text.substr(10, text.size() - 20)) << chunk;
    EXPECT_GE(calls, 1u);
  }
}

}  // namespace
