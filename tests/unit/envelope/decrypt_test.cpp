// Decrypting what the openssl command line encrypted, and every way it can
// fail: not for this key, tampered ciphertext (CBC padding, GCM tag), not
// encrypted at all, or encrypted below the root (EFAIL).
#include "error.h"
#include "io/sink.h"
#include "io/source.h"
#include "smime/analyse.h"
#include "support/files.h"
#include "support/pki.h"
#include "support/process.h"
#include "support/reference_codecs.h"
#include "support/smime_fixtures.h"
#include "verdict_json.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <optional>
#include <string>
#include <vector>

namespace {

using inkan::Errc;

class Decrypt : public ::testing::Test {
protected:
  // 3 blocks and a bit: CBC padding is 16 - (size % 16).
  const std::string m_plain = "Content-Type: text/plain; charset=us-ascii\r\n\r\nThe eagle lands at dawn. 4711\r\n";

  std::string message(const std::string& der, const std::string& type = "enveloped-data") const {
    return inkan::test::pkcs7_mime("From: alice@example.org\r\nTo: bob@example.net\r\n", type, der);
  }

  static std::string plaintext_of(const inkan::smime::DecryptedMessage& d) {
    return inkan::io::read_range(*d.plaintext, 0, d.plaintext->size(), 64 << 20);
  }

  static inkan::smime::DecryptedMessage decrypt(const std::string& msg, const inkan::keys::Credentials& key) {
    const inkan::io::MemorySource src(msg);
    return inkan::smime::decrypt_message(src, {&key});
  }

  static Errc decrypt_error(const std::string& msg, const std::vector<const inkan::keys::Credentials*>& keys) {
    const inkan::io::MemorySource src(msg);
    try {
      const auto d = inkan::smime::decrypt_message(src, keys);
      ADD_FAILURE() << "decryption succeeded; plaintext released: " << plaintext_of(d);
      return Errc::internal;
    } catch (const inkan::Error& e) {
      return e.code();
    }
  }

  inkan::test::TempDir m_dir;
};

TEST_F(Decrypt, OpensslAes256CbcEnvelopeDecrypts) {
  const auto bob = inkan::test::credentials("bob");
  const auto d = decrypt(message(inkan::test::openssl_encrypt(m_dir, {"bob"}, m_plain)), bob);
  EXPECT_EQ(plaintext_of(d), m_plain);
  EXPECT_EQ(d.content_cipher, "aes-256-cbc");
  EXPECT_FALSE(d.authenticated);
}

TEST_F(Decrypt, OpensslAes256GcmAuthEnvelopeDecrypts) {
  const auto bob = inkan::test::credentials("bob");
  const auto d = decrypt(message(inkan::test::openssl_encrypt(m_dir, {"bob"}, m_plain, "-aes-256-gcm"),
                                 "authEnveloped-data"),
                         bob);
  EXPECT_EQ(plaintext_of(d), m_plain);
  EXPECT_EQ(d.content_cipher, "aes-256-gcm");
  EXPECT_TRUE(d.authenticated);
}

TEST_F(Decrypt, EcdhRecipientsDecrypt) {
  for (const char* name : {"carol", "dave"}) {
    const auto key = inkan::test::credentials(name);
    const auto d = decrypt(message(inkan::test::openssl_encrypt(m_dir, {name}, m_plain)), key);
    EXPECT_EQ(plaintext_of(d), m_plain) << name;
  }
}

TEST_F(Decrypt, AnyListedRecipientCanDecrypt) {
  const std::string msg = message(inkan::test::openssl_encrypt(m_dir, {"alice", "bob", "carol"}, m_plain));
  for (const char* name : {"alice", "bob", "carol"}) {
    EXPECT_EQ(plaintext_of(decrypt(msg, inkan::test::credentials(name))), m_plain) << name;
  }
}

TEST_F(Decrypt, LegacyTripleDesStillDecrypts) {
  const auto bob = inkan::test::credentials("bob");
  const auto d = decrypt(message(inkan::test::openssl_encrypt(m_dir, {"bob"}, m_plain, "-des3")), bob);
  EXPECT_EQ(plaintext_of(d), m_plain);
  EXPECT_EQ(d.content_cipher, "des-ede3-cbc");
}

TEST_F(Decrypt, BareDerAndPemEnvelopesDecrypt) {
  const auto bob = inkan::test::credentials("bob");
  const std::string der = inkan::test::openssl_encrypt(m_dir, {"bob"}, m_plain);
  EXPECT_EQ(plaintext_of(decrypt(der, bob)), m_plain);
  const std::string pem_path = m_dir.file("env.pem").string();
  inkan::test::openssl_ok({"cms", "-cmsout", "-inform", "DER", "-in", m_dir.put("env.der", der), "-outform", "PEM",
                           "-out", pem_path});
  EXPECT_EQ(plaintext_of(decrypt(inkan::test::read_file(pem_path), bob)), m_plain);
}

TEST_F(Decrypt, TheKeyOfSomeoneElseIsNoMatchingRecipient) {
  const auto alice = inkan::test::credentials("alice");
  EXPECT_EQ(decrypt_error(message(inkan::test::openssl_encrypt(m_dir, {"bob"}, m_plain)), {&alice}),
            Errc::no_matching_recipient);
}

TEST_F(Decrypt, NoKeyAtAllIsNoMatchingRecipient) {
  EXPECT_EQ(decrypt_error(message(inkan::test::openssl_encrypt(m_dir, {"bob"}, m_plain)), {}),
            Errc::no_matching_recipient);
}

TEST_F(Decrypt, ReencodingWithoutChangeStillDecrypts) {
  // Control for the tampering tests: the harness itself (parse, re-encode) changes nothing.
  const auto bob = inkan::test::credentials("bob");
  for (const char* cipher : {"-aes-256-cbc", "-aes-256-gcm"}) {
    const std::string der = inkan::test::openssl_encrypt(m_dir, {"bob"}, m_plain, cipher);
    const std::string same = inkan::test::with_tampered_ciphertext(der, 17, 0x00);
    const std::string type = std::string(cipher) == "-aes-256-gcm" ? "authEnveloped-data" : "enveloped-data";
    EXPECT_EQ(plaintext_of(decrypt(message(same, type), bob)), m_plain) << cipher;
  }
}

TEST_F(Decrypt, TamperedCbcCiphertextIsDecryptFailed) {
  // Changing the last byte of the next-to-last block XORs the last plaintext byte, the
  // padding length (1..16), with 0x20: the padding can no longer be valid.
  const auto bob = inkan::test::credentials("bob");
  const std::string der = inkan::test::openssl_encrypt(m_dir, {"bob"}, m_plain);
  const std::string tampered = inkan::test::with_tampered_ciphertext(der, 17, 0x20);
  EXPECT_EQ(decrypt_error(message(tampered), {&bob}), Errc::decrypt_failed);
}

TEST_F(Decrypt, TamperedGcmCiphertextIsDecryptFailed) {
  const auto bob = inkan::test::credentials("bob");
  const std::string der = inkan::test::openssl_encrypt(m_dir, {"bob"}, m_plain, "-aes-256-gcm");
  for (const std::size_t offset : {std::size_t{1}, m_plain.size() / 2, m_plain.size()}) {
    const std::string tampered = inkan::test::with_tampered_ciphertext(der, offset, 0x01);
    EXPECT_EQ(decrypt_error(message(tampered, "authEnveloped-data"), {&bob}), Errc::decrypt_failed) << offset;
  }
}

TEST_F(Decrypt, TamperedGcmTagIsDecryptFailed) {
  // DER from OpenSSL ends with the MAC (no unauthenticated attributes).
  const auto bob = inkan::test::credentials("bob");
  std::string der = inkan::test::openssl_encrypt(m_dir, {"bob"}, m_plain, "-aes-256-gcm");
  der.back() = static_cast<char>(der.back() ^ 0x80);
  EXPECT_EQ(decrypt_error(message(der, "authEnveloped-data"), {&bob}), Errc::decrypt_failed);
}

TEST_F(Decrypt, TamperedCiphertextThroughAnalyseIsAnErrorNotAVerdict) {
  const auto bob = inkan::test::credentials("bob");
  const std::string tampered =
      inkan::test::with_tampered_ciphertext(inkan::test::openssl_encrypt(m_dir, {"bob"}, m_plain), 17, 0x20);
  const inkan::io::MemorySource src(message(tampered));
  inkan::smime::AnalyseOptions o;
  o.keys = {&bob};
  try {
    inkan::smime::analyse(src, o);
    FAIL() << "analysed a tampered ciphertext";
  } catch (const inkan::Error& e) {
    EXPECT_EQ(e.code(), Errc::decrypt_failed);
  }
}

TEST_F(Decrypt, TruncatedEnvelopeIsMalformed) {
  const auto bob = inkan::test::credentials("bob");
  const std::string der = inkan::test::openssl_encrypt(m_dir, {"bob"}, m_plain);
  for (const std::size_t keep : {der.size() - 1, der.size() - 40, der.size() / 2}) {
    EXPECT_EQ(decrypt_error(message(der.substr(0, keep)), {&bob}), Errc::cms_malformed) << keep;
  }
}

TEST_F(Decrypt, PlainMessageIsNotEncrypted) {
  const auto bob = inkan::test::credentials("bob");
  EXPECT_EQ(decrypt_error("From: a@example.org\r\nContent-Type: text/plain\r\n\r\nhello\r\n", {&bob}),
            Errc::not_encrypted);
}

TEST_F(Decrypt, SignedMessageIsNotEncrypted) {
  const auto bob = inkan::test::credentials("bob");
  const std::string entity = inkan::test::text_entity("signed only\r\n");
  const std::string der = inkan::test::openssl_sign(m_dir, inkan::test::pki_signer("alice"), entity);
  EXPECT_EQ(decrypt_error(inkan::test::multipart_signed("From: alice@example.org\r\n", entity, der), {&bob}),
            Errc::not_encrypted);
  const std::string opaque =
      inkan::test::openssl_sign(m_dir, inkan::test::pki_signer("alice"), entity, {"-nodetach"});
  EXPECT_EQ(decrypt_error(message(opaque, "signed-data"), {&bob}), Errc::not_encrypted);
}

TEST_F(Decrypt, EncryptedPartBelowTheRootIsRefused) {
  const auto bob = inkan::test::credentials("bob");
  const std::string part = inkan::test::pkcs7_mime("", "enveloped-data",
                                                   inkan::test::openssl_encrypt(m_dir, {"bob"}, m_plain));
  const std::string msg = "From: mallory@example.org\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n"
                          "--m\r\nContent-Type: text/plain\r\n\r\nreply to this\r\n--m\r\n" + part + "\r\n--m--\r\n";
  EXPECT_EQ(decrypt_error(msg, {&bob}), Errc::encrypted_part_not_root);
}

TEST_F(Decrypt, Pkcs7MimeWithoutCmsIsMalformedNotUnencrypted) {
  // It says it is encrypted; a body that is not CMS is damage, not a plain message.
  const auto bob = inkan::test::credentials("bob");
  EXPECT_EQ(decrypt_error(message("not DER, not anything"), {&bob}), Errc::cms_malformed);
}

TEST_F(Decrypt, GatewaySignatureAroundTheEnvelopeIsIgnored) {
  const auto bob = inkan::test::credentials("bob");
  const std::string encrypted_entity =
      inkan::test::pkcs7_mime("", "enveloped-data", inkan::test::openssl_encrypt(m_dir, {"bob"}, m_plain));
  const std::string der = inkan::test::openssl_sign(m_dir, inkan::test::pki_signer("alice"), encrypted_entity);
  const auto d = decrypt(inkan::test::multipart_signed("From: alice@example.org\r\n", encrypted_entity, der), bob);
  EXPECT_EQ(plaintext_of(d), m_plain);
  ASSERT_EQ(d.warnings.size(), 1u);
  EXPECT_EQ(d.warnings[0], "outer-signature-ignored");
}

// EnvelopedData in base64 is decoded while it is decrypted, in one pass: large messages,
// BER and DER, odd line lengths, and every way of being cut short.
class LargeDecrypt : public Decrypt {
protected:
  std::string m_big = "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
                      inkan::test::base64_lines(std::string(3 << 20, '\x5a')) ;

  std::string encrypt(bool stream) const {
    const std::string in = m_dir.put("big.txt", m_big);
    const std::string out = m_dir.file(stream ? "big.ber" : "big.der").string();
    std::vector<std::string> args{"cms", "-encrypt", "-binary", "-in", in, "-outform", "DER", "-out", out, "-aes-256-cbc"};
    if (stream) args.emplace_back("-stream");
    args.push_back(inkan::test::pki("bob.pem"));
    inkan::test::openssl_ok(args);
    return inkan::test::read_file(out);
  }

  std::string decrypt_into(const std::string& msg) const {
    const auto bob = inkan::test::credentials("bob");
    const inkan::io::MemorySource src(msg);
    std::string out;
    inkan::io::StringSink sink(out);
    const auto d = inkan::smime::decrypt_message_into(src, {&bob}, sink);
    EXPECT_EQ(d.content_cipher, "aes-256-cbc");
    return out;
  }
};

TEST_F(LargeDecrypt, BerAndDerEnvelopesOfMegabytesDecrypt) {
  for (const bool stream : {true, false}) {
    EXPECT_EQ(decrypt_into(message(encrypt(stream))), m_big) << (stream ? "BER" : "DER");
  }
}

// The plaintext is written on a second thread: a sink that fails (a full disk) must
// still fail the decryption with its own error, whether it fails early or on the
// last bytes, after the cipher has finished.
TEST_F(LargeDecrypt, AFailingOutputIsAWriteErrorNotATamperedMessage) {
  class FullDisk final : public inkan::io::Sink {
  public:
    explicit FullDisk(std::size_t room) : m_room(room) {}
    void write(std::string_view bytes) override {
      if (m_written + bytes.size() > m_room) throw inkan::Error(Errc::io_write, "disk full (test)");
      m_written += bytes.size();
    }

  private:
    std::size_t m_room;
    std::size_t m_written = 0;
  };
  const auto bob = inkan::test::credentials("bob");
  const std::string msg = message(encrypt(true));
  for (const std::size_t room : {std::size_t{100'000}, m_big.size() - 1}) {
    const inkan::io::MemorySource src(msg);
    FullDisk sink(room);
    try {
      inkan::smime::decrypt_message_into(src, {&bob}, sink);
      ADD_FAILURE() << "decrypted into a full disk (room " << room << ")";
    } catch (const inkan::Error& e) {
      EXPECT_EQ(e.code(), Errc::io_write) << "room " << room;
    }
  }
}

TEST_F(LargeDecrypt, AnyLineLengthOfTheBase64Decrypts) {
  const std::string der = encrypt(true);
  std::string flat = inkan::test::ref_base64(der);
  std::string odd;
  for (std::size_t i = 0; i < flat.size(); i += 61) odd += flat.substr(i, 61) + (i % 2 == 0 ? "\n" : " \r\n");
  const std::string msg = "From: alice@example.org\r\nMIME-Version: 1.0\r\n"
                          "Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m\r\n"
                          "Content-Transfer-Encoding: base64\r\n\r\n" + odd;
  EXPECT_EQ(decrypt_into(msg), m_big);
}

TEST_F(LargeDecrypt, CutAnywhereIsMalformed) {
  for (const bool stream : {true, false}) {
    const std::string der = encrypt(stream);
    for (const std::size_t keep : {der.size() - 1, der.size() - 2, der.size() - 5, der.size() / 2, std::size_t{2000}}) {
      const auto bob = inkan::test::credentials("bob");
      EXPECT_EQ(decrypt_error(message(der.substr(0, keep)), {&bob}), Errc::cms_malformed)
          << (stream ? "BER" : "DER") << " cut to " << keep << " of " << der.size();
    }
  }
}

TEST_F(LargeDecrypt, JunkAfterTheEnvelopeIsMalformed) {
  const auto bob = inkan::test::credentials("bob");
  std::string der = encrypt(true);
  // openssl's BER ends in five end-of-contents (content, EncryptedContentInfo, EnvelopedData, [0],
  // ContentInfo): a stray field between the second and the third belongs nowhere.
  ASSERT_EQ(der.substr(der.size() - 10), std::string(10, '\0'));
  der.insert(der.size() - 6, std::string("\x04\x01X", 3));
  EXPECT_EQ(decrypt_error(message(der), {&bob}), Errc::cms_malformed);
}

TEST_F(Decrypt, StreamingIntoASinkGivesTheSamePlaintext) {
  const auto bob = inkan::test::credentials("bob");
  const std::string big = "Content-Type: application/octet-stream\r\n\r\n" + std::string(300000, 'Q') + "\r\n";
  const inkan::io::MemorySource src(message(inkan::test::openssl_encrypt(m_dir, {"bob"}, big, "-aes-256-gcm"),
                                            "authEnveloped-data"));
  std::string out;
  inkan::io::StringSink sink(out);
  const auto d = inkan::smime::decrypt_message_into(src, {&bob}, sink);
  EXPECT_EQ(out, big);
  EXPECT_TRUE(d.authenticated);
  EXPECT_EQ(d.plaintext, nullptr);
}

// analyse() decrypting straight into an uncommitted output (the host's decrypt) and judging
// the plaintext from there: the same bytes and the same verdict as through its private file.
class DecryptIntoOutput : public Decrypt {
protected:
  // Signed by Alice (openssl), then encrypted to Bob (openssl); From and Date match the signer.
  std::string signed_then_encrypted() const {
    const std::string entity = inkan::test::text_entity(std::string(200000, 'x') + "\r\nsigned inside");
    const std::string sig = inkan::test::openssl_sign(m_dir, inkan::test::pki_signer("alice"), entity);
    const std::string inner = inkan::test::multipart_signed("", entity, sig);
    const std::string der = inkan::test::openssl_encrypt(m_dir, {"bob"}, inner);
    m_inner = inner;
    return inkan::test::pkcs7_mime(
        "From: alice@example.org\r\nDate: " + inkan::test::rfc5322_date(inkan::test::now_seconds()) + "\r\n",
        "enveloped-data", der);
  }

  inkan::smime::AnalyseOptions options(const inkan::keys::Credentials& key) const {
    inkan::smime::AnalyseOptions o;
    o.trust = &m_trust;
    o.at = inkan::test::now_seconds();
    o.keys = {&key};
    return o;
  }

  inkan::x509::TrustStore m_trust = inkan::test::root_trust();
  mutable std::string m_inner;
  inkan::test::TempDir m_out_dir;
};

TEST_F(DecryptIntoOutput, TheOutputHoldsThePlaintextAndTheVerdictIsTheSame) {
  const auto bob = inkan::test::credentials("bob");
  const inkan::io::MemorySource src(signed_then_encrypted());
  auto o = options(bob);
  const auto apart = inkan::smime::analyse(src, o);
  const std::string out_path = m_out_dir.file("out.eml").string();
  {
    inkan::io::Output out(out_path, 0600, inkan::io::Durability::relaxed);
    o.plaintext_into = &out.sink();
    const auto into = inkan::smime::analyse(src, o);
    EXPECT_EQ(inkan::to_json(into.verdict), inkan::to_json(apart.verdict));
    EXPECT_EQ(into.verdict.status, inkan::Status::good);
    ASSERT_NE(into.decrypted.source, nullptr);
    const auto& [begin, end] = into.decrypted.range;
    EXPECT_EQ(inkan::io::read_range(*into.decrypted.source, begin, end, 64 << 20), m_inner);
    // Nothing under the output's name before commit (a file without a name where the
    // file system has them, else a temporary name: tests/unit/io/output_test.cpp).
    for (const auto& name : m_out_dir.entries()) EXPECT_EQ(name.rfind("out.eml.tmp-", 0), 0u) << name;
    out.commit();
  }
  EXPECT_EQ(m_out_dir.entries(), std::vector<std::string>{"out.eml"});
  EXPECT_EQ(inkan::test::read_file(out_path), m_inner);
  struct stat st {};
  ASSERT_EQ(::stat(out_path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(DecryptIntoOutput, AFailureLeavesNoFile) {
  const auto bob = inkan::test::credentials("bob");
  // Damage in the next-to-last block: most of the plaintext is written before the padding fails.
  const std::string der = inkan::test::openssl_encrypt(m_dir, {"bob"}, std::string(100000, 'y') + m_plain);
  const inkan::io::MemorySource src(message(inkan::test::with_tampered_ciphertext(der, 17, 0x80)));
  auto o = options(bob);
  try {
    inkan::io::Output out(m_out_dir.file("out.eml").string(), 0600, inkan::io::Durability::relaxed);
    o.plaintext_into = &out.sink();
    inkan::smime::analyse(src, o);
    out.commit();
    FAIL() << "analysed a tampered ciphertext";
  } catch (const inkan::Error& e) {
    EXPECT_EQ(e.code(), Errc::decrypt_failed);
  }
  EXPECT_TRUE(m_out_dir.entries().empty());
}

TEST_F(DecryptIntoOutput, ASpoolIsReadBackTheSameWay) {
  const auto bob = inkan::test::credentials("bob");
  const inkan::io::MemorySource src(signed_then_encrypted());
  auto o = options(bob);
  inkan::io::SpoolSink spool;
  o.plaintext_into = &spool;
  const auto a = inkan::smime::analyse(src, o);
  EXPECT_EQ(a.verdict.status, inkan::Status::good);
  EXPECT_EQ(spool.size(), m_inner.size());
  const auto back = spool.to_source();
  EXPECT_EQ(inkan::io::read_range(*back, 0, back->size(), 64 << 20), m_inner);
}

}  // namespace
