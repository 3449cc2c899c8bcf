// trust.remove: removes the user's anchor or distrust entry for a
// fingerprint, as `inkan trust remove`.
#include "ops/ops.h"
#include "ops/store_access.h"
#include "store/store_json.h"
#include "store/trust_settings.h"

namespace inkan::protocol::ops {

Reply trust_remove(OpContext& ctx) {
  const std::string fp = required_string(ctx.request.params, "fingerprint");
  ctx.session.open_store(ctx.now).remove_trust(fp);
  ctx.session.trust_changed();
  Reply reply;
  reply.result = store::trust_removed_json(store::normalize_fingerprint(fp));
  return reply;
}

}  // namespace inkan::protocol::ops
