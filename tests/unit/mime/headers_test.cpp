// RFC 5322 §2.2 header blocks: fields, folding, the obsolete "Name :" form,
// where the block ends, and the bound on hostile header blocks.
#include "error.h"
#include "io/source.h"
#include "mime/headers.h"

#include <gtest/gtest.h>

#include <string>

namespace {

inkan::mime::HeaderBlock parse_block(const std::string& text) {
  inkan::io::ViewSource src(text);
  return inkan::mime::parse_header_block(src, {0, text.size()});
}

TEST(HeaderBlock, SplitsFieldsAndFindsTheBodyAfterTheBlankLine) {
  const std::string text = "From: a@example.org\r\nSubject: hi\r\n\r\nbody\r\n";
  const auto block = parse_block(text);
  ASSERT_EQ(block.headers.fields().size(), 2u);
  EXPECT_EQ(block.headers.fields()[0].name, "From");
  EXPECT_EQ(block.headers.fields()[0].value, "a@example.org");
  EXPECT_EQ(block.headers.fields()[1].name, "Subject");
  EXPECT_EQ(block.headers.fields()[1].value, "hi");
  EXPECT_TRUE(block.saw_blank_line);
  EXPECT_EQ(block.body_begin, text.find("body"));
}

TEST(HeaderBlock, UnfoldsByRemovingOnlyTheLineBreaks) {
  // RFC 5322 §2.2.3: unfolding removes CRLF immediately followed by WSP; the WSP stays.
  const std::string text = "Subject: one\r\n two\r\n\tthree\r\n\r\n";
  const auto block = parse_block(text);
  ASSERT_EQ(block.headers.fields().size(), 1u);
  EXPECT_EQ(block.headers.fields()[0].value, "one two\tthree");
  EXPECT_EQ(block.headers.fields()[0].raw, "Subject: one\r\n two\r\n\tthree\r\n");
}

TEST(HeaderBlock, KeepsTheRawFieldExactlyAsWritten) {
  const std::string text = "X-Odd:   spaced value  \r\n\r\n";
  const auto block = parse_block(text);
  ASSERT_EQ(block.headers.fields().size(), 1u);
  EXPECT_EQ(block.headers.fields()[0].raw, "X-Odd:   spaced value  \r\n");
  EXPECT_EQ(block.headers.fields()[0].value, "spaced value");
}

TEST(HeaderBlock, AcceptsObsoleteWhitespaceBeforeTheColon) {
  // RFC 5322 §4.5.2 obs-optional: "Subject : value".
  const auto block = parse_block("Subject : old style\r\nFrom\t: b@example.org\r\n\r\n");
  ASSERT_EQ(block.headers.fields().size(), 2u);
  EXPECT_EQ(block.headers.fields()[0].name, "Subject");
  EXPECT_EQ(block.headers.fields()[0].value, "old style");
  ASSERT_NE(block.headers.find("from"), nullptr);
  EXPECT_EQ(block.headers.find("from")->value, "b@example.org");
}

TEST(HeaderBlock, LookupIsCaseInsensitiveAndCountsRepeats) {
  const auto block = parse_block("Received: 1\r\nRECEIVED: 2\r\nreceived: 3\r\nTo: x@example.org\r\n\r\n");
  EXPECT_EQ(block.headers.count("Received"), 3u);
  ASSERT_NE(block.headers.find("rEcEiVeD"), nullptr);
  EXPECT_EQ(block.headers.find("received")->value, "1");  // the first one
  EXPECT_EQ(block.headers.find("Cc"), nullptr);
}

TEST(HeaderBlock, EmptyValueIsAField) {
  const auto block = parse_block("X-Empty:\r\nX-Next: 1\r\n\r\n");
  ASSERT_EQ(block.headers.fields().size(), 2u);
  EXPECT_EQ(block.headers.fields()[0].value, "");
}

TEST(HeaderBlock, ALineThatIsNotAFieldEndsTheBlock) {
  const std::string text = "From: a@example.org\r\nthis is body text\r\nTo: b@example.org\r\n";
  const auto block = parse_block(text);
  ASSERT_EQ(block.headers.fields().size(), 1u);
  EXPECT_FALSE(block.saw_blank_line);
  EXPECT_EQ(block.body_begin, text.find("this is"));
}

TEST(HeaderBlock, ANameWithSpaceInsideIsNotAField) {
  const std::string text = "Good: 1\r\nBad Name: 2\r\n";
  const auto block = parse_block(text);
  ASSERT_EQ(block.headers.fields().size(), 1u);
  EXPECT_EQ(block.body_begin, text.find("Bad"));
}

TEST(HeaderBlock, AContinuationAtTheStartMeansThereIsNoHeaderBlock) {
  const std::string text = " leading space\r\nFrom: a@example.org\r\n\r\n";
  const auto block = parse_block(text);
  EXPECT_TRUE(block.headers.empty());
  EXPECT_EQ(block.body_begin, 0u);
}

TEST(HeaderBlock, AnImmediateBlankLineGivesNoFieldsAndABody) {
  const std::string text = "\r\nbody";
  const auto block = parse_block(text);
  EXPECT_TRUE(block.headers.empty());
  EXPECT_TRUE(block.saw_blank_line);
  EXPECT_EQ(block.body_begin, 2u);
}

TEST(HeaderBlock, LfOnlyLineEndsWork) {
  const std::string text = "From: a@example.org\nSubject: x\n y\n\nbody\n";
  const auto block = parse_block(text);
  ASSERT_EQ(block.headers.fields().size(), 2u);
  EXPECT_EQ(block.headers.fields()[1].value, "x y");
  EXPECT_EQ(block.body_begin, text.find("body"));
}

TEST(HeaderBlock, HeadersUpToTheEndWithoutBlankLine) {
  const std::string text = "From: a@example.org\r\nTo: b@example.org";
  const auto block = parse_block(text);
  ASSERT_EQ(block.headers.fields().size(), 2u);
  EXPECT_EQ(block.headers.fields()[1].value, "b@example.org");
  EXPECT_FALSE(block.saw_blank_line);
  EXPECT_EQ(block.body_begin, text.size());
}

TEST(HeaderBlock, RespectsTheRangeItIsGiven) {
  const std::string text = "junk before|From: a@example.org\r\n\r\nbody";
  inkan::io::ViewSource src(text);
  const auto begin = text.find('|') + 1;
  const auto block = inkan::mime::parse_header_block(src, {begin, text.size()});
  ASSERT_EQ(block.headers.fields().size(), 1u);
  EXPECT_EQ(block.headers.fields()[0].name, "From");
  EXPECT_EQ(block.body_begin, text.find("body"));
}

TEST(HeaderBlock, LongButReasonableFieldIsKeptWhole) {
  // A folded field longer than the 1 KiB line prefix must still be read completely.
  std::string value;
  for (int i = 0; i < 300; ++i) value += "word" + std::to_string(i) + " ";
  std::string text = "X-Long: " + value + "\r\n\r\n";
  const auto block = parse_block(text);
  ASSERT_EQ(block.headers.fields().size(), 1u);
  EXPECT_EQ(block.headers.fields()[0].value, std::string(inkan::mime::trim(value)));
}

TEST(HeaderBlock, HugeHeaderBlockIsMalformed) {
  // More than kMaxHeaderBlock bytes of fields: refused rather than buffered.
  std::string text;
  while (text.size() <= inkan::mime::kMaxHeaderBlock) text += "X-Filler: " + std::string(100, 'x') + "\r\n";
  text += "\r\nbody";
  try {
    parse_block(text);
    FAIL() << "a header block over 1 MiB was accepted";
  } catch (const inkan::Error& e) {
    EXPECT_EQ(e.code(), inkan::Errc::mime_malformed);
  }
}

TEST(HeaderBlock, HugeFoldedFieldIsMalformed) {
  std::string text = "X-Folded: start\r\n";
  while (text.size() <= inkan::mime::kMaxHeaderBlock) text += " " + std::string(200, 'y') + "\r\n";
  text += "\r\n";
  try {
    parse_block(text);
    FAIL() << "a folded field over 1 MiB was accepted";
  } catch (const inkan::Error& e) {
    EXPECT_EQ(e.code(), inkan::Errc::mime_malformed);
  }
}

TEST(HeaderBlock, SingleHeaderLineLongerThan64KiBIsMalformed) {
  const std::string text = "X-Line: " + std::string(70000, 'z') + "\r\n\r\n";
  try {
    parse_block(text);
    FAIL() << "a 70 KB header line was accepted";
  } catch (const inkan::Error& e) {
    EXPECT_EQ(e.code(), inkan::Errc::mime_malformed);
  }
}

TEST(HeaderText, ParsesFieldsFromMemory) {
  const auto headers = inkan::mime::parse_header_text("A: 1\r\nB: 2\r\n");
  EXPECT_EQ(headers.fields().size(), 2u);
  ASSERT_NE(headers.find("b"), nullptr);
  EXPECT_EQ(headers.find("b")->value, "2");
}

TEST(HeaderHelpers, TrimAndCaseHelpers) {
  EXPECT_EQ(inkan::mime::trim(" \t a b \r\n"), "a b");
  EXPECT_EQ(inkan::mime::trim(""), "");
  EXPECT_TRUE(inkan::mime::iequals("Content-Type", "content-TYPE"));
  EXPECT_FALSE(inkan::mime::iequals("Content-Type", "Content-Typ"));
  EXPECT_EQ(inkan::mime::to_lower("MiXeD-123"), "mixed-123");
}

}  // namespace
