// Contacts tests: a private store that trusts the test root (as a user anchor),
// messages signed by the openssl command line (never by Inkan, so the origin of
// what is harvested is a third party), verified by the engine and harvested.
#pragma once

#include "store_fixture.h"

#include "error.h"
#include "io/source.h"
#include "smime/analyse.h"
#include "store/contact_json.h"
#include "store/contacts.h"
#include "support/smime_fixtures.h"
#include "x509/cert.h"

#include <optional>

namespace inkan::test {

class ContactsTest : public StoreTest {
protected:
  void SetUp() override {
    m_store.emplace(open());
    const auto root_cert = certificate("root");
    m_store->add_anchors({root_cert.get()}, "Inkan Test Root", m_now);
  }

  store::ContactBook book() { return store::ContactBook(*m_store); }

  /** The openssl signer files of a PKI name, with the issuer to carry. */
  static SignerFiles signer(const std::string& name) {
    std::string chain = pki("sub.pem");
    if (name == "mallory" || name == "tofu-other") chain = pki("other-root.pem");
    if (name == "tofu-sub2") chain = pki("sub2.pem");
    if (name == "tofu-self") chain.clear();
    return SignerFiles{pki(name + ".pem"), pki(name + ".key"), chain};
  }

  /** A -certfile for openssl cms (it takes only one): the intermediate and NAME's certificate. */
  std::string with_sub(const std::string& name) const {
    return m_dir.put("certfile-" + name + ".pem", read_file(pki("sub.pem")) + read_file(pki(name + ".pem")));
  }

  static std::string fp(const std::string& name) { return openssl_fingerprint(pki(name + ".pem")); }

  std::string headers(const std::string& from, std::int64_t date) {
    return "From: " + from + "\r\nTo: me@example.com\r\nSubject: hello\r\nDate: " + rfc5322_date(date) +
           "\r\nMessage-ID: <msg-" + std::to_string(++m_messages) + "@example.net>\r\n";
  }

  /** A multipart/signed message by `name`, From `from`, signed by `openssl cms` (extra: more openssl options). */
  std::string signed_mail(const std::string& name, const std::string& from, const std::vector<std::string>& extra = {},
                          std::optional<std::int64_t> date = std::nullopt) {
    const std::string entity = text_entity("Hello from " + from + ".\r\n");
    const std::string der = openssl_sign(m_dir, signer(name), entity, extra);
    return multipart_signed(headers(from, date.value_or(m_now)), entity, der);
  }

  /** The same message with its body changed after signing: the signature no longer matches (bad). */
  std::string forged_mail(const std::string& name, const std::string& from) {
    const std::string entity = text_entity("Hello from " + from + ".\r\n");
    const std::string der = openssl_sign(m_dir, signer(name), entity);
    return multipart_signed(headers(from, m_now), text_entity("Pay to account 666.\r\n"), der);
  }

  /** Verifies (store trust, at `at`) and harvests; the verdict is kept in m_verdict. */
  store::HarvestReport harvest(const std::string& mail, std::optional<std::int64_t> at = std::nullopt,
                               const std::vector<X509_CRL*>& crls = {}, std::int64_t now = 0) {
    io::MemorySource src(mail);
    const x509::TrustStore trust = m_store->trust_store();
    smime::AnalyseOptions o;
    o.trust = &trust;
    o.at = at.value_or(m_now);
    o.crls = crls;
    const smime::Analysis a = smime::analyse(src, o);
    m_verdict = a.verdict;
    return book().harvest(a.verdict, store::read_message_facts(src, "test"), now == 0 ? m_now : now);
  }

  std::optional<store::Contact> contact(const std::string& address) { return book().find(address); }

  /** The one change of a report for an address (fails the test otherwise). */
  static store::ContactChange change_for(const store::HarvestReport& r, const std::string& address,
                                         const std::string& fingerprint = {}) {
    std::vector<store::ContactChange> found;
    for (const auto& c : r.changes) {
      if (c.address == address && (fingerprint.empty() || c.fingerprint == fingerprint)) found.push_back(c);
    }
    EXPECT_EQ(found.size(), 1u) << address;
    return found.empty() ? store::ContactChange{} : found.front();
  }

  /** contacts/<aa>/<sha256>.json with the SHA-256 computed by the openssl command line. */
  std::filesystem::path contact_file(const std::string& address) const {
    const std::string in = m_dir.put("address.txt", address);
    const auto r = openssl({"dgst", "-sha256", "-r", in});
    const std::string hex = r.out.substr(0, 64);
    return root() / "contacts" / hex.substr(0, 2) / (hex + ".json");
  }

  template <typename Fn>
  static Errc error_of(Fn&& fn) {
    try {
      fn();
    } catch (const inkan::Error& e) {
      return e.code();
    }
    return Errc::internal;  // "no error" never equals a code a test expects
  }

  std::optional<store::Store> m_store;
  Verdict m_verdict;
  int m_messages = 0;
};

}  // namespace inkan::test
