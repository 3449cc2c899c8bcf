// The canonical form of signed content (RFC 8551 §3.1): CRLF everywhere,
// every part 7-bit safe, and the decoded bytes of each part exactly what the
// author wrote. Expected results come from the RFCs and reference decoders.
#include "canonical/canonical_support.h"
#include "error.h"
#include "support/files.h"

#include <gtest/gtest.h>

#include <string>

namespace {

using inkan::test::canonical_content;
using inkan::test::canonical_entity;
using inkan::test::crlf;
using inkan::test::cte_of;
using inkan::test::decode_part;
using inkan::test::field_value;
using inkan::test::field_values;
using inkan::test::ref_is_7bit;
using inkan::test::ref_to_crlf;
using inkan::test::split_entity;

// Japanese text in three encodings, with enough ASCII around to be a real mail body.
const std::string kJapaneseUtf8 =
    "\xE3\x81\x93\xE3\x82\x93\xE3\x81\xAB\xE3\x81\xA1\xE3\x81\xAF\xE3\x80\x81\xE4\xB8\x96\xE7\x95\x8C\r\n"  // こんにちは、世界
    "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\xE3\x81\xAE\xE3\x83\xA1\xE3\x83\xBC\xE3\x83\xAB\r\n";             // 日本語のメール
const std::string kJapaneseShiftJis =
    "\x82\xB1\x82\xF1\x82\xC9\x82\xBF\x82\xCD\x81\x41\x90\xA2\x8A\x45\r\n"  // こんにちは、世界
    "\x93\xFA\x96\x7B\x8C\xEA\x82\xCC\x83\x81\x81\x5B\x83\x8B\r\n";          // 日本語のメール (0x5C/0x7B trail bytes)
const std::string kJapaneseIso2022Jp = "\x1B$B$3$s$K$A$O!\"@$3&\x1B(B\r\n\x1B$BF|K\\8l$N%a!<%k\x1B(B\r\n";

void expect_part(const std::string& canonical, const std::string& expected_cte, const std::string& expected_bytes) {
  ASSERT_TRUE(ref_is_7bit(canonical)) << canonical;
  const auto part = split_entity(canonical);
  EXPECT_EQ(cte_of(part.headers), expected_cte) << part.headers;
  EXPECT_EQ(field_values(part.headers, "Content-Transfer-Encoding").size() <= 1, true) << part.headers;
  std::string why;
  const auto decoded = decode_part(part, &why);
  ASSERT_TRUE(decoded.has_value()) << why << "\n" << canonical;
  EXPECT_EQ(*decoded, expected_bytes);
}

TEST(Canonicalizer, SevenBitCrlfTextIsUntouched) {
  const std::string entity =
      "Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\nHello,\r\n\r\nWorld\r\n";
  EXPECT_EQ(canonical_content(entity), entity);
}

TEST(Canonicalizer, OnlyContentFieldsBelongToTheSignedPart) {
  const std::string message =
      "From: alice@example.org\r\nSubject: hi\r\nContent-Type: text/plain\r\nX-Other: 1\r\n"
      "Content-Language: en\r\n\r\nbody\r\n";
  EXPECT_EQ(canonical_content(message), "Content-Type: text/plain\r\nContent-Language: en\r\n\r\nbody\r\n");
}

TEST(Canonicalizer, WholeEntityKeepsEveryField) {
  const std::string message = "From: alice@example.org\r\nSubject: hi\r\nContent-Type: text/plain\r\n\r\nbody\r\n";
  EXPECT_EQ(canonical_entity(message), message);
}

TEST(Canonicalizer, LfOnlyTextBecomesCrlf) {
  const std::string lf = "Content-Type: text/plain\nSubject: folded\n line\n\none\ntwo\n";
  EXPECT_EQ(canonical_entity(lf), crlf(lf));
}

TEST(Canonicalizer, ReencodesEightBitTextAsQuotedPrintable) {
  const std::string body =
      "Caf\xC3\xA9 au lait, cr\xC3\xA8me br\xC3\xBBl\xC3\xA9" "e.\r\n"
      "The rest of this note is plain ASCII, as most European mail is: a few accented\r\n"
      "letters in a long text keep it readable when encoded as quoted-printable.\r\n";
  const std::string out = canonical_content(
      "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + body);
  expect_part(out, "quoted-printable", body);
  EXPECT_EQ(field_value(split_entity(out).headers, "Content-Type"), "text/plain; charset=utf-8");
}

TEST(Canonicalizer, ReencodesJapaneseUtf8AsBase64) {
  const std::string out = canonical_content(
      "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + kJapaneseUtf8);
  expect_part(out, "base64", kJapaneseUtf8);
}

TEST(Canonicalizer, ReencodesShiftJisByteExact) {
  const std::string out = canonical_content(
      "Content-Type: text/plain; charset=Shift_JIS\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + kJapaneseShiftJis);
  expect_part(out, "base64", kJapaneseShiftJis);
  EXPECT_EQ(field_value(split_entity(out).headers, "Content-Type"), "text/plain; charset=Shift_JIS");
}

TEST(Canonicalizer, Iso2022JpIsSevenBitAndStaysUntouched) {
  const std::string entity =
      "Content-Type: text/plain; charset=ISO-2022-JP\r\nContent-Transfer-Encoding: 7bit\r\n\r\n" + kJapaneseIso2022Jp;
  EXPECT_EQ(canonical_content(entity), entity);
}

TEST(Canonicalizer, SevenBitContentLabelledEightBitIsRelabelledNotReencoded) {
  const std::string out = canonical_content(
      "Content-Type: text/plain; charset=ISO-2022-JP\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + kJapaneseIso2022Jp);
  expect_part(out, "7bit", kJapaneseIso2022Jp);
  EXPECT_EQ(split_entity(out).body, kJapaneseIso2022Jp);
}

TEST(Canonicalizer, EightBitTextWithLfOnlyDecodesToCrlfText) {
  const std::string body = "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\n\xE6\x97\xA5\xE6\x9C\xAC\n";
  const std::string out =
      canonical_content("Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n\n" + body);
  expect_part(out, "base64", ref_to_crlf(body));
}

TEST(Canonicalizer, BinaryAttachmentIsBase64AndByteExact) {
  std::string data;
  for (int i = 0; i < 5000; ++i) data.push_back(static_cast<char>((i * 131 + 7) % 256));
  data += std::string("\r\n\n\r\0end", 8);
  const std::string out = canonical_content(
      "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\n" + data);
  expect_part(out, "base64", data);
}

TEST(Canonicalizer, EightBitNonTextIsBase64AndByteExact) {
  const std::string data = "PK\x03\x04\n\x80\x81 zip-ish\nbytes\n";
  const std::string out =
      canonical_content("Content-Type: application/zip\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + data);
  expect_part(out, "base64", data);
}

TEST(Canonicalizer, BinaryLabelledAsciiBytesAreNotLineConverted) {
  // Content-Transfer-Encoding: binary promises no line structure: bare LF bytes of a
  // non-text part are data and must reach the recipient unchanged.
  const std::string data = "GIF89a\n\x01\x02\n\r\x03 ascii only but binary\n";
  const std::string out = canonical_content(
      "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\n" + data);
  ASSERT_TRUE(ref_is_7bit(out)) << out;
  const auto part = split_entity(out);
  const auto decoded = decode_part(part);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(*decoded, data) << "headers:\n" << part.headers;
}

TEST(Canonicalizer, TextWithNulIsBase64AndByteExact) {
  const std::string data = std::string("text with a NUL ") + '\0' + " inside\r\n";
  const std::string out = canonical_content("Content-Type: text/plain\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + data);
  expect_part(out, "base64", data);
}

TEST(Canonicalizer, LinesLongerThan998AreReencoded) {
  const std::string body = "short\r\n" + std::string(1500, 'x') + "\r\nshort again\r\n";
  const std::string out = canonical_content("Content-Type: text/plain\r\n\r\n" + body);
  expect_part(out, "quoted-printable", body);
}

TEST(Canonicalizer, LongLinesInANonTextPartAreReencoded) {
  const std::string body = std::string(3000, 'A') + "\r\n";
  const std::string out = canonical_content("Content-Type: application/json\r\n\r\n" + body);
  ASSERT_TRUE(ref_is_7bit(out)) << out.substr(0, 300);
  const auto decoded = decode_part(split_entity(out));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(*decoded, body);
}

TEST(Canonicalizer, A998OctetLineIsStillSevenBit) {
  // RFC 5322 §2.1.1: 998 octets plus CRLF is a legal line; 7bit parts stay untouched.
  const std::string entity =
      "Content-Type: text/plain\r\nContent-Transfer-Encoding: 7bit\r\n\r\n" + std::string(998, 'y') + "\r\n";
  EXPECT_EQ(canonical_content(entity), entity);
}

TEST(Canonicalizer, AlreadyEncodedBodiesAreKept) {
  const std::string b64 =
      "Content-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n";
  EXPECT_EQ(canonical_content(b64), b64);
  const std::string qp =
      "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\ncaf=C3=A9\r\n";
  EXPECT_EQ(canonical_content(qp), qp);
}

TEST(Canonicalizer, EightBitBodyWithoutContentTypeGetsACharsetLabel) {
  // Without Content-Type the body would be us-ascii (RFC 2045 §5.2), which 8-bit text is not.
  const std::string body = "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\r\n";
  const std::string out = canonical_content("Subject: x\r\n\r\n" + body);
  const auto part = split_entity(out);
  const std::string ct = inkan::test::lower(field_value(part.headers, "Content-Type"));
  EXPECT_NE(ct.find("text/plain"), std::string::npos) << part.headers;
  EXPECT_NE(ct.find("charset=utf-8"), std::string::npos) << part.headers;
  expect_part(out, "base64", body);
}

TEST(Canonicalizer, MultipartKeepsItsStructure) {
  const std::string message =
      "From: a@example.org\r\n"
      "Content-Type: multipart/mixed; boundary=\"XYZ\"\r\n\r\n"
      "preamble\r\n"
      "--XYZ\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nplain part\r\n"
      "--XYZ\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + kJapaneseUtf8 +
      "--XYZ\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\n\x01\x02\xFF\xFE\r\n"
      "--XYZ--\r\n"
      "epilogue\r\n";
  const std::string out = canonical_content(message);
  ASSERT_TRUE(ref_is_7bit(out)) << out;
  const auto top = split_entity(out);
  EXPECT_EQ(field_values(top.headers, "From").size(), 0u);
  EXPECT_EQ(inkan::test::boundary_of(field_value(top.headers, "Content-Type")), "XYZ");
  const auto body = inkan::test::split_multipart(top.body, "XYZ");
  ASSERT_TRUE(body.has_value()) << top.body;
  EXPECT_EQ(body->preamble, "preamble");
  EXPECT_EQ(body->epilogue, "epilogue\r\n");
  ASSERT_EQ(body->parts.size(), 3u);
  // The CRLF before each delimiter belongs to the delimiter, not to the part (RFC 2046 §5.1.1).
  const std::string expected[] = {"plain part", kJapaneseUtf8.substr(0, kJapaneseUtf8.size() - 2),
                                  "\x01\x02\xFF\xFE"};
  for (std::size_t i = 0; i < 3; ++i) {
    const auto decoded = decode_part(split_entity(body->parts[i]));
    ASSERT_TRUE(decoded.has_value()) << body->parts[i];
    EXPECT_EQ(*decoded, expected[i]) << "part " << i;
  }
}

TEST(Canonicalizer, NestedMultipartsAreCanonicalisedAllTheWayDown) {
  const std::string message =
      "Content-Type: multipart/mixed; boundary=o\n\n"
      "--o\nContent-Type: multipart/alternative; boundary=i\n\n"
      "--i\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nna\xC3\xAFve text\n"
      "--i\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n<p>na\xC3\xAFve</p>\n"
      "--i--\n"
      "--o--\n";
  const std::string out = canonical_content(message);
  ASSERT_TRUE(ref_is_7bit(out)) << out;
  const auto outer = inkan::test::split_multipart(split_entity(out).body, "o");
  ASSERT_TRUE(outer.has_value());
  ASSERT_EQ(outer->parts.size(), 1u);
  const auto alt = split_entity(outer->parts[0]);
  const auto inner = inkan::test::split_multipart(alt.body, "i");
  ASSERT_TRUE(inner.has_value()) << alt.body;
  ASSERT_EQ(inner->parts.size(), 2u);
  EXPECT_EQ(decode_part(split_entity(inner->parts[0])), "na\xC3\xAFve text");
  EXPECT_EQ(decode_part(split_entity(inner->parts[1])), "<p>na\xC3\xAFve</p>");
}

TEST(Canonicalizer, MultipartLabelledEightBitBecomesSevenBit) {
  const std::string out = canonical_content(
      "Content-Type: multipart/mixed; boundary=b\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
      "--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n\xC3\xA9t\xC3\xA9\r\n"
      "--b--\r\n");
  ASSERT_TRUE(ref_is_7bit(out)) << out;
  EXPECT_EQ(cte_of(split_entity(out).headers), "7bit");
}

TEST(Canonicalizer, MessageRfc822WithEightBitContentIsMadeSevenBitInside) {
  const std::string inner_body = "Gr\xC3\xBC\xC3\x9F" "e aus K\xC3\xB6ln\r\nBis bald.";
  const std::string message =
      "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
      "--b\r\nContent-Type: text/plain\r\n\r\nforwarded below\r\n"
      "--b\r\nContent-Type: message/rfc822\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
      "From: carl@example.de\r\nSubject: hallo\r\nMIME-Version: 1.0\r\n"
      "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + inner_body +
      "\r\n--b--\r\n";
  const std::string out = canonical_content(message);
  ASSERT_TRUE(ref_is_7bit(out)) << out;
  const auto parts = inkan::test::split_multipart(split_entity(out).body, "b");
  ASSERT_TRUE(parts.has_value());
  ASSERT_EQ(parts->parts.size(), 2u);
  const auto rfc822 = split_entity(parts->parts[1]);
  // RFC 2046 §5.2.1: message/rfc822 bodies are never base64/QP; the enclosed message is re-encoded instead.
  EXPECT_EQ(inkan::test::lower(field_value(rfc822.headers, "Content-Type")), "message/rfc822");
  EXPECT_EQ(cte_of(rfc822.headers), "7bit");
  const auto enclosed = split_entity(rfc822.body);
  EXPECT_EQ(field_value(enclosed.headers, "From"), "carl@example.de");
  EXPECT_EQ(field_value(enclosed.headers, "Subject"), "hallo");
  const auto decoded = decode_part(enclosed);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(*decoded, inner_body);
}

TEST(Canonicalizer, DeeplyNestedMessagesAreRefusedNotACrash) {
  std::string message = "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n\xC3\xA9\r\n";
  for (int i = 0; i < 60; ++i) {
    message = "Content-Type: message/rfc822\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + message;
  }
  try {
    canonical_content(message);
    FAIL() << "60 nested 8-bit message/rfc822 layers were accepted";
  } catch (const inkan::Error& e) {
    EXPECT_EQ(e.code(), inkan::Errc::mime_too_deep);
  }
}

TEST(Canonicalizer, CanonicalFormIsAFixedPoint) {
  // Signing what was already canonical must not change a byte (re-signing, verifying our own output).
  const std::string message =
      "Content-Type: multipart/mixed; boundary=b\n\n"
      "--b\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nCaf\xC3\xA9\n"
      "--b\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n" + kJapaneseUtf8 +
      "--b\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: binary\n\n\x01\x02\x03\n"
      "--b\nContent-Type: text/plain\nContent-Disposition: attachment; filename=\"\xE6\x97\xA5.txt\"\n\n" +
      std::string(1200, 'z') + "\n--b--\n";
  const std::string once = canonical_content(message);
  EXPECT_EQ(canonical_content(once), once);
}

}  // namespace
