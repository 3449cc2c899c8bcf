// ca.init: creates a company CA in the store (enrol/private_ca.h): a key made
// here and sealed under the store key, a self-signed certificate with
// CA:TRUE, pathlen 0, keyCertSign + cRLSign and no extendedKeyUsage.
#include "ops/enrol_support.h"
#include "ops/ops.h"
#include "private_ca.h"

namespace inkan::protocol::ops {

Reply ca_init(OpContext& ctx) {
  const Json& params = ctx.request.params;
  enrol::CaInitRequest request;
  request.name = required_string(params, "name");
  request.key_type = key_type_param(params);
  request.days = int_in(params, "days", 3650, 1, enrol::kMaxCaCertificateDays);
  request.crl_url = string_param(params, "crl_url").value_or("");
  store::Store s = enrol_store(ctx);
  enrol::CompanyCa ca;
  {
    EngineTimer timer(ctx);
    ca = enrol::ca_init(s, request, ctx.now);
  }
  Reply reply;
  reply.result["ca"] = enrol::ca_json(ca);
  reply.result["certificate"] = to_base64(certificate_der(ca.cert.get()));
  return reply;
}

}  // namespace inkan::protocol::ops
