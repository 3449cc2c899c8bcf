// identity.delete: removes an identity for good (its key is gone: mail
// encrypted to it becomes unreadable), only with confirm: true, as
// `inkan id delete FP --yes`. An unknown fingerprint is NOT_FOUND before the
// confirmation is asked for.
#include "ops/ops.h"
#include "ops/store_access.h"
#include "store/store_json.h"

namespace inkan::protocol::ops {

Reply identity_delete(OpContext& ctx) {
  const Json& params = ctx.request.params;
  const std::string fp = required_identity(params, "fingerprint");
  if (store::is_address(fp)) throw Error(Errc::bad_request, "fingerprint: delete takes a fingerprint, not an address");
  store::Store s = ctx.session.open_store(ctx.now);
  const store::Identity id = s.find_identity(fp);
  if (!bool_param(params, "confirm", false)) throw Error(Errc::confirmation_required, id.fingerprint);
  s.remove_identity(id.fingerprint);
  Reply reply;
  reply.result = store::delete_json(id.fingerprint);
  return reply;
}

}  // namespace inkan::protocol::ops
