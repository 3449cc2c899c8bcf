// CRLF canonicalisation (RFC 5322 line ends) of streamed input: a CR at the
// end of one chunk and the LF at the start of the next are one line break.
#include "codec/chunking.h"
#include "mime/codec.h"
#include "support/reference_codecs.h"

#include <gtest/gtest.h>

#include <string>

namespace {

using inkan::mime::CrlfCanonicalizer;

std::string canonical(std::string_view in) {
  CrlfCanonicalizer c;
  std::string out;
  c.update(in, out);
  return out;
}

TEST(CrlfCanonicalizer, BareLfBecomesCrlfAndCrlfStays) {
  EXPECT_EQ(canonical("a\nb\r\nc\n"), "a\r\nb\r\nc\r\n");
  EXPECT_EQ(canonical("\n\n"), "\r\n\r\n");
  EXPECT_EQ(canonical("no break"), "no break");
  EXPECT_EQ(canonical(""), "");
}

TEST(CrlfCanonicalizer, BareCrIsLeftAlone) {
  EXPECT_EQ(canonical("a\rb"), "a\rb");
  EXPECT_EQ(canonical("a\r\r\n"), "a\r\r\n");
}

TEST(CrlfCanonicalizer, ReportsWhetherAnythingChanged) {
  CrlfCanonicalizer c;
  std::string out;
  c.update("a\r\nb\r\n", out);
  EXPECT_FALSE(c.changed());
  c.update("c\n", out);
  EXPECT_TRUE(c.changed());
}

TEST(CrlfCanonicalizer, CrAndLfInDifferentChunksAreOneBreak) {
  CrlfCanonicalizer c;
  std::string out;
  c.update("line\r", out);
  c.update("\nnext\n", out);
  EXPECT_EQ(out, "line\r\nnext\r\n");
  EXPECT_TRUE(c.changed());  // the second LF was bare
}

TEST(CrlfCanonicalizer, OneByteChunksOfCrlfAreNotChanged) {
  CrlfCanonicalizer c;
  std::string out;
  for (const char ch : std::string("a\r\nb\r\n")) c.update(std::string_view(&ch, 1), out);
  EXPECT_EQ(out, "a\r\nb\r\n");
  EXPECT_FALSE(c.changed());
}

TEST(CrlfCanonicalizer, EmptyChunksDoNotForgetAPendingCr) {
  CrlfCanonicalizer c;
  std::string out;
  c.update("x\r", out);
  c.update("", out);
  c.update("\n", out);
  EXPECT_EQ(out, "x\r\n");
}

TEST(CrlfCanonicalizer, AnyChunkingGivesTheReferenceResult) {
  const char alphabet[] = {'a', '\r', '\n', 'b'};
  for (unsigned seed = 0; seed < 200; ++seed) {
    std::mt19937 rng(seed);
    std::string text(std::uniform_int_distribution<std::size_t>(0, 400)(rng), ' ');
    for (auto& ch : text) ch = alphabet[std::uniform_int_distribution<int>(0, 3)(rng)];
    CrlfCanonicalizer c;
    std::string out;
    for (auto piece : inkan::test::random_pieces(text, 5, seed)) c.update(piece, out);
    ASSERT_EQ(out, inkan::test::ref_to_crlf(text)) << "seed " << seed;
    ASSERT_EQ(c.changed(), out != text) << "seed " << seed;
  }
}

}  // namespace
