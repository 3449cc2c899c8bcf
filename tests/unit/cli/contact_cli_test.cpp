// `inkan contact …`, `inkan verify --harvest` and `inkan encrypt --to ADDRESS`
// (docs/cli.md "Contacts"): exit codes, JSON shapes, confirmation, and mail
// encrypted to harvested contacts, judged by `openssl cms -decrypt`. Signed
// messages come from the openssl command line. Each test has its own INKAN_HOME.
#include "cli/cli_fixture.h"

#include <sys/stat.h>

#include <filesystem>

namespace {

using inkan::test::CliTest;
using inkan::test::RunResult;
namespace fs = std::filesystem;

class ContactCli : public CliTest {
protected:
  void SetUp() override {
    CliTest::SetUp();
    const auto r = run({"trust", "add", inkan::test::pki("root.pem")});
    ASSERT_EQ(r.exit_code, 0) << inkan::test::describe(r);
  }

  std::string home() const { return (m_dir.path() / "home").string(); }

  RunResult run(std::vector<std::string> args, std::vector<std::string> env = {}) const {
    inkan::test::RunOptions o;
    o.set_env = {"INKAN_HOME=" + home(), "P12_PASS=test"};
    o.set_env.insert(o.set_env.end(), env.begin(), env.end());
    return inkan(args, o);
  }

  static inkan::test::SignerFiles signer(const std::string& name) {
    std::string chain = inkan::test::pki("sub.pem");
    if (name == "tofu-sub2") chain = inkan::test::pki("sub2.pem");
    return {inkan::test::pki(name + ".pem"), inkan::test::pki(name + ".key"), chain};
  }

  /** A message signed by `openssl cms` as `name`, From `from`; returns its path. */
  std::string signed_by(const std::string& name, const std::string& from) {
    const std::string entity = inkan::test::text_entity("Hello from " + from + ".\r\n");
    const std::string der = inkan::test::openssl_sign(m_dir, signer(name), entity);
    return m_dir.put(name + "-" + std::to_string(++m_count) + ".eml",
                     inkan::test::multipart_signed(outer_headers(from), entity, der));
  }

  /** A plain message from alice to `to` (and `cc`). */
  std::string plain_to(const std::string& to, const std::string& cc = {}) {
    std::string h = "From: alice@example.org\r\nTo: " + to + "\r\n";
    if (!cc.empty()) h += "Cc: " + cc + "\r\n";
    h += "Subject: secret\r\nDate: " + inkan::test::rfc5322_date(m_now) +
         "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nFor your eyes only.\r\n";
    return m_dir.put("plain-" + std::to_string(++m_count) + ".eml", h);
  }

  static std::string fp_of(const std::string& name) {
    const auto r = inkan::test::openssl({"x509", "-in", inkan::test::pki(name + ".pem"), "-noout", "-fingerprint", "-sha256"});
    std::string fp;
    for (const char c : r.out.substr(r.out.find('=') + 1)) {
      if (std::isxdigit(static_cast<unsigned char>(c)) != 0) fp.push_back(static_cast<char>(std::tolower(c)));
    }
    return fp;
  }

  /** openssl decrypts `enc` with NAME's key; returns the plaintext (empty on failure). */
  std::string openssl_decrypt(const std::string& enc, const std::string& name) const {
    const auto r = inkan::test::openssl({"cms", "-decrypt", "-in", enc, "-recip", inkan::test::pki(name + ".pem"), "-inkey",
                                         inkan::test::pki(name + ".key")});
    return r.exit_code == 0 ? r.out : std::string();
  }

  static void expect_error(const RunResult& r, int exit_code, const std::string& code) {
    EXPECT_EQ(r.exit_code, exit_code) << inkan::test::describe(r);
    EXPECT_NE(r.err.find("[" + code + "]"), std::string::npos) << r.err;
  }

  int m_count = 0;
};

TEST_F(ContactCli, HarvestListShowAndLookup) {
  const auto h = run({"contact", "harvest", signed_by("bob", "bob@example.net"), "--json"});
  ASSERT_EQ(h.exit_code, 0) << inkan::test::describe(h);
  const auto hj = single_json(h.out);
  ASSERT_TRUE(hj) << h.out;
  EXPECT_EQ((*hj)["version"], 1);
  EXPECT_EQ((*hj)["messages"][0]["status"], "good");
  EXPECT_EQ((*hj)["messages"][0]["changes"][0]["change"], "new");
  EXPECT_EQ((*hj)["messages"][0]["changes"][0]["fingerprint"], fp_of("bob"));

  const auto list = run({"contact", "list", "--json"});
  ASSERT_EQ(list.exit_code, 0) << inkan::test::describe(list);
  const auto lj = single_json(list.out);
  ASSERT_TRUE(lj) << list.out;
  ASSERT_EQ((*lj)["contacts"].size(), 1u);
  EXPECT_EQ((*lj)["contacts"][0]["address"], "bob@example.net");
  EXPECT_EQ((*lj)["contacts"][0]["current"]["encrypt"], fp_of("bob"));
  EXPECT_EQ((*lj)["contacts"][0]["pending_change"], false);
  EXPECT_EQ((*lj)["contacts"][0]["trusted"], true);
  EXPECT_TRUE((*lj)["problems"].empty());

  const auto show = run({"contact", "show", "bob@example.net", "--json"});
  ASSERT_EQ(show.exit_code, 0) << inkan::test::describe(show);
  const auto sj = single_json(show.out);
  ASSERT_TRUE(sj) << show.out;
  ASSERT_EQ((*sj)["history"].size(), 1u);
  // The PEM shown is bob's certificate, as openssl reads it.
  const std::string pem = m_dir.put("shown.pem", (*sj)["history"][0]["pem"].get<std::string>());
  const auto x = inkan::test::openssl({"x509", "-in", pem, "-noout", "-fingerprint", "-sha256"});
  EXPECT_EQ(x.exit_code, 0);
  EXPECT_EQ((*sj)["history"][0]["sightings"][0]["verdict"], "good");

  const auto found = run({"contact", "lookup", "bob@example.net"});
  EXPECT_EQ(found.exit_code, 0) << inkan::test::describe(found);
  EXPECT_NE(found.out.find(fp_of("bob")), std::string::npos) << found.out;
  const auto some = run({"contact", "lookup", "bob@example.net", "nobody@example.org", "--json"});
  EXPECT_EQ(some.exit_code, 1) << "exit 0 only when every address has a certificate";
  const auto kj = single_json(some.out);
  ASSERT_TRUE(kj) << some.out;
  EXPECT_EQ((*kj)["missing"], nlohmann::json::array({"nobody@example.org"}));
  EXPECT_EQ((*kj)["recipients"][1]["reason"], "no-certificate");
  const auto ja = run({"--lang", "ja", "contact", "lookup", "nobody@example.org"});
  EXPECT_NE(ja.out.find("\xE8\xA8\xBC\xE6\x98\x8E\xE6\x9B\xB8"), std::string::npos) << ja.out;  // 証明書

  // Files: private.
  struct stat st {};
  for (const auto& e : fs::recursive_directory_iterator(fs::path(home()) / "contacts")) {
    ASSERT_EQ(::stat(e.path().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, e.is_directory() ? 0700u : 0600u) << e.path();
  }
}

TEST_F(ContactCli, VerifyHarvestAddsTheContactToTheVerdict) {
  const std::string msg = signed_by("bob", "bob@example.net");
  const auto r = run({"verify", "--harvest", "--json", msg});
  ASSERT_EQ(r.exit_code, 0) << inkan::test::describe(r);
  const auto j = single_json(r.out);
  ASSERT_TRUE(j) << r.out;
  EXPECT_EQ((*j)["status"], "good");
  EXPECT_EQ((*j)["contact"]["address"], "bob@example.net");
  EXPECT_EQ((*j)["contact"]["change"], "new");
  EXPECT_EQ((*j)["contact"]["key_change"], false);
  const auto again = single_json(run({"verify", "--harvest", "--json", signed_by("bob", "bob@example.net")}).out);
  ASSERT_TRUE(again);
  EXPECT_EQ((*again)["contact"]["change"], "unchanged");
  // Without --harvest nothing is recorded and there is no "contact" member.
  const auto plain = single_json(run({"verify", "--json", signed_by("alice", "alice@example.org")}).out);
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->contains("contact"));
  EXPECT_EQ(run({"contact", "show", "alice@example.org"}).exit_code, 4);
  // --harvest judges contacts by the store's anchors only.
  expect_error(run({"verify", "--harvest", "--trust", inkan::test::pki("root.pem"), msg}), 2, "USAGE");
}

TEST_F(ContactCli, AKeyChangeIsAWarningUntilTheUserDecides) {
  ASSERT_EQ(run({"contact", "harvest", signed_by("tofu-old", "tofu@example.org")}).exit_code, 0);
  const auto change = run({"contact", "harvest", signed_by("tofu-sub2", "tofu@example.org")});
  ASSERT_EQ(change.exit_code, 0) << inkan::test::describe(change);
  EXPECT_NE(change.out.find("WARNING"), std::string::npos) << change.out;
  EXPECT_NE(change.out.find("inkan contact accept tofu@example.org " + fp_of("tofu-sub2")), std::string::npos) << change.out;
  const auto blocked = single_json(run({"contact", "lookup", "tofu@example.org", "--json"}).out);
  ASSERT_TRUE(blocked);
  EXPECT_EQ((*blocked)["recipients"][0]["reason"], "key-change-pending");
  const auto v = single_json(run({"verify", "--harvest", "--json", signed_by("tofu-sub2", "tofu@example.org")}).out);
  ASSERT_TRUE(v);
  EXPECT_EQ((*v)["contact"]["key_change"], true);

  const auto accept = run({"contact", "accept", "tofu@example.org", fp_of("tofu-sub2"), "--json"});
  ASSERT_EQ(accept.exit_code, 0) << inkan::test::describe(accept);
  const auto after = single_json(run({"contact", "lookup", "tofu@example.org", "--json"}).out);
  ASSERT_TRUE(after);
  EXPECT_EQ((*after)["recipients"][0]["fingerprint"], fp_of("tofu-sub2"));
  expect_error(run({"contact", "reject", "tofu@example.org", fp_of("tofu-sub2")}), 4, "NOT_FOUND");
}

TEST_F(ContactCli, DeleteNeedsConfirmation) {
  ASSERT_EQ(run({"contact", "harvest", signed_by("bob", "bob@example.net")}).exit_code, 0);
  expect_error(run({"contact", "delete", "bob@example.net"}), 2, "CONFIRMATION_REQUIRED");
  EXPECT_EQ(run({"contact", "show", "bob@example.net"}).exit_code, 0) << "nothing deleted without --yes";
  const auto del = run({"contact", "delete", "bob@example.net", "--yes", "--json"});
  ASSERT_EQ(del.exit_code, 0) << inkan::test::describe(del);
  EXPECT_EQ((*single_json(del.out))["deleted"], "bob@example.net");
  expect_error(run({"contact", "show", "bob@example.net"}), 4, "NOT_FOUND");
  expect_error(run({"contact", "delete", "bob@example.net", "--yes"}), 4, "NOT_FOUND");
}

TEST_F(ContactCli, ADamagedContactFileIsListedAsAProblem) {
  ASSERT_EQ(run({"contact", "harvest", signed_by("bob", "bob@example.net"), signed_by("carol", "carol@example.org")}).exit_code, 0);
  fs::path bob;
  for (const auto& e : fs::recursive_directory_iterator(fs::path(home()) / "contacts")) {
    if (e.is_regular_file() && inkan::test::read_file(e.path()).find("bob@example.net") != std::string::npos) bob = e.path();
  }
  ASSERT_FALSE(bob.empty());
  inkan::test::write_file(bob, "garbage");
  const auto list = run({"contact", "list", "--json"});
  ASSERT_EQ(list.exit_code, 0) << inkan::test::describe(list);
  const auto j = single_json(list.out);
  ASSERT_TRUE(j);
  ASSERT_EQ((*j)["contacts"].size(), 1u);
  EXPECT_EQ((*j)["contacts"][0]["address"], "carol@example.org");
  ASSERT_EQ((*j)["problems"].size(), 1u);
  EXPECT_EQ((*j)["problems"][0]["code"], "STORE_CORRUPT");
  expect_error(run({"contact", "show", "bob@example.net"}), 3, "STORE_CORRUPT");
  // Harvesting bob again reports it and leaves the file alone.
  run({"contact", "harvest", signed_by("bob", "bob@example.net")});
  EXPECT_EQ(inkan::test::read_file(bob), "garbage");
}

TEST_F(ContactCli, EncryptToAnAddressFromTheContacts) {
  ASSERT_EQ(run({"contact", "harvest", signed_by("bob", "bob@example.net")}).exit_code, 0);
  const auto r = run({"encrypt", "--to", "bob@example.net", "--no-self", plain_to("bob@example.net")});
  ASSERT_EQ(r.exit_code, 0) << inkan::test::describe(r);
  const std::string enc = m_dir.put("enc.eml", r.out);
  const std::string plain = openssl_decrypt(enc, "bob");
  EXPECT_NE(plain.find("For your eyes only."), std::string::npos) << "openssl cannot decrypt with bob's key";
  // bob's client (openssl) advertised no AES-GCM: AES-CBC, as openssl's printer says.
  const auto print = inkan::test::openssl({"cms", "-cmsout", "-print", "-in", enc});
  EXPECT_NE(print.out.find("aes-256-cbc"), std::string::npos);
}

TEST_F(ContactCli, WithoutToTheMessagesRecipientsAreLookedUp) {
  ASSERT_EQ(run({"contact", "harvest", signed_by("bob", "bob@example.net"), signed_by("carol", "carol@example.org")}).exit_code, 0);
  const auto r = run({"encrypt", "--no-self", plain_to("Bob <bob@example.net>", "carol@example.org")});
  ASSERT_EQ(r.exit_code, 0) << inkan::test::describe(r);
  const std::string enc = m_dir.put("enc.eml", r.out);
  EXPECT_NE(openssl_decrypt(enc, "bob").find("For your eyes only."), std::string::npos);
  EXPECT_NE(openssl_decrypt(enc, "carol").find("For your eyes only."), std::string::npos);
}

TEST_F(ContactCli, RecipientsWithoutACertificateAreNamed) {
  ASSERT_EQ(run({"contact", "harvest", signed_by("bob", "bob@example.net"), signed_by("signonly", "signonly@example.org")}).exit_code, 0);
  const std::string msg = plain_to("bob@example.net", "nobody@example.org, signonly@example.org");
  const auto r = run({"encrypt", "--no-self", msg});
  expect_error(r, 4, "NO_RECIPIENT_CERT");
  EXPECT_TRUE(r.out.empty());
  EXPECT_NE(r.err.find("nobody@example.org (no-certificate)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("signonly@example.org (not-for-encryption)"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("bob@example.net ("), std::string::npos) << r.err;
  expect_error(run({"encrypt", "--no-self", "--to", "nobody@example.org", msg}), 4, "NO_RECIPIENT_CERT");
  // A path that exists is still a certificate file.
  const std::string named = m_dir.put("bob@example.net", inkan::test::read_file(inkan::test::pki("bob.pem")));
  const auto file = run({"encrypt", "--no-self", "--to", named, "--trust", inkan::test::pki("sub.pem"), msg});
  EXPECT_EQ(file.exit_code, 0) << inkan::test::describe(file);
}

TEST_F(ContactCli, TheCapabilitiesAContactAdvertisedChooseTheCipher) {
  // alice signs with Inkan, which advertises AES-GCM; bob's store harvests it.
  const std::string alice_home = (m_dir.path() / "alice-home").string();
  inkan::test::RunOptions as_alice;
  as_alice.set_env = {"INKAN_HOME=" + alice_home, "P12_PASS=test"};
  ASSERT_EQ(inkan({"id", "import", inkan::test::pki("alice.p12"), "--pass-env", "P12_PASS"}, as_alice).exit_code, 0);
  const std::string msg = m_dir.put("from-alice.eml", outer_headers("alice@example.org") +
                                                          "MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nHi Bob.\r\n");
  const auto signed_msg = inkan({"sign", msg}, as_alice);
  ASSERT_EQ(signed_msg.exit_code, 0) << inkan::test::describe(signed_msg);
  ASSERT_EQ(run({"contact", "harvest", m_dir.put("signed-alice.eml", signed_msg.out)}).exit_code, 0);
  const auto r = run({"encrypt", "--to", "alice@example.org", "--no-self", plain_to("alice@example.org")});
  ASSERT_EQ(r.exit_code, 0) << inkan::test::describe(r);
  const std::string enc = m_dir.put("enc-alice.eml", r.out);
  const auto print = inkan::test::openssl({"cms", "-cmsout", "-print", "-in", enc});
  EXPECT_NE(print.out.find("aes-256-gcm"), std::string::npos) << "alice advertised AES-GCM";
  EXPECT_NE(openssl_decrypt(enc, "alice").find("For your eyes only."), std::string::npos);
}

TEST_F(ContactCli, ImportACertificateFile) {
  const auto r = run({"contact", "import", inkan::test::pki("bob-chain.pem"), "--json"});
  ASSERT_EQ(r.exit_code, 0) << inkan::test::describe(r);
  const auto j = single_json(r.out);
  ASSERT_TRUE(j);
  EXPECT_EQ((*j)["changes"][0]["change"], "new");
  EXPECT_EQ((*j)["changes"][0]["origin"], "imported");
  EXPECT_EQ(run({"contact", "lookup", "bob@example.net"}).exit_code, 0);
  expect_error(run({"contact", "import", inkan::test::pki("root.pem")}), 4, "CERT_LOAD_FAILED");
  expect_error(run({"contact", "import", m_dir.put("junk.txt", "junk")}), 4, "CERT_LOAD_FAILED");
}

}  // namespace
