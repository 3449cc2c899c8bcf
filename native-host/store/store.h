// The store: the user's identities (keys and certificates, with history) and
// trust settings, in one directory (paths.h):
//
//   <root>/store.json                      format version, the store key (plain or passphrase-wrapped)
//   <root>/lock                            the writers' flock
//   <root>/identities/<sha256>.json        one identity per certificate (identity.h)
//   <root>/trust/anchors/<sha256>.pem      user-trusted CAs (trust_settings.h)
//   <root>/trust/distrust/<sha256>         explicit distrust
//   <root>/contacts/<aa>/<sha256>.json     other people's certificates, one file per address (contacts.h)
//   <root>/intermediates/<sha256>.pem      issuer certificates carried with contacts' certificates
//   <root>/pending/<sha256>.json           a key waiting for its certificate (pending_key.h)
//   <root>/ca/, <root>/enrol/              kept by inkan_enrol (company CA, ACME enrolments),
//                                          written through locked_change()
//
// Every change is one file created, replaced or removed atomically
// (durable_file.h) while holding the write lock (write_lock.h); readers take
// no lock. Nothing a failed operation touched is lost: files are only
// replaced by complete new versions, never edited in place.
// docs/store.md describes the formats and guarantees.
#pragma once

#include "store/identity.h"
#include "store/key_bundle.h"
#include "store/pending_key.h"
#include "keys/credentials.h"
#include "store/pkcs12_writer.h"
#include "store/store_key.h"
#include "store/trust_settings.h"
#include "x509/trust.h"

#include "error.h"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace inkan::store {

struct StoreOptions {
  std::filesystem::path root;                     ///< empty: default_root()
  std::chrono::milliseconds lock_wait{10000};     ///< then STORE_BUSY
  ScryptParams scrypt;                            ///< for passphrases set by this process
};

/** A file that could not be read; the rest of the store is still usable. */
struct Problem {
  std::string file;  ///< relative to the root
  Errc code;
  std::string detail;
};

struct IdentityList {
  std::vector<Identity> identities;  ///< sorted by first address, then notBefore (newest first)
  std::vector<Problem> problems;
};

struct ImportReport {
  std::vector<Identity> added;
  std::vector<std::string> already_present;  ///< fingerprints
  /** (code, fingerprint): "no-email-address", "not-for-email", "identity-expired",
   *  "identity-not-yet-valid", "ca-certificate", "key-without-certificate" (no fingerprint). */
  std::vector<std::pair<std::string, std::string>> warnings;
  std::vector<std::string> completed_pending;  ///< ids of pending keys that got their certificate
};

struct PendingList {
  std::vector<PendingKey> pending;  ///< oldest first
  std::vector<Problem> problems;
};

struct TrustList {
  std::vector<AnchorEntry> anchors;  ///< built-in and user anchors not distrusted
  std::vector<DistrustEntry> distrusted;
  std::vector<Problem> problems;
};

struct StoreStatus {
  std::filesystem::path root;
  bool exists = false;
  std::optional<StoreFile> file;
  std::size_t identities = 0;
  std::size_t user_anchors = 0;
  std::size_t builtin_anchors = 0;
  std::size_t distrusted = 0;
  std::size_t contacts = 0;  ///< contact files (not parsed)
  std::vector<Problem> problems;
};

class Store {
public:
  using Prompt = std::function<std::optional<std::string>()>;

  explicit Store(StoreOptions options = {});
  ~Store();  // wipes the passphrase it was given
  Store(Store&&) = default;
  Store& operator=(Store&&) = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const std::filesystem::path& root() const { return m_root; }
  std::chrono::milliseconds lock_wait() const { return m_options.lock_wait; }

  /** store.json, parsed; nullopt when there is no store yet. STORE_CORRUPT / STORE_VERSION_UNSUPPORTED. */
  std::optional<StoreFile> header() const;
  bool exists() const { return header().has_value(); }

  // ---- unlocking ------------------------------------------------------------------------
  /** The store passphrase, when known. A store this process creates is protected by it. */
  void set_passphrase(std::optional<std::string> passphrase);
  /** Asked (once) when a protected store must be unlocked and no passphrase was set. */
  void set_prompt(Prompt prompt) { m_prompt = std::move(prompt); }
  /** The store key; unlocks on first use. STORE_LOCKED without a passphrase, BAD_PASSWORD if wrong. */
  const StoreKey& key();
  /**
   * Uses a store key unwrapped earlier (the native host holds it for a while
   * after store.unlock), so key() needs no passphrase; nullopt forgets it.
   * A key that is not this store's is never used: STORE_CORRUPT on use.
   */
  void set_key(std::optional<StoreKey> key) { m_key = std::move(key); }

  // ---- identities -------------------------------------------------------------------------
  IdentityList identities() const;
  /** By full fingerprint or a unique prefix of at least 8 hex digits (colons allowed). NOT_FOUND, USAGE. */
  Identity find_identity(std::string_view fingerprint) const;
  /** Every identity of an address (any state), newest first. */
  std::vector<Identity> identities_for(std::string_view address) const;
  /** The identity to sign with (or encrypt to oneself) for an address at time t. */
  std::optional<Identity> select(std::string_view address, Usage usage, std::int64_t t) const;
  /** The current identities of an address: the signing one and the encryption one (once if the same). */
  std::vector<Identity> current_identities(std::string_view address, std::int64_t t) const;

  /** Key, certificate and chain of an identity (unlocks the store). */
  keys::Credentials credentials(const Identity& identity);
  /** Every stored key with its certificate, newest first: for decrypting, old mail included. */
  std::vector<keys::Credentials> all_credentials();

  /**
   * Adds what a file held: each key with its certificate becomes an identity;
   * a certificate alone becomes one if the store already has its key (a renewal
   * by the same CA for the same key) or holds it as a pending key (the answer
   * to a CSR: the pending entry is removed under the same lock). NO_IDENTITY if
   * a file of certificates matches no stored key. Unlocks (or creates) the
   * store. bundle.format becomes the identities' source kind.
   */
  ImportReport import_bundle(KeyBundle bundle, const std::string& source_file, std::int64_t now);

  // ---- keys waiting for a certificate (any CA that takes a CSR) ---------------------------
  /**
   * Seals `key` and keeps it as pending/<id>.json with the facts given (id and
   * key_id are filled in). Creates (or unlocks) the store. ALREADY_EXISTS.
   */
  PendingKey add_pending_key(EVP_PKEY* private_key, PendingKey facts, std::int64_t now);
  /**
   * Keys waiting for a certificate, oldest first. An entry whose key already
   * has an identity is left out: the import that bound it was killed before it
   * removed the entry, and the next writer removes it.
   */
  PendingList pending_keys() const;
  /** By id or a unique prefix of at least 8 hex digits. NOT_FOUND, USAGE. */
  PendingKey find_pending_key(std::string_view id) const;
  /** Forgets a waiting key (its request is abandoned). NOT_FOUND. */
  void remove_pending_key(std::string_view id);

  // ---- areas other modules keep in the store (ca/, enrol/) ------------------------------------
  /**
   * Runs change() holding the write lock, after store.json exists (created if
   * needed, protected by the passphrase given with set_passphrase) and the
   * debris of killed writers is cleared from every store directory. change()
   * writes with durable_file.h. A change that seals keys calls key() before
   * (when the store exists), so unlocking never holds the lock; inside, key()
   * is then the checked key of this store (or the new store's).
   */
  void locked_change(std::int64_t now, const std::function<void()>& change);

  /** Deletes an identity file (its key is gone for good). NOT_FOUND. */
  void remove_identity(std::string_view fingerprint);

  /** PKCS#12 with the given identities' keys, certificates and chains. */
  std::string export_pkcs12(const std::vector<Identity>& identities, const std::string& password,
                            Pkcs12Profile profile);

  /**
   * Sets, changes (next != nullopt) or removes (nullopt) the passphrase; only
   * store.json is rewritten. The current passphrase comes from
   * set_passphrase/set_prompt. Creates the store if there is none.
   */
  void change_passphrase(const std::optional<std::string>& next, std::int64_t now);

  // ---- trust ----------------------------------------------------------------------------------
  TrustList trust() const;
  /** Adds CA certificates as anchors (all or none). TRUST_ANCHOR_UNUSABLE, ALREADY_EXISTS. */
  std::vector<AnchorEntry> add_anchors(const std::vector<X509*>& certs, std::string_view label, std::int64_t now);
  /** Distrusts a certificate (by certificate, or by fingerprint with cert == nullptr); removes it as a user anchor. */
  DistrustEntry distrust(std::string_view fingerprint, X509* cert, std::int64_t now);
  /** Removes a user anchor and/or a distrust entry. NOT_FOUND if neither exists. */
  void remove_trust(std::string_view fingerprint);
  /** Built-in and user anchors minus the distrusted ones, for verifying. */
  x509::TrustStore trust_store() const;

  StoreStatus status() const;

  /**
   * For other kinds of items (contacts.h), while holding the WriteLock: store.json
   * (created with a new store key if there is none) and the debris of the store's
   * fixed folders cleared. The caller clears the debris of the contact folders it writes.
   */
  StoreFile prepare_write(std::int64_t now) { return ensure_store_file(now, /*all_contacts=*/false); }

private:
  std::filesystem::path identities_dir() const { return m_root / "identities"; }
  std::filesystem::path anchors_dir() const { return m_root / "trust" / "anchors"; }
  std::filesystem::path distrust_dir() const { return m_root / "trust" / "distrust"; }
  std::filesystem::path pending_dir() const { return m_root / "pending"; }
  std::vector<PendingKey> read_pending(std::vector<Problem>& problems) const;
  /**
   * Under the write lock: removes what killed writers left (".tmp-*") in the store's
   * directories; the contact shards too when all_contacts (256 small directories).
   */
  void remove_debris(bool all_contacts = true) const;
  /** Under the write lock: store.json, created (with a new store key) if there is none; clears debris. */
  StoreFile ensure_store_file(std::int64_t now, bool all_contacts = true);
  std::vector<DistrustEntry> read_distrust(std::vector<Problem>& problems) const;
  std::vector<AnchorEntry> read_user_anchors(std::vector<Problem>& problems) const;

  std::filesystem::path m_root;
  StoreOptions m_options;
  std::optional<std::string> m_passphrase;
  Prompt m_prompt;
  std::optional<StoreKey> m_key;
};

}  // namespace inkan::store
