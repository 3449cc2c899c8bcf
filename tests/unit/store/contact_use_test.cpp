// What the CLI and the host share on top of ContactBook (store/contact_use.h):
// the message's own recipients, looked-up certificates as encryption
// recipients, and a harvest whose failure never throws.
#include "contacts_fixture.h"
#include "store/contact_use.h"

#include <fstream>

namespace {

using inkan::Errc;
using inkan::test::ContactsTest;

class ContactUse : public ContactsTest {};

TEST_F(ContactUse, TheMessagesRecipientsAreToAndCcOnceEachNotBcc) {
  const std::string mail =
      "From: Alice <alice@example.org>\r\nTo: Bob <Bob@Example.NET>, carol@example.org\r\n"
      "Cc: \"Dave, Jr.\" <dave@example.org>, bob@example.net\r\nBcc: secret@example.org\r\n"
      "Subject: x\r\n\r\nbody\r\n";
  const inkan::io::MemorySource src(mail);
  EXPECT_EQ(inkan::store::message_recipients(src),
            (std::vector<std::string>{"bob@example.net", "carol@example.org", "dave@example.org"}));
}

TEST_F(ContactUse, FoundAddressesBecomeRecipientsAndTheOthersAreListedWithTheirReason) {
  harvest(signed_mail("bob", "bob@example.net"));
  const auto found =
      inkan::store::encryption_recipients(*m_store, {"bob@example.net", "nobody@example.org", "no address"}, m_now);
  ASSERT_EQ(found.recipients.size(), 1u);
  EXPECT_EQ(inkan::x509::fingerprint_sha256(found.recipients.front().cert.get()), fp("bob"));
  EXPECT_FALSE(found.recipients.front().is_self);
  ASSERT_EQ(found.missing.size(), 2u);
  EXPECT_EQ(inkan::store::missing_detail(found.missing), "nobody@example.org (no-certificate), no address (not-an-address)");
  EXPECT_EQ(error_of([&] { (void)inkan::store::require_recipients(*m_store, {"bob@example.net", "x@example.org"}, m_now); }),
            Errc::no_recipient_cert);
  EXPECT_EQ(inkan::store::require_recipients(*m_store, {"bob@example.net"}, m_now).size(), 1u);
}

TEST_F(ContactUse, AFailedHarvestIsReportedNotThrown) {
  harvest(signed_mail("bob", "bob@example.net"));
  const std::string mail = signed_mail("bob", "bob@example.net");
  { std::ofstream(contact_file("bob@example.net")) << "garbage"; }
  inkan::io::MemorySource src(mail);
  const inkan::x509::TrustStore trust = m_store->trust_store();
  inkan::smime::AnalyseOptions o;
  o.trust = &trust;
  o.at = m_now;
  const auto a = inkan::smime::analyse(src, o);
  const auto h = inkan::store::harvest_message(*m_store, a.verdict, src, "test", m_now);
  const auto j = inkan::store::harvest_contact_json(h, a.verdict);
  EXPECT_EQ(j["address"], "bob@example.net");
  EXPECT_EQ(j["error"]["code"], "STORE_CORRUPT");
  EXPECT_EQ(a.verdict.status, inkan::Status::good);
}

}  // namespace
