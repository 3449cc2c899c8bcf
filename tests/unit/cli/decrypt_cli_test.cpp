// `inkan decrypt`: the decrypted entity on stdout on success; on any failure
// a non-zero exit, nothing at all on stdout, and with -o no file (and no
// temporary file) left behind.
#include "cli/cli_fixture.h"
#include "error.h"

#include <algorithm>

namespace {

using inkan::test::CliTest;

class DecryptCli : public CliTest {
protected:
  void SetUp() override {
    CliTest::SetUp();
    // Long enough that a streaming decryptor would have produced plaintext before failing.
    m_plain = "Content-Type: text/plain; charset=us-ascii\r\n\r\n";
    for (int i = 0; i < 5000; ++i) m_plain += "Confidential line " + std::to_string(i) + "\r\n";
  }

  std::string envelope_file(const std::string& name, const std::string& der,
                            const std::string& type = "enveloped-data") const {
    return m_dir.put(name, inkan::test::pkcs7_mime(outer_headers("alice@example.org"), type, der));
  }

  inkan::test::RunResult decrypt(const std::vector<std::string>& args, const std::string& password = "test") const {
    inkan::test::RunOptions o;
    o.set_env = {"INKAN_TEST_PASSWORD=" + password};
    std::vector<std::string> argv{"decrypt"};
    argv.insert(argv.end(), args.begin(), args.end());
    return inkan(argv, o);
  }

  // A failure must leave stdout empty and the output folder (where -o points) empty.
  void expect_clean_failure(const std::vector<std::string>& args, int expected_exit, const std::string& why,
                            const std::string& password = "test") {
    const auto r = decrypt(args, password);
    EXPECT_EQ(r.exit_code, expected_exit) << why << ": " << inkan::test::describe(r);
    EXPECT_TRUE(r.out.empty()) << why << ": stdout has " << r.out.size() << " bytes";
    EXPECT_EQ(r.out.find("Confidential"), std::string::npos) << why;
    EXPECT_EQ(r.err.find("Confidential"), std::string::npos) << why;
    EXPECT_TRUE(m_out_dir.entries().empty()) << why << ": left behind " << m_out_dir.entries().front();
  }

  std::string out_path() const { return m_out_dir.file("out.eml").string(); }

  std::string key(const std::string& name) const { return inkan::test::pki(name + ".p12"); }

  std::string m_plain;
  inkan::test::TempDir m_out_dir;  // only ever written by inkan -o
};

TEST_F(DecryptCli, WritesTheDecryptedEntityToStdout) {
  const std::string msg = envelope_file("m.eml", inkan::test::openssl_encrypt(m_dir, {"bob"}, m_plain));
  const auto r = decrypt({"--key", key("bob"), "--pass-env", "INKAN_TEST_PASSWORD", msg});
  EXPECT_EQ(r.exit_code, 0) << inkan::test::describe(r);
  EXPECT_EQ(r.out, m_plain);
}

TEST_F(DecryptCli, WritesTheOutputFileAndNothingElse) {
  const std::string msg = envelope_file("m.eml", inkan::test::openssl_encrypt(m_dir, {"bob"}, m_plain, "-aes-256-gcm"),
                                        "authEnveloped-data");
  const auto r = decrypt({"--key", key("bob"), "--pass-env", "INKAN_TEST_PASSWORD", "-o", out_path(), msg});
  EXPECT_EQ(r.exit_code, 0) << inkan::test::describe(r);
  EXPECT_TRUE(r.out.empty());
  EXPECT_EQ(inkan::test::read_file(out_path()), m_plain);
  EXPECT_EQ(m_out_dir.entries(), std::vector<std::string>{"out.eml"});  // no temporary file left
}

TEST_F(DecryptCli, TamperedCbcFailsCleanly) {
  const std::string der = inkan::test::openssl_encrypt(m_dir, {"bob"}, m_plain);
  const std::string msg = envelope_file("m.eml", inkan::test::with_tampered_ciphertext(der, 17, 0x20));
  const std::string out = out_path();
  expect_clean_failure({"--key", key("bob"), "--pass-env", "INKAN_TEST_PASSWORD", msg}, 5, "CBC to stdout");
  expect_clean_failure({"--key", key("bob"), "--pass-env", "INKAN_TEST_PASSWORD", "-o", out, msg}, 5, "CBC to file");
}

TEST_F(DecryptCli, TamperedGcmFailsCleanly) {
  const std::string der = inkan::test::openssl_encrypt(m_dir, {"bob"}, m_plain, "-aes-256-gcm");
  const std::string msg =
      envelope_file("m.eml", inkan::test::with_tampered_ciphertext(der, 10, 0x01), "authEnveloped-data");
  const std::string out = out_path();
  expect_clean_failure({"--key", key("bob"), "--pass-env", "INKAN_TEST_PASSWORD", msg}, 5, "GCM to stdout");
  expect_clean_failure({"--key", key("bob"), "--pass-env", "INKAN_TEST_PASSWORD", "-o", out, msg}, 5, "GCM to file");
}

TEST_F(DecryptCli, EveryOtherFailureIsCleanToo) {
  const std::string msg = envelope_file("m.eml", inkan::test::openssl_encrypt(m_dir, {"bob"}, m_plain));
  const std::string out = out_path();
  const std::string plain = m_dir.put("plain.eml", outer_headers("alice@example.org") + "Content-Type: text/plain\r\n\r\nhi\r\n");
  const std::string below = m_dir.put(
      "below.eml", outer_headers("mallory@example.org") + "Content-Type: multipart/mixed; boundary=m\r\n\r\n--m\r\n"
                   "Content-Type: text/plain\r\n\r\nreply please\r\n--m\r\n" +
                   inkan::test::pkcs7_mime("", "enveloped-data", inkan::test::openssl_encrypt(m_dir, {"bob"}, m_plain)) +
                   "\r\n--m--\r\n");
  for (const bool to_file : {false, true}) {
    const auto with_output = [&](std::vector<std::string> a) {
      if (to_file) a.insert(a.begin(), {"-o", out});
      return a;
    };
    const std::string where = to_file ? " (-o)" : " (stdout)";
    expect_clean_failure(with_output({"--key", key("bob"), "--pass-env", "INKAN_TEST_PASSWORD", msg}), 4,
                         "wrong password" + where, "wrong");
    expect_clean_failure(with_output({"--key", key("bob"), "--pass-env", "INKAN_UNSET_VARIABLE_X", msg}), 4,
                         "password variable unset" + where);
    expect_clean_failure(with_output({"--key", key("alice"), "--pass-env", "INKAN_TEST_PASSWORD", msg}), 5,
                         "not a recipient" + where);
    expect_clean_failure(with_output({"--key", key("bob"), "--pass-env", "INKAN_TEST_PASSWORD", plain}), 5,
                         "not encrypted" + where);
    expect_clean_failure(with_output({"--key", key("bob"), "--pass-env", "INKAN_TEST_PASSWORD", below}), 5,
                         "encrypted part not at the root" + where);
    expect_clean_failure(with_output({"--key", key("bob"), "--pass-env", "INKAN_TEST_PASSWORD",
                                      m_dir.file("missing.eml").string()}),
                         3, "missing input" + where);
    // No --key and no key in the store (ctest's INKAN_HOME names a store that does not exist).
    expect_clean_failure(with_output({"--pass-env", "INKAN_TEST_PASSWORD", msg}), 4, "no key" + where);
    expect_clean_failure(with_output({"--key", key("bob"), "--pass-env", "INKAN_TEST_PASSWORD", "--bogus", msg}), 2,
                         "unknown option" + where);
    expect_clean_failure(with_output({"--key", m_dir.file("nokey.p12").string(), "--pass-env", "INKAN_TEST_PASSWORD",
                                      msg}),
                         3, "missing key file" + where);
  }
}

// Written out here, not taken from the engine's table: a wrong entry must fail.
const std::string kBadPasswordEn = "The password is wrong.";
const std::string kBadPasswordJa = "\xE3\x83\x91\xE3\x82\xB9\xE3\x83\xAF\xE3\x83\xBC\xE3\x83\x89\xE3\x81\x8C\xE9\x81\x95\xE3\x81\x84\xE3\x81\xBE\xE3\x81\x99\xE3\x80\x82";  // パスワードが違います。

TEST_F(DecryptCli, JapaneseMessagesWithLangJa) {
  const std::string msg = envelope_file("m.eml", inkan::test::openssl_encrypt(m_dir, {"bob"}, m_plain));
  inkan::test::RunOptions o;
  o.set_env = {"INKAN_TEST_PASSWORD=wrong"};
  const auto r = inkan({"--lang", "ja", "decrypt", "--key", key("bob"), "--pass-env", "INKAN_TEST_PASSWORD", msg}, o);
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_NE(r.err.find(kBadPasswordJa), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("BAD_PASSWORD"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find(kBadPasswordEn), std::string::npos) << r.err;
}

TEST_F(DecryptCli, JapaneseFromTheLocaleAndEnglishWhenAsked) {
  const std::string msg = envelope_file("m.eml", inkan::test::openssl_encrypt(m_dir, {"bob"}, m_plain));
  inkan::test::RunOptions ja;
  ja.set_env = {"INKAN_TEST_PASSWORD=wrong", "LANG=ja_JP.UTF-8"};
  const auto from_locale = inkan({"decrypt", "--key", key("bob"), "--pass-env", "INKAN_TEST_PASSWORD", msg}, ja);
  EXPECT_NE(from_locale.err.find(kBadPasswordJa), std::string::npos)
      << from_locale.err;
  const auto forced_en =
      inkan({"--lang", "en", "decrypt", "--key", key("bob"), "--pass-env", "INKAN_TEST_PASSWORD", msg}, ja);
  EXPECT_NE(forced_en.err.find(kBadPasswordEn), std::string::npos)
      << forced_en.err;
}

}  // namespace
