// recipients.lookup: for each address, the certificate the host would encrypt
// to (the user's identity, else the contact's) or why there is none: the JSON
// of `inkan contact lookup --json` (docs/store.md "Recipients"). The add-on
// asks while the user writes, to show who can receive encrypted mail.
#include "ops/contact_support.h"
#include "ops/ops.h"
#include "store/contact_json.h"
#include "store/contacts.h"

namespace inkan::protocol::ops {

Reply recipients_lookup(OpContext& ctx) {
  const auto addresses = address_list(ctx.request.params, "addresses");
  const std::int64_t at = time_param(ctx);
  store::Store s = ctx.session.open_store(ctx.now);
  Reply reply;
  reply.result = store::recipients_json(store::ContactBook(s).lookup(addresses, at), at);
  return reply;
}

}  // namespace inkan::protocol::ops
