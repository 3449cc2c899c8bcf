#include "support/process.h"

#include "support/files.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>

extern char** environ;

namespace inkan::test {
namespace {

struct Pipe {
  int read = -1;
  int write = -1;
  Pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    read = fds[0];
    write = fds[1];
  }
};

std::vector<std::string> child_environment(const RunOptions& options) {
  std::vector<std::string> env;
  const auto name_of = [](const std::string& entry) { return entry.substr(0, entry.find('=')); };
  const auto overridden = [&](const std::string& name) {
    for (const auto& s : options.set_env) {
      if (name_of(s) == name) return true;
    }
    for (const auto& u : options.unset_env) {
      if (u == name) return true;
    }
    return false;
  };
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    if (!overridden(name_of(entry))) env.push_back(entry);
  }
  for (const auto& s : options.set_env) env.push_back(s);
  return env;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

RunResult run(const std::vector<std::string>& argv, const RunOptions& options) {
  if (argv.empty()) throw std::invalid_argument("run: empty argv");
  std::vector<std::string> args = argv;
  std::vector<std::string> env = child_environment(options);
  std::vector<char*> c_args = c_strings(args);
  std::vector<char*> c_env = c_strings(env);

  Pipe in, out, err;
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::setsid();  // no controlling terminal: a password prompt fails instead of waiting
    ::dup2(in.read, STDIN_FILENO);
    ::dup2(out.write, STDOUT_FILENO);
    ::dup2(err.write, STDERR_FILENO);
    if (!options.cwd.empty() && ::chdir(options.cwd.c_str()) != 0) ::_exit(126);
    if (argv[0].find('/') == std::string::npos) {
      environ = c_env.data();
      ::execvp(c_args[0], c_args.data());
    } else {
      ::execve(c_args[0], c_args.data(), c_env.data());
    }
    ::_exit(127);
  }
  ::close(in.read);
  ::close(out.write);
  ::close(err.write);

  RunResult result;
  std::size_t written = 0;
  int in_fd = in.write;
  if (options.input.empty()) {
    ::close(in_fd);
    in_fd = -1;
  } else {
    ::fcntl(in_fd, F_SETFL, O_NONBLOCK);
  }
  int out_fd = out.read;
  int err_fd = err.read;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(options.timeout_seconds);
  char buf[1 << 16];
  while (out_fd >= 0 || err_fd >= 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      result.timed_out = true;
      ::kill(pid, SIGKILL);
      break;
    }
    pollfd fds[3] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}, {in_fd, POLLOUT, 0}};
    const int n = ::poll(fds, 3, static_cast<int>(std::min<long long>(left.count(), 1000)));
    if (n < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      const ssize_t got = ::read(fds[i].fd, buf, sizeof buf);
      if (got > 0) {
        (i == 0 ? result.out : result.err).append(buf, static_cast<std::size_t>(got));
      } else if (got == 0 || errno != EINTR) {
        ::close(fds[i].fd);
        (i == 0 ? out_fd : err_fd) = -1;
      }
    }
    if (in_fd >= 0 && (fds[2].revents & (POLLOUT | POLLERR | POLLHUP)) != 0) {
      const ssize_t put = ::write(in_fd, options.input.data() + written, options.input.size() - written);
      if (put > 0) written += static_cast<std::size_t>(put);
      if (put < 0 && errno != EAGAIN && errno != EINTR) written = options.input.size();  // reader gone
      if (written >= options.input.size()) {
        ::close(in_fd);
        in_fd = -1;
      }
    }
  }
  for (const int fd : {in_fd, out_fd, err_fd}) {
    if (fd >= 0) ::close(fd);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && !result.timed_out) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  return result;
}

RunResult openssl(const std::vector<std::string>& args, const RunOptions& options) {
  std::vector<std::string> argv{"openssl"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv, options);
}

std::string openssl_ok(const std::vector<std::string>& args, const RunOptions& options) {
  const RunResult r = openssl(args, options);
  if (r.exit_code != 0) {
    std::string cmd = "openssl";
    for (const auto& a : args) cmd += " " + a;
    throw std::runtime_error(cmd + " failed: " + describe(r));
  }
  return r.out;
}

RunResult inkan_cli(const std::vector<std::string>& args, const RunOptions& options) {
  const std::string cli = env_or("INKAN_CLI");
  if (cli.empty()) throw std::runtime_error("INKAN_CLI is not set (run the tests through ctest)");
  std::vector<std::string> argv{cli};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv, options);
}

std::string describe(const RunResult& r) {
  std::string s = "exit=" + std::to_string(r.exit_code);
  if (r.signal != 0) s += " signal=" + std::to_string(r.signal);
  if (r.timed_out) s += " (timed out)";
  s += "\n--- stdout (" + std::to_string(r.out.size()) + " bytes) ---\n" + r.out.substr(0, 2000);
  s += "\n--- stderr ---\n" + r.err.substr(0, 2000);
  return s;
}

}  // namespace inkan::test
