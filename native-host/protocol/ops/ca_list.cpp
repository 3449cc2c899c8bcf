// ca.list: the store's company CAs and what each issued (status, memo, expiry).
#include "ops/enrol_support.h"
#include "ops/ops.h"
#include "private_ca.h"
#include "store/store_json.h"

namespace inkan::protocol::ops {

Reply ca_list(OpContext& ctx) {
  const store::Store s = enrol_store(ctx);
  std::vector<store::Problem> problems;
  std::vector<enrol::CompanyCa> cas;
  if (const auto selector = string_param(ctx.request.params, "ca")) {
    cas.push_back(enrol::find_ca(s, *selector));
  } else {
    cas = enrol::list_cas(s, &problems);
  }
  Json list = Json::array();
  for (const auto& ca : cas) {
    Json j = enrol::ca_json(ca);
    Json issued = Json::array();
    for (const auto& i : enrol::issued_certificates(s, ca, &problems)) issued.push_back(enrol::issued_json(i, ctx.now));
    j["issued"] = issued;
    list.push_back(std::move(j));
  }
  Json probs = Json::array();
  for (const auto& p : problems) probs.push_back(store::problem_json(p));
  Reply reply;
  reply.result = {{"cas", list}, {"problems", probs}};
  return reply;
}

}  // namespace inkan::protocol::ops
