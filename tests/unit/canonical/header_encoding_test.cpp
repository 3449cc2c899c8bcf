// 8-bit header values in signed content: parameters become RFC 2231
// extended values, unstructured text becomes RFC 2047 encoded-words; decoded
// with reference code they give back the author's bytes.
#include "canonical/canonical_support.h"
#include "mime/headers.h"
#include "smime/canonical.h"
#include "smime/header_encoding.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace {

using inkan::test::field_value;
using inkan::test::ref_is_7bit;
using inkan::test::split_crlf_lines;
using inkan::test::split_entity;

const std::string kNihongoPdf = "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E.pdf";  // 日本語.pdf

// Reads an RFC 2231 parameter (possibly split into sections) without the engine's parser.
std::optional<std::string> rfc2231_param(const std::string& value, const std::string& name) {
  std::vector<std::string> items;
  std::string current;
  bool quoted = false;
  for (const char c : value) {
    if (c == '"') quoted = !quoted;
    if (c == ';' && !quoted) {
      items.push_back(current);
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  items.push_back(current);
  std::map<int, std::pair<bool, std::string>> sections;  // index -> (extended, raw value)
  for (auto item : items) {
    const auto b = item.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) continue;
    item = item.substr(b);
    const auto eq = item.find('=');
    if (eq == std::string::npos) continue;
    const std::string key = inkan::test::lower(item.substr(0, eq));
    std::string raw = item.substr(eq + 1);
    if (key.rfind(name + "*", 0) != 0) continue;
    std::string rest = key.substr(name.size() + 1);  // "" | "*" | "N" | "N*"
    const bool extended = rest.empty() || rest.back() == '*';
    if (!rest.empty() && rest.back() == '*') rest.pop_back();
    const int index = rest.empty() ? 0 : std::stoi(rest);
    if (!raw.empty() && raw.front() == '"') raw = raw.substr(1, raw.size() - 2);
    sections[index] = {extended, raw};
  }
  if (sections.empty()) return std::nullopt;
  std::string out;
  for (auto& [index, section] : sections) {
    std::string raw = section.second;
    if (index == 0 && section.first) {  // charset'language'value
      const auto q1 = raw.find('\'');
      const auto q2 = raw.find('\'', q1 + 1);
      if (q1 == std::string::npos || q2 == std::string::npos) return std::nullopt;
      if (inkan::test::lower(raw.substr(0, q1)) != "utf-8") return std::nullopt;
      raw = raw.substr(q2 + 1);
    }
    if (section.first) {
      if (raw.find_first_of(" \t\"") != std::string::npos) return std::nullopt;  // must be percent-encoded
      auto decoded = inkan::test::ref_percent_decode(raw);
      if (!decoded) return std::nullopt;
      out += *decoded;
    } else {
      out += raw;
    }
  }
  return out;
}

// Decodes an unstructured value made of RFC 2047 encoded-words separated by folding whitespace.
std::optional<std::string> decode_encoded_words(const std::string& value, std::vector<std::string>* words_out) {
  std::string out;
  std::size_t pos = 0;
  while (pos < value.size()) {
    const auto b = value.find_first_not_of(" \t\r\n", pos);
    if (b == std::string::npos) break;
    const auto e = value.find_first_of(" \t\r\n", b);
    const std::string word = value.substr(b, e == std::string::npos ? std::string::npos : e - b);
    const auto decoded = inkan::test::ref_decode_encoded_word(word);
    if (!decoded) return std::nullopt;
    if (words_out != nullptr) words_out->push_back(word);
    if (!inkan::test::is_valid_utf8(decoded->bytes)) return std::nullopt;  // RFC 2047 §5: whole characters
    out += decoded->bytes;
    pos = e == std::string::npos ? value.size() : e;
  }
  return out;
}

TEST(HeaderEncoding, EightBitFilenameBecomesRfc2231) {
  const std::string out = inkan::test::canonical_content(
      "Content-Type: application/pdf; name=\"" + kNihongoPdf + "\"\r\n"
      "Content-Disposition: attachment; filename=\"" + kNihongoPdf + "\"\r\n"
      "Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n");
  ASSERT_TRUE(ref_is_7bit(out)) << out;
  const auto part = split_entity(out);
  const std::string ct = field_value(part.headers, "Content-Type");
  const std::string cd = field_value(part.headers, "Content-Disposition");
  EXPECT_EQ(inkan::test::lower(ct).rfind("application/pdf", 0), 0u) << ct;
  EXPECT_EQ(inkan::test::lower(cd).rfind("attachment", 0), 0u) << cd;
  EXPECT_EQ(rfc2231_param(ct, "name"), kNihongoPdf) << ct;
  EXPECT_EQ(rfc2231_param(cd, "filename"), kNihongoPdf) << cd;
  EXPECT_EQ(part.body, "JVBERi0xLjQK\r\n");
}

TEST(HeaderEncoding, LongEightBitFilenameIsSplitIntoShortSections) {
  std::string name;
  for (int i = 0; i < 30; ++i) name += "\xE6\x97\xA5\xE6\x9C\xAC";  // 60 characters, 180 bytes
  name += ".txt";
  const std::string out = inkan::test::canonical_content(
      "Content-Type: text/plain\r\nContent-Disposition: attachment; filename=\"" + name + "\"\r\n\r\nx\r\n");
  ASSERT_TRUE(ref_is_7bit(out)) << out;
  const auto part = split_entity(out);
  for (const auto& line : split_crlf_lines(part.headers)) {
    EXPECT_LE(line.size(), 78u) << line;  // RFC 5322 §2.1.1 SHOULD
  }
  EXPECT_EQ(rfc2231_param(field_value(part.headers, "Content-Disposition"), "filename"), name);
}

TEST(HeaderEncoding, OtherParametersSurviveTheRewrite) {
  const std::string out = inkan::test::canonical_content(
      "Content-Type: text/plain; charset=utf-8; format=flowed; name=\"" + kNihongoPdf + "\"\r\n\r\nx\r\n");
  const auto params = inkan::mime::parse_parameters(
      field_value(split_entity(out).headers, "Content-Type").substr(std::string("text/plain").size()));
  EXPECT_EQ(params.at("charset"), "utf-8");
  EXPECT_EQ(params.at("format"), "flowed");
  EXPECT_EQ(rfc2231_param(field_value(split_entity(out).headers, "Content-Type"), "name"), kNihongoPdf);
}

TEST(HeaderEncoding, EightBitContentDescriptionBecomesEncodedWords) {
  std::string description;
  for (int i = 0; i < 20; ++i) description += "\xE8\xAA\xAC\xE6\x98\x8E\xE6\x96\x87 ";  // 説明文
  description += "end";
  const std::string out = inkan::test::canonical_content(
      "Content-Type: text/plain\r\nContent-Description: " + description + "\r\n\r\nbody\r\n");
  ASSERT_TRUE(ref_is_7bit(out)) << out;
  const auto part = split_entity(out);
  std::vector<std::string> words;
  const auto decoded = decode_encoded_words(field_value(part.headers, "Content-Description"), &words);
  ASSERT_TRUE(decoded.has_value()) << part.headers;
  EXPECT_EQ(*decoded, description);
  EXPECT_GT(words.size(), 1u);
  for (const auto& w : words) EXPECT_LE(w.size(), 75u) << w;  // RFC 2047 §2
  for (const auto& line : split_crlf_lines(part.headers)) {
    EXPECT_LE(line.size(), 76u) << line;  // RFC 2047 §2: lines with encoded-words
  }
}

TEST(HeaderEncoding, SubjectOfAnEnclosedMessageIsEncoded) {
  const std::string subject = "\xE4\xBB\xB6\xE5\x90\x8D";  // 件名
  const std::string out = inkan::test::canonical_entity(
      "Subject: " + subject + "\r\nContent-Type: text/plain\r\n\r\nbody\r\n");
  ASSERT_TRUE(ref_is_7bit(out)) << out;
  EXPECT_EQ(decode_encoded_words(field_value(split_entity(out).headers, "Subject"), nullptr), subject);
}

TEST(HeaderEncoding, EnclosedMessageWithEightBitAddressHeaderIsSevenBitAndDecodes) {
  const std::string name = "\xE5\xB1\xB1\xE7\x94\xB0";  // 山田
  const std::string body = "\xE6\x9C\xAC\xE6\x96\x87\r\n";  // 本文
  const std::string message =
      "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
      "--b\r\nContent-Type: message/rfc822\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
      "From: " + name + " <yamada@example.jp>\r\nSubject: x\r\n"
      "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + body +
      "--b--\r\n";
  const std::string out = inkan::test::canonical_content(message);
  std::string why;
  ASSERT_TRUE(ref_is_7bit(out, &why)) << why << "\n" << out;
  const auto parts = inkan::test::split_multipart(split_entity(out).body, "b");
  ASSERT_TRUE(parts.has_value() && parts->parts.size() == 1u) << out;
  const auto enclosed = split_entity(split_entity(parts->parts[0]).body);
  const std::string from = field_value(enclosed.headers, "From");
  const auto lt = from.find(" <yamada@example.jp>");
  ASSERT_NE(lt, std::string::npos) << from;
  EXPECT_EQ(decode_encoded_words(from.substr(0, lt), nullptr), name) << from;
  EXPECT_EQ(field_value(enclosed.headers, "Subject"), "x");
  // The CRLF before "--b--" belongs to the delimiter (RFC 2046 §5.1.1), not to the body.
  EXPECT_EQ(inkan::test::decode_part(enclosed), body.substr(0, body.size() - 2));
}

TEST(SevenBitField, SevenBitFieldsAreOnlyCrlfCanonicalised) {
  inkan::mime::Field f;
  f.name = "Content-Type";
  f.raw = "Content-Type: text/plain;\n charset=us-ascii";
  f.value = "text/plain; charset=us-ascii";
  EXPECT_EQ(inkan::smime::seven_bit_field(f), "Content-Type: text/plain;\r\n charset=us-ascii\r\n");
}

TEST(EncodeWords, NeverSplitsAUtf8SequenceAndRoundTrips) {
  for (std::size_t used : {0u, 9u, 21u, 40u}) {
    std::string text;
    for (int i = 0; i < 50; ++i) text += i % 3 == 0 ? "\xF0\x9F\x98\x80" : (i % 3 == 1 ? "\xE3\x81\x82" : "ab");
    const std::string encoded = inkan::smime::encode_words(text, used);
    ASSERT_TRUE(ref_is_7bit(encoded)) << encoded;
    std::vector<std::string> words;
    EXPECT_EQ(decode_encoded_words(encoded, &words), text) << encoded;
    const auto lines = split_crlf_lines(encoded);
    for (std::size_t i = 0; i < lines.size(); ++i) {
      EXPECT_LE(lines[i].size() + (i == 0 ? used : 0), 76u) << "used " << used << ": " << lines[i];
    }
  }
}

// Address fields: display names and comments become encoded-words, the addresses stay as written.
std::string encode_address(const std::string& value) { return inkan::smime::encode_address_list(value, 6); }

const std::string kYamada = "\xE5\xB1\xB1\xE7\x94\xB0 \xE5\xA4\xAA\xE9\x83\x8E";  // 山田 太郎

TEST(EncodeAddressList, DisplayNameIsEncodedAndAddressKept) {
  const std::string out = encode_address(kYamada + " <yamada@example.jp>");
  ASSERT_TRUE(ref_is_7bit(out)) << out;
  const auto lt = out.find(" <yamada@example.jp>");
  ASSERT_NE(lt, std::string::npos) << out;
  EXPECT_EQ(decode_encoded_words(out.substr(0, lt), nullptr), kYamada) << out;
}

TEST(EncodeAddressList, QuotedDisplayNameWithCommaStaysOneName) {
  const std::string name = "\xE5\xB1\xB1\xE7\x94\xB0, \xE5\xA4\xAA\xE9\x83\x8E";  // 山田, 太郎
  const std::string out = encode_address("\"" + name + "\" <y@example.jp>, bob@example.com");
  ASSERT_TRUE(ref_is_7bit(out)) << out;
  const auto lt = out.find(" <y@example.jp>, bob@example.com");
  ASSERT_NE(lt, std::string::npos) << out;
  const std::string phrase = out.substr(0, lt);
  EXPECT_EQ(phrase.find(','), std::string::npos) << "a raw comma would split the name: " << out;
  EXPECT_EQ(decode_encoded_words(phrase, nullptr), name) << out;
}

TEST(EncodeAddressList, EncodedWordIsSetApartFromSpecials) {
  const std::string out = encode_address("\xE5\xB1\xB1\xE7\x94\xB0<y@example.jp>");
  ASSERT_TRUE(ref_is_7bit(out)) << out;
  EXPECT_NE(out.find("?= <y@example.jp>"), std::string::npos) << out;  // RFC 2047 §5(3)
}

TEST(EncodeAddressList, CommentIsEncodedInsideItsParentheses) {
  const std::string out = encode_address("y@example.jp (\xE5\xB1\xB1\xE7\x94\xB0)");
  ASSERT_TRUE(ref_is_7bit(out)) << out;
  ASSERT_EQ(out.rfind("y@example.jp (", 0), 0u) << out;
  ASSERT_EQ(out.back(), ')') << out;
  EXPECT_EQ(decode_encoded_words(out.substr(14, out.size() - 15), nullptr), "\xE5\xB1\xB1\xE7\x94\xB0") << out;
}

TEST(EncodeAddressList, ALongLineFoldsBeforeTheCommentNotInsideIt) {
  const std::string comment = "\xE7\x94\xB0\xE4\xB8\xAD \xE5\xA4\xAA\xE9\x83\x8E";  // 田中 太郎
  const std::string out = encode_address("first.person@example.jp, second.person@example.jp (" + comment + ")");
  ASSERT_TRUE(ref_is_7bit(out)) << out;
  EXPECT_EQ(out.find("(\r\n"), std::string::npos) << out;
  const auto open = out.find('(');
  ASSERT_NE(open, std::string::npos) << out;
  EXPECT_EQ(decode_encoded_words(out.substr(open + 1, out.size() - open - 2), nullptr), comment) << out;
  for (const auto& line : split_crlf_lines(out)) EXPECT_LE(line.size(), 78u) << line;
}

TEST(EncodeAddressList, GroupNameIsEncoded) {
  const std::string out = encode_address("\xE5\x8F\x8B\xE9\x81\x94: a@example.jp, b@example.jp;");  // 友達
  ASSERT_TRUE(ref_is_7bit(out)) << out;
  const auto colon = out.find(": a@example.jp, b@example.jp;");
  ASSERT_NE(colon, std::string::npos) << out;
  EXPECT_EQ(decode_encoded_words(out.substr(0, colon), nullptr), "\xE5\x8F\x8B\xE9\x81\x94") << out;
}

TEST(EncodeAddressList, InternationalisedMailboxIsLeftAsWritten) {
  // RFC 6531 addresses have no 7-bit form; encoding them would change the address.
  const std::string value = "\xE5\xB1\xB1\xE7\x94\xB0@\xE4\xBE\x8B.jp";
  EXPECT_EQ(encode_address(value), value);
  EXPECT_EQ(encode_address("<" + value + ">"), "<" + value + ">");
}

TEST(EncodeAddressList, MalformedListsEndAndKeepTheirAddresses) {
  // Found by fuzz_mime: a quote inside a domain once stopped the scanner from moving on.
  for (const std::string& value : {std::string("a@\"b.example, \xE5\xB1\xB1 <c@d>"), std::string("a@b\"c"),
                                  std::string("(\xE5\xB1\xB1 (unclosed"), std::string("\xE5\xB1\xB1 <unclosed@x"),
                                  std::string("@@@,,,;;;::: \"\"\"")}) {
    EXPECT_FALSE(encode_address(value).empty()) << value;
  }
  // What is an address stays as written.
  const std::pair<const char*, const char*> kept[] = {{"a@\"b.example, \xE5\xB1\xB1 <c@d>", "a@\"b.example,"},
                                                      {"a@\"b.example, \xE5\xB1\xB1 <c@d>", " <c@d>"},
                                                      {"a@b\"c", "a@b\"c"},
                                                      {"\xE5\xB1\xB1 <unclosed@x", " <unclosed@x"}};
  for (const auto& [value, part] : kept) {
    EXPECT_NE(encode_address(value).find(part), std::string::npos) << value << " -> " << encode_address(value);
  }
}

TEST(EncodeAddressList, AsciiListIsUnchanged) {
  const std::string value = "\"Bob, Jr.\" <bob@example.com>, (note) carol@example.org, Team: d@e.f;";
  EXPECT_EQ(encode_address(value), value);
}

TEST(SevenBitField, StructuredFieldsWithoutTextAreNotRewritten) {
  inkan::mime::Field f;
  f.name = "Message-ID";
  f.raw = "Message-ID: <\xE5\xB1\xB1@example.jp>";
  f.value = "<\xE5\xB1\xB1@example.jp>";
  EXPECT_EQ(inkan::smime::seven_bit_field(f), f.raw + "\r\n");
}

TEST(SevenBitField, UnknownFieldIsTreatedAsUnstructuredText) {
  inkan::mime::Field f;
  f.name = "X-Note";
  f.value = "\xE3\x83\xA1\xE3\x83\xA2";  // メモ
  f.raw = "X-Note: " + f.value;
  const std::string out = inkan::smime::seven_bit_field(f);
  ASSERT_TRUE(ref_is_7bit(out)) << out;
  EXPECT_EQ(decode_encoded_words(out.substr(8, out.size() - 10), nullptr), f.value) << out;
}

TEST(IsContentField, OnlyContentStarFields) {
  EXPECT_TRUE(inkan::smime::is_content_field("Content-Type"));
  EXPECT_TRUE(inkan::smime::is_content_field("content-disposition"));
  EXPECT_TRUE(inkan::smime::is_content_field("Content-X"));
  EXPECT_FALSE(inkan::smime::is_content_field("Content"));
  EXPECT_FALSE(inkan::smime::is_content_field("MIME-Version"));
  EXPECT_FALSE(inkan::smime::is_content_field("X-Content-Type"));
}

}  // namespace
