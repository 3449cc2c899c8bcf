// actalis.code: the verification code in Actalis's first mail, for the add-on
// to show with a copy button (the user types it into Actalis's form).
// NOT_FOUND when the mail holds none.
#include "actalis.h"
#include "ops/enrol_support.h"
#include "ops/ops.h"

namespace inkan::protocol::ops {

Reply actalis_code(OpContext& ctx) {
  const std::string mail = read_small_input(ctx, required(ctx.request.params, "mail"), "mail");
  const auto code = enrol::actalis_verification_code(mail);
  if (!code) throw Error(Errc::not_found, "no verification code in this mail");
  Reply reply;
  reply.result = {{"code", code->code}, {"from", code->from}, {"from_actalis", code->from_actalis}};
  return reply;
}

}  // namespace inkan::protocol::ops
