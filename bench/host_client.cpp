// A native-messaging client for benchmarking inkan-host the way the add-on
// drives it: it starts the host, sends the message (inline, or in upload
// frames of --piece bytes, pipelined as a connectNative port does), and takes
// the output back. Modes (input → output):
//   stream        upload frames → chunk frames, reassembled into --out
//   upload-spool  upload frames → "spool" (the add-on's fallback when it cannot write a
//                 temporary file; the spool file is deleted afterwards, as sendMessageFile's
//                 deleteAfter does)
//   path          {"path"} → {"path": --out} (no base64 either way)
//   path-spool    {"path"} → "spool"
//   warm          path, with the host already running: the add-on keeps its port (and so
//                 the host) open between messages. The host is started once and given
//                 --repeat requests one after the other; --report lists each one's time
//                 from request to reply (the figures then exclude the host's start-up).
//   addon         the add-on's path for large messages (extension/modules/host.mjs withInput,
//                 send.mjs): the message copied to a private temporary file inkan-*.eml (the
//                 Experiment's writeTempFile), {"path"} → "spool", then both files deleted
//                 (removeFile; sendMessageFile's deleteAfter). The copy is counted: the
//                 add-on pays for it.
// verify has no output; its input follows the mode's input side.
//
// usage: host_client --host BIN --op sign|encrypt|sign+enc|verify|decrypt --in FILE --out FILE --pki DIR
//                    [--mode stream|upload-spool|path|path-spool|addon|warm] [--piece BYTES]
//                    [--repeat N] [--report]
// --report prints one JSON line: wall time, the host's peak RSS (wait4), bytes.
#include "base64.h"
#include "framing.h"
#include "payload.h"

#include <fcntl.h>
#include <spawn.h>
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

/** A private copy of `path` in $TMPDIR (else /tmp), named as the Experiment names its files. */
std::string copy_to_temp_file(const std::string& path) {
  const char* tmp = std::getenv("TMPDIR");
  std::string name = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/inkan-XXXXXX.eml";
  const int out = ::mkstemps(name.data(), 4);  // mode 0600
  if (out < 0) die("cannot create a temporary file in " + name);
  const int in = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) die("cannot open " + path);
  std::vector<char> buf(1 << 20);
  FdWriter writer(out);
  for (;;) {
    const auto n = ::read(in, buf.data(), buf.size());
    if (n < 0) die("cannot read " + path);
    if (n == 0) break;
    writer.write_all({buf.data(), static_cast<std::size_t>(n)});
  }
  ::close(in);
  ::close(out);
  return name;
}

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
  if (mode != "stream" && mode != "upload-spool" && mode != "path" && mode != "path-spool" && mode != "addon" &&
      mode != "warm") {
    die("bad --mode " + mode);
  }
  if (op != "sign" && op != "encrypt" && op != "sign+enc" && op != "verify" && op != "decrypt") die("bad --op " + op);
  const bool warm = mode == "warm";
  const bool path_in = mode == "path" || mode == "path-spool" || mode == "addon" || warm;
  const int repeat = warm ? std::stoi(o.get("repeat", "9")) : 1;
  if (repeat < 1) die("bad --repeat");
  const bool spool_out = mode == "upload-spool" || mode == "path-spool" || mode == "addon";
  const bool chunks_out = mode == "stream" && op != "verify";
  std::string output;  // the request's output member, with its leading comma
  if (op != "verify") {
    output = mode == "stream"                ? R"(,"output":"stream")"
             : mode == "path" || mode == "warm" ? R"(,"output":{"path":)" + json_string(out) + "}"
                               : std::string(R"(,"output":"spool")");  // upload-spool, path-spool, addon
  }
  const std::size_t piece = std::stoul(o.get("piece", "1048576"));

  const auto start = std::chrono::steady_clock::now();
  // addon: what writeTempFile does before the request (a new 0600 file in the temporary folder).
  const std::string input_path = mode == "addon" ? copy_to_temp_file(in) : in;
  int to_host[2], from_host[2];
  if (::pipe2(to_host, O_CLOEXEC) != 0 || ::pipe2(from_host, O_CLOEXEC) != 0) die("pipe");
  // posix_spawn, as Firefox's process launcher does: no copy of this process's page tables.
  posix_spawn_file_actions_t actions;
  ::posix_spawn_file_actions_init(&actions);
  ::posix_spawn_file_actions_adddup2(&actions, to_host[0], 0);
  ::posix_spawn_file_actions_adddup2(&actions, from_host[1], 1);
  char* const host_argv[] = {const_cast<char*>(host.c_str()), const_cast<char*>("/manifest.json"),
                             const_cast<char*>("inkan@inkan.org"), nullptr};
  pid_t pid = 0;
  const int spawned = ::posix_spawn(&pid, host.c_str(), &actions, nullptr, host_argv, environ);
  ::posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) die("cannot start " + host + ": " + std::strerror(spawned));
  ::close(to_host[0]);
  ::close(from_host[1]);

  // The key files `inkan` gets in the benchmark (bench/lib.sh): PEM keys and certificates.
  const auto key = [&](const std::string& name, const std::string& cert) {
    return R"({"pem":{"path":)" + json_string(pki + "/" + name + ".key") + R"(},"cert":{"path":)" +
           json_string(pki + "/" + cert) + "}}";
  };
  const std::string wire_op = op == "sign+enc" ? "encrypt" : op;
  std::string params;
  if (op == "sign") {
    params = R"("key":)" + key("alice", "alice-chain.pem");
  } else if (op == "encrypt") {
    params = R"("recipient_certs":[{"path":)" + json_string(pki + "/bob.pem") + R"(}],"self_cert":{"path":)" +
             json_string(pki + "/alice.pem") + "}";
  } else if (op == "sign+enc") {  // signed, then encrypted: what the add-on sends when it can encrypt
    params = R"("key":)" + key("alice", "alice-chain.pem") + R"(,"recipient_certs":[{"path":)" +
             json_string(pki + "/bob.pem") + "}]";
  } else if (op == "verify") {
    params = R"("trust":[{"path":)" + json_string(pki + "/root.pem") + "}]";
  } else {
    // The inner message is judged against the same anchor as verify's, not the store's
    // (Mozilla's roots: loaded once per host session, ~30 ms, not per message).
    params = R"("key":)" + key("bob", "bob.pem") + R"(,"trust":[{"path":)" + json_string(pki + "/root.pem") + "}]";
  }
  params += output;
  std::uint64_t uploads = 0;
  // A path request is one small frame, sent before the reply is read. Uploads come from
  // a writer beside the reader, as a port's postMessage sends them: not held back
  // waiting for their replies.
  const std::string path_request =
      R"({"id":"op","op":)" + json_string(wire_op) + "," + params + R"(,"input":{"path":)" + json_string(input_path) + "}}";
  std::thread writer;
  if (path_in) {
    Frames(to_host[1]).send(path_request);
    if (!warm) ::close(to_host[1]);
  } else {
    writer = std::thread([&] {
      Frames frames(to_host[1]);
      const int fd = ::open(in.c_str(), O_RDONLY);
      if (fd < 0) die("cannot open " + in);
      std::vector<char> buf(piece);
      std::string body;
      for (std::uint64_t seq = 0;; ++seq) {
        std::size_t got = 0;
        while (got < piece) {
          const auto n = ::read(fd, buf.data() + got, piece - got);
          if (n <= 0) break;
          got += static_cast<std::size_t>(n);
        }
        if (got == 0 && seq > 0) break;
        if (seq == 0 && got < piece) {  // small: inline, one frame
          body = R"({"id":"op","op":)" + json_string(wire_op) + "," + params + R"(,"input":{"data":")";
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
      frames.send(R"({"id":"op","op":)" + json_string(wire_op) + "," + params + R"(,"input":{"upload":"b"}})");
      ::close(to_host[1]);
    });
  }

  FdReader reader_fd(from_host[0]);
  FrameReader reader(reader_fd, 2 * kMaxReplyFrame);
  const int out_fd = chunks_out ? ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600) : -1;
  std::vector<char> decoded(chunks_out ? kMaxReplyFrame + 64 : 0);
  std::string frame;
  std::uint64_t out_bytes = 0;
  std::vector<double> warm_ms;
  auto sent = std::chrono::steady_clock::now();
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
    if (p.json["id"] != "op") continue;
    const auto& result = p.json["result"];
    if (op == "verify") {
      // A benchmark of a failing verification would measure the wrong work.
      if (result.value("status", "") != "good") die("verdict " + result.dump());
    } else {
      const auto& o2 = result["output"];
      if (chunks_out && o2["bytes"].get<std::uint64_t>() != out_bytes) die("reassembly size mismatch");
      if (!chunks_out) out_bytes = o2["bytes"].get<std::uint64_t>();
      // The add-on hands the spool file to Thunderbird, which deletes it once sent.
      if (spool_out) ::unlink(o2["path"].get<std::string>().c_str());
    }
    if (!warm) break;
    warm_ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - sent).count());
    if (static_cast<int>(warm_ms.size()) == repeat) {
      ::close(to_host[1]);
      break;
    }
    sent = std::chrono::steady_clock::now();
    Frames(to_host[1]).send(path_request);
  }
  if (writer.joinable()) writer.join();
  // addon: removeFile, once the host has answered.
  if (input_path != in) ::unlink(input_path.c_str());
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
    std::string warm_list;
    for (const double t : warm_ms) warm_list += (warm_list.empty() ? "" : ",") + std::to_string(t);
    std::printf("{\"wall_ms\":%.2f,\"host_cpu_ms\":%.2f,\"client_cpu_ms\":%.2f,\"host_peak_rss_kib\":%ld,"
                "\"out_bytes\":%llu,\"upload_frames\":%llu,\"base64\":\"%s\",\"warm_ms\":[%s]}\n",
                ms, cpu_ms(ru), cpu_ms(self), ru.ru_maxrss, static_cast<unsigned long long>(out_bytes),
                static_cast<unsigned long long>(uploads), base64_implementation(), warm_list.c_str());
  }
  return 0;
}
