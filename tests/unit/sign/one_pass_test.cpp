// Signing and encrypting bet that a multipart message is canonical already and
// read it while splitting (smime/content_bet.h, sign_ahead.h, encrypt_ahead.h).
// Whatever the bet's outcome, what is signed or encrypted must be the canonical
// form the Canonicalizer defines, and openssl must agree.
#include "error.h"
#include "io/sink.h"
#include "io/source.h"
#include "mime/entity.h"
#include "smime/canonical.h"
#include "smime/encrypt_message.h"
#include "smime/content_bet.h"
#include "smime/sign_message.h"
#include "support/files.h"
#include "support/pki.h"
#include "support/process.h"
#include "support/smime_fixtures.h"

#include <gtest/gtest.h>

#include <string>

namespace {

using inkan::test::TempDir;

const std::string kHead = "From: alice@example.org\r\nTo: bob@example.net\r\nSubject: s\r\nMIME-Version: 1.0\r\n";

std::string mixed(const std::string& text_part, const std::string& tail = "--b1--\r\n") {
  return kHead + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\n" + text_part +
         "\r\n--b1\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
         inkan::test::base64_lines(std::string(200'000, '\x7f')) + "\r\n" + tail;
}

const std::string kText = "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\nhello\r\n";

struct Case {
  const char* name;
  std::string message;
  bool canonical;  ///< the bet should hold
};

std::vector<Case> cases() {
  std::string lf = mixed(kText);
  for (std::size_t at = lf.find("\r\n"); at != std::string::npos; at = lf.find("\r\n", at)) lf.erase(at, 1);
  return {
      {"canonical", mixed(kText), true},
      {"with preamble and epilogue",
       [] { std::string m = mixed(kText, "--b1--\r\nepilogue\r\n"); m.insert(m.find("--b1\r\n"), "This is MIME.\r\n"); return m; }(),
       true},
      {"LF line ends", lf, false},
      {"8-bit text", mixed("Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n\xe5\x8d\xb0\xe9\x91\x91\r\n"), false},
      {"root labelled 8bit (relabelled 7bit, as the bet expects)", [] { std::string m = mixed(kText); m.insert(m.find("\r\n\r\n--b1"), "\r\nContent-Transfer-Encoding: 8bit"); return m; }(), true},
      {"no line break after the close delimiter", mixed(kText, "--b1--"), false},
      {"bare LF inside an attachment line", mixed(kText + "x\ny\r\n"), false},
  };
}

// The content part of a multipart/signed message as written: between the first
// delimiter line and the next delimiter.
std::string content_part(const std::string& signed_message) {
  const auto b = signed_message.find("boundary=\"") + 10;
  const std::string boundary = signed_message.substr(b, signed_message.find('"', b) - b);
  const auto begin = signed_message.find("--" + boundary + "\r\n") + boundary.size() + 4;
  return signed_message.substr(begin, signed_message.find("\r\n--" + boundary + "\r\n", begin) - begin);
}

std::string canonical_content_part(const std::string& message) {
  const inkan::io::MemorySource src(message);
  std::string out;
  inkan::io::StringSink sink(out);
  inkan::smime::Canonicalizer canon(src, sink);
  canon.write_content_part(inkan::mime::parse_message(src));
  canon.flush();
  return out;
}

std::size_t occurrences(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1)) ++n;
  return n;
}

TEST(OnePass, TheBetHoldsExactlyForCanonicalMessages) {
  for (const auto& c : cases()) {
    const inkan::io::MemorySource src(c.message);
    const auto bet = inkan::smime::ContentBet::make(src);
    ASSERT_TRUE(bet.has_value()) << c.name;
    inkan::mime::ParseLimits limits;
    limits.body_facts = true;
    EXPECT_EQ(bet->holds(inkan::mime::parse_message(src, limits)), c.canonical) << c.name;
  }
}

TEST(OnePass, SmallOrNotMultipartIsNoCandidate) {
  const inkan::io::MemorySource single(kHead + "Content-Type: text/plain\r\n\r\n" + std::string(300'000, 'a') + "\r\n");
  EXPECT_FALSE(inkan::smime::ContentBet::make(single).has_value());
  const inkan::io::MemorySource small(kHead + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\n" + kText + "\r\n--b1--\r\n");
  EXPECT_FALSE(inkan::smime::ContentBet::make(small).has_value());
}

// From a file into a file: the path the CLI and the host take (the body copied by the kernel).
TEST(SignOnePass, WhatIsSignedIsTheCanonicalFormAndOpensslAgrees) {
  const auto alice = inkan::test::credentials("alice");
  TempDir dir;
  for (const auto& c : cases()) {
    const std::string in = dir.put("in.eml", c.message);
    const std::string out_path = (dir.path() / "out.eml").string();
    {
      const auto src = inkan::io::open_input(in);
      inkan::io::Output out(out_path, 0600, inkan::io::Durability::relaxed);
      inkan::smime::SignMessageOptions o;
      o.now = inkan::test::now_seconds();
      inkan::smime::sign_message(*src, alice, o, out.sink());
      out.commit();
    }
    const std::string signed_message = inkan::test::read_file(out_path);
    EXPECT_EQ(occurrences(signed_message, "\r\nSubject: s\r\n"), 1U) << c.name;
    EXPECT_EQ(occurrences(signed_message, "Content-Type: multipart/signed"), 1U) << c.name;
    EXPECT_EQ(content_part(signed_message), canonical_content_part(c.message)) << c.name;
    const auto r = inkan::test::openssl({"cms", "-verify", "-in", out_path, "-CAfile", inkan::test::pki("root.pem"),
                                         "-purpose", "smimesign", "-out", (dir.path() / "content").string()});
    EXPECT_EQ(r.exit_code, 0) << c.name << ": " << inkan::test::describe(r);
  }
}

// Into a spool (standard output, the host's chunk stream), and into a plain sink that
// cannot be emptied (no bet: two passes).
TEST(SignOnePass, WhatIsSignedIsTheCanonicalFormIntoASpoolOrAString) {
  const auto alice = inkan::test::credentials("alice");
  TempDir dir;
  for (const auto& c : cases()) {
    for (const bool spooled : {true, false}) {
      const inkan::io::MemorySource src(c.message);
      std::string signed_message;
      inkan::io::StringSink into_string(signed_message);
      inkan::smime::SignMessageOptions o;
      o.now = inkan::test::now_seconds();
      if (spooled) {
        inkan::io::SpoolSink spool;
        inkan::smime::sign_message(src, alice, o, spool);
        spool.copy_to(into_string);
      } else {
        inkan::smime::sign_message(src, alice, o, into_string);
      }
      EXPECT_EQ(content_part(signed_message), canonical_content_part(c.message)) << c.name;
      const std::string path = dir.put("signed.eml", signed_message);
      const auto r = inkan::test::openssl({"cms", "-verify", "-in", path, "-CAfile", inkan::test::pki("root.pem"),
                                           "-purpose", "smimesign", "-out", (dir.path() / "content").string()});
      EXPECT_EQ(r.exit_code, 0) << c.name << (spooled ? " (spool)" : " (string)") << ": " << inkan::test::describe(r);
    }
  }
}

// Encryption writes on the bet and empties the output when it does not hold: the
// output must then hold one envelope of the canonical form, nothing of the first try.
std::string decrypted_by_openssl(const std::string& encrypted_path, TempDir& dir, const std::string& name) {
  const std::string plain = (dir.path() / (name + ".plain")).string();
  const auto r = inkan::test::openssl({"cms", "-decrypt", "-binary", "-in", encrypted_path, "-recip",
                                       inkan::test::pki("bob.pem"), "-inkey", inkan::test::pki("bob.key"), "-out", plain});
  EXPECT_EQ(r.exit_code, 0) << name << ": " << inkan::test::describe(r);
  return r.exit_code == 0 ? inkan::test::read_file(plain) : std::string();
}

inkan::smime::EncryptMessageOptions to_bob() {
  inkan::smime::EncryptMessageOptions o;
  o.recipients.push_back(inkan::cms::Recipient{inkan::test::certificate("bob"), {}, false});
  o.self = inkan::test::certificate("alice");
  o.now = inkan::test::now_seconds();
  return o;
}

TEST(EncryptOnePass, WhatIsEncryptedIsTheCanonicalFormIntoAFile) {
  TempDir dir;
  const std::string out_path = (dir.path() / "out.eml").string();
  for (const auto& c : cases()) {
    const std::string in = dir.put("in.eml", c.message);
    {
      const auto src = inkan::io::open_input(in);
      inkan::io::Output out(out_path, 0600, inkan::io::Durability::relaxed);
      inkan::smime::encrypt_message(*src, to_bob(), out.sink());
      out.commit();
    }
    const std::string encrypted = inkan::test::read_file(out_path);
    EXPECT_EQ(occurrences(encrypted, "\r\nSubject: s\r\n"), 1U) << c.name;
    EXPECT_EQ(occurrences(encrypted, "Content-Type: application/pkcs7-mime"), 1U) << c.name;
    EXPECT_EQ(decrypted_by_openssl(out_path, dir, "file"), canonical_content_part(c.message)) << c.name;
  }
}

// Into a spool (standard output, the host's chunk stream): the other kind of output that can be emptied.
TEST(EncryptOnePass, WhatIsEncryptedIsTheCanonicalFormIntoASpool) {
  TempDir dir;
  for (const auto& c : cases()) {
    const inkan::io::MemorySource src(c.message);
    inkan::io::SpoolSink spool;
    inkan::smime::encrypt_message(src, to_bob(), spool);
    std::string encrypted;
    inkan::io::StringSink copy(encrypted);
    spool.copy_to(copy);
    EXPECT_EQ(spool.size(), encrypted.size()) << c.name;
    EXPECT_EQ(occurrences(encrypted, "Content-Type: application/pkcs7-mime"), 1U) << c.name;
    const std::string path = dir.put("spooled.eml", encrypted);
    EXPECT_EQ(decrypted_by_openssl(path, dir, "spool"), canonical_content_part(c.message)) << c.name;
  }
}

// Signed then encrypted (what the add-on sends when it can encrypt): the cipher
// takes a multipart/signed entity whose content part is the canonical form, on the
// bet or not, into every kind of output; openssl decrypts it and verifies what is inside.
TEST(SignedEncryptOnePass, WhatIsSignedAndEncryptedIsTheCanonicalForm) {
  const auto alice = inkan::test::credentials("alice");
  TempDir dir;
  const std::string out_path = (dir.path() / "out.eml").string();
  for (const auto& c : cases()) {
    for (const std::string kind : {"file", "spool", "string"}) {
      inkan::smime::EncryptMessageOptions o = to_bob();
      o.sign_with = &alice;
      std::string encrypted;
      inkan::io::StringSink into_string(encrypted);
      if (kind == "file") {
        const auto src = inkan::io::open_input(dir.put("in.eml", c.message));
        inkan::io::Output out(out_path, 0600, inkan::io::Durability::relaxed);
        inkan::smime::encrypt_message(*src, std::move(o), out.sink());
        out.commit();
        encrypted = inkan::test::read_file(out_path);
      } else if (kind == "spool") {
        const inkan::io::MemorySource src(c.message);
        inkan::io::SpoolSink spool;
        inkan::smime::encrypt_message(src, std::move(o), spool);
        spool.copy_to(into_string);
      } else {
        const inkan::io::MemorySource src(c.message);
        inkan::smime::encrypt_message(src, std::move(o), into_string);
      }
      const std::string what = std::string(c.name) + " (" + kind + ")";
      EXPECT_EQ(occurrences(encrypted, "\r\nSubject: s\r\n"), 1U) << what;
      EXPECT_EQ(occurrences(encrypted, "Content-Type: application/pkcs7-mime"), 1U) << what;
      const std::string inner = decrypted_by_openssl(dir.put("enc.eml", encrypted), dir, kind);
      EXPECT_EQ(inner.rfind("Content-Type: multipart/signed;", 0), 0U) << what;
      EXPECT_EQ(occurrences(inner, "Content-Type: multipart/signed"), 1U) << what;
      EXPECT_EQ(content_part(inner), canonical_content_part(c.message)) << what;
      const auto r = inkan::test::openssl({"cms", "-verify", "-in", dir.put("inner.eml", inner), "-CAfile",
                                           inkan::test::pki("root.pem"), "-purpose", "smimesign", "-out",
                                           (dir.path() / "content").string()});
      EXPECT_EQ(r.exit_code, 0) << what << ": " << inkan::test::describe(r);
    }
  }
}

// A message that cannot be split fails as it always did, and the bet's thread stops with it.
TEST(EncryptOnePass, AMessageTooDeepToSplitFailsWhileTheBetRuns) {
  std::string m = kHead + "Content-Type: multipart/mixed; boundary=\"b0\"\r\n\r\n";
  for (int i = 0; i < 60; ++i) {
    m += "--b" + std::to_string(i) + "\r\nContent-Type: multipart/mixed; boundary=\"b" + std::to_string(i + 1) + "\"\r\n\r\n";
  }
  m += "--b60\r\n\r\n" + inkan::test::base64_lines(std::string(300'000, 'x')) + "\r\n";
  const inkan::io::MemorySource src(m);
  const auto alice = inkan::test::credentials("alice");
  for (const bool sign : {false, true}) {
    inkan::smime::EncryptMessageOptions o = to_bob();
    if (sign) o.sign_with = &alice;
    inkan::io::SpoolSink spool;
    try {
      inkan::smime::encrypt_message(src, std::move(o), spool);
      ADD_FAILURE() << "a message nested 60 deep was encrypted" << (sign ? " (signed)" : "");
    } catch (const inkan::Error& e) {
      EXPECT_EQ(e.code(), inkan::Errc::mime_too_deep);
    }
  }
}

}  // namespace
