#include "store/harvest.h"

#include "mime/address.h"
#include "mime/date.h"
#include "mime/headers.h"
#include "store/key_bundle.h"
#include "x509/cert.h"

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <algorithm>

namespace inkan::store {
namespace {

constexpr std::size_t kMaxAddressesPerCert = 10;

std::string bounded(std::string_view text, std::size_t max) {
  std::string out;
  for (const char c : text) {
    if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) out.push_back(c);
  }
  if (out.size() > max) {
    std::size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out.resize(cut);
  }
  return out;
}

// A signature vouches for the certificates of its signer when it verified: not bad (forged,
// changed, misleading structure), not a weak or unknown algorithm, not a revoked certificate.
bool vouches(const Verdict& verdict, const SignerVerdict& s) {
  if (!s.cert) return false;
  const Status st = worse(verdict.status, s.status);
  return st != Status::bad && st != Status::unsupported_algorithm && st != Status::revoked &&
         st != Status::no_signature;
}

// ... and for an address only when the From field names it plainly.
bool from_is_clean(const SignerVerdict& s) {
  return std::none_of(s.reasons.begin(), s.reasons.end(), [](const std::string& r) {
    return status_of_reason(r) == Status::header_mismatch;
  });
}

bool contains(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

struct Candidate {
  X509* cert = nullptr;
  std::string role;
  const SignerVerdict* signer = nullptr;  ///< the signer standing behind it (its own or its named encryption certificate)
};

}  // namespace

MessageFacts read_message_facts(const io::Source& message, std::string source) {
  MessageFacts facts;
  facts.source = bounded(source, 64);
  const auto block = mime::parse_header_block(message, {0, message.size()});
  const mime::Headers& h = block.headers;
  if (const mime::Field* id = h.find("Message-ID")) {
    std::string v(mime::trim(id->value));
    if (v.size() >= 2 && v.front() == '<' && v.back() == '>') v = v.substr(1, v.size() - 2);
    facts.message_id = bounded(v, 256);
  }
  if (const mime::Field* d = h.find("Date")) facts.date = mime::parse_date(d->value);
  for (const char* name : {"From", "Sender"}) {
    if (const mime::Field* f = h.find(name)) {
      for (const auto& m : mime::parse_mailboxes(f->value)) {
        if (!m.address.empty()) facts.from.push_back(mime::normalize_address(m.address));
      }
    }
    if (!facts.from.empty()) break;
  }
  return facts;
}

std::vector<std::string> email_chain_errors(const x509::TrustStore& trust, X509* cert, const std::vector<X509*>& untrusted,
                                            std::int64_t at, bool ignore_validity) {
  std::vector<std::string> out;
  const auto add = [&](const std::string& name) {
    if (!contains(out, name)) out.push_back(name);
  };
  if (trust.empty()) {
    add("no-trust-anchors");
    return out;
  }
  // Purpose "any": the end-entity's key usage and EKU are judged by the caller for the use
  // at hand (OpenSSL's S/MIME purposes refuse EC certificates that only allow key agreement).
  const x509::ChainCheck check = trust.check(cert, untrusted, {}, at, X509_PURPOSE_ANY);
  for (const int e : check.errors) {
    if (ignore_validity && (e == X509_V_ERR_CERT_HAS_EXPIRED || e == X509_V_ERR_CERT_NOT_YET_VALID)) continue;
    add(x509::chain_error_name(e));
  }
  // An issuer restricted to other purposes (a TLS-only CA) does not vouch for e-mail.
  for (std::size_t i = 1; i < check.chain.size(); ++i) {
    const std::uint32_t xku = X509_get_extended_key_usage(check.chain[i].get());
    if (xku != UINT32_MAX && (xku & (XKU_SMIME | XKU_ANYEKU)) == 0) add("wrong-certificate-purpose");
  }
  if (check.chain.empty() && out.empty()) add("chain-invalid");
  ERR_clear_error();
  return out;
}

std::vector<Offer> offers_of(const Verdict& verdict, const MessageFacts& facts, const x509::TrustStore& trust) {
  // Every certificate once: carried ones, then signers' (they may have come from elsewhere).
  std::vector<ossl::X509Ptr> pool;
  const auto add_pem = [&](const std::string& pem) {
    for (auto& c : x509::parse_certificates(pem)) {
      if (std::none_of(pool.begin(), pool.end(), [&](const ossl::X509Ptr& p) { return X509_cmp(p.get(), c.get()) == 0; })) {
        pool.push_back(std::move(c));
      }
    }
  };
  for (const auto& c : verdict.certificates) add_pem(c.pem);
  for (const auto& s : verdict.signers) {
    if (s.cert) add_pem(s.cert->pem);
  }
  ERR_clear_error();
  std::vector<X509*> untrusted;
  for (const auto& c : pool) untrusted.push_back(c.get());

  std::vector<Candidate> candidates;
  const auto listed = [&](X509* c) {
    return std::any_of(candidates.begin(), candidates.end(), [&](const Candidate& x) { return x.cert == c; });
  };
  const auto leaf = [](X509* c) { return X509_check_ca(c) == 0 && !x509::emails_of(c).empty(); };
  for (const auto& s : verdict.signers) {
    if (!s.cert) continue;
    for (const auto& c : pool) {
      if (x509::fingerprint_sha256(c.get()) == s.cert->fingerprint_sha256 && leaf(c.get()) && !listed(c.get())) {
        candidates.push_back({c.get(), "signer", &s});
      }
    }
  }
  for (const auto& s : verdict.signers) {
    if (!s.cert || !s.encryption_key_preference) continue;
    for (const auto& c : pool) {
      // RFC 8551 §2.5.3: the signer's encryption certificate, named by issuer and serial number.
      if (listed(c.get()) || !leaf(c.get())) continue;
      if (x509::name_string(X509_get_issuer_name(c.get())) == s.encryption_key_preference->issuer &&
          x509::summarize(c.get()).serial == s.encryption_key_preference->serial) {
        candidates.push_back({c.get(), "encryption-preference", &s});
      }
    }
  }
  for (const auto& c : pool) {
    if (leaf(c.get()) && !listed(c.get())) candidates.push_back({c.get(), "carried", nullptr});
  }
  ERR_clear_error();
  if (candidates.size() > kMaxOffersPerMessage) candidates.resize(kMaxOffersPerMessage);

  const std::int64_t at = verdict.checked_at;
  std::vector<Offer> out;
  for (const auto& cand : candidates) {
    Offer offer;
    offer.cert = describe_contact_cert(cand.cert);
    offer.cert.origin = cand.role;
    offer.cert.trusted = email_chain_errors(trust, cand.cert, untrusted, at, /*ignore_validity=*/true).empty();
    for (auto& issuer : chain_from_pool(cand.cert, pool)) {
      if (X509_NAME_cmp(X509_get_subject_name(issuer.get()), X509_get_issuer_name(issuer.get())) == 0) break;  // a root
      offer.cert.chain.push_back(x509::fingerprint_sha256(issuer.get()));
      offer.chain.push_back(share(std::move(issuer)));
    }
    for (const auto& a : offer.cert.addresses) {
      if (offer.addresses.size() < kMaxAddressesPerCert && !contains(offer.addresses, a)) offer.addresses.push_back(a);
    }
    offer.verdict = status_name(verdict.status);
    const SignerVerdict* s = cand.signer;
    offer.revoked = s != nullptr && cand.role == "signer" &&
                    (s->status == Status::revoked || contains(s->reasons, "certificate-revoked"));
    const bool vouched = s != nullptr && vouches(verdict, *s) && from_is_clean(*s);
    if (!offer.revoked) {
      for (const auto& a : offer.addresses) {
        if (offer.cert.trusted || (vouched && contains(facts.from, a))) offer.eligible.push_back(a);
      }
    }
    if (vouched && cand.role == "signer") {
      AdvertisedCapabilities caps;
      caps.list = s->capability_details;
      caps.at = s->signing_time.value_or(facts.date.value_or(verdict.checked_at));
      offer.capabilities = std::move(caps);
    }
    out.push_back(std::move(offer));
  }
  return out;
}

}  // namespace inkan::store
