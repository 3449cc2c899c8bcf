#include "store/write_lock.h"

#include "store/durable_file.h"
#include "error.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>
#include <thread>

namespace inkan::store {

WriteLock::WriteLock(const std::filesystem::path& root, std::chrono::milliseconds wait) {
  ensure_private_dir(root);
  const auto path = root / "lock";
  m_fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (m_fd < 0) throw Error(Errc::io_write, path.string() + ": " + std::strerror(errno));
  const auto deadline = std::chrono::steady_clock::now() + wait;
  // Jittered polling instead of a blocking flock: the wait stays bounded, and
  // waiting writers do not wake up in lock step.
  std::minstd_rand jitter(static_cast<unsigned>(::getpid()));
  for (;;) {
    if (::flock(m_fd, LOCK_EX | LOCK_NB) == 0) return;
    if (errno == EINTR) continue;
    if (errno != EWOULDBLOCK) {
      const int saved = errno;
      ::close(m_fd);
      throw Error(Errc::io_write, path.string() + ": " + std::strerror(saved));
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      ::close(m_fd);
      throw Error(Errc::store_busy, "waited " + std::to_string(wait.count()) + " ms for " + path.string());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5 + jitter() % 20));
  }
}

WriteLock::~WriteLock() {
  if (m_fd >= 0) ::close(m_fd);  // closing the descriptor releases the flock
}

}  // namespace inkan::store
