#include "io/async_lanes.h"

#include <algorithm>
#include <cstring>

namespace inkan::io {

AsyncLanes::AsyncLanes(Sink& first, Sink& second, std::size_t buffer_bytes)
    : m_demux(first, second), m_async(m_demux, buffer_bytes), m_lanes{Lane(*this, 0), Lane(*this, 1)} {}

void AsyncLanes::Lane::write(std::string_view bytes) {
  if (bytes.empty()) return;
  char header[kHeader];
  header[0] = static_cast<char>(m_number);
  const std::uint64_t size = bytes.size();
  std::memcpy(header + 1, &size, sizeof size);  // read back by the same process: native order
  m_owner.m_async.write({header, kHeader});
  m_owner.m_async.write(bytes);
}

void AsyncLanes::Demux::write(std::string_view bytes) {
  while (!bytes.empty()) {
    if (m_left == 0) {
      const std::size_t take = std::min(bytes.size(), kHeader - m_header.size());
      m_header.append(bytes.substr(0, take));
      bytes.remove_prefix(take);
      if (m_header.size() < kHeader) return;
      m_current = m_targets[static_cast<std::uint8_t>(m_header[0])];
      std::memcpy(&m_left, m_header.data() + 1, sizeof m_left);
      m_header.clear();
      continue;
    }
    const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(bytes.size(), m_left));
    m_current->write(bytes.substr(0, take));
    bytes.remove_prefix(take);
    m_left -= take;
  }
}

}  // namespace inkan::io
