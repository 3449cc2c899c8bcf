#include "store/durable_file.h"

#include "error.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace inkan::store {
namespace {

constexpr std::string_view kTempPrefix = ".tmp-";

std::string errno_text(const std::filesystem::path& path, int err) {
  return path.string() + ": " + std::strerror(err);
}

class Fd {
public:
  explicit Fd(int fd) : m_fd(fd) {}
  ~Fd() {
    if (m_fd >= 0) ::close(m_fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return m_fd; }
  int close_now() {
    const int rc = ::close(m_fd);
    m_fd = -1;
    return rc;
  }

private:
  int m_fd;
};

// A rename or unlink is durable only once the directory holding the entry is on disk.
void sync_dir(const std::filesystem::path& dir) {
  const Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) throw Error(Errc::io_write, errno_text(dir, errno));
  if (::fsync(fd.get()) != 0 && errno != EINVAL) throw Error(Errc::io_write, errno_text(dir, errno));
}

void write_all(int fd, std::string_view bytes, const std::filesystem::path& path) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error(Errc::io_write, errno_text(path, errno));
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

// The complete new file under a temporary name: written, fsynced and closed.
class StagedFile {
public:
  StagedFile(const std::filesystem::path& dir, std::string_view name, std::string_view bytes) {
    std::string pattern = (dir / (std::string(kTempPrefix) + std::string(name) + "-XXXXXX")).string();
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    // mkostemp opens with O_CREAT|O_EXCL and mode 0600.
    Fd fd(::mkostemp(buf.data(), O_CLOEXEC));
    if (fd.get() < 0) throw Error(Errc::io_write, errno_text(dir, errno));
    m_path = buf.data();
    try {
      if (::fchmod(fd.get(), 0600) != 0) throw Error(Errc::io_write, errno_text(m_path, errno));
      write_all(fd.get(), bytes, m_path);
      if (::fsync(fd.get()) != 0) throw Error(Errc::io_write, errno_text(m_path, errno));
      if (fd.close_now() != 0) throw Error(Errc::io_write, errno_text(m_path, errno));
    } catch (...) {
      ::unlink(m_path.c_str());
      throw;
    }
  }
  ~StagedFile() {
    if (!m_path.empty()) ::unlink(m_path.c_str());
  }
  StagedFile(const StagedFile&) = delete;
  StagedFile& operator=(const StagedFile&) = delete;

  const std::filesystem::path& path() const { return m_path; }
  void consumed() { m_path.clear(); }

private:
  std::filesystem::path m_path;
};

void make_dir(const std::filesystem::path& dir) {
  if (::mkdir(dir.c_str(), 0700) == 0) {
    sync_dir(dir.parent_path().empty() ? std::filesystem::path(".") : dir.parent_path());
    return;
  }
  if (errno == EEXIST) return;
  if (errno == ENOENT && dir.has_parent_path() && dir.parent_path() != dir) {
    make_dir(dir.parent_path());
    if (::mkdir(dir.c_str(), 0700) == 0 || errno == EEXIST) {
      sync_dir(dir.parent_path());
      return;
    }
  }
  throw Error(Errc::io_write, errno_text(dir, errno));
}

}  // namespace

bool is_temp_name(std::string_view name) { return name.substr(0, kTempPrefix.size()) == kTempPrefix; }

void ensure_private_dir(const std::filesystem::path& dir) {
  make_dir(dir);
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) throw Error(Errc::io_write, errno_text(dir, errno));
  if (!S_ISDIR(st.st_mode)) throw Error(Errc::store_corrupt, dir.string() + " is not a directory");
  // Keys are encrypted, but names, addresses and the unprotected store key are not: keep others out.
  if ((st.st_mode & 077) != 0 && st.st_uid == ::getuid() && ::chmod(dir.c_str(), 0700) != 0) {
    throw Error(Errc::io_write, errno_text(dir, errno));
  }
}

void replace_file(const std::filesystem::path& dir, std::string_view name, std::string_view bytes) {
  StagedFile staged(dir, name, bytes);
  const auto target = dir / std::string(name);
  if (::rename(staged.path().c_str(), target.c_str()) != 0) throw Error(Errc::io_write, errno_text(target, errno));
  staged.consumed();
  sync_dir(dir);
}

bool create_file(const std::filesystem::path& dir, std::string_view name, std::string_view bytes) {
  StagedFile staged(dir, name, bytes);
  const auto target = dir / std::string(name);
  // link() fails with EEXIST instead of replacing: an existing file is never overwritten,
  // even by a writer that skipped the lock.
  if (::link(staged.path().c_str(), target.c_str()) != 0) {
    if (errno == EEXIST) return false;
    if (errno != EPERM && errno != ENOTSUP && errno != EOPNOTSUPP) throw Error(Errc::io_write, errno_text(target, errno));
    // A file system without hard links: the write lock makes check-then-rename safe.
    struct stat st {};
    if (::lstat(target.c_str(), &st) == 0) return false;
    if (::rename(staged.path().c_str(), target.c_str()) != 0) throw Error(Errc::io_write, errno_text(target, errno));
    staged.consumed();
  } else {
    ::unlink(staged.path().c_str());
    staged.consumed();
  }
  sync_dir(dir);
  return true;
}

bool remove_file(const std::filesystem::path& dir, std::string_view name) {
  const auto target = dir / std::string(name);
  if (::unlink(target.c_str()) != 0) {
    if (errno == ENOENT) return false;
    throw Error(Errc::io_write, errno_text(target, errno));
  }
  sync_dir(dir);
  return true;
}

void remove_temp_debris(const std::filesystem::path& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return;
  std::vector<std::string> debris;
  while (const dirent* e = ::readdir(d)) {
    if (is_temp_name(e->d_name)) debris.emplace_back(e->d_name);
  }
  ::closedir(d);
  for (const auto& name : debris) ::unlink((dir / name).c_str());
  if (!debris.empty()) sync_dir(dir);
}

std::optional<std::string> read_store_file(const std::filesystem::path& path, std::size_t max_bytes) {
  const Fd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return std::nullopt;
    if (errno == ELOOP) throw Error(Errc::store_corrupt, path.string() + " is a symbolic link");
    throw Error(Errc::io_read, errno_text(path, errno));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) throw Error(Errc::io_read, errno_text(path, errno));
  if (!S_ISREG(st.st_mode)) throw Error(Errc::store_corrupt, path.string() + " is not a regular file");
  if (static_cast<std::uint64_t>(st.st_size) > max_bytes) throw Error(Errc::store_corrupt, path.string() + " is too large");
  std::string out;
  char buf[16384];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error(Errc::io_read, errno_text(path, errno));
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
    if (out.size() > max_bytes) throw Error(Errc::store_corrupt, path.string() + " is too large");
  }
  return out;
}

std::vector<std::string> list_names(const std::filesystem::path& dir) {
  std::vector<std::string> out;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    if (errno == ENOENT) return out;
    throw Error(Errc::io_read, errno_text(dir, errno));
  }
  while (const dirent* e = ::readdir(d)) {
    if (e->d_name[0] == '.') continue;  // ".", "..", temporary files
    out.emplace_back(e->d_name);
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace inkan::store
