// csr.list: the keys waiting for a certificate ("waiting for your CA").
#include "ops/enrol_support.h"
#include "ops/ops.h"
#include "store/store_json.h"

namespace inkan::protocol::ops {

Reply csr_list(OpContext& ctx) {
  const store::Store s = enrol_store(ctx);
  const auto list = s.pending_keys();
  Json pending = Json::array();
  for (const auto& p : list.pending) pending.push_back(store::pending_json(p));
  Json problems = Json::array();
  for (const auto& p : list.problems) problems.push_back(store::problem_json(p));
  Reply reply;
  reply.result = {{"pending", pending}, {"problems", problems}};
  return reply;
}

}  // namespace inkan::protocol::ops
