// csr.cancel: forgets a key that waits for a certificate (the request was abandoned).
#include "ops/enrol_support.h"
#include "ops/ops.h"

namespace inkan::protocol::ops {

Reply csr_cancel(OpContext& ctx) {
  const std::string id = required_string(ctx.request.params, "pending");
  store::Store s = enrol_store(ctx);
  const auto p = s.find_pending_key(id);
  s.remove_pending_key(p.id);
  Reply reply;
  reply.result = {{"cancelled", p.id}};
  return reply;
}

}  // namespace inkan::protocol::ops
