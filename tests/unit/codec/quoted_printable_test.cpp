// Quoted-printable (RFC 2045 §6.7). The encoder is checked with a strict
// reference decoder: every line at most 76 characters, no trailing
// whitespace, upper-case escapes, and the decoded bytes equal the input
// (line breaks canonical). Line starts that transports rewrite ("From ",
// ".", "-") must not appear literally.
#include "codec/chunking.h"
#include "mime/codec.h"
#include "support/reference_codecs.h"

#include <gtest/gtest.h>

#include <string>

namespace {

using inkan::mime::qp_decode;
using inkan::mime::QpDecoder;
using inkan::mime::QpEncoder;

std::string qp_encode(std::string_view in) {
  QpEncoder enc;
  std::string out;
  enc.update(in, out);
  enc.finish(out);
  return out;
}

// The encoded text is valid QP and decodes to the canonical (CRLF) form of the input.
void expect_valid_round_trip(const std::string& input) {
  const std::string enc = qp_encode(input);
  std::string why;
  const auto decoded = inkan::test::ref_qp_decode(enc, &why);
  ASSERT_TRUE(decoded.has_value()) << why << "\nencoded:\n" << enc;
  EXPECT_EQ(*decoded, inkan::test::ref_to_crlf(input)) << "encoded:\n" << enc;
  EXPECT_TRUE(inkan::test::ref_is_7bit(enc)) << enc;
}

TEST(QpEncoder, PlainAsciiStaysReadable) {
  EXPECT_EQ(qp_encode("Hello, world!\r\n"), "Hello, world!\r\n");
}

TEST(QpEncoder, EightBitAndEqualsAreEscapedInUpperCaseHex) {
  EXPECT_EQ(qp_encode("caf\xc3\xa9 = ok"), "caf=C3=A9 =3D ok");
}

TEST(QpEncoder, LfBecomesCrlf) {
  EXPECT_EQ(qp_encode("a\nb\n"), "a\r\nb\r\n");
}

TEST(QpEncoder, TrailingWhitespaceIsProtected) {
  // RFC 2045 §6.7 rule 3: whitespace at the end of an encoded line must be encoded.
  expect_valid_round_trip("trailing space \r\ntrailing tab\t\r\nboth \t \r\n");
  expect_valid_round_trip("space at the very end ");
  const std::string enc = qp_encode("x \r\n");
  EXPECT_EQ(enc, "x=20\r\n");
}

TEST(QpEncoder, WhitespaceInsideALineStaysLiteral) {
  EXPECT_EQ(qp_encode("a b\tc\r\n"), "a b\tc\r\n");
}

TEST(QpEncoder, FromDotAndDashAtLineStartAreNotLiteral) {
  const std::string input = "From here\r\n.\r\n.hidden\r\n--boundary-like\r\n-single\r\nok From\r\n";
  const std::string enc = qp_encode(input);
  for (const auto& line : inkan::test::split_crlf_lines(enc)) {
    EXPECT_NE(line.rfind("From ", 0), 0u) << line;
    EXPECT_NE(line.rfind(".", 0), 0u) << line;
    EXPECT_NE(line.rfind("-", 0), 0u) << line;
  }
  expect_valid_round_trip(input);
}

TEST(QpEncoder, ProtectionAlsoAppliesAfterSoftLineBreaks) {
  // A soft break can put "From " or "." at the start of an encoded line too.
  for (std::size_t pad = 60; pad < 80; ++pad) {
    const std::string input = std::string(pad, 'x') + "From me. -- .\r\n";
    const std::string enc = qp_encode(input);
    for (const auto& line : inkan::test::split_crlf_lines(enc)) {
      ASSERT_NE(line.rfind("From ", 0), 0u) << "pad " << pad << ":\n" << enc;
      ASSERT_NE(line.rfind(".", 0), 0u) << "pad " << pad << ":\n" << enc;
      ASSERT_NE(line.rfind("-", 0), 0u) << "pad " << pad << ":\n" << enc;
    }
    expect_valid_round_trip(input);
  }
}

TEST(QpEncoder, LongLinesAreSoftBrokenAt76) {
  for (std::size_t n : {75u, 76u, 77u, 150u, 1000u, 5000u}) {
    expect_valid_round_trip(std::string(n, 'a') + "\r\n");
    expect_valid_round_trip(std::string(n, '=') + "\r\n");
    expect_valid_round_trip(std::string(n, ' ') + "\r\n");
    std::string mixed;
    for (std::size_t i = 0; i < n; ++i) mixed += (i % 3 == 0) ? '\xe3' : (i % 3 == 1 ? ' ' : 'b');
    expect_valid_round_trip(mixed + "\r\n");
  }
}

TEST(QpEncoder, BareCarriageReturnKeepsItsPlace) {
  // A CR not followed by LF is data; it must decode where it was, after any pending whitespace.
  expect_valid_round_trip("a \rb\r\n");
  expect_valid_round_trip("a\rb\r\n");
  expect_valid_round_trip("tab\t\r\r\n");
  expect_valid_round_trip("end with cr\r");
}

TEST(QpEncoder, ArbitraryBytesRoundTrip) {
  for (unsigned seed = 0; seed < 40; ++seed) {
    std::string data = inkan::test::random_bytes(2000, seed);
    // The encoder treats line breaks as text line breaks; keep CR only in CRLF pairs.
    for (std::size_t i = 0; i < data.size(); ++i) {
      if (data[i] == '\r' && (i + 1 >= data.size() || data[i + 1] != '\n')) data[i] = 'r';
    }
    expect_valid_round_trip(data);
    if (HasFatalFailure()) return;
  }
}

TEST(QpEncoder, OutputDoesNotDependOnChunking) {
  std::string text;
  for (int i = 0; i < 200; ++i) {
    text += "Line " + std::to_string(i) + " caf\xc3\xa9 \t" + std::string(static_cast<std::size_t>(i % 90), 'w') +
            (i % 4 == 0 ? " \r\n" : "\r\n");
    if (i % 17 == 0) text += "From the start\r\n.\r\n--x\r\n";
  }
  const std::string whole = qp_encode(text);
  for (std::size_t piece : {1u, 2u, 3u, 7u, 76u, 1000u}) {
    const auto out = inkan::test::feed<QpEncoder>(text, piece, [](QpEncoder& e, std::string& o) { e.finish(o); });
    ASSERT_EQ(out, whole) << "piece " << piece;
  }
  for (unsigned seed = 0; seed < 30; ++seed) {
    QpEncoder enc;
    std::string out;
    for (auto p : inkan::test::random_pieces(text, 50, seed)) enc.update(p, out);
    enc.finish(out);
    ASSERT_EQ(out, whole) << "seed " << seed;
  }
}

TEST(QpDecoder, SoftBreaksEscapesAndHardBreaks) {
  EXPECT_EQ(qp_decode("Now's the time =\r\nfor all folk to come=\r\n to the aid"),
            "Now's the time for all folk to come to the aid");
  EXPECT_EQ(qp_decode("a=3Db\r\nc"), "a=b\r\nc");
  EXPECT_EQ(qp_decode("caf=C3=A9"), "caf\xc3\xa9");
}

TEST(QpDecoder, LowerCaseHexIsAccepted) {
  // RFC 2045 §6.7 (1): decoders should accept lower case.
  EXPECT_EQ(qp_decode("=c3=a9"), "\xc3\xa9");
}

TEST(QpDecoder, TransportPaddingAtLineEndsIsRemoved) {
  EXPECT_EQ(qp_decode("text   \r\nmore\t\r\n"), "text\r\nmore\r\n");
  EXPECT_EQ(qp_decode("soft=  \r\nbreak"), "softbreak");
}

TEST(QpDecoder, MalformedEscapesAreKeptLiterally) {
  EXPECT_EQ(qp_decode("a=G1b"), "a=G1b");
  EXPECT_EQ(qp_decode("a=4"), "a=4");
}

TEST(QpDecoder, LfOnlyInputDecodesToCrlf) {
  EXPECT_EQ(qp_decode("one\ntwo=\nthree\n"), "one\r\ntwothree\r\n");
}

TEST(QpDecoder, OutputDoesNotDependOnChunking) {
  std::string text;
  for (int i = 0; i < 300; ++i) text += "caf\xc3\xa9 line " + std::to_string(i) + (i % 5 == 0 ? " \r\n" : "\r\n");
  const std::string enc = qp_encode(text);
  for (std::size_t piece : {1u, 2u, 3u, 4u, 75u, 76u, 77u, 4096u}) {
    const auto out = inkan::test::feed<QpDecoder>(enc, piece, [](QpDecoder& d, std::string& o) { d.finish(o); });
    ASSERT_EQ(out, text) << "piece " << piece;
  }
}

}  // namespace
