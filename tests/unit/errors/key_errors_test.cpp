// Loading keys and certificates: the right error code for each way it fails.
#include "error.h"
#include "io/source.h"
#include "keys/credentials.h"
#include "support/files.h"
#include "support/pki.h"
#include "support/process.h"
#include "x509/cert.h"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <functional>
#include <optional>
#include <string>

namespace {

using inkan::Errc;

Errc error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const inkan::Error& e) {
    return e.code();
  }
  ADD_FAILURE() << "no error";
  return Errc::internal;
}

std::string p12(const std::string& name) { return inkan::test::read_file(inkan::test::pki(name + ".p12")); }

TEST(Pkcs12, RightPasswordGivesKeyCertificateAndChain) {
  const auto c = inkan::keys::load_pkcs12(p12("alice"), std::string("test"));
  ASSERT_TRUE(c.key && c.cert);
  EXPECT_TRUE(inkan::x509::has_email(c.cert.get(), "alice@example.org"));
  ASSERT_FALSE(c.chain.empty());
  const auto sub = inkan::test::certificate("sub");
  EXPECT_EQ(X509_cmp(c.chain.front().get(), sub.get()), 0);
}

TEST(Pkcs12, WrongPasswordIsBadPassword) {
  EXPECT_EQ(error_of([] { inkan::keys::load_pkcs12(p12("alice"), std::string("wrong")); }), Errc::bad_password);
  EXPECT_EQ(error_of([] { inkan::keys::load_pkcs12(p12("alice"), std::string("")); }), Errc::bad_password);
}

TEST(Pkcs12, NoPasswordIsPasswordRequired) {
  EXPECT_EQ(error_of([] { inkan::keys::load_pkcs12(p12("alice"), std::nullopt); }), Errc::password_required);
}

TEST(Pkcs12, AFileWithAnEmptyPasswordOpensWithoutOne) {
  inkan::test::TempDir dir;
  const std::string out = dir.file("nopass.p12").string();
  inkan::test::openssl_ok({"pkcs12", "-export", "-in", inkan::test::pki("bob.pem"), "-inkey", inkan::test::pki("bob.key"),
                           "-passout", "pass:", "-out", out});
  const auto c = inkan::keys::load_pkcs12(inkan::test::read_file(out), std::nullopt);
  EXPECT_TRUE(inkan::x509::has_email(c.cert.get(), "bob@example.net"));
}

TEST(Pkcs12, LegacyEncryptionStillOpens) {
  const auto c = inkan::keys::load_pkcs12(p12("alice-legacy"), std::string("test"));
  EXPECT_TRUE(inkan::x509::has_email(c.cert.get(), "alice@example.org"));
}

TEST(Pkcs12, NotAPkcs12FileIsKeyLoadFailed) {
  EXPECT_EQ(error_of([] { inkan::keys::load_pkcs12("this is not PKCS#12", std::string("test")); }),
            Errc::key_load_failed);
  EXPECT_EQ(error_of([] { inkan::keys::load_pkcs12(std::string("\x30\x82\x01\x00garbage", 11), std::string("x")); }),
            Errc::key_load_failed);
}

TEST(PemKeys, MatchingKeyAndCertificateLoad) {
  const auto c = inkan::keys::load_pem(inkan::test::read_file(inkan::test::pki("carol.key")),
                                       inkan::test::read_file(inkan::test::pki("carol-chain.pem")), std::nullopt);
  EXPECT_TRUE(inkan::x509::has_email(c.cert.get(), "carol@example.org"));
  EXPECT_EQ(c.chain.size(), 1u);
}

TEST(PemKeys, KeyOfSomeoneElseIsKeyCertMismatch) {
  EXPECT_EQ(error_of([] {
              inkan::keys::load_pem(inkan::test::read_file(inkan::test::pki("alice.key")),
                                    inkan::test::read_file(inkan::test::pki("bob.pem")), std::nullopt);
            }),
            Errc::key_cert_mismatch);
  EXPECT_EQ(error_of([] {
              inkan::keys::load_credentials(inkan::test::pki("alice.key"), inkan::test::pki("bob.pem"), std::nullopt);
            }),
            Errc::key_cert_mismatch);
}

TEST(PemKeys, EncryptedKeyNeedsTheRightPassword) {
  inkan::test::TempDir dir;
  const std::string enc = dir.file("enc.key").string();
  inkan::test::openssl_ok({"pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", inkan::test::pki("alice.key"), "-passout",
                           "pass:secret", "-out", enc});
  const std::string key = inkan::test::read_file(enc);
  const std::string cert = inkan::test::read_file(inkan::test::pki("alice.pem"));
  EXPECT_EQ(error_of([&] { inkan::keys::load_pem(key, cert, std::string("wrong")); }), Errc::bad_password);
  EXPECT_EQ(error_of([&] { inkan::keys::load_pem(key, cert, std::nullopt); }), Errc::password_required);
  EXPECT_NO_THROW(inkan::keys::load_pem(key, cert, std::string("secret")));
}

TEST(PemKeys, NoCertificateIsCertLoadFailed) {
  EXPECT_EQ(error_of([] {
              inkan::keys::load_pem(inkan::test::read_file(inkan::test::pki("alice.key")), "", std::nullopt);
            }),
            Errc::cert_load_failed);
}

TEST(PemKeys, GarbageKeyIsKeyLoadFailed) {
  EXPECT_EQ(error_of([] { inkan::keys::load_private_key("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
                                                        std::nullopt); }),
            Errc::key_load_failed);
}

TEST(Files, MissingFilesAreFileNotFound) {
  const std::string missing = "/nonexistent-inkan-test/none.p12";
  EXPECT_EQ(error_of([&] { inkan::io::open_input(missing); }), Errc::file_not_found);
  EXPECT_EQ(error_of([&] { inkan::keys::load_credentials(missing, "", std::string("test")); }), Errc::file_not_found);
  EXPECT_EQ(error_of([&] { inkan::x509::load_certificates(missing); }), Errc::file_not_found);
  EXPECT_EQ(error_of([&] { inkan::x509::load_crls(missing); }), Errc::file_not_found);
}

TEST(Files, ADirectoryIsNotAnInput) {
  inkan::test::TempDir dir;
  EXPECT_EQ(error_of([&] { inkan::io::open_input(dir.path().string()); }), Errc::io_read);
}

// The host's {"path"} inputs: only regular files. A FIFO must be refused at once (a
// blocking open would hang the host), a device without being read from.
std::string detail_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const inkan::Error& e) {
    return std::string(code_string(e.code())) + " " + e.detail();
  }
  return "no error";
}

TEST(Files, OpenRegularFileRefusesWhatIsNotARegularFile) {
  inkan::test::TempDir dir;
  const std::string fifo = (dir.path() / "fifo").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(detail_of([&] { inkan::io::open_regular_file(fifo); }), "IO_READ_FAILED " + fifo + ": not a regular file");
  // A device that never ends: refused without a read (open_input would copy it forever).
  EXPECT_EQ(detail_of([&] { inkan::io::open_regular_file("/dev/zero"); }),
            "IO_READ_FAILED /dev/zero: not a regular file");
  EXPECT_EQ(detail_of([&] { inkan::io::open_regular_file(dir.path().string()); }),
            "IO_READ_FAILED " + dir.path().string() + ": is a directory");
  EXPECT_EQ(error_of([&] { inkan::io::open_regular_file((dir.path() / "none").string()); }), Errc::file_not_found);
  // A symbolic link to a FIFO is a FIFO.
  const std::string link = (dir.path() / "link").string();
  ASSERT_EQ(::symlink(fifo.c_str(), link.c_str()), 0);
  EXPECT_EQ(error_of([&] { inkan::io::open_regular_file(link); }), Errc::io_read);
}

TEST(Files, OpenRegularFileReadsARegularFile) {
  inkan::test::TempDir dir;
  const std::string path = dir.put("m.eml", "Subject: x\r\n\r\nbody\r\n");
  const auto src = inkan::io::open_regular_file(path);
  EXPECT_EQ(inkan::io::read_range(*src, 0, src->size(), 1024), "Subject: x\r\n\r\nbody\r\n");
}

TEST(Files, NonCertificateFileIsCertLoadFailed) {
  inkan::test::TempDir dir;
  const std::string path = dir.put("junk.pem", "no certificates here\n");
  EXPECT_EQ(error_of([&] { inkan::x509::load_certificates(path); }), Errc::cert_load_failed);
  EXPECT_EQ(error_of([&] { inkan::x509::load_crls(path); }), Errc::cert_load_failed);
}

TEST(Files, ReadRangeBeyondTheLimitIsInputTooLarge) {
  const inkan::io::MemorySource src(std::string(1000, 'x'));
  EXPECT_EQ(error_of([&] { inkan::io::read_range(src, 0, 1000, 999); }), Errc::input_too_large);
  EXPECT_EQ(inkan::io::read_range(src, 10, 20, 10), std::string(10, 'x'));
}

}  // namespace
