// acme.resume: advances an enrolment as far as it goes now: answers challenges
// whose reply was sent (after the answer delay), polls authorizations and the
// order, finalizes with the CSR, downloads the chain. With wait_seconds it
// may sleep between polls, but never more than 25 s per request: an MV3
// background page is suspended, so long waits belong to the add-on (it calls
// again after retry_after_seconds). When the certificate arrives, the key and
// chain become an identity (source "acme"), linted, and the state goes.
#include "enrolment_store.h"
#include "ops/enrol_support.h"
#include "ops/ops.h"
#include "store/store_json.h"

#include <chrono>
#include <thread>

namespace inkan::protocol::ops {
namespace {

constexpr std::int64_t kMaxWaitSeconds = 25;

}  // namespace

Reply acme_resume(OpContext& ctx) {
  const Json& params = ctx.request.params;
  const std::string id = required_string(params, "enrolment");
  const std::int64_t budget = int_param(params, "wait_seconds").value_or(0);
  if (budget < 0 || budget > kMaxWaitSeconds) throw Error(Errc::bad_request, "wait_seconds: 0 to 25");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(budget);

  store::Store s = enrol_store(ctx);
  enrol::EnrolmentLock lock(s, id);
  auto e = enrol::load_enrolment(s, id);
  enrol::StepContext sc;
  sc.passphrase = enrol::enrolment_passphrase(s);
  sc.acme.http.ca_file = e.ca_file;
  enrol::StepResult step;
  for (;;) {
    sc.now = static_cast<std::int64_t>(std::time(nullptr));
    try {
      EngineTimer timer(ctx);
      step = enrol::step(e.state, sc);
    } catch (const Error&) {
      // The error is recorded in the state (and a failed order stays failed): keep it for acme.list.
      enrol::save_enrolment(s, e, sc.now);
      throw;
    }
    enrol::save_enrolment(s, e, sc.now);
    if (step.done || step.wait.count() == 0) break;
    if (std::chrono::steady_clock::now() + step.wait > deadline) break;
    std::this_thread::sleep_for(step.wait);
  }
  Reply reply;
  reply.result = enrolment_json(e, &step);
  if (!step.done) return reply;
  const auto report = enrol::finish_enrolment(s, e, sc.now);
  const auto lints = lint_imported(report, sc.now);
  reply.result["imported"] = import_result_json(report, sc.now);
  reply.result["lint"] = lint_list_json(report, lints, sc.now);
  reply.result["chain"] = e.state.certificate_pem;
  return reply;
}

}  // namespace inkan::protocol::ops
