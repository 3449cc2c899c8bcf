// What the enrolment ops (acme.*, csr.*, ca.*, actalis.*) share: the store
// they work in, key types and usages from parameters, lint results and
// identities as JSON, and an enrolment's status for the add-on's wizard.
#pragma once

#include "enrolment_store.h"
#include "ops/support.h"
#include "store/store.h"
#include "x509/lint.h"

#include <string>

namespace inkan::protocol::ops {

/**
 * The user's store (INKAN_HOME, else the default place). A store with a
 * passphrase is opened with the request's "passphrase" (wiped after the
 * request, like every password); without one, an op that needs a key fails
 * with STORE_LOCKED. (When the host keeps an unlocked store key in the
 * session, store.unlock, this is the one place to take it from.)
 */
store::Store enrol_store(OpContext& ctx);

/** "key_type" (default rsa3072) and "usage" (default both); BAD_REQUEST for others. */
enrol::KeyType key_type_param(const Json& params);
enrol::KeyUsage usage_param(const Json& params);

/** One or more addresses: "address" (string) or "addresses" (array of strings). */
std::vector<std::string> addresses_param(const Json& params);

/** Lint results of imported identities: [{fingerprint, ok, findings:[{code, severity, message, message_ja, ...}], ...}]. */
Json lint_list_json(const store::ImportReport& report, const std::vector<x509::LintResult>& lints, std::int64_t now);

/** Lints what an import added (each certificate with the chain it came with). */
std::vector<x509::LintResult> lint_imported(const store::ImportReport& report, std::int64_t now);

/** {imported:[identity], already_present, completed_pending, warnings} as store_json's import_json, without "version"/"status". */
Json import_result_json(const store::ImportReport& report, std::int64_t now);

/** Base64 (RFC 4648, one line) of bytes, for small binary results (a .p12, a DER certificate). */
std::string to_base64(std::string_view bytes);

/** A certificate's DER. */
std::string certificate_der(X509* cert);

/** An integer parameter within [low, high], or the fallback when absent; BAD_REQUEST otherwise. */
int int_in(const Json& params, std::string_view name, int fallback, int low, int high);

/**
 * The state of an enrolment as the wizard shows it:
 * {enrolment, directory, server, addresses, stage, status, awaiting, retry_after_seconds,
 *  answer_after, error, created_at, updated_at}; status is "awaiting_reply",
 * "waiting", "done" or "failed".
 */
Json enrolment_json(const enrol::StoredEnrolment& e, const enrol::StepResult* step);

}  // namespace inkan::protocol::ops
