// acme.servers: the ACME servers Inkan knows, with the RFC 8823 settings each
// needs (known_servers.h), for the wizard's list. The add-on may offer any
// other directory URL; acme.start then uses the defaults plus its overrides.
#include "known_servers.h"
#include "ops/ops.h"
#include "ops/support.h"

namespace inkan::protocol::ops {

Reply acme_servers(OpContext& ctx) {
  (void)ctx;
  Json list = Json::array();
  for (const auto& s : enrol::known_servers()) list.push_back(Json(enrol::to_json(s)));
  Reply reply;
  reply.result["servers"] = list;
  enrol::ServerProfile defaults;
  Json d = Json(enrol::to_json(defaults));
  d.erase("name");
  d.erase("directory_url");
  d.erase("note");
  reply.result["defaults"] = d;
  return reply;
}

}  // namespace inkan::protocol::ops
