#include "enrolment.h"

#include "base64url.h"
#include "error.h"
#include "jwk.h"
#include "mime/address.h"
#include "mime/headers.h"
#include "rfc8823.h"

#include <algorithm>
#include <array>

namespace inkan::enrol {
namespace {

constexpr std::string_view kEmailReply = "email-reply-00";
constexpr std::int64_t kChallengeLifetime = 24 * 3600;  // S/MIME BR §3.2.2.4: Random Value valid ≤ 24 h
constexpr std::int64_t kMinPoll = 2;
constexpr std::int64_t kMaxPoll = 60;

constexpr std::array<std::pair<Stage, std::string_view>, 6> kStages{{{Stage::created, "created"},
                                                                     {Stage::authorizing, "authorizing"},
                                                                     {Stage::finalizing, "finalizing"},
                                                                     {Stage::issuing, "issuing"},
                                                                     {Stage::done, "done"},
                                                                     {Stage::failed, "failed"}}};

std::optional<Stage> stage_from_string(std::string_view s) {
  for (const auto& [stage, name] : kStages) {
    if (name == s) return stage;
  }
  return std::nullopt;
}

// ---- JSON helpers -----------------------------------------------------------

std::string get_str(const nlohmann::json& j, const char* name) {
  const auto it = j.find(name);
  if (it == j.end() || it->is_null()) return {};
  if (!it->is_string()) throw Error(Errc::usage, std::string("enrolment state: ") + name + " is not a string");
  return it->get<std::string>();
}

std::int64_t get_int(const nlohmann::json& j, const char* name) {
  const auto it = j.find(name);
  if (it == j.end() || it->is_null()) return 0;
  if (!it->is_number_integer()) throw Error(Errc::usage, std::string("enrolment state: ") + name + " is not a number");
  return it->get<std::int64_t>();
}

nlohmann::json identifier_json(const Identifier& id) { return {{"type", id.type}, {"value", id.value}}; }

Identifier identifier_from(const nlohmann::json& j) {
  if (!j.is_object()) throw Error(Errc::usage, "enrolment state: identifier");
  return {get_str(j, "type"), get_str(j, "value")};
}

// ---- step helpers -----------------------------------------------------------

std::chrono::seconds poll_delay(Enrolment& e, const std::optional<std::chrono::seconds>& retry_after) {
  const int attempt = e.poll_attempts++;
  if (retry_after) return std::chrono::seconds(std::clamp<std::int64_t>(retry_after->count(), kMinPoll, 3600));
  std::int64_t d = kMinPoll;
  for (int i = 0; i < attempt && d < kMaxPoll; ++i) d *= 2;
  return std::chrono::seconds(std::min(d, kMaxPoll));
}

void enter(Enrolment& e, Stage stage) {
  e.stage = stage;
  e.poll_attempts = 0;
}

[[noreturn]] void fail(Enrolment& e, const Error& error) {
  e.stage = Stage::failed;
  e.error_code = std::string(code_string(error.code()));
  e.error_detail = error.detail();
  throw error;
}

[[noreturn]] void fail_with(Enrolment& e, const std::optional<Problem>& problem, const std::string& fallback) {
  fail(e, Error(Errc::acme_problem, problem ? problem->describe() : fallback));
}

AuthorizationState authorization_state(const Authorization& a, const Enrolment& e) {
  AuthorizationState s;
  s.url = a.url;
  s.identifier = a.identifier;
  s.status = a.status;
  const std::string wanted = a.identifier.type == "email" ? std::string(kEmailReply) : e.auto_challenge_type;
  if (a.status == "valid") return s;  // reused authorization: nothing to answer
  const Challenge* c = a.challenge(wanted);
  if (c == nullptr) {
    throw Error(Errc::acme_protocol, "the server offers no " + wanted + " challenge for " + a.identifier.to_string());
  }
  s.challenge_type = c->type;
  s.challenge_url = c->url;
  s.token = c->token;
  s.from = c->from;
  if (c->type == kEmailReply) {
    // RFC 8823 §3: both fields are required; token-part2 carries ≥ 128 bits (SHOULD).
    if (s.from.empty() || !is_plain_address(s.from)) throw Error(Errc::acme_protocol, "email-reply-00 challenge without a usable \"from\"");
    if (!base64url_decode(s.token)) throw Error(Errc::acme_protocol, "email-reply-00 token is not base64url");
  }
  return s;
}

}  // namespace

std::string_view to_string(Stage stage) noexcept {
  for (const auto& [s, name] : kStages) {
    if (s == stage) return name;
  }
  return "failed";
}

// ---- serialisation ----------------------------------------------------------

namespace {
Enrolment enrolment_from_json_unchecked(const nlohmann::json& j);
}  // namespace

nlohmann::json to_json(const Enrolment& e) {
  nlohmann::json authz = nlohmann::json::array();
  for (const auto& a : e.authorizations) {
    authz.push_back({{"url", a.url},
                     {"identifier", identifier_json(a.identifier)},
                     {"status", a.status},
                     {"challenge_type", a.challenge_type},
                     {"challenge_url", a.challenge_url},
                     {"token", a.token},
                     {"from", a.from},
                     {"reply_message_id", a.reply_message_id},
                     {"reply_prepared_at", a.reply_prepared_at},
                     {"reply_sent_at", a.reply_sent_at},
                     {"answered_at", a.answered_at}});
  }
  nlohmann::json ids = nlohmann::json::array();
  for (const auto& id : e.identifiers) ids.push_back(identifier_json(id));
  return {{"version", e.version},
          {"server", to_json(e.server)},
          {"identifiers", ids},
          {"contact", e.contact},
          {"terms_agreed", e.terms_agreed},
          {"auto_challenge_type", e.auto_challenge_type},
          {"account_key", e.account_key_pem},
          {"account_thumbprint", e.account_thumbprint},
          {"account_url", e.account_url},
          {"order_url", e.order_url},
          {"certificate_key", e.certificate_key_pem},
          {"csr", e.csr_der},
          {"authorizations", authz},
          {"certificate", e.certificate_pem},
          {"stage", std::string(to_string(e.stage))},
          {"error_code", e.error_code},
          {"error_detail", e.error_detail},
          {"created_at", e.created_at},
          {"order_created_at", e.order_created_at},
          {"updated_at", e.updated_at},
          {"poll_attempts", e.poll_attempts}};
}

Enrolment enrolment_from_json(const nlohmann::json& j) {
  try {
    return enrolment_from_json_unchecked(j);
  } catch (const nlohmann::json::exception& e) {
    // A field of the wrong JSON type: the state was damaged or written by something else.
    throw Error(Errc::usage, std::string("enrolment state: ") + e.what());
  }
}

namespace {

Enrolment enrolment_from_json_unchecked(const nlohmann::json& j) {
  if (!j.is_object()) throw Error(Errc::usage, "enrolment state is not a JSON object");
  if (get_int(j, "version") != 1) throw Error(Errc::usage, "enrolment state of an unknown version");
  Enrolment e;
  e.server = server_profile_from_json(j.value("server", nlohmann::json::object()));
  for (const auto& id : j.value("identifiers", nlohmann::json::array())) e.identifiers.push_back(identifier_from(id));
  for (const auto& c : j.value("contact", nlohmann::json::array())) {
    if (c.is_string()) e.contact.push_back(c.get<std::string>());
  }
  e.terms_agreed = j.value("terms_agreed", false);
  e.auto_challenge_type = get_str(j, "auto_challenge_type");
  e.account_key_pem = get_str(j, "account_key");
  e.account_thumbprint = get_str(j, "account_thumbprint");
  e.account_url = get_str(j, "account_url");
  e.order_url = get_str(j, "order_url");
  e.certificate_key_pem = get_str(j, "certificate_key");
  e.csr_der = get_str(j, "csr");
  for (const auto& a : j.value("authorizations", nlohmann::json::array())) {
    AuthorizationState s;
    s.url = get_str(a, "url");
    s.identifier = identifier_from(a.value("identifier", nlohmann::json::object()));
    s.status = get_str(a, "status");
    s.challenge_type = get_str(a, "challenge_type");
    s.challenge_url = get_str(a, "challenge_url");
    s.token = get_str(a, "token");
    s.from = get_str(a, "from");
    s.reply_message_id = get_str(a, "reply_message_id");
    s.reply_prepared_at = get_int(a, "reply_prepared_at");
    s.reply_sent_at = get_int(a, "reply_sent_at");
    s.answered_at = get_int(a, "answered_at");
    e.authorizations.push_back(std::move(s));
  }
  e.certificate_pem = get_str(j, "certificate");
  const auto stage = stage_from_string(get_str(j, "stage"));
  if (!stage) throw Error(Errc::usage, "enrolment state: unknown stage");
  e.stage = *stage;
  e.error_code = get_str(j, "error_code");
  e.error_detail = get_str(j, "error_detail");
  e.created_at = get_int(j, "created_at");
  e.order_created_at = get_int(j, "order_created_at");
  e.updated_at = get_int(j, "updated_at");
  e.poll_attempts = static_cast<int>(std::clamp<std::int64_t>(get_int(j, "poll_attempts"), 0, 64));
  if (e.identifiers.empty() || e.account_key_pem.empty() || e.csr_der.empty()) {
    throw Error(Errc::usage, "enrolment state without identifiers, account key or CSR");
  }
  return e;
}

}  // namespace

// ---- starting ---------------------------------------------------------------

Enrolment start_enrolment(const EnrolmentRequest& request, std::string_view passphrase, std::int64_t now,
                          EVP_PKEY* account_key, EVP_PKEY* certificate_key) {
  if (request.identifiers.empty()) throw Error(Errc::usage, "nothing to enrol: no identifier");
  CsrRequest csr;
  for (const auto& id : request.identifiers) {
    if (id.type == "email") {
      csr.emails.push_back(id.value);
    } else if (id.type == "dns") {
      if (request.auto_challenge_type.empty() || request.auto_challenge_type == kEmailReply) {
        throw Error(Errc::usage, "dns identifiers need a challenge type that needs no mail (e.g. http-01)");
      }
      csr.dns_names.push_back(id.value);
    } else {
      throw Error(Errc::usage, "identifier type " + id.type);
    }
  }
  csr.usage = request.usage;
  // Mailbox-validated certificates allow the address as CN (S/MIME BR §7.1.4.2.3); pebble reads a CN as a DNS name.
  if (!csr.emails.empty() && csr.dns_names.empty()) csr.common_name = csr.emails.front();

  ossl::EvpPkeyPtr generated_account;
  if (account_key == nullptr) {
    generated_account = generate_key(KeyType::p256);
    account_key = generated_account.get();
  }
  ossl::EvpPkeyPtr generated_cert;
  if (certificate_key == nullptr) {
    generated_cert = generate_key(request.certificate_key_type);
    certificate_key = generated_cert.get();
  }
  Enrolment e;
  e.server = request.server;
  e.identifiers = request.identifiers;
  e.contact = request.contact;
  e.terms_agreed = request.terms_agreed;
  e.auto_challenge_type = request.auto_challenge_type;
  e.account_key_pem = encrypt_private_key(account_key, passphrase, request.key_protection_iterations);
  e.account_thumbprint = jwk_thumbprint(account_key);
  e.certificate_key_pem = encrypt_private_key(certificate_key, passphrase, request.key_protection_iterations);
  e.csr_der = base64url_encode(make_csr(certificate_key, csr).der);
  e.created_at = e.updated_at = now;
  return e;
}

ossl::EvpPkeyPtr certificate_key(const Enrolment& e, std::string_view passphrase) {
  if (e.certificate_key_pem.empty()) throw Error(Errc::key_load_failed, "the enrolment does not hold the certificate key");
  return decrypt_private_key(e.certificate_key_pem, passphrase);
}

// ---- stepping ---------------------------------------------------------------

StepResult step(Enrolment& e, const StepContext& ctx) {
  StepResult result;
  result.stage = e.stage;
  if (e.stage == Stage::done || e.stage == Stage::failed) {
    result.done = e.stage == Stage::done;
    return result;
  }
  e.updated_at = ctx.now;
  try {
    AcmeClient client(e.server.directory_url, decrypt_private_key(e.account_key_pem, ctx.passphrase), ctx.acme);
    if (!e.account_url.empty()) client.set_account_url(e.account_url);

    if (e.stage == Stage::created) {
      if (e.account_url.empty()) {
        NewAccount na;
        na.contact = e.contact;
        na.terms_of_service_agreed = e.terms_agreed;
        na.external_account = ctx.external_account;
        e.account_url = client.new_account(na).url;
      }
      const Order order = client.new_order(e.identifiers);
      e.order_url = order.url;
      e.order_created_at = ctx.now;
      std::vector<AuthorizationState> states;
      for (const auto& url : order.authorizations) states.push_back(authorization_state(client.get_authorization(url), e));
      e.authorizations = std::move(states);
      enter(e, Stage::authorizing);
    }

    if (e.stage == Stage::authorizing) {
      std::optional<std::chrono::seconds> wait;
      const auto want = [&wait](std::chrono::seconds s) { wait = wait ? std::min(*wait, s) : s; };
      std::optional<std::chrono::seconds> server_hint;
      for (std::size_t i = 0; i < e.authorizations.size(); ++i) {
        auto& a = e.authorizations[i];
        if (a.status == "valid") continue;
        if (a.answered_at == 0) {
          if (a.challenge_type == kEmailReply) {
            if (a.reply_sent_at == 0) {
              result.awaiting_reply.push_back(i);
              continue;
            }
            const std::int64_t due = a.reply_sent_at + e.server.answer_delay.count();
            if (ctx.now < due) {
              want(std::chrono::seconds(due - ctx.now));
              continue;
            }
          }
          const Challenge c = client.answer_challenge(a.challenge_url);
          a.answered_at = ctx.now;
          if (c.status == "invalid") fail_with(e, c.error, "the challenge for " + a.identifier.to_string() + " is invalid");
        }
        const Authorization authz = client.get_authorization(a.url);
        a.status = authz.status;
        if (a.status == "valid") continue;
        if (a.status != "pending") {
          for (const auto& c : authz.challenges) {
            if (c.error) fail_with(e, c.error, {});
          }
          fail(e, Error(Errc::acme_problem, "the authorization for " + a.identifier.to_string() + " is " + a.status));
        }
        if (authz.retry_after) server_hint = authz.retry_after;
        want(std::chrono::seconds(0));
      }
      if (wait && *wait == std::chrono::seconds(0)) wait = poll_delay(e, server_hint);
      const bool all_valid = std::all_of(e.authorizations.begin(), e.authorizations.end(),
                                         [](const AuthorizationState& a) { return a.status == "valid"; });
      if (!all_valid) {
        result.stage = e.stage;
        result.wait = wait.value_or(std::chrono::seconds(0));
        e.error_code.clear();
        e.error_detail.clear();
        return result;
      }
      enter(e, Stage::finalizing);
    }

    std::optional<Order> order;
    if (e.stage == Stage::finalizing) {
      order = client.get_order(e.order_url);
      if (order->status == "ready") {
        const auto csr = base64url_decode(e.csr_der);
        if (!csr) throw Error(Errc::usage, "enrolment state: CSR");
        order = client.finalize(*order, *csr);
        enter(e, Stage::issuing);
      } else if (order->status == "processing" || order->status == "valid") {
        enter(e, Stage::issuing);
      } else if (order->status == "invalid") {
        fail_with(e, order->error, "the order became invalid");
      } else {
        result.stage = e.stage;
        result.wait = poll_delay(e, order->retry_after);
        return result;
      }
    }

    if (e.stage == Stage::issuing) {
      if (!order || order->status != "valid") order = client.get_order(e.order_url);
      if (order->status == "valid") {
        if (order->certificate.empty()) throw Error(Errc::acme_protocol, "valid order without a certificate URL");
        e.certificate_pem = client.download_certificate(order->certificate).pem;
        enter(e, Stage::done);
      } else if (order->status == "invalid") {
        fail_with(e, order->error, "the order became invalid");
      } else {
        result.stage = e.stage;
        result.wait = poll_delay(e, order->retry_after);
        return result;
      }
    }
  } catch (const Error& error) {
    if (e.stage != Stage::failed) {
      e.error_code = std::string(code_string(error.code()));
      e.error_detail = error.detail();
    }
    throw;
  }
  e.error_code.clear();
  e.error_detail.clear();
  result.stage = e.stage;
  result.done = e.stage == Stage::done;
  return result;
}

// ---- replies ----------------------------------------------------------------

PreparedReply prepare_reply(Enrolment& e, std::string_view raw_mail, std::int64_t now, const ChallengeMailPolicy& hooks) {
  if (e.stage != Stage::authorizing) throw Error(Errc::challenge_mail_invalid, "no enrolment is waiting for a challenge mail");
  if (now - e.order_created_at > kChallengeLifetime) {
    throw Error(Errc::challenge_mail_invalid, "the order is older than 24 hours; start again");
  }
  std::optional<ChallengeMail> best;
  std::size_t best_index = 0;
  bool seen_answered = false;
  for (std::size_t i = 0; i < e.authorizations.size(); ++i) {
    const auto& a = e.authorizations[i];
    if (a.challenge_type != kEmailReply || a.status == "valid") continue;
    ChallengeMailPolicy policy = hooks;
    policy.expected_from = a.from;
    policy.address = a.identifier.value;
    policy.lenient = e.server.lenient_challenge_checks;
    auto mail = examine_challenge_mail(raw_mail, policy);
    const bool matches = mail.from == mime::normalize_address(a.from) &&
                         std::find(mail.to.begin(), mail.to.end(), mime::normalize_address(a.identifier.value)) != mail.to.end();
    if (matches && (a.reply_sent_at != 0 || a.answered_at != 0)) {
      seen_answered = true;
      continue;
    }
    if (mail.acceptable()) {
      best = std::move(mail);
      best_index = i;
      break;
    }
    if (!best || matches) {
      best = std::move(mail);
      best_index = i;
    }
  }
  if (!best) {
    throw Error(Errc::challenge_mail_invalid, seen_answered ? "this challenge was already answered (RFC 8823: never twice)"
                                                            : "no authorization is waiting for an e-mail challenge");
  }
  if (!best->acceptable()) throw Error(Errc::challenge_mail_invalid, best->failed_rules());
  auto& a = e.authorizations[best_index];
  PreparedReply reply;
  reply.authorization = best_index;
  reply.digest = rfc8823::response_digest(best->token_part1, a.token, e.account_thumbprint, e.server.concatenation);
  reply.mail = compose_response(*best, a.identifier.value, reply.digest);
  reply.challenge = std::move(*best);
  a.reply_message_id = reply.challenge.message_id;
  a.reply_prepared_at = now;
  e.updated_at = now;
  return reply;
}

void mark_reply_sent(Enrolment& e, std::size_t authorization, std::int64_t now) {
  if (authorization >= e.authorizations.size()) throw Error(Errc::usage, "no such authorization");
  auto& a = e.authorizations[authorization];
  if (a.reply_prepared_at == 0) throw Error(Errc::usage, "no reply was prepared for " + a.identifier.to_string());
  if (a.reply_sent_at == 0) a.reply_sent_at = now;
  e.updated_at = now;
}

}  // namespace inkan::enrol
