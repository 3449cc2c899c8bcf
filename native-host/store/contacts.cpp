#include "store/contacts.h"

#include "mime/address.h"
#include "mime/headers.h"
#include "store/durable_file.h"
#include "store/write_lock.h"
#include "x509/cert.h"

#include <openssl/err.h>

#include <algorithm>
#include <map>

namespace inkan::store {
namespace {

std::string require_address(std::string_view text) {
  const std::string a = mime::normalize_address(mime::trim(text));
  const auto at = a.find('@');
  if (at == std::string::npos || at == 0 || at + 1 == a.size() || a.size() > 320 ||
      a.find_first_of(" \t\r\n<>,;\"") != std::string::npos) {
    throw Error(Errc::usage, "not an e-mail address: " + std::string(text));
  }
  return a;
}

std::string require_fingerprint(std::string_view text) {
  const std::string fp = normalize_fingerprint(text);
  if (fp.size() != 64) throw Error(Errc::usage, "not a SHA-256 fingerprint: " + std::string(text));
  return fp;
}

ContactChange change_of(const Contact& contact, const std::string& fp, const Outcome& outcome) {
  ContactChange ch;
  ch.address = contact.address;
  ch.change = outcome.change;
  ch.fingerprint = fp;
  ch.replaced = outcome.replaced;
  ch.contact_since = contact.created_at;
  if (const ContactCert* c = contact.find(fp)) {
    ch.status = c->status;
    ch.origin = c->origin;
    ch.trusted = c->trusted;
    ch.first_seen = c->first_seen;
  }
  return ch;
}

Contact fresh_contact(const std::string& address, std::int64_t now) {
  Contact c;
  c.address = address;
  c.created_at = now;
  c.updated_at = now;
  return c;
}

// Contacts touched by one change, each read once under the lock and written once.
struct Workset {
  std::map<std::string, Contact> contacts;  // address -> contact (after the change)
  std::vector<std::string> order;           // first touched first
  std::vector<std::string> skipped;         // damaged files: never overwritten
};

}  // namespace

std::optional<Contact> ContactBook::read_contact(const std::string& address) const {
  const std::string rel = contact_relative_path(address);
  const auto text = read_store_file(m_store.root() / rel);
  if (!text) return std::nullopt;
  return parse_contact_file(*text, contact_key(address), rel);
}

void ContactBook::write_contact(const Contact& contact) const {
  const std::string key = contact_key(contact.address);
  const auto shard = contacts_dir() / key.substr(0, 2);
  ensure_private_dir(contacts_dir());
  ensure_private_dir(shard);
  // Under the lock no live writer owns a temporary file here: a killed writer's are debris.
  remove_temp_debris(shard);
  replace_file(shard, key + ".json", contact_file_text(contact));
}

void ContactBook::write_intermediates(const std::vector<SharedCert>& certs) const {
  if (certs.empty()) return;
  ensure_private_dir(intermediates_dir());
  for (const auto& c : certs) {
    const std::string fp = x509::fingerprint_sha256(c.get());
    const std::string name = fp + ".pem";
    const std::string pem = x509::to_pem(c.get());
    if (create_file(intermediates_dir(), name, pem)) continue;
    // Already there: keep it, unless it is damaged (then it is replaced by the real thing).
    bool intact = false;
    try {
      if (const auto text = read_store_file(intermediates_dir() / name)) {
        const auto parsed = x509::parse_certificates(*text);
        intact = parsed.size() == 1 && x509::fingerprint_sha256(parsed.front().get()) == fp;
      }
    } catch (const Error&) {
    }
    if (!intact) replace_file(intermediates_dir(), name, pem);
  }
}

std::vector<ossl::X509Ptr> ContactBook::read_intermediates(const std::vector<std::string>& fingerprints) const {
  std::vector<ossl::X509Ptr> out;
  for (const auto& fp : fingerprints) {
    try {
      const auto text = read_store_file(intermediates_dir() / (fp + ".pem"));
      if (!text) continue;
      auto certs = x509::parse_certificates(*text);
      // A damaged or swapped file is ignored: the path then fails as untrusted, never the other way.
      if (certs.size() == 1 && x509::fingerprint_sha256(certs.front().get()) == fp) out.push_back(std::move(certs.front()));
    } catch (const Error&) {
    }
  }
  ERR_clear_error();
  return out;
}

ContactList ContactBook::list() const {
  ContactList out;
  for (const auto& shard : list_names(contacts_dir())) {
    if (!is_contact_shard_name(shard)) continue;
    for (const auto& name : list_names(contacts_dir() / shard)) {
      if (!is_contact_file_name(name)) continue;
      const std::string rel = "contacts/" + shard + "/" + name;
      try {
        const auto text = read_store_file(m_store.root() / rel);
        if (!text) continue;  // deleted since the listing
        Contact c = parse_contact_file(*text, name.substr(0, 64), rel);
        // A file in the wrong shard would be invisible to lookups by address.
        if (name.substr(0, 2) != shard) throw Error(Errc::store_corrupt, rel + ": in the wrong folder");
        out.contacts.push_back(std::move(c));
      } catch (const Error& e) {
        out.problems.push_back({rel, e.code(), e.detail()});
      }
    }
  }
  std::sort(out.contacts.begin(), out.contacts.end(), [](const Contact& a, const Contact& b) { return a.address < b.address; });
  return out;
}

std::size_t ContactBook::count() const {
  std::size_t n = 0;
  for (const auto& shard : list_names(contacts_dir())) {
    if (!is_contact_shard_name(shard)) continue;
    for (const auto& name : list_names(contacts_dir() / shard)) n += is_contact_file_name(name) ? 1U : 0U;
  }
  return n;
}

std::optional<Contact> ContactBook::find(std::string_view address) const { return read_contact(require_address(address)); }

Contact ContactBook::get(std::string_view address) const {
  auto c = find(address);
  if (!c) throw Error(Errc::not_found, "no contact " + mime::normalize_address(address));
  return std::move(*c);
}

HarvestReport ContactBook::harvest(const Verdict& verdict, const MessageFacts& facts, std::int64_t now) {
  HarvestReport report;
  // Slow work first, before the lock: parsing and path validation of every certificate.
  const x509::TrustStore trust = m_store.trust_store();
  const std::vector<Offer> offers = offers_of(verdict, facts, trust);
  // Nothing eligible and no contact to record a sighting in: touch nothing (not even create the store).
  const bool anything = std::any_of(offers.begin(), offers.end(), [&](const Offer& o) {
    if (!o.eligible.empty()) return true;
    return std::any_of(o.addresses.begin(), o.addresses.end(), [&](const std::string& a) {
      return std::filesystem::exists(m_store.root() / contact_relative_path(a));
    });
  });
  if (!anything) return report;

  WriteLock lock(m_store.root(), m_store.lock_wait());
  (void)m_store.prepare_write(now);
  Workset work;
  const auto load = [&](const std::string& address) -> Contact* {
    if (std::find(work.skipped.begin(), work.skipped.end(), address) != work.skipped.end()) return nullptr;
    if (const auto it = work.contacts.find(address); it != work.contacts.end()) return &it->second;
    try {
      auto c = read_contact(address);
      if (!c) return nullptr;
      work.order.push_back(address);
      return &work.contacts.emplace(address, std::move(*c)).first->second;
    } catch (const Error& e) {
      work.skipped.push_back(address);
      report.problems.push_back({contact_relative_path(address), e.code(), e.detail()});
      return nullptr;
    }
  };
  std::vector<SharedCert> chains;
  for (const auto& offer : offers) {
    for (const auto& address : offer.addresses) {
      const bool eligible = std::find(offer.eligible.begin(), offer.eligible.end(), address) != offer.eligible.end();
      Contact* contact = load(address);
      if (contact == nullptr) {
        if (!eligible || std::find(work.skipped.begin(), work.skipped.end(), address) != work.skipped.end()) continue;
        work.order.push_back(address);
        contact = &work.contacts.emplace(address, fresh_contact(address, now)).first->second;
      }
      Arrival arrival;
      arrival.cert = offer.cert;
      arrival.eligible = eligible;
      arrival.revoked = offer.revoked;
      arrival.sighting = {now, facts.message_id, facts.date, facts.source, offer.verdict};
      arrival.capabilities = offer.capabilities;
      const Outcome outcome = apply_arrival(*contact, std::move(arrival), now);
      report.changes.push_back(change_of(*contact, offer.cert.fingerprint, outcome));
      chains.insert(chains.end(), offer.chain.begin(), offer.chain.end());
    }
  }
  // Issuers first: a contact file never names an intermediate that is not there.
  write_intermediates(chains);
  for (const auto& address : work.order) write_contact(work.contacts.at(address));
  // A change reported for a certificate later trimmed from the history still says what happened.
  return report;
}

HarvestReport ContactBook::import_certificates(const std::vector<X509*>& certs, const std::string& source,
                                               std::int64_t now) {
  std::vector<ossl::X509Ptr> pool;
  for (X509* c : certs) pool.push_back(ossl::up_ref(c));
  std::vector<X509*> untrusted(certs.begin(), certs.end());
  const x509::TrustStore trust = m_store.trust_store();
  struct Leaf {
    ContactCert cert;
    std::vector<SharedCert> chain;
  };
  std::vector<Leaf> leaves;
  for (X509* c : certs) {
    if (X509_check_ca(c) != 0 || x509::emails_of(c).empty()) continue;
    Leaf leaf{describe_contact_cert(c), {}};
    leaf.cert.origin = "imported";
    leaf.cert.trusted = email_chain_errors(trust, c, untrusted, now, /*ignore_validity=*/true).empty();
    for (auto& issuer : chain_from_pool(c, pool)) {
      if (X509_NAME_cmp(X509_get_subject_name(issuer.get()), X509_get_issuer_name(issuer.get())) == 0) break;
      leaf.cert.chain.push_back(x509::fingerprint_sha256(issuer.get()));
      leaf.chain.push_back(share(std::move(issuer)));
    }
    leaves.push_back(std::move(leaf));
  }
  ERR_clear_error();
  if (leaves.empty()) throw Error(Errc::cert_load_failed, "no end-entity certificate with an e-mail address");

  HarvestReport report;
  WriteLock lock(m_store.root(), m_store.lock_wait());
  (void)m_store.prepare_write(now);
  Workset work;
  std::vector<SharedCert> chains;
  for (auto& leaf : leaves) {
    for (const auto& address : leaf.cert.addresses) {
      if (std::find(work.skipped.begin(), work.skipped.end(), address) != work.skipped.end()) continue;
      auto it = work.contacts.find(address);
      if (it == work.contacts.end()) {
        std::optional<Contact> existing;
        try {
          existing = read_contact(address);
        } catch (const Error& e) {
          work.skipped.push_back(address);
          report.problems.push_back({contact_relative_path(address), e.code(), e.detail()});
          continue;
        }
        work.order.push_back(address);
        it = work.contacts.emplace(address, existing ? std::move(*existing) : fresh_contact(address, now)).first;
      }
      const Outcome outcome =
          apply_import(it->second, leaf.cert, Sighting{now, {}, std::nullopt, source.substr(0, 64), "imported"}, now);
      report.changes.push_back(change_of(it->second, leaf.cert.fingerprint, outcome));
    }
    chains.insert(chains.end(), leaf.chain.begin(), leaf.chain.end());
  }
  if (!report.problems.empty() && report.changes.empty()) {
    const Problem& p = report.problems.front();
    throw Error(p.code, p.detail);  // nothing could be imported: say why, nothing was touched
  }
  write_intermediates(chains);
  for (const auto& address : work.order) write_contact(work.contacts.at(address));
  return report;
}

Contact ContactBook::accept(std::string_view address, std::string_view fingerprint, std::int64_t now) {
  const std::string a = require_address(address);
  const std::string fp = require_fingerprint(fingerprint);
  WriteLock lock(m_store.root(), m_store.lock_wait());
  auto contact = read_contact(a);
  if (!contact) throw Error(Errc::not_found, "no contact " + a);
  accept_key_change(*contact, fp, now);
  (void)m_store.prepare_write(now);
  write_contact(*contact);
  return std::move(*contact);
}

Contact ContactBook::reject(std::string_view address, std::string_view fingerprint, std::int64_t now) {
  const std::string a = require_address(address);
  const std::string fp = require_fingerprint(fingerprint);
  WriteLock lock(m_store.root(), m_store.lock_wait());
  auto contact = read_contact(a);
  if (!contact) throw Error(Errc::not_found, "no contact " + a);
  reject_key_change(*contact, fp, now);
  (void)m_store.prepare_write(now);
  write_contact(*contact);
  return std::move(*contact);
}

void ContactBook::remove(std::string_view address) {
  const std::string a = require_address(address);
  const std::string key = contact_key(a);
  const auto shard = contacts_dir() / key.substr(0, 2);
  if (!std::filesystem::exists(shard / (key + ".json"))) throw Error(Errc::not_found, "no contact " + a);
  WriteLock lock(m_store.root(), m_store.lock_wait());
  remove_temp_debris(shard);
  if (!remove_file(shard, key + ".json")) throw Error(Errc::not_found, "no contact " + a);
}

std::vector<RecipientAnswer> ContactBook::lookup(const std::vector<std::string>& addresses, std::int64_t now) const {
  std::vector<RecipientAnswer> out;
  if (addresses.empty()) return out;
  const x509::TrustStore trust = m_store.trust_store();
  const std::vector<Identity> identities = m_store.identities().identities;
  for (const auto& raw : addresses) {
    RecipientAnswer ans;
    try {
      ans.address = require_address(raw);
    } catch (const Error&) {
      ans.address = raw;
      ans.reason = reason::not_an_address;
      out.push_back(std::move(ans));
      continue;
    }
    // The user's own keys (or a colleague's in the same store): Inkan reads what it writes.
    if (const Identity* id = select_identity(identities, ans.address, Usage::encrypt, now);
        id != nullptr && identity_encryption_problem(*id, now).empty()) {
      ans.source = "identity";
      ans.cert = id->cert;
      ans.chain = id->chain;
      ans.fingerprint = id->fingerprint;
      ans.capabilities = own_capabilities();
      ans.capabilities_known = true;
      out.push_back(std::move(ans));
      continue;
    }
    std::optional<Contact> contact;
    try {
      contact = read_contact(ans.address);
    } catch (const Error& e) {
      ans.reason = reason::no_certificate;
      ans.details.push_back(std::string(code_string(e.code())));
      out.push_back(std::move(ans));
      continue;
    }
    if (!contact) {
      // An identity of that address that cannot encrypt says more than "nothing".
      ans.reason = reason::no_certificate;
      for (const auto& id : identities) {
        if (id.has_address(ans.address)) {
          ans.source = "identity";
          ans.reason = identity_encryption_problem(id, now);
          if (ans.reason.empty()) ans.reason = reason::not_for_encryption;
          break;
        }
      }
      out.push_back(std::move(ans));
      continue;
    }
    ans.source = "contact";
    if (contact->key_change_pending()) {
      ans.reason = reason::key_change_pending;
      out.push_back(std::move(ans));
      continue;
    }
    const ContactCert* cert = contact->current(Usage::encrypt);
    if (cert == nullptr) {
      const ContactCert* sign = contact->current(Usage::sign);
      ans.reason = sign != nullptr ? reason::not_for_encryption : reason::no_certificate;
      out.push_back(std::move(ans));
      continue;
    }
    ans.fingerprint = cert->fingerprint;
    ans.known_since = cert->first_seen;
    ans.reason = encryption_problem(*cert, now);
    if (ans.reason.empty()) {
      const auto chain = read_intermediates(cert->chain);
      std::vector<X509*> untrusted;
      for (const auto& c : chain) untrusted.push_back(c.get());
      ans.details = email_chain_errors(trust, cert->cert.get(), untrusted, now, /*ignore_validity=*/false);
      const bool only_validity = std::all_of(ans.details.begin(), ans.details.end(), [](const std::string& e) {
        return e == "certificate-expired" || e == "certificate-not-yet-valid";
      });
      if (!ans.details.empty()) {
        ans.reason = std::find(ans.details.begin(), ans.details.end(), "certificate-revoked") != ans.details.end()
                         ? reason::revoked
                         : only_validity ? reason::expired : reason::untrusted;
      } else {
        ans.cert = cert->cert;
        for (const auto& c : chain) ans.chain.push_back(share(ossl::up_ref(c.get())));
        if (contact->capabilities) {
          ans.capabilities = contact->capabilities->list;
          ans.capabilities_known = true;
        }
      }
    }
    out.push_back(std::move(ans));
  }
  return out;
}

}  // namespace inkan::store
