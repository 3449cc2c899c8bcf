// libFuzzer target: everything inkan_enrol reads from outside — challenge
// mails, Subjects, DKIM tag lists, ACME JSON objects and problem documents,
// saved enrolment states, Retry-After values, base64url, Actalis's code mail
// and ZIP archives.
// Any input must be read or refused with inkan::Error; never crash, hang or
// let another exception type escape.
#include "acme_client.h"
#include "actalis.h"
#include "base64url.h"
#include "challenge_mail.h"
#include "enrolment.h"
#include "error.h"
#include "rfc8823.h"

#include <cstddef>
#include <cstdint>

namespace {

template <typename F>
void guarded(F&& f) {
  try {
    f();
  } catch (const inkan::Error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  namespace e = inkan::enrol;

  e::ChallengeMailPolicy strict;
  strict.expected_from = "acme-generator@example.org";
  strict.address = "alexey@example.com";
  strict.trusted_authserv_ids = {"mx.example.net"};
  guarded([&] { (void)e::examine_challenge_mail(input, strict); });
  guarded([&] {
    if (const auto token = e::rfc8823::token_part1_from_subject(input)) {
      (void)e::rfc8823::response_digest(*token, "DGyRejmCefe7v4NfDGDKfA", "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs",
                                        e::rfc8823::TokenConcatenation::bytes);
    }
  });
  guarded([&] { (void)e::actalis_verification_code(input); });
  guarded([&] { (void)e::pkcs12_from_zip(input); });
  (void)e::parse_dkim_signature(input);
  (void)e::parse_retry_after(input, 1700000000);
  (void)e::base64url_decode(input, true);

  const auto json = nlohmann::json::parse(input, nullptr, false);
  if (!json.is_discarded()) {
    (void)e::parse_problem(json, 400);
    if (const auto p = e::parse_problem(json)) (void)p->describe();
    guarded([&] { (void)e::parse_order(json, "https://ca.example/order/1"); });
    guarded([&] { (void)e::parse_authorization(json, "https://ca.example/authz/1"); });
    guarded([&] { (void)e::parse_challenge(json); });
    guarded([&] { (void)e::parse_directory(json); });
    guarded([&] { (void)e::enrolment_from_json(json); });
    guarded([&] { (void)e::server_profile_from_json(json); });
  }
  return 0;
}
