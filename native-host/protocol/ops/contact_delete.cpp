// contact.delete: forgets a contact with its certificates and history, only
// with confirm: true, as `inkan contact delete ADDRESS --yes` (and like
// identity.delete). An unknown address is NOT_FOUND before the confirmation is
// asked for; a damaged contact file can still be deleted.
#include "ops/ops.h"
#include "ops/support.h"
#include "store/contacts.h"
#include "store/store_json.h"

#include <optional>

namespace inkan::protocol::ops {

Reply contact_delete(OpContext& ctx) {
  const Json& params = ctx.request.params;
  const std::string address = required_string(params, "address");
  store::Store s = ctx.session.open_store(ctx.now);
  store::ContactBook book(s);
  std::optional<store::Contact> c;
  try {
    c = book.find(address);
    if (!c) throw Error(Errc::not_found, "no contact " + address);
  } catch (const Error& e) {
    if (e.code() != Errc::store_corrupt && e.code() != Errc::store_version_unsupported) throw;
  }
  if (!bool_param(params, "confirm", false)) throw Error(Errc::confirmation_required, c ? c->address : address);
  book.remove(address);
  Reply reply;
  reply.result = store::delete_json(c ? c->address : address);
  return reply;
}

}  // namespace inkan::protocol::ops
