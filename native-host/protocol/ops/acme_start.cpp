// acme.start: starts an ACME enrolment (RFC 8555; RFC 8823 for e-mail
// addresses) whose state lives in the store, and takes its first step: the
// account, the order, and the authorizations (fetching an email-reply-00
// authorization is what makes the CA send its challenge mail). The add-on
// then waits for that mail and calls acme.reply.
#include "base64url.h"
#include "enrolment_store.h"
#include "known_servers.h"
#include "ops/enrol_support.h"
#include "ops/ops.h"

#include <optional>

namespace inkan::protocol::ops {
namespace {

void apply_overrides(enrol::ServerProfile& server, const Json* overrides) {
  if (overrides == nullptr) return;
  if (!overrides->is_object()) throw Error(Errc::bad_request, "server: an object");
  if (const auto c = string_param(*overrides, "concatenation")) {
    const auto mode = enrol::rfc8823::concatenation_from_string(*c);
    if (!mode) throw Error(Errc::bad_request, "server.concatenation: string or bytes");
    server.concatenation = *mode;
  }
  server.lenient_challenge_checks = bool_param(*overrides, "lenient_challenge_checks", server.lenient_challenge_checks);
  if (const auto d = int_param(*overrides, "answer_delay_seconds")) {
    if (*d < 0 || *d > 3600) throw Error(Errc::bad_request, "server.answer_delay_seconds: 0 to 3600");
    server.answer_delay = std::chrono::seconds(*d);
  }
}

std::optional<enrol::ExternalAccountKey> eab_param(const Json& params) {
  const Json* eab = member(params, "eab");
  if (eab == nullptr) return std::nullopt;
  const auto kid = required_string(*eab, "kid");
  const auto key = enrol::base64url_decode(required_string(*eab, "hmac_key"), true);
  if (!key || key->empty()) throw Error(Errc::bad_request, "eab.hmac_key: base64url");
  return enrol::ExternalAccountKey{kid, *key};
}

}  // namespace

Reply acme_start(OpContext& ctx) {
  const Json& params = ctx.request.params;
  const std::string directory = required_string(params, "directory");
  if (directory.rfind("https://", 0) != 0) throw Error(Errc::bad_request, "directory: an https:// URL");
  enrol::EnrolmentRequest request;
  request.server = enrol::profile_for(directory);
  apply_overrides(request.server, member(params, "server"));
  for (const auto& a : addresses_param(params)) request.identifiers.push_back({"email", a});
  request.contact.push_back("mailto:" + request.identifiers.front().value);
  request.terms_agreed = bool_param(params, "terms_agreed", false);
  request.certificate_key_type = key_type_param(params);
  request.usage = usage_param(params);
  std::string ca_file;
  if (const auto f = string_param(params, "ca_file")) {
    // Only tests point the host at a private ACME server's TLS root.
    if (!ctx.session.config().allow_paths) throw Error(Errc::bad_request, "ca_file: paths are disabled in this host");
    if (f->empty() || f->front() != '/') throw Error(Errc::bad_request, "ca_file: an absolute path");
    ca_file = *f;
  }
  const auto eab = eab_param(params);

  store::Store s = enrol_store(ctx);
  auto e = enrol::create_enrolment(s, request, ca_file, ctx.now);
  enrol::StepResult step;
  try {
    enrol::EnrolmentLock lock(s, e.id);
    enrol::StepContext sc;
    sc.passphrase = enrol::enrolment_passphrase(s);
    sc.acme.http.ca_file = e.ca_file;
    sc.external_account = eab;
    sc.now = ctx.now;
    EngineTimer timer(ctx);
    step = enrol::step(e.state, sc);
  } catch (const Error&) {
    // Nothing reached the point where it could be resumed: no order, or none we can use.
    try {
      enrol::remove_enrolment(s, e.id, ctx.now);
    } catch (const Error&) {
    }
    throw;
  }
  enrol::save_enrolment(s, e, ctx.now);
  Reply reply;
  reply.result = enrolment_json(e, &step);
  return reply;
}

}  // namespace inkan::protocol::ops
