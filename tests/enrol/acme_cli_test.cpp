// `inkan acme` and `inkan csr` as a user runs them: against pebble for the
// RFC 8555 path, and on a saved RFC 8823 state for the reply/resume path.
#include "enrolment.h"
#include "pebble_server.h"
#include "support/files.h"
#include "support/process.h"

#include <gtest/gtest.h>

#include <sys/stat.h>

namespace {

using inkan::test::PebbleServer;
using inkan::test::RunOptions;

RunOptions with_password() {
  RunOptions o;
  o.set_env = {"PW=cli passphrase", "LANG=C"};
  o.unset_env = {"LC_ALL", "LC_MESSAGES"};
  o.timeout_seconds = 120;
  return o;
}

unsigned mode_of(const std::string& path) {
  struct stat st {};
  ::stat(path.c_str(), &st);
  return st.st_mode & 0777u;
}

nlohmann::json json_of(const inkan::test::RunResult& r) {
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << r.out;
  return j;
}

TEST(AcmeCli, OrderWritesAVerifiableChainAndAnEncryptedKey) {
  PebbleServer pebble;
  const auto& dir = pebble.dir();
  const std::string key = dir.file("cert.key").string();
  const std::string chain = dir.file("chain.pem").string();
  const auto r = inkan::test::inkan_cli({"acme", "order", "--directory", pebble.directory_url(), "--ca-file", pebble.tls_ca_file(),
                                         "--identifier", "dns:cli.example.org", "--challenge", "http-01", "--agree-tos",
                                         "--key-type", "p256", "--key-out", key, "--pass-env", "PW", "-o", chain, "--timeout", "60"},
                                        with_password());
  ASSERT_EQ(r.exit_code, 0) << inkan::test::describe(r);
  EXPECT_NE(r.err.find("certificate issued"), std::string::npos) << r.err;
  const auto verify = inkan::test::openssl({"verify", "-CAfile", pebble.root_file(), "-untrusted", chain, chain});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_EQ(mode_of(key), 0600u);
  const auto from_key = inkan::test::openssl({"pkey", "-in", key, "-passin", "pass:cli passphrase", "-pubout"});
  ASSERT_EQ(from_key.exit_code, 0) << from_key.err;
  EXPECT_EQ(from_key.out, inkan::test::openssl_ok({"x509", "-in", chain, "-noout", "-pubkey"}));
  EXPECT_NE(inkan::test::openssl({"pkey", "-in", key, "-passin", "pass:", "-noout"}).exit_code, 0) << "the key is encrypted";
}

TEST(AcmeCli, AccountCreatedThenLookedUp) {
  PebbleServer pebble;
  const std::string key = pebble.dir().file("account.key").string();
  const std::vector<std::string> base = {"acme", "account", "--directory", pebble.directory_url(), "--ca-file", pebble.tls_ca_file(),
                                         "--account-key", key, "--pass-env", "PW", "--json"};
  auto args = base;
  args.push_back("--agree-tos");
  const auto created = inkan::test::inkan_cli(args, with_password());
  ASSERT_EQ(created.exit_code, 0) << inkan::test::describe(created);
  EXPECT_EQ(json_of(created)["account"]["created"], true);
  EXPECT_EQ(mode_of(key), 0600u);

  args = base;
  args.push_back("--only-existing");
  const auto found = inkan::test::inkan_cli(args, with_password());
  ASSERT_EQ(found.exit_code, 0) << inkan::test::describe(found);
  EXPECT_EQ(json_of(found)["account"]["created"], false);
  EXPECT_EQ(json_of(found)["account"]["url"], json_of(created)["account"]["url"]);

  // A key the CA never saw (made by openssl): looked up, not created.
  const std::string stranger = pebble.dir().file("stranger.key").string();
  inkan::test::openssl_ok({"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-aes-256-cbc", "-pass",
                           "pass:cli passphrase", "-out", stranger});
  args = base;
  args[7] = stranger;
  args.push_back("--only-existing");
  const auto unknown = inkan::test::inkan_cli(args, with_password());
  EXPECT_EQ(unknown.exit_code, 7) << inkan::test::describe(unknown);
  EXPECT_EQ(json_of(unknown)["error"]["code"], "ACME_PROBLEM");
  EXPECT_NE(json_of(unknown)["error"]["detail"].get<std::string>().find("accountDoesNotExist"), std::string::npos) << unknown.out;
}

TEST(AcmeCli, TermsOfServiceMustBeAgreed) {
  PebbleServer pebble;
  const auto r = inkan::test::inkan_cli({"acme", "account", "--directory", pebble.directory_url(), "--ca-file", pebble.tls_ca_file(),
                                         "--account-key", pebble.dir().file("a.key").string(), "--pass-env", "PW"},
                                        with_password());
  EXPECT_EQ(r.exit_code, 2) << inkan::test::describe(r);
  EXPECT_NE(r.err.find("--agree-tos"), std::string::npos) << r.err;
}

TEST(AcmeCli, AProblemDocumentExitsSevenWithItsType) {
  PebbleServer pebble;
  const std::string state = pebble.dir().file("state.json").string();
  const auto r = inkan::test::inkan_cli({"acme", "order", "--directory", pebble.directory_url(), "--ca-file", pebble.tls_ca_file(),
                                         "--identifier", "email:alice@example.org", "--state", state, "--agree-tos", "--key-type",
                                         "p256", "--pass-env", "PW", "--json"},
                                        with_password());
  EXPECT_EQ(r.exit_code, 7) << inkan::test::describe(r);
  const auto j = json_of(r);
  EXPECT_EQ(j["error"]["code"], "ACME_PROBLEM");
  EXPECT_EQ(j["error"]["detail"].get<std::string>().rfind("urn:ietf:params:acme:error:", 0), 0u) << r.out;
  EXPECT_NE(r.err.find("[ACME_PROBLEM]"), std::string::npos) << r.err;
  // The state was kept, with the error, and no key in clear.
  const std::string saved = inkan::test::read_file(state);
  EXPECT_EQ(mode_of(state), 0600u);
  EXPECT_NE(saved.find("\"error_code\": \"ACME_PROBLEM\""), std::string::npos) << saved;
  EXPECT_EQ(saved.find("BEGIN PRIVATE KEY"), std::string::npos);
}

TEST(AcmeCli, AnUntrustedServerIsANetworkError) {
  PebbleServer pebble;
  const auto r = inkan::test::inkan_cli({"acme", "order", "--directory", pebble.directory_url(), "--identifier", "dns:x.example.org",
                                         "--challenge", "http-01", "--agree-tos", "--key-type", "p256", "--pass-env", "PW",
                                         "--key-out", pebble.dir().file("k.pem").string()},
                                        with_password());
  EXPECT_EQ(r.exit_code, 7) << inkan::test::describe(r);
  EXPECT_NE(r.err.find("[NETWORK]"), std::string::npos) << r.err;
}

// ---- RFC 8823 reply and resume on a saved state (no e-mail-capable CA runs here) ----

const char* const kChallengeMail =
    "DKIM-Signature: v=1; a=rsa-sha256; d=example.org; s=sel; h=From:To:Subject:Date:Message-ID:Auto-Submitted;\r\n"
    " bh=AAAA; b=AAAA\r\n"
    "Auto-Submitted: auto-generated; type=acme\r\n"
    "Message-ID: <A2299BB.FF7788@example.org>\r\n"
    "From: acme-generator@example.org\r\n"
    "To: Alexey <alexey@example.com>\r\n"
    "Reply-To: acme-validator@example.org\r\n"
    "Subject: =?UTF-8?Q?ACME:_LgYemJLy3F1LDki=20JrdIGbEzyFJyOyf=20=206vBdyZ1TG3sME=3D?=\r\n"
    "\r\n"
    "challenge\r\n";

std::string waiting_state(const inkan::test::TempDir& dir, std::int64_t answer_delay) {
  inkan::enrol::EnrolmentRequest request;
  request.server = inkan::enrol::profile_for("https://127.0.0.1:9/dir");  // nothing listens there
  request.server.concatenation = inkan::enrol::rfc8823::TokenConcatenation::bytes;
  request.server.answer_delay = std::chrono::seconds(answer_delay);
  request.identifiers = {{"email", "alexey@example.com"}};
  request.certificate_key_type = inkan::enrol::KeyType::p256;
  request.key_protection_iterations = 1000;
  const auto now = static_cast<std::int64_t>(std::time(nullptr));
  auto e = inkan::enrol::start_enrolment(request, "cli passphrase", now);
  e.account_thumbprint = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";
  e.account_url = "https://127.0.0.1:9/acct/1";
  e.order_url = "https://127.0.0.1:9/order/1";
  e.order_created_at = now;
  e.stage = inkan::enrol::Stage::authorizing;
  inkan::enrol::AuthorizationState a;
  a.url = "https://127.0.0.1:9/authz/1";
  a.identifier = {"email", "alexey@example.com"};
  a.status = "pending";
  a.challenge_type = "email-reply-00";
  a.challenge_url = "https://127.0.0.1:9/chall/1";
  a.token = "DGyRejmCefe7v4NfDGDKfA";
  a.from = "acme-generator@example.org";
  e.authorizations = {a};
  return dir.put("state.json", inkan::enrol::to_json(e).dump());
}

TEST(AcmeCli, ReplyWritesTheResponseMailOnce) {
  inkan::test::TempDir dir;
  const std::string state = waiting_state(dir, 30);
  const std::string mail = dir.put("challenge.eml", kChallengeMail);
  const std::string reply_path = dir.file("reply.eml").string();
  const auto r = inkan::test::inkan_cli({"acme", "reply", "--state", state, "--mail", mail, "-o", reply_path, "--json"}, with_password());
  ASSERT_EQ(r.exit_code, 0) << inkan::test::describe(r);
  const auto j = json_of(r);
  EXPECT_EQ(j["reply"]["digest"], "XW5kWcqNuiysUrDy6cZazLQ3v2QZNKXIKVMtfc8-gHY");
  EXPECT_EQ(j["reply"]["to"], nlohmann::json::array({"acme-validator@example.org"}));
  const std::string reply = inkan::test::read_file(reply_path);
  EXPECT_NE(reply.find("\r\n\r\n-----BEGIN ACME RESPONSE-----\r\nXW5kWcqNuiysUrDy6cZazLQ3v2QZNKXIKVMtfc8-gHY\r\n-----END ACME RESPONSE-----\r\n"),
            std::string::npos) << reply;
  EXPECT_NE(reply.find("In-Reply-To: <A2299BB.FF7788@example.org>\r\n"), std::string::npos) << reply;

  // Sent: resume says so; the CA is not contacted before the answer delay; a second reply is refused.
  const auto waiting = inkan::test::inkan_cli({"acme", "resume", "--state", state, "--reply-sent", "--pass-env", "PW", "--timeout", "3"},
                                              with_password());
  EXPECT_EQ(waiting.exit_code, 7) << inkan::test::describe(waiting);
  EXPECT_NE(waiting.err.find("[ACME_TIMEOUT]"), std::string::npos) << waiting.err;
  const auto again = inkan::test::inkan_cli({"acme", "reply", "--state", state, "--mail", mail, "-o", reply_path}, with_password());
  EXPECT_EQ(again.exit_code, 3) << inkan::test::describe(again);
  EXPECT_NE(again.err.find("[CHALLENGE_MAIL_INVALID]"), std::string::npos) << again.err;
}

TEST(AcmeCli, ResumeAnswersTheChallengeAfterTheDelay) {
  inkan::test::TempDir dir;
  const std::string state = waiting_state(dir, 0);
  const std::string mail = dir.put("challenge.eml", kChallengeMail);
  ASSERT_EQ(inkan::test::inkan_cli({"acme", "reply", "--state", state, "--mail", mail, "-o", dir.file("r.eml").string()}, with_password())
                .exit_code,
            0);
  // No delay: resume goes straight to the CA, which is not there.
  const auto r = inkan::test::inkan_cli({"acme", "resume", "--state", state, "--reply-sent", "--pass-env", "PW", "--timeout", "30"},
                                        with_password());
  EXPECT_EQ(r.exit_code, 7) << inkan::test::describe(r);
  EXPECT_NE(r.err.find("[NETWORK]"), std::string::npos) << r.err;
  const auto saved = nlohmann::json::parse(inkan::test::read_file(state));
  EXPECT_EQ(saved["error_code"], "NETWORK");
  EXPECT_NE(saved["authorizations"][0]["reply_sent_at"], 0);
  EXPECT_EQ(saved["stage"], "authorizing") << "a network failure leaves the enrolment resumable";
}

TEST(AcmeCli, CsrForAnyCa) {
  inkan::test::TempDir dir;
  const std::string key = dir.file("k.pem").string();
  const std::string csr = dir.file("r.pem").string();
  const auto r = inkan::test::inkan_cli({"csr", "--address", "alice@example.org", "--key-type", "rsa2048", "--usage", "encrypt",
                                         "--key-out", key, "--pass-env", "PW", "-o", csr},
                                        with_password());
  ASSERT_EQ(r.exit_code, 0) << inkan::test::describe(r);
  const auto text = inkan::test::openssl({"req", "-in", csr, "-noout", "-text", "-verify"});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("email:alice@example.org"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("Key Encipherment"), std::string::npos) << text.out;
  EXPECT_EQ(text.out.find("Digital Signature"), std::string::npos) << text.out;
  EXPECT_EQ(mode_of(key), 0600u);
  // The request's key is the written key.
  EXPECT_EQ(inkan::test::openssl_ok({"req", "-in", csr, "-noout", "-pubkey"}),
            inkan::test::openssl_ok({"pkey", "-in", key, "-passin", "pass:cli passphrase", "-pubout"}));
  // Never over an existing key, never without a passphrase.
  const auto again = inkan::test::inkan_cli({"csr", "--address", "alice@example.org", "--key-out", key, "--pass-env", "PW"}, with_password());
  EXPECT_NE(again.exit_code, 0);
  const auto no_pass = inkan::test::inkan_cli({"csr", "--address", "alice@example.org", "--key-out", dir.file("k2.pem").string()});
  EXPECT_EQ(no_pass.exit_code, 4) << inkan::test::describe(no_pass);
  EXPECT_NE(no_pass.err.find("[PASSWORD_REQUIRED]"), std::string::npos) << no_pass.err;
}

}  // namespace
