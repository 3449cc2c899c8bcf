#include "ops/verdict_options.h"

#include "mime/date.h"

namespace inkan::protocol::ops {

VerdictOptions::VerdictOptions(OpContext& ctx) {
  const Json& params = ctx.request.params;
  if (member(params, "trust") != nullptr) {
    // Exactly the anchors the request names (tests, power users).
    given = load_trust(ctx);
    options.trust = &given;
  } else {
    crls = load_crls(ctx);
    kept = ctx.session.store_trust();
    options.trust = kept.get();
    for (const auto& c : crls) options.crls.push_back(c.get());
  }
  extra = load_certs(ctx, member(params, "certs"), "certs");
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
