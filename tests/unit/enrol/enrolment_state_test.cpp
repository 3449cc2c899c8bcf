// The resumable enrolment: its JSON form keeps no secret in clear and
// survives a round trip, and the RFC 8823 reply side (match the mail to the
// authorization, check it, digest it, answer once, wait before "{}") works
// on a saved state without any network.
#include "base64url.h"
#include "enrolment.h"
#include "error.h"
#include "jwk.h"
#include "support/files.h"
#include "support/process.h"

#include <gtest/gtest.h>

namespace {

using inkan::enrol::Enrolment;
using inkan::enrol::Stage;

constexpr std::int64_t kNow = 1700000000;
constexpr const char* kPass = "test passphrase";

const char* const kChallengeMail =
    "DKIM-Signature: v=1; a=rsa-sha256; d=example.org; s=sel; h=From:To:Subject:Date:Message-ID:Auto-Submitted;\r\n"
    " bh=AAAA; b=AAAA\r\n"
    "Auto-Submitted: auto-generated; type=acme\r\n"
    "Date: Sat, 5 Dec 2020 10:08:55 +0100\r\n"
    "Message-ID: <A2299BB.FF7788@example.org>\r\n"
    "From: acme-generator@example.org\r\n"
    "To: Alexey <alexey@example.com>\r\n"
    "Reply-To: acme-validator@example.org\r\n"
    "Subject: =?UTF-8?Q?ACME:_LgYemJLy3F1LDki=20JrdIGbEzyFJyOyf=20=206vBdyZ1TG3sME=3D?=\r\n"
    "Content-Type: text/plain\r\n"
    "\r\n"
    "challenge\r\n";

inkan::enrol::EnrolmentRequest email_request() {
  inkan::enrol::EnrolmentRequest r;
  r.server = inkan::enrol::profile_for("https://127.0.0.1:9/dir");  // never contacted by these tests
  r.identifiers = {{"email", "alexey@example.com"}};
  r.terms_agreed = true;
  r.certificate_key_type = inkan::enrol::KeyType::p256;
  r.key_protection_iterations = 1000;
  return r;
}

// A saved enrolment waiting for the RFC 8823 example challenge.
Enrolment waiting_enrolment(inkan::enrol::rfc8823::TokenConcatenation mode) {
  auto e = inkan::enrol::start_enrolment(email_request(), kPass, kNow);
  e.server.concatenation = mode;
  e.account_thumbprint = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";  // the research's worked example
  e.account_url = "https://127.0.0.1:9/acct/1";
  e.order_url = "https://127.0.0.1:9/order/1";
  e.order_created_at = kNow;
  e.stage = Stage::authorizing;
  inkan::enrol::AuthorizationState a;
  a.url = "https://127.0.0.1:9/authz/1";
  a.identifier = {"email", "alexey@example.com"};
  a.status = "pending";
  a.challenge_type = "email-reply-00";
  a.challenge_url = "https://127.0.0.1:9/chall/1";
  a.token = "DGyRejmCefe7v4NfDGDKfA";
  a.from = "acme-generator@example.org";
  e.authorizations = {a};
  return e;
}

inkan::enrol::StepContext offline_context(std::int64_t now) {
  inkan::enrol::StepContext ctx;
  ctx.passphrase = kPass;
  ctx.now = now;
  return ctx;
}

TEST(EnrolmentState, NoSecretInClearAndARoundTrip) {
  const auto e = inkan::enrol::start_enrolment(email_request(), kPass, kNow);
  const std::string text = inkan::enrol::to_json(e).dump();
  EXPECT_EQ(text.find("BEGIN PRIVATE KEY"), std::string::npos);
  EXPECT_EQ(text.find("BEGIN EC PRIVATE KEY"), std::string::npos);
  EXPECT_NE(text.find("BEGIN ENCRYPTED PRIVATE KEY"), std::string::npos);
  EXPECT_EQ(text.find(kPass), std::string::npos);
  const auto back = inkan::enrol::enrolment_from_json(nlohmann::json::parse(text));
  EXPECT_EQ(inkan::enrol::to_json(back), inkan::enrol::to_json(e));
  EXPECT_EQ(back.stage, Stage::created);

  // Both keys open with openssl under the passphrase; the thumbprint is the account key's.
  inkan::test::TempDir dir;
  const auto acct = inkan::test::openssl({"pkey", "-in", dir.put("a.pem", e.account_key_pem), "-passin", std::string("pass:") + kPass, "-noout", "-text"});
  EXPECT_EQ(acct.exit_code, 0) << acct.err;
  EXPECT_NE(acct.out.find("P-256"), std::string::npos);
  EXPECT_EQ(inkan::enrol::jwk_thumbprint(inkan::enrol::decrypt_private_key(e.account_key_pem, kPass).get()), e.account_thumbprint);
  const auto cert_key = inkan::enrol::certificate_key(e, kPass);
  ASSERT_TRUE(cert_key);

  // The CSR names the address, as CN and rfc822Name, and belongs to the certificate key.
  const auto der = inkan::enrol::base64url_decode(e.csr_der);
  ASSERT_TRUE(der);
  const auto csr = inkan::test::openssl_ok({"req", "-in", dir.put("r.der", *der), "-inform", "DER", "-noout", "-text", "-pubkey"});
  EXPECT_NE(csr.find("CN = alexey@example.com"), std::string::npos) << csr;
  EXPECT_NE(csr.find("email:alexey@example.com"), std::string::npos) << csr;
  EXPECT_NE(csr.find(inkan::enrol::public_key_pem(cert_key.get())), std::string::npos);
}

TEST(EnrolmentState, DamagedStatesAreUsageErrors) {
  const auto good = inkan::enrol::to_json(inkan::enrol::start_enrolment(email_request(), kPass, kNow));
  for (const char* field : {"version", "stage", "account_key", "csr", "identifiers"}) {
    auto bad = good;
    bad.erase(field);
    try {
      (void)inkan::enrol::enrolment_from_json(bad);
      ADD_FAILURE() << "accepted without " << field;
    } catch (const inkan::Error& e) {
      EXPECT_EQ(e.code(), inkan::Errc::usage) << field;
    }
  }
  auto wrong_stage = good;
  wrong_stage["stage"] = "teleported";
  EXPECT_THROW(inkan::enrol::enrolment_from_json(wrong_stage), inkan::Error);
  EXPECT_THROW(inkan::enrol::enrolment_from_json(nlohmann::json::array()), inkan::Error);
}

TEST(EnrolmentState, DnsIdentifiersNeedAnAutomaticChallengeType) {
  auto r = email_request();
  r.identifiers = {{"dns", "example.org"}};
  EXPECT_THROW(inkan::enrol::start_enrolment(r, kPass, kNow), inkan::Error);
  r.auto_challenge_type = "http-01";
  const auto e = inkan::enrol::start_enrolment(r, kPass, kNow);
  inkan::test::TempDir dir;
  const auto csr = inkan::test::openssl_ok({"req", "-in", dir.put("r.der", *inkan::enrol::base64url_decode(e.csr_der)), "-inform", "DER",
                                            "-noout", "-text"});
  EXPECT_NE(csr.find("DNS:example.org"), std::string::npos) << csr;
  EXPECT_EQ(csr.find("CN ="), std::string::npos) << csr;
}

TEST(EnrolmentReply, BytesServerGetsTheBytesDigest) {
  auto e = waiting_enrolment(inkan::enrol::rfc8823::TokenConcatenation::bytes);
  const auto reply = inkan::enrol::prepare_reply(e, kChallengeMail, kNow + 60);
  EXPECT_EQ(reply.digest, "XW5kWcqNuiysUrDy6cZazLQ3v2QZNKXIKVMtfc8-gHY");
  EXPECT_EQ(reply.mail.to, std::vector<std::string>{"acme-validator@example.org"});
  EXPECT_EQ(reply.mail.from, "alexey@example.com");
  EXPECT_EQ(reply.mail.subject, "Re: ACME: LgYemJLy3F1LDkiJrdIGbEzyFJyOyf6vBdyZ1TG3sME=");
  EXPECT_EQ(e.authorizations[0].reply_message_id, "<A2299BB.FF7788@example.org>");
}

TEST(EnrolmentReply, StringServerGetsTheStringDigest) {
  auto e = waiting_enrolment(inkan::enrol::rfc8823::TokenConcatenation::string);
  EXPECT_EQ(inkan::enrol::prepare_reply(e, kChallengeMail, kNow + 60).digest, "ZEzZgc9aJoD_n58jPgRZT72bYhm3xgODx3XMbYEeaBo");
}

TEST(EnrolmentReply, AStateThatWentThroughJsonGivesTheSameReply) {
  auto e = waiting_enrolment(inkan::enrol::rfc8823::TokenConcatenation::bytes);
  auto resumed = inkan::enrol::enrolment_from_json(nlohmann::json::parse(inkan::enrol::to_json(e).dump()));
  EXPECT_EQ(inkan::enrol::prepare_reply(resumed, kChallengeMail, kNow + 60).digest, "XW5kWcqNuiysUrDy6cZazLQ3v2QZNKXIKVMtfc8-gHY");
}

TEST(EnrolmentReply, StepWaitsForTheReplyThenForTheDelay) {
  auto e = waiting_enrolment(inkan::enrol::rfc8823::TokenConcatenation::bytes);
  e.server.answer_delay = std::chrono::seconds(30);
  auto r = inkan::enrol::step(e, offline_context(kNow + 10));
  EXPECT_EQ(r.stage, Stage::authorizing);
  EXPECT_EQ(r.awaiting_reply, std::vector<std::size_t>{0});
  EXPECT_FALSE(r.done);

  EXPECT_THROW(inkan::enrol::mark_reply_sent(e, 0, kNow + 20), inkan::Error) << "nothing was prepared yet";
  (void)inkan::enrol::prepare_reply(e, kChallengeMail, kNow + 20);
  inkan::enrol::mark_reply_sent(e, 0, kNow + 25);
  r = inkan::enrol::step(e, offline_context(kNow + 30));
  EXPECT_TRUE(r.awaiting_reply.empty());
  EXPECT_EQ(r.wait, std::chrono::seconds(25)) << "RFC 8823: answer only after the mail had time to arrive";
  EXPECT_EQ(e.authorizations[0].answered_at, 0);
}

TEST(EnrolmentReply, NeverTwice) {
  auto e = waiting_enrolment(inkan::enrol::rfc8823::TokenConcatenation::bytes);
  (void)inkan::enrol::prepare_reply(e, kChallengeMail, kNow + 60);
  // Preparing again before sending (a crash between the two) is allowed ...
  (void)inkan::enrol::prepare_reply(e, kChallengeMail, kNow + 70);
  inkan::enrol::mark_reply_sent(e, 0, kNow + 80);
  // ... after sending it is not, whatever mail comes.
  try {
    (void)inkan::enrol::prepare_reply(e, kChallengeMail, kNow + 90);
    FAIL();
  } catch (const inkan::Error& err) {
    EXPECT_EQ(err.code(), inkan::Errc::challenge_mail_invalid);
    EXPECT_NE(err.detail().find("already answered"), std::string::npos) << err.detail();
  }
}

TEST(EnrolmentReply, OldOrdersAndBadMailsAreRefused) {
  auto e = waiting_enrolment(inkan::enrol::rfc8823::TokenConcatenation::bytes);
  EXPECT_THROW(inkan::enrol::prepare_reply(e, kChallengeMail, kNow + 24 * 3600 + 1), inkan::Error);

  std::string forged = kChallengeMail;
  forged.replace(forged.find("From: acme-generator@example.org"), 32, "From: acme-generator@example.net");
  try {
    (void)inkan::enrol::prepare_reply(e, forged, kNow + 60);
    FAIL();
  } catch (const inkan::Error& err) {
    EXPECT_EQ(err.code(), inkan::Errc::challenge_mail_invalid);
    EXPECT_NE(err.detail().find("from"), std::string::npos) << err.detail();
  }
  EXPECT_EQ(e.authorizations[0].reply_prepared_at, 0) << "a refused mail leaves no trace";

  auto not_waiting = waiting_enrolment(inkan::enrol::rfc8823::TokenConcatenation::bytes);
  not_waiting.stage = Stage::finalizing;
  EXPECT_THROW(inkan::enrol::prepare_reply(not_waiting, kChallengeMail, kNow + 60), inkan::Error);
}

TEST(EnrolmentReply, LenientServersAcceptBareChallenges) {
  const std::string bare =
      "From: acme-generator@example.org\r\nTo: alexey@example.com\r\n"
      "Subject: ACME: LgYemJLy3F1LDkiJrdIGbEzyFJyOyf6vBdyZ1TG3sME=\r\n\r\nbody\r\n";
  auto strict = waiting_enrolment(inkan::enrol::rfc8823::TokenConcatenation::string);
  EXPECT_THROW(inkan::enrol::prepare_reply(strict, bare, kNow + 60), inkan::Error);
  auto lenient = waiting_enrolment(inkan::enrol::rfc8823::TokenConcatenation::string);
  lenient.server.lenient_challenge_checks = true;
  const auto reply = inkan::enrol::prepare_reply(lenient, bare, kNow + 60);
  EXPECT_EQ(reply.mail.to, std::vector<std::string>{"acme-generator@example.org"});
  EXPECT_TRUE(reply.mail.in_reply_to.empty());
}

TEST(KnownServers, CastleUsesTheBytesReadingAndOthersTheDefault) {
  const auto castle = inkan::enrol::profile_for("https://acme.castle.cloud/acme/directory");
  EXPECT_EQ(castle.concatenation, inkan::enrol::rfc8823::TokenConcatenation::bytes);
  EXPECT_FALSE(castle.lenient_challenge_checks);
  const auto other = inkan::enrol::profile_for("https://ca.example/directory");
  EXPECT_EQ(other.concatenation, inkan::enrol::rfc8823::kDefaultConcatenation);
  EXPECT_TRUE(other.name.empty());
  auto j = inkan::enrol::to_json(other);
  j["concatenation"] = "bytes";
  j["lenient_challenge_checks"] = true;
  const auto edited = inkan::enrol::server_profile_from_json(j);
  EXPECT_EQ(edited.concatenation, inkan::enrol::rfc8823::TokenConcatenation::bytes);
  EXPECT_TRUE(edited.lenient_challenge_checks);
  j["concatenation"] = "both";
  EXPECT_THROW(inkan::enrol::server_profile_from_json(j), inkan::Error);
}

}  // namespace
