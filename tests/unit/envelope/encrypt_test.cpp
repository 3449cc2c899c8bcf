// Encrypting: what Inkan writes must open with the openssl command line, and
// recipients that cannot receive encrypted mail are refused up front.
#include "canonical/canonical_support.h"
#include "error.h"
#include "io/sink.h"
#include "io/source.h"
#include "smime/encrypt_message.h"
#include "support/files.h"
#include "support/pki.h"
#include "support/process.h"
#include "support/reference_codecs.h"
#include "support/smime_fixtures.h"

#include <gtest/gtest.h>

#include <string>

namespace {

using inkan::Errc;

const std::string kBody = "\xE7\xA7\x98\xE5\xAF\x86\xE3\x81\xAE\xE8\xA9\xB1\r\n";  // 秘密の話
const std::string kMessage =
    "From: alice@example.org\r\nTo: bob@example.net\r\nSubject: sealed\r\nDate: Mon, 23 Nov 2026 12:00:00 +0000\r\n"
    "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + kBody;

// What openssl decrypts with WHO's key: the exit code, and the decoded body when it succeeded.
std::pair<int, std::optional<std::string>> openssl_decrypts(const std::string& path, const std::string& who) {
  const auto r = inkan::test::openssl({"cms", "-decrypt", "-binary", "-in", path, "-recip", inkan::test::pki(who + ".pem"),
                                       "-inkey", inkan::test::pki(who + ".key")});
  if (r.exit_code != 0) return {r.exit_code, std::nullopt};
  return {0, inkan::test::decode_part(inkan::test::split_entity(r.out))};
}

inkan::smime::EncryptMessageOptions to(const std::vector<std::string>& names) {
  inkan::smime::EncryptMessageOptions o;
  for (const auto& n : names) o.recipients.push_back(inkan::cms::Recipient{inkan::test::certificate(n), {}, false});
  o.self = inkan::test::certificate("alice");
  o.now = inkan::test::now_seconds();
  return o;
}

std::string encrypt(const std::string& message, inkan::smime::EncryptMessageOptions options) {
  const inkan::io::MemorySource src(message);
  std::string out;
  inkan::io::StringSink sink(out);
  inkan::smime::encrypt_message(src, std::move(options), sink);
  return out;
}

Errc encrypt_error(inkan::smime::EncryptMessageOptions options) {
  try {
    encrypt(kMessage, std::move(options));
  } catch (const inkan::Error& e) {
    return e.code();
  }
  ADD_FAILURE() << "encryption succeeded";
  return Errc::internal;
}

TEST(Encrypt, OpensslDecryptsWhatInkanEncrypted) {
  inkan::test::TempDir dir;
  const std::string msg = encrypt(kMessage, to({"bob"}));
  const std::string path = dir.put("sealed.eml", msg);
  for (const char* who : {"bob", "alice"}) {  // the recipient, and the sender's own copy
    const auto r = inkan::test::openssl({"cms", "-decrypt", "-binary", "-in", path, "-recip", inkan::test::pki(std::string(who) + ".pem"),
                                         "-inkey", inkan::test::pki(std::string(who) + ".key")});
    ASSERT_EQ(r.exit_code, 0) << who << ": " << inkan::test::describe(r);
    EXPECT_TRUE(inkan::test::ref_is_7bit(r.out)) << "the encrypted entity must be canonical: " << r.out;
    const auto part = inkan::test::split_entity(r.out);
    EXPECT_EQ(inkan::test::lower(inkan::test::field_value(part.headers, "Content-Type")), "text/plain; charset=utf-8") << r.out;
    EXPECT_EQ(inkan::test::decode_part(part), kBody) << who << ": " << r.out;
  }
  EXPECT_NE(openssl_decrypts(path, "carol").first, 0);
}

TEST(Encrypt, OuterHeadersStayOutsideAndTheBodyDoesNot) {
  const std::string msg = encrypt(kMessage, to({"bob"}));
  const auto blank = msg.find("\r\n\r\n");
  ASSERT_NE(blank, std::string::npos);
  const std::string headers = msg.substr(0, blank);
  EXPECT_NE(headers.find("Subject: sealed"), std::string::npos);
  EXPECT_NE(headers.find("application/pkcs7-mime"), std::string::npos);
  EXPECT_TRUE(inkan::test::ref_is_7bit(msg));
  // Not the plaintext in any transfer encoding either: the body is CMS EnvelopedData.
  const std::string body = msg.substr(blank + 4);
  EXPECT_EQ(body.find(inkan::test::ref_base64(kBody).substr(0, 12)), std::string::npos);
  EXPECT_EQ(body.find("=E7=A7=98"), std::string::npos);
  const auto der = inkan::test::ref_base64_decode(body);
  ASSERT_TRUE(der.has_value());
  inkan::test::TempDir dir;
  const auto printed = inkan::test::openssl({"cms", "-cmsout", "-print", "-inform", "DER", "-in", dir.put("body.der", *der)});
  ASSERT_EQ(printed.exit_code, 0) << inkan::test::describe(printed);
  EXPECT_NE(printed.out.find("pkcs7-envelopedData"), std::string::npos) << printed.out;
}

TEST(Encrypt, ExpiredRecipientIsUnusable) {
  EXPECT_EQ(encrypt_error(to({"expired"})), Errc::recipient_cert_unusable);
}

TEST(Encrypt, NotYetValidRecipientIsUnusable) {
  EXPECT_EQ(encrypt_error(to({"notyet"})), Errc::recipient_cert_unusable);
}

TEST(Encrypt, SigningOnlyRecipientIsUnusable) {
  EXPECT_EQ(encrypt_error(to({"signonly"})), Errc::recipient_cert_unusable);
}

TEST(Encrypt, ServerAuthOnlyRecipientIsUnusable) {
  EXPECT_EQ(encrypt_error(to({"servereku"})), Errc::recipient_cert_unusable);
}

TEST(Encrypt, OneUnusableRecipientAmongGoodOnesStopsEverything) {
  EXPECT_EQ(encrypt_error(to({"bob", "expired", "carol"})), Errc::recipient_cert_unusable);
}

TEST(Encrypt, NoRecipientsIsAUsageError) {
  EXPECT_EQ(encrypt_error(to({})), Errc::usage);
}

TEST(Encrypt, WithoutOwnCertificateItNeedsExplicitConsent) {
  auto o = to({"bob"});
  o.self.reset();
  EXPECT_EQ(encrypt_error(std::move(o)), Errc::usage);
  auto consent = to({"bob"});
  consent.self.reset();
  consent.allow_without_self = true;
  inkan::test::TempDir dir;
  const std::string path = dir.put("no-self.eml", encrypt(kMessage, std::move(consent)));
  EXPECT_EQ(openssl_decrypts(path, "bob").second, kBody);
  EXPECT_NE(openssl_decrypts(path, "alice").first, 0) << "the sender's certificate was left out on request";
}

TEST(Encrypt, SignAndEncryptWithAnExpiredSignerIsRefused) {
  const auto expired = inkan::test::credentials("expired");
  auto o = to({"bob"});
  o.sign_with = &expired;
  EXPECT_EQ(encrypt_error(std::move(o)), Errc::signer_cert_unusable);
}

}  // namespace
