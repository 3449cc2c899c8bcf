// trust.list: the anchors for e-mail (Mozilla's roots and the user's own CAs,
// minus what the user distrusts) and the distrust entries: the JSON of
// `inkan trust list --json`.
#include "ops/ops.h"
#include "ops/store_access.h"
#include "store/store_json.h"

namespace inkan::protocol::ops {

Reply trust_list(OpContext& ctx) {
  Reply reply;
  reply.result = store::trust_json(ctx.session.open_store(ctx.now).trust(), ctx.now);
  return reply;
}

}  // namespace inkan::protocol::ops
