// Debian's pebble (an independent RFC 8555 server) on loopback, one per test:
// free ports, a TLS certificate made by the openssl command line, the
// environment switches the test asks for. Stopped (SIGTERM, then SIGKILL)
// when the object goes away, so a failing test never leaves it running.
#pragma once

#include "support/files.h"

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace inkan::test {

struct PebbleOptions {
  std::vector<std::string> env = {"PEBBLE_VA_ALWAYS_VALID=1", "PEBBLE_VA_NOSLEEP=1", "PEBBLE_WFE_NONCEREJECT=0",
                                  "PEBBLE_AUTHZREUSE=0"};
  /** kid -> base64url MAC key; non-empty turns externalAccountBindingRequired on. */
  std::map<std::string, std::string> eab_keys;
};

class PebbleServer {
public:
  explicit PebbleServer(PebbleOptions options = {});
  ~PebbleServer();
  PebbleServer(const PebbleServer&) = delete;
  PebbleServer& operator=(const PebbleServer&) = delete;

  std::string directory_url() const;
  /** The self-signed TLS certificate pebble serves (the --ca-file for clients). */
  const std::string& tls_ca_file() const { return m_tls_cert; }
  /** Pebble's issuing root, fetched from the management port (/roots/0), written to a file. */
  std::string root_file();
  const TempDir& dir() const { return m_dir; }
  std::string log() const;

private:
  bool start(const PebbleOptions& options);
  void stop();

  TempDir m_dir;
  std::string m_tls_cert;
  std::string m_tls_key;
  int m_port = 0;
  int m_management_port = 0;
  pid_t m_pid = -1;
};

}  // namespace inkan::test
