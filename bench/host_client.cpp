// A native-messaging client for benchmarking inkan-host the way the add-on
// drives it: it starts the host, sends the message (inline, or in upload
// frames of --piece bytes, pipelined as a connectNative port does), reads the
// chunk frames back and writes the reassembled result. With --mode path the
// host reads and writes files itself (no base64 either way).
//
// usage: host_client --host BIN --op sign|encrypt --in FILE --out FILE --pki DIR
//                    [--mode stream|path] [--piece BYTES] [--report]
// --report prints one JSON line: wall time, the host's peak RSS (wait4), bytes.
#include "base64.h"
#include "framing.h"
#include "payload.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace inkan::protocol;

[[noreturn]] void die(const std::string& why) {
  std::cerr << "host_client: " << why << "\n";
  std::exit(1);
}

std::string json_string(const std::string& s) { return Json(s).dump(); }

struct Options {
  std::map<std::string, std::string> v;
  std::string get(const std::string& k, const std::string& fallback = {}) const {
    const auto it = v.find(k);
    if (it != v.end()) return it->second;
    if (fallback.empty()) die("missing --" + k);
    return fallback;
  }
};

class Frames {
public:
  explicit Frames(int fd) : m_fd(fd) {}
  void send(const std::string& body) {
    const auto n = static_cast<std::uint32_t>(body.size());
    std::string f(4, '\0');
    std::memcpy(f.data(), &n, 4);
    m_out.write_all(f);
    m_out.write_all(body);
  }

private:
  int m_fd;
  FdWriter m_out{m_fd};
};

}  // namespace

int main(int argc, char** argv) {
  Options o;
  bool report = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--report") {
      report = true;
    } else if (a.rfind("--", 0) == 0 && i + 1 < argc) {
      o.v[a.substr(2)] = argv[++i];
    } else {
      die("bad argument " + a);
    }
  }
  const std::string host = o.get("host"), op = o.get("op"), in = o.get("in"), out = o.get("out"), pki = o.get("pki");
  const std::string mode = o.get("mode", "stream");
  const std::size_t piece = std::stoul(o.get("piece", "1048576"));

  const auto start = std::chrono::steady_clock::now();
  int to_host[2], from_host[2];
  if (::pipe(to_host) != 0 || ::pipe(from_host) != 0) die("pipe");
  const pid_t pid = ::fork();
  if (pid < 0) die("fork");
  if (pid == 0) {
    ::dup2(to_host[0], 0);
    ::dup2(from_host[1], 1);
    for (int fd : {to_host[0], to_host[1], from_host[0], from_host[1]}) ::close(fd);
    ::execl(host.c_str(), host.c_str(), "/manifest.json", "inkan@inkan.org", static_cast<char*>(nullptr));
    _exit(127);
  }
  ::close(to_host[0]);
  ::close(from_host[1]);

  // The same key files openssl cms gets in the benchmark: a PEM key and its certificate.
  std::string key = R"({"pem":{"path":)" + json_string(pki + "/alice.key") + R"(},"cert":{"path":)" +
                    json_string(pki + "/alice.pem") + "}}";
  std::string params = op == "sign" ? R"("key":)" + key
                                    : R"("recipient_certs":[{"path":)" + json_string(pki + "/bob.pem") +
                                          R"(}],"self_cert":{"path":)" + json_string(pki + "/alice.pem") + "}";
  std::uint64_t uploads = 0;
  // The writer runs beside the reader, as a port's postMessage does: uploads are not
  // held back waiting for their replies.
  std::thread writer([&] {
    Frames frames(to_host[1]);
    if (mode == "path") {
      frames.send(R"({"id":"op","op":)" + json_string(op) + "," + params + R"(,"output":{"path":)" + json_string(out) +
                  R"(},"input":{"path":)" + json_string(in) + "}}");
    } else {
      const int fd = ::open(in.c_str(), O_RDONLY);
      if (fd < 0) die("cannot open " + in);
      std::vector<char> buf(piece);
      std::string body;
      std::vector<std::string> pieces;
      for (std::uint64_t seq = 0;; ++seq) {
        std::size_t got = 0;
        while (got < piece) {
          const auto n = ::read(fd, buf.data() + got, piece - got);
          if (n <= 0) break;
          got += static_cast<std::size_t>(n);
        }
        if (got == 0 && seq > 0) break;
        if (seq == 0 && got < piece) {  // small: inline, one frame
          body = R"({"id":"op","op":)" + json_string(op) + "," + params + R"(,"input":{"data":")";
          base64_append({buf.data(), got}, body);
          body += "\"}}";
          frames.send(body);
          ::close(fd);
          ::close(to_host[1]);
          return;
        }
        body = R"({"id":)" + std::to_string(seq) + R"(,"op":"upload","upload":"b","seq":)" + std::to_string(seq) +
               R"(,"data":")";
        base64_append({buf.data(), got}, body);
        body += "\"}";
        frames.send(body);
        ++uploads;
        if (got < piece) break;
      }
      ::close(fd);
      frames.send(R"({"id":"op","op":)" + json_string(op) + "," + params + R"(,"input":{"upload":"b"}})");
    }
    ::close(to_host[1]);
  });

  FdReader reader_fd(from_host[0]);
  FrameReader reader(reader_fd, 2 * kMaxReplyFrame);
  const int out_fd = mode == "path" ? -1 : ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<char> decoded(kMaxReplyFrame + 64);
  std::string frame;
  std::uint64_t out_bytes = 0;
  for (;;) {
    const FrameResult r = reader.next(frame);
    if (r.status != FrameStatus::frame) die("the host ended early");
    const ParsedFrame p = parse_frame(frame);
    if (p.json.contains("chunk")) {
      const long long n = base64_decode_into(p.payload, decoded.data());
      if (n < 0) die("bad chunk");
      FdWriter(out_fd).write_all({decoded.data(), static_cast<std::size_t>(n)});
      out_bytes += static_cast<std::uint64_t>(n);
      continue;
    }
    if (!p.json.value("ok", false)) die("error reply: " + p.json.dump());
    if (p.json["id"] == "op") {
      const auto& o2 = p.json["result"]["output"];
      if (mode != "path" && o2["bytes"].get<std::uint64_t>() != out_bytes) die("reassembly size mismatch");
      if (mode == "path") out_bytes = o2["bytes"].get<std::uint64_t>();
      break;
    }
  }
  writer.join();
  if (out_fd >= 0) ::close(out_fd);
  ::close(from_host[0]);
  int status = 0;
  rusage ru{};
  ::wait4(pid, &status, 0, &ru);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) die("host exit status " + std::to_string(status));
  if (report) {
    // CPU time separates the host's own work from waiting on a busy machine.
    const auto cpu_ms = [](const rusage& r) {
      return (static_cast<double>(r.ru_utime.tv_sec + r.ru_stime.tv_sec) * 1000.0) +
             static_cast<double>(r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1000.0;
    };
    rusage self{};
    ::getrusage(RUSAGE_SELF, &self);
    std::printf("{\"wall_ms\":%.2f,\"host_cpu_ms\":%.2f,\"client_cpu_ms\":%.2f,\"host_peak_rss_kib\":%ld,"
                "\"out_bytes\":%llu,\"upload_frames\":%llu,\"base64\":\"%s\"}\n",
                ms, cpu_ms(ru), cpu_ms(self), ru.ru_maxrss, static_cast<unsigned long long>(out_bytes),
                static_cast<unsigned long long>(uploads), base64_implementation());
  }
  return 0;
}
