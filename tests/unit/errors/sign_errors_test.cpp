// Signing refuses what recipients would reject, each with its own code:
// unusable certificates, weak keys or digests, and a From the certificate
// does not cover.
#include "canonical/canonical_support.h"
#include "cms/sign.h"
#include "error.h"
#include "io/sink.h"
#include "io/source.h"
#include "smime/sign_message.h"
#include "support/files.h"
#include "support/pki.h"
#include "support/process.h"
#include "support/smime_fixtures.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>

namespace {

using inkan::Errc;

const std::string kSignedBody = "body\r\n";

std::string message_from(const std::string& from_fields) {
  return from_fields + "To: bob@example.net\r\nSubject: s\r\nContent-Type: text/plain\r\n\r\n" + kSignedBody;
}

std::string sign(const std::string& message, const inkan::keys::Credentials& creds) {
  const inkan::io::MemorySource src(message);
  std::string out;
  inkan::io::StringSink sink(out);
  inkan::smime::SignMessageOptions o;
  o.now = inkan::test::now_seconds();
  inkan::smime::sign_message(src, creds, o, sink);
  return out;
}

Errc sign_error(const std::string& message, const std::string& who) {
  const auto creds = inkan::test::credentials(who);
  try {
    sign(message, creds);
  } catch (const inkan::Error& e) {
    return e.code();
  }
  ADD_FAILURE() << "signing with " << who << " succeeded";
  return Errc::internal;
}

TEST(Sign, UsableCertificateSignsAndOpensslVerifies) {
  inkan::test::TempDir dir;
  const std::string signed_message = sign(message_from("From: alice@example.org\r\n"), inkan::test::credentials("alice"));
  const auto r = inkan::test::openssl({"cms", "-verify", "-in", dir.put("signed.eml", signed_message), "-CAfile",
                                       inkan::test::pki("root.pem"), "-purpose", "smimesign"});
  ASSERT_EQ(r.exit_code, 0) << inkan::test::describe(r);
  // What openssl says was signed is the message's body, intact.
  const auto part = inkan::test::split_entity(r.out);
  EXPECT_EQ(inkan::test::lower(inkan::test::field_value(part.headers, "Content-Type")).rfind("text/plain", 0), 0u) << r.out;
  EXPECT_EQ(inkan::test::decode_part(part), kSignedBody) << r.out;
}

TEST(Sign, ExpiredCertificateIsUnusable) {
  EXPECT_EQ(sign_error(message_from("From: expired@example.org\r\n"), "expired"), Errc::signer_cert_unusable);
}

TEST(Sign, NotYetValidCertificateIsUnusable) {
  EXPECT_EQ(sign_error(message_from("From: notyet@example.org\r\n"), "notyet"), Errc::signer_cert_unusable);
}

TEST(Sign, EncryptionOnlyCertificateIsUnusable) {
  EXPECT_EQ(sign_error(message_from("From: encryptonly@example.org\r\n"), "encryptonly"), Errc::signer_cert_unusable);
}

TEST(Sign, ServerAuthCertificateIsUnusable) {
  EXPECT_EQ(sign_error(message_from("From: servereku@example.org\r\n"), "servereku"), Errc::signer_cert_unusable);
}

TEST(Sign, Rsa1024IsWeak) {
  EXPECT_EQ(sign_error(message_from("From: weak@example.org\r\n"), "weak"), Errc::weak_algorithm);
}

TEST(Sign, FromNotInTheCertificateIsAddressMismatch) {
  EXPECT_EQ(sign_error(message_from("From: bob@example.net\r\n"), "alice"), Errc::signer_address_mismatch);
}

TEST(Sign, EveryFromAddressMustBeInTheCertificate) {
  EXPECT_EQ(sign_error(message_from("From: alice@example.org, bob@example.net\r\n"), "alice"),
            Errc::signer_address_mismatch);
}

TEST(Sign, NoFromAndNoSenderIsAddressMismatch) {
  EXPECT_EQ(sign_error(message_from(""), "alice"), Errc::signer_address_mismatch);
}

TEST(Sign, CertificateWithoutAddressIsAddressMismatch) {
  EXPECT_EQ(sign_error(message_from("From: noemail@example.org\r\n"), "noemail"), Errc::signer_address_mismatch);
}

TEST(Sign, SenderStandsInForAMissingFrom) {
  EXPECT_NO_THROW(sign(message_from("Sender: alice@example.org\r\n"), inkan::test::credentials("alice")));
}

TEST(Sign, FromMatchesCaseInsensitively) {
  EXPECT_NO_THROW(sign(message_from("From: Alice <ALICE@EXAMPLE.ORG>\r\n"), inkan::test::credentials("alice")));
}

TEST(Sign, WeakAndUnknownDigestNames) {
  const auto code = [](const char* name) {
    try {
      inkan::cms::digest_by_name(name);
    } catch (const inkan::Error& e) {
      return e.code();
    }
    return Errc::internal;
  };
  EXPECT_EQ(code("sha1"), Errc::weak_algorithm);
  EXPECT_EQ(code("SHA-1"), Errc::weak_algorithm);
  EXPECT_EQ(code("md5"), Errc::weak_algorithm);
  EXPECT_EQ(code("whirlpool"), Errc::usage);
  EXPECT_NE(inkan::cms::digest_by_name("SHA-384"), nullptr);
}

}  // namespace
