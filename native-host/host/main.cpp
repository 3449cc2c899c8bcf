// inkan-host: what Thunderbird starts for the add-on (docs/protocol.md).
//   inkan-host [MANIFEST_PATH EXTENSION_ID]  native messaging on stdin/stdout (Thunderbird's way)
//   inkan-host --single                      one plain JSON request on stdin, replies as JSON lines
//   inkan-host --version | --help
// Start-up does nothing a request has not asked for yet: no trust store, no
// providers, no spool folder until an op needs them.
#include "dispatcher.h"
#include "host_loop.h"
#include "ossl/library.h"

#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>

#ifndef INKAN_VERSION
#define INKAN_VERSION "0.0.0"
#endif

namespace {

constexpr std::string_view kUsage =
    "usage: inkan-host                 native messaging on stdin/stdout (started by Thunderbird)\n"
    "       inkan-host --single        one JSON request on stdin; replies as JSON lines on stdout\n"
    "       inkan-host --version\n"
    "Environment: INKAN_HOST_LOG (log file, else stderr), INKAN_HOST_MAX_FRAME (bytes, at most 64 MiB),\n"
    "INKAN_HOST_SPOOL (spool folder). The protocol is in docs/protocol.md; {\"op\":\"help\"} lists the ops.\n";

inkan::protocol::SessionConfig config_from_environment() {
  inkan::protocol::SessionConfig config;
  config.max_frame = inkan::protocol::kDefaultMaxRequestFrame;
  if (const char* v = std::getenv("INKAN_HOST_MAX_FRAME"); v != nullptr && *v != '\0') {
    char* end = nullptr;
    const unsigned long long n = std::strtoull(v, &end, 10);
    if (end != nullptr && *end == '\0' && n > 0 && n < config.max_frame) config.max_frame = static_cast<std::size_t>(n);
  }
  if (const char* s = std::getenv("INKAN_HOST_SPOOL"); s != nullptr && *s == '/') config.spool_dir = s;
  return config;
}

std::string read_all_stdin(std::size_t limit) {
  std::string text;
  char buf[1 << 16];
  for (;;) {
    const auto n = ::read(STDIN_FILENO, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
    if (text.size() > limit) break;  // serve_single answers FRAME_TOO_LARGE
  }
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  inkan::ossl::skip_error_strings();
  // A crash must not write unlocked keys to disk in a core file; a closed pipe is an
  // error to report, not a signal to die of.
  const rlimit no_core{0, 0};
  ::setrlimit(RLIMIT_CORE, &no_core);
  std::signal(SIGPIPE, SIG_IGN);

  bool single = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--version") {
      std::cout << "inkan-host " << INKAN_VERSION << " (protocol " << inkan::protocol::kProtocolVersion << ")\n";
      return 0;
    }
    if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      return 0;
    }
    if (arg == "--single") {
      single = true;
      continue;
    }
    if (arg.rfind("--", 0) == 0) {
      std::cerr << kUsage;
      return 2;
    }
    // Thunderbird passes the manifest path and the extension id (Windows: also a window handle).
  }

  inkan::protocol::Session session(config_from_environment());
  inkan::protocol::Log log = inkan::protocol::Log::from_environment();
  inkan::protocol::FdWriter out(STDOUT_FILENO);
  if (single) return inkan::protocol::serve_single(read_all_stdin(session.config().max_frame), out, session, log);
  inkan::protocol::prepare_stdio();
  inkan::protocol::FdReader in(STDIN_FILENO);
  return inkan::protocol::serve(in, out, session, log, &in);
}
