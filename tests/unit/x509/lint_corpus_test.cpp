// The lint on other projects' certificates (the shared corpora, read in place):
// nothing crashes, every finding that rests on a visible field agrees with what
// `openssl x509 -text` shows, and real certificates get the findings their history
// explains (Thunderbird's own test certificates have no error; a 2013 StartSSL
// certificate is SHA-1 all the way up).
#include "support/process.h"
#include "x509/cert.h"
#include "x509/lint_support.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

namespace {

namespace fs = std::filesystem;
using inkan::test::codes;
using inkan::test::joined;

std::optional<fs::path> corpora() {
  const std::string dir = inkan::test::env_or("INKAN_CORPORA");
  if (dir.empty() || !fs::exists(fs::path(dir) / "README.md")) return std::nullopt;
  return fs::path(dir);
}

std::string pem_of(X509* cert) {
  inkan::ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert);
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(len));
}

// The line after a heading in `openssl x509 -text` (EKU values sit on the next line).
std::string line_after(const std::string& text, const std::string& heading) {
  const auto at = text.find(heading);
  if (at == std::string::npos) return {};
  const auto start = text.find('\n', at) + 1;
  return text.substr(start, text.find('\n', start) - start);
}

std::string field(const std::string& text, const std::string& name) {
  std::smatch m;
  if (!std::regex_search(text, m, std::regex("\\n\\s*" + name + ": ?([^\\n]*)"))) return {};
  return m[1];
}

TEST(LintCorpus, FindingsAgreeWithWhatOpenSslShows) {
  const auto root = corpora();
  if (!root) GTEST_SKIP() << "INKAN_CORPORA is not set or holds no corpora";
  std::size_t linted = 0;
  for (const auto& entry : fs::recursive_directory_iterator(*root)) {
    const auto ext = entry.path().extension().string();
    if (!entry.is_regular_file() || (ext != ".pem" && ext != ".crt" && ext != ".cer" && ext != ".der")) continue;
    std::vector<inkan::ossl::X509Ptr> certs;
    try {
      certs = inkan::x509::parse_certificates(inkan::test::read_file(entry.path()));
    } catch (const std::exception&) {
      continue;
    }
    for (const auto& cert : certs) {
      const std::string where = entry.path().lexically_relative(*root).string();
      inkan::x509::LintOptions options;
      options.at = inkan::test::not_before_of(cert.get()) + 1;
      const auto result = inkan::x509::lint(cert.get(), {}, options);
      ++linted;
      for (const auto& f : result.findings) EXPECT_NE(inkan::x509::lint_rule(f.code), nullptr) << where << ": " << f.code;

      inkan::test::RunOptions in;
      in.input = pem_of(cert.get());
      const auto shown = inkan::test::openssl({"x509", "-noout", "-text"}, in);
      ASSERT_EQ(shown.exit_code, 0) << where << ": " << inkan::test::describe(shown);
      const std::string& text = shown.out;
      const std::string got = joined(codes(result));

      EXPECT_EQ(text.find("CA:TRUE") != std::string::npos, result.has("ca-certificate")) << where << " " << got;
      const bool has_eku = text.find("X509v3 Extended Key Usage:") != std::string::npos;
      EXPECT_EQ(!has_eku, result.has("no-eku")) << where << " " << got;
      if (has_eku) {
        const bool email = line_after(text, "X509v3 Extended Key Usage:").find("E-mail Protection") != std::string::npos;
        EXPECT_EQ(!email, result.has("missing-email-protection-eku")) << where << " " << got;
      }
      EXPECT_EQ(text.find("X509v3 Key Usage:") == std::string::npos, result.has("no-key-usage")) << where << " " << got;
      if (field(text, "Public Key Algorithm") == "rsaEncryption") {
        std::smatch m;
        ASSERT_TRUE(std::regex_search(text, m, std::regex("Public-Key: \\((\\d+) bit\\)"))) << where;
        EXPECT_EQ(std::stoi(m[1]) < 2048, result.has("weak-rsa-key")) << where << " " << got;
      }
      const std::string sig = field(text, "Signature Algorithm");
      const bool sha1 = std::regex_search(sig, std::regex("sha1With|ecdsa-with-SHA1|dsaWithSHA1|dsa_with_SHA1", std::regex::icase));
      const bool self_issued = field(text, "Issuer") == field(text, "Subject");
      if (!self_issued) {
        EXPECT_EQ(sha1, result.has("sha1-signature")) << where << " " << sig << " " << got;
      }
    }
  }
  EXPECT_GE(linted, 40u) << "the corpora hold fewer certificates than expected";
}

// openssl pkcs12 (a peer) takes the certificates out of a PKCS#12 file.
std::vector<inkan::ossl::X509Ptr> from_p12(const fs::path& p12, const char* which, const std::string& password) {
  auto r = inkan::test::openssl({"pkcs12", "-in", p12.string(), "-nokeys", which, "-passin", "pass:" + password});
  if (r.exit_code != 0) {
    r = inkan::test::openssl({"pkcs12", "-legacy", "-in", p12.string(), "-nokeys", which, "-passin", "pass:" + password});
  }
  if (r.exit_code != 0) throw std::runtime_error("openssl pkcs12 " + p12.string() + ": " + inkan::test::describe(r));
  return inkan::x509::parse_certificates(r.out);
}

TEST(LintCorpus, ThunderbirdsOwnTestCertificatesHaveNoErrors) {
  const auto root = corpora();
  if (!root) GTEST_SKIP() << "INKAN_CORPORA is not set or holds no corpora";
  const fs::path dir = *root / "thunderbird-comm-central/mailnews/test/data/smime";
  if (!fs::exists(dir)) GTEST_SKIP() << "no Thunderbird corpus";
  const auto ca = inkan::x509::load_certificates((dir / "TestCA.pem").string());
  // Thunderbird's tests show signatures by these as good: nothing a client refuses.
  for (const char* person : {"Alice", "Bob", "Dave"}) {
    const auto leaf = from_p12(dir / (std::string(person) + ".p12"), "-clcerts", "nss");
    ASSERT_FALSE(leaf.empty()) << person;
    inkan::x509::LintOptions options;
    options.at = inkan::test::not_before_of(leaf.front().get()) + 86400;
    const auto r = inkan::x509::lint(leaf.front().get(), {ca.front().get()}, options);
    EXPECT_FALSE(r.has_errors()) << person << ": " << joined(codes(r));
    EXPECT_TRUE(r.has("no-intermediate")) << person << ": issued by the test root itself";
    EXPECT_TRUE(r.has("validity-over-825-days")) << person << ": valid five years";
  }
}

TEST(LintCorpus, A2013StartSslCertificateIsSha1AllTheWayUp) {
  const auto root = corpora();
  if (!root) GTEST_SKIP() << "INKAN_CORPORA is not set or holds no corpora";
  const fs::path dir = *root / "mimekit/UnitTests/TestData/smime";
  if (!fs::exists(dir / "thunderbird-signed.txt")) GTEST_SKIP() << "no MimeKit corpus";
  // The signer's certificate as openssl takes it out of the message (Thunderbird 24.1, 2013).
  const auto p7 = inkan::test::openssl({"smime", "-pk7out", "-in", (dir / "thunderbird-signed.txt").string()});
  ASSERT_EQ(p7.exit_code, 0) << inkan::test::describe(p7);
  inkan::test::RunOptions in;
  in.input = p7.out;
  const auto printed = inkan::test::openssl({"pkcs7", "-print_certs"}, in);
  ASSERT_EQ(printed.exit_code, 0) << inkan::test::describe(printed);
  const auto carried = inkan::x509::parse_certificates(printed.out);
  X509* signer = nullptr;
  for (const auto& c : carried) {
    if (inkan::x509::has_email(c.get(), "fejj@gnome.org")) signer = c.get();
  }
  ASSERT_NE(signer, nullptr);
  std::vector<inkan::ossl::X509Ptr> chain;
  for (const char* f : {"StartComClass1PrimaryIntermediateClientCA.crt", "StartComCertificationAuthority.crt"}) {
    for (auto& c : inkan::x509::load_certificates((dir / f).string())) chain.push_back(std::move(c));
  }
  inkan::x509::LintOptions options;
  options.at = inkan::test::not_before_of(signer) + 86400;
  const auto r = inkan::x509::lint(signer, {chain[0].get(), chain[1].get()}, options);
  ASSERT_EQ(r.path.size(), 3u) << "the StartCom path was not built";
  EXPECT_TRUE(r.has_errors());
  const auto got = codes(r);
  EXPECT_EQ(got.count("sha1-signature"), 1u) << joined(got);
  EXPECT_EQ(got.count("sha1-signature@1"), 1u) << joined(got);
  EXPECT_EQ(got.count("missing-email-protection-eku"), 0u) << joined(got);  // clientAuth + emailProtection
}

}  // namespace
