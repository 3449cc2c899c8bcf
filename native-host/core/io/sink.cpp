#include "io/sink.h"

#include "error.h"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

namespace inkan::io {
namespace {

void write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error(Errc::io_write, std::strerror(errno));
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

// A Source over the same open file, by a descriptor of its own (pread: no shared offset is moved).
std::unique_ptr<Source> source_over(int fd) {
  const int dup = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (dup < 0) throw Error(Errc::io_read, std::strerror(errno));
  return std::make_unique<FileSource>(dup);
}

// The not yet committed file of an Output: buffered writes, readable before the rename.
class TempPathSink final : public ReadableSink {
public:
  explicit TempPathSink(int fd) : m_fd(fd), m_out(fd) {}
  void write(std::string_view bytes) override { m_out.write(bytes); }
  void flush() override { m_out.flush(); }
  void write_from(const Source& src, Range range) override { m_out.write_from(src, range); }
  std::unique_ptr<Source> to_source() override {
    m_out.flush();
    return source_over(m_fd);
  }
  void restart() override {
    m_out.flush();
    if (::ftruncate(m_fd, 0) != 0 || ::lseek(m_fd, 0, SEEK_SET) != 0) throw Error(Errc::io_write, std::strerror(errno));
  }

private:
  int m_fd;
  FdSink m_out;
};

std::string parent_dir(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

void Sink::write_from(const Source& src, Range range) {
  std::string buf(static_cast<std::size_t>(std::min<std::uint64_t>(range.size(), 1 << 16)), '\0');
  for (std::uint64_t pos = range.begin; pos < range.end;) {
    const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), range.end - pos));
    const std::size_t got = src.read_at(pos, {buf.data(), want});
    if (got == 0) throw Error(Errc::io_read, "the input ended early");
    write({buf.data(), got});
    pos += got;
  }
}

FdSink::~FdSink() {
  try {
    flush();
  } catch (...) {  // destructors must not throw; the caller flushes explicitly
  }
}

void FdSink::write(std::string_view bytes) {
  // Large pieces go out directly: copying them into the buffer first would only cost time.
  if (bytes.size() >= kBuffer / 2) {
    flush();
    write_all(m_fd, bytes);
    return;
  }
  if (m_buf.size() + bytes.size() > kBuffer) flush();
  m_buf.append(bytes);
}

void FdSink::write_from(const Source& src, Range range) {
  const auto* file = dynamic_cast<const FileSource*>(&src);
  if (file == nullptr || range.size() < kBuffer) return Sink::write_from(src, range);
  flush();
  auto offset = static_cast<loff_t>(range.begin);
  const auto end = static_cast<loff_t>(range.end);
  while (offset < end) {
    const ssize_t n = ::copy_file_range(file->descriptor(), &offset, m_fd, nullptr, static_cast<std::size_t>(end - offset), 0);
    if (n > 0) continue;
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EXDEV || errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP || errno == EBADF)) {
      // Not between these two files (a pipe, another kind of file system): copy by hand.
      return Sink::write_from(src, {static_cast<std::uint64_t>(offset), range.end});
    }
    if (n == 0) throw Error(Errc::io_read, "the input ended early");
    throw Error(Errc::io_write, std::strerror(errno));
  }
}

void FdSink::flush() {
  if (m_buf.empty()) return;
  std::string pending;
  pending.swap(m_buf);
  m_buf.reserve(kBuffer);
  write_all(m_fd, pending);
}

void SpoolSink::write(std::string_view bytes) {
  if (bytes.size() >= (1 << 15)) {  // large pieces go to the file directly
    flush();
    m_file.write(bytes);
    return;
  }
  m_buf.append(bytes);
  if (m_buf.size() >= (1 << 16)) flush();
}

void SpoolSink::flush() {
  if (m_buf.empty()) return;
  m_file.write(m_buf);
  m_buf.clear();
}

void SpoolSink::restart() {
  m_buf.clear();
  m_file.truncate();
}

void SpoolSink::copy_to(Sink& out) const {
  std::string chunk(1 << 16, '\0');
  std::uint64_t offset = 0;
  for (;;) {
    const ssize_t n = ::pread(m_file.fd(), chunk.data(), chunk.size(), static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error(Errc::io_read, std::strerror(errno));
    }
    if (n == 0) break;
    out.write({chunk.data(), static_cast<std::size_t>(n)});
    offset += static_cast<std::uint64_t>(n);
  }
  out.write(m_buf);
}

std::unique_ptr<Source> SpoolSink::to_source() {
  flush();
  return source_over(m_file.fd());
}

namespace {

// The name under which the kernel shows an open descriptor (and links it).
std::string fd_path(int fd) { return "/proc/self/fd/" + std::to_string(fd); }

// A new file beside `path` with a unique name (PATH.tmp-XXXXXX); returns its descriptor.
int make_named_temp(const std::string& path, std::string& temp_path) {
  std::string pattern = path + ".tmp-XXXXXX";
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  const int fd = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd >= 0) temp_path = name.data();
  return fd;
}

// A file without a name in the folder of `path` (O_TMPFILE), or -1 where the file
// system or the kernel has none. Until it is linked at commit, a crash of the process
// (a signal, the OOM killer, a power cut) leaves nothing behind: no half message, no
// partial plaintext under a temporary name. Naming it later goes through
// /proc/self/fd, so it is used only where that resolves.
int make_unnamed_temp(const std::string& path, unsigned mode) {
#ifdef O_TMPFILE
  const int fd = ::open(parent_dir(path).c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, static_cast<mode_t>(mode));
  if (fd < 0) return -1;
  struct stat st {};
  if (::stat(fd_path(fd).c_str(), &st) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
#else
  (void)path;
  (void)mode;
  return -1;
#endif
}

}  // namespace

Output::Output(const std::string& path, unsigned mode, Durability durability) : m_path(path), m_durability(durability) {
  if (path.empty() || path == "-") {
    m_sink = std::make_unique<SpoolSink>();
    return;
  }
  m_fd = make_unnamed_temp(path, mode);
  if (m_fd < 0) m_fd = make_named_temp(path, m_temp_path);
  if (m_fd < 0) throw Error(Errc::io_write, path + ": " + std::strerror(errno));
  ::fchmod(m_fd, static_cast<mode_t>(mode));
  m_sink = std::make_unique<TempPathSink>(m_fd);
}

Output::~Output() {
  if (m_committed) return;
  m_sink.reset();
  if (m_fd >= 0) {
    ::close(m_fd);
    if (!m_temp_path.empty()) ::unlink(m_temp_path.c_str());
  }
}

void Output::give_name() {
  // linkat cannot replace a file: the complete file is linked under a free temporary
  // name, then renamed over the target. Only a complete file ever has a name.
  const std::string self = fd_path(m_fd);
  static constexpr char kLetters[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  for (int attempt = 0; attempt < 100; ++attempt) {
    unsigned char random[6];
    if (::getrandom(random, sizeof random, 0) != static_cast<ssize_t>(sizeof random)) {
      throw Error(Errc::io_write, m_path + ": " + std::strerror(errno));
    }
    std::string name = m_path + ".tmp-";
    for (const unsigned char r : random) name += kLetters[r % (sizeof kLetters - 1)];
    if (::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, name.c_str(), AT_SYMLINK_FOLLOW) == 0) {
      m_temp_path = std::move(name);
      return;
    }
    if (errno != EEXIST) throw Error(Errc::io_write, m_path + ": " + std::strerror(errno));
  }
  throw Error(Errc::io_write, m_path + ": no free temporary name");
}

void Output::commit() {
  m_sink->flush();
  if (m_fd < 0) {
    FdSink out(STDOUT_FILENO);
    static_cast<SpoolSink&>(*m_sink).copy_to(out);
    out.flush();
    m_committed = true;
    return;
  }
  const bool synced = m_durability == Durability::synced;
  if (synced && ::fsync(m_fd) != 0) throw Error(Errc::io_write, m_path + ": " + std::strerror(errno));
  if (m_temp_path.empty()) give_name();
  m_sink.reset();
  ::close(m_fd);
  m_fd = -1;
  if (::rename(m_temp_path.c_str(), m_path.c_str()) != 0) {
    const int saved = errno;
    ::unlink(m_temp_path.c_str());
    throw Error(Errc::io_write, m_path + ": " + std::strerror(saved));
  }
  if (!synced) {
    m_committed = true;
    return;
  }
  // Make the rename itself durable.
  const int dir = ::open(parent_dir(m_path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  m_committed = true;
}

}  // namespace inkan::io
