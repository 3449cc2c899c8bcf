// Harvesting Thunderbird's own S/MIME test messages (INKAN_CORPORA,
// thunderbird-comm-central, NSS-made): with TestCA.pem as the user's anchor,
// every certificate a message carries that chains to it must end up in the
// contacts of each of its addresses. What a message carries is judged by
// `openssl cms -verify -noverify -certsout` (encrypted ones decrypted by
// `openssl cms -decrypt` with Bob's key first), never by Inkan.
#include "contacts_fixture.h"

#include "keys/credentials.h"

#include <map>
#include <set>
#include <sstream>

namespace {

using inkan::test::ContactsTest;
namespace fs = std::filesystem;

class ContactsCorpus : public ContactsTest {};

// The certificates `openssl cms` finds in a message, as PEM files; decrypts with Bob's key first when needed.
std::vector<std::string> carried_by_openssl(const inkan::test::TempDir& dir, const fs::path& message, const fs::path& data,
                                            int n) {
  std::string input = message.string();
  const std::string head = inkan::test::read_file(message).substr(0, 4096);
  if (head.find("enveloped-data") != std::string::npos) {
    const std::string bob = dir.file("bob.pem").string();
    if (!fs::exists(bob)) {
      inkan::test::openssl_ok({"pkcs12", "-in", (data / "Bob.p12").string(), "-passin", "pass:nss", "-nodes", "-out", bob});
    }
    const std::string plain = dir.file("plain-" + std::to_string(n) + ".eml").string();
    if (inkan::test::openssl({"cms", "-decrypt", "-in", input, "-inkey", bob, "-out", plain}).exit_code != 0) return {};
    input = plain;
  }
  const std::string out = dir.file("certs-" + std::to_string(n) + ".pem").string();
  const auto r = inkan::test::openssl({"cms", "-verify", "-noverify", "-in", input, "-certsout", out, "-out", "/dev/null"});
  if (!fs::exists(out)) return {};
  // Split the PEM bundle into single certificates.
  std::vector<std::string> files;
  const std::string all = inkan::test::read_file(out);
  std::size_t pos = 0;
  int i = 0;
  while ((pos = all.find("-----BEGIN CERTIFICATE-----", pos)) != std::string::npos) {
    const auto end = all.find("-----END CERTIFICATE-----", pos);
    if (end == std::string::npos) break;
    files.push_back(dir.put("cert-" + std::to_string(n) + "-" + std::to_string(i++) + ".pem",
                            all.substr(pos, end + 25 - pos) + "\n"));
    pos = end;
  }
  (void)r;
  return files;
}

TEST_F(ContactsCorpus, ThunderbirdsMessagesYieldTheCertificatesTheyCarry) {
  const std::string base = inkan::test::env_or("INKAN_CORPORA");
  const fs::path data = fs::path(base) / "thunderbird-comm-central/mailnews/test/data/smime";
  if (base.empty() || !fs::exists(data)) GTEST_SKIP() << "INKAN_CORPORA is not available";
  const auto ca = inkan::x509::load_certificates((data / "TestCA.pem").string());
  m_store->add_anchors({ca.front().get()}, "NSS Test CA", m_now);
  const auto bob = inkan::keys::load_credentials((data / "Bob.p12").string(), "", std::string("nss"));

  std::vector<fs::path> messages;
  for (const auto& e : fs::directory_iterator(data)) {
    if (e.path().extension() == ".eml") messages.push_back(e.path());
  }
  std::sort(messages.begin(), messages.end());
  ASSERT_GE(messages.size(), 60u);

  // What openssl says they carry: end-entity certificates with addresses that chain to TestCA.
  std::map<std::string, std::set<std::string>> expected;  // address -> fingerprints
  int n = 0;
  for (const auto& m : messages) {
    for (const auto& pem : carried_by_openssl(m_dir, m, data, n++)) {
      const auto ext = inkan::test::openssl({"x509", "-in", pem, "-noout", "-ext", "basicConstraints"});
      if (ext.out.find("CA:TRUE") != std::string::npos) continue;
      const auto ok = inkan::test::openssl({"verify", "-CAfile", (data / "TestCA.pem").string(), "-untrusted", pem, pem});
      if (ok.exit_code != 0) continue;
      // Its addresses (subject emailAddress and SAN rfc822Name), one a line.
      const auto emails = inkan::test::openssl({"x509", "-in", pem, "-noout", "-email"});
      std::istringstream lines(emails.out);
      for (std::string address; std::getline(lines, address);) {
        if (address.empty()) continue;
        std::transform(address.begin(), address.end(), address.begin(), [](unsigned char c) { return std::tolower(c); });
        expected[address].insert(openssl_fingerprint(pem));
      }
    }
  }
  ASSERT_EQ(expected.count("alice@example.com"), 1u);
  ASSERT_EQ(expected.count("dave@example.com"), 1u);

  // Inkan: verify (store trust) and harvest each message.
  for (const auto& m : messages) {
    SCOPED_TRACE(m.filename().string());
    const std::string bytes = inkan::test::read_file(m);
    inkan::io::MemorySource src(bytes);
    const inkan::x509::TrustStore trust = m_store->trust_store();
    inkan::smime::AnalyseOptions o;
    o.trust = &trust;
    o.at = m_now;
    o.keys.push_back(&bob);
    try {
      const auto a = inkan::smime::analyse(src, o);
      const auto r = book().harvest(a.verdict, inkan::store::read_message_facts(src, "corpus"), m_now);
      EXPECT_TRUE(r.problems.empty());
    } catch (const inkan::Error& e) {
      // A message the engine refuses to read as a whole (e.g. ciphertext below the root) carries nothing to harvest.
      EXPECT_TRUE(e.code() == inkan::Errc::encrypted_part_not_root || e.code() == inkan::Errc::no_matching_recipient)
          << inkan::code_string(e.code()) << " " << e.detail();
    }
  }

  const auto list = book().list();
  EXPECT_TRUE(list.problems.empty());
  std::map<std::string, std::set<std::string>> harvested;
  for (const auto& c : list.contacts) {
    for (const auto& cert : c.certs) harvested[c.address].insert(cert.fingerprint);
  }
  for (const auto& [address, fps] : expected) {
    for (const auto& f : fps) {
      EXPECT_EQ(harvested[address].count(f), 1u) << address << " lacks " << f << " that openssl found carried";
    }
  }
  for (const auto& [address, fps] : harvested) {
    for (const auto& f : fps) {
      EXPECT_EQ(expected[address].count(f), 1u) << address << " has " << f << " that openssl did not find carried";
    }
  }
  // Every contact has a current, trusted certificate.
  for (const auto& c : list.contacts) {
    EXPECT_FALSE(c.current_sign.empty() && c.current_encrypt.empty()) << c.address;
  }
  std::cout << "harvested " << list.contacts.size() << " contacts from " << messages.size() << " Thunderbird messages\n";
}

}  // namespace
