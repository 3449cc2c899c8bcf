// MimeKit's TestSecureMimeVerifyThunderbird (SecureMimeTests.cs) on
// thunderbird-signed.txt, a real Thunderbird 24.1 message: exactly one
// signature, by fejj@gnome.org, certificate SHA-1 fingerprint
// 354ea4dcf98166639b58ec5df06a65de0cd8a95c, SMIMECapabilities in the order
// AES-256, AES-128, 3DES, RC2-128, RC2-64, DES, RC2-40. The verdict-level
// expectations (good at 2013-11-02, expired later) are in mimekit.tsv.

#include "cms/attributes.h"
#include "cms/verify.h"
#include "mime/entity.h"
#include "smime/analyse.h"
#include "smime/structure.h"
#include "support/corpus_setup.h"
#include "x509/cert.h"

#include <gtest/gtest.h>

#include <openssl/evp.h>

namespace inkan::corpus {
namespace {

constexpr const char* kFile = "UnitTests/TestData/smime/thunderbird-signed.txt";

struct ExpectedCapability {
  const char* name;  // the engine's name
  long rc2_bits;     // key size carried as the RC2 parameter, 0 when there is none
};

// MimeKit's EncryptionAlgorithm list, in MimeKit's order.
constexpr ExpectedCapability kCapabilities[] = {
    {"aes256-cbc", 0}, {"aes128-cbc", 0}, {"des-ede3-cbc", 0}, {"rc2-cbc", 128},
    {"rc2-cbc", 64},   {"des-cbc", 0},    {"rc2-cbc", 40},
};

std::string sha1_fingerprint(const std::string& pem) {
  const auto certs = x509::parse_certificates(pem);
  if (certs.empty()) return {};
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  X509_digest(certs.front().get(), EVP_sha1(), md, &len);
  std::string hex;
  static const char digits[] = "0123456789abcdef";
  for (unsigned int i = 0; i < len; ++i) {
    hex.push_back(digits[md[i] >> 4]);
    hex.push_back(digits[md[i] & 0x0f]);
  }
  return hex;
}

class MimeKitThunderbirdSigned : public ::testing::Test {
protected:
  void SetUp() override {
    ExpectationFile file = load_expectations("mimekit");
    const auto root = corpus_root_for(file.setup);
    if (!root) GTEST_SKIP() << skip_reason(file.setup);
    m_corpus = std::make_unique<Corpus>(std::move(file), *root);
    m_input = io::open_input(m_corpus->resolve(kFile).string());
  }

  std::unique_ptr<Corpus> m_corpus;
  std::unique_ptr<io::Source> m_input;
};

TEST_F(MimeKitThunderbirdSigned, OneSignerWithTheCertificateMimeKitNames) {
  const auto trust = m_corpus->trust(m_corpus->setup().trust, {});
  smime::AnalyseOptions options;
  options.trust = trust.get();
  options.extra_certs = m_corpus->certificates(m_corpus->setup().certs);
  options.at = parse_time(m_corpus->setup().at);
  options.allow_sha1 = true;
  const smime::Analysis a = smime::analyse(*m_input, options);
  ASSERT_EQ(a.verdict.signers.size(), 1U);
  const auto& signer = a.verdict.signers.front();
  ASSERT_TRUE(signer.cert.has_value());
  EXPECT_EQ(signer.cert->common_name, "fejj@gnome.org");
  EXPECT_EQ(signer.cert->emails, std::vector<std::string>{"fejj@gnome.org"});
  EXPECT_EQ(sha1_fingerprint(signer.cert->pem), "354ea4dcf98166639b58ec5df06a65de0cd8a95c");
  EXPECT_EQ(signer.digest_algorithm, "sha1");

  std::vector<std::string> expected_names;
  for (const auto& c : kCapabilities) expected_names.emplace_back(c.name);
  EXPECT_EQ(signer.capabilities, expected_names);
}

// The verdict names RC2 without its key size; MimeKit distinguishes RC2-128/64/40,
// so the parameters are read from the signature itself.
TEST_F(MimeKitThunderbirdSigned, Rc2CapabilitiesCarryMimeKitsKeySizes) {
  const mime::Entity root = mime::parse_message(*m_input);
  const smime::Layer layer = smime::classify(*m_input, root);
  ASSERT_EQ(layer.kind, smime::LayerKind::detached_signature);
  const ossl::CmsPtr cms = cms::parse_cms(layer.cms_der);
  STACK_OF(CMS_SignerInfo)* signers = CMS_get0_SignerInfos(cms.get());
  ASSERT_EQ(sk_CMS_SignerInfo_num(signers), 1);
  const auto caps = cms::read_capabilities(sk_CMS_SignerInfo_value(signers, 0));
  ASSERT_EQ(caps.size(), std::size(kCapabilities));
  for (std::size_t i = 0; i < caps.size(); ++i) {
    SCOPED_TRACE("capability " + std::to_string(i));
    EXPECT_EQ(caps[i].name, kCapabilities[i].name);
    if (kCapabilities[i].rc2_bits == 0) continue;
    const auto* p = reinterpret_cast<const unsigned char*>(caps[i].params_der.data());
    ossl::Asn1IntegerPtr bits(d2i_ASN1_INTEGER(nullptr, &p, static_cast<long>(caps[i].params_der.size())));
    ASSERT_TRUE(bits) << "RC2 capability without a key size";
    EXPECT_EQ(ASN1_INTEGER_get(bits.get()), kCapabilities[i].rc2_bits);
  }
}

}  // namespace
}  // namespace inkan::corpus
