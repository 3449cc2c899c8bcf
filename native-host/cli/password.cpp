#include "password.h"

#include "error.h"
#include "io/source.h"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace inkan::cli {
namespace {

std::string first_line(std::string text) {
  const auto nl = text.find_first_of("\r\n");
  if (nl != std::string::npos) text.resize(nl);
  return text;
}

std::string read_fd(int fd) {
  std::string out;
  char buf[256];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
    if (out.find('\n') != std::string::npos || out.size() > 4096) break;
  }
  return out;
}

}  // namespace

PasswordSource::PasswordSource(const Args& args, const std::string& prefix) {
  m_env = args.value(prefix + "-env");
  if (const auto fd = args.value(prefix + "-fd")) {
    char* end = nullptr;
    const long v = std::strtol(fd->c_str(), &end, 10);
    if (end == fd->c_str() || *end != '\0' || v < 0 || v > 65535) throw Error(Errc::usage, prefix + "-fd needs a number");
    m_fd = static_cast<int>(v);
  }
  m_file = args.value(prefix + "-file");
  m_explicit = m_env || m_fd || m_file;
  if ((m_env ? 1 : 0) + (m_fd ? 1 : 0) + (m_file ? 1 : 0) > 1) {
    throw Error(Errc::usage, "give only one of " + prefix + "-env, " + prefix + "-fd, " + prefix + "-file");
  }
}

std::optional<std::string> PasswordSource::given() {
  if (m_cached) return m_cached;
  if (m_env) {
    const char* v = std::getenv(m_env->c_str());
    if (v == nullptr) throw Error(Errc::password_required, "environment variable " + *m_env + " is not set");
    m_cached = v;
  } else if (m_fd) {
    m_cached = first_line(read_fd(*m_fd));
  } else if (m_file) {
    m_cached = first_line(io::read_file(*m_file, 1 << 16));
  }
  return m_cached;
}

std::optional<std::string> PasswordSource::prompt(const std::string& what) const {
  return ask("Password for " + what + ": ");
}

std::optional<std::string> PasswordSource::ask(const std::string& question) {
  const int tty = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
  if (tty < 0) return std::nullopt;
  (void)!::write(tty, question.data(), question.size());
  termios old {};
  const bool have_termios = ::tcgetattr(tty, &old) == 0;
  if (have_termios) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(tty, TCSAFLUSH, &quiet);
  }
  std::string answer = first_line(read_fd(tty));
  if (have_termios) ::tcsetattr(tty, TCSAFLUSH, &old);
  (void)!::write(tty, "\n", 1);
  ::close(tty);
  return answer;
}

}  // namespace inkan::cli
