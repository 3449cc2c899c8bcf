// store.status: the store as `inkan store status --json` describes it, plus
// whether this host holds it unlocked.
#include "mime/date.h"
#include "ops/ops.h"
#include "ops/store_access.h"
#include "store/store_json.h"

namespace inkan::protocol::ops {

Reply store_status(OpContext& ctx) {
  const store::Store s = ctx.session.open_store(ctx.now);
  Reply reply;
  reply.result = store::status_json(s.status());
  const Json state = store_state(ctx);
  reply.result["unlocked"] = state["unlocked"];
  reply.result["unlocked_until"] = state["unlocked_until"];
  return reply;
}

}  // namespace inkan::protocol::ops
