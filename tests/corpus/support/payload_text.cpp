#include "support/payload_text.h"

#include "error.h"
#include "mime/codec.h"
#include "mime/entity.h"

namespace inkan::corpus {
namespace {

constexpr std::uint64_t kMaxText = 64ULL << 20;
constexpr int kMaxAttachedDepth = 8;

void append_text_parts(const io::Source& src, io::Range range, std::string& out, int depth) {
  mime::Entity root;
  try {
    root = mime::parse_entity(src, range);
  } catch (const Error&) {
    return;  // not MIME: the raw bytes already hold whatever text there is
  }
  mime::walk(root, [&](const mime::Entity& part) {
    if (part.is_multipart()) return;
    if (part.type.is("message", "rfc822")) {
      if (depth < kMaxAttachedDepth) append_text_parts(src, part.body, out, depth + 1);
      return;
    }
    if (part.type.type != "text") return;
    const std::string body = io::read_range(src, part.body.begin, part.body.end, kMaxText);
    out += "\n";
    out += mime::decode_transfer_encoding(body, part.transfer_encoding);
  });
}

}  // namespace

std::string readable_text(const io::Source& src, io::Range range) {
  std::string out = io::read_range(src, range.begin, range.end, kMaxText);
  append_text_parts(src, range, out, 0);
  return out;
}

std::string readable_text(const io::Source& src) { return readable_text(src, {0, src.size()}); }

std::string normalise_line_ends(std::string text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    out.push_back(text[i]);
  }
  return out;
}

}  // namespace inkan::corpus
