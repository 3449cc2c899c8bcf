// store.passwd: sets, changes or removes the store passphrase, as
// `inkan store passwd` does: only store.json is rewritten (the store key, and
// so every sealed private key, stays the same). Changing or removing it needs
// the current passphrase even while the host holds the store unlocked.
#include "ops/ops.h"
#include "ops/store_access.h"
#include "store/store_json.h"

namespace inkan::protocol::ops {

Reply store_passwd(OpContext& ctx) {
  const Json& params = ctx.request.params;
  const Secret old_passphrase(params, "old");
  const Secret new_passphrase(params, "new");
  const bool remove = bool_param(params, "remove", false);
  if (remove == new_passphrase.value().has_value()) throw Error(Errc::bad_request, "give new, or remove: true");
  store::Store s = ctx.session.open_store(ctx.now);
  const auto header = s.header();
  const bool had = header && header->has_passphrase;
  if (had) {
    if (!old_passphrase.value()) throw Error(Errc::bad_request, "old: missing (the store has a passphrase)");
    s.set_key(std::nullopt);  // the held key does not stand in for the current passphrase
    s.set_passphrase(old_passphrase.value());
  }
  {
    EngineTimer timer(ctx);  // scrypt, once or twice
    s.change_passphrase(remove ? std::nullopt : new_passphrase.value(), ctx.now);
  }
  Reply reply;
  reply.result = store::passwd_json(remove ? "removed" : had ? "changed" : "set");
  return reply;
}

}  // namespace inkan::protocol::ops
