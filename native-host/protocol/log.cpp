#include "log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <utility>

namespace inkan::protocol {

Log Log::from_environment() {
  const char* path = std::getenv("INKAN_HOST_LOG");
  if (path == nullptr || *path == '\0') return Log(STDERR_FILENO);
  const int fd = ::open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return Log(STDERR_FILENO);
  Log log(fd);
  log.m_owned = true;
  return log;
}

Log::Log(Log&& other) noexcept : m_fd(std::exchange(other.m_fd, -2)), m_owned(std::exchange(other.m_owned, false)) {}

Log::~Log() {
  if (m_owned) ::close(m_fd);
}

void Log::line(std::string_view text) {
  if (m_fd < 0) return;
  std::string out = "inkan-host: ";
  out.append(text);
  out.push_back('\n');
  // One write per line, so lines from a log shared by several hosts do not interleave;
  // a log that cannot be written is not worth failing a request for.
  const auto n = ::write(m_fd, out.data(), out.size());
  (void)n;
}

std::string loggable(std::string_view text) {
  std::string out;
  for (const char c : text.substr(0, 64)) out.push_back(c > 0x20 && c < 0x7f && c != '"' ? c : '?');
  return out;
}

}  // namespace inkan::protocol
