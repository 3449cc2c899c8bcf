// `inkan verify --json`: one JSON object on stdout, "good" only for a good
// signature, exit 0 only then (docs/cli.md, docs/verdict.md).
#include "cli/cli_fixture.h"

namespace {

using inkan::test::CliTest;

class VerifyCli : public CliTest {
protected:
  inkan::test::RunResult verify(const std::string& file, const std::vector<std::string>& extra = {}) const {
    std::vector<std::string> args{"verify", "--json", "--trust", inkan::test::pki("root.pem")};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(file);
    return inkan(args);
  }
};

TEST_F(VerifyCli, GoodSignatureIsOneJsonObjectWithStatusGoodAndExitZero) {
  const auto r = verify(good_signed_file());
  EXPECT_EQ(r.exit_code, 0) << inkan::test::describe(r);
  const auto j = single_json(r.out);
  ASSERT_TRUE(j.has_value()) << r.out;
  ASSERT_TRUE(j->is_object());
  EXPECT_EQ(j->at("version"), 1);
  EXPECT_EQ(j->at("status"), "good");
  EXPECT_EQ(j->at("signed"), true);
  EXPECT_EQ(j->at("signature"), "detached");
  EXPECT_EQ(j->at("signer"), "alice@example.org");
  EXPECT_EQ(j->at("signers").size(), 1u);
  EXPECT_EQ(j->at("signers")[0].at("valid_when_signed"), true);
}

TEST_F(VerifyCli, TamperedBodyIsBadAndExitsOne) {
  const std::string path = good_signed_file();
  std::string m = inkan::test::read_file(path);
  m.replace(m.find("Signed for"), 6, "SIGNED");
  inkan::test::write_file(path, m);
  const auto r = verify(path);
  EXPECT_EQ(r.exit_code, 1) << inkan::test::describe(r);
  const auto j = single_json(r.out);
  ASSERT_TRUE(j.has_value()) << r.out;
  EXPECT_EQ(j->at("status"), "bad");
}

TEST_F(VerifyCli, EveryOtherVerdictExitsOneAndIsNotGood) {
  struct Case {
    std::string signer, from;
  };
  for (const Case& c : {Case{"expired", "expired@example.org"}, Case{"mallory", "mallory@example.org"},
                        Case{"alice", "bob@example.net"}, Case{"servereku", "servereku@example.org"}}) {
    const std::string entity = inkan::test::text_entity("x\r\n");
    const std::string der = inkan::test::openssl_sign(m_dir, inkan::test::pki_signer(c.signer), entity);
    const std::string path = m_dir.put(c.signer + ".eml", inkan::test::multipart_signed(outer_headers(c.from), entity, der));
    const auto r = verify(path);
    EXPECT_EQ(r.exit_code, 1) << c.signer << ": " << inkan::test::describe(r);
    const auto j = single_json(r.out);
    ASSERT_TRUE(j.has_value()) << r.out;
    EXPECT_NE(j->at("status"), "good") << c.signer;
  }
  const auto unsigned_message =
      verify(m_dir.put("plain.eml", outer_headers("alice@example.org") + "Content-Type: text/plain\r\n\r\nhi\r\n"));
  EXPECT_EQ(unsigned_message.exit_code, 1);
  const auto j = single_json(unsigned_message.out);
  ASSERT_TRUE(j.has_value());
  EXPECT_EQ(j->at("status"), "no-signature");
}

TEST_F(VerifyCli, AtPlacesNowAfterExpiryWhileTheSignatureWasMadeInTime) {
  const std::int64_t after = inkan::test::not_after("alice") + 86400;
  const std::string when = inkan::test::rfc5322_date(after);
  const auto r = verify(good_signed_file(), {"--at", when});
  EXPECT_EQ(r.exit_code, 1) << inkan::test::describe(r);
  const auto j = single_json(r.out);
  ASSERT_TRUE(j.has_value()) << r.out;
  EXPECT_EQ(j->at("status"), "expired");
  EXPECT_EQ(j->at("signers")[0].at("valid_now"), false);
  EXPECT_EQ(j->at("signers")[0].at("valid_when_signed"), true);
}

TEST_F(VerifyCli, AtInIso8601Before2020IsBeforeTheCertificate) {
  const auto r = verify(good_signed_file(), {"--at", "2019-04-01T00:00:00Z"});
  EXPECT_EQ(r.exit_code, 1) << inkan::test::describe(r);
  const auto j = single_json(r.out);
  ASSERT_TRUE(j.has_value()) << r.out;
  EXPECT_EQ(j->at("checked_at"), "2019-04-01T00:00:00Z");
  EXPECT_EQ(j->at("status"), "not-yet-valid");
}

TEST_F(VerifyCli, UnreadableAtIsAUsageError) {
  const auto r = verify(good_signed_file(), {"--at", "next tuesday"});
  EXPECT_EQ(r.exit_code, 2) << inkan::test::describe(r);
}

TEST_F(VerifyCli, CrlOptionRevokes) {
  const std::string entity = inkan::test::text_entity("x\r\n");
  const std::string der = inkan::test::openssl_sign(m_dir, inkan::test::pki_signer("revoked"), entity);
  const std::string path =
      m_dir.put("revoked.eml", inkan::test::multipart_signed(outer_headers("revoked@example.org"), entity, der));
  const auto r = verify(path, {"--crl", inkan::test::pki("sub.crl")});
  EXPECT_EQ(r.exit_code, 1);
  const auto j = single_json(r.out);
  ASSERT_TRUE(j.has_value()) << r.out;
  EXPECT_EQ(j->at("status"), "revoked");
}

TEST_F(VerifyCli, ReadsStandardInput) {
  const std::string message = inkan::test::read_file(good_signed_file());
  inkan::test::RunOptions o;
  o.input = message;
  const auto r = inkan({"verify", "--json", "--trust", inkan::test::pki("root.pem"), "-"}, o);
  EXPECT_EQ(r.exit_code, 0) << inkan::test::describe(r);
  const auto j = single_json(r.out);
  ASSERT_TRUE(j.has_value()) << r.out;
  EXPECT_EQ(j->at("status"), "good");
}

TEST_F(VerifyCli, ErrorsAreOneJsonObjectToo) {
  const auto r = verify(m_dir.file("missing.eml").string());
  EXPECT_EQ(r.exit_code, 3) << inkan::test::describe(r);
  const auto j = single_json(r.out);
  ASSERT_TRUE(j.has_value()) << r.out;
  EXPECT_EQ(j->at("status"), "error");
  EXPECT_EQ(j->at("error").at("code"), "FILE_NOT_FOUND");
  EXPECT_NE(r.err.find("FILE_NOT_FOUND"), std::string::npos);
}

TEST_F(VerifyCli, HumanOutputIsNotJsonAndStillExitsByVerdict) {
  const auto r = inkan({"verify", "--trust", inkan::test::pki("root.pem"), good_signed_file()});
  EXPECT_EQ(r.exit_code, 0) << inkan::test::describe(r);
  EXPECT_FALSE(r.out.empty());
  EXPECT_FALSE(single_json(r.out).has_value());
}

TEST_F(VerifyCli, OutputFileGetsTheSignedContent) {
  const std::string out = m_dir.file("content.eml").string();
  const auto r = verify(good_signed_file(), {"-o", out});
  EXPECT_EQ(r.exit_code, 0) << inkan::test::describe(r);
  EXPECT_EQ(inkan::test::read_file(out), inkan::test::text_entity("Signed for the CLI.\r\n"));
}

}  // namespace
