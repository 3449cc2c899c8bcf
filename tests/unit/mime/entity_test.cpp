// Multipart splitting (RFC 2046 §5.1.1) as exact byte ranges: the CRLF before
// a delimiter belongs to the delimiter, preamble and epilogue are kept,
// transport padding is allowed, and hostile nesting is bounded.
#include "error.h"
#include "io/source.h"
#include "mime/entity.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

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

// ---- Splitting against a reference -------------------------------------------------
//
// The parser searches only for lines starting with "--" and reuses what the outer split
// found for the splits nested in it. The reference below cuts the body into every line
// the slow and obvious way (a line ends at CRLF, LF or a bare CR, as Thunderbird splits
// them) and applies RFC 2046 §5.1.1 to each: both must give the same ranges.
namespace reference {

struct Line {
  std::size_t begin, content_end, end;
};

std::vector<Line> lines(const std::string& s, Range r) {
  std::vector<Line> out;
  std::size_t i = r.begin;
  while (i < r.end) {
    std::size_t j = i;
    while (j < r.end && s[j] != '\r' && s[j] != '\n') ++j;
    std::size_t end = j;
    if (j < r.end) end = (s[j] == '\r' && j + 1 < r.end && s[j + 1] == '\n') ? j + 2 : j + 1;
    out.push_back({i, j, end});
    i = end;
  }
  return out;
}

struct Split {
  Range preamble, epilogue;
  std::vector<Range> parts;
  bool closed = false;
};

Split split(const std::string& s, Range body, const std::string& boundary) {
  Split out;
  bool seen = false;
  std::size_t part_begin = 0;
  std::size_t prev_break = 0;
  for (const Line& l : lines(s, body)) {
    const std::string content = s.substr(l.begin, l.content_end - l.begin);
    const std::string d = "--" + boundary;
    bool close = false, delimiter = false;
    if (content.compare(0, d.size(), d) == 0) {
      std::string rest = content.substr(d.size());
      if (rest.compare(0, 2, "--") == 0) {
        close = true;
        rest = rest.substr(2);
      }
      delimiter = rest.find_first_not_of(" \t") == std::string::npos;
    }
    if (delimiter) {
      const std::size_t before = l.begin >= prev_break ? l.begin - prev_break : l.begin;
      if (!seen) out.preamble = {body.begin, std::max<std::size_t>(body.begin, before)};
      else out.parts.push_back({part_begin, std::max(part_begin, before)});
      seen = true;
      if (close) {
        out.closed = true;
        out.epilogue = {l.end, body.end};
        return out;
      }
      part_begin = l.end;
    }
    prev_break = l.end - l.content_end;
  }
  if (seen) out.parts.push_back({part_begin, body.end});
  else out.preamble = body;
  return out;
}

}  // namespace reference

void expect_like_reference(const std::string& text, const inkan::mime::Entity& e, const std::string& where) {
  if (!e.is_multipart()) return;
  const reference::Split want = reference::split(text, e.body, e.boundary);
  ASSERT_EQ(e.children.size(), want.parts.size()) << where;
  EXPECT_EQ(e.closed, want.closed) << where;
  EXPECT_EQ(e.preamble.begin, want.preamble.begin) << where;
  EXPECT_EQ(e.preamble.end, want.preamble.end) << where;
  if (want.closed) {
    EXPECT_EQ(e.epilogue.begin, want.epilogue.begin) << where;
    EXPECT_EQ(e.epilogue.end, want.epilogue.end) << where;
  }
  for (std::size_t i = 0; i < want.parts.size(); ++i) {
    EXPECT_EQ(e.children[i].whole.begin, want.parts[i].begin) << where << " part " << i;
    EXPECT_EQ(e.children[i].whole.end, want.parts[i].end) << where << " part " << i;
    expect_like_reference(text, e.children[i], where + "." + std::to_string(i + 1));
  }
}

// Bodies made of the pieces that matter to splitting: delimiters of two nesting levels,
// nested headers, dashes, every kind of line break, padding and filler.
std::string random_body(std::mt19937& rng, std::size_t pieces) {
  static const char* const kPieces[] = {
      "--o", "--o--", "--i", "--i--", "\r\n", "\n", "\r", "-", "--", "x", " ", "\t", "text ",
      "\r\n--o\r\nContent-Type: multipart/mixed; boundary=i\r\n\r\n", "\r\n--i\r\n\r\n", "\r\n--o--\r\n",
      "\n--o\nContent-Type: multipart/alternative; boundary=\"i\"\n\n"};
  std::string s;
  for (std::size_t k = 0; k < pieces; ++k) {
    s += kPieces[std::uniform_int_distribution<std::size_t>(0, std::size(kPieces) - 1)(rng)];
  }
  return s;
}

TEST(MultipartReference, RandomBodiesSplitLikeTheLineByLineReference) {
  std::mt19937 rng(2046);
  for (int round = 0; round < 3000; ++round) {
    const std::string text = "Content-Type: multipart/mixed; boundary=o\r\n\r\n" + random_body(rng, 40);
    const Parsed p(text);
    expect_like_reference(p.text, p.root, "round " + std::to_string(round));
    if (HasFailure()) return;
  }
}

// The observer of the outermost split gets every byte once and in order, the parts where
// the parser puts them, and no "settled" promise that a later boundary breaks.
class Recorder final : public inkan::mime::SplitObserver {
public:
  void bytes(std::uint64_t offset, std::string_view data) override {
    if (offset != seen) jumps = true;
    seen = offset + data.size();
    text.append(data);
  }
  void settled(std::uint64_t offset) override {
    if (offset < settled_at) backwards = true;
    settled_at = offset;
  }
  void part_begins(int index, std::uint64_t offset) override { event(index, offset, begins); }
  void part_ends(int index, std::uint64_t offset) override { event(index, offset, ends); }
  void irregular() override {
    ++irregular_calls;
    seen_when_irregular = seen;
  }

  std::string text;
  int irregular_calls = 0;
  std::uint64_t seen_when_irregular = 0;
  std::uint64_t seen = 0;
  std::uint64_t settled_at = 0;
  bool jumps = false;
  bool backwards = false;
  bool broken_promise = false;
  std::vector<std::uint64_t> begins, ends;

private:
  void event(int index, std::uint64_t offset, std::vector<std::uint64_t>& list) {
    if (offset < settled_at) broken_promise = true;
    if (static_cast<std::size_t>(index) != list.size()) broken_promise = true;
    list.push_back(offset);
  }
};

TEST(MultipartReference, TheObserverSeesBytesAndPartsAsTheParserDoes) {
  std::mt19937 rng(6000);
  for (int round = 0; round < 300; ++round) {
    std::string body;
    for (int k = 0; k < 6; ++k) {
      body += random_body(rng, 10);
      body += std::string(std::uniform_int_distribution<std::size_t>(1, 40000)(rng), 'A');
    }
    const std::string head = "Content-Type: multipart/mixed; boundary=o\r\n\r\n";
    const std::string text = head + body;
    Recorder rec;
    inkan::mime::ParseLimits limits;
    limits.observer = &rec;
    const inkan::io::ViewSource src(text);
    const auto root = inkan::mime::parse_message(src, limits);
    ASSERT_FALSE(rec.backwards) << round;
    ASSERT_FALSE(rec.broken_promise) << round;
    ASSERT_EQ(rec.begins.size(), root.children.size()) << round;
    ASSERT_EQ(rec.ends.size(), root.children.size()) << round;
    for (std::size_t i = 0; i < root.children.size(); ++i) {
      EXPECT_EQ(rec.begins[i], root.children[i].whole.begin) << round;
      EXPECT_EQ(rec.ends[i], root.children[i].whole.end) << round;
    }
    if (!rec.jumps && !root.children.empty()) {  // a jump happens only past a delimiter-like line longer than a window
      ASSERT_GE(rec.seen, root.children.back().whole.end) << round;
      EXPECT_EQ(rec.text.substr(0, root.children.back().whole.end - head.size()),
                text.substr(head.size(), root.children.back().whole.end - head.size()))
          << round;
    }
  }
}

// Encryption bets on a message being canonical as it stands and stops betting when
// the split is told the bytes are not (smime/encrypt_ahead.h): told once, before the
// bytes that break the rule are handed over, and never for plain CRLF bytes.
TEST(MultipartReference, TheObserverIsToldOnceWhenTheBytesStopBeingPlain) {
  const std::string head = "Content-Type: multipart/mixed; boundary=o\r\n\r\n";
  std::string plain = "--o\r\nContent-Type: text/plain\r\n\r\n";
  while (plain.size() < 300000) plain += std::string(70, 'a') + "\r\n";
  plain += "--o--\r\n";
  const std::size_t at = 200001;  // in the fourth 64 KiB window, mid-line
  const std::pair<const char*, std::string> oddities[] = {
      {"8-bit", "\xe5"}, {"NUL", std::string(1, '\0')}, {"bare LF", "\n"}, {"bare CR", "\r"}, {"long line", std::string(1000, 'b')}};
  for (const bool facts : {true, false}) {
    {
      Recorder rec;
      inkan::mime::ParseLimits limits;
      limits.observer = &rec;
      limits.body_facts = facts;
      const std::string text = head + plain;
      const inkan::io::ViewSource src(text);
      (void)inkan::mime::parse_message(src, limits);
      EXPECT_EQ(rec.irregular_calls, 0) << "plain, facts " << facts;
      EXPECT_EQ(rec.seen, text.size());
    }
    for (const auto& [name, odd] : oddities) {
      std::string body = plain;
      body.insert(at, odd);
      body.insert(at + 100000, odd);  // a second one is not told again
      const std::string text = head + body;
      Recorder rec;
      inkan::mime::ParseLimits limits;
      limits.observer = &rec;
      limits.body_facts = facts;
      const inkan::io::ViewSource src(text);
      (void)inkan::mime::parse_message(src, limits);
      EXPECT_EQ(rec.irregular_calls, facts ? 1 : 0) << name << ", facts " << facts;
      if (facts) {
        EXPECT_LE(rec.seen_when_irregular, head.size() + at) << name;
      }
      EXPECT_EQ(rec.text, body) << name;
    }
  }
}

TEST(MultipartReference, DelimitersAcrossReadWindowsAndNestedParts) {
  // Long filler lines put pieces on both sides of the 64 KiB read windows.
  std::mt19937 rng(8551);
  for (int round = 0; round < 40; ++round) {
    std::string body;
    for (int k = 0; k < 12; ++k) {
      body += random_body(rng, 12);
      body += std::string(std::uniform_int_distribution<std::size_t>(1, 30000)(rng), 'A');
      body += random_body(rng, 12);
    }
    const Parsed p("Content-Type: multipart/mixed; boundary=o\r\n\r\n" + body);
    expect_like_reference(p.text, p.root, "round " + std::to_string(round));
    if (HasFailure()) return;
  }
}

}  // namespace
