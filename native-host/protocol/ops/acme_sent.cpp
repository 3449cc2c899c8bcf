// acme.sent: the add-on sent the reply mail acme.reply composed. The host
// records it; acme.resume answers the challenge ("{}", RFC 8555 §7.5.1) once
// the server's answer delay has passed (a CA that looks before the mail has
// arrived marks the challenge invalid).
#include "enrolment_store.h"
#include "ops/enrol_support.h"
#include "ops/ops.h"

namespace inkan::protocol::ops {

Reply acme_sent(OpContext& ctx) {
  const Json& params = ctx.request.params;
  const std::string id = required_string(params, "enrolment");
  store::Store s = enrol_store(ctx);
  enrol::EnrolmentLock lock(s, id);
  auto e = enrol::load_enrolment(s, id);
  if (const auto index = int_param(params, "authorization")) {
    if (*index < 0 || static_cast<std::size_t>(*index) >= e.state.authorizations.size()) {
      throw Error(Errc::bad_request, "authorization: no such authorization");
    }
    enrol::mark_reply_sent(e.state, static_cast<std::size_t>(*index), ctx.now);
  } else {
    // Every reply prepared and not yet marked: the add-on sent what acme.reply gave it.
    bool any = false;
    for (std::size_t i = 0; i < e.state.authorizations.size(); ++i) {
      const auto& a = e.state.authorizations[i];
      if (a.reply_prepared_at == 0 || a.reply_sent_at != 0) continue;
      enrol::mark_reply_sent(e.state, i, ctx.now);
      any = true;
    }
    if (!any) throw Error(Errc::bad_request, "no reply was prepared (acme.reply first)");
  }
  enrol::save_enrolment(s, e, ctx.now);
  Reply reply;
  reply.result = enrolment_json(e, nullptr);
  return reply;
}

}  // namespace inkan::protocol::ops
