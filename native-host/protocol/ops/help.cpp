// help: generated from the dispatch table, so it can never disagree with it.
#include "ops/ops.h"
#include "ops/support.h"

namespace inkan::protocol::ops {
namespace {

Json lines(std::string_view text) {
  Json out = Json::array();
  while (!text.empty()) {
    const auto nl = text.find('\n');
    out.push_back(std::string(text.substr(0, nl)));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return out;
}

}  // namespace

Reply help(OpContext& ctx) {
  Reply reply;
  if (const auto about = string_param(ctx.request.params, "about")) {
    const OpSpec* op = find_op(*about);
    if (op == nullptr) throw Error(Errc::unknown_op, *about);
    reply.result = {{"name", op->name}, {"summary", op->summary}, {"params", lines(op->params)},
                    {"result", lines(op->result)}};
    return reply;
  }
  Json ops = Json::array();
  for (const auto& op : op_table()) ops.push_back({{"name", op.name}, {"summary", op.summary}});
  reply.result = {{"ops", ops}};
  return reply;
}

}  // namespace inkan::protocol::ops
