// ca.revoke: marks a certificate the company CA issued as revoked; the next
// ca.crl lists it.
#include "ops/enrol_support.h"
#include "ops/ops.h"
#include "private_ca.h"

namespace inkan::protocol::ops {

Reply ca_revoke(OpContext& ctx) {
  const Json& params = ctx.request.params;
  store::Store s = enrol_store(ctx);
  const auto ca = enrol::find_ca(s, string_param(params, "ca").value_or(""));
  const auto revoked = enrol::ca_revoke(s, ca, required_string(params, "serial"),
                                        string_param(params, "reason").value_or("unspecified"), ctx.now);
  Reply reply;
  reply.result["revoked"] = enrol::issued_json(revoked, ctx.now);
  return reply;
}

}  // namespace inkan::protocol::ops
