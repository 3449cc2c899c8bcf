// Hostile and broken input: every failure is an inkan::Error with its stable
// code (or, for a damaged signature inside a message, a "bad" verdict) and
// never a crash, a hang or an unbounded allocation.
#include "error.h"
#include "io/source.h"
#include "smime/analyse.h"
#include "support/files.h"
#include "support/pki.h"
#include "support/smime_fixtures.h"

#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <string>

namespace {

using inkan::Errc;

const std::string kSignedDataOid = "\x06\x09\x2A\x86\x48\x86\xF7\x0D\x01\x07\x02";     // 1.2.840.113549.1.7.2
const std::string kEnvelopedDataOid = "\x06\x09\x2A\x86\x48\x86\xF7\x0D\x01\x07\x03";  // 1.2.840.113549.1.7.3

struct Outcome {
  bool threw = false;
  Errc code = Errc::internal;
  inkan::Verdict verdict;
};

Outcome run_analyse(const std::string& bytes, const inkan::keys::Credentials* key = nullptr) {
  const inkan::io::MemorySource src(bytes);
  const inkan::x509::TrustStore trust;
  inkan::smime::AnalyseOptions o;
  o.trust = &trust;
  if (key != nullptr) o.keys = {key};
  Outcome out;
  try {
    out.verdict = inkan::smime::analyse(src, o).verdict;
  } catch (const inkan::Error& e) {
    out.threw = true;
    out.code = e.code();
  }
  return out;
}

Errc analyse_error(const std::string& bytes, const inkan::keys::Credentials* key = nullptr) {
  const Outcome o = run_analyse(bytes, key);
  EXPECT_TRUE(o.threw) << "no error; status " << inkan::status_name(o.verdict.status);
  return o.code;
}

class HostileInput : public ::testing::Test {
protected:
  inkan::test::TempDir m_dir;
  std::string opaque_signed() {
    return inkan::test::openssl_sign(m_dir, inkan::test::pki_signer("alice"),
                                     inkan::test::text_entity("payload\r\n"), {"-nodetach"});
  }
};

TEST_F(HostileInput, RandomBytesNeverCrash) {
  std::mt19937 rng(42);
  for (int round = 0; round < 300; ++round) {
    std::string bytes(std::uniform_int_distribution<std::size_t>(0, 2000)(rng), '\0');
    for (auto& c : bytes) c = static_cast<char>(std::uniform_int_distribution<int>(0, 255)(rng));
    if (round % 3 == 0 && !bytes.empty()) bytes[0] = '\x30';  // looks like DER
    const Outcome o = run_analyse(bytes);
    if (o.threw) {
      EXPECT_NE(o.code, Errc::internal) << "round " << round;
    } else {
      EXPECT_NE(o.verdict.status, inkan::Status::good) << "round " << round;
    }
  }
}

TEST_F(HostileInput, RandomDerIsCmsMalformed) {
  std::mt19937 rng(7);
  for (int round = 0; round < 100; ++round) {
    std::string bytes = "\x30\x82\x01\x00";
    for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(std::uniform_int_distribution<int>(0, 255)(rng)));
    EXPECT_EQ(analyse_error(bytes), Errc::cms_malformed) << "round " << round;
  }
}

TEST_F(HostileInput, TruncatedSignedDerIsCmsMalformed) {
  const std::string der = opaque_signed();
  for (const std::size_t keep : {der.size() - 1, der.size() - 100, der.size() / 2, std::size_t{40}, std::size_t{20}}) {
    EXPECT_EQ(analyse_error(der.substr(0, keep)), Errc::cms_malformed) << "kept " << keep << " of " << der.size();
  }
}

TEST_F(HostileInput, TruncatedSignatureInsideAMessageIsABadSignature) {
  const std::string der = opaque_signed();
  const Outcome o = run_analyse(inkan::test::pkcs7_mime("From: alice@example.org\r\n", "signed-data",
                                                        der.substr(0, der.size() / 2)));
  ASSERT_FALSE(o.threw) << inkan::code_string(o.code);
  EXPECT_TRUE(o.verdict.is_signed);
  EXPECT_EQ(o.verdict.status, inkan::Status::bad);
}

TEST_F(HostileInput, HugeLengthFieldsAreMalformedNotAllocated) {
  // Lengths claiming gigabytes (and one beyond 2^63) inside a few bytes of input.
  const std::vector<std::string> forged{
      std::string("\x30\x84\x7F\xFF\xFF\xFF", 6) + kSignedDataOid + std::string("\xA0\x84\x7F\xFF\xFF\xF0\x30\x00", 8),
      std::string("\x30\x88\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF", 10) + kSignedDataOid + std::string("\xA0\x80\x00\x00", 4),
      std::string("\x30\x80", 2) + kSignedDataOid + std::string("\xA0\x84\xFF\xFF\xFF\xFF\x02\x01\x01", 9),
  };
  for (const auto& bytes : forged) {
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(analyse_error(bytes), Errc::cms_malformed);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  }
}

TEST_F(HostileInput, HugeLengthFieldsInAnEnvelopeAreMalformed) {
  const auto bob = inkan::test::credentials("bob");
  const std::vector<std::string> forged{
      std::string("\x30\x84\x7F\xFF\xFF\xFF", 6) + kEnvelopedDataOid + std::string("\xA0\x84\x7F\xFF\xFF\xF0\x30\x00", 8),
      std::string("\x30\x80", 2) + kEnvelopedDataOid + std::string("\xA0\x80\x30\x80\x02\x01\x00\x31\x84\xFF\xFF\xFF\xFF", 13),
  };
  for (const auto& bytes : forged) {
    EXPECT_EQ(analyse_error(bytes, &bob), Errc::cms_malformed);
    const inkan::io::MemorySource src(bytes);
    try {
      inkan::smime::decrypt_message(src, {&bob});
      ADD_FAILURE() << "decrypted a forged envelope";
    } catch (const inkan::Error& e) {
      EXPECT_EQ(e.code(), Errc::cms_malformed);
    }
  }
}

TEST_F(HostileInput, DeeplyNestedIndefiniteLengthsAreMalformed) {
  std::string bytes = std::string("\x30\x80", 2) + kEnvelopedDataOid + "\xA0\x80";
  for (int i = 0; i < 20000; ++i) bytes += std::string("\x30\x80", 2);
  const auto bob = inkan::test::credentials("bob");
  EXPECT_EQ(analyse_error(bytes, &bob), Errc::cms_malformed);
  std::string signed_nest = std::string("\x30\x80", 2) + kSignedDataOid + "\xA0\x80";
  for (int i = 0; i < 20000; ++i) signed_nest += std::string("\x30\x80", 2);
  EXPECT_EQ(analyse_error(signed_nest), Errc::cms_malformed);
}

TEST_F(HostileInput, PemWithGarbageIsCmsMalformed) {
  EXPECT_EQ(analyse_error("-----BEGIN PKCS7-----\nbm90IGEgY21zIG9iamVjdA==\n-----END PKCS7-----\n"),
            Errc::cms_malformed);
}

TEST_F(HostileInput, EnvelopeWithoutKeyIsNoMatchingRecipient) {
  const std::string der = inkan::test::openssl_encrypt(m_dir, {"bob"}, "Content-Type: text/plain\r\n\r\nx\r\n");
  EXPECT_EQ(analyse_error(der), Errc::no_matching_recipient);
}

TEST_F(HostileInput, HugeHeaderBlockIsMimeMalformed) {
  std::string message;
  while (message.size() < (2u << 20)) message += "X-Spam: " + std::string(500, 's') + "\r\n";
  message += "\r\nbody\r\n";
  EXPECT_EQ(analyse_error(message), Errc::mime_malformed);
}

TEST_F(HostileInput, AbsurdNestingIsMimeTooDeep) {
  std::string head, tail;
  for (int i = 0; i < 3000; ++i) {
    head += "Content-Type: multipart/mixed; boundary=" + std::to_string(i) + "\r\n\r\n--" + std::to_string(i) + "\r\n";
    tail = "\r\n--" + std::to_string(i) + "--" + tail;
  }
  EXPECT_EQ(analyse_error(head + "\r\nleaf" + tail), Errc::mime_too_deep);
}

TEST_F(HostileInput, AMessageThatIsOneHugeLineIsFine) {
  const std::string message = "Content-Type: text/plain\r\n\r\n" + std::string(8 << 20, 'a');
  const Outcome o = run_analyse(message);
  ASSERT_FALSE(o.threw) << inkan::code_string(o.code);
  EXPECT_EQ(o.verdict.status, inkan::Status::no_signature);
}

TEST_F(HostileInput, ManyEmptyPartsAreBounded) {
  std::string message = "Content-Type: multipart/mixed; boundary=x\r\n\r\n";
  for (int i = 0; i < 20000; ++i) message += "--x\r\n";
  message += "--x--\r\n";
  const Outcome o = run_analyse(message);
  if (o.threw) EXPECT_EQ(o.code, Errc::mime_malformed);
  else EXPECT_EQ(o.verdict.status, inkan::Status::no_signature);
}

TEST_F(HostileInput, SignatureBase64GarbageIsABadSignature) {
  const std::string entity = inkan::test::text_entity("x\r\n");
  const std::string message =
      "From: alice@example.org\r\nContent-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; boundary=s\r\n"
      "\r\n--s\r\n" + entity + "\r\n--s\r\nContent-Type: application/pkcs7-signature\r\n"
      "Content-Transfer-Encoding: base64\r\n\r\n!!!! not base64 at all ????\r\n--s--\r\n";
  const Outcome o = run_analyse(message);
  ASSERT_FALSE(o.threw) << inkan::code_string(o.code);
  EXPECT_EQ(o.verdict.status, inkan::Status::bad);
}

}  // namespace
