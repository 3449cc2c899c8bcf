// identity.expiring: identities that expire within `days` and have not been
// renewed, soonest first: the JSON of `inkan id expiring --json`.
#include "ops/ops.h"
#include "ops/store_access.h"
#include "store/store_json.h"

namespace inkan::protocol::ops {

Reply identity_expiring(OpContext& ctx) {
  const std::int64_t days = int_param(ctx.request.params, "days").value_or(30);
  if (days < 0 || days > 36500) throw Error(Errc::bad_request, "days: 0 to 36500");
  const auto list = ctx.session.open_store(ctx.now).identities();
  Reply reply;
  reply.result = store::expiring_json(store::expiring_identities(list.identities, ctx.now, static_cast<int>(days)),
                                      ctx.now, static_cast<int>(days));
  return reply;
}

}  // namespace inkan::protocol::ops
