// identity.list: the user's identities, the JSON of `inkan id list --json`.
#include "ops/ops.h"
#include "ops/store_access.h"
#include "store/store_json.h"

#include <algorithm>

namespace inkan::protocol::ops {

Reply identity_list(OpContext& ctx) {
  const auto address = string_param(ctx.request.params, "address");
  store::IdentityList list = ctx.session.open_store(ctx.now).identities();
  if (address) std::erase_if(list.identities, [&](const store::Identity& id) { return !id.has_address(*address); });
  Reply reply;
  reply.result = store::identities_json(list, ctx.now);
  return reply;
}

}  // namespace inkan::protocol::ops
