// verify: the verdict of docs/verdict.md for a message (or a bare CMS
// signature), the same JSON as `inkan verify --json`. Without `trust` the
// store's anchors judge it; an encrypted message is decrypted with `key`, or
// with the store's keys, which are unsealed only when the message turns out
// to be encrypted (so a locked store costs nothing for signed mail). With
// `harvest`, the certificates the message carries are recorded in the contacts
// afterwards, as `inkan verify --harvest` does (store/contact_use.h); a failure
// there never changes the verdict.
#include "mime/date.h"
#include "ops/contact_support.h"
#include "ops/ops.h"
#include "ops/store_access.h"
#include "ops/support.h"
#include "ops/verdict_options.h"
#include "smime/analyse.h"
#include "verdict_json.h"

namespace inkan::protocol::ops {

Reply verify(OpContext& ctx) {
  const Json& params = ctx.request.params;
  Reply reply;
  const bool harvest = harvest_param(params);
  VerdictOptions judged(ctx);
  const KeyChoice choice = key_choice(params);
  const Json* key = choice.key;
  const std::optional<std::string>& identity = choice.identity;
  std::shared_ptr<const keys::Credentials> creds;
  std::shared_ptr<std::vector<keys::Credentials>> stored;
  if (key != nullptr) {
    creds = load_key(ctx, *key, reply.result);
    judged.options.keys.push_back(creds.get());
  } else {
    judged.options.key_source = [&ctx, &stored, &identity]() {
      std::vector<const keys::Credentials*> keys;
      store::Store store = store_for_keys(ctx);  // STORE_LOCKED: the add-on unlocks and asks again
      try {
        stored = store_decryption_keys(store, identity);
      } catch (const Error& e) {
        // No key in the store: the message stays unreadable (NO_MATCHING_RECIPIENT), as without a store.
        if (e.code() != Errc::no_identity || identity) throw;
        return keys;
      }
      for (const auto& k : *stored) keys.push_back(&k);
      return keys;
    };
  }
  std::unique_ptr<io::Source> content;
  if (const Json* c = member(params, "content")) {
    content = open_input(ctx, *c, "content");
    judged.options.detached_content = content.get();
  }
  const auto input = open_input(ctx, required(params, "input"), "input");
  Json remembered = reply.result;
  {
    EngineTimer timer(ctx);
    const smime::Analysis analysis = smime::analyse(*input, judged.options);
    reply.result = to_json(analysis.verdict);
    if (harvest) {
      reply.result["contact"] = harvest_contact(ctx, analysis.verdict, *input);
    }
  }
  if (remembered.contains("key")) reply.result["key"] = remembered["key"];
  return reply;
}

}  // namespace inkan::protocol::ops
