// The store as a whole: import, selection, history, passphrase changes,
// damaged files and failed operations that must leave everything as it was.
#include "store_fixture.h"

#include "error.h"
#include "store/durable_file.h"
#include "store/write_lock.h"
#include "x509/cert.h"

#include <nlohmann/json.hpp>

#include <set>

namespace {

using inkan::Errc;
using inkan::store::Usage;
using inkan::test::StoreTest;
namespace fs = std::filesystem;

class Store : public StoreTest {
protected:
  std::string fp(const std::string& name) const { return openssl_fingerprint(inkan::test::pki(name + ".pem")); }

  template <typename Fn>
  static Errc error_of(Fn&& fn) {
    try {
      fn();
    } catch (const inkan::Error& e) {
      return e.code();
    }
    return Errc::internal;  // "no error" never equals a code a test expects
  }
};

TEST_F(Store, ImportStoresEachIdentityInItsOwnPrivateFile) {
  auto s = open();
  EXPECT_FALSE(s.exists());
  const auto report = s.import_bundle(bundle("alice"), "alice.p12", m_now);
  ASSERT_EQ(report.added.size(), 1u);
  EXPECT_TRUE(report.warnings.empty());
  const auto& id = report.added.front();
  EXPECT_EQ(id.fingerprint, fp("alice"));
  EXPECT_EQ(id.addresses, std::vector<std::string>{"alice@example.org"});
  EXPECT_TRUE(id.can_sign);
  EXPECT_TRUE(id.can_encrypt);
  ASSERT_EQ(id.chain.size(), 1u);
  EXPECT_EQ(inkan::x509::fingerprint_sha256(id.chain.front().get()), fp("sub"));

  EXPECT_EQ(mode_of(root()), 0700u);
  EXPECT_EQ(mode_of(root() / "identities"), 0700u);
  EXPECT_EQ(mode_of(root() / "store.json"), 0600u);
  const fs::path file = root() / "identities" / (fp("alice") + ".json");
  EXPECT_EQ(mode_of(file), 0600u);
  const std::string text = inkan::test::read_file(file);
  EXPECT_EQ(text.find("BEGIN PRIVATE KEY"), std::string::npos) << "a plain private key on disk";
  EXPECT_EQ(text.find("BEGIN RSA PRIVATE KEY"), std::string::npos);
  EXPECT_NE(text.find("BEGIN ENCRYPTED PRIVATE KEY"), std::string::npos);

  // A new Store object (another process) sees it and opens its key.
  auto again = open();
  const auto list = again.identities();
  ASSERT_EQ(list.identities.size(), 1u);
  EXPECT_TRUE(list.problems.empty());
  const auto creds = again.credentials(list.identities.front());
  const auto expected = inkan::test::credentials("alice");
  EXPECT_EQ(EVP_PKEY_eq(creds.key.get(), expected.key.get()), 1);
  EXPECT_EQ(X509_cmp(creds.cert.get(), expected.cert.get()), 0);
}

TEST_F(Store, ReimportingChangesNothing) {
  auto s = with({"alice"});
  const auto before = snapshot();
  const auto report = s.import_bundle(bundle("alice"), "alice.p12", m_now + 100);
  EXPECT_TRUE(report.added.empty());
  EXPECT_EQ(report.already_present, std::vector<std::string>{fp("alice")});
  EXPECT_EQ(snapshot(), before);
}

TEST_F(Store, SelectionPicksTheNewestValidCertificateAndKeepsHistory) {
  auto s = with({"history-old", "history-mid", "history-new", "alice"});
  EXPECT_EQ(s.identities_for("history@example.org").size(), 3u);
  const auto sign = s.select("History@Example.org", Usage::sign, m_now);
  ASSERT_TRUE(sign.has_value());
  EXPECT_EQ(sign->fingerprint, fp("history-new"));
  const auto enc = s.select("history@example.org", Usage::encrypt, m_now);
  ASSERT_TRUE(enc.has_value());
  EXPECT_EQ(enc->fingerprint, fp("history-new"));
  // In 2025 history-new did not exist yet: history-mid was the one; in 2020 the old one.
  EXPECT_EQ(s.select("history@example.org", Usage::sign, 1735689600)->fingerprint, fp("history-mid"));
  EXPECT_EQ(s.select("history@example.org", Usage::sign, 1590000000)->fingerprint, fp("history-old"));
  // Every key stays available for decrypting old mail.
  const auto all = s.all_credentials();
  std::set<std::string> have;
  for (const auto& c : all) have.insert(inkan::x509::fingerprint_sha256(c.cert.get()));
  EXPECT_EQ(have, (std::set<std::string>{fp("history-old"), fp("history-mid"), fp("history-new"), fp("alice")}));
  EXPECT_FALSE(s.select("nobody@example.org", Usage::sign, m_now).has_value());
}

TEST_F(Store, SeparateSigningAndEncryptionCertificates) {
  auto s = with({"split-sign", "split-enc"});
  EXPECT_EQ(s.select("split@example.org", Usage::sign, m_now)->fingerprint, fp("split-sign"));
  EXPECT_EQ(s.select("split@example.org", Usage::encrypt, m_now)->fingerprint, fp("split-enc"));
  const auto current = s.current_identities("split@example.org", m_now);
  ASSERT_EQ(current.size(), 2u);
  EXPECT_EQ(current[0].fingerprint, fp("split-sign"));
  EXPECT_EQ(current[1].fingerprint, fp("split-enc"));
}

TEST_F(Store, UnusableCertificatesAreStoredWithWarningsButNeverSelected) {
  auto s = open();
  const auto expired = s.import_bundle(bundle("expired"), "expired.p12", m_now);
  ASSERT_EQ(expired.warnings.size(), 1u);
  EXPECT_EQ(expired.warnings.front().first, "identity-expired");
  const auto noemail = s.import_bundle(bundle("noemail"), "noemail.p12", m_now);
  ASSERT_EQ(noemail.warnings.size(), 1u);
  EXPECT_EQ(noemail.warnings.front().first, "no-email-address");
  const auto server = s.import_bundle(bundle("servereku"), "servereku.p12", m_now);
  ASSERT_EQ(server.warnings.size(), 1u);
  EXPECT_EQ(server.warnings.front().first, "not-for-email");
  EXPECT_FALSE(s.select("expired@example.org", Usage::sign, m_now).has_value());
  EXPECT_FALSE(s.select("servereku@example.org", Usage::sign, m_now).has_value());
  EXPECT_EQ(s.identities().identities.size(), 3u);
}

TEST_F(Store, ACertificateAloneJoinsTheKeyItBelongsTo) {
  auto s = with({"alice"});
  auto renewal = inkan::store::read_key_file(inkan::test::read_file(inkan::test::pki("alice-renewed.pem")), {},
                                             std::nullopt);
  EXPECT_EQ(renewal.format, "certificates");
  const auto report = s.import_bundle(std::move(renewal), "alice-renewed.pem", m_now);
  ASSERT_EQ(report.added.size(), 1u);
  EXPECT_EQ(report.added.front().fingerprint, fp("alice-renewed"));
  EXPECT_EQ(report.added.front().source, "certificate");
  const auto creds = s.credentials(report.added.front());
  EXPECT_EQ(X509_check_private_key(creds.cert.get(), creds.key.get()), 1);
  // A certificate whose key the store does not have is not an identity.
  EXPECT_EQ(error_of([&] {
              s.import_bundle(inkan::store::read_key_file(inkan::test::read_file(inkan::test::pki("bob.pem")), {}, std::nullopt),
                              "bob.pem", m_now);
            }),
            Errc::no_identity);
}

TEST_F(Store, WrongFilePasswordsAndUnknownFilesChangeNothing) {
  auto s = with({"alice"});
  const auto before = snapshot();
  EXPECT_EQ(error_of([&] { (void)inkan::store::read_key_file(inkan::test::read_file(inkan::test::pki("bob.p12")), {}, std::string("nope")); }),
            Errc::bad_password);
  EXPECT_EQ(error_of([&] { (void)inkan::store::read_key_file(inkan::test::read_file(inkan::test::pki("bob.p12")), {}, std::nullopt); }),
            Errc::password_required);
  EXPECT_EQ(error_of([&] { (void)inkan::store::read_key_file("just some text\n", {}, std::nullopt); }), Errc::unknown_format);
  EXPECT_EQ(error_of([&] { (void)inkan::store::read_key_file(std::string("\x30\x03\x02\x01\x05", 5), {}, std::nullopt); }),
            Errc::unknown_format);
  EXPECT_EQ(snapshot(), before);
}

TEST_F(Store, ChangingThePassphraseKeepsEveryKeyReadableAndRewritesOnlyStoreJson) {
  auto s = with({"alice", "carol", "history-old"});
  const auto identity_files = [&] {
    auto all = snapshot();
    all.erase("store.json");
    all.erase("lock");
    return all;
  };
  const auto ids_before = identity_files();
  s.change_passphrase(std::string("first passphrase"), m_now);
  EXPECT_EQ(identity_files(), ids_before);
  EXPECT_TRUE(open().header()->has_passphrase);
  {
    auto locked = open();
    EXPECT_EQ(error_of([&] { (void)locked.credentials(locked.identities().identities.front()); }), Errc::store_locked);
    locked.set_passphrase(std::string("wrong"));
    EXPECT_EQ(error_of([&] { (void)locked.key(); }), Errc::bad_password);
  }
  auto unlocked = open();
  unlocked.set_passphrase(std::string("first passphrase"));
  for (const auto& id : unlocked.identities().identities) EXPECT_NO_THROW((void)unlocked.credentials(id)) << id.fingerprint;
  unlocked.change_passphrase(std::string("second"), m_now);
  {
    auto old = open();
    old.set_passphrase(std::string("first passphrase"));
    EXPECT_EQ(error_of([&] { (void)old.key(); }), Errc::bad_password);
    auto prompted = open();
    int asked = 0;
    prompted.set_prompt([&] {
      ++asked;
      return std::optional<std::string>("second");
    });
    for (const auto& id : prompted.identities().identities) EXPECT_NO_THROW((void)prompted.credentials(id));
    EXPECT_EQ(asked, 1) << "asked once, then remembered";
  }
  unlocked.change_passphrase(std::nullopt, m_now);
  auto plain = open();
  EXPECT_FALSE(plain.header()->has_passphrase);
  for (const auto& id : plain.identities().identities) EXPECT_NO_THROW((void)plain.credentials(id));
  EXPECT_EQ(identity_files(), ids_before);
}

TEST_F(Store, AStoreCreatedWithAPassphraseIsProtectedFromTheStart) {
  auto s = open();
  s.set_passphrase(std::string("from the start"));
  s.import_bundle(bundle("alice"), "alice.p12", m_now);
  const std::string json = inkan::test::read_file(root() / "store.json");
  EXPECT_EQ(nlohmann::json::parse(json).at("store_key").at("protection"), "passphrase");
  auto other = open();
  EXPECT_EQ(error_of([&] { (void)other.key(); }), Errc::store_locked);
}

TEST_F(Store, ADamagedStoreJsonIsReportedAndNothingIsTouched) {
  with({"alice"});
  inkan::test::write_file(root() / "store.json", "{\"format\": \"inkan-st");
  const auto before = snapshot();
  auto s = open();
  EXPECT_EQ(error_of([&] { s.import_bundle(bundle("bob"), "bob.p12", m_now); }), Errc::store_corrupt);
  EXPECT_EQ(error_of([&] { (void)s.identities(); }), Errc::store_corrupt);
  EXPECT_EQ(error_of([&] { s.change_passphrase(std::string("x"), m_now); }), Errc::store_corrupt);
  EXPECT_EQ(error_of([&] { s.remove_identity(fp("alice")); }), Errc::store_corrupt);
  EXPECT_EQ(snapshot(), before);
}

TEST_F(Store, ANewerStoreVersionIsRefusedAndKept) {
  with({"alice"});
  auto doc = nlohmann::json::parse(inkan::test::read_file(root() / "store.json"));
  doc["version"] = 7;
  inkan::test::write_file(root() / "store.json", doc.dump());
  const auto before = snapshot();
  auto s = open();
  EXPECT_EQ(error_of([&] { s.import_bundle(bundle("bob"), "bob.p12", m_now); }), Errc::store_version_unsupported);
  EXPECT_EQ(error_of([&] { (void)s.status(); }), Errc::store_version_unsupported);
  EXPECT_EQ(snapshot(), before);
}

TEST_F(Store, AMissingStoreJsonIsNotReplacedOverExistingIdentities) {
  with({"alice"});
  fs::remove(root() / "store.json");
  const auto before = snapshot();
  auto s = open();
  EXPECT_EQ(error_of([&] { s.import_bundle(bundle("bob"), "bob.p12", m_now); }), Errc::store_corrupt);
  EXPECT_EQ(snapshot(), before) << "a new store key over old identities would lock them away";
}

TEST_F(Store, ADamagedIdentityFileIsReportedTheOthersStayUsable) {
  auto s = with({"alice", "bob"});
  const fs::path bob = root() / "identities" / (fp("bob") + ".json");
  inkan::test::write_file(bob, "{ not json");
  auto newer = nlohmann::json::parse(inkan::test::read_file(root() / "identities" / (fp("alice") + ".json")));
  const auto before = snapshot();
  auto again = open();
  const auto list = again.identities();
  ASSERT_EQ(list.identities.size(), 1u);
  EXPECT_EQ(list.identities.front().fingerprint, fp("alice"));
  ASSERT_EQ(list.problems.size(), 1u);
  EXPECT_EQ(list.problems.front().file, "identities/" + fp("bob") + ".json");
  EXPECT_EQ(list.problems.front().code, Errc::store_corrupt);
  EXPECT_EQ(error_of([&] { (void)again.find_identity(fp("bob")); }), Errc::store_corrupt);
  EXPECT_TRUE(again.select("alice@example.org", Usage::sign, m_now).has_value());
  EXPECT_EQ(snapshot(), before);

  // A file of a newer format version: reported as such, also kept.
  newer["version"] = 2;
  inkan::test::write_file(root() / "identities" / (fp("alice") + ".json"), newer.dump());
  const auto list2 = open().identities();
  EXPECT_TRUE(list2.identities.empty());
  ASSERT_EQ(list2.problems.size(), 2u);
  for (const auto& p : list2.problems) {
    const bool is_alice = p.file == "identities/" + fp("alice") + ".json";
    EXPECT_EQ(p.code, is_alice ? Errc::store_version_unsupported : Errc::store_corrupt) << p.file;
  }
}

TEST_F(Store, AnIdentityFileCannotClaimAnotherCertificate) {
  with({"alice", "bob"});
  // bob's file copied under alice's name: the fingerprint no longer matches the certificate.
  fs::copy_file(root() / "identities" / (fp("bob") + ".json"), root() / "identities" / (fp("alice") + ".json"),
                fs::copy_options::overwrite_existing);
  const auto list = open().identities();
  ASSERT_EQ(list.problems.size(), 1u);
  EXPECT_EQ(list.problems.front().code, Errc::store_corrupt);
}

TEST_F(Store, DeletingNeedsAnExistingFingerprint) {
  auto s = with({"alice", "bob"});
  EXPECT_EQ(error_of([&] { s.remove_identity(std::string(64, 'a')); }), Errc::not_found);
  EXPECT_EQ(error_of([&] { s.remove_identity("abc"); }), Errc::usage);
  s.remove_identity(fp("bob").substr(0, 12));  // a unique prefix
  const auto left = open().identities().identities;
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left.front().fingerprint, fp("alice"));
  EXPECT_EQ(error_of([&] { s.remove_identity(fp("bob")); }), Errc::not_found);
}

TEST_F(Store, ABusyStoreIsReportedAndNothingIsWritten) {
  with({"alice"});
  const auto before = snapshot();
  inkan::store::WriteLock other_writer(root(), std::chrono::milliseconds(100));
  auto o = options();
  o.lock_wait = std::chrono::milliseconds(200);
  inkan::store::Store s(o);
  EXPECT_EQ(error_of([&] { s.import_bundle(bundle("bob"), "bob.p12", m_now); }), Errc::store_busy);
  EXPECT_EQ(snapshot(), before);
}

TEST_F(Store, LeftoversOfAKilledWriterAreIgnoredThenRemoved) {
  with({"alice"});
  const fs::path debris = root() / "identities" / (".tmp-" + fp("bob") + ".json-XyZ123");
  inkan::test::write_file(debris, "{\"format\":\"inkan-iden");
  EXPECT_EQ(open().identities().identities.size(), 1u);
  EXPECT_TRUE(open().identities().problems.empty());
  open().import_bundle(bundle("bob"), "bob.p12", m_now);
  EXPECT_FALSE(fs::exists(debris));
  EXPECT_EQ(open().identities().identities.size(), 2u);
}

TEST_F(Store, StoreLocationFollowsInkanHomeThenXdg) {
  const auto saved_inkan = inkan::test::env_or("INKAN_HOME");
  const auto saved_xdg = inkan::test::env_or("XDG_DATA_HOME");
  const auto saved_home = inkan::test::env_or("HOME");
  ::setenv("INKAN_HOME", "/somewhere/inkan-home", 1);
  EXPECT_EQ(inkan::store::Store().root(), fs::path("/somewhere/inkan-home"));
  ::unsetenv("INKAN_HOME");
  ::setenv("XDG_DATA_HOME", "/xdg/data", 1);
  EXPECT_EQ(inkan::store::Store().root(), fs::path("/xdg/data/inkan"));
  ::setenv("XDG_DATA_HOME", "relative/is/ignored", 1);
  ::setenv("HOME", "/home/someone", 1);
  EXPECT_EQ(inkan::store::Store().root(), fs::path("/home/someone/.local/share/inkan"));
  ::unsetenv("XDG_DATA_HOME");
  EXPECT_EQ(inkan::store::Store().root(), fs::path("/home/someone/.local/share/inkan"));
  const auto restore = [](const char* n, const std::string& v) {
    if (v.empty()) ::unsetenv(n);
    else ::setenv(n, v.c_str(), 1);
  };
  restore("INKAN_HOME", saved_inkan);
  restore("XDG_DATA_HOME", saved_xdg);
  restore("HOME", saved_home);
}

}  // namespace
