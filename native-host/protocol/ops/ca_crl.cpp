// ca.crl: a new CRL (RFC 5280 §5, v2, with the next CRL number) of everything
// the company CA revoked, for the administrator to publish.
#include "mime/date.h"
#include "ops/enrol_support.h"
#include "ops/ops.h"
#include "private_ca.h"

namespace inkan::protocol::ops {

Reply ca_crl(OpContext& ctx) {
  const Json& params = ctx.request.params;
  store::Store s = enrol_store(ctx);
  const auto ca = enrol::find_ca(s, string_param(params, "ca").value_or(""));
  enrol::CrlResult crl;
  {
    EngineTimer timer(ctx);
    crl = enrol::ca_crl(s, ca, int_in(params, "days", 30, 1, 366), ctx.now);
  }
  Reply reply;
  reply.result = {{"crl", to_base64(crl.der)},
                  {"crl_number", crl.number},
                  {"revoked", crl.revoked},
                  {"this_update", mime::format_iso8601(crl.this_update)},
                  {"next_update", mime::format_iso8601(crl.next_update)}};
  return reply;
}

}  // namespace inkan::protocol::ops
