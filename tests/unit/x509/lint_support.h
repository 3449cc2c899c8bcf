// The certificates of tests/pki/make-lint-certs.sh (openssl command line) and a
// compact form of lint findings for exact comparisons.
#pragma once

#include "ossl/handles.h"
#include "support/files.h"
#include "x509/lint.h"

#include <openssl/pem.h>

#include <ctime>
#include <filesystem>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace inkan::test {

inline std::filesystem::path lint_cert_dir() {
  const std::string dir = env_or("INKAN_TEST_LINT_CERTS");
  if (dir.empty()) throw std::runtime_error("INKAN_TEST_LINT_CERTS is not set (run the tests through ctest)");
  if (!std::filesystem::exists(std::filesystem::path(dir) / ".done")) {
    throw std::runtime_error("the lint certificates in " + dir + " are incomplete (pki.lint_certs must run first)");
  }
  return dir;
}

inline std::string lint_cert_path(const std::string& name) { return (lint_cert_dir() / (name + ".pem")).string(); }

/** NAME.pem, read with OpenSSL directly. */
inline ossl::X509Ptr lint_cert(const std::string& name) {
  const std::string pem = read_file(lint_cert_path(name));
  ossl::BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  ossl::X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) throw std::runtime_error("not a PEM certificate: " + name);
  return cert;
}

inline std::int64_t epoch(const ASN1_TIME* t) {
  std::tm tm{};
  if (ASN1_TIME_to_tm(t, &tm) != 1) throw std::runtime_error("bad certificate time");
  return static_cast<std::int64_t>(::timegm(&tm));
}
inline std::int64_t not_before_of(X509* c) { return epoch(X509_get0_notBefore(c)); }
inline std::int64_t not_after_of(X509* c) { return epoch(X509_get0_notAfter(c)); }

/** "code" for the linted certificate, "code@N" for the N-th certificate up the path. */
inline std::set<std::string> codes(const x509::LintResult& r) {
  std::set<std::string> out;
  for (const auto& f : r.findings) out.insert(f.certificate == 0 ? f.code : f.code + "@" + std::to_string(f.certificate));
  return out;
}

inline std::string joined(const std::set<std::string>& s) {
  std::string out;
  for (const auto& x : s) out += (out.empty() ? "" : " ") + x;
  return "{" + out + "}";
}

}  // namespace inkan::test
