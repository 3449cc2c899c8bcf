// The store commands on the command line (docs/cli.md "The store"): exit codes,
// JSON shapes, errors in English and Japanese, and sign/encrypt/decrypt/verify
// taking keys and trust from the store. Each test has its own INKAN_HOME; the
// objects inkan makes are judged by the openssl command line.
#include "cli/cli_fixture.h"

#include <sys/stat.h>

#include <filesystem>
#include <set>

namespace {

using inkan::test::CliTest;
using inkan::test::RunResult;
namespace fs = std::filesystem;

// Written out here, not taken from the engine's table: a wrong entry must fail.
const std::string kStoreLockedJa =
    "\xE3\x82\xB9\xE3\x83\x88\xE3\x82\xA2\xE3\x81\x8C\xE3\x83\xAD\xE3\x83\x83\xE3\x82\xAF\xE3\x81\x95\xE3\x82\x8C\xE3"
    "\x81\xA6\xE3\x81\x84\xE3\x81\xBE\xE3\x81\x99\xE3\x80\x82";  // ストアがロックされています。
const std::string kConfirmEn = "This removes data for good: confirm with --yes.";

class StoreCli : public CliTest {
protected:
  std::string home() const { return (m_dir.path() / "home").string(); }

  RunResult run(std::vector<std::string> args, std::vector<std::string> env = {}) const {
    inkan::test::RunOptions o;
    o.set_env = {"INKAN_HOME=" + home(), "P12_PASS=test", "EXPORT_PASS=exp0rt", "STORE_PASS=st0re pass",
                 "WRONG_PASS=wrong"};
    o.set_env.insert(o.set_env.end(), env.begin(), env.end());
    return inkan(args, o);
  }

  RunResult import(const std::string& name, std::vector<std::string> extra = {}) const {
    std::vector<std::string> args{"id", "import", inkan::test::pki(name + ".p12"), "--pass-env", "P12_PASS"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run(args);
  }

  static std::string fingerprint(const std::string& pem_path, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args{"x509", "-in", pem_path, "-noout", "-fingerprint", "-sha256"};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = inkan::test::openssl(args);
    std::string fp;
    for (const char c : r.out.substr(r.out.find('=') + 1)) {
      if (std::isxdigit(static_cast<unsigned char>(c)) != 0) fp.push_back(static_cast<char>(std::tolower(c)));
    }
    return fp;
  }
  static std::string fp_of(const std::string& name) { return fingerprint(inkan::test::pki(name + ".pem")); }

  std::string message_from(const std::string& from, const std::string& name = "msg.eml") {
    return m_dir.put(name, outer_headers(from) + "MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nStore test.\r\n");
  }

  std::set<std::string> store_files() const {
    std::set<std::string> out;
    if (!fs::exists(home())) return out;
    for (const auto& e : fs::recursive_directory_iterator(home())) {
      if (e.is_regular_file()) out.insert(fs::relative(e.path(), home()).string() + ":" + inkan::test::read_file(e.path()));
    }
    return out;
  }

  static void expect_error(const RunResult& r, int exit_code, const std::string& code, const std::string& why) {
    EXPECT_EQ(r.exit_code, exit_code) << why << ": " << inkan::test::describe(r);
    EXPECT_NE(r.err.find("[" + code + "]"), std::string::npos) << why << ": " << r.err;
  }
};

TEST_F(StoreCli, ImportAndListAsJson) {
  const auto r = import("alice", {"--json"});
  ASSERT_EQ(r.exit_code, 0) << inkan::test::describe(r);
  const auto j = single_json(r.out);
  ASSERT_TRUE(j.has_value()) << r.out;
  EXPECT_EQ((*j)["version"], 1);
  EXPECT_EQ((*j)["status"], "ok");
  ASSERT_EQ((*j)["imported"].size(), 1u);
  EXPECT_EQ((*j)["imported"][0]["fingerprint"], fp_of("alice"));

  ASSERT_EQ(import("bob").exit_code, 0);
  const auto list = run({"id", "list", "--json"});
  ASSERT_EQ(list.exit_code, 0) << inkan::test::describe(list);
  const auto l = single_json(list.out);
  ASSERT_TRUE(l.has_value()) << list.out;
  EXPECT_EQ((*l)["version"], 1);
  EXPECT_TRUE((*l)["problems"].empty());
  ASSERT_EQ((*l)["identities"].size(), 2u);
  const auto& alice = (*l)["identities"][0];
  EXPECT_EQ(alice["fingerprint"], fp_of("alice"));
  EXPECT_EQ(alice["addresses"], nlohmann::json::array({"alice@example.org"}));
  EXPECT_EQ(alice["usage"], nlohmann::json::array({"sign", "encrypt"}));
  EXPECT_EQ(alice["validity"], "valid");
  EXPECT_EQ(alice["current"]["sign"], true);
  EXPECT_EQ(alice["current"]["encrypt"], true);
  EXPECT_EQ(alice["key_type"], "rsa");
  EXPECT_EQ(alice["key_bits"], 2048);
  EXPECT_EQ(alice["source"], "pkcs12");
  EXPECT_EQ(alice["source_file"], "alice.p12");
  // Dates as the certificate has them (read by openssl), in ISO 8601 UTC.
  const auto end = inkan::test::not_after("alice");
  EXPECT_EQ(alice["days_left"], (end - m_now) / 86400);
  EXPECT_EQ(alice["not_after"].get<std::string>().size(), 20u);
  EXPECT_EQ((*l)["identities"][1]["addresses"], nlohmann::json::array({"bob@example.net"}));
}

TEST_F(StoreCli, ImportErrorsChangeNothing) {
  ASSERT_EQ(import("alice").exit_code, 0);
  const auto before = store_files();
  expect_error(run({"id", "import", inkan::test::pki("bob.p12"), "--pass-env", "WRONG_PASS"}), 4, "BAD_PASSWORD",
               "wrong password");
  expect_error(import("alice"), 4, "ALREADY_EXISTS", "imported twice");
  expect_error(run({"id", "import", m_dir.put("notes.txt", "hello\n")}), 3, "UNKNOWN_FORMAT", "a text file");
  expect_error(run({"id", "import", m_dir.file("missing.p12").string(), "--pass-env", "P12_PASS"}), 3, "FILE_NOT_FOUND",
               "missing file");
  expect_error(run({"id", "import", inkan::test::pki("bob.pem")}), 4, "NO_IDENTITY", "a certificate without its key");
  // No password option and no terminal: PASSWORD_REQUIRED, no hang.
  expect_error(run({"id", "import", inkan::test::pki("bob.p12")}), 4, "PASSWORD_REQUIRED", "no password");
  EXPECT_EQ(store_files(), before);
  const auto json = run({"id", "import", inkan::test::pki("bob.p12"), "--pass-env", "WRONG_PASS", "--json"});
  const auto j = single_json(json.out);
  ASSERT_TRUE(j.has_value()) << json.out;
  EXPECT_EQ((*j)["status"], "error");
  EXPECT_EQ((*j)["error"]["code"], "BAD_PASSWORD");
}

TEST_F(StoreCli, ExportIsReadByOpenssl) {
  ASSERT_EQ(import("alice").exit_code, 0);
  const std::string out = m_dir.file("backup.p12").string();
  const auto r = run({"id", "export", "alice@example.org", "--out", out, "--pass-env", "EXPORT_PASS"});
  ASSERT_EQ(r.exit_code, 0) << inkan::test::describe(r);
  struct stat st {};
  ASSERT_EQ(::stat(out.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const auto certs = inkan::test::openssl({"pkcs12", "-in", out, "-passin", "pass:exp0rt", "-clcerts", "-nokeys"});
  ASSERT_EQ(certs.exit_code, 0) << certs.err;
  EXPECT_EQ(fingerprint(m_dir.put("exported.pem", certs.out)), fp_of("alice"));

  const std::string legacy = m_dir.file("legacy.p12").string();
  ASSERT_EQ(run({"id", "export", fp_of("alice").substr(0, 16), "--out", legacy, "--pass-env", "EXPORT_PASS", "--legacy",
                 "--json"})
                .exit_code,
            0);
  const auto info = inkan::test::openssl({"pkcs12", "-in", legacy, "-passin", "pass:exp0rt", "-legacy", "-info", "-noout"});
  EXPECT_NE((info.out + info.err).find("pbeWithSHA1And3-KeyTripleDES-CBC"), std::string::npos) << info.err;

  expect_error(run({"id", "export", "nobody@example.org", "--out", m_dir.file("x.p12").string(), "--pass-env", "EXPORT_PASS"}),
               4, "NO_IDENTITY", "unknown address");
  expect_error(run({"id", "export", "alice@example.org", "--out", m_dir.file("y.p12").string()}), 4, "PASSWORD_REQUIRED",
               "no password and no terminal");
  expect_error(run({"id", "export", "alice@example.org", "--pass-env", "EXPORT_PASS"}), 2, "USAGE", "no --out");
  EXPECT_FALSE(fs::exists(m_dir.file("x.p12")));
  EXPECT_FALSE(fs::exists(m_dir.file("y.p12")));
}

TEST_F(StoreCli, ExportCertificateAlone) {
  ASSERT_EQ(import("split-sign").exit_code, 0);
  ASSERT_EQ(import("split-enc").exit_code, 0);
  const std::string der = m_dir.file("split.cer").string();
  const auto r = run({"id", "export-cert", "split@example.org", "--out", der, "--der"});
  ASSERT_EQ(r.exit_code, 0) << inkan::test::describe(r);
  // For an address: the certificate to encrypt to.
  EXPECT_EQ(fingerprint(der, {"-inform", "DER"}), fp_of("split-enc"));
  const auto pem = run({"id", "export-cert", fp_of("split-sign"), "--out", "-"});
  ASSERT_EQ(pem.exit_code, 0);
  EXPECT_EQ(fingerprint(m_dir.put("sign.pem", pem.out)), fp_of("split-sign"));
  EXPECT_EQ(pem.out.find("PRIVATE KEY"), std::string::npos);
}

TEST_F(StoreCli, DeleteNeedsConfirmation) {
  ASSERT_EQ(import("alice").exit_code, 0);
  const auto before = store_files();
  const auto refused = run({"id", "delete", fp_of("alice")});
  expect_error(refused, 2, "CONFIRMATION_REQUIRED", "without --yes");
  EXPECT_NE(refused.err.find(kConfirmEn), std::string::npos) << refused.err;
  EXPECT_EQ(store_files(), before);
  expect_error(run({"id", "delete", std::string(64, 'e'), "--yes"}), 4, "NOT_FOUND", "unknown fingerprint");
  const auto done = run({"id", "delete", fp_of("alice"), "--yes", "--json"});
  ASSERT_EQ(done.exit_code, 0) << inkan::test::describe(done);
  EXPECT_EQ((*single_json(done.out))["deleted"], fp_of("alice"));
  EXPECT_TRUE((*single_json(run({"id", "list", "--json"}).out))["identities"].empty());
}

TEST_F(StoreCli, ExpiringAsJson) {
  ASSERT_EQ(import("alice").exit_code, 0);
  const auto soon = run({"id", "expiring", "--days", "10", "--json"});
  ASSERT_EQ(soon.exit_code, 0);
  const auto s = single_json(soon.out);
  ASSERT_TRUE(s.has_value()) << soon.out;
  EXPECT_EQ((*s)["days"], 10);
  EXPECT_TRUE((*s)["expiring"].empty());
  const auto later = single_json(run({"id", "expiring", "--days", "800", "--json"}).out);
  ASSERT_EQ((*later)["expiring"].size(), 1u);
  EXPECT_EQ((*later)["expiring"][0]["fingerprint"], fp_of("alice"));
  expect_error(run({"id", "expiring", "--days", "soon"}), 2, "USAGE", "bad --days");
}

TEST_F(StoreCli, SignAndDecryptWithoutKeyUseTheStore) {
  ASSERT_EQ(import("alice").exit_code, 0);
  ASSERT_EQ(import("bob").exit_code, 0);
  const std::string msg = message_from("Alice <alice@example.org>");
  const auto signed_msg = run({"sign", msg});
  ASSERT_EQ(signed_msg.exit_code, 0) << inkan::test::describe(signed_msg);
  const std::string path = m_dir.put("signed.eml", signed_msg.out);
  const auto verified = inkan::test::openssl({"cms", "-verify", "-in", path, "-CAfile", inkan::test::pki("root.pem"),
                                              "-purpose", "smimesign", "-out", "/dev/null"});
  EXPECT_EQ(verified.exit_code, 0) << verified.err;
  expect_error(run({"sign", message_from("carol@example.org", "carol.eml")}), 4, "NO_IDENTITY", "no identity for carol");
  // --identity picks the identity (and the From rule still applies).
  expect_error(run({"sign", "--identity", "bob@example.net", msg}), 4, "SIGNER_ADDRESS_MISMATCH", "bob for alice's mail");

  const std::string plain = "Content-Type: text/plain\r\n\r\nFor Bob only.\r\n";
  const std::string enc = m_dir.put("enc.eml", inkan::test::pkcs7_mime(outer_headers("alice@example.org"), "enveloped-data",
                                                                       inkan::test::openssl_encrypt(m_dir, {"bob"}, plain)));
  const auto decrypted = run({"decrypt", enc});
  ASSERT_EQ(decrypted.exit_code, 0) << inkan::test::describe(decrypted);
  EXPECT_EQ(decrypted.out, plain);
  expect_error(run({"decrypt", "--identity", "alice@example.org", enc}), 5, "NO_MATCHING_RECIPIENT", "alice's keys only");
}

TEST_F(StoreCli, EncryptWithoutKeySignsAndKeepsACopyForTheSender) {
  ASSERT_EQ(import("alice").exit_code, 0);
  const std::string msg = message_from("alice@example.org");
  const auto r = run({"encrypt", "--to", inkan::test::pki("bob.pem"), msg});
  ASSERT_EQ(r.exit_code, 0) << inkan::test::describe(r);
  const std::string enc = m_dir.put("enc.eml", r.out);
  // The sender's own key (from the store) opens it: the Sent copy stays readable.
  const auto mine = inkan::test::openssl({"cms", "-decrypt", "-in", enc, "-recip", inkan::test::pki("alice.pem"), "-inkey",
                                          inkan::test::pki("alice.key")});
  ASSERT_EQ(mine.exit_code, 0) << mine.err;
  // Inside: alice's signature.
  const std::string inner = m_dir.put("inner.eml", mine.out);
  const auto verified = inkan::test::openssl({"cms", "-verify", "-in", inner, "-CAfile", inkan::test::pki("root.pem"),
                                              "-purpose", "smimesign", "-out", "/dev/null"});
  EXPECT_EQ(verified.exit_code, 0) << verified.err;
}

TEST_F(StoreCli, APassphraseLocksKeysUntilGiven) {
  ASSERT_EQ(import("alice").exit_code, 0);
  const auto set = run({"store", "passwd", "--new-pass-env", "STORE_PASS", "--json"});
  ASSERT_EQ(set.exit_code, 0) << inkan::test::describe(set);
  EXPECT_EQ((*single_json(set.out))["passphrase"], "set");
  const auto status = single_json(run({"store", "status", "--json"}).out);
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ((*status)["passphrase"], true);
  EXPECT_EQ((*status)["identities"], 1);
  EXPECT_EQ((*status)["kdf"]["name"], "scrypt");
  EXPECT_EQ((*status)["path"], home());

  const std::string msg = message_from("alice@example.org");
  expect_error(run({"sign", msg}), 4, "STORE_LOCKED", "no passphrase, no terminal");
  const auto ja = run({"--lang", "ja", "sign", msg});
  EXPECT_NE(ja.err.find(kStoreLockedJa), std::string::npos) << ja.err;
  expect_error(run({"sign", "--store-pass-env", "WRONG_PASS", msg}), 4, "BAD_PASSWORD", "wrong passphrase");
  EXPECT_EQ(run({"sign", "--store-pass-env", "STORE_PASS", msg}).exit_code, 0);
  // Listing needs no passphrase: certificates are not secret.
  EXPECT_EQ(run({"id", "list", "--json"}).exit_code, 0);

  expect_error(run({"store", "passwd", "--store-pass-env", "WRONG_PASS", "--remove"}), 4, "BAD_PASSWORD",
               "remove with a wrong passphrase");
  ASSERT_EQ(run({"store", "passwd", "--store-pass-env", "STORE_PASS", "--remove"}).exit_code, 0);
  EXPECT_EQ(run({"sign", msg}).exit_code, 0);
}

TEST_F(StoreCli, TrustAnchorsFromTheStoreVerify) {
  const std::string entity = inkan::test::text_entity("Trust me.\r\n");
  const std::string der = inkan::test::openssl_sign(m_dir, inkan::test::pki_signer("alice"), entity);
  const std::string msg = m_dir.put("signed.eml", inkan::test::multipart_signed(outer_headers("alice@example.org"), entity, der));
  EXPECT_EQ(run({"verify", msg}).exit_code, 1) << "no anchors yet";
  expect_error(run({"trust", "add", inkan::test::pki("alice.pem")}), 4, "TRUST_ANCHOR_UNUSABLE", "a leaf as anchor");
  const auto added = run({"trust", "add", inkan::test::pki("root.pem"), "--label", "Company CA", "--json"});
  ASSERT_EQ(added.exit_code, 0) << inkan::test::describe(added);
  const auto list = single_json(run({"trust", "list", "--json"}).out);
  ASSERT_TRUE(list.has_value());
  EXPECT_EQ((*list)["version"], 1);
  nlohmann::json mine = nlohmann::json::array();
  for (const auto& a : (*list)["anchors"]) {
    if (a["source"] == "user") mine.push_back(a);
  }
  EXPECT_EQ((*list)["anchors"].size(), mine.size() + (*list)["builtin_roots"].get<std::size_t>());
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0]["fingerprint"], fp_of("root"));
  EXPECT_EQ(mine[0]["label"], "Company CA");
  EXPECT_TRUE((*list)["distrusted"].empty());
  const auto good = run({"verify", "--json", msg});
  EXPECT_EQ(good.exit_code, 0) << good.out << good.err;
  // --trust means exactly those anchors, as before.
  EXPECT_EQ(run({"verify", "--trust", inkan::test::pki("other-root.pem"), msg}).exit_code, 1);

  ASSERT_EQ(run({"trust", "distrust", fp_of("root")}).exit_code, 0);
  EXPECT_EQ(run({"verify", msg}).exit_code, 1) << "a distrusted root still verified";
  const auto after = single_json(run({"trust", "list", "--json"}).out);
  for (const auto& a : (*after)["anchors"]) EXPECT_EQ(a["source"], "builtin");
  EXPECT_EQ((*after)["distrusted"][0]["fingerprint"], fp_of("root"));
  ASSERT_EQ(run({"trust", "remove", fp_of("root")}).exit_code, 0);
  expect_error(run({"trust", "remove", fp_of("root")}), 4, "NOT_FOUND", "removed twice");
}

TEST_F(StoreCli, ADamagedStoreIsAClearError) {
  ASSERT_EQ(import("alice").exit_code, 0);
  inkan::test::write_file(fs::path(home()) / "store.json", "garbage");
  const auto before = store_files();
  expect_error(run({"id", "list"}), 3, "STORE_CORRUPT", "damaged store.json");
  expect_error(import("bob"), 3, "STORE_CORRUPT", "import into a damaged store");
  EXPECT_EQ(store_files(), before);
}

TEST_F(StoreCli, HumanOutputFollowsTheLanguage) {
  ASSERT_EQ(import("alice").exit_code, 0);
  const auto en = run({"id", "list"});
  const auto ja = run({"--lang", "ja", "id", "list"});
  ASSERT_EQ(ja.exit_code, 0);
  EXPECT_NE(en.out.find("valid until"), std::string::npos) << en.out;
  EXPECT_NE(ja.out.find("\xE6\x9C\x89\xE5\x8A\xB9"), std::string::npos) << ja.out;  // 有効
  EXPECT_NE(ja.out.find(fp_of("alice")), std::string::npos);
}

}  // namespace
