// trust.distrust: distrusts a certificate (given, or by SHA-256 fingerprint)
// as anchor, intermediate or signer, Mozilla's roots included, as
// `inkan trust distrust`. The next verify in this session honours it.
#include "ops/ops.h"
#include "ops/store_access.h"
#include "store/store_json.h"
#include "x509/cert.h"

namespace inkan::protocol::ops {

Reply trust_distrust(OpContext& ctx) {
  const Json& params = ctx.request.params;
  const Json* input = member(params, "input");
  const auto fingerprint = string_param(params, "fingerprint");
  if ((input != nullptr) == fingerprint.has_value()) throw Error(Errc::bad_request, "give fingerprint or input");
  store::Store s = ctx.session.open_store(ctx.now);
  std::vector<store::DistrustEntry> entries;
  if (input != nullptr) {
    const auto certs = x509::parse_certificates(read_small_input(ctx, *input, "input"));
    if (certs.empty()) throw Error(Errc::cert_load_failed, "input: no certificate");
    for (const auto& c : certs) entries.push_back(s.distrust({}, c.get(), ctx.now));
  } else {
    entries.push_back(s.distrust(*fingerprint, nullptr, ctx.now));
  }
  ctx.session.trust_changed();
  Reply reply;
  reply.result = store::distrusted_json(entries);
  return reply;
}

}  // namespace inkan::protocol::ops
