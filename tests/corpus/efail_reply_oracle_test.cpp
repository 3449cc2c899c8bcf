// Thunderbird's mail/test/browser/smime/data/multipart-alternative.eml: two
// enveloped parts inside multipart/alternative, the EFAIL reply oracle
// (browser_displayVarious.js: a reply must never contain "SECRET-TEXT").
// The engine must refuse to decrypt non-root ciphertext and hand out nothing
// containing the secret, through the API and through the CLI.
//
// The control test proves the negative checks can fail: Bob's key really does
// decrypt the stolen part to the secret when it is taken out on its own.

#include "error.h"
#include "io/source.h"
#include "mime/entity.h"
#include "smime/analyse.h"
#include "smime/structure.h"
#include "support/corpus_setup.h"
#include "support/payload_text.h"
#include "support/process.h"
#include "verdict_json.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>

namespace inkan::corpus {
namespace {

constexpr const char* kSecret = "SECRET-TEXT";
constexpr const char* kFile = "mail/test/browser/smime/data/multipart-alternative.eml";
constexpr const char* kBobKey = "mail/test/browser/smime/data/Bob.p12";

class EfailReplyOracle : public ::testing::Test {
protected:
  void SetUp() override {
    ExpectationFile file = load_expectations("thunderbird");
    const auto root = corpus_root_for(file.setup);
    if (!root) GTEST_SKIP() << skip_reason(file.setup);
    m_corpus = std::make_unique<Corpus>(std::move(file), *root);
    m_path = m_corpus->resolve(kFile).string();
    m_bob = &m_corpus->key(KeySpec{kBobKey, "", std::string("nss")});
  }

  std::unique_ptr<Corpus> m_corpus;
  std::string m_path;
  const keys::Credentials* m_bob = nullptr;
};

TEST_F(EfailReplyOracle, ControlEachPartHoldsTheSecretForBob) {
  const auto input = io::open_input(m_path);
  const mime::Entity root = mime::parse_message(*input);
  std::size_t encrypted_parts = 0;
  std::size_t with_secret = 0;
  for (const auto& part : root.children) {
    if (!smime::is_pkcs7_mime(part)) continue;
    ++encrypted_parts;
    // Taken out of the message, the part is a root encryption layer like any other.
    const std::string bytes = io::read_range(*input, part.whole.begin, part.whole.end, 1 << 20);
    const io::ViewSource alone(bytes);
    const smime::DecryptedMessage d = smime::decrypt_message(alone, {m_bob});
    if (readable_text(*d.plaintext).find(kSecret) != std::string::npos) ++with_secret;
  }
  // One part is the attacker's HTML lure, the other the stolen ciphertext.
  EXPECT_EQ(encrypted_parts, 2U);
  EXPECT_EQ(with_secret, 1U);
}

TEST_F(EfailReplyOracle, DecryptRefusesNonRootParts) {
  const auto input = io::open_input(m_path);
  try {
    (void)smime::decrypt_message(*input, {m_bob});
    FAIL() << "decrypt_message must refuse ciphertext below the root";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Errc::encrypted_part_not_root);
    EXPECT_EQ(std::string(e.what()).find(kSecret), std::string::npos);
  }
}

TEST_F(EfailReplyOracle, AnalyseNeverDecryptsTheParts) {
  const auto input = io::open_input(m_path);
  smime::AnalyseOptions options;
  const auto trust = m_corpus->trust(m_corpus->setup().trust, {});
  options.trust = trust.get();
  options.at = parse_time(m_corpus->setup().at);
  options.keys = {m_bob};
  const smime::Analysis a = smime::analyse(*input, options);
  EXPECT_FALSE(a.verdict.encrypted);
  EXPECT_NE(a.verdict.status, Status::good);
  EXPECT_NE(std::find(a.verdict.warnings.begin(), a.verdict.warnings.end(), "encrypted-part-not-decrypted"),
            a.verdict.warnings.end());
  EXPECT_EQ(to_json(a.verdict).dump().find(kSecret), std::string::npos);
  ASSERT_NE(a.content.source, nullptr);
  EXPECT_EQ(readable_text(*a.content.source, a.content.range).find(kSecret), std::string::npos);
  for (const auto& owned : a.owned) EXPECT_EQ(readable_text(*owned).find(kSecret), std::string::npos);
}

TEST_F(EfailReplyOracle, CliDecryptFailsWithNothingOnStdout) {
  const char* cli = std::getenv("INKAN_CLI");
  if (cli == nullptr || *cli == '\0') GTEST_SKIP() << "INKAN_CLI is not set";
  const ProcessResult r = run_process(
      {cli, "decrypt", "--key", m_corpus->resolve(kBobKey).string(), "--pass-env", "INKAN_CORPUS_PASS", m_path},
      {{"INKAN_CORPUS_PASS", "nss"}});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_NE(r.err.find("ENCRYPTED_PART_NOT_ROOT"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find(kSecret), std::string::npos);
}

TEST_F(EfailReplyOracle, CliVerifyPrintsNoSecret) {
  const char* cli = std::getenv("INKAN_CLI");
  if (cli == nullptr || *cli == '\0') GTEST_SKIP() << "INKAN_CLI is not set";
  const ProcessResult r = run_process({cli, "verify", "--json", "--trust",
                                       m_corpus->resolve(m_corpus->setup().trust.front()).string(), "--at",
                                       m_corpus->setup().at, "--key", m_corpus->resolve(kBobKey).string(),
                                       "--pass-env", "INKAN_CORPUS_PASS", "--output", "-", m_path},
                                      {{"INKAN_CORPUS_PASS", "nss"}});
  EXPECT_NE(r.exit_code, 0);  // not a good signature
  EXPECT_EQ(r.out.find(kSecret), std::string::npos);
  EXPECT_EQ(r.err.find(kSecret), std::string::npos);
  EXPECT_NE(r.out.find("\"status\":\"no-signature\""), std::string::npos) << r.out;
}

}  // namespace
}  // namespace inkan::corpus
