#include "ops/verdict_options.h"

#include "mime/date.h"

namespace inkan::protocol::ops {

VerdictOptions::VerdictOptions(OpContext& ctx) : trust(load_trust(ctx)) {
  const Json& params = ctx.request.params;
  extra = load_certs(ctx, member(params, "certs"), "certs");
  options.trust = &trust;
  for (const auto& c : extra) options.extra_certs.push_back(c.get());
  options.at = ctx.now;
  if (const auto at = string_param(params, "at")) {
    const auto t = mime::parse_iso8601(*at);
    if (!t) throw Error(Errc::bad_request, "at: not an ISO 8601 time");
    options.at = *t;
  }
  options.allow_sha1 = bool_param(params, "allow_sha1", false);
}

}  // namespace inkan::protocol::ops
