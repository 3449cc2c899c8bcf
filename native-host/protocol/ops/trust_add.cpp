// trust.add: trusts CA certificates for e-mail (all of the input's, or none),
// as `inkan trust add`. The next verify in this session uses them.
#include "ops/ops.h"
#include "ops/store_access.h"
#include "store/store_json.h"
#include "x509/cert.h"

namespace inkan::protocol::ops {

Reply trust_add(OpContext& ctx) {
  const Json& params = ctx.request.params;
  const auto certs = x509::parse_certificates(read_small_input(ctx, required(params, "input"), "input"));
  if (certs.empty()) throw Error(Errc::cert_load_failed, "input: no certificate");
  std::vector<X509*> raw;
  for (const auto& c : certs) raw.push_back(c.get());
  std::string label = string_param(params, "label").value_or("");
  if (label.empty() && certs.size() == 1) label = x509::summarize(certs.front().get()).common_name;
  const auto added = ctx.session.open_store(ctx.now).add_anchors(raw, label, ctx.now);
  ctx.session.trust_changed();
  Reply reply;
  reply.result = store::anchors_added_json(added, ctx.now);
  return reply;
}

}  // namespace inkan::protocol::ops
