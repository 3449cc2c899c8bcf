// acme.reply: the add-on found a mail that may be the CA's challenge
// (RFC 8823 §3.1). The host checks it against the waiting authorization
// (From, To, Subject token, Auto-Submitted, DKIM/S/MIME as the server's
// strictness requires), computes the digest (§3 step 6) and composes the reply
// (§3.2). The add-on sends it from the user's own account, then calls
// acme.sent. A mail that fails the checks is never answered (CHALLENGE_MAIL_INVALID).
#include "enrolment_store.h"
#include "mime/codec.h"
#include "ops/enrol_support.h"
#include "ops/ops.h"

#include <openssl/rand.h>

namespace inkan::protocol::ops {

Reply acme_reply(OpContext& ctx) {
  const Json& params = ctx.request.params;
  const std::string id = required_string(params, "enrolment");
  const std::string mail = read_small_input(ctx, required(params, "mail"), "mail");
  enrol::ChallengeMailPolicy hooks;
  if (const Json* ids = member(params, "trusted_authserv_ids")) {
    if (!ids->is_array()) throw Error(Errc::bad_request, "trusted_authserv_ids: an array of strings");
    for (const auto& v : *ids) {
      if (!v.is_string()) throw Error(Errc::bad_request, "trusted_authserv_ids: an array of strings");
      hooks.trusted_authserv_ids.push_back(v.get<std::string>());
    }
  }
  store::Store s = enrol_store(ctx);
  enrol::EnrolmentLock lock(s, id);
  auto e = enrol::load_enrolment(s, id);
  enrol::PreparedReply prepared;
  {
    EngineTimer timer(ctx);
    prepared = enrol::prepare_reply(e.state, mail, ctx.now, hooks);
  }
  unsigned char random[12];
  if (RAND_bytes(random, sizeof random) != 1) throw Error(Errc::internal, "random");
  const std::string own = prepared.mail.from;
  const std::string message_id = "<inkan." + mime::hex_encode(std::string_view(reinterpret_cast<const char*>(random), sizeof random)) +
                                 own.substr(own.find('@')) + ">";
  const std::string bytes = prepared.mail.to_rfc5322(ctx.now, message_id);
  enrol::save_enrolment(s, e, ctx.now);

  Reply reply;
  OutputTarget output(ctx, member(params, "output"));
  output.sink().write(bytes);
  output.finish(reply);
  Json checks = Json::array();
  for (const auto& c : prepared.challenge.checks) {
    checks.push_back({{"rule", c.rule}, {"passed", c.passed}, {"required", c.required}, {"detail", c.detail}});
  }
  const auto& a = e.state.authorizations[prepared.authorization];
  reply.result["enrolment"] = e.id;
  reply.result["authorization"] = prepared.authorization;
  reply.result["address"] = a.identifier.value;
  reply.result["authenticated_by"] = prepared.challenge.authenticated_by;
  reply.result["checks"] = checks;
  std::string references = prepared.mail.in_reply_to;
  reply.result["reply"] = {{"from", prepared.mail.from},
                           {"to", prepared.mail.to},
                           {"subject", prepared.mail.subject},
                           {"in_reply_to", prepared.mail.in_reply_to},
                           {"references", references},
                           {"message_id", message_id},
                           {"body", prepared.mail.body}};
  return reply;
}

}  // namespace inkan::protocol::ops
