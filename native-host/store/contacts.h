// The contacts half of the store: other people's certificates, one file per
// address (contacts/<aa>/<sha256(address)>.json, contact.h), harvested from
// signed mail (harvest.h) under the TOFU rules of contact_policy.h, looked up
// for encryption (recipients.h). Every change takes the store's write lock and
// replaces whole files (durable_file.h); readers take no lock.
//
// For the native host (docs/store.md "Library"):
//   ContactBook book(store);
//   auto facts = read_message_facts(message, "inbox");
//   HarvestReport r = book.harvest(analysis.verdict, facts, now);   // never changes the verdict
//   auto answers = book.lookup({"bob@example.net"}, now);
#pragma once

#include "store/contact.h"
#include "store/contact_policy.h"
#include "store/harvest.h"
#include "store/recipients.h"
#include "store/store.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace inkan::store {

struct ContactList {
  std::vector<Contact> contacts;  ///< sorted by address
  std::vector<Problem> problems;  ///< files that could not be read; the others are listed
};

/** What one certificate did to one contact. */
struct ContactChange {
  std::string address;
  Change change = Change::unchanged;
  std::string fingerprint;
  CertStatus status = CertStatus::unverified;  ///< the certificate's status afterwards
  std::string replaced;      ///< renewal/replaced: the one it replaced; key-change: the current one
  std::string origin;        ///< "signer", "encryption-preference", "carried", "imported"
  bool trusted = false;
  std::int64_t first_seen = 0;     ///< since when this key is known
  std::int64_t contact_since = 0;  ///< since when the address is a contact
};

struct HarvestReport {
  std::vector<ContactChange> changes;
  std::vector<Problem> problems;  ///< contact files that could not be read (those addresses were skipped, not overwritten)
};

class ContactBook {
public:
  explicit ContactBook(Store& store) : m_store(store) {}

  /** Every contact; damaged files are problems. O(number of contacts). */
  ContactList list() const;
  /** How many contact files there are (not parsed). */
  std::size_t count() const;
  /** The contact of an address; nullopt if none. STORE_CORRUPT, STORE_VERSION_UNSUPPORTED, USAGE (no address). */
  std::optional<Contact> find(std::string_view address) const;
  /** The same; NOT_FOUND if none. */
  Contact get(std::string_view address) const;

  /**
   * Harvests what a verified message carries (harvest.h). The verdict is only
   * read. Creates the store if needed, unless nothing in the message concerns
   * a contact. A damaged contact file is reported and left alone. STORE_BUSY.
   */
  HarvestReport harvest(const Verdict& verdict, const MessageFacts& facts, std::int64_t now);

  /**
   * Certificates a contact handed over (a .cer/.pem file): each end-entity
   * certificate with an address becomes current for its uses (the user chose
   * it); CA certificates in the file serve as its chain. CERT_LOAD_FAILED if
   * there is no such certificate.
   */
  HarvestReport import_certificates(const std::vector<X509*>& certs, const std::string& source, std::int64_t now);

  /** The user accepts a key change (contact_policy.h). NOT_FOUND. Returns the contact afterwards. */
  Contact accept(std::string_view address, std::string_view fingerprint, std::int64_t now);
  /** The user rejects a key change. NOT_FOUND. */
  Contact reject(std::string_view address, std::string_view fingerprint, std::int64_t now);
  /** Deletes the contact with its history (even a damaged file). NOT_FOUND. */
  void remove(std::string_view address);

  /**
   * For each address, in order: the certificate to encrypt to now, or the reason
   * there is none (recipients.h). The user's own identities come first, then
   * contacts; a contact's certificate must be current, valid, fit for encryption
   * and chain to the store's trust anchors (with its stored intermediates).
   */
  std::vector<RecipientAnswer> lookup(const std::vector<std::string>& addresses, std::int64_t now) const;

private:
  std::filesystem::path contacts_dir() const { return m_store.root() / "contacts"; }
  std::filesystem::path intermediates_dir() const { return m_store.root() / "intermediates"; }
  std::optional<Contact> read_contact(const std::string& address) const;
  void write_contact(const Contact& contact) const;
  void write_intermediates(const std::vector<SharedCert>& certs) const;
  std::vector<ossl::X509Ptr> read_intermediates(const std::vector<std::string>& fingerprints) const;

  Store& m_store;
};

}  // namespace inkan::store
