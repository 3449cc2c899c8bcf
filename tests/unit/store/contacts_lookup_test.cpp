// Looking up recipients' encryption certificates (docs/store.md "Recipients"):
// one answer per address, each reason asserted, the certificate found judged
// by `openssl verify` with the chain the store kept.
#include "contacts_fixture.h"

namespace {

using inkan::Errc;
using inkan::test::ContactsTest;
using inkan::test::pki;
namespace fs = std::filesystem;
namespace reason = inkan::store::reason;

class Lookup : public ContactsTest {
protected:
  inkan::store::RecipientAnswer one(const std::string& address, std::int64_t at = 0) {
    const auto answers = book().lookup({address}, at == 0 ? m_now : at);
    EXPECT_EQ(answers.size(), 1u);
    return answers.front();
  }
};

TEST_F(Lookup, AHarvestedContactIsFoundWithAChainOpensslAccepts) {
  harvest(signed_mail("bob", "bob@example.net"));
  const auto a = one("Bob@Example.net");
  ASSERT_TRUE(a.found()) << a.reason;
  EXPECT_EQ(a.address, "bob@example.net");
  EXPECT_EQ(a.source, "contact");
  EXPECT_EQ(a.fingerprint, fp("bob"));
  EXPECT_EQ(inkan::x509::fingerprint_sha256(a.cert.get()), fp("bob"));
  ASSERT_EQ(a.chain.size(), 1u);
  ASSERT_TRUE(a.known_since);
  EXPECT_EQ(*a.known_since, m_now);
  // OpenSSL's advertised defaults from `openssl cms -sign` (no GCM): recorded as seen.
  EXPECT_TRUE(a.capabilities_known);
  EXPECT_FALSE(a.capabilities.empty());
  // The judge: openssl verify, for S/MIME encryption, with only the root and the stored intermediate.
  const std::string cert = m_dir.put("found.pem", inkan::x509::to_pem(a.cert.get()));
  const std::string chain = m_dir.put("chain.pem", inkan::x509::to_pem(a.chain.front().get()));
  const auto v = inkan::test::openssl({"verify", "-CAfile", pki("root.pem"), "-untrusted", chain, "-purpose",
                                       "smimeencrypt", cert});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
}

TEST_F(Lookup, EveryAddressGetsAnAnswerInOrder) {
  harvest(signed_mail("bob", "bob@example.net"));
  const auto answers = book().lookup({"nobody@example.org", "bob@example.net", "no address"}, m_now);
  ASSERT_EQ(answers.size(), 3u);
  EXPECT_EQ(answers[0].reason, reason::no_certificate);
  EXPECT_FALSE(answers[0].found());
  EXPECT_TRUE(answers[1].found());
  EXPECT_EQ(answers[2].reason, reason::not_an_address);
  const auto j = inkan::store::recipients_json(answers, m_now);
  EXPECT_EQ(j["missing"], nlohmann::ordered_json({"nobody@example.org", "no address"}));
  EXPECT_EQ(j["recipients"][1]["found"], true);
  EXPECT_EQ(j["recipients"][0]["reason"], "no-certificate");
}

TEST_F(Lookup, ExpiredAndNotYetValid) {
  harvest(signed_mail("expired", "expired@example.org"));
  harvest(signed_mail("notyet", "notyet@example.org"));
  EXPECT_EQ(one("expired@example.org").reason, reason::expired);
  EXPECT_EQ(one("notyet@example.org").reason, reason::not_yet_valid);
  // Judged at the time asked for: bob's certificate, valid now, has expired two years from now.
  harvest(signed_mail("bob", "bob@example.net"));
  EXPECT_EQ(one("bob@example.net", inkan::test::not_after("bob") + 1).reason, reason::expired);
}

TEST_F(Lookup, UntrustedCertificates) {
  harvest(signed_mail("mallory", "mallory@example.org"));
  const auto a = one("mallory@example.org");
  EXPECT_EQ(a.reason, reason::untrusted);
  EXPECT_FALSE(a.details.empty());
  EXPECT_EQ(a.cert, nullptr);
  // A trusted contact stops being usable when the user distrusts its CA.
  harvest(signed_mail("bob", "bob@example.net"));
  ASSERT_TRUE(one("bob@example.net").found());
  m_store->distrust(fp("sub"), nullptr, m_now);
  const auto b = one("bob@example.net");
  EXPECT_EQ(b.reason, reason::untrusted);
  EXPECT_NE(std::find(b.details.begin(), b.details.end(), "certificate-distrusted"), b.details.end());
}

TEST_F(Lookup, TheStoredIntermediateIsWhatBuildsTheChain) {
  harvest(signed_mail("bob", "bob@example.net"));
  ASSERT_TRUE(one("bob@example.net").found());
  fs::remove(root() / "intermediates" / (fp("sub") + ".pem"));
  const auto a = one("bob@example.net");
  EXPECT_EQ(a.reason, reason::untrusted);
  EXPECT_NE(std::find(a.details.begin(), a.details.end(), "issuer-unknown"), a.details.end());
  // A later message brings it back.
  harvest(signed_mail("bob", "bob@example.net"));
  EXPECT_TRUE(one("bob@example.net").found());
}

TEST_F(Lookup, NotForEncryption) {
  harvest(signed_mail("signonly", "signonly@example.org"));    // keyUsage digitalSignature only
  harvest(signed_mail("servereku", "servereku@example.org"));  // extendedKeyUsage serverAuth
  EXPECT_EQ(one("signonly@example.org").reason, reason::not_for_encryption);
  EXPECT_EQ(one("servereku@example.org").reason, reason::not_for_encryption);
}

TEST_F(Lookup, AKeyChangeWaitingForTheUserBlocksEncryption) {
  harvest(signed_mail("tofu-old", "tofu@example.org"));
  ASSERT_TRUE(one("tofu@example.org").found());
  harvest(signed_mail("tofu-self", "tofu@example.org"));
  EXPECT_EQ(one("tofu@example.org").reason, reason::key_change_pending);
  book().reject("tofu@example.org", fp("tofu-self"), m_now);
  const auto a = one("tofu@example.org");
  ASSERT_TRUE(a.found());
  EXPECT_EQ(a.fingerprint, fp("tofu-old"));
}

TEST_F(Lookup, RevokedCertificates) {
  harvest(signed_mail("revoked", "revoked@example.org"));
  ASSERT_TRUE(one("revoked@example.org").found()) << "no CRL was known then";
  const auto crl = inkan::test::sub_crl();
  harvest(signed_mail("revoked", "revoked@example.org"), std::nullopt, {crl.front().get()});
  EXPECT_EQ(one("revoked@example.org").reason, reason::revoked);
}

TEST_F(Lookup, ASeparateEncryptionCertificateIsTheOneToEncryptTo) {
  harvest(signed_mail("split-sign", "split@example.org", {"-certfile", with_sub("split-enc")}));
  const auto a = one("split@example.org");
  ASSERT_TRUE(a.found()) << a.reason;
  EXPECT_EQ(a.fingerprint, fp("split-enc"));
}

TEST_F(Lookup, ECRecipientsWithKeyAgreementAreFound) {
  harvest(signed_mail("carol", "carol@example.org"));  // P-256, keyAgreement
  const auto a = one("carol@example.org");
  EXPECT_TRUE(a.found()) << a.reason;
}

TEST_F(Lookup, TheUsersOwnIdentitiesCount) {
  m_store->import_bundle(bundle("alice"), "alice.p12", m_now);
  const auto a = one("alice@example.org");
  ASSERT_TRUE(a.found()) << a.reason;
  EXPECT_EQ(a.source, "identity");
  EXPECT_EQ(a.fingerprint, fp("alice"));
  EXPECT_TRUE(a.capabilities_known);
  // An identity that cannot encrypt says why.
  m_store->import_bundle(bundle("signonly"), "signonly.p12", m_now);
  const auto s = one("signonly@example.org");
  EXPECT_EQ(s.reason, reason::not_for_encryption);
  EXPECT_EQ(s.source, "identity");
}

TEST_F(Lookup, ADamagedContactFileIsAnAnswerNotAFailure) {
  harvest(signed_mail("bob", "bob@example.net"));
  harvest(signed_mail("alice", "alice@example.org"));
  inkan::test::write_file(contact_file("bob@example.net"), "not json");
  const auto answers = book().lookup({"bob@example.net", "alice@example.org"}, m_now);
  EXPECT_EQ(answers[0].reason, reason::no_certificate);
  EXPECT_EQ(answers[0].details, std::vector<std::string>{"STORE_CORRUPT"});
  EXPECT_TRUE(answers[1].found());
}

}  // namespace
