// Where the corpora are and what each source project's tests load before
// reading a message: trust anchors, CRLs, private keys, the verification time.
// The corpora are read in place (INKAN_CORPORA), never copied.
#pragma once

#include "keys/credentials.h"
#include "ossl/handles.h"
#include "support/expectation_file.h"
#include "x509/trust.h"

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace inkan::corpus {

/** INKAN_CORPORA when it is set and holds the corpora (its README.md); otherwise nullopt. */
std::optional<std::filesystem::path> corpora_root();

/** The corpora that have an expectation file, in report order. */
const std::vector<std::string>& corpus_names();

/** "fresh-peers" -> "fresh_peers": a name GoogleTest accepts. */
std::string test_name(const std::string& corpus);

/** The corpora root when INKAN_CORPORA is usable and holds this corpus's folder. */
std::optional<std::filesystem::path> corpus_root_for(const CorpusSetup& setup);

/** Why corpus_root_for() found nothing, for GTEST_SKIP. */
std::string skip_reason(const CorpusSetup& setup);

/** The folder holding the expectation files (a compile-time path into the source tree). */
std::filesystem::path expectations_dir();

/** Reads the expectation file of a corpus, by name. */
ExpectationFile load_expectations(const std::string& name);

/** Seconds since the epoch for an ISO 8601 time; throws std::runtime_error if unreadable. */
std::int64_t parse_time(const std::string& iso);

/** The loaded set-up of one corpus. Keys are opened once (PKCS#12 key derivation is slow). */
class Corpus {
public:
  Corpus(ExpectationFile expectations, std::filesystem::path corpora);

  const ExpectationFile& expectations() const { return m_expectations; }
  const CorpusSetup& setup() const { return m_expectations.setup; }
  /** The corpus folder itself. */
  std::filesystem::path folder() const;
  /** A path written in the expectation file, relative to the corpus folder. */
  std::filesystem::path resolve(const std::string& relative) const;

  /** A trust store with these anchors and CRLs (relative paths). */
  std::unique_ptr<x509::TrustStore> trust(const std::vector<std::string>& anchors,
                                          const std::vector<std::string>& crls) const;
  /** Certificates from files, owned by the corpus. */
  std::vector<X509*> certificates(const std::vector<std::string>& files);
  const keys::Credentials& key(const KeySpec& spec);
  /** Every @key of the corpus, in file order. */
  std::vector<const keys::Credentials*> default_keys();

private:
  ExpectationFile m_expectations;
  std::filesystem::path m_corpora;
  std::map<std::string, std::unique_ptr<keys::Credentials>> m_keys;
  std::map<std::string, std::vector<ossl::X509Ptr>> m_certs;
};

}  // namespace inkan::corpus
