// contact.accept: the user accepts a contact's new key (a pending key change,
// or one rejected before): it becomes current (docs/store.md, contact_policy.h),
// as `inkan contact accept ADDRESS FP --json`.
#include "ops/ops.h"
#include "ops/support.h"
#include "store/contact_use.h"

namespace inkan::protocol::ops {

Reply contact_accept(OpContext& ctx) {
  const Json& params = ctx.request.params;
  const std::string address = required_string(params, "address");
  const std::string fp = required_string(params, "fingerprint");
  store::Store s = ctx.session.open_store(ctx.now);
  const store::Contact c = store::ContactBook(s).accept(address, fp, ctx.now);
  Reply reply;
  reply.result = store::decision_json(c, fp, true, ctx.now);
  return reply;
}

}  // namespace inkan::protocol::ops
