// key.forget: drops keys held unlocked (all of them, or one) at once, before
// their time runs out. Exit forgets them too; nothing is ever on disk.
#include "ops/ops.h"
#include "ops/support.h"

namespace inkan::protocol::ops {

Reply key_forget(OpContext& ctx) {
  const std::string fingerprint = string_param(ctx.request.params, "fingerprint").value_or("");
  Reply reply;
  reply.result = {{"forgotten", ctx.session.forget_keys(fingerprint)}};
  return reply;
}

}  // namespace inkan::protocol::ops
