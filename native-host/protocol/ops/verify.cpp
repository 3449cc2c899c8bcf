// verify: the verdict of docs/verdict.md for a message (or a bare CMS
// signature), the same JSON as `inkan verify --json`.
#include "mime/date.h"
#include "ops/ops.h"
#include "ops/support.h"
#include "ops/verdict_options.h"
#include "smime/analyse.h"
#include "verdict_json.h"

namespace inkan::protocol::ops {

Reply verify(OpContext& ctx) {
  const Json& params = ctx.request.params;
  Reply reply;
  VerdictOptions judged(ctx);
  std::shared_ptr<const keys::Credentials> creds;
  if (const Json* key = member(params, "key")) {
    creds = load_key(ctx, *key, reply.result);
    judged.options.keys.push_back(creds.get());
  }
  std::unique_ptr<io::Source> content;
  if (const Json* c = member(params, "content")) {
    content = open_input(ctx, *c, "content");
    judged.options.detached_content = content.get();
  }
  const auto input = open_input(ctx, required(params, "input"), "input");
  Json remembered = reply.result;
  {
    EngineTimer timer(ctx);
    const smime::Analysis analysis = smime::analyse(*input, judged.options);
    reply.result = to_json(analysis.verdict);
  }
  if (remembered.contains("key")) reply.result["key"] = remembered["key"];
  return reply;
}

}  // namespace inkan::protocol::ops
