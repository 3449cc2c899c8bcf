// Documented exit codes (docs/cli.md, docs/errors.md, cli/common.h): the
// mapping for every error code, and the real binary for each class.
#include "cli/cli_fixture.h"
#include "common.h"
#include "error.h"
#include "text.h"

#include <map>
#include <regex>
#include <string>

namespace {

using inkan::test::CliTest;

TEST(ExitCodes, EveryErrorCodeExitsAsDocumented) {
  const std::string source = inkan::test::env_or("INKAN_SOURCE_DIR");
  ASSERT_FALSE(source.empty());
  const std::string doc = inkan::test::read_file(source + "/docs/errors.md");
  std::map<std::string, int> documented;
  const std::regex row("\\n\\| `([A-Z_]+)` \\| ([0-9]) \\|");
  for (auto it = std::sregex_iterator(doc.begin(), doc.end(), row); it != std::sregex_iterator(); ++it) {
    documented[(*it)[1]] = std::stoi((*it)[2]);
  }
  for (int i = 0; i <= static_cast<int>(inkan::Errc::internal); ++i) {
    const auto code = static_cast<inkan::Errc>(i);
    const std::string name(inkan::code_string(code));
    ASSERT_EQ(documented.count(name), 1u) << name << " is not in docs/errors.md";
    EXPECT_EQ(inkan::cli::exit_code_for(code), documented[name]) << name;
  }
}

TEST(ExitCodes, TheDocumentedValues) {
  // docs/cli.md "Exit codes".
  EXPECT_EQ(inkan::cli::kExitOk, 0);
  EXPECT_EQ(inkan::cli::kExitNotGood, 1);
  EXPECT_EQ(inkan::cli::kExitUsage, 2);
  EXPECT_EQ(inkan::cli::kExitInput, 3);
  EXPECT_EQ(inkan::cli::kExitKey, 4);
  EXPECT_EQ(inkan::cli::kExitDecrypt, 5);
  EXPECT_EQ(inkan::cli::kExitInternal, 6);
  EXPECT_EQ(inkan::cli::kExitRemote, 7);
}

class ExitCodeCli : public CliTest {};

TEST_F(ExitCodeCli, UnknownOptionsAreUsageErrorsForEveryCommand) {
  for (const std::vector<std::string>& command :
       {std::vector<std::string>{"sign"}, {"verify"}, {"encrypt"}, {"decrypt"}, {"inspect"}, {"lint"}, {"trust"}, {"csr"},
        {"acme", "account"}, {"acme", "order"}, {"acme", "reply"}, {"acme", "resume"}, {"ca", "init"}, {"ca", "issue"},
        {"ca", "list"}, {"ca", "revoke"}, {"ca", "crl"}, {"actalis", "code"}}) {
    auto args = command;
    args.insert(args.end(), {"--definitely-not-an-option", "x"});
    const auto r = inkan(args);
    const std::string& name = command.back();
    EXPECT_EQ(r.exit_code, 2) << name << ": " << inkan::test::describe(r);
    EXPECT_TRUE(r.out.empty()) << name;
    EXPECT_NE(r.err.find("USAGE"), std::string::npos) << name << ": " << r.err;
  }
}

TEST_F(ExitCodeCli, UsageErrorsOfTheProgramItself) {
  EXPECT_EQ(inkan({}).exit_code, 2);
  EXPECT_EQ(inkan({"frobnicate"}).exit_code, 2);
  EXPECT_EQ(inkan({"--bogus-global"}).exit_code, 2);
  EXPECT_EQ(inkan({"acme"}).exit_code, 2);
  EXPECT_EQ(inkan({"acme", "frobnicate"}).exit_code, 2);
  EXPECT_EQ(inkan({"verify", "--json", "a.eml", "b.eml"}).exit_code, 2);  // one input only
  EXPECT_EQ(inkan({"verify", "--at"}).exit_code, 2);                      // missing value
  EXPECT_EQ(inkan({"verify", "--json", "--json", "x"}).exit_code, 2);     // not repeatable
}

TEST_F(ExitCodeCli, VersionAndHelpSucceed) {
  const auto v = inkan({"--version"});
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_EQ(v.out.rfind("inkan ", 0), 0u) << v.out;
  EXPECT_EQ(inkan({"--help"}).exit_code, 0);
}

TEST_F(ExitCodeCli, MalformedInputExitsThree) {
  std::string head, tail;
  for (int i = 0; i < 60; ++i) {
    head += "Content-Type: multipart/mixed; boundary=b" + std::to_string(i) + "\r\n\r\n--b" + std::to_string(i) + "\r\n";
    tail = "\r\n--b" + std::to_string(i) + "--" + tail;
  }
  const std::string deep = m_dir.put("deep.eml", head + "\r\nleaf" + tail);
  const auto r = inkan({"verify", "--json", "--trust", inkan::test::pki("root.pem"), deep});
  EXPECT_EQ(r.exit_code, 3) << inkan::test::describe(r);
  const auto j = single_json(r.out);
  ASSERT_TRUE(j.has_value()) << r.out;
  EXPECT_EQ(j->at("error").at("code"), "MIME_TOO_DEEP");
}

TEST_F(ExitCodeCli, KeyProblemsExitFour) {
  const std::string msg = m_dir.put("m.eml", outer_headers("alice@example.org") + "Content-Type: text/plain\r\n\r\nhi\r\n");
  inkan::test::RunOptions o;
  o.set_env = {"PW=test"};
  const auto mismatch = inkan({"sign", "--key", inkan::test::pki("bob.p12"), "--pass-env", "PW", msg}, o);
  EXPECT_EQ(mismatch.exit_code, 4) << inkan::test::describe(mismatch);
  EXPECT_NE(mismatch.err.find("SIGNER_ADDRESS_MISMATCH"), std::string::npos) << mismatch.err;
  EXPECT_TRUE(mismatch.out.empty());
  const auto expired = inkan({"sign", "--key", inkan::test::pki("expired.p12"), "--pass-env", "PW", msg}, o);
  EXPECT_EQ(expired.exit_code, 4);
  EXPECT_NE(expired.err.find("SIGNER_CERT_UNUSABLE"), std::string::npos) << expired.err;
  const auto wrong_cert = inkan({"sign", "--key", inkan::test::pki("alice.key"), "--cert", inkan::test::pki("bob.pem"), msg});
  EXPECT_EQ(wrong_cert.exit_code, 4);
  EXPECT_NE(wrong_cert.err.find("KEY_CERT_MISMATCH"), std::string::npos) << wrong_cert.err;
  const auto to_expired = inkan({"encrypt", "--to", inkan::test::pki("expired.pem"), "--self", inkan::test::pki("alice.pem"),
                                 msg});
  EXPECT_EQ(to_expired.exit_code, 4);
  EXPECT_NE(to_expired.err.find("RECIPIENT_CERT_UNUSABLE"), std::string::npos) << to_expired.err;
}

TEST_F(ExitCodeCli, SignSucceedsWithTheRightKey) {
  const std::string msg = m_dir.put("m.eml", outer_headers("alice@example.org") + "Content-Type: text/plain\r\n\r\nhi\r\n");
  inkan::test::RunOptions o;
  o.set_env = {"PW=test"};
  const auto r = inkan({"sign", "--key", inkan::test::pki("alice.p12"), "--pass-env", "PW", msg}, o);
  EXPECT_EQ(r.exit_code, 0) << inkan::test::describe(r);
  EXPECT_NE(r.out.find("multipart/signed"), std::string::npos);
}

TEST_F(ExitCodeCli, JapaneseHumanVerdict) {
  const auto r = inkan({"--lang", "ja", "verify", "--trust", inkan::test::pki("root.pem"), good_signed_file()});
  EXPECT_EQ(r.exit_code, 0) << inkan::test::describe(r);
  // Written out here, not taken from the CLI's own table: a wrong entry must fail.
  EXPECT_NE(r.out.find("\xE7\xBD\xB2\xE5\x90\x8D: \xE6\xAD\xA3\xE3\x81\x97\xE3\x81\x84\xE7\xBD\xB2\xE5\x90\x8D"),
            std::string::npos) << r.out;  // 署名: 正しい署名
  EXPECT_EQ(r.out.find("good signature"), std::string::npos) << r.out;
}

}  // namespace
