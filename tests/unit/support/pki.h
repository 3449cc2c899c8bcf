// The test PKI made by tests/pki/make-pki.sh (openssl command line), and
// small conveniences for loading its files.
#pragma once

#include "keys/credentials.h"
#include "ossl/handles.h"
#include "x509/trust.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace inkan::test {

/** $INKAN_TEST_PKI; throws when the tests were not started by ctest. */
std::filesystem::path pki_dir();

/** Full path of a file in the PKI folder, e.g. pki("alice.p12"). */
std::string pki(std::string_view file);

/** NAME.p12 opened with its password "test". */
keys::Credentials credentials(std::string_view name);

/** NAME.pem. */
ossl::X509Ptr certificate(std::string_view name);

/** A trust store holding only root.pem. */
x509::TrustStore root_trust();

/** The CRL of the intermediate (revokes "revoked"). */
std::vector<ossl::X509CrlPtr> sub_crl();

/** notBefore / notAfter of NAME.pem in seconds since the epoch (read with OpenSSL, not Inkan). */
std::int64_t not_before(std::string_view name);
std::int64_t not_after(std::string_view name);

/** Paths for signing with the openssl command line. */
struct SignerFiles {
  std::string cert;
  std::string key;
  std::string chain;  ///< extra certificates to include, not the signer's own (may be empty)
};
SignerFiles pki_signer(std::string_view name);

}  // namespace inkan::test
