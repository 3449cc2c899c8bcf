// contact.reject: the user rejects a contact's new key; it stays rejected when
// seen again and is never encrypted to, as `inkan contact reject ADDRESS FP --json`.
#include "ops/ops.h"
#include "ops/support.h"
#include "store/contact_use.h"

namespace inkan::protocol::ops {

Reply contact_reject(OpContext& ctx) {
  const Json& params = ctx.request.params;
  const std::string address = required_string(params, "address");
  const std::string fp = required_string(params, "fingerprint");
  store::Store s = ctx.session.open_store(ctx.now);
  const store::Contact c = store::ContactBook(s).reject(address, fp, ctx.now);
  Reply reply;
  reply.result = store::decision_json(c, fp, false, ctx.now);
  return reply;
}

}  // namespace inkan::protocol::ops
