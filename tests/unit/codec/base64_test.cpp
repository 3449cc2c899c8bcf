// Base64 (RFC 4648 alphabet, RFC 2045 §6.8 line rules): vectors, 76-column
// CRLF lines, chunk independence, round trips, lenient decoding.
#include "codec/chunking.h"
#include "mime/codec.h"
#include "support/reference_codecs.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>

namespace {

using inkan::mime::base64_decode;
using inkan::mime::base64_encode;
using inkan::mime::Base64Decoder;
using inkan::mime::Base64Encoder;

TEST(Base64Encoder, Rfc4648TestVectors) {
  // RFC 4648 §10, each line CRLF-terminated as in MIME bodies.
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==\r\n");
  EXPECT_EQ(base64_encode("fo"), "Zm8=\r\n");
  EXPECT_EQ(base64_encode("foo"), "Zm9v\r\n");
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==\r\n");
  EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=\r\n");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy\r\n");
}

TEST(Base64Encoder, LinesAreExactly76CharactersAndCrlfTerminated) {
  for (std::size_t n : {56u, 57u, 58u, 114u, 1000u, 4321u}) {
    const std::string data = inkan::test::random_bytes(n, static_cast<unsigned>(n));
    const std::string enc = base64_encode(data);
    ASSERT_GE(enc.size(), 2u);
    EXPECT_EQ(enc.substr(enc.size() - 2), "\r\n");
    const auto lines = inkan::test::split_crlf_lines(enc);
    ASSERT_EQ(lines.back(), "");  // ends with CRLF
    for (std::size_t i = 0; i + 1 < lines.size(); ++i) {
      if (i + 2 < lines.size()) {
        EXPECT_EQ(lines[i].size(), 76u) << "line " << i << " of " << n << " bytes";
      } else {
        EXPECT_LE(lines[i].size(), 76u);
        EXPECT_GT(lines[i].size(), 0u);
      }
    }
    EXPECT_EQ(inkan::test::ref_base64_decode(enc), data) << n;
  }
}

TEST(Base64Encoder, OutputDoesNotDependOnChunking) {
  const std::string data = inkan::test::random_bytes(5000, 7);
  const std::string whole = base64_encode(data);
  for (std::size_t piece : {1u, 2u, 3u, 56u, 57u, 58u, 100u, 4999u}) {
    const auto out = inkan::test::feed<Base64Encoder>(data, piece, [](Base64Encoder& e, std::string& o) { e.finish(o); });
    ASSERT_EQ(out, whole) << "piece " << piece;
  }
  for (unsigned seed = 0; seed < 50; ++seed) {
    Base64Encoder enc;
    std::string out;
    for (auto p : inkan::test::random_pieces(data, 200, seed)) enc.update(p, out);
    enc.finish(out);
    ASSERT_EQ(out, whole) << "seed " << seed;
  }
}

TEST(Base64Decoder, Rfc4648TestVectors) {
  EXPECT_EQ(base64_decode("Zg=="), "f");
  EXPECT_EQ(base64_decode("Zm8="), "fo");
  EXPECT_EQ(base64_decode("Zm9v"), "foo");
  EXPECT_EQ(base64_decode("Zm9vYg=="), "foob");
  EXPECT_EQ(base64_decode("Zm9vYmE="), "fooba");
  EXPECT_EQ(base64_decode("Zm9vYmFy"), "foobar");
}

TEST(Base64Decoder, SkipsLineBreaksWhitespaceAndJunk) {
  // RFC 2045 §6.8: characters outside the alphabet are to be ignored.
  EXPECT_EQ(base64_decode("Zm9v\r\nYmFy\r\n"), "foobar");
  EXPECT_EQ(base64_decode("  Zm 9v\tYm\nFy  "), "foobar");
  EXPECT_EQ(base64_decode("Zm9v!YmFy*"), "foobar");
}

TEST(Base64Decoder, StopsAtPadding) {
  EXPECT_EQ(base64_decode("Zg==trailing junk"), "f");
}

TEST(Base64Decoder, FinishReportsAnIncompleteQuantum) {
  for (const auto& [text, complete] : std::vector<std::pair<std::string, bool>>{
           {"Zm9v", true}, {"Zm9vY", false}, {"Zm9vYg", true}, {"Zm9vYmE", true}, {"", true}}) {
    Base64Decoder dec;
    std::string out;
    dec.update(text, out);
    EXPECT_EQ(dec.finish(out), complete) << text;
  }
}

TEST(Base64Decoder, OutputDoesNotDependOnChunking) {
  const std::string data = inkan::test::random_bytes(7777, 11);
  const std::string enc = base64_encode(data);
  for (std::size_t piece : {1u, 2u, 3u, 4u, 5u, 77u, 78u, 79u, 1000u}) {
    const auto out = inkan::test::feed<Base64Decoder>(enc, piece, [](Base64Decoder& d, std::string& o) {
      EXPECT_TRUE(d.finish(o));
    });
    ASSERT_EQ(out, data) << "piece " << piece;
  }
  for (unsigned seed = 0; seed < 50; ++seed) {
    Base64Decoder dec;
    std::string out;
    for (auto p : inkan::test::random_pieces(enc, 300, seed)) dec.update(p, out);
    dec.finish(out);
    ASSERT_EQ(out, data) << "seed " << seed;
  }
}

TEST(Base64, RoundTripEveryLengthUpTo300) {
  for (std::size_t n = 0; n <= 300; ++n) {
    const std::string data = inkan::test::random_bytes(n, static_cast<unsigned>(1000 + n));
    ASSERT_EQ(base64_decode(base64_encode(data)), data) << n;
    ASSERT_EQ(inkan::test::ref_base64_decode(base64_encode(data)), data) << n;
    ASSERT_EQ(base64_decode(inkan::test::ref_base64(data)), data) << n;
  }
}

// RFC 2045 §6.8 leniency, spelled out: characters outside the alphabet are skipped and
// the first '=' ends the data (a dangling partial quantum yields its whole bytes).
std::string lenient_reference(std::string_view text) {
  static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (const char c : text) {
    if (c == '=') break;
    const auto v = alphabet.find(c);
    if (v == std::string::npos) continue;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

TEST(Base64Decoder, AnyByteAtAnyPositionOfABlockIsHandledLikeTheReference) {
  // The decoder takes 16 characters at a time when it can: every byte value, put at every
  // position of such a block, must fall back to the lenient rules exactly.
  const std::string valid = inkan::test::ref_base64(inkan::test::random_bytes(48, 5));  // 64 characters
  for (int c = 0; c < 256; ++c) {
    for (std::size_t pos = 0; pos < 40; ++pos) {
      std::string text = valid;
      text[pos] = static_cast<char>(c);
      ASSERT_EQ(base64_decode(text), lenient_reference(text)) << "byte " << c << " at " << pos;
    }
  }
}

TEST(Base64Decoder, AnyByteAnywhereInStandardLinesIsHandledLikeTheReference) {
  // Whole 76-character CRLF lines are decoded a line at a time: break them everywhere.
  const std::string lines = base64_encode(inkan::test::random_bytes(57 * 4 + 20, 9));
  for (int c = 0; c < 256; ++c) {
    for (std::size_t pos = 0; pos < 160; ++pos) {
      std::string text = lines;
      text[pos] = static_cast<char>(c);
      ASSERT_EQ(base64_decode(text), lenient_reference(text)) << "byte " << c << " at " << pos;
    }
  }
}

TEST(Base64Decoder, RandomJunkAndLineLengthsLikeTheReference) {
  std::mt19937 rng(2045);
  for (int round = 0; round < 400; ++round) {
    const std::string data = inkan::test::random_bytes(std::uniform_int_distribution<std::size_t>(0, 3000)(rng),
                                                       static_cast<unsigned>(round));
    const std::string plain = inkan::test::ref_base64(data);
    // Lines of any length, CRLF or LF, sometimes junk or spaces in between.
    std::string text;
    const std::size_t width = std::uniform_int_distribution<std::size_t>(1, 120)(rng);
    for (std::size_t i = 0; i < plain.size(); ++i) {
      text.push_back(plain[i]);
      if ((i + 1) % width == 0) text += round % 2 == 0 ? "\r\n" : "\n";
      if (std::uniform_int_distribution<int>(0, 200)(rng) == 0) text.push_back(" \t*!\x80"[round % 5]);
    }
    ASSERT_EQ(base64_decode(text), lenient_reference(text)) << round;
    ASSERT_EQ(base64_decode(text), data) << round;
    Base64Decoder dec;
    std::string out;
    for (auto piece : inkan::test::random_pieces(text, 200, static_cast<unsigned>(round))) dec.update(piece, out);
    ASSERT_TRUE(dec.finish(out)) << round;
    ASSERT_EQ(out, data) << round;
  }
}

TEST(Base64Encoder, LargeInputsMatchTheReferenceLineByLine) {
  for (std::size_t n : {57u * 1000u, 57u * 1000u + 1u, 100000u, 1234567u}) {
    const std::string data = inkan::test::random_bytes(n, static_cast<unsigned>(n));
    const std::string enc = base64_encode(data);
    const std::string plain = inkan::test::ref_base64(data);
    std::string expected;
    for (std::size_t i = 0; i < plain.size(); i += 76) expected += plain.substr(i, 76) + "\r\n";
    ASSERT_EQ(enc, expected) << n;
  }
}

TEST(HexEncode, LowerAndUpper) {
  EXPECT_EQ(inkan::mime::hex_encode(std::string("\x00\x7f\xff\x10", 4)), "007fff10");
  EXPECT_EQ(inkan::mime::hex_encode("\xab\xcd", true), "ABCD");
  EXPECT_EQ(inkan::mime::hex_encode(""), "");
}

TEST(DecodeTransferEncoding, DispatchesOnTheEncoding) {
  EXPECT_EQ(inkan::mime::decode_transfer_encoding("Zm9v\r\n", "base64"), "foo");
  EXPECT_EQ(inkan::mime::decode_transfer_encoding("a=3Db=\r\nc", "quoted-printable"), "a=bc");
  EXPECT_EQ(inkan::mime::decode_transfer_encoding("as is=3D", "7bit"), "as is=3D");
  EXPECT_EQ(inkan::mime::decode_transfer_encoding("as is", "8bit"), "as is");
  EXPECT_EQ(inkan::mime::decode_transfer_encoding("as is", "binary"), "as is");
}

}  // namespace
