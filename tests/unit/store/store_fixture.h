// A private store per test (its own directory), filled from the test PKI, which
// the openssl command line made (tests/pki/make-pki.sh).
#pragma once

#include "store/key_bundle.h"
#include "store/store.h"
#include "support/files.h"
#include "support/pki.h"
#include "support/process.h"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace inkan::test {

class StoreTest : public ::testing::Test {
protected:
  /** scrypt at N = 2^10 keeps tests quick; StoreKey tests check the real default separately. */
  static store::ScryptParams cheap_scrypt() { return {1U << 10, 8, 1}; }

  store::StoreOptions options() const {
    store::StoreOptions o;
    o.root = root();
    o.scrypt = cheap_scrypt();
    o.lock_wait = std::chrono::milliseconds(2000);
    return o;
  }
  std::filesystem::path root() const { return m_dir.path() / "store"; }
  store::Store open() const { return store::Store(options()); }

  /** NAME.p12 from the test PKI (password "test"), as read for import. */
  static store::KeyBundle bundle(const std::string& name) {
    return store::read_key_file(read_file(pki(name + ".p12")), {}, std::string("test"));
  }

  /** Imports PKI identities into a fresh store; returns it. */
  store::Store with(const std::vector<std::string>& names, std::int64_t now = 0) const {
    store::Store s = open();
    for (const auto& n : names) s.import_bundle(bundle(n), n + ".p12", now == 0 ? m_now : now);
    return s;
  }

  /** SHA-256 fingerprint of a PKI certificate, computed by the openssl command line. */
  static std::string openssl_fingerprint(const std::string& pem_path) {
    const auto r = openssl({"x509", "-in", pem_path, "-noout", "-fingerprint", "-sha256"});
    std::string fp;
    for (const char c : r.out.substr(r.out.find('=') + 1)) {
      if (std::isxdigit(static_cast<unsigned char>(c)) != 0) fp.push_back(static_cast<char>(std::tolower(c)));
    }
    return fp;
  }

  /** Every regular file under the store with its bytes. */
  std::map<std::string, std::string> snapshot() const {
    std::map<std::string, std::string> out;
    if (!std::filesystem::exists(root())) return out;
    for (const auto& e : std::filesystem::recursive_directory_iterator(root())) {
      if (e.is_regular_file()) out[std::filesystem::relative(e.path(), root()).string()] = read_file(e.path());
    }
    return out;
  }

  static unsigned mode_of(const std::filesystem::path& p) {
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0) return 0xFFFF;
    return st.st_mode & 07777;
  }

  TempDir m_dir;
  std::int64_t m_now = static_cast<std::int64_t>(std::time(nullptr));
};

}  // namespace inkan::test
