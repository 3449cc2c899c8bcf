#include "framing.h"

#include "error.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#ifdef _WIN32
#include <fcntl.h>
#include <io.h>
#else
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>
#endif

namespace inkan::protocol {
namespace {

// Discarded frames are drained through a buffer this size: an oversized
// frame costs time, never memory.
constexpr std::size_t kDiscardPiece = 64 * 1024;
// After a frame larger than this, the buffer's memory is given back.
constexpr std::size_t kKeepCapacity = 4ULL << 20;

}  // namespace

std::size_t FdReader::read_some(char* out, std::size_t size) {
  for (;;) {
    const auto n = ::read(m_fd, out, size);
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno == EINTR) continue;
    throw Error(Errc::io_read, std::string("standard input: ") + std::strerror(errno));
  }
}

bool FdReader::wait_readable(int timeout_ms) const {
#ifdef _WIN32
  (void)timeout_ms;
  return true;
#else
  pollfd p{m_fd, POLLIN, 0};
  for (;;) {
    const int r = ::poll(&p, 1, timeout_ms);
    if (r >= 0) return r > 0;
    if (errno != EINTR) return true;  // let the read report the problem
  }
#endif
}

void FdWriter::write_all(std::string_view bytes) {
  while (!bytes.empty()) {
    const auto n = ::write(m_fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw ChannelClosed(std::string("standard output: ") + std::strerror(errno));
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

std::size_t MemoryReader::read_some(char* out, std::size_t size) {
  const std::size_t n = std::min(size, m_bytes.size());
  std::memcpy(out, m_bytes.data(), n);
  m_bytes.remove_prefix(n);
  return n;
}

std::size_t FrameReader::read_full(char* out, std::size_t size) {
  std::size_t got = 0;
  while (got < size) {
    const std::size_t n = m_in.read_some(out + got, size - got);
    if (n == 0) break;
    got += n;
  }
  return got;
}

FrameResult FrameReader::next(std::string& frame) {
  if (frame.capacity() > kKeepCapacity) std::string().swap(frame);
  frame.clear();
  char header[kFrameHeader];
  const std::size_t h = read_full(header, sizeof header);
  if (h == 0) return {FrameStatus::eof, 0};
  if (h < sizeof header) return {FrameStatus::truncated, 0};
  std::uint32_t length = 0;
  std::memcpy(&length, header, sizeof length);  // native byte order, as the WebExtension protocol says
  if (length > m_max) {
    char sink[kDiscardPiece];
    std::uint64_t left = length;
    while (left > 0) {
      const std::size_t n = read_full(sink, static_cast<std::size_t>(std::min<std::uint64_t>(left, sizeof sink)));
      if (n == 0) return {FrameStatus::truncated, length};
      left -= n;
    }
    return {FrameStatus::too_large, length};
  }
  frame.resize(length);
  if (read_full(frame.data(), length) < length) {
    frame.clear();
    return {FrameStatus::truncated, length};
  }
  return {FrameStatus::frame, length};
}

void FrameBuilder::reset() {
  if (m_buf.capacity() > kKeepCapacity) std::string().swap(m_buf);
  m_buf.assign(kFrameHeader, '\0');
}

std::string_view FrameBuilder::finish() {
  const std::size_t size = body_size();
  if (size > kMaxReplyFrame) throw Error(Errc::internal, "reply frame over 1 MiB");
  const auto length = static_cast<std::uint32_t>(size);
  std::memcpy(m_buf.data(), &length, sizeof length);
  return m_buf;
}

void write_frame(ByteWriter& out, std::string_view json) {
  if (json.size() > kMaxReplyFrame) throw Error(Errc::internal, "reply frame over 1 MiB");
  std::string frame(kFrameHeader, '\0');
  const auto length = static_cast<std::uint32_t>(json.size());
  std::memcpy(frame.data(), &length, sizeof length);
  frame.append(json);
  out.write_all(frame);
}

void prepare_stdio() {
#ifdef _WIN32
  _setmode(_fileno(stdin), _O_BINARY);
  _setmode(_fileno(stdout), _O_BINARY);
#elif defined(F_SETPIPE_SZ)
  // Thunderbird talks through pipes of 64 KiB; a 25 MB result then needs hundreds
  // of context switches. A 1 MiB pipe holds a whole chunk frame. Best effort:
  // the system may cap the size (fs.pipe-max-size) or the descriptor may not be a pipe.
  for (const int fd : {0, 1}) (void)::fcntl(fd, F_SETPIPE_SZ, 1 << 20);
#endif
}

}  // namespace inkan::protocol
