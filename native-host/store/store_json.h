// The JSON shapes of the store (docs/store.md): what `inkan id list --json`,
// `inkan trust list --json`, `inkan store status --json` ... print, and what
// the native host answers to identity.list, trust.list, store.status ...: one
// shape for both. Every object carries "version": 1.
#pragma once

#include "store/store.h"
#include "x509/nss_builtins.h"

#include <nlohmann/json.hpp>

#include <cstdint>

namespace inkan::store {

nlohmann::ordered_json problem_json(const Problem& problem);

/** One identity; `current_*` say whether it is the one chosen for signing / encryption now. */
nlohmann::ordered_json identity_json(const Identity& identity, std::int64_t now, bool current_sign, bool current_encrypt);

/** A key waiting for its certificate: {"id","addresses","key_type","usage","source","created_at","csr"}. */
nlohmann::ordered_json pending_json(const PendingKey& pending);

/** {"version":1,"identities":[...],"pending":[...] (when given),"problems":[...]} */
nlohmann::ordered_json identities_json(const IdentityList& list, std::int64_t now, const PendingList* pending = nullptr);

/** {"version":1,"days":N,"expiring":[...]} */
nlohmann::ordered_json expiring_json(const std::vector<Identity>& expiring, std::int64_t now, int days);

/** {"version":1,"status":"ok","imported":[...],"already_present":[...],"completed_pending":[...],"warnings":[...]} */
nlohmann::ordered_json import_json(const ImportReport& report, std::int64_t now);

nlohmann::ordered_json anchor_json(const AnchorEntry& anchor, std::int64_t now);
nlohmann::ordered_json distrust_json(const DistrustEntry& entry);

/** {"version":1,"anchors":[...],"distrusted":[...],"builtin_roots":N,"problems":[...]} */
nlohmann::ordered_json trust_json(const TrustList& list, std::int64_t now);

/** {"version":1,"path":...,"exists":...,"passphrase":...,...} */
nlohmann::ordered_json status_json(const StoreStatus& status);

/** {"version":1,"status":"ok","profile":"modern"|"legacy","exported":[fingerprints]} (the CLI adds "file"). */
nlohmann::ordered_json export_json(const std::vector<Identity>& exported, Pkcs12Profile profile);

/** {"version":1,"status":"ok","format":"pem"|"der","fingerprint":...} (the CLI adds "file"). */
nlohmann::ordered_json export_cert_json(const Identity& identity, bool der);

/** {"version":1,"status":"ok","deleted":fingerprint} */
nlohmann::ordered_json delete_json(const std::string& fingerprint);

/** {"version":1,"status":"ok","added":[anchor]} */
nlohmann::ordered_json anchors_added_json(const std::vector<AnchorEntry>& added, std::int64_t now);

/** {"version":1,"status":"ok","distrusted":[entry]} */
nlohmann::ordered_json distrusted_json(const std::vector<DistrustEntry>& entries);

/** {"version":1,"status":"ok","removed":fingerprint} */
nlohmann::ordered_json trust_removed_json(const std::string& fingerprint);

/** {"version":1,"status":"ok","passphrase":"set"|"changed"|"removed"} */
nlohmann::ordered_json passwd_json(const char* what);

/** Mozilla's roots as NSS's builtins module has them: {"version":1,"module",...,"roots":[...]} */
nlohmann::ordered_json builtin_roots_json(const x509::BuiltinRoots& roots);

/**
 * Identities whose certificate is valid now and expires within `days`, unless
 * a later-expiring identity of the same address already covers every use it
 * has (the user has renewed). Soonest first.
 */
std::vector<Identity> expiring_identities(const std::vector<Identity>& all, std::int64_t now, int days);

}  // namespace inkan::store
