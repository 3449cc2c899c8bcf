#include "io/source.h"

#include "error.h"
#include "io/temp_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

namespace inkan::io {
namespace {

std::size_t copy_out(std::string_view bytes, std::uint64_t offset, std::span<char> out) {
  if (offset >= bytes.size()) return 0;
  const auto n = std::min<std::uint64_t>(out.size(), bytes.size() - offset);
  std::memcpy(out.data(), bytes.data() + offset, static_cast<std::size_t>(n));
  return static_cast<std::size_t>(n);
}

[[noreturn]] void refuse_non_regular(const std::string& path, const struct stat& st) {
  if (S_ISDIR(st.st_mode)) throw Error(Errc::io_read, path + ": is a directory");
  throw Error(Errc::io_read, path + ": not a regular file");
}

}  // namespace

std::size_t MemorySource::read_at(std::uint64_t offset, std::span<char> out) const {
  return copy_out(m_bytes, offset, out);
}

std::size_t ViewSource::read_at(std::uint64_t offset, std::span<char> out) const {
  return copy_out(m_bytes, offset, out);
}

FileSource::FileSource(int fd) : m_fd(fd), m_size(0) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    throw Error(Errc::io_read, std::strerror(errno));
  }
  m_size = static_cast<std::uint64_t>(st.st_size);
}

FileSource::~FileSource() { ::close(m_fd); }

std::size_t FileSource::read_at(std::uint64_t offset, std::span<char> out) const {
  if (offset >= m_size || out.empty()) return 0;
  const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(out.size(), m_size - offset));
  std::size_t got = 0;
  while (got < want) {
    const ssize_t n = ::pread(m_fd, out.data() + got, want - got, static_cast<off_t>(offset + got));
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error(Errc::io_read, std::strerror(errno));
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  return got;
}

std::unique_ptr<Source> open_input(const std::string& path) {
  int fd = -1;
  if (path == "-") {
    fd = ::dup(STDIN_FILENO);
  } else {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) throw Error(Errc::file_not_found, path);
  }
  if (fd < 0) throw Error(Errc::io_read, path + ": " + std::strerror(errno));

  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    throw Error(Errc::io_read, std::strerror(errno));
  }
  if (S_ISREG(st.st_mode)) return std::make_unique<FileSource>(fd);
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    throw Error(Errc::io_read, path + ": is a directory");
  }

  // Not seekable: copy into a private temporary file.
  TempFile spool;
  std::vector<char> buf(1 << 16);
  for (;;) {
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      const int saved = errno;
      ::close(fd);
      throw Error(Errc::io_read, std::strerror(saved));
    }
    if (n == 0) break;
    spool.write({buf.data(), static_cast<std::size_t>(n)});
  }
  ::close(fd);
  return std::make_unique<FileSource>(spool.release_fd());
}

std::unique_ptr<Source> open_regular_file(const std::string& path) {
  // stat first, so a device is never even opened (opening some has effects);
  // then fstat the descriptor, since the name may have changed in between.
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) throw Error(Errc::file_not_found, path);
    throw Error(Errc::io_read, path + ": " + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) refuse_non_regular(path, st);
  // O_NONBLOCK: a FIFO swapped in after the stat must not block the open.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) {
    if (errno == ENOENT) throw Error(Errc::file_not_found, path);
    throw Error(Errc::io_read, path + ": " + std::strerror(errno));
  }
  if (::fstat(fd, &st) != 0) {
    const int saved = errno;
    ::close(fd);
    throw Error(Errc::io_read, path + ": " + std::strerror(saved));
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    refuse_non_regular(path, st);
  }
  return std::make_unique<FileSource>(fd);
}

std::string read_range(const Source& src, std::uint64_t begin, std::uint64_t end,
                       std::uint64_t max_bytes) {
  if (end < begin) end = begin;
  if (end - begin > max_bytes) {
    throw Error(Errc::input_too_large, std::to_string(end - begin) + " bytes");
  }
  std::string out(static_cast<std::size_t>(end - begin), '\0');
  std::size_t got = 0;
  while (got < out.size()) {
    const std::size_t n = src.read_at(begin + got, {out.data() + got, out.size() - got});
    if (n == 0) break;
    got += n;
  }
  out.resize(got);
  return out;
}

std::string read_file(const std::string& path, std::uint64_t max_bytes) {
  const auto src = open_input(path);
  return read_range(*src, 0, src->size(), max_bytes);
}

}  // namespace inkan::io
