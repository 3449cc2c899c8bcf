#include "support/corpus_setup.h"

#include "mime/date.h"
#include "x509/cert.h"

#include <cstdlib>
#include <stdexcept>

#ifndef INKAN_CORPUS_EXPECTATIONS
#error "INKAN_CORPUS_EXPECTATIONS must name the expectations folder"
#endif

namespace inkan::corpus {

std::optional<std::filesystem::path> corpora_root() {
  const char* dir = std::getenv("INKAN_CORPORA");
  if (dir == nullptr || *dir == '\0') return std::nullopt;
  std::filesystem::path root(dir);
  if (!std::filesystem::exists(root / "README.md")) return std::nullopt;
  return root;
}

const std::vector<std::string>& corpus_names() {
  static const std::vector<std::string> names{"thunderbird", "rfc4134", "openssl", "bouncycastle", "mimekit",
                                              "fresh-peers"};
  return names;
}

std::string test_name(const std::string& corpus) {
  std::string out = corpus;
  for (char& c : out) {
    if (c == '-') c = '_';
  }
  return out;
}

std::optional<std::filesystem::path> corpus_root_for(const CorpusSetup& setup) {
  auto root = corpora_root();
  if (!root || !std::filesystem::is_directory(*root / setup.folder)) return std::nullopt;
  return root;
}

std::string skip_reason(const CorpusSetup& setup) {
  if (!corpora_root()) return "INKAN_CORPORA is not set or holds no corpora (README.md); corpus tests skipped";
  return "corpus folder " + setup.folder + " is missing below INKAN_CORPORA";
}

std::filesystem::path expectations_dir() { return std::filesystem::path(INKAN_CORPUS_EXPECTATIONS); }

ExpectationFile load_expectations(const std::string& name) {
  return read_expectations((expectations_dir() / (name + ".tsv")).string());
}

std::int64_t parse_time(const std::string& iso) {
  const auto t = mime::parse_iso8601(iso);
  if (!t) throw std::runtime_error("unreadable time " + iso);
  return *t;
}

Corpus::Corpus(ExpectationFile expectations, std::filesystem::path corpora)
    : m_expectations(std::move(expectations)), m_corpora(std::move(corpora)) {}

std::filesystem::path Corpus::folder() const { return m_corpora / setup().folder; }

std::filesystem::path Corpus::resolve(const std::string& relative) const {
  return (folder() / relative).lexically_normal();
}

std::unique_ptr<x509::TrustStore> Corpus::trust(const std::vector<std::string>& anchors,
                                                const std::vector<std::string>& crls) const {
  auto store = std::make_unique<x509::TrustStore>();
  for (const auto& a : anchors) {
    for (auto& cert : x509::load_certificates(resolve(a).string())) store->add_anchor(std::move(cert));
  }
  for (const auto& c : crls) {
    for (auto& crl : x509::load_crls(resolve(c).string())) store->add_crl(std::move(crl));
  }
  return store;
}

std::vector<X509*> Corpus::certificates(const std::vector<std::string>& files) {
  std::vector<X509*> out;
  for (const auto& f : files) {
    auto& loaded = m_certs[f];
    if (loaded.empty()) loaded = x509::load_certificates(resolve(f).string());
    for (const auto& c : loaded) out.push_back(c.get());
  }
  return out;
}

const keys::Credentials& Corpus::key(const KeySpec& spec) {
  const std::string id = spec.key + "\n" + spec.cert + "\n" + spec.password.value_or("<none>");
  auto& slot = m_keys[id];
  if (!slot) {
    slot = std::make_unique<keys::Credentials>(keys::load_credentials(
        resolve(spec.key).string(), spec.cert.empty() ? std::string() : resolve(spec.cert).string(), spec.password));
  }
  return *slot;
}

std::vector<const keys::Credentials*> Corpus::default_keys() {
  std::vector<const keys::Credentials*> out;
  for (const auto& spec : setup().keys) out.push_back(&key(spec));
  return out;
}

}  // namespace inkan::corpus
