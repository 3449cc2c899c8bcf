// contact.get: one contact with every certificate, its history and PEM, the
// JSON of `inkan contact show --json`. NOT_FOUND for an unknown address.
#include "ops/ops.h"
#include "ops/support.h"
#include "store/contact_json.h"
#include "store/contacts.h"

namespace inkan::protocol::ops {

Reply contact_get(OpContext& ctx) {
  const std::string address = required_string(ctx.request.params, "address");
  store::Store s = ctx.session.open_store(ctx.now);
  Reply reply;
  reply.result = store::contact_json(store::ContactBook(s).get(address), ctx.now);
  return reply;
}

}  // namespace inkan::protocol::ops
