#include "mime/entity.h"

#include "error.h"
#include "mime/line_reader.h"

#include <algorithm>

namespace inkan::mime {
namespace {

enum class Delimiter { none, part, close };

bool only_padding(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t'; });
}

// RFC 2046 §5.1.1: "--" boundary ["--"], then any amount of transport padding.
Delimiter classify(const Line& line, std::string_view boundary, const io::Source& src) {
  const std::string_view p = line.prefix;
  if (p.size() < boundary.size() + 2 || p[0] != '-' || p[1] != '-' || p.substr(2, boundary.size()) != boundary) {
    return Delimiter::none;
  }
  std::string_view rest = p.substr(2 + boundary.size());
  Delimiter kind = Delimiter::part;
  if (rest.size() >= 2 && rest[0] == '-' && rest[1] == '-') {
    kind = Delimiter::close;
    rest.remove_prefix(2);
  }
  if (!only_padding(rest)) return Delimiter::none;
  if (line.length() > p.size()) {  // the prefix was cut: the rest must be padding too
    bool padding = true;
    for_each_chunk(src, {line.begin + p.size(), line.content_end}, [&](std::string_view chunk) {
      padding = padding && only_padding(chunk);
    });
    if (!padding) return Delimiter::none;
  }
  return kind;
}

class Parser {
public:
  Parser(const io::Source& src, const ParseLimits& limits) : m_src(src), m_limits(limits) {}

  Entity parse(io::Range range, int depth, std::string part_number) {
    if (depth > m_limits.max_depth) throw Error(Errc::mime_too_deep);
    if (++m_parts > m_limits.max_parts) throw Error(Errc::mime_malformed, "too many parts");
    Entity e;
    e.whole = range;
    e.part_number = std::move(part_number);
    HeaderBlock block = parse_header_block(m_src, range);
    e.headers = std::move(block.headers);
    e.body = {block.body_begin, range.end};
    e.headers_cut_short = !block.saw_blank_line && block.body_begin < range.end;
    e.type = content_type_of(e.headers);
    e.transfer_encoding = transfer_encoding_of(e.headers);
    if (e.type.is_multipart()) {
      e.boundary = e.type.param("boundary");
      if (e.boundary.size() > 200) e.boundary.clear();  // RFC 2046 allows 70; treat absurd ones as text
      if (!e.boundary.empty()) split(e, depth);
    }
    return e;
  }

private:
  void split(Entity& e, int depth) {
    LineReader reader(m_src, e.body);
    Line line;
    std::uint64_t part_begin = 0;
    bool in_part = false;
    bool seen_first = false;
    std::uint64_t prev_terminator = 0;  // length of the previous line's terminator
    e.closed = false;
    int index = 0;

    const auto add_child = [&](std::uint64_t end) {
      if (end < part_begin) end = part_begin;
      ++index;
      const std::string number = e.part_number.empty() ? std::to_string(index)
                                                       : e.part_number + "." + std::to_string(index);
      e.children.push_back(parse({part_begin, end}, depth + 1, number));
    };
    // The line break before a delimiter belongs to the delimiter (RFC 2046 §5.1.1).
    const auto before_delimiter = [&](std::uint64_t delimiter_begin) {
      return delimiter_begin >= prev_terminator ? delimiter_begin - prev_terminator : delimiter_begin;
    };

    while (reader.next(line)) {
      const Delimiter kind = classify(line, e.boundary, m_src);
      if (kind != Delimiter::none) {
        if (!seen_first) {
          e.preamble = {e.body.begin, std::max(e.body.begin, before_delimiter(line.begin))};
          seen_first = true;
        } else if (in_part) {
          add_child(before_delimiter(line.begin));
        }
        if (kind == Delimiter::close) {
          e.closed = true;
          e.epilogue = {line.end, e.body.end};
          return;
        }
        part_begin = line.end;
        in_part = true;
      }
      prev_terminator = line.end - line.content_end;
    }
    // No close delimiter: the last part runs to the end (lenient, like mail clients).
    if (in_part) {
      add_child(e.body.end);
    } else if (!seen_first) {
      e.preamble = e.body;
    }
  }

  const io::Source& m_src;
  const ParseLimits& m_limits;
  std::size_t m_parts = 0;
};

}  // namespace

Entity parse_entity(const io::Source& src, io::Range range, const ParseLimits& limits) {
  Parser parser(src, limits);
  return parser.parse(range, 0, "");
}

Entity parse_message(const io::Source& src, const ParseLimits& limits) {
  return parse_entity(src, {0, src.size()}, limits);
}

}  // namespace inkan::mime
