// store.lock: forgets (wipes) the unlocked store key at once. Keys given in
// requests and remembered with remember_seconds are separate: key.forget.
#include "ops/ops.h"
#include "ops/store_access.h"

namespace inkan::protocol::ops {

Reply store_lock(OpContext& ctx) {
  const bool forgotten = ctx.session.forget_store_key();
  const Json state = store_state(ctx);
  Reply reply;
  reply.result = {{"version", 1}, {"status", "ok"}, {"forgotten", forgotten}, {"unlocked", state["unlocked"]}};
  return reply;
}

}  // namespace inkan::protocol::ops
