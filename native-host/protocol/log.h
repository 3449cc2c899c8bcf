// The host's log: one line per request (op, id, sizes, durations, error
// code) on stderr, which Thunderbird shows in its error console, or in the
// file named by INKAN_HOST_LOG. Never message text, keys or passwords:
// callers pass only the fields below.
#pragma once

#include <string>
#include <string_view>

namespace inkan::protocol {

class Log {
public:
  /** INKAN_HOST_LOG (appended to, created 0600) if set, else stderr. */
  static Log from_environment();
  /** A log that writes nowhere (fuzzing). */
  static Log none() { return Log(-2); }
  Log(const Log&) = delete;
  Log& operator=(const Log&) = delete;
  Log(Log&& other) noexcept;
  Log& operator=(Log&&) = delete;
  ~Log();

  void line(std::string_view text);

private:
  explicit Log(int fd) : m_fd(fd) {}
  int m_fd;  // -2: discard
  bool m_owned = false;
};

/** A client-chosen id made safe for a log line (printable ASCII, at most 64 characters). */
std::string loggable(std::string_view text);

}  // namespace inkan::protocol
