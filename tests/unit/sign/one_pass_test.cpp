// Signing bets that a multipart message is canonical already and hashes it while
// splitting (smime/sign_ahead.h). Whatever the bet's outcome, what is signed must
// be the canonical form the Canonicalizer defines, and openssl must accept it.
#include "io/sink.h"
#include "io/source.h"
#include "mime/entity.h"
#include "smime/canonical.h"
#include "smime/sign_ahead.h"
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

TEST(SignOnePass, TheBetHoldsExactlyForCanonicalMessages) {
  const auto alice = inkan::test::credentials("alice");
  for (const auto& c : cases()) {
    const inkan::io::MemorySource src(c.message);
    auto ahead = inkan::smime::HashAhead::start(src, alice, {});
    ASSERT_NE(ahead, nullptr) << c.name;
    inkan::mime::ParseLimits limits;
    limits.body_facts = true;
    EXPECT_EQ(ahead->holds(inkan::mime::parse_message(src, limits)), c.canonical) << c.name;
  }
}

TEST(SignOnePass, SmallOrNotMultipartIsNoCandidate) {
  const auto alice = inkan::test::credentials("alice");
  const inkan::io::MemorySource single(kHead + "Content-Type: text/plain\r\n\r\n" + std::string(300'000, 'a') + "\r\n");
  EXPECT_EQ(inkan::smime::HashAhead::start(single, alice, {}), nullptr);
  const inkan::io::MemorySource small(kHead + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\n" + kText + "\r\n--b1--\r\n");
  EXPECT_EQ(inkan::smime::HashAhead::start(small, alice, {}), nullptr);
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
    EXPECT_EQ(content_part(signed_message), canonical_content_part(c.message)) << c.name;
    const auto r = inkan::test::openssl({"cms", "-verify", "-in", out_path, "-CAfile", inkan::test::pki("root.pem"),
                                         "-purpose", "smimesign", "-out", (dir.path() / "content").string()});
    EXPECT_EQ(r.exit_code, 0) << c.name << ": " << inkan::test::describe(r);
  }
}

}  // namespace
