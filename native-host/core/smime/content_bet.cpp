#include "smime/content_bet.h"

#include "io/sink.h"
#include "mime/headers.h"
#include "smime/canonical.h"

#include <algorithm>
#include <cstring>

namespace inkan::smime {
namespace {

// Compares what the Canonicalizer writes with the bet: `headers`, then the source
// from `body_begin` to `body_end`. A range of the source written at its own place
// matches without being read; anything else is compared byte by byte. The first
// difference ends the comparison (thrown as Mismatch: nothing else is learnt).
class BetCheck final : public io::Sink {
public:
  struct Mismatch {};

  BetCheck(const io::Source& src, std::string_view headers, std::uint64_t body_begin, std::uint64_t body_end)
      : m_src(src), m_headers(headers), m_body_begin(body_begin), m_size(headers.size() + (body_end - body_begin)) {}

  void write(std::string_view bytes) override {
    if (bytes.size() > m_size - m_pos) throw Mismatch{};
    while (!bytes.empty()) {
      if (m_pos < m_headers.size()) {
        const std::size_t n = std::min(bytes.size(), static_cast<std::size_t>(m_headers.size() - m_pos));
        if (bytes.substr(0, n) != m_headers.substr(static_cast<std::size_t>(m_pos), n)) throw Mismatch{};
        m_pos += n;
        bytes.remove_prefix(n);
        continue;
      }
      char buf[4096];
      const std::size_t want = std::min(bytes.size(), sizeof buf);
      if (m_src.read_at(body_offset(), {buf, want}) != want || std::memcmp(buf, bytes.data(), want) != 0) {
        throw Mismatch{};
      }
      m_pos += want;
      bytes.remove_prefix(want);
    }
  }

  void write_from(const io::Source& src, io::Range range) override {
    if (&src == &m_src && m_pos >= m_headers.size() && range.begin == body_offset() && range.size() <= m_size - m_pos) {
      m_pos += range.size();  // the same bytes at the same place
      return;
    }
    io::Sink::write_from(src, range);
  }

  bool complete() const { return m_pos == m_size; }

private:
  std::uint64_t body_offset() const { return m_body_begin + (m_pos - m_headers.size()); }

  const io::Source& m_src;
  std::string_view m_headers;
  std::uint64_t m_body_begin;
  std::uint64_t m_size;
  std::uint64_t m_pos = 0;
};

// Below this a second thread costs more than the read it saves.
constexpr std::uint64_t kWorthABet = 256 << 10;

}  // namespace

std::optional<ContentBet> ContentBet::make(const io::Source& src) {
  if (src.size() < kWorthABet) return std::nullopt;
  const mime::HeaderBlock block = mime::parse_header_block(src, {0, src.size()});
  mime::Entity root;  // what the split will find at the top: only the headers are needed
  root.headers = block.headers;
  root.type = mime::content_type_of(block.headers);
  root.transfer_encoding = mime::transfer_encoding_of(block.headers);
  root.boundary = root.type.param("boundary");
  if (!root.is_multipart()) return std::nullopt;
  std::string headers;
  io::StringSink sink(headers);
  Canonicalizer canon(src, sink);
  canon.write_multipart_content_headers(root);
  canon.flush();
  return ContentBet(src, std::move(root), std::move(headers), block.body_begin);
}

bool ContentBet::holds(const mime::Entity& root) const {
  if (!root.is_multipart() || root.body.begin != m_body_begin || root.body.end != m_src->size()) return false;
  BetCheck check(*m_src, m_headers, root.body.begin, root.body.end);
  try {
    Canonicalizer canon(*m_src, check);
    canon.write_content_part(root);
    canon.flush();
  } catch (const BetCheck::Mismatch&) {
    return false;
  }
  return check.complete();
}

}  // namespace inkan::smime
