// The protocol's strict base64 (vector and scalar paths) against the RFC 4648
// reference in support/: every length around the vector block sizes, every
// byte value at every position of a block, and the padding rules.
#include "base64.h"
#include "error.h"
#include "support/reference_codecs.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace {

using inkan::protocol::base64_append;
using inkan::protocol::base64_decode;
using inkan::protocol::base64_decode_each;

std::string random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng() & 0xff);
  return s;
}

std::string encode(std::string_view raw) {
  std::string out;
  base64_append(raw, out);
  return out;
}

TEST(ProtocolBase64, EncodesLikeTheReferenceAtEveryLength) {
  for (std::size_t n = 0; n < 300; ++n) {
    const std::string raw = random_bytes(n, static_cast<unsigned>(n));
    EXPECT_EQ(encode(raw), inkan::test::ref_base64(raw)) << "length " << n;
  }
  const std::string big = random_bytes(1'000'003, 7);
  EXPECT_EQ(encode(big), inkan::test::ref_base64(big));
}

TEST(ProtocolBase64, AppendsAfterWhatIsThere) {
  std::string out = "{\"data\":\"";
  base64_append("Man", out);
  EXPECT_EQ(out, "{\"data\":\"TWFu");
}

TEST(ProtocolBase64, DecodesWhatTheReferenceEncodes) {
  for (std::size_t n = 0; n < 300; ++n) {
    const std::string raw = random_bytes(n, static_cast<unsigned>(n) + 1000);
    EXPECT_EQ(base64_decode(inkan::test::ref_base64(raw), "t"), raw) << "length " << n;
  }
  const std::string big = random_bytes(3'000'001, 9);
  EXPECT_EQ(base64_decode(inkan::test::ref_base64(big), "t"), big);
}

TEST(ProtocolBase64, RejectsEveryNonAlphabetByteAtEveryPositionOfAVectorBlock) {
  const std::string good = inkan::test::ref_base64(random_bytes(96, 3));  // 128 characters
  for (std::size_t pos = 0; pos < 64; ++pos) {
    for (int b = 0; b < 256; ++b) {
      const char c = static_cast<char>(b);
      const bool alphabet = std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '+' || c == '/';
      if (alphabet && static_cast<unsigned char>(c) < 0x80) continue;
      std::string bad = good;
      bad[pos] = c;
      EXPECT_THROW(base64_decode(bad, "t"), inkan::Error) << "byte " << b << " at " << pos;
    }
  }
}

TEST(ProtocolBase64, PaddingOnlyAtTheVeryEnd) {
  EXPECT_EQ(base64_decode("TQ==", "t"), "M");
  EXPECT_EQ(base64_decode("TWE=", "t"), "Ma");
  EXPECT_EQ(base64_decode("", "t"), "");
  for (const char* bad : {"TQ=", "TQ", "T===", "====", "TQ==TWFu", "TW=u", "TWFu\r\n", " TWFu", "TWF"}) {
    EXPECT_THROW(base64_decode(bad, "t"), inkan::Error) << bad;
  }
  try {
    base64_decode("@@@@", "input");
    FAIL();
  } catch (const inkan::Error& e) {
    EXPECT_EQ(e.code(), inkan::Errc::bad_request);
    EXPECT_EQ(e.detail(), "input: not valid base64");
  }
}

TEST(ProtocolBase64, DecodesInPiecesWithTheSameResult) {
  const std::string raw = random_bytes(2'000'000, 11);
  std::string pieced;
  std::size_t calls = 0;
  base64_decode_each(inkan::test::ref_base64(raw), "t", [&](std::string_view p) {
    pieced.append(p);
    ++calls;
  });
  EXPECT_EQ(pieced, raw);
  EXPECT_GT(calls, 5u);  // bounded pieces, not one big buffer
}

TEST(ProtocolBase64, PaddingInsideALongTextIsRefusedEvenAtAPieceBoundary) {
  // 262,144 characters make one piece; padding right at its end is not the text's end.
  std::string text = inkan::test::ref_base64(random_bytes(262'144 / 4 * 3 - 1, 5));
  ASSERT_EQ(text.size(), 262'144u);
  ASSERT_EQ(text.back(), '=');
  text += "TWFu";
  EXPECT_THROW(base64_decode_each(text, "t", [](std::string_view) {}), inkan::Error);
  EXPECT_THROW(base64_decode(text, "t"), inkan::Error);
}

}  // namespace
