// The ACME client against Debian's pebble, an independent RFC 8555 server:
// accounts, orders, authorizations, finalize, polling, download, badNonce
// recovery, problem documents and EAB. Pebble knows no `email` identifiers,
// so the RFC 8555 core is driven with DNS names (PEBBLE_VA_ALWAYS_VALID).
// Issued chains are judged by `openssl verify` against pebble's own root.
#include "acme_client.h"
#include "base64url.h"
#include "csr.h"
#include "enrolment.h"
#include "error.h"
#include "keygen.h"
#include "pebble_server.h"
#include "support/files.h"
#include "support/process.h"

#include <gtest/gtest.h>

#include <atomic>

namespace {

using inkan::enrol::AcmeClient;
using inkan::enrol::AcmeOptions;
using inkan::test::PebbleOptions;
using inkan::test::PebbleServer;

AcmeOptions options_for(const PebbleServer& pebble) {
  AcmeOptions o;
  o.http.ca_file = pebble.tls_ca_file();
  o.http.timeout = std::chrono::seconds(20);
  return o;
}

AcmeClient client_for(const PebbleServer& pebble, inkan::enrol::KeyType account = inkan::enrol::KeyType::p256,
                      AcmeOptions options = {}) {
  if (options.http.ca_file.empty()) options = options_for(pebble);
  return AcmeClient(pebble.directory_url(), inkan::enrol::generate_key(account), options);
}

inkan::enrol::Account register_account(AcmeClient& client) {
  inkan::enrol::NewAccount request;
  request.terms_of_service_agreed = true;
  request.contact = {"mailto:admin@example.org"};
  return client.new_account(request);
}

inkan::enrol::PollOptions quick_poll() {
  inkan::enrol::PollOptions p;
  p.max_wait = std::chrono::seconds(30);
  p.min_interval = std::chrono::milliseconds(100);
  p.max_interval = std::chrono::seconds(1);
  return p;
}

template <typename F>
inkan::Error error_of(F&& f) {
  try {
    f();
  } catch (const inkan::Error& e) {
    return e;
  }
  ADD_FAILURE() << "no error";
  return inkan::Error(inkan::Errc::internal, "none");
}

// `openssl verify` with pebble's root; the leaf must name `dns` and hold `key`.
void expect_issued(PebbleServer& pebble, const std::string& chain_pem, const std::string& dns, EVP_PKEY* key) {
  const std::string chain = pebble.dir().put("chain.pem", chain_pem);
  const auto verify = inkan::test::openssl({"verify", "-CAfile", pebble.root_file(), "-untrusted", chain, chain});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_NE(verify.out.find(": OK"), std::string::npos) << verify.out;
  const auto text = inkan::test::openssl_ok({"x509", "-in", chain, "-noout", "-ext", "subjectAltName"});
  EXPECT_NE(text.find("DNS:" + dns), std::string::npos) << text;
  if (key != nullptr) {
    const auto pub = inkan::test::openssl_ok({"x509", "-in", chain, "-noout", "-pubkey"});
    EXPECT_EQ(pub, inkan::enrol::public_key_pem(key));
  }
}

// newOrder → authorization → http-01 "{}" → ready → finalize → valid → download.
std::string issue(AcmeClient& client, const std::string& dns, EVP_PKEY* cert_key) {
  auto order = client.new_order({{"dns", dns}});
  EXPECT_EQ(order.status, "pending");
  EXPECT_EQ(order.identifiers, (std::vector<inkan::enrol::Identifier>{{"dns", dns}}));
  EXPECT_EQ(order.authorizations.size(), 1u);
  const auto authz = client.get_authorization(order.authorizations.at(0));
  EXPECT_EQ(authz.identifier.value, dns);
  const auto* http01 = authz.challenge("http-01");
  EXPECT_NE(http01, nullptr);
  if (http01 == nullptr) return {};
  EXPECT_FALSE(http01->token.empty());
  const auto answered = client.answer_challenge(http01->url);
  EXPECT_NE(answered.status, "invalid");
  EXPECT_EQ(client.wait_for_authorization(authz.url, quick_poll()).status, "valid");
  order = client.wait_for_order(order.url, {"ready"}, quick_poll());
  inkan::enrol::CsrRequest csr;
  csr.dns_names = {dns};
  order = client.finalize(order, inkan::enrol::make_csr(cert_key, csr).der);
  order = client.wait_for_order(order.url, {"valid"}, quick_poll());
  EXPECT_FALSE(order.certificate.empty());
  const auto chain = client.download_certificate(order.certificate);
  EXPECT_EQ(chain.certificates.size(), 2u) << "leaf and pebble's intermediate";
  return chain.pem;
}

TEST(AcmePebble, AccountCreatedThenFoundAgain) {
  PebbleServer pebble;
  auto client = client_for(pebble);
  const auto first = register_account(client);
  EXPECT_TRUE(first.created);
  EXPECT_EQ(first.status, "valid");
  EXPECT_EQ(first.url.rfind("https://127.0.0.1:", 0), 0u) << first.url;

  const auto again = register_account(client);
  EXPECT_FALSE(again.created);
  EXPECT_EQ(again.url, first.url);

  inkan::enrol::NewAccount lookup;
  lookup.only_return_existing = true;
  const auto found = client.new_account(lookup);
  EXPECT_FALSE(found.created);
  EXPECT_EQ(found.url, first.url);
}

TEST(AcmePebble, OnlyReturnExistingForAnUnknownKeyIsAProblem) {
  PebbleServer pebble;
  auto client = client_for(pebble);
  inkan::enrol::NewAccount lookup;
  lookup.only_return_existing = true;
  const auto e = error_of([&] { client.new_account(lookup); });
  EXPECT_EQ(e.code(), inkan::Errc::acme_problem);
  EXPECT_EQ(e.detail().rfind("urn:ietf:params:acme:error:accountDoesNotExist", 0), 0u) << e.detail();
}

TEST(AcmePebble, Es256AccountOrdersADnsCertificate) {
  PebbleServer pebble;
  auto client = client_for(pebble, inkan::enrol::KeyType::p256);
  register_account(client);
  const auto key = inkan::enrol::generate_key(inkan::enrol::KeyType::p256);
  expect_issued(pebble, issue(client, "mail.example.org", key.get()), "mail.example.org", key.get());
}

TEST(AcmePebble, Rs256AccountOrdersADnsCertificate) {
  PebbleServer pebble;
  auto client = client_for(pebble, inkan::enrol::KeyType::rsa2048);
  register_account(client);
  const auto key = inkan::enrol::generate_key(inkan::enrol::KeyType::rsa2048);
  expect_issued(pebble, issue(client, "rsa.example.org", key.get()), "rsa.example.org", key.get());
}

TEST(AcmePebble, Es384AccountIsAccepted) {
  PebbleServer pebble;
  auto client = client_for(pebble, inkan::enrol::KeyType::p384);
  EXPECT_TRUE(register_account(client).created);
  EXPECT_EQ(client.new_order({{"dns", "p384.example.org"}}).status, "pending");
}

TEST(AcmePebble, BadNonceIsRetriedUntilTheOrderCompletes) {
  PebbleOptions o;
  o.env = {"PEBBLE_VA_ALWAYS_VALID=1", "PEBBLE_VA_NOSLEEP=1", "PEBBLE_WFE_NONCEREJECT=50", "PEBBLE_AUTHZREUSE=0"};
  PebbleServer pebble(o);
  auto options = options_for(pebble);
  options.max_bad_nonce_retries = 40;  // 2^-41 per request to run out by chance
  auto client = client_for(pebble, inkan::enrol::KeyType::p256, options);
  register_account(client);
  const auto key = inkan::enrol::generate_key(inkan::enrol::KeyType::p256);
  const auto chain = issue(client, "nonce.example.org", key.get());
  expect_issued(pebble, chain, "nonce.example.org", key.get());
  // Enough requests that, with half the nonces refused, some retries must have happened (1 - 2^-20).
  const auto order = client.new_order({{"dns", "nonce2.example.org"}});
  for (int i = 0; i < 12; ++i) (void)client.get_order(order.url);
  EXPECT_GT(client.bad_nonce_retries(), 0);
}

TEST(AcmePebble, BadNonceRetriesAreBounded) {
  PebbleOptions o;
  o.env = {"PEBBLE_VA_ALWAYS_VALID=1", "PEBBLE_VA_NOSLEEP=1", "PEBBLE_WFE_NONCEREJECT=100"};
  PebbleServer pebble(o);
  auto options = options_for(pebble);
  options.max_bad_nonce_retries = 3;
  auto client = client_for(pebble, inkan::enrol::KeyType::p256, options);
  const auto e = error_of([&] { register_account(client); });
  EXPECT_EQ(e.code(), inkan::Errc::acme_problem);
  EXPECT_EQ(e.detail().rfind("urn:ietf:params:acme:error:badNonce", 0), 0u) << e.detail();
  EXPECT_EQ(client.bad_nonce_retries(), 3);
}

TEST(AcmePebble, AnEmailIdentifierIsRefusedWithAProblemDocument) {
  PebbleServer pebble;
  auto client = client_for(pebble);
  register_account(client);
  const auto e = error_of([&] { client.new_order({{"email", "alice@example.org"}}); });
  EXPECT_EQ(e.code(), inkan::Errc::acme_problem);
  // Pebble 2.4 answers "malformed"; later versions may say "unsupportedIdentifier".
  const bool typed = e.detail().rfind("urn:ietf:params:acme:error:malformed", 0) == 0 ||
                     e.detail().rfind("urn:ietf:params:acme:error:unsupportedIdentifier", 0) == 0;
  EXPECT_TRUE(typed) << e.detail();
  EXPECT_NE(e.detail().find("email"), std::string::npos) << e.detail();
}

TEST(AcmePebble, FinalizingWithTheWrongNamesIsAProblem) {
  PebbleServer pebble;
  auto client = client_for(pebble);
  register_account(client);
  auto order = client.new_order({{"dns", "right.example.org"}});
  const auto authz = client.get_authorization(order.authorizations.at(0));
  client.answer_challenge(authz.challenge("http-01")->url);
  order = client.wait_for_order(order.url, {"ready"}, quick_poll());
  const auto key = inkan::enrol::generate_key(inkan::enrol::KeyType::p256);
  inkan::enrol::CsrRequest csr;
  csr.dns_names = {"wrong.example.org"};
  const auto e = error_of([&] { client.finalize(order, inkan::enrol::make_csr(key.get(), csr).der); });
  EXPECT_EQ(e.code(), inkan::Errc::acme_problem);
  EXPECT_EQ(e.detail().rfind("urn:ietf:params:acme:error:", 0), 0u) << e.detail();
}

TEST(AcmePebble, PollingReportsProgressAndStopsAtItsDeadline) {
  PebbleServer pebble;
  auto client = client_for(pebble);
  register_account(client);
  const auto order = client.new_order({{"dns", "slow.example.org"}});  // never answered: stays pending
  auto poll = quick_poll();
  poll.max_wait = std::chrono::seconds(2);
  std::vector<inkan::enrol::PollProgress> seen;
  poll.progress = [&](const inkan::enrol::PollProgress& p) { seen.push_back(p); };
  const auto start = std::chrono::steady_clock::now();
  const auto e = error_of([&] { client.wait_for_order(order.url, {"ready"}, poll); });
  EXPECT_EQ(e.code(), inkan::Errc::acme_timeout) << e.what();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.front().status, "pending");
  EXPECT_EQ(seen.front().url, order.url);
}

TEST(AcmePebble, PollingCanBeCancelled) {
  PebbleServer pebble;
  auto client = client_for(pebble);
  register_account(client);
  const auto order = client.new_order({{"dns", "cancel.example.org"}});
  std::atomic<int> polls{0};
  auto poll = quick_poll();
  poll.max_wait = std::chrono::seconds(60);
  poll.min_interval = std::chrono::milliseconds(2000);
  poll.progress = [&](const inkan::enrol::PollProgress&) { ++polls; };
  poll.cancelled = [&] { return polls.load() > 0; };
  const auto start = std::chrono::steady_clock::now();
  const auto e = error_of([&] { client.wait_for_order(order.url, {"ready"}, poll); });
  EXPECT_EQ(e.code(), inkan::Errc::cancelled);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(1500)) << "noticed while sleeping";
}

TEST(AcmePebble, ExternalAccountBinding) {
  PebbleOptions o;
  o.eab_keys = {{"kid-1", "zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W"}};
  PebbleServer pebble(o);
  auto client = client_for(pebble);
  EXPECT_TRUE(client.directory().external_account_required);
  // Without a binding the client says so before asking.
  EXPECT_EQ(error_of([&] { register_account(client); }).code(), inkan::Errc::usage);

  inkan::enrol::NewAccount wrong;
  wrong.terms_of_service_agreed = true;
  wrong.external_account = inkan::enrol::ExternalAccountKey{"kid-1", "not the key"};
  const auto e = error_of([&] { client.new_account(wrong); });
  EXPECT_EQ(e.code(), inkan::Errc::acme_problem);
  EXPECT_EQ(e.detail().rfind("urn:ietf:params:acme:error:", 0), 0u) << e.detail();

  inkan::enrol::NewAccount right;
  right.terms_of_service_agreed = true;
  right.external_account = inkan::enrol::ExternalAccountKey{
      "kid-1", *inkan::enrol::base64url_decode("zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W")};
  EXPECT_TRUE(client.new_account(right).created);
}

TEST(AcmePebble, TlsIsVerified) {
  PebbleServer pebble;
  AcmeOptions system_roots;  // pebble's self-signed certificate is in no system store
  AcmeClient client(pebble.directory_url(), inkan::enrol::generate_key(inkan::enrol::KeyType::p256), system_roots);
  const auto e = error_of([&] { (void)client.directory(); });
  EXPECT_EQ(e.code(), inkan::Errc::network);
}

TEST(AcmePebble, ProxyVariablesOfTheEnvironmentAreIgnored) {
  PebbleServer pebble;
  // A proxy that does not exist: a client that read these would fail to connect.
  for (const char* name : {"https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"}) ::setenv(name, "http://127.0.0.1:1", 1);
  ::unsetenv("no_proxy");
  ::unsetenv("NO_PROXY");
  auto client = client_for(pebble);
  EXPECT_FALSE(client.directory().new_order.empty());
}

TEST(AcmePebble, ResponsesOverTheSizeCapAreRefused) {
  PebbleServer pebble;
  auto options = options_for(pebble);
  options.http.max_response_bytes = 64;  // the directory is several hundred bytes
  auto client = client_for(pebble, inkan::enrol::KeyType::p256, options);
  const auto e = error_of([&] { (void)client.directory(); });
  EXPECT_EQ(e.code(), inkan::Errc::network);
  EXPECT_NE(e.detail().find("larger than 64 bytes"), std::string::npos) << e.detail();
}

// ---- the resumable enrolment ---------------------------------------------------

TEST(AcmePebble, EnrolmentStepsAcrossSimulatedRestarts) {
  PebbleServer pebble;
  inkan::enrol::EnrolmentRequest request;
  request.server = inkan::enrol::profile_for(pebble.directory_url());
  request.identifiers = {{"dns", "resume.example.org"}};
  request.terms_agreed = true;
  request.auto_challenge_type = "http-01";
  request.certificate_key_type = inkan::enrol::KeyType::p256;
  request.key_protection_iterations = 1000;
  std::string saved = inkan::enrol::to_json(inkan::enrol::start_enrolment(request, "pw", 1700000000)).dump();

  inkan::enrol::StepContext ctx;
  ctx.passphrase = "pw";
  ctx.acme = options_for(pebble);
  std::vector<std::string> stages;
  for (int i = 0; i < 40; ++i) {
    // Every step starts from the saved JSON, as a restarted host would.
    auto e = inkan::enrol::enrolment_from_json(nlohmann::json::parse(saved));
    ctx.now = 1700000000 + i;
    const auto r = inkan::enrol::step(e, ctx);
    saved = inkan::enrol::to_json(e).dump();
    stages.emplace_back(inkan::enrol::to_string(r.stage));
    if (r.done) break;
    ASSERT_TRUE(r.awaiting_reply.empty());
    std::this_thread::sleep_for(std::min(r.wait, std::chrono::seconds(1)));
  }
  const auto done = inkan::enrol::enrolment_from_json(nlohmann::json::parse(saved));
  ASSERT_EQ(done.stage, inkan::enrol::Stage::done) << saved;
  EXPECT_EQ(stages.back(), "done");
  EXPECT_TRUE(done.error_code.empty()) << done.error_detail;
  const auto key = inkan::enrol::certificate_key(done, "pw");
  expect_issued(pebble, done.certificate_pem, "resume.example.org", key.get());
}

TEST(AcmePebble, EnrolmentFailureIsRecordedAndResumable) {
  PebbleServer pebble;
  inkan::enrol::EnrolmentRequest request;
  request.server = inkan::enrol::profile_for(pebble.directory_url());
  request.identifiers = {{"email", "alice@example.org"}};
  request.terms_agreed = true;
  request.certificate_key_type = inkan::enrol::KeyType::p256;
  request.key_protection_iterations = 1000;
  auto e = inkan::enrol::start_enrolment(request, "pw", 1700000000);
  inkan::enrol::StepContext ctx;
  ctx.passphrase = "pw";
  ctx.acme = options_for(pebble);
  ctx.now = 1700000001;
  const auto err = error_of([&] { inkan::enrol::step(e, ctx); });
  EXPECT_EQ(err.code(), inkan::Errc::acme_problem);
  EXPECT_EQ(e.error_code, "ACME_PROBLEM");
  EXPECT_EQ(e.stage, inkan::enrol::Stage::created) << "a refused request is not a failed order";
  EXPECT_FALSE(e.account_url.empty()) << "the account made before the refusal is kept";
  ctx.passphrase = "wrong";
  EXPECT_EQ(error_of([&] { inkan::enrol::step(e, ctx); }).code(), inkan::Errc::bad_password);
}

}  // namespace
