#include "support/pki.h"

#include "support/files.h"
#include "x509/cert.h"

#include <openssl/pem.h>
#include <openssl/x509.h>

#include <ctime>
#include <stdexcept>

namespace inkan::test {
namespace {

std::int64_t epoch_of(const ASN1_TIME* t) {
  std::tm tm{};
  if (ASN1_TIME_to_tm(t, &tm) != 1) throw std::runtime_error("bad certificate time");
  return static_cast<std::int64_t>(::timegm(&tm));
}

ossl::X509Ptr read_pem_cert(const std::string& path) {
  const std::string pem = read_file(path);
  ossl::BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  ossl::X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) throw std::runtime_error("not a PEM certificate: " + path);
  return cert;
}

}  // namespace

std::filesystem::path pki_dir() {
  const std::string dir = env_or("INKAN_TEST_PKI");
  if (dir.empty()) throw std::runtime_error("INKAN_TEST_PKI is not set (run the tests through ctest)");
  if (!std::filesystem::exists(std::filesystem::path(dir) / ".done")) {
    throw std::runtime_error("the test PKI in " + dir + " is incomplete (pki.generate must run first)");
  }
  return dir;
}

std::string pki(std::string_view file) { return (pki_dir() / file).string(); }

keys::Credentials credentials(std::string_view name) {
  return keys::load_pkcs12(read_file(pki(std::string(name) + ".p12")), std::string("test"));
}

ossl::X509Ptr certificate(std::string_view name) { return read_pem_cert(pki(std::string(name) + ".pem")); }

x509::TrustStore root_trust() {
  x509::TrustStore store;
  store.add_anchor(certificate("root"));
  return store;
}

std::vector<ossl::X509CrlPtr> sub_crl() { return x509::load_crls(pki("sub.crl")); }

std::int64_t not_before(std::string_view name) { return epoch_of(X509_get0_notBefore(certificate(name).get())); }

std::int64_t not_after(std::string_view name) { return epoch_of(X509_get0_notAfter(certificate(name).get())); }

SignerFiles pki_signer(std::string_view name) {
  const std::string n(name);
  // Only the issuer: openssl refuses a -certfile that repeats the signer's own certificate.
  return SignerFiles{pki(n + ".pem"), pki(n + ".key"), pki(n == "mallory" ? "other-root.pem" : "sub.pem")};
}

}  // namespace inkan::test
