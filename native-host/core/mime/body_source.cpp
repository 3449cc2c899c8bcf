#include "mime/body_source.h"

#include "error.h"

#include <algorithm>
#include <cstring>

namespace inkan::mime {
namespace {

constexpr std::size_t kInput = 1 << 16;

}  // namespace

std::uint64_t Base64BodySource::size() const {
  if (m_ended) return m_buf_off + m_buf.size();
  return m_buf_off + m_buf.size() + (m_body.end - m_in_pos) / 4 * 3 + 3;
}

bool Base64BodySource::fill() const {
  if (m_ended) return false;
  if (m_in_pos >= m_body.end) {
    m_ended = true;
    return false;
  }
  // Drop what will not be read again before the window grows.
  if (m_floor > m_buf_off) {
    const auto drop = static_cast<std::size_t>(std::min<std::uint64_t>(m_floor - m_buf_off, m_buf.size()));
    if (drop >= m_buf.size() / 2) {
      m_buf.erase(0, drop);
      m_buf_off += drop;
    }
  }
  m_in.resize(static_cast<std::size_t>(std::min<std::uint64_t>(kInput, m_body.end - m_in_pos)));
  const std::size_t got = m_src.read_at(m_in_pos, {m_in.data(), m_in.size()});
  if (got == 0) {  // the source is shorter than its entity said
    m_ended = true;
    return false;
  }
  m_in_pos += got;
  m_decoder.update(std::string_view(m_in.data(), got), m_buf);
  return true;
}

std::size_t Base64BodySource::read_at(std::uint64_t offset, std::span<char> out) const {
  if (offset < m_buf_off) throw Error(Errc::internal, "a streamed body was read behind its window");
  while (offset + out.size() > m_buf_off + m_buf.size() && fill()) {
  }
  const std::uint64_t end = m_buf_off + m_buf.size();
  if (offset >= end) return 0;
  const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(out.size(), end - offset));
  std::memcpy(out.data(), m_buf.data() + (offset - m_buf_off), n);
  return n;
}

void Base64BodySource::release_before(std::uint64_t offset) const { m_floor = std::max(m_floor, offset); }

}  // namespace inkan::mime
