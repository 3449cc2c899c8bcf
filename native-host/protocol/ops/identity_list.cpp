// identity.list: the user's identities, the JSON of `inkan id list --json`.
#include "ops/ops.h"
#include "ops/store_access.h"
#include "mime/address.h"
#include "store/store_json.h"

#include <algorithm>

namespace inkan::protocol::ops {

Reply identity_list(OpContext& ctx) {
  const auto address = string_param(ctx.request.params, "address");
  const store::Store s = ctx.session.open_store(ctx.now);
  store::IdentityList list = s.identities();
  if (address) std::erase_if(list.identities, [&](const store::Identity& id) { return !id.has_address(*address); });
  // Keys waiting for their certificate (csr.create): the wizard shows them as "waiting for your CA".
  store::PendingList pending = s.pending_keys();
  if (address) {
    const std::string wanted = mime::normalize_address(*address);
    std::erase_if(pending.pending, [&](const store::PendingKey& p) {
      return std::find(p.addresses.begin(), p.addresses.end(), wanted) == p.addresses.end();
    });
  }
  Reply reply;
  reply.result = store::identities_json(list, ctx.now, &pending);
  return reply;
}

}  // namespace inkan::protocol::ops
