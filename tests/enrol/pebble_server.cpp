#include "pebble_server.h"

#include "http_client.h"
#include "support/process.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace inkan::test {
namespace {

// Asks the kernel for a free loopback port. Another process may take it before
// pebble binds; start() notices (pebble exits) and tries again with new ports.
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("bind failed");
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace

PebbleServer::PebbleServer(PebbleOptions options) {
  m_tls_cert = m_dir.file("tls.pem").string();
  m_tls_key = m_dir.file("tls.key").string();
  openssl_ok({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", m_tls_key, "-out",
              m_tls_cert, "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"});
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (start(options)) return;
  }
  throw std::runtime_error("pebble did not start:\n" + log());
}

PebbleServer::~PebbleServer() { stop(); }

std::string PebbleServer::directory_url() const { return "https://127.0.0.1:" + std::to_string(m_port) + "/dir"; }

std::string PebbleServer::log() const {
  try {
    return read_file(m_dir.file("pebble.log"));
  } catch (...) {
    return "(no log)";
  }
}

bool PebbleServer::start(const PebbleOptions& options) {
  m_port = free_port();
  m_management_port = free_port();
  nlohmann::json config{{"listenAddress", "127.0.0.1:" + std::to_string(m_port)},
                        {"managementListenAddress", "127.0.0.1:" + std::to_string(m_management_port)},
                        {"certificate", m_tls_cert},
                        {"privateKey", m_tls_key},
                        // Validation targets; never contacted with PEBBLE_VA_ALWAYS_VALID.
                        {"httpPort", 5002},
                        {"tlsPort", 5001},
                        {"ocspResponderURL", ""},
                        {"externalAccountBindingRequired", !options.eab_keys.empty()}};
  if (!options.eab_keys.empty()) config["externalAccountMACKeys"] = options.eab_keys;
  const std::string config_path = m_dir.put("pebble.json", nlohmann::json{{"pebble", config}}.dump(2));
  const std::string log_path = m_dir.file("pebble.log").string();

  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    if (entry.rfind("PEBBLE_", 0) != 0) env.push_back(entry);
  }
  for (const auto& e : options.env) env.push_back(e);
  std::vector<char*> c_env;
  for (auto& e : env) c_env.push_back(e.data());
  c_env.push_back(nullptr);
  std::string program = "pebble", flag = "-config", cfg = config_path;
  char* argv[] = {program.data(), flag.data(), cfg.data(), nullptr};

  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    const int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (log >= 0) {
      ::dup2(log, STDOUT_FILENO);
      ::dup2(log, STDERR_FILENO);
    }
    const int null = ::open("/dev/null", O_RDONLY);
    if (null >= 0) ::dup2(null, STDIN_FILENO);
    ::chdir(m_dir.path().c_str());
    environ = c_env.data();
    ::execvp("pebble", argv);
    ::_exit(127);
  }
  m_pid = pid;

  enrol::HttpOptions http;
  http.ca_file = m_tls_cert;
  http.timeout = std::chrono::seconds(2);
  http.connect_timeout = std::chrono::seconds(1);
  enrol::HttpClient client(http);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(m_pid, &status, WNOHANG) == m_pid) {
      m_pid = -1;  // exited: most likely a port was taken meanwhile
      return false;
    }
    const auto r = client.get(directory_url());
    if (r.ok() && r.status == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  stop();
  return false;
}

void PebbleServer::stop() {
  if (m_pid <= 0) return;
  ::kill(m_pid, SIGTERM);
  for (int i = 0; i < 50; ++i) {
    if (::waitpid(m_pid, nullptr, WNOHANG) == m_pid) {
      m_pid = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ::kill(m_pid, SIGKILL);
  ::waitpid(m_pid, nullptr, 0);
  m_pid = -1;
}

std::string PebbleServer::root_file() {
  enrol::HttpOptions http;
  http.ca_file = m_tls_cert;
  enrol::HttpClient client(http);
  const auto r = client.get("https://127.0.0.1:" + std::to_string(m_management_port) + "/roots/0");
  if (!r.ok() || r.status != 200) throw std::runtime_error("pebble /roots/0: " + r.error + " " + std::to_string(r.status));
  return m_dir.put("pebble-root.pem", r.body);
}

}  // namespace inkan::test
