// contact.list: every contact, the JSON of `inkan contact list --json`;
// damaged contact files are listed as problems, the others still shown.
#include "ops/ops.h"
#include "store/contact_json.h"
#include "store/contacts.h"

namespace inkan::protocol::ops {

Reply contact_list(OpContext& ctx) {
  store::Store s = ctx.session.open_store(ctx.now);
  Reply reply;
  reply.result = store::contacts_json(store::ContactBook(s).list(), ctx.now);
  return reply;
}

}  // namespace inkan::protocol::ops
