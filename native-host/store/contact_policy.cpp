#include "store/contact_policy.h"

#include "error.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <algorithm>

namespace inkan::store {
namespace {

bool same_public_key(const ContactCert& a, const ContactCert& b) {
  EVP_PKEY* ka = X509_get0_pubkey(a.cert.get());
  EVP_PKEY* kb = X509_get0_pubkey(b.cert.get());
  const bool same = ka != nullptr && kb != nullptr && EVP_PKEY_eq(ka, kb) == 1;
  ERR_clear_error();
  return same;
}

bool same_issuer(const ContactCert& a, const ContactCert& b) {
  return !a.self_signed && !b.self_signed && a.issuer_der == b.issuer_der && a.authority_key_id == b.authority_key_id;
}

bool newer(const ContactCert& a, const ContactCert& b) {
  if (a.not_before != b.not_before) return a.not_before > b.not_before;
  return a.not_after > b.not_after;
}

std::string& slot(Contact& c, Usage u) { return u == Usage::sign ? c.current_sign : c.current_encrypt; }

bool holds_slot(const Contact& c, const std::string& fp) { return c.current_sign == fp || c.current_encrypt == fp; }

// Makes `fp` current for `uses`; certificates left without a use become previous.
void take(Contact& c, const std::string& fp, const std::vector<Usage>& uses) {
  std::vector<std::string> displaced;
  for (const Usage u : uses) {
    std::string& s = slot(c, u);
    if (!s.empty() && s != fp) displaced.push_back(s);
    s = fp;
  }
  c.find(fp)->status = CertStatus::current;
  for (const auto& old : displaced) {
    if (holds_slot(c, old)) continue;
    if (ContactCert* o = c.find(old)) o->status = CertStatus::previous;
  }
}

// The same message seen twice (new mail, then displayed) counts once.
void record_sighting(ContactCert& cert, Sighting s, std::int64_t now) {
  cert.last_seen = now;
  if (!s.message_id.empty()) {
    for (auto& old : cert.sightings) {
      if (old.message_id == s.message_id) {
        old.at = s.at;
        old.verdict = s.verdict;
        return;
      }
    }
  }
  ++cert.times_seen;
  // Keep the first sighting (since when the key is known) and the most recent ones.
  if (cert.sightings.size() >= Contact::kMaxSightings) cert.sightings.erase(cert.sightings.begin() + 1);
  cert.sightings.push_back(std::move(s));
}

const std::string& any_current(const Contact& c) { return c.current_sign.empty() ? c.current_encrypt : c.current_sign; }

// An eligible certificate the contact holds as unverified (or just added): new, renewal, added, older or key change.
Outcome decide(Contact& c, ContactCert& rec) {
  const std::vector<Usage> uses = rec.uses();
  if (c.current_sign.empty() && c.current_encrypt.empty()) {
    take(c, rec.fingerprint, uses);
    return {Change::new_contact, {}};
  }
  std::vector<Usage> wins;
  bool renewal = false;
  std::string replaced;
  for (const Usage u : uses) {
    const ContactCert* cur = c.current(u);
    // An empty use is compared with the contact's other current certificate: a separate
    // encryption certificate must come from the same CA as the known signing one.
    const ContactCert* ref = cur != nullptr ? cur : c.find(any_current(c));
    if (ref == nullptr || !compatible(rec, *ref)) {
      rec.status = CertStatus::pending;
      return {Change::key_change, ref != nullptr ? ref->fingerprint : std::string()};
    }
    if (cur == nullptr) {
      wins.push_back(u);
    } else if (newer(rec, *cur)) {
      wins.push_back(u);
      renewal = true;
      if (replaced.empty()) replaced = cur->fingerprint;
    }
  }
  if (wins.empty()) {
    rec.status = CertStatus::previous;
    return {Change::older, {}};
  }
  take(c, rec.fingerprint, wins);
  return {renewal ? Change::renewal : Change::added, replaced};
}

void sort_newest_first(Contact& c) {
  std::stable_sort(c.certs.begin(), c.certs.end(),
                   [](const ContactCert& a, const ContactCert& b) { return a.first_seen > b.first_seen; });
}

ContactCert& insert(Contact& c, ContactCert cert, std::int64_t now) {
  cert.first_seen = now;
  cert.last_seen = now;
  cert.times_seen = 0;
  cert.sightings.clear();
  c.certs.insert(c.certs.begin(), std::move(cert));
  return c.certs.front();
}

void note_capabilities(Contact& c, const ContactCert& rec, const std::optional<AdvertisedCapabilities>& caps) {
  if (!caps || rec.status != CertStatus::current) return;
  if (c.capabilities && c.capabilities->at > caps->at) return;  // older mail read later says less
  c.capabilities = caps;
  c.capabilities->from_fingerprint = rec.fingerprint;
}

}  // namespace

const char* change_name(Change change) {
  switch (change) {
    case Change::new_contact: return "new";
    case Change::renewal: return "renewal";
    case Change::added: return "added";
    case Change::key_change: return "key-change";
    case Change::unchanged: return "unchanged";
    case Change::older: return "older";
    case Change::unverified: return "unverified";
    case Change::rejected: return "rejected";
    case Change::replaced: return "replaced";
  }
  return "unchanged";
}

bool compatible(const ContactCert& incoming, const ContactCert& current) {
  if (!incoming.trusted && current.trusted) return false;  // never a step down in trust by itself
  return same_public_key(incoming, current) || same_issuer(incoming, current);
}

Outcome apply_arrival(Contact& contact, Arrival arrival, std::int64_t now) {
  contact.updated_at = now;
  ContactCert* rec = contact.find(arrival.cert.fingerprint);
  if (rec == nullptr) {
    arrival.cert.status = CertStatus::unverified;
    rec = &insert(contact, std::move(arrival.cert), now);
  } else {
    rec->trusted = arrival.cert.trusted;  // as judged now, against today's anchors
    if (!arrival.cert.chain.empty()) rec->chain = arrival.cert.chain;
    // The strongest role it was seen in: a signer's own certificate over one merely carried.
    if (rec->origin == "carried" && arrival.cert.origin != "carried") rec->origin = arrival.cert.origin;
  }
  if (arrival.revoked && !rec->revoked_at) rec->revoked_at = now;
  record_sighting(*rec, std::move(arrival.sighting), now);
  const std::string fp = rec->fingerprint;

  Outcome outcome;
  switch (rec->status) {
    case CertStatus::current:
    case CertStatus::previous: outcome = {Change::unchanged, {}}; break;
    case CertStatus::pending: outcome = {Change::key_change, any_current(contact)}; break;
    case CertStatus::rejected: outcome = {Change::rejected, {}}; break;
    case CertStatus::unverified:
      outcome = arrival.eligible && !arrival.revoked ? decide(contact, *rec) : Outcome{Change::unverified, {}};
      break;
  }
  rec = contact.find(fp);
  note_capabilities(contact, *rec, arrival.capabilities);
  sort_newest_first(contact);
  trim_history(contact);
  return outcome;
}

Outcome apply_import(Contact& contact, ContactCert cert, Sighting sighting, std::int64_t now) {
  contact.updated_at = now;
  ContactCert* rec = contact.find(cert.fingerprint);
  if (rec == nullptr) {
    cert.status = CertStatus::unverified;
    rec = &insert(contact, std::move(cert), now);
  } else {
    rec->trusted = cert.trusted;
    if (!cert.chain.empty()) rec->chain = cert.chain;
  }
  record_sighting(*rec, std::move(sighting), now);
  const std::string fp = rec->fingerprint;
  if (rec->status == CertStatus::current) return {Change::unchanged, {}};
  const bool had_current = !contact.current_sign.empty() || !contact.current_encrypt.empty();
  const std::vector<Usage> uses = rec->uses();
  std::string replaced;
  for (const Usage u : uses) {
    if (replaced.empty()) replaced = slot(contact, u);
  }
  rec->decided_at = now;
  take(contact, fp, uses);
  sort_newest_first(contact);
  trim_history(contact);
  if (!had_current) return {Change::new_contact, {}};
  return {replaced.empty() ? Change::added : Change::replaced, replaced};
}

void accept_key_change(Contact& contact, const std::string& fingerprint, std::int64_t now) {
  ContactCert* rec = contact.find(fingerprint);
  if (rec == nullptr || (rec->status != CertStatus::pending && rec->status != CertStatus::rejected)) {
    throw Error(Errc::not_found, "no key change " + fingerprint + " waiting for " + contact.address);
  }
  const ContactCert accepted = *rec;
  rec->decided_at = now;
  const std::vector<Usage> uses = rec->uses();
  take(contact, fingerprint, uses);
  // Its companions: the same CA's pending certificates for the uses it does not cover.
  for (auto& other : contact.certs) {
    if (other.status != CertStatus::pending || !(same_issuer(other, accepted) || same_public_key(other, accepted))) continue;
    std::vector<Usage> rest;
    for (const Usage u : other.uses()) {
      if (std::find(uses.begin(), uses.end(), u) == uses.end()) rest.push_back(u);
    }
    if (rest.empty()) continue;
    other.decided_at = now;
    take(contact, other.fingerprint, rest);
  }
  contact.updated_at = now;
}

void reject_key_change(Contact& contact, const std::string& fingerprint, std::int64_t now) {
  ContactCert* rec = contact.find(fingerprint);
  if (rec == nullptr || rec->status != CertStatus::pending) {
    throw Error(Errc::not_found, "no key change " + fingerprint + " waiting for " + contact.address);
  }
  const ContactCert rejected = *rec;
  for (auto& c : contact.certs) {
    if (c.status != CertStatus::pending) continue;
    if (c.fingerprint != fingerprint && !same_issuer(c, rejected) && !same_public_key(c, rejected)) continue;
    c.status = CertStatus::rejected;
    c.decided_at = now;
  }
  contact.updated_at = now;
}

void trim_history(Contact& contact) {
  for (const CertStatus victim :
       {CertStatus::unverified, CertStatus::previous, CertStatus::rejected, CertStatus::pending}) {
    while (contact.certs.size() > Contact::kMaxCertificates) {
      auto oldest = contact.certs.end();
      for (auto it = contact.certs.begin(); it != contact.certs.end(); ++it) {
        if (it->status == victim && (oldest == contact.certs.end() || it->last_seen < oldest->last_seen)) oldest = it;
      }
      if (oldest == contact.certs.end()) break;
      contact.certs.erase(oldest);
    }
  }
}

}  // namespace inkan::store
