// Content-Type and its parameters (RFC 2045 §5, RFC 2231) and the
// Content-Transfer-Encoding defaults (RFC 2045 §6.1).
#include "mime/headers.h"

#include <gtest/gtest.h>

#include <string>

namespace {

using inkan::mime::parse_content_type;
using inkan::mime::parse_parameters;

TEST(ContentType, TypeAndSubtypeAreLowerCasedParameterValuesAreNot) {
  const auto ct = parse_content_type("TEXT/Plain; CHARSET=UTF-8; Format=Flowed");
  ASSERT_TRUE(ct.has_value());
  EXPECT_EQ(ct->type, "text");
  EXPECT_EQ(ct->subtype, "plain");
  EXPECT_EQ(ct->mime_type(), "text/plain");
  EXPECT_EQ(ct->param("charset"), "UTF-8");
  EXPECT_EQ(ct->param("format"), "Flowed");
  EXPECT_EQ(ct->param("missing"), "");
}

TEST(ContentType, CommentsAreIgnored) {
  // RFC 2045 §5.1: "Content-type: text/plain; charset=us-ascii (Plain text)" is its own example.
  const auto example = parse_content_type("text/plain; charset=us-ascii (Plain text)");
  ASSERT_TRUE(example.has_value());
  EXPECT_EQ(example->param("charset"), "us-ascii");
  const auto signed_type = parse_content_type(
      "multipart/signed (comment); protocol=\"application/pkcs7-signature\"; boundary=\"(not a comment)\"");
  ASSERT_TRUE(signed_type.has_value());
  EXPECT_TRUE(signed_type->is("multipart", "signed"));
  EXPECT_EQ(signed_type->param("boundary"), "(not a comment)");
  EXPECT_EQ(signed_type->param("protocol"), "application/pkcs7-signature");
}

TEST(ContentType, UnusableValuesAreRejected) {
  for (const char* bad : {"", "text", "text/", "/plain", "text/pl ain", "te(xt/plain", "text/plain/x", "text/\"q\""}) {
    EXPECT_FALSE(parse_content_type(bad).has_value()) << bad;
  }
}

TEST(ContentType, MultipartIsRecognised) {
  const auto ct = parse_content_type("multipart/mixed; boundary=\"simple boundary\"");
  ASSERT_TRUE(ct.has_value());
  EXPECT_TRUE(ct->is_multipart());
  EXPECT_TRUE(ct->is("multipart", "mixed"));
  EXPECT_EQ(ct->param("boundary"), "simple boundary");
}

TEST(ContentType, MissingOrBrokenFieldDefaultsToUsAsciiText) {
  // RFC 2045 §5.2: no (or a syntactically invalid) Content-Type means text/plain; charset=us-ascii.
  for (const char* headers : {"Subject: x\r\n", "Content-Type: garbage\r\n"}) {
    const auto ct = inkan::mime::content_type_of(inkan::mime::parse_header_text(headers));
    EXPECT_EQ(ct.mime_type(), "text/plain") << headers;
    EXPECT_EQ(ct.param("charset"), "us-ascii") << headers;
  }
}

TEST(Parameters, QuotedStringsKeepSemicolonsAndUnescapeQuotedPairs) {
  const auto p = parse_parameters("; name=\"a \\\"quoted\\\" name; with semicolon\"; next=2");
  EXPECT_EQ(p.at("name"), "a \"quoted\" name; with semicolon");
  EXPECT_EQ(p.at("next"), "2");
}

TEST(Parameters, NamesAreCaseInsensitiveAndWhitespaceIsAllowedAroundEquals) {
  const auto p = parse_parameters(";\r\n\tCharSet = \"iso-2022-jp\" ;  Name=x.txt");
  EXPECT_EQ(p.at("charset"), "iso-2022-jp");
  EXPECT_EQ(p.at("name"), "x.txt");
}

TEST(Parameters, ParametersWithoutValueAreSkipped) {
  const auto p = parse_parameters("; junk; charset=utf-8");
  EXPECT_EQ(p.count("junk"), 0u);
  EXPECT_EQ(p.at("charset"), "utf-8");
}

TEST(Parameters, Rfc2231ExtendedValueIsPercentDecoded) {
  // RFC 2231 §4 example.
  const auto p = parse_parameters("; title*=us-ascii'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A");
  EXPECT_EQ(p.at("title"), "This is ***fun***");
}

TEST(Parameters, Rfc2231ContinuationsAreJoinedInOrder) {
  // RFC 2231 §3 example.
  const auto p = parse_parameters(
      "; URL*0=\"ftp://\";\r\n URL*1=\"cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar\"");
  EXPECT_EQ(p.at("url"), "ftp://cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar");
}

TEST(Parameters, Rfc2231MixedEncodedAndPlainContinuations) {
  // RFC 2231 §4.1 example: only the first section carries charset and language.
  const auto p = parse_parameters(
      "; title*0*=us-ascii'en'This%20is%20even%20more%20;\r\n"
      " title*1*=%2A%2A%2Afun%2A%2A%2A%20;\r\n"
      " title*2=\"isn't it!\"");
  EXPECT_EQ(p.at("title"), "This is even more ***fun*** isn't it!");
}

TEST(Parameters, Rfc2231SectionsOutOfOrderAreSorted) {
  const auto p = parse_parameters("; name*1=\"bar\"; name*0=\"foo\"; name*2=\"baz\"");
  EXPECT_EQ(p.at("name"), "foobarbaz");
}

TEST(Parameters, Rfc2231Utf8FilenameDecodesToItsBytes) {
  const auto p = parse_parameters("; filename*=UTF-8''%E6%97%A5%E6%9C%AC%E8%AA%9E.pdf");
  EXPECT_EQ(p.at("filename"), "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E.pdf");  // 日本語.pdf
}

TEST(Parameters, Rfc2231EmptyCharsetAndLanguage) {
  const auto p = parse_parameters("; filename*=''plain%20name.txt");
  EXPECT_EQ(p.at("filename"), "plain name.txt");
}

TEST(TransferEncoding, DefaultsTo7bitAndIsLowerCased) {
  using inkan::mime::parse_header_text;
  using inkan::mime::transfer_encoding_of;
  EXPECT_EQ(transfer_encoding_of(parse_header_text("Subject: x\r\n")), "7bit");
  EXPECT_EQ(transfer_encoding_of(parse_header_text("Content-Transfer-Encoding: \r\n")), "7bit");
  EXPECT_EQ(transfer_encoding_of(parse_header_text("Content-Transfer-Encoding: BASE64\r\n")), "base64");
  EXPECT_EQ(transfer_encoding_of(parse_header_text("Content-Transfer-Encoding:  Quoted-Printable \r\n")),
            "quoted-printable");
  // Comments are allowed in structured fields (RFC 2045 §6.1 uses RFC 822 syntax).
  EXPECT_EQ(transfer_encoding_of(parse_header_text("Content-Transfer-Encoding: 8bit (really)\r\n")), "8bit");
}

TEST(QuoteParam, TokensStayBareOthersAreQuotedAndEscaped) {
  using inkan::mime::quote_param;
  EXPECT_EQ(quote_param("utf-8"), "utf-8");
  EXPECT_EQ(quote_param("two words"), "\"two words\"");
  EXPECT_EQ(quote_param("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(quote_param(""), "\"\"");
  EXPECT_EQ(quote_param("x=y"), "\"x=y\"");
  // Round trip through the parser.
  for (const char* v : {"two words", "a\"b\\c", "semi;colon", "x=y"}) {
    EXPECT_EQ(parse_parameters(std::string("; p=") + quote_param(v)).at("p"), v);
  }
}

}  // namespace
