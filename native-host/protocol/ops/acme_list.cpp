// acme.list: the enrolments waiting in the store (a suspended add-on finds its
// work again here), each with its status.
#include "enrolment_store.h"
#include "ops/enrol_support.h"
#include "ops/ops.h"
#include "store/store_json.h"

namespace inkan::protocol::ops {

Reply acme_list(OpContext& ctx) {
  const store::Store s = enrol_store(ctx);
  std::vector<store::Problem> problems;
  Json list = Json::array();
  for (const auto& e : enrol::list_enrolments(s, &problems)) list.push_back(enrolment_json(e, nullptr));
  Json probs = Json::array();
  for (const auto& p : problems) probs.push_back(store::problem_json(p));
  Reply reply;
  reply.result = {{"enrolments", list}, {"problems", probs}};
  return reply;
}

}  // namespace inkan::protocol::ops
