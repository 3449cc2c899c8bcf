// trust.builtin: Mozilla's roots as the NSS builtins module on this system has
// them (the e-mail trust bit, distrust-after dates): `inkan trust builtin --json`.
#include "ops/ops.h"
#include "ops/support.h"
#include "store/store_json.h"
#include "x509/nss_builtins.h"

namespace inkan::protocol::ops {

Reply trust_builtin(OpContext& ctx) {
  Reply reply;
  EngineTimer timer(ctx);
  reply.result = store::builtin_roots_json(x509::builtin_roots());
  return reply;
}

}  // namespace inkan::protocol::ops
