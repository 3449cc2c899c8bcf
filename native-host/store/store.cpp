#include "store/store.h"

#include "store/contact.h"
#include "store/durable_file.h"
#include "mime/address.h"
#include "mime/date.h"
#include "store/paths.h"
#include "store/sealed_key.h"
#include "store/write_lock.h"
#include "x509/cert.h"
#include "x509/nss_builtins.h"

#include <openssl/crypto.h>
#include <openssl/err.h>

#include <algorithm>
#include <set>

namespace inkan::store {
namespace {

constexpr std::string_view kStoreFile = "store.json";

bool looks_like_fingerprint(std::string_view fp) {
  return fp.size() == 64 && std::all_of(fp.begin(), fp.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

std::string require_fingerprint(std::string_view text) {
  const std::string fp = normalize_fingerprint(text);
  if (!looks_like_fingerprint(fp)) throw Error(Errc::usage, "not a SHA-256 fingerprint: " + std::string(text));
  return fp;
}

bool newer(const Identity& a, const Identity& b) {
  if (a.not_before != b.not_before) return a.not_before > b.not_before;
  if (a.not_after != b.not_after) return a.not_after > b.not_after;
  return a.fingerprint < b.fingerprint;
}

bool same_public_key(X509* a, X509* b) {
  EVP_PKEY* ka = X509_get0_pubkey(a);
  EVP_PKEY* kb = X509_get0_pubkey(b);
  const bool same = ka != nullptr && kb != nullptr && EVP_PKEY_eq(ka, kb) == 1;
  ERR_clear_error();
  return same;
}

void wipe(std::optional<std::string>& secret) {
  if (secret) OPENSSL_cleanse(secret->data(), secret->size());
  secret.reset();
}

void add_warnings(const Identity& id, std::int64_t now, ImportReport& report) {
  const auto warn = [&](const char* code) { report.warnings.emplace_back(code, id.fingerprint); };
  if (id.addresses.empty()) warn("no-email-address");
  if (!id.email_protection) warn("not-for-email");
  if (id.is_ca) warn("ca-certificate");
  if (id.not_after <= now) warn("identity-expired");
  else if (id.not_before > now) warn("identity-not-yet-valid");
}

}  // namespace

Store::Store(StoreOptions options) : m_root(options.root.empty() ? default_root() : options.root), m_options(std::move(options)) {}

Store::~Store() { wipe(m_passphrase); }

void Store::set_passphrase(std::optional<std::string> passphrase) {
  wipe(m_passphrase);
  m_passphrase = std::move(passphrase);
}

std::optional<StoreFile> Store::header() const {
  const auto text = read_store_file(m_root / std::string(kStoreFile));
  if (!text) return std::nullopt;
  return parse_store_file(*text);
}

const StoreKey& Store::key() {
  if (m_key) return *m_key;
  const auto file = header();
  if (!file) throw Error(Errc::no_identity, "the store " + m_root.string() + " does not exist yet");
  std::optional<std::string> passphrase = m_passphrase;
  if (file->has_passphrase && !passphrase && m_prompt) passphrase = m_prompt();
  m_key = unlock_store_key(*file, passphrase);
  if (file->has_passphrase && !m_passphrase) m_passphrase = std::move(passphrase);
  else wipe(passphrase);
  return *m_key;
}

void Store::remove_debris(bool all_contacts) const {
  for (const auto& dir : {m_root, identities_dir(), anchors_dir(), distrust_dir(), m_root / "intermediates", pending_dir(),
                         m_root / "enrol"}) {
    remove_temp_debris(dir);
  }
  // The company CAs (enrol/private_ca.h): ca/<fingerprint>/ and its issued/ folder.
  remove_temp_debris(m_root / "ca");
  for (const auto& name : list_names(m_root / "ca")) {
    remove_temp_debris(m_root / "ca" / name);
    remove_temp_debris(m_root / "ca" / name / "issued");
  }
  if (!all_contacts) return;
  for (const auto& shard : list_names(m_root / "contacts")) {
    if (is_contact_shard_name(shard)) remove_temp_debris(m_root / "contacts" / shard);
  }
}

void Store::locked_change(std::int64_t now, const std::function<void()>& change) {
  WriteLock lock(m_root, m_options.lock_wait);
  const StoreFile file = ensure_store_file(now);
  // A key unlocked before the lock (as callers that seal keys must: scrypt and a
  // terminal prompt must not hold up other writers) must still be this store's.
  if (m_key && m_key->id() != file.key_id) throw Error(Errc::store_corrupt, "store.json changed its store key");
  change();
}

StoreFile Store::ensure_store_file(std::int64_t now, bool all_contacts) {
  ensure_private_dir(m_root);
  remove_debris(all_contacts);
  if (auto existing = header()) return std::move(*existing);
  // No store.json. Identities without it would be keys nobody can open again: refuse to
  // start a new store key over them.
  for (const auto& name : list_names(identities_dir())) {
    if (is_identity_file_name(name)) {
      throw Error(Errc::store_corrupt, "store.json is missing, but the store holds identities");
    }
  }
  StoreKey fresh = StoreKey::generate();
  const std::string text = make_store_file(fresh, m_passphrase, m_options.scrypt, now);
  if (!create_file(m_root, kStoreFile, text)) throw Error(Errc::store_busy, "store.json appeared while creating it");
  m_key = fresh;
  return parse_store_file(text);
}

// ---- identities ---------------------------------------------------------------------------

IdentityList Store::identities() const {
  IdentityList out;
  if (!header()) return out;
  for (const auto& name : list_names(identities_dir())) {
    if (!is_identity_file_name(name)) continue;
    const std::string fp = name.substr(0, 64);
    try {
      const auto text = read_store_file(identities_dir() / name);
      if (!text) continue;  // removed since the listing
      out.identities.push_back(parse_identity_file(*text, fp));
    } catch (const Error& e) {
      out.problems.push_back({"identities/" + name, e.code(), e.detail()});
    }
  }
  std::sort(out.identities.begin(), out.identities.end(), [](const Identity& a, const Identity& b) {
    const std::string fa = a.addresses.empty() ? std::string("\x7f") : a.addresses.front();
    const std::string fb = b.addresses.empty() ? std::string("\x7f") : b.addresses.front();
    if (fa != fb) return fa < fb;
    return newer(a, b);
  });
  return out;
}

Identity Store::find_identity(std::string_view fingerprint) const {
  const std::string prefix = normalize_fingerprint(fingerprint);
  if (prefix.size() < 8 || prefix.size() > 64) {
    throw Error(Errc::usage, "give a SHA-256 fingerprint (at least 8 hex digits): " + std::string(fingerprint));
  }
  if (!header()) throw Error(Errc::not_found, "identity " + prefix);
  if (prefix.size() == 64) {
    const auto text = read_store_file(identities_dir() / (prefix + ".json"));
    if (!text) throw Error(Errc::not_found, "identity " + prefix);
    return parse_identity_file(*text, prefix);
  }
  std::optional<Identity> found;
  for (auto& id : identities().identities) {
    if (id.fingerprint.compare(0, prefix.size(), prefix) != 0) continue;
    if (found) throw Error(Errc::usage, "fingerprint prefix " + prefix + " is ambiguous");
    found = std::move(id);
  }
  if (!found) throw Error(Errc::not_found, "identity " + prefix);
  return std::move(*found);
}

std::vector<Identity> Store::identities_for(std::string_view address) const {
  std::vector<Identity> out;
  for (auto& id : identities().identities) {
    if (id.has_address(address)) out.push_back(std::move(id));
  }
  std::sort(out.begin(), out.end(), newer);
  return out;
}

std::optional<Identity> Store::select(std::string_view address, Usage usage, std::int64_t t) const {
  const auto all = identities().identities;
  const Identity* best = select_identity(all, address, usage, t);
  if (best == nullptr) return std::nullopt;
  return *best;
}

std::vector<Identity> Store::current_identities(std::string_view address, std::int64_t t) const {
  const auto all = identities().identities;
  std::vector<Identity> out;
  for (const Usage u : {Usage::sign, Usage::encrypt}) {
    const Identity* best = select_identity(all, address, u, t);
    if (best == nullptr) continue;
    if (std::none_of(out.begin(), out.end(), [&](const Identity& x) { return x.fingerprint == best->fingerprint; })) {
      out.push_back(*best);
    }
  }
  return out;
}

keys::Credentials Store::credentials(const Identity& identity) {
  const StoreKey& k = key();
  if (identity.key_id != k.id()) {
    throw Error(Errc::store_corrupt, "identities/" + identity.fingerprint + ".json was sealed under another store key");
  }
  keys::Credentials c;
  c.key = open_private_key(identity.sealed_key, k);
  c.cert = ossl::up_ref(identity.cert.get());
  for (const auto& x : identity.chain) c.chain.push_back(ossl::up_ref(x.get()));
  if (X509_check_private_key(c.cert.get(), c.key.get()) != 1) {
    ERR_clear_error();
    throw Error(Errc::store_corrupt, "identities/" + identity.fingerprint + ".json: key and certificate differ");
  }
  return c;
}

std::vector<keys::Credentials> Store::all_credentials() {
  auto all = identities().identities;
  std::sort(all.begin(), all.end(), newer);
  std::vector<keys::Credentials> out;
  for (const auto& id : all) out.push_back(credentials(id));
  return out;
}

ImportReport Store::import_bundle(KeyBundle bundle, const std::string& source_file, std::int64_t now) {
  ImportReport report;
  for (int i = 0; i < bundle.keys_without_certificate; ++i) report.warnings.emplace_back("key-without-certificate", "");
  // Unlock before taking the lock: scrypt and a terminal prompt must not hold up other writers.
  if (!bundle.pairs.empty() && exists()) (void)key();

  WriteLock lock(m_root, m_options.lock_wait);
  const StoreFile file = ensure_store_file(now);
  ensure_private_dir(identities_dir());

  std::vector<Identity> fresh;
  for (auto& pair : bundle.pairs) {
    std::vector<X509*> chain;
    for (const auto& c : pair.chain) chain.push_back(c.get());
    Identity id = describe_certificate(pair.cert.get(), chain);
    const StoreKey& k = key();
    if (k.id() != file.key_id) throw Error(Errc::store_corrupt, "store.json changed its store key");
    id.sealed_key = seal_private_key(pair.key.get(), k);
    id.key_id = k.id();
    id.source = bundle.format;
    fresh.push_back(std::move(id));
  }
  // Certificates alone: new certificates for keys the store already holds.
  bool any_lone = false;
  bool matched_lone = false;
  std::vector<std::string> bound_pending;
  if (bundle.pairs.empty()) {
    const auto stored = identities().identities;
    std::vector<Problem> ignored;
    const auto pending = read_pending(ignored);
    for (const auto& cert : bundle.unpaired_certs) {
      if (X509_check_ca(cert.get()) != 0) continue;  // chain material, not a renewal
      any_lone = true;
      const auto chain_owned = chain_from_pool(cert.get(), bundle.unpaired_certs);
      std::vector<X509*> chain;
      for (const auto& c : chain_owned) chain.push_back(c.get());
      const auto owner = std::find_if(stored.begin(), stored.end(),
                                      [&](const Identity& s) { return same_public_key(s.cert.get(), cert.get()); });
      if (owner != stored.end()) {
        matched_lone = true;
        if (chain.empty()) {
          for (const auto& c : owner->chain) chain.push_back(c.get());  // the same CA, most likely
        }
        Identity id = describe_certificate(cert.get(), chain);
        id.sealed_key = owner->sealed_key;
        id.key_id = owner->key_id;
        id.source = "certificate";
        fresh.push_back(std::move(id));
        continue;
      }
      // The answer to a CSR made here: the certificate's public key names the waiting key.
      EVP_PKEY* pub = X509_get0_pubkey(cert.get());
      if (pub == nullptr) continue;
      const std::string wanted = public_key_id(pub);
      const auto waiting =
          std::find_if(pending.begin(), pending.end(), [&](const PendingKey& p) { return p.id == wanted; });
      if (waiting == pending.end()) continue;
      if (waiting->key_id != file.key_id) {
        throw Error(Errc::store_corrupt, "pending/" + waiting->id + ".json was sealed under another store key");
      }
      matched_lone = true;
      Identity id = describe_certificate(cert.get(), chain);
      id.sealed_key = waiting->sealed_key;
      id.key_id = waiting->key_id;
      id.source = waiting->source.empty() ? "csr" : waiting->source;
      fresh.push_back(std::move(id));
      bound_pending.push_back(waiting->id);
    }
    ERR_clear_error();
    if (!matched_lone) {
      throw Error(Errc::no_identity, any_lone ? "the file holds certificates, but no private key, and the store has "
                                                "no key they belong to"
                                              : "the file holds only CA certificates (use `inkan trust add`)");
    }
  }
  for (auto& id : fresh) {
    id.source_file = source_file;
    id.added_at = now;
    if (!create_file(identities_dir(), id.fingerprint + ".json", identity_file_text(id))) {
      report.already_present.push_back(id.fingerprint);
      continue;
    }
    add_warnings(id, now, report);
    report.added.push_back(std::move(id));
  }
  // The identity files are committed: only now may the waiting keys go (a kill in
  // between leaves a pending entry that pending_keys() hides and the next import removes).
  // A key pair imported from a file may also be a waiting key, and a killed import may
  // have left an entry behind: every pending key that has an identity now is done.
  std::vector<Problem> ignored;
  const auto waiting = read_pending(ignored);
  if (!waiting.empty()) {
    std::set<std::string> bound(bound_pending.begin(), bound_pending.end());
    for (const auto& id : identities().identities) {
      if (EVP_PKEY* pub = X509_get0_pubkey(id.cert.get())) bound.insert(public_key_id(pub));
    }
    ERR_clear_error();
    for (const auto& p : waiting) {
      if (bound.count(p.id) == 0) continue;
      remove_file(pending_dir(), p.id + ".json");
      report.completed_pending.push_back(p.id);
    }
  }
  return report;
}

// ---- pending keys ----------------------------------------------------------------------------

std::vector<PendingKey> Store::read_pending(std::vector<Problem>& problems) const {
  std::vector<PendingKey> out;
  for (const auto& name : list_names(pending_dir())) {
    if (!is_pending_file_name(name)) continue;
    try {
      if (const auto text = read_store_file(pending_dir() / name)) out.push_back(parse_pending_file(*text, name.substr(0, 64)));
    } catch (const Error& e) {
      problems.push_back({"pending/" + name, e.code(), e.detail()});
    }
  }
  std::sort(out.begin(), out.end(), [](const PendingKey& a, const PendingKey& b) {
    return a.created_at != b.created_at ? a.created_at < b.created_at : a.id < b.id;
  });
  return out;
}

PendingKey Store::add_pending_key(EVP_PKEY* private_key, PendingKey facts, std::int64_t now) {
  facts.id = public_key_id(private_key);
  facts.created_at = now;
  if (exists()) (void)key();  // unlock before the lock
  locked_change(now, [&] {
    const StoreKey& k = key();
    facts.sealed_key = seal_private_key(private_key, k);
    facts.key_id = k.id();
    ensure_private_dir(pending_dir());
    if (!create_file(pending_dir(), facts.id + ".json", pending_file_text(facts))) {
      throw Error(Errc::already_exists, "pending key " + facts.id);
    }
  });
  return facts;
}

PendingList Store::pending_keys() const {
  PendingList out;
  if (!header()) return out;
  auto all = read_pending(out.problems);
  if (all.empty()) return out;
  std::set<std::string> bound;
  for (const auto& id : identities().identities) {
    if (EVP_PKEY* pub = X509_get0_pubkey(id.cert.get())) bound.insert(public_key_id(pub));
  }
  ERR_clear_error();
  for (auto& p : all) {
    if (bound.count(p.id) == 0) out.pending.push_back(std::move(p));
  }
  return out;
}

PendingKey Store::find_pending_key(std::string_view id) const {
  const std::string prefix = normalize_fingerprint(id);
  if (prefix.size() < 8 || prefix.size() > 64) {
    throw Error(Errc::usage, "give a pending key's id (at least 8 hex digits): " + std::string(id));
  }
  std::optional<PendingKey> found;
  for (auto& p : pending_keys().pending) {
    if (p.id.compare(0, prefix.size(), prefix) != 0) continue;
    if (found) throw Error(Errc::usage, "pending key id " + prefix + " is ambiguous");
    found = std::move(p);
  }
  if (!found) throw Error(Errc::not_found, "pending key " + prefix);
  return std::move(*found);
}

void Store::remove_pending_key(std::string_view id) {
  const PendingKey p = find_pending_key(id);
  WriteLock lock(m_root, m_options.lock_wait);
  remove_debris();
  if (!remove_file(pending_dir(), p.id + ".json")) throw Error(Errc::not_found, "pending key " + p.id);
}

void Store::remove_identity(std::string_view fingerprint) {
  const Identity id = find_identity(fingerprint);  // resolves a prefix; NOT_FOUND
  WriteLock lock(m_root, m_options.lock_wait);
  remove_debris();
  if (!remove_file(identities_dir(), id.fingerprint + ".json")) throw Error(Errc::not_found, "identity " + id.fingerprint);
}

std::string Store::export_pkcs12(const std::vector<Identity>& identities, const std::string& password,
                                 Pkcs12Profile profile) {
  if (identities.empty()) throw Error(Errc::no_identity);
  std::vector<keys::Credentials> creds;
  for (const auto& id : identities) creds.push_back(credentials(id));
  std::vector<Pkcs12Entry> entries;
  std::vector<X509*> chain;
  const auto listed = [&](X509* c) {
    return std::any_of(creds.begin(), creds.end(), [&](const keys::Credentials& k) { return X509_cmp(k.cert.get(), c) == 0; }) ||
           std::any_of(chain.begin(), chain.end(), [&](X509* x) { return X509_cmp(x, c) == 0; });
  };
  // Friendly names become NSS nicknames (Thunderbird), which must differ between
  // certificates: several identities of one address are told apart by use and expiry.
  std::vector<std::string> names;
  for (const auto& id : identities) {
    names.push_back(id.addresses.empty() ? x509::summarize(id.cert.get()).common_name : id.addresses.front());
  }
  for (std::size_t i = 0; i < identities.size(); ++i) {
    if (std::count(names.begin(), names.end(), names[i]) < 2) continue;
    const auto& id = identities[i];
    const char* use = id.can_sign && id.can_encrypt ? "signing and encryption" : id.can_sign ? "signing" : "encryption";
    names[i] += std::string(" (") + use + ", until " + mime::format_iso8601(id.not_after).substr(0, 10) + ", " +
                id.serial + ")";
  }
  for (std::size_t i = 0; i < creds.size(); ++i) entries.push_back({creds[i].key.get(), creds[i].cert.get(), names[i]});
  for (const auto& c : creds) {
    for (const auto& x : c.chain) {
      if (!listed(x.get())) chain.push_back(x.get());
    }
  }
  return write_pkcs12(entries, chain, password, profile);
}

void Store::change_passphrase(const std::optional<std::string>& next, std::int64_t now) {
  if (next && next->empty()) throw Error(Errc::usage, "the new passphrase is empty (to remove the passphrase, use --remove)");
  if (!exists()) {
    WriteLock lock(m_root, m_options.lock_wait);
    if (!exists()) {
      set_passphrase(next);  // protects the store created now
      (void)ensure_store_file(now);
      return;
    }
    // Another process created the store meanwhile: change its passphrase like any other.
  }
  const StoreKey current = key();  // unlocks with the current passphrase
  WriteLock lock(m_root, m_options.lock_wait);
  const auto file = header();
  if (!file) throw Error(Errc::store_corrupt, "store.json disappeared");
  if (file->key_id != current.id()) throw Error(Errc::store_corrupt, "store.json changed its store key");
  remove_debris();
  replace_file(m_root, kStoreFile, make_store_file(current, next, m_options.scrypt, now, &*file));
  set_passphrase(next);
}

// ---- trust ------------------------------------------------------------------------------------

std::vector<DistrustEntry> Store::read_distrust(std::vector<Problem>& problems) const {
  std::vector<DistrustEntry> out;
  for (const auto& name : list_names(distrust_dir())) {
    if (!looks_like_fingerprint(name)) continue;
    try {
      if (const auto text = read_store_file(distrust_dir() / name)) out.push_back(parse_distrust_file(*text, name));
    } catch (const Error& e) {
      // A distrust entry that cannot be read still distrusts: its name is the fingerprint.
      out.push_back({name, nullptr, 0});
      problems.push_back({"trust/distrust/" + name, e.code(), e.detail()});
    }
  }
  return out;
}

std::vector<AnchorEntry> Store::read_user_anchors(std::vector<Problem>& problems) const {
  std::vector<AnchorEntry> out;
  for (const auto& name : list_names(anchors_dir())) {
    if (name.size() != 68 || name.substr(64) != ".pem" || !looks_like_fingerprint(name.substr(0, 64))) continue;
    try {
      if (const auto text = read_store_file(anchors_dir() / name)) out.push_back(parse_anchor_file(*text, name.substr(0, 64)));
    } catch (const Error& e) {
      problems.push_back({"trust/anchors/" + name, e.code(), e.detail()});
    }
  }
  return out;
}

namespace {

// Mozilla's roots are part of every trust list; without the NSS module the
// user's own anchors still work, and the list says why the built-in ones are missing.
std::vector<AnchorEntry> builtin_or_problem(std::vector<Problem>& problems) {
  try {
    return builtin_anchors();
  } catch (const Error& e) {
    problems.push_back({"builtin", e.code(), e.detail()});
    return {};
  }
}

}  // namespace

TrustList Store::trust() const {
  TrustList out;
  if (!header()) {
    out.anchors = builtin_or_problem(out.problems);
    return out;
  }
  out.distrusted = read_distrust(out.problems);
  std::set<std::string> distrusted;
  for (const auto& d : out.distrusted) distrusted.insert(d.fingerprint);
  for (auto& a : builtin_or_problem(out.problems)) {
    if (distrusted.count(a.fingerprint) == 0) out.anchors.push_back(std::move(a));
  }
  for (auto& a : read_user_anchors(out.problems)) {
    if (distrusted.count(a.fingerprint) == 0) out.anchors.push_back(std::move(a));
  }
  return out;
}

std::vector<AnchorEntry> Store::add_anchors(const std::vector<X509*>& certs, std::string_view label, std::int64_t now) {
  if (certs.empty()) throw Error(Errc::cert_load_failed, "no certificate");
  for (X509* c : certs) {
    const std::string problem = anchor_problem(c, now);
    if (!problem.empty()) throw Error(Errc::trust_anchor_unusable, x509::summarize(c).subject + ": " + problem);
  }
  WriteLock lock(m_root, m_options.lock_wait);
  (void)ensure_store_file(now);
  ensure_private_dir(m_root / "trust");
  ensure_private_dir(anchors_dir());
  std::vector<std::string> fps;
  for (X509* c : certs) {
    const std::string fp = x509::fingerprint_sha256(c);
    if (read_store_file(distrust_dir() / fp)) {
      throw Error(Errc::already_exists, fp + " is distrusted; `inkan trust remove " + fp + "` first");
    }
    if (read_store_file(anchors_dir() / (fp + ".pem"))) throw Error(Errc::already_exists, "anchor " + fp);
    if (std::find(fps.begin(), fps.end(), fp) == fps.end()) fps.push_back(fp);
  }
  std::vector<AnchorEntry> added;
  for (X509* c : certs) {
    const std::string fp = x509::fingerprint_sha256(c);
    if (std::any_of(added.begin(), added.end(), [&](const AnchorEntry& a) { return a.fingerprint == fp; })) continue;
    const std::string text = anchor_file_text(c, label, now);
    if (!create_file(anchors_dir(), fp + ".pem", text)) throw Error(Errc::already_exists, "anchor " + fp);
    added.push_back(parse_anchor_file(text, fp));
  }
  return added;
}

DistrustEntry Store::distrust(std::string_view fingerprint, X509* cert, std::int64_t now) {
  const std::string fp = cert != nullptr ? x509::fingerprint_sha256(cert) : require_fingerprint(fingerprint);
  WriteLock lock(m_root, m_options.lock_wait);
  (void)ensure_store_file(now);
  ensure_private_dir(m_root / "trust");
  ensure_private_dir(distrust_dir());
  // Distrust first, then drop the anchor: at every moment in between the certificate is distrusted.
  const std::string text = distrust_file_text(cert, now);
  if (!create_file(distrust_dir(), fp, text)) throw Error(Errc::already_exists, "distrusted " + fp);
  remove_file(anchors_dir(), fp + ".pem");
  return parse_distrust_file(text, fp);
}

void Store::remove_trust(std::string_view fingerprint) {
  const std::string fp = require_fingerprint(fingerprint);
  if (!exists()) throw Error(Errc::not_found, "no anchor or distrust entry " + fp);
  WriteLock lock(m_root, m_options.lock_wait);
  remove_debris();
  const bool anchor = remove_file(anchors_dir(), fp + ".pem");
  const bool distrusted = remove_file(distrust_dir(), fp);
  if (!anchor && !distrusted) throw Error(Errc::not_found, "no anchor or distrust entry " + fp);
}

x509::TrustStore Store::trust_store() const {
  x509::TrustStore store;
  const TrustList list = trust();
  for (const auto& a : list.anchors) {
    store.add_anchor(ossl::up_ref(a.cert.get()), x509::AnchorPolicy{a.email_distrust_after});
  }
  // Distrust is enforced in path validation too, so a distrusted intermediate or
  // leaf fails even under a trusted root (NSS's CKT_NSS_NOT_TRUSTED semantics).
  for (const auto& d : list.distrusted) {
    if (d.cert) {
      store.add_distrusted(ossl::up_ref(d.cert.get()));
    } else {
      store.add_distrusted_fingerprint(d.fingerprint);
    }
  }
  try {
    const auto& builtin = x509::builtin_roots();
    for (const auto& r : builtin.roots) {
      if (r.distrusted) store.add_distrusted(ossl::up_ref(r.cert.get()));
    }
    for (const auto& [issuer, serial] : builtin.distrusted_serials) store.add_distrusted(issuer, serial);
  } catch (const Error&) {
    // Already reported by trust(); the user's own anchors and distrust still apply.
  }
  return store;
}

StoreStatus Store::status() const {
  StoreStatus s;
  s.root = m_root;
  s.file = header();
  s.exists = s.file.has_value();
  std::vector<Problem> builtin_problems;
  s.builtin_anchors = builtin_or_problem(builtin_problems).size();
  s.problems = builtin_problems;
  if (!s.exists) return s;
  const auto ids = identities();
  s.identities = ids.identities.size();
  s.problems.insert(s.problems.end(), ids.problems.begin(), ids.problems.end());
  s.user_anchors = read_user_anchors(s.problems).size();
  s.distrusted = read_distrust(s.problems).size();
  for (const auto& shard : list_names(m_root / "contacts")) {
    if (!is_contact_shard_name(shard)) continue;
    for (const auto& name : list_names(m_root / "contacts" / shard)) s.contacts += is_contact_file_name(name) ? 1U : 0U;
  }
  return s;
}

}  // namespace inkan::store
