// Multipart splitting (RFC 2046 §5.1.1) as exact byte ranges: the CRLF before
// a delimiter belongs to the delimiter, preamble and epilogue are kept,
// transport padding is allowed, and hostile nesting is bounded.
#include "error.h"
#include "io/source.h"
#include "mime/entity.h"

#include <gtest/gtest.h>

#include <string>

namespace {

using inkan::io::Range;

struct Parsed {
  std::string text;
  inkan::io::ViewSource src;
  inkan::mime::Entity root;
  explicit Parsed(std::string t, const inkan::mime::ParseLimits& limits = {})
      : text(std::move(t)), src(text), root(inkan::mime::parse_message(src, limits)) {}
  std::string bytes(Range r) const { return text.substr(r.begin, r.end - r.begin); }
};

const std::string kTwoParts =
    "Content-Type: multipart/mixed; boundary=\"b1\"\r\n"
    "\r\n"
    "preamble text\r\n"
    "--b1\r\n"
    "Content-Type: text/plain\r\n"
    "\r\n"
    "first body\r\n"
    "--b1\r\n"
    "\r\n"
    "second body\r\n"
    "\r\n"
    "--b1--\r\n"
    "epilogue text\r\n";

TEST(Multipart, PartRangesExcludeTheLineBreakBeforeEachDelimiter) {
  const Parsed p(kTwoParts);
  ASSERT_TRUE(p.root.is_multipart());
  EXPECT_EQ(p.root.boundary, "b1");
  ASSERT_EQ(p.root.children.size(), 2u);
  EXPECT_EQ(p.bytes(p.root.children[0].whole), "Content-Type: text/plain\r\n\r\nfirst body");
  EXPECT_EQ(p.bytes(p.root.children[0].body), "first body");
  // A blank line at the end of a part is content: only the last CRLF belongs to the delimiter.
  EXPECT_EQ(p.bytes(p.root.children[1].whole), "\r\nsecond body\r\n");
  EXPECT_EQ(p.bytes(p.root.children[1].body), "second body\r\n");
  EXPECT_TRUE(p.root.children[1].headers.empty());
  EXPECT_TRUE(p.root.closed);
}

TEST(Multipart, PreambleAndEpilogueAreKept) {
  const Parsed p(kTwoParts);
  EXPECT_EQ(p.bytes(p.root.preamble), "preamble text");
  EXPECT_EQ(p.bytes(p.root.epilogue), "epilogue text\r\n");
}

TEST(Multipart, ChildrenGetTypesDefaultsAndPartNumbers) {
  const Parsed p(kTwoParts);
  EXPECT_EQ(p.root.part_number, "");
  EXPECT_EQ(p.root.children[0].part_number, "1");
  EXPECT_EQ(p.root.children[1].part_number, "2");
  EXPECT_EQ(p.root.children[1].type.mime_type(), "text/plain");  // RFC 2046 §5.1: default in multipart/mixed
  EXPECT_EQ(p.root.children[1].transfer_encoding, "7bit");
}

TEST(Multipart, NoPreambleWhenTheFirstDelimiterStartsTheBody) {
  const Parsed p("Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n\r\nA\r\n--x--\r\n");
  EXPECT_TRUE(p.root.preamble.empty());
  ASSERT_EQ(p.root.children.size(), 1u);
  EXPECT_EQ(p.bytes(p.root.children[0].body), "A");
  EXPECT_TRUE(p.root.epilogue.empty());
}

TEST(Multipart, EmptyPartsHaveEmptyRanges) {
  // Part 1 is nothing at all; part 2 is only the blank line ending an empty header block
  // (its second CRLF belongs to the close delimiter).
  const Parsed p("Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n--x\r\n\r\n\r\n--x--\r\n");
  ASSERT_EQ(p.root.children.size(), 2u);
  EXPECT_TRUE(p.root.children[0].whole.empty());
  EXPECT_EQ(p.bytes(p.root.children[1].whole), "\r\n");
  EXPECT_TRUE(p.root.children[1].body.empty());
  EXPECT_TRUE(p.root.children[1].headers.empty());
}

TEST(Multipart, MissingCloseDelimiterRunsTheLastPartToTheEnd) {
  const std::string text =
      "Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n\r\none\r\n--x\r\n\r\ntwo\r\nstill two\r\n";
  const Parsed p(text);
  EXPECT_FALSE(p.root.closed);
  ASSERT_EQ(p.root.children.size(), 2u);
  EXPECT_EQ(p.bytes(p.root.children[1].body), "two\r\nstill two\r\n");
  EXPECT_EQ(p.root.children[1].whole.end, text.size());
}

TEST(Multipart, NoDelimiterAtAllMeansNoChildrenAndEverythingIsPreamble) {
  const Parsed p("Content-Type: multipart/mixed; boundary=x\r\n\r\njust text\r\n");
  EXPECT_TRUE(p.root.children.empty());
  EXPECT_EQ(p.bytes(p.root.preamble), "just text\r\n");
  EXPECT_FALSE(p.root.closed);
}

TEST(Multipart, LfOnlyMessagesSplitTheSameWay) {
  const Parsed p("Content-Type: multipart/mixed; boundary=b\n\npre\n--b\nContent-Type: text/plain\n\nbody\n\n--b--\nepi\n");
  ASSERT_EQ(p.root.children.size(), 1u);
  EXPECT_EQ(p.bytes(p.root.preamble), "pre");
  EXPECT_EQ(p.bytes(p.root.children[0].whole), "Content-Type: text/plain\n\nbody\n");
  EXPECT_EQ(p.bytes(p.root.children[0].body), "body\n");
  EXPECT_EQ(p.bytes(p.root.epilogue), "epi\n");
}

TEST(Multipart, TransportPaddingAfterDelimitersIsAllowed) {
  // RFC 2046 §5.1.1: linear whitespace may follow a delimiter before its CRLF.
  const Parsed p("Content-Type: multipart/mixed; boundary=b\r\n\r\n--b \t \r\n\r\nA\r\n--b  \r\n\r\nB\r\n--b--   \r\nE");
  ASSERT_EQ(p.root.children.size(), 2u);
  EXPECT_EQ(p.bytes(p.root.children[0].body), "A");
  EXPECT_EQ(p.bytes(p.root.children[1].body), "B");
  EXPECT_TRUE(p.root.closed);
  EXPECT_EQ(p.bytes(p.root.epilogue), "E");
}

TEST(Multipart, LinesThatMerelyStartWithTheBoundaryAreContent) {
  const Parsed p(
      "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\n--bx is text\r\n --b indented\r\n--b- \r\n--b--\r\n");
  ASSERT_EQ(p.root.children.size(), 1u);
  EXPECT_EQ(p.bytes(p.root.children[0].body), "--bx is text\r\n --b indented\r\n--b- ");
}

TEST(Multipart, QuotedBoundaryWithSpacesAndSpecials) {
  const std::string b = "=_a b'()+_,-./:=?";
  const Parsed p("Content-Type: multipart/mixed; boundary=\"" + b + "\"\r\n\r\n--" + b + "\r\n\r\nA\r\n--" + b +
                 "--\r\n");
  EXPECT_EQ(p.root.boundary, b);
  ASSERT_EQ(p.root.children.size(), 1u);
  EXPECT_EQ(p.bytes(p.root.children[0].body), "A");
}

TEST(Multipart, WithoutBoundaryParameterItIsALeaf) {
  const Parsed p("Content-Type: multipart/mixed\r\n\r\n--x\r\n\r\nA\r\n--x--\r\n");
  EXPECT_FALSE(p.root.is_multipart());
  EXPECT_TRUE(p.root.children.empty());
}

TEST(Multipart, NestedMultipartsHaveTheirOwnBoundariesAndNumbers) {
  const std::string text =
      "Content-Type: multipart/mixed; boundary=outer\r\n\r\n"
      "--outer\r\n"
      "Content-Type: multipart/alternative; boundary=inner\r\n\r\n"
      "--inner\r\nContent-Type: text/plain\r\n\r\nplain\r\n"
      "--inner\r\nContent-Type: text/html\r\n\r\n<p>html</p>\r\n"
      "--inner--\r\n"
      "--outer\r\nContent-Type: application/octet-stream\r\n\r\nBIN\r\n"
      "--outer--\r\n";
  const Parsed p(text);
  ASSERT_EQ(p.root.children.size(), 2u);
  const auto& alt = p.root.children[0];
  ASSERT_TRUE(alt.is_multipart());
  ASSERT_EQ(alt.children.size(), 2u);
  EXPECT_EQ(alt.children[0].part_number, "1.1");
  EXPECT_EQ(alt.children[1].part_number, "1.2");
  EXPECT_EQ(p.bytes(alt.children[1].body), "<p>html</p>");
  EXPECT_EQ(alt.children[1].type.mime_type(), "text/html");
  // The inner close delimiter's line break (CRLF after "--inner--") belongs to the outer delimiter.
  EXPECT_EQ(p.bytes(alt.whole).substr(p.bytes(alt.whole).size() - 9), "--inner--");
  EXPECT_EQ(p.root.children[1].part_number, "2");
  EXPECT_EQ(p.bytes(p.root.children[1].body), "BIN");
}

TEST(Multipart, WalkVisitsEveryEntityDepthFirst) {
  const Parsed p(
      "Content-Type: multipart/mixed; boundary=o\r\n\r\n--o\r\nContent-Type: multipart/mixed; boundary=i\r\n\r\n"
      "--i\r\n\r\na\r\n--i\r\n\r\nb\r\n--i--\r\n--o\r\n\r\nc\r\n--o--\r\n");
  std::string order;
  inkan::mime::walk(p.root, [&](const inkan::mime::Entity& e) { order += "[" + e.part_number + "]"; });
  EXPECT_EQ(order, "[][1][1.1][1.2][2]");
}

std::string nested(int multipart_levels) {
  std::string head, tail;
  for (int i = 0; i < multipart_levels; ++i) {
    const std::string b = "b" + std::to_string(i);
    head += "Content-Type: multipart/mixed; boundary=" + b + "\r\n\r\n--" + b + "\r\n";
    tail = "\r\n--" + b + "--" + tail;
  }
  return head + "Content-Type: text/plain\r\n\r\nleaf" + tail + "\r\n";
}

TEST(Multipart, NestingUpToTheLimitParses) {
  const Parsed p(nested(40));  // the leaf sits at depth 40
  const inkan::mime::Entity* e = &p.root;
  int depth = 0;
  while (!e->children.empty()) {
    e = &e->children.front();
    ++depth;
  }
  EXPECT_EQ(depth, 40);
  EXPECT_EQ(p.bytes(e->body), "leaf");
}

TEST(Multipart, NestingBeyondTheLimitIsTooDeep) {
  try {
    const Parsed p(nested(41));
    FAIL() << "41 nested multiparts were accepted";
  } catch (const inkan::Error& e) {
    EXPECT_EQ(e.code(), inkan::Errc::mime_too_deep);
  }
}

TEST(Multipart, AbsurdNestingIsTooDeepNotACrash) {
  try {
    const Parsed p(nested(5000));
    FAIL() << "5000 nested multiparts were accepted";
  } catch (const inkan::Error& e) {
    EXPECT_EQ(e.code(), inkan::Errc::mime_too_deep);
  }
}

TEST(Multipart, CustomDepthLimit) {
  inkan::mime::ParseLimits limits;
  limits.max_depth = 2;
  EXPECT_NO_THROW(Parsed(nested(2), limits));
  EXPECT_THROW(Parsed(nested(3), limits), inkan::Error);
}

TEST(Multipart, TooManyPartsIsMalformed) {
  std::string text = "Content-Type: multipart/mixed; boundary=x\r\n\r\n";
  for (int i = 0; i < 20; ++i) text += "--x\r\n\r\np\r\n";
  text += "--x--\r\n";
  inkan::mime::ParseLimits limits;
  limits.max_parts = 10;
  try {
    const Parsed p(text, limits);
    FAIL() << "20 parts accepted with max_parts 10";
  } catch (const inkan::Error& e) {
    EXPECT_EQ(e.code(), inkan::Errc::mime_malformed);
  }
}

TEST(Multipart, LinesLongerThanTheReadWindowKeepExactRanges) {
  // A part whose single line is far longer than the 64 KiB window, then another part.
  const std::string big(200000, 'q');
  const std::string text = "Content-Type: multipart/mixed; boundary=w\r\n\r\n--w\r\n\r\n" + big +
                           "\r\n--w\r\n\r\nsmall\r\n--w--\r\n";
  const Parsed p(text);
  ASSERT_EQ(p.root.children.size(), 2u);
  EXPECT_EQ(p.root.children[0].body.size(), big.size());
  EXPECT_EQ(p.bytes(p.root.children[0].body), big);
  EXPECT_EQ(p.bytes(p.root.children[1].body), "small");
}

TEST(Multipart, ALineEndingOnTheLastByteOfTheReadWindowIsNotAHang) {
  // 65535 characters and a CRLF after a short line: the CR is the last byte of a 64 KiB window.
  const std::string text = "Content-Type: multipart/mixed; boundary=w\r\n\r\n--w\r\n\r\nx\r\n" +
                           std::string(65535, 'a') + "\r\n--w--\r\n";
  const Parsed p(text);
  ASSERT_EQ(p.root.children.size(), 1u);
  EXPECT_EQ(p.bytes(p.root.children[0].body), "x\r\n" + std::string(65535, 'a'));
}

TEST(Multipart, DelimitersFoundWhereverTheWindowBoundaryFalls) {
  // Move the delimiter across the 64 KiB window boundary byte by byte.
  for (std::size_t filler = 65536 - 80; filler < 65536 + 8; ++filler) {
    const std::string head = "Content-Type: multipart/mixed; boundary=w\r\n\r\n--w\r\n\r\n";
    std::string body;
    while (body.size() + 100 < filler) body += std::string(98, 'a') + "\r\n";
    body += std::string(filler - body.size(), 'b');
    const Parsed p(head + body + "\r\n--w\r\n\r\nnext\r\n--w--\r\n");
    ASSERT_EQ(p.root.children.size(), 2u) << filler;
    ASSERT_EQ(p.bytes(p.root.children[0].body), body) << filler;
    ASSERT_EQ(p.bytes(p.root.children[1].body), "next") << filler;
  }
}

TEST(Leaf, BodyAndWholeOfASinglePartMessage) {
  const std::string text = "From: a@example.org\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello\r\n";
  const Parsed p(text);
  EXPECT_FALSE(p.root.is_multipart());
  EXPECT_EQ(p.root.whole.begin, 0u);
  EXPECT_EQ(p.root.whole.end, text.size());
  EXPECT_EQ(p.bytes(p.root.body), "Hello\r\n");
  EXPECT_EQ(p.root.type.param("charset"), "utf-8");
}

TEST(Leaf, EmptyInputIsAnEmptyTextEntity) {
  const Parsed p("");
  EXPECT_TRUE(p.root.headers.empty());
  EXPECT_TRUE(p.root.body.empty());
  EXPECT_EQ(p.root.type.mime_type(), "text/plain");
}

}  // namespace
