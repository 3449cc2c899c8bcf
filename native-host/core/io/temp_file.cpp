#include "io/temp_file.h"

#include "error.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <utility>
#include <vector>

namespace inkan::io {

std::string temp_dir() {
  const char* dir = std::getenv("TMPDIR");
  return dir != nullptr && *dir != '\0' ? dir : "/tmp";
}

TempFile::TempFile() : m_fd(-1) {
  const std::string dir = temp_dir();
#ifdef O_TMPFILE
  m_fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
#endif
  if (m_fd < 0) {
    std::string pattern = dir + "/inkan-XXXXXX";
    std::vector<char> name(pattern.begin(), pattern.end());
    name.push_back('\0');
    m_fd = ::mkostemp(name.data(), O_CLOEXEC);
    if (m_fd >= 0) ::unlink(name.data());
  }
  if (m_fd < 0) throw Error(Errc::io_write, "temporary file in " + dir + ": " + std::strerror(errno));
}

TempFile::TempFile(TempFile&& other) noexcept
    : m_fd(std::exchange(other.m_fd, -1)), m_size(other.m_size) {}

TempFile::~TempFile() {
  if (m_fd >= 0) ::close(m_fd);
}

void TempFile::write(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(m_fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error(Errc::io_write, std::string("temporary file: ") + std::strerror(errno));
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
    m_size += static_cast<std::uint64_t>(n);
  }
}

void TempFile::truncate() {
  if (::ftruncate(m_fd, 0) != 0 || ::lseek(m_fd, 0, SEEK_SET) != 0) {
    throw Error(Errc::io_write, std::string("temporary file: ") + std::strerror(errno));
  }
  m_size = 0;
}

int TempFile::release_fd() { return std::exchange(m_fd, -1); }

}  // namespace inkan::io
