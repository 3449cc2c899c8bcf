// `inkan lint` and `inkan trust builtin` on the command line: exit codes (0 unless
// an error-severity finding), JSON, bundles, languages, and the missing-module error.
#include "cli/cli_fixture.h"
#include "x509/lint.h"
#include "x509/lint_support.h"

namespace {

using inkan::test::CliTest;
using inkan::test::lint_cert_path;

class LintCli : public CliTest {};

TEST_F(LintCli, ACleanCertificateExitsZero) {
  const auto r = inkan({"lint", lint_cert_path("clean-rsa"), "--chain", lint_cert_path("sub")});
  EXPECT_EQ(r.exit_code, 0) << inkan::test::describe(r);
  EXPECT_NE(r.out.find("No problems found."), std::string::npos) << r.out;
}

TEST_F(LintCli, AnErrorFindingExitsOneAndExplainsItself) {
  const auto r = inkan({"lint", lint_cert_path("server-only"), "--chain", lint_cert_path("sub")});
  EXPECT_EQ(r.exit_code, 1) << inkan::test::describe(r);
  EXPECT_NE(r.out.find("missing-email-protection-eku"), std::string::npos) << r.out;
  const auto* rule = inkan::x509::lint_rule("missing-email-protection-eku");
  ASSERT_NE(rule, nullptr);
  EXPECT_NE(r.out.find(std::string(rule->en)), std::string::npos) << r.out;
}

TEST_F(LintCli, WarningsAloneExitZero) {
  const auto r = inkan({"lint", lint_cert_path("no-eku"), "--chain", lint_cert_path("sub")});
  EXPECT_EQ(r.exit_code, 0) << inkan::test::describe(r);
  EXPECT_NE(r.out.find("no-eku"), std::string::npos) << r.out;
}

TEST_F(LintCli, JsonIsOneObjectAgreeingWithTheExitCode) {
  for (const char* name : {"clean-rsa", "server-only", "multipurpose-forbidden"}) {
    const auto r = inkan({"lint", "--json", lint_cert_path(name), "--chain", lint_cert_path("sub")});
    const auto j = single_json(r.out);
    ASSERT_TRUE(j.has_value()) << name << ": " << r.out;
    EXPECT_EQ((*j)["ok"].get<bool>(), r.exit_code == 0) << name;
    EXPECT_EQ((*j)["path"].size(), 2u) << name;
    for (const auto& f : (*j)["findings"]) {
      EXPECT_NE(inkan::x509::lint_rule(f["code"].get<std::string>()), nullptr);
      EXPECT_FALSE(f["message_ja"].get<std::string>().empty());
    }
  }
}

TEST_F(LintCli, ABundleIsTheCertificateFollowedByItsChain) {
  const std::string bundle = m_dir.put("bundle.pem", inkan::test::read_file(lint_cert_path("under-tls-eku-sub")) +
                                                         inkan::test::read_file(lint_cert_path("sub-tls-eku")));
  const auto r = inkan({"lint", "--json", bundle});
  EXPECT_EQ(r.exit_code, 1) << inkan::test::describe(r);
  EXPECT_NE(r.out.find("intermediate-lacks-email-protection"), std::string::npos) << r.out;
}

TEST_F(LintCli, AtChoosesTheTime) {
  const auto r = inkan({"lint", lint_cert_path("clean-rsa"), "--chain", lint_cert_path("sub"), "--at", "2100-01-01"});
  EXPECT_EQ(r.exit_code, 1) << inkan::test::describe(r);
  EXPECT_NE(r.out.find("expired"), std::string::npos) << r.out;
  EXPECT_EQ(inkan({"lint", lint_cert_path("clean-rsa"), "--at", "yesterday-ish"}).exit_code, 2);
}

TEST_F(LintCli, JapaneseExplanations) {
  const auto r = inkan({"--lang", "ja", "lint", lint_cert_path("server-only"), "--chain", lint_cert_path("sub")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find(std::string(inkan::x509::lint_rule("missing-email-protection-eku")->ja)), std::string::npos) << r.out;
}

TEST_F(LintCli, UnreadableInputs) {
  EXPECT_EQ(inkan({"lint", m_dir.file("missing.pem").string()}).exit_code, 3);
  EXPECT_EQ(inkan({"lint", m_dir.put("junk.pem", "not a certificate")}).exit_code, 4);
  EXPECT_EQ(inkan({"lint"}).exit_code, 2);
  EXPECT_EQ(inkan({"lint", lint_cert_path("clean-rsa"), lint_cert_path("sub")}).exit_code, 2);
}

TEST_F(LintCli, TrustBuiltinListsTheModulesRoots) {
  const auto r = inkan({"trust", "builtin", "--json"});
  ASSERT_EQ(r.exit_code, 0) << inkan::test::describe(r);
  const auto j = single_json(r.out);
  ASSERT_TRUE(j.has_value()) << r.out;
  std::size_t email = 0;
  for (const auto& root : (*j)["roots"]) {
    EXPECT_EQ(root["fingerprint_sha256"].get<std::string>().size(), 64u);
    EXPECT_FALSE(root["label"].get<std::string>().empty());
    if (root["email_trusted"].get<bool>()) ++email;
    EXPECT_TRUE(root["email_distrust_after"].is_null() || root["email_distrust_after"].is_string());
  }
  EXPECT_EQ((*j)["email_anchors"].get<std::size_t>(), email);
  EXPECT_GT(email, 0u);
  const auto text = inkan({"trust", "builtin"});
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.find(std::to_string(email) + " of "), std::string::npos) << text.out;
}

TEST_F(LintCli, TrustBuiltinWithoutTheModuleIsAClearError) {
  inkan::test::RunOptions o;
  o.set_env = {"INKAN_NSSCKBI=/nonexistent/libnssckbi.so"};
  const auto r = inkan({"trust", "builtin", "--json"}, o);
  EXPECT_EQ(r.exit_code, 4) << inkan::test::describe(r);
  EXPECT_NE(r.err.find("TRUST_ROOTS_UNAVAILABLE"), std::string::npos) << r.err;
  const auto j = single_json(r.out);
  ASSERT_TRUE(j.has_value()) << r.out;
  EXPECT_EQ((*j)["error"]["code"], "TRUST_ROOTS_UNAVAILABLE");
}

TEST_F(LintCli, TrustNeedsAKnownSubcommand) {
  EXPECT_EQ(inkan({"trust"}).exit_code, 2);
  EXPECT_EQ(inkan({"trust", "frobnicate"}).exit_code, 2);
  EXPECT_EQ(inkan({"trust", "builtin", "extra-file"}).exit_code, 2);
}

}  // namespace
