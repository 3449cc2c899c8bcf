// Every PKCS#12 in other projects' corpora (INKAN_CORPORA; README passwords)
// imports: Thunderbird's NSS-made files (PBES2), MimeKit's RC2-40/3DES .pfx,
// Bouncy Castle's johndoe.p12, the legacy re-exports of fresh-peers. The
// certificate must be the one `openssl pkcs12 -legacy -clcerts` finds, with the
// key that belongs to it.
#include "store_fixture.h"

#include "error.h"
#include "x509/cert.h"

namespace {

using inkan::test::StoreTest;
namespace fs = std::filesystem;

struct CorpusFile {
  std::string path;  ///< relative to INKAN_CORPORA
  std::string password;
};

// From /work/shared/interop-corpora/README.md: Thunderbird's files use "nss", MimeKit's
// "no.secret", the fresh-peers re-exports "nss". johndoe.p12's password is not listed;
// `openssl pkcs12` opens it with the empty one (checked below by openssl as well).
std::vector<CorpusFile> corpus_files(const fs::path& base) {
  std::vector<CorpusFile> out;
  for (const auto& e : fs::recursive_directory_iterator(base)) {
    if (!e.is_regular_file()) continue;
    const auto ext = e.path().extension().string();
    if (ext != ".p12" && ext != ".pfx") continue;
    const std::string rel = fs::relative(e.path(), base).string();
    std::string pw = "nss";
    if (rel.rfind("mimekit/", 0) == 0) pw = "no.secret";
    if (rel.find("johndoe.p12") != std::string::npos) pw = "";
    out.push_back({rel, pw});
  }
  std::sort(out.begin(), out.end(), [](const CorpusFile& a, const CorpusFile& b) { return a.path < b.path; });
  return out;
}

class StoreCorpus : public StoreTest {};

TEST_F(StoreCorpus, EveryPkcs12InTheCorporaImports) {
  const std::string base = inkan::test::env_or("INKAN_CORPORA");
  if (base.empty() || !fs::exists(base)) GTEST_SKIP() << "INKAN_CORPORA is not available";
  const auto files = corpus_files(base);
  ASSERT_GE(files.size(), 20u) << "fewer PKCS#12 files than the corpora hold";
  auto s = open();
  std::size_t identities = 0;
  for (const auto& f : files) {
    SCOPED_TRACE(f.path);
    const std::string full = (fs::path(base) / f.path).string();
    // The judge: the end-entity certificate(s) openssl finds next to a key.
    const auto leaf = inkan::test::openssl({"pkcs12", "-in", full, "-passin", "pass:" + f.password, "-legacy", "-clcerts",
                                            "-nokeys"});
    ASSERT_EQ(leaf.exit_code, 0) << leaf.err;
    const std::string leaf_path = m_dir.put("leaf.pem", leaf.out);
    const std::string expected = openssl_fingerprint(leaf_path);

    inkan::store::KeyBundle bundle;
    try {
      bundle = inkan::store::read_key_file(inkan::test::read_file(full), {}, f.password);
    } catch (const inkan::Error& e) {
      ADD_FAILURE() << e.what();
      continue;
    }
    ASSERT_EQ(bundle.pairs.size(), 1u);
    EXPECT_EQ(inkan::x509::fingerprint_sha256(bundle.pairs.front().cert.get()), expected);
    EXPECT_EQ(X509_check_private_key(bundle.pairs.front().cert.get(), bundle.pairs.front().key.get()), 1);
    const auto report = s.import_bundle(std::move(bundle), fs::path(full).filename().string(), m_now);
    // Thunderbird's Alice.p12 is in the corpus twice (mail/ and mailnews/): the second is already there.
    identities += report.added.size();
    EXPECT_EQ(report.added.size() + report.already_present.size(), 1u);

    if (!f.password.empty()) {
      try {
        (void)inkan::store::read_key_file(inkan::test::read_file(full), {}, std::string("wrong password"));
        ADD_FAILURE() << "a wrong password was accepted";
      } catch (const inkan::Error& e) {
        EXPECT_EQ(e.code(), inkan::Errc::bad_password) << e.what();
      }
    }
  }
  // Everything stored opens again, from a fresh Store object.
  auto again = open();
  const auto list = again.identities();
  EXPECT_TRUE(list.problems.empty());
  EXPECT_EQ(list.identities.size(), identities);
  for (const auto& id : list.identities) {
    const auto c = again.credentials(id);
    EXPECT_EQ(X509_check_private_key(c.cert.get(), c.key.get()), 1) << id.fingerprint;
  }
  // Addresses the corpora promise: Thunderbird's people and MimeKit's RSA, EC and DSA keys.
  for (const char* address : {"alice@example.com", "bob@example.com", "dave@example.com", "rsa@mimekit.net",
                              "ec@mimekit.net", "dsa@mimekit.net"}) {
    EXPECT_FALSE(again.identities_for(address).empty()) << address;
  }
}

}  // namespace
