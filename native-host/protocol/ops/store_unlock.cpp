// store.unlock: unwraps the store key with the passphrase (scrypt, then
// AES-256-GCM: docs/store.md) and holds only that key, in memory, for
// remember_seconds. Ops that need a private key then work without asking; the
// key is wiped on store.lock, when the time is up (even while idle) and at exit.
#include "mime/date.h"
#include "ops/ops.h"
#include "ops/store_access.h"

#include <algorithm>

namespace inkan::protocol::ops {
namespace {

constexpr std::int64_t kDefaultUnlockSeconds = 900;

}  // namespace

Reply store_unlock(OpContext& ctx) {
  const Json& params = ctx.request.params;
  const std::int64_t seconds = int_param(params, "remember_seconds").value_or(kDefaultUnlockSeconds);
  if (seconds < 1) throw Error(Errc::bad_request, "remember_seconds: at least 1");
  const Secret passphrase(params, "passphrase");
  store::Store s = ctx.session.open_store(ctx.now);
  const auto header = s.header();
  Reply reply;
  reply.result = {{"version", 1}, {"status", "ok"}};
  if (!header || !header->has_passphrase) {
    // Nothing to unlock: the store key is not wrapped (or there is no store yet).
    reply.result["protected"] = false;
    reply.result["unlocked"] = true;
    reply.result["unlocked_until"] = nullptr;
    return reply;
  }
  if (!passphrase.value()) throw Error(Errc::bad_request, "passphrase: missing");
  store::StoreKey key = [&] {
    EngineTimer timer(ctx);  // scrypt: about 0.1 s
    return store::unlock_store_key(*header, passphrase.value());
  }();
  const std::int64_t until = ctx.now + std::min(seconds, ctx.session.config().max_remember_seconds);
  ctx.session.hold_store_key(std::move(key), until);
  reply.result["protected"] = true;
  reply.result["unlocked"] = true;
  reply.result["unlocked_until"] = mime::format_iso8601(until);
  return reply;
}

}  // namespace inkan::protocol::ops
