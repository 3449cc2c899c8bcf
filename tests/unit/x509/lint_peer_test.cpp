// The lint's error findings against real verifiers: NSS's vfychain (email signer
// and recipient usages, the root trusted in an NSS database) and `openssl verify`
// with the S/MIME purposes. Where a peer refuses a certificate for e-mail, the lint
// must name the reason (an error, or the info that the certificate is for the other
// use only); where NSS accepts it for both uses, the lint must find no error.
//
// vfychain runs NSS's classic verifier, which is more lenient than Thunderbird's
// mozilla::pkix (it accepts SHA-1, DSA, Ed25519 keys and roots whose EKU excludes
// e-mail), so only the rules both agree on are checked here; docs/lint.md names the
// mozilla::pkix source of the others.
#include "support/process.h"
#include "x509/lint_support.h"

#include <gtest/gtest.h>

namespace {

using inkan::test::describe;
using inkan::test::lint_cert;
using inkan::test::lint_cert_path;
using inkan::test::run;

struct PeerCase {
  std::string leaf;
  std::vector<std::string> intermediates;
  bool nss_signer;     ///< vfychain -u 4 accepts
  bool nss_recipient;  ///< vfychain -u 5 accepts
  std::string lint_code;  ///< the finding that explains a refusal ("" when both accept)
};

// Expectations written from the certificates' construction; the peers must agree.
const std::vector<PeerCase> kCases{
    {"clean-rsa", {"sub"}, true, true, ""},
    {"clean-p256", {"sub"}, true, true, ""},
    {"clean-under-no-eku-sub", {"sub-no-eku"}, true, true, ""},
    {"server-only", {"sub"}, false, false, "missing-email-protection-eku"},
    {"under-tls-eku-sub", {"sub-tls-eku"}, false, false, "intermediate-lacks-email-protection"},
    {"under-any-eku-sub", {"sub-any-eku"}, false, false, "intermediate-lacks-email-protection"},
    {"ca-leaf", {"sub"}, false, false, "ca-certificate"},
    {"md5-signed", {"sub"}, false, false, "weak-signature-algorithm"},
    {"issued-by-leaf", {"clean-rsa", "sub"}, false, false, "issuer-not-ca"},
    {"encrypt-only", {"sub"}, false, true, "key-usage-no-signing"},
    {"sign-only", {"sub"}, true, false, "key-usage-no-encryption"},
};

class LintPeers : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    s_db = std::make_unique<inkan::test::TempDir>();
    const std::string dir = "sql:" + s_db->path().string();
    const auto created = run({"certutil", "-N", "-d", dir, "--empty-password"});
    ASSERT_EQ(created.exit_code, 0) << describe(created);
    const auto added = run({"certutil", "-A", "-d", dir, "-n", "lint-root", "-t", "C,C,C", "-a", "-i",
                            lint_cert_path("root")});
    ASSERT_EQ(added.exit_code, 0) << describe(added);
  }
  static void TearDownTestSuite() { s_db.reset(); }

  static bool nss_accepts(const PeerCase& c, int usage) {
    std::vector<std::string> argv{"vfychain", "-d", "sql:" + s_db->path().string(), "-u", std::to_string(usage),
                                  "-a", lint_cert_path(c.leaf)};
    for (const auto& i : c.intermediates) {
      argv.emplace_back("-a");
      argv.push_back(lint_cert_path(i));
    }
    return run(argv).exit_code == 0;
  }

  static bool openssl_accepts(const PeerCase& c, const char* purpose) {
    std::vector<std::string> args{"verify", "-purpose", purpose, "-CAfile", lint_cert_path("root")};
    for (const auto& i : c.intermediates) {
      args.emplace_back("-untrusted");
      args.push_back(lint_cert_path(i));
    }
    args.push_back(lint_cert_path(c.leaf));
    return inkan::test::openssl(args).exit_code == 0;
  }

  static inkan::x509::LintResult lint(const PeerCase& c) {
    const auto leaf = lint_cert(c.leaf);
    std::vector<inkan::ossl::X509Ptr> chain;
    std::vector<X509*> raw;
    for (const auto& i : c.intermediates) chain.push_back(lint_cert(i));
    chain.push_back(lint_cert("root"));
    for (const auto& x : chain) raw.push_back(x.get());
    inkan::x509::LintOptions options;
    options.at = inkan::test::not_before_of(leaf.get()) + 60;  // vfychain and openssl check at "now"
    return inkan::x509::lint(leaf.get(), raw, options);
  }

  static std::unique_ptr<inkan::test::TempDir> s_db;
};

std::unique_ptr<inkan::test::TempDir> LintPeers::s_db;

TEST_F(LintPeers, NssRefusesExactlyWhereTheLintReportsAnError) {
  for (const auto& c : kCases) {
    const bool signer = nss_accepts(c, 4);
    const bool recipient = nss_accepts(c, 5);
    EXPECT_EQ(signer, c.nss_signer) << c.leaf << ": vfychain -u 4";
    EXPECT_EQ(recipient, c.nss_recipient) << c.leaf << ": vfychain -u 5";
    const auto r = lint(c);
    if (signer && recipient) {
      EXPECT_FALSE(r.has_errors()) << c.leaf << ": NSS accepts it for signing and encryption, the lint reports "
                                   << inkan::test::joined(inkan::test::codes(r));
    } else {
      ASSERT_FALSE(c.lint_code.empty()) << c.leaf;
      EXPECT_TRUE(r.has(c.lint_code)) << c.leaf << ": NSS refuses it; lint says " << inkan::test::joined(inkan::test::codes(r));
    }
  }
}

TEST_F(LintPeers, OpenSslAgreesOnTheChainWideEmailProtectionRule) {
  for (const auto& c : kCases) {
    if (c.lint_code != "missing-email-protection-eku" && c.lint_code != "intermediate-lacks-email-protection" &&
        !c.lint_code.empty()) {
      continue;
    }
    const bool sign = openssl_accepts(c, "smimesign");
    const bool encrypt = openssl_accepts(c, "smimeencrypt");
    if (c.lint_code.empty()) {
      EXPECT_TRUE(sign) << c.leaf;
    } else {
      EXPECT_FALSE(sign) << c.leaf << ": openssl verify -purpose smimesign accepts it";
      EXPECT_FALSE(encrypt) << c.leaf << ": openssl verify -purpose smimeencrypt accepts it";
      EXPECT_TRUE(lint(c).has(c.lint_code)) << c.leaf;
    }
  }
}

// `openssl x509 -text` shows the fields the key and algorithm rules read.
TEST_F(LintPeers, OpenSslShowsTheFieldsBehindTheFindings) {
  const struct {
    const char* cert;
    const char* text;
    const char* code;
  } shown[] = {
      {"rsa-1024", "Public-Key: (1024 bit)", "weak-rsa-key"},
      {"rsa-2052", "Public-Key: (2052 bit)", "rsa-modulus-not-multiple-of-8"},
      {"rsa-exponent-3", "Exponent: 3 (0x3)", "rsa-exponent"},
      {"secp256k1", "ASN1 OID: secp256k1", "ec-curve-not-allowed"},
      {"sha1-signed", "Signature Algorithm: sha1WithRSAEncryption", "sha1-signature"},
      {"md5-signed", "Signature Algorithm: md5WithRSAEncryption", "weak-signature-algorithm"},
      {"serial-zero", "Serial Number: 0 (0x0)", "serial-number-invalid"},
      {"dsa-key", "Public Key Algorithm: dsaEncryption", "key-algorithm-not-allowed"},
      {"ed25519", "Public Key Algorithm: ED25519", "key-type-unsupported-by-clients"},
  };
  for (const auto& s : shown) {
    const auto text = inkan::test::openssl_ok({"x509", "-noout", "-text", "-in", lint_cert_path(s.cert)});
    EXPECT_NE(text.find(s.text), std::string::npos) << s.cert << " lacks " << s.text;
    const auto leaf = lint_cert(s.cert);
    const auto sub = lint_cert("sub");
    inkan::x509::LintOptions options;
    options.at = inkan::test::not_before_of(leaf.get()) + 60;
    EXPECT_TRUE(inkan::x509::lint(leaf.get(), {sub.get()}, options).has(s.code)) << s.cert;
  }
}

}  // namespace
