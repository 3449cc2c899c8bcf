// ACME enrolments the native host drives, kept in the store so they survive
// the host: the add-on's MV3 background page is suspended and RFC 8823 waits
// for mail, so every op loads the state, advances it, and saves it again.
//
//   <root>/enrol/<id>.json    {"format":"inkan-enrolment","version":1,"id",
//                              "ca_file","created_at","state":<Enrolment JSON>}
//
// The keys inside the state are sealed under the store key exactly as
// identity keys are (PBES2, 1000 PBKDF2 iterations, the store key as the
// password: sealed_key.h), not with a typed passphrase's 600 000 iterations,
// which would cost a third of a second on every step. A finished enrolment
// becomes an identity (source "acme") and its file goes.
#pragma once

#include "enrolment.h"
#include "store/store.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace inkan::enrol {

struct StoredEnrolment {
  std::string id;       ///< 16 lower-case hex digits
  std::string ca_file;  ///< TLS roots for the ACME server (tests); empty: the system's
  std::int64_t created_at = 0;
  Enrolment state;
};

/** The passphrase that seals an enrolment's keys: the store key (unlocks the store). */
std::string enrolment_passphrase(store::Store& store);

/** Starts an enrolment (keys made and sealed, nothing sent yet) and saves it. Creates the store if needed. */
StoredEnrolment create_enrolment(store::Store& store, EnrolmentRequest request, const std::string& ca_file, std::int64_t now);

/** NOT_FOUND; STORE_CORRUPT for a damaged file. */
StoredEnrolment load_enrolment(const store::Store& store, std::string_view id);

/** Every saved enrolment, oldest first; damaged files become problems. */
std::vector<StoredEnrolment> list_enrolments(const store::Store& store, std::vector<store::Problem>* problems = nullptr);

/** Replaces the saved state. */
void save_enrolment(store::Store& store, const StoredEnrolment& enrolment, std::int64_t now);

/** Forgets an enrolment. NOT_FOUND. */
void remove_enrolment(store::Store& store, std::string_view id, std::int64_t now);

/**
 * Holds an enrolment while one process advances it (an flock on
 * enrol/<id>.lock, not waited for): a second host driving the same
 * enrolment at once gets STORE_BUSY instead of answering a challenge twice.
 */
class EnrolmentLock {
public:
  EnrolmentLock(const store::Store& store, std::string_view id);
  ~EnrolmentLock();
  EnrolmentLock(const EnrolmentLock&) = delete;
  EnrolmentLock& operator=(const EnrolmentLock&) = delete;

private:
  int m_fd = -1;
};

/**
 * A done enrolment's key and chain become an identity with source "acme";
 * then the state is removed. Importing twice (a killed host) is harmless:
 * the certificate is then already present and the state still goes.
 */
store::ImportReport finish_enrolment(store::Store& store, const StoredEnrolment& enrolment, std::int64_t now);

}  // namespace inkan::enrol
