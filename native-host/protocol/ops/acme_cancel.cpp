// acme.cancel: forgets an enrolment and its keys (the user gave up, or it failed).
// The CA's order simply expires.
#include "enrolment_store.h"
#include "ops/enrol_support.h"
#include "ops/ops.h"

namespace inkan::protocol::ops {

Reply acme_cancel(OpContext& ctx) {
  const std::string id = required_string(ctx.request.params, "enrolment");
  store::Store s = enrol_store(ctx);
  {
    enrol::EnrolmentLock lock(s, id);  // not while another host is stepping it
  }
  enrol::remove_enrolment(s, id, ctx.now);
  Reply reply;
  reply.result = {{"cancelled", id}};
  return reply;
}

}  // namespace inkan::protocol::ops
