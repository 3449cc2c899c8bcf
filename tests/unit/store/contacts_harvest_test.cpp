// Harvesting signed mail into the contacts (docs/store.md "Contacts"): new
// contacts, renewals by the same CA, key changes (TOFU) from another CA or a
// self-signed key, forged messages, the user's decisions, damaged files. Every
// message is signed by the openssl command line.
#include "contacts_fixture.h"

#include "cms/sign.h"
#include "store/contact_policy.h"

#include <nlohmann/json.hpp>

namespace {

using inkan::Errc;
using inkan::store::CertStatus;
using inkan::store::Change;
using inkan::store::Usage;
using inkan::test::ContactsTest;
using inkan::test::pki;
namespace fs = std::filesystem;

class Harvest : public ContactsTest {};

TEST_F(Harvest, AGoodMessageMakesANewContactInItsOwnPrivateFile) {
  const auto r = harvest(signed_mail("bob", "bob@example.net"));
  ASSERT_EQ(m_verdict.status, inkan::Status::good);
  const auto ch = change_for(r, "bob@example.net");
  EXPECT_EQ(ch.change, Change::new_contact);
  EXPECT_EQ(ch.fingerprint, fp("bob"));
  EXPECT_EQ(ch.status, CertStatus::current);
  EXPECT_EQ(ch.origin, "signer");
  EXPECT_TRUE(ch.trusted);
  EXPECT_EQ(ch.first_seen, m_now);
  EXPECT_TRUE(r.problems.empty());

  const auto c = contact("bob@example.net");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->current_sign, fp("bob"));
  EXPECT_EQ(c->current_encrypt, fp("bob"));
  ASSERT_EQ(c->certs.size(), 1u);
  const auto& cert = c->certs.front();
  ASSERT_EQ(cert.sightings.size(), 1u);
  EXPECT_EQ(cert.sightings.front().verdict, "good");
  EXPECT_EQ(cert.sightings.front().source, "test");
  EXPECT_EQ(cert.sightings.front().message_id, "msg-1@example.net");
  ASSERT_TRUE(cert.sightings.front().date);
  EXPECT_EQ(*cert.sightings.front().date, m_now);
  // The carried intermediate is kept, so a chain can be built later.
  ASSERT_EQ(cert.chain, std::vector<std::string>{fp("sub")});
  const fs::path intermediate = root() / "intermediates" / (fp("sub") + ".pem");
  EXPECT_EQ(openssl_fingerprint(intermediate.string()), fp("sub"));

  // One file per address, named by the SHA-256 of the address (computed by openssl here).
  const fs::path file = contact_file("bob@example.net");
  ASSERT_TRUE(fs::exists(file)) << file;
  EXPECT_EQ(mode_of(file), 0600u);
  EXPECT_EQ(mode_of(file.parent_path()), 0700u);
  EXPECT_EQ(mode_of(root() / "contacts"), 0700u);
  EXPECT_EQ(mode_of(intermediate), 0600u);
  const auto doc = nlohmann::json::parse(inkan::test::read_file(file));
  EXPECT_EQ(doc["address"], "bob@example.net");
  EXPECT_EQ(doc["certificates"][0]["certificate"].get<std::string>().find("-----BEGIN CERTIFICATE-----"), 0u);
}

TEST_F(Harvest, TheSameCertificateAgainOnlyRecordsTheSighting) {
  harvest(signed_mail("bob", "bob@example.net"));
  const std::string mail = signed_mail("bob", "bob@example.net");
  const auto r = harvest(mail, std::nullopt, {}, m_now + 60);
  EXPECT_EQ(change_for(r, "bob@example.net").change, Change::unchanged);
  // The same message seen twice (new mail, then displayed) counts once.
  harvest(mail, std::nullopt, {}, m_now + 120);
  const auto c = contact("bob@example.net");
  ASSERT_TRUE(c);
  ASSERT_EQ(c->certs.size(), 1u);
  EXPECT_EQ(c->certs.front().times_seen, 2u);
  EXPECT_EQ(c->certs.front().first_seen, m_now);
  EXPECT_EQ(c->certs.front().last_seen, m_now + 120);
  EXPECT_EQ(c->certs.front().sightings.size(), 2u);
}

TEST_F(Harvest, ARenewalByTheSameCaReplacesTheCurrentCertificate) {
  harvest(signed_mail("tofu-old", "tofu@example.org"));
  const auto r = harvest(signed_mail("tofu-new", "tofu@example.org"));
  const auto ch = change_for(r, "tofu@example.org");
  EXPECT_EQ(ch.change, Change::renewal);
  EXPECT_EQ(ch.replaced, fp("tofu-old"));
  const auto c = contact("tofu@example.org");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->current_sign, fp("tofu-new"));
  EXPECT_EQ(c->current_encrypt, fp("tofu-new"));
  EXPECT_EQ(c->find(fp("tofu-old"))->status, CertStatus::previous);
  EXPECT_FALSE(c->key_change_pending());
}

TEST_F(Harvest, AnOlderCertificateOfTheSameCaIsKeptAsPrevious) {
  harvest(signed_mail("tofu-old", "tofu@example.org"));
  const auto r = harvest(signed_mail("tofu-older", "tofu@example.org"));
  EXPECT_EQ(change_for(r, "tofu@example.org").change, Change::older);
  const auto c = contact("tofu@example.org");
  EXPECT_EQ(c->current_sign, fp("tofu-old"));
  EXPECT_EQ(c->find(fp("tofu-older"))->status, CertStatus::previous);
}

TEST_F(Harvest, AKeyFromAnotherTrustedCaIsAPendingKeyChange) {
  harvest(signed_mail("tofu-old", "tofu@example.org"));
  const auto r = harvest(signed_mail("tofu-sub2", "tofu@example.org"));
  EXPECT_EQ(m_verdict.status, inkan::Status::good);  // a perfectly good signature: still a different key
  const auto ch = change_for(r, "tofu@example.org");
  EXPECT_EQ(ch.change, Change::key_change);
  EXPECT_EQ(ch.status, CertStatus::pending);
  EXPECT_EQ(ch.replaced, fp("tofu-old"));
  const auto c = contact("tofu@example.org");
  EXPECT_EQ(c->current_sign, fp("tofu-old")) << "never silently replaced";
  EXPECT_EQ(c->current_encrypt, fp("tofu-old"));
  EXPECT_TRUE(c->key_change_pending());
}

TEST_F(Harvest, ASelfSignedReplacementIsAPendingKeyChange) {
  harvest(signed_mail("tofu-old", "tofu@example.org"));
  const auto r = harvest(signed_mail("tofu-self", "tofu@example.org"));
  EXPECT_EQ(m_verdict.status, inkan::Status::untrusted);
  const auto ch = change_for(r, "tofu@example.org");
  EXPECT_EQ(ch.change, Change::key_change);
  EXPECT_FALSE(ch.trusted);
  EXPECT_EQ(contact("tofu@example.org")->current_sign, fp("tofu-old"));
}

TEST_F(Harvest, AKeyFromAnUntrustedCaIsAPendingKeyChange) {
  harvest(signed_mail("tofu-old", "tofu@example.org"));
  const auto r = harvest(signed_mail("tofu-other", "tofu@example.org"));
  EXPECT_EQ(change_for(r, "tofu@example.org").change, Change::key_change);
  EXPECT_EQ(contact("tofu@example.org")->current_sign, fp("tofu-old"));
}

TEST_F(Harvest, AnUntrustedKeyIsTakenOnFirstUseAndMarkedUntrusted) {
  const auto r = harvest(signed_mail("mallory", "mallory@example.org"));
  EXPECT_EQ(m_verdict.status, inkan::Status::untrusted);
  const auto ch = change_for(r, "mallory@example.org");
  EXPECT_EQ(ch.change, Change::new_contact);
  EXPECT_FALSE(ch.trusted);
  EXPECT_FALSE(contact("mallory@example.org")->certs.front().trusted);
  // The only other certificate it carries is its root (self-issued): never kept as an intermediate.
  EXPECT_TRUE(contact("mallory@example.org")->certs.front().chain.empty());
}

TEST_F(Harvest, AForgedMessageNeverChangesAContact) {
  harvest(signed_mail("tofu-old", "tofu@example.org"));
  const auto before = inkan::test::read_file(contact_file("tofu@example.org"));
  // A self-signed key for tofu@ on a message whose signature does not verify.
  const auto r = harvest(forged_mail("tofu-self", "tofu@example.org"));
  ASSERT_EQ(m_verdict.status, inkan::Status::bad);
  const auto ch = change_for(r, "tofu@example.org");
  EXPECT_EQ(ch.change, Change::unverified);
  EXPECT_EQ(ch.status, CertStatus::unverified);
  const auto c = contact("tofu@example.org");
  EXPECT_EQ(c->current_sign, fp("tofu-old"));
  EXPECT_FALSE(c->key_change_pending()) << "a forged message must not even raise a key-change warning";
  const auto* seen = c->find(fp("tofu-self"));
  ASSERT_NE(seen, nullptr) << "the attempt is kept in the history as evidence";
  EXPECT_EQ(seen->sightings.front().verdict, "bad");
  EXPECT_NE(inkan::test::read_file(contact_file("tofu@example.org")), before);

  // Seen later in a message whose signature does verify, it is judged then: a key change.
  const auto later = harvest(signed_mail("tofu-self", "tofu@example.org"));
  EXPECT_EQ(change_for(later, "tofu@example.org").change, Change::key_change);
}

TEST_F(Harvest, AForgedMessageCreatesNoContact) {
  const auto r = harvest(forged_mail("tofu-self", "tofu@example.org"));
  ASSERT_EQ(m_verdict.status, inkan::Status::bad);
  EXPECT_TRUE(r.changes.empty());
  EXPECT_FALSE(contact("tofu@example.org"));
  EXPECT_FALSE(fs::exists(root() / "contacts"));
}

TEST_F(Harvest, AnUntrustedKeyOnSomeoneElsesFromIsNotTaken) {
  // mallory signs a message claiming to be from tofu@: her certificate names only her own
  // address (header mismatch), and she cannot vouch for tofu@.
  const auto r = harvest(signed_mail("mallory", "tofu@example.org"));
  EXPECT_NE(std::find(m_verdict.reasons.begin(), m_verdict.reasons.end(), "from-not-in-certificate"), m_verdict.reasons.end());
  EXPECT_TRUE(r.changes.empty());
  EXPECT_FALSE(contact("tofu@example.org"));
  EXPECT_FALSE(contact("mallory@example.org"));
}

TEST_F(Harvest, ACaCertifiedKeyIsTakenEvenFromABadMessageAsThunderbirdDoes) {
  // Thunderbird imports carried certificates before checking the signature; a CA's
  // certificate is the CA's word, which a forger cannot change (a mailing-list footer
  // breaks signatures every day).
  const auto r = harvest(forged_mail("bob", "bob@example.net"));
  ASSERT_EQ(m_verdict.status, inkan::Status::bad);
  const auto ch = change_for(r, "bob@example.net");
  EXPECT_EQ(ch.change, Change::new_contact);
  EXPECT_TRUE(ch.trusted);
  EXPECT_EQ(contact("bob@example.net")->certs.front().sightings.front().verdict, "bad");
}

TEST_F(Harvest, CarriedCertificatesOfOthersAreTakenWhenACaVouches) {
  // alice's message carries bob's certificate (CA-certified) and tofu-self's (no one vouches).
  // (openssl cms takes one -certfile: the intermediate goes in the same file.)
  const std::string extra = m_dir.put("extra.pem", inkan::test::read_file(pki("sub.pem")) +
                                                       inkan::test::read_file(pki("bob.pem")) +
                                                       inkan::test::read_file(pki("tofu-self.pem")));
  const auto r = harvest(signed_mail("alice", "alice@example.org", {"-certfile", extra}));
  ASSERT_EQ(m_verdict.status, inkan::Status::good);
  EXPECT_EQ(change_for(r, "alice@example.org").change, Change::new_contact);
  const auto bob = change_for(r, "bob@example.net");
  EXPECT_EQ(bob.change, Change::new_contact);
  EXPECT_EQ(bob.origin, "carried");
  EXPECT_FALSE(contact("tofu@example.org")) << "an untrusted certificate of someone else's is no evidence";
}

TEST_F(Harvest, ASeparateEncryptionCertificateJoinsTheSigningOne) {
  // split-sign signs; split-enc (same CA, encryption only) rides along.
  const auto r = harvest(signed_mail("split-sign", "split@example.org", {"-certfile", with_sub("split-enc")}));
  ASSERT_EQ(m_verdict.status, inkan::Status::good);
  EXPECT_EQ(change_for(r, "split@example.org", fp("split-sign")).change, Change::new_contact);
  EXPECT_EQ(change_for(r, "split@example.org", fp("split-enc")).change, Change::added);
  const auto c = contact("split@example.org");
  EXPECT_EQ(c->current_sign, fp("split-sign"));
  EXPECT_EQ(c->current_encrypt, fp("split-enc"));
}

TEST_F(Harvest, TheEncryptionCertificateASignerNamesIsTakenOnItsWord) {
  // Without the test root as an anchor nothing is CA-certified: only the signer's word
  // (SMIMEEncryptionKeyPreference, a signed attribute) makes split-enc the contact's.
  m_store->remove_trust(fp("root"));
  auto creds = inkan::test::credentials("split-sign");
  const auto enc = inkan::test::certificate("split-enc");
  creds.chain.push_back(inkan::ossl::up_ref(enc.get()));
  inkan::cms::SignOptions sign_options;
  sign_options.encryption_cert = enc.get();
  inkan::cms::DetachedSigner inkan_signer(creds, sign_options);
  const std::string entity = inkan::test::text_entity("Hello.\r\n");
  inkan_signer.update(entity);
  const std::string der = inkan_signer.finish();
  const auto r = harvest(inkan::test::multipart_signed(headers("split@example.org", m_now), entity, der));
  ASSERT_EQ(m_verdict.status, inkan::Status::untrusted);
  EXPECT_EQ(change_for(r, "split@example.org", fp("split-enc")).origin, "encryption-preference");
  const auto c = contact("split@example.org");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->current_sign, fp("split-sign"));
  EXPECT_EQ(c->current_encrypt, fp("split-enc"));
  // Inkan advertises AES-GCM and RSA-OAEP: recorded for choosing algorithms later.
  ASSERT_TRUE(c->capabilities);
  std::vector<std::string> names;
  for (const auto& cap : c->capabilities->list) names.push_back(cap.name);
  EXPECT_NE(std::find(names.begin(), names.end(), "aes256-gcm"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "rsaes-oaep"), names.end());
}

TEST_F(Harvest, TheUserAcceptsAKeyChange) {
  harvest(signed_mail("tofu-old", "tofu@example.org"));
  harvest(signed_mail("tofu-sub2", "tofu@example.org"));
  const auto c = book().accept("tofu@example.org", fp("tofu-sub2"), m_now + 10);
  EXPECT_EQ(c.current_sign, fp("tofu-sub2"));
  EXPECT_EQ(c.current_encrypt, fp("tofu-sub2"));
  EXPECT_EQ(c.find(fp("tofu-old"))->status, CertStatus::previous);
  ASSERT_TRUE(c.find(fp("tofu-sub2"))->decided_at);
  EXPECT_FALSE(c.key_change_pending());
  EXPECT_EQ(contact("tofu@example.org")->current_sign, fp("tofu-sub2")) << "written to the store";
  // Renewals are now judged against the accepted key's CA: tofu-new (sub) is a key change.
  const auto r = harvest(signed_mail("tofu-new", "tofu@example.org"));
  EXPECT_EQ(change_for(r, "tofu@example.org").change, Change::key_change);
}

TEST_F(Harvest, TheUserRejectsAKeyChangeAndItStaysRejected) {
  harvest(signed_mail("tofu-old", "tofu@example.org"));
  harvest(signed_mail("tofu-self", "tofu@example.org"));
  const auto c = book().reject("tofu@example.org", fp("tofu-self"), m_now + 10);
  EXPECT_EQ(c.find(fp("tofu-self"))->status, CertStatus::rejected);
  EXPECT_EQ(c.current_sign, fp("tofu-old"));
  EXPECT_FALSE(c.key_change_pending());
  const auto r = harvest(signed_mail("tofu-self", "tofu@example.org"));
  EXPECT_EQ(change_for(r, "tofu@example.org").change, Change::rejected);
  EXPECT_EQ(contact("tofu@example.org")->find(fp("tofu-self"))->status, CertStatus::rejected);
  // The user may change their mind.
  const auto later = book().accept("tofu@example.org", fp("tofu-self"), m_now + 20);
  EXPECT_EQ(later.current_sign, fp("tofu-self"));
}

TEST_F(Harvest, OnlyPendingKeyChangesCanBeDecided) {
  harvest(signed_mail("tofu-old", "tofu@example.org"));
  const auto before = snapshot();
  EXPECT_EQ(error_of([&] { book().accept("tofu@example.org", fp("tofu-old"), m_now); }), Errc::not_found);
  EXPECT_EQ(error_of([&] { book().reject("tofu@example.org", fp("tofu-new"), m_now); }), Errc::not_found);
  EXPECT_EQ(error_of([&] { book().accept("nobody@example.org", fp("tofu-old"), m_now); }), Errc::not_found);
  EXPECT_EQ(error_of([&] { book().accept("not an address", fp("tofu-old"), m_now); }), Errc::usage);
  EXPECT_EQ(error_of([&] { book().accept("tofu@example.org", "abcd", m_now); }), Errc::usage);
  EXPECT_EQ(snapshot(), before) << "a failed operation changes nothing";
}

TEST_F(Harvest, DeleteRemovesTheContactAndNothingElse) {
  harvest(signed_mail("bob", "bob@example.net"));
  harvest(signed_mail("alice", "alice@example.org"));
  book().remove("BOB@example.net");
  EXPECT_FALSE(contact("bob@example.net"));
  EXPECT_TRUE(contact("alice@example.org"));
  EXPECT_EQ(error_of([&] { book().remove("bob@example.net"); }), Errc::not_found);
}

TEST_F(Harvest, ARevokedSignerIsFlaggedAndNeverBecomesCurrent) {
  const auto crl = inkan::test::sub_crl();
  std::vector<X509_CRL*> crls;
  for (const auto& c : crl) crls.push_back(c.get());
  const auto r = harvest(signed_mail("revoked", "revoked@example.org"), std::nullopt, crls);
  ASSERT_EQ(m_verdict.status, inkan::Status::revoked);
  EXPECT_TRUE(r.changes.empty()) << "no contact is made from a revoked certificate";
  // Known before the CRL said so: it stays, flagged.
  harvest(signed_mail("revoked", "revoked@example.org"));
  harvest(signed_mail("revoked", "revoked@example.org"), std::nullopt, crls);
  const auto c = contact("revoked@example.org");
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->find(fp("revoked"))->revoked_at);
}

TEST_F(Harvest, ADamagedContactFileIsReportedAndNeverOverwritten) {
  harvest(signed_mail("bob", "bob@example.net"));
  harvest(signed_mail("alice", "alice@example.org"));
  const fs::path bob = contact_file("bob@example.net");
  inkan::test::write_file(bob, "{\"format\": \"inkan-contact\", \"version\": 1, \"address\": ");
  const auto r = harvest(signed_mail("bob", "bob@example.net"));
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems.front().code, Errc::store_corrupt);
  EXPECT_NE(r.problems.front().file.find("contacts/"), std::string::npos);
  EXPECT_EQ(inkan::test::read_file(bob), "{\"format\": \"inkan-contact\", \"version\": 1, \"address\": ");
  EXPECT_EQ(error_of([&] { book().get("bob@example.net"); }), Errc::store_corrupt);
  // The rest of the contacts still work.
  const auto list = book().list();
  ASSERT_EQ(list.contacts.size(), 1u);
  EXPECT_EQ(list.contacts.front().address, "alice@example.org");
  ASSERT_EQ(list.problems.size(), 1u);
  EXPECT_EQ(list.problems.front().code, Errc::store_corrupt);
  EXPECT_EQ(change_for(harvest(signed_mail("alice", "alice@example.org")), "alice@example.org").change, Change::unchanged);
  // A damaged file can still be deleted by the user.
  book().remove("bob@example.net");
  EXPECT_FALSE(fs::exists(bob));
}

TEST_F(Harvest, DamagedFilesOfEveryKindAreRecognised) {
  harvest(signed_mail("bob", "bob@example.net"));
  const fs::path file = contact_file("bob@example.net");
  const std::string good = inkan::test::read_file(file);
  const auto with = [&](const std::string& from, const std::string& to) {
    std::string t = good;
    const auto pos = t.find(from);
    EXPECT_NE(pos, std::string::npos) << from;
    if (pos != std::string::npos) t.replace(pos, from.size(), to);
    inkan::test::write_file(file, t);
    return error_of([&] { book().get("bob@example.net"); });
  };
  EXPECT_EQ(with("\"version\": 1", "\"version\": 2"), Errc::store_version_unsupported);
  EXPECT_EQ(with("\"address\": \"bob@example.net\"", "\"address\": \"eve@example.net\""), Errc::store_corrupt);
  EXPECT_EQ(with("\"status\": \"current\"", "\"status\": \"previous\""), Errc::store_corrupt);
  EXPECT_EQ(with("\"status\": \"current\"", "\"status\": \"trusted-forever\""), Errc::store_corrupt);
  EXPECT_EQ(with("\"fingerprint\": \"" + fp("bob"), "\"fingerprint\": \"" + fp("alice")), Errc::store_corrupt);
  EXPECT_EQ(with("\"sign\": \"" + fp("bob"), "\"sign\": \"" + fp("alice")), Errc::store_corrupt);
  EXPECT_EQ(with("MII", "MIX"), Errc::store_corrupt);
  inkan::test::write_file(file, good);
  EXPECT_EQ(book().get("bob@example.net").address, "bob@example.net");
  // A symbolic link in place of the file is not followed.
  fs::remove(file);
  fs::create_symlink("/etc/passwd", file);
  EXPECT_EQ(error_of([&] { book().get("bob@example.net"); }), Errc::store_corrupt);
}

TEST_F(Harvest, SightingsAndHistoryStayBounded) {
  for (int i = 0; i < 8; ++i) harvest(signed_mail("bob", "bob@example.net"), std::nullopt, {}, m_now + i);
  auto c = contact("bob@example.net");
  ASSERT_TRUE(c);
  const auto& cert = c->certs.front();
  EXPECT_EQ(cert.times_seen, 8u);
  ASSERT_EQ(cert.sightings.size(), inkan::store::Contact::kMaxSightings);
  EXPECT_EQ(cert.sightings.front().message_id, "msg-1@example.net") << "the first sighting says since when";
  EXPECT_EQ(cert.sightings.back().message_id, "msg-8@example.net");

  // 25 more certificates for the address: the history keeps 20, never the current one.
  inkan::store::Contact many = *c;
  for (int i = 0; i < 25; ++i) {
    inkan::store::ContactCert extra = many.certs.front();
    extra.fingerprint = std::string(62, 'a') + (i < 10 ? "0" : "") + std::to_string(i);
    extra.status = i % 2 == 0 ? CertStatus::previous : CertStatus::unverified;
    extra.last_seen = m_now - 1000 + i;
    many.certs.push_back(extra);
  }
  inkan::store::trim_history(many);
  EXPECT_EQ(many.certs.size(), inkan::store::Contact::kMaxCertificates);
  EXPECT_NE(many.find(fp("bob")), nullptr) << "never the current one";
  // 13 previous and 12 unverified came in; the 6 oldest unverified ones went first.
  const auto count = [&](CertStatus st) {
    return std::count_if(many.certs.begin(), many.certs.end(), [&](const auto& x) { return x.status == st; });
  };
  EXPECT_EQ(count(CertStatus::previous), 13);
  EXPECT_EQ(count(CertStatus::unverified), 6);
  EXPECT_EQ(many.find(std::string(62, 'a') + "01"), nullptr);
  EXPECT_NE(many.find(std::string(62, 'a') + "23"), nullptr);
}

TEST_F(Harvest, AMessageWithoutSignatureOrCertificatesTouchesNothing) {
  const std::string plain = headers("bob@example.net", m_now) + "Content-Type: text/plain\r\n\r\nHi.\r\n";
  const auto r = harvest(plain);
  EXPECT_TRUE(r.changes.empty());
  EXPECT_FALSE(fs::exists(root() / "contacts"));
}

TEST_F(Harvest, TheHarvestJsonSaysWhatHappened) {
  harvest(signed_mail("tofu-old", "tofu@example.org"));
  const auto r = harvest(signed_mail("tofu-sub2", "tofu@example.org"));
  const auto j = inkan::store::harvest_json(r);
  EXPECT_EQ(j["version"], 1);
  ASSERT_EQ(j["changes"].size(), 1u);
  EXPECT_EQ(j["changes"][0]["change"], "key-change");
  EXPECT_EQ(j["changes"][0]["status"], "pending");
  EXPECT_EQ(j["changes"][0]["replaced"], fp("tofu-old"));
  const auto v = inkan::store::verdict_contact_json(r, m_verdict, {"tofu@example.org"});
  EXPECT_EQ(v["change"], "key-change");
  EXPECT_EQ(v["key_change"], true);
  EXPECT_EQ(v["address"], "tofu@example.org");
  const auto shown = inkan::store::contact_json(*contact("tofu@example.org"), m_now);
  EXPECT_EQ(shown["pending_change"], true);
  EXPECT_EQ(shown["pending"][0], fp("tofu-sub2"));
  EXPECT_EQ(shown["history"].size(), 2u);
}

}  // namespace
