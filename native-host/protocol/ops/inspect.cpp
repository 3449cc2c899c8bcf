// inspect: the structure of a message, the same JSON as `inkan inspect --json`.
#include "ops/ops.h"
#include "ops/support.h"
#include "smime/inspect.h"

namespace inkan::protocol::ops {

Reply inspect(OpContext& ctx) {
  const auto input = open_input(ctx, required(ctx.request.params, "input"), "input");
  Reply reply;
  EngineTimer timer(ctx);
  reply.result = smime::inspect(*input);
  return reply;
}

}  // namespace inkan::protocol::ops
