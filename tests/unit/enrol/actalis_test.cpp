// Actalis's mails. The verification code is found in the wordings and
// encodings a mail can come in (samples written here after the sentence the
// research quotes, research/enrolment.md 3.1); a mail without one gives none.
// ZIP archives are made by Python's zipfile (never by Inkan): the PKCS#12
// inside is found whatever its name's case, other files are listed and left
// unread, and hostile shapes are refused with ARCHIVE_UNUSABLE. The full
// import (RC2-40 PKCS#12 from openssl -legacy) is tests/interop/actalis_zip.sh.
#include "actalis.h"
#include "error.h"
#include "support/files.h"
#include "support/process.h"

#include <gtest/gtest.h>

namespace {

using inkan::Errc;

std::string mail(const std::string& headers, const std::string& body) {
  return inkan::test::crlf(headers + "\n" + body);
}

std::optional<std::string> code_of(const std::string& raw) {
  const auto c = inkan::enrol::actalis_verification_code(raw);
  if (!c) return std::nullopt;
  return c->code;
}

TEST(ActalisCode, TheSentenceTheResearchQuotes) {
  const auto m = mail("From: Actalis S.p.A. <noreply@actalis.it>\nTo: alice@example.org\nSubject: Verification code\n"
                      "Content-Type: text/plain; charset=utf-8\n",
                      "Dear Customer,\n\nPlease enter the following verification code in the \"Verification Code\" field "
                      "of the web form:\n\n    57K2QX9A\n\nThis code is valid for 24 hours.\n");
  const auto c = inkan::enrol::actalis_verification_code(m);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->code, "57K2QX9A");
  EXPECT_EQ(c->from, "noreply@actalis.it");
  EXPECT_TRUE(c->from_actalis);
}

TEST(ActalisCode, OnTheSameLineAfterAColonOrIs) {
  EXPECT_EQ(code_of(mail("From: a@mail.actalis.com\n", "Your verification code: 493817.\n")), "493817");
  EXPECT_EQ(code_of(mail("From: a@actalis.com\n", "The verification code is A7-9F3C-22\n")), "A7-9F3C-22");
  EXPECT_TRUE(inkan::enrol::actalis_verification_code(mail("From: a@mail.actalis.com\n", "verification code 123456\n"))->from_actalis);
}

TEST(ActalisCode, QuotedPrintableBase64AndHtml) {
  EXPECT_EQ(code_of(mail("From: noreply@actalis.it\nContent-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n",
                         "Please enter the following verification code in the =\n\"Verification Code\" field:=0A=0A  Q3W9E2\n")),
            "Q3W9E2");
  // base64 of "Please enter the following verification code:\r\n\r\n775533\r\n"
  EXPECT_EQ(code_of(mail("From: noreply@actalis.it\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n",
                         "UGxlYXNlIGVudGVyIHRoZSBmb2xsb3dpbmcgdmVyaWZpY2F0aW9uIGNvZGU6DQoNCjc3NTUzMw0K\n")),
            "775533");
  EXPECT_EQ(code_of(mail("From: noreply@actalis.it\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=b\n",
                         "--b\nContent-Type: text/html\n\n<p>Please enter the following <b>verification code</b> in the "
                         "&quot;Verification Code&quot; field:</p><p><strong>X8Y7Z6</strong></p>\n--b--\n")),
            "X8Y7Z6");
}

TEST(ActalisCode, PlainTextIsPreferredToHtml) {
  EXPECT_EQ(code_of(mail("From: noreply@actalis.it\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=b\n",
                         "--b\nContent-Type: text/plain\n\nverification code: PLAIN1\n--b\nContent-Type: text/html\n\n"
                         "<p>verification code: HTML22</p>\n--b--\n")),
            "PLAIN1");
}

TEST(ActalisCode, ItalianWording) {
  EXPECT_EQ(code_of(mail("From: noreply@actalis.it\n", "Inserire il seguente codice di verifica nel campo del modulo: 9KQ2M7\n")),
            "9KQ2M7");
}

TEST(ActalisCode, NoCodeNoAnswer) {
  // The phrase without a code, a code without the phrase, and words only after the phrase.
  EXPECT_FALSE(code_of(mail("From: noreply@actalis.it\n", "Your certificate is attached.\nOrder 123456\n")));
  EXPECT_FALSE(code_of(mail("From: noreply@actalis.it\n", "Please enter the following verification code in the field.\n")));
  EXPECT_FALSE(code_of(mail("From: noreply@actalis.it\n", "verification code: see https://example.org/12345/x\n")));
  EXPECT_FALSE(code_of(""));
}

TEST(ActalisCode, AnotherSenderIsSaidSo) {
  const auto c = inkan::enrol::actalis_verification_code(
      mail("From: phisher@actalis.it.evil.test\n", "verification code: 112233\n"));
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->from_actalis);
}

class ActalisZip : public ::testing::Test {
protected:
  // Runs Python's zipfile: SCRIPT writes "out.zip" in the work folder.
  std::string make_zip(const std::string& script) {
    const std::string py = m_dir.put("make.py", "import zipfile, os\nos.chdir(" + quote(m_dir.path().string()) + ")\n" + script);
    const auto r = inkan::test::run({"/usr/bin/python3", py});
    EXPECT_EQ(r.exit_code, 0) << inkan::test::describe(r);
    return inkan::test::read_file(m_dir.file("out.zip"));
  }
  static std::string quote(const std::string& s) { return "'" + s + "'"; }
  static Errc error_of(const std::string& zip, std::string* detail = nullptr) {
    try {
      (void)inkan::enrol::pkcs12_from_zip(zip);
    } catch (const inkan::Error& e) {
      if (detail != nullptr) *detail = e.detail();
      return e.code();
    }
    return Errc::internal;
  }
  inkan::test::TempDir m_dir;
};

TEST_F(ActalisZip, FindsThePkcs12AndListsTheRest) {
  const auto zip = make_zip(
      "with zipfile.ZipFile('out.zip', 'w', compression=zipfile.ZIP_DEFLATED) as z:\n"
      "    z.writestr('docs/', '')\n"
      "    z.writestr('docs/README.txt', 'read me')\n"
      "    z.writestr('PKCS12_Credential_alice@example.org.PFX', bytes(range(256)) * 40)\n");
  EXPECT_TRUE(inkan::enrol::looks_like_zip(zip));
  const auto found = inkan::enrol::pkcs12_from_zip(zip);
  EXPECT_EQ(found.name, "PKCS12_Credential_alice@example.org.PFX");
  std::string expected;
  for (int i = 0; i < 40; ++i) {
    for (int b = 0; b < 256; ++b) expected.push_back(static_cast<char>(b));
  }
  EXPECT_EQ(found.der, expected);
  EXPECT_EQ(found.ignored, std::vector<std::string>{"docs/README.txt"});
}

TEST_F(ActalisZip, HostileShapesAreRefused) {
  std::string detail;
  EXPECT_EQ(error_of(make_zip("with zipfile.ZipFile('out.zip', 'w') as z:\n    z.writestr('a.p12', b'x')\n    z.writestr('b.pfx', b'y')\n"), &detail),
            Errc::archive_unusable);
  EXPECT_NE(detail.find("a.p12, b.pfx"), std::string::npos) << detail;
  EXPECT_EQ(error_of(make_zip("with zipfile.ZipFile('out.zip', 'w') as z:\n    z.writestr('..\\\\up.pfx', b'x')\n"), &detail),
            Errc::archive_unusable);
  EXPECT_NE(detail.find("unsafe name"), std::string::npos) << detail;
  EXPECT_EQ(error_of(make_zip("with zipfile.ZipFile('out.zip', 'w') as z:\n    z.writestr('C:/x.pfx', b'x')\n")),
            Errc::archive_unusable);
  EXPECT_EQ(error_of(make_zip("with zipfile.ZipFile('out.zip', 'w') as z:\n    z.writestr('a/../../b.pfx', b'x')\n")),
            Errc::archive_unusable);
  // A symbolic link entry (Unix mode 0120777 in the external attributes).
  EXPECT_EQ(error_of(make_zip("with zipfile.ZipFile('out.zip', 'w') as z:\n"
                              "    i = zipfile.ZipInfo('link.pfx')\n    i.external_attr = 0o120777 << 16\n"
                              "    z.writestr(i, '/etc/passwd')\n"),
                     &detail),
            Errc::archive_unusable);
  EXPECT_NE(detail.find("link"), std::string::npos) << detail;
  EXPECT_EQ(error_of(make_zip("with zipfile.ZipFile('out.zip', 'w') as z:\n    z.writestr('a.txt', b'x')\n"), &detail),
            Errc::archive_unusable);
  EXPECT_NE(detail.find("no .pfx"), std::string::npos);
  EXPECT_EQ(error_of("PK\x03\x04 but nothing else"), Errc::archive_unusable);
  EXPECT_EQ(error_of("not a zip at all"), Errc::archive_unusable);
  EXPECT_EQ(error_of(std::string(inkan::enrol::kMaxZipBytes + 1, 'P')), Errc::input_too_large);
  EXPECT_FALSE(inkan::enrol::looks_like_zip("0\x82\x01"));
}

TEST_F(ActalisZip, ABombStopsAtTheLimitWhateverTheHeaderSays) {
  std::string detail;
  // 200 MiB of zeros deflate to about 200 KB; the reader stops after 1 MiB of output.
  const auto zip = make_zip("with zipfile.ZipFile('out.zip', 'w', compression=zipfile.ZIP_DEFLATED) as z:\n"
                            "    with z.open('big.pfx', 'w', force_zip64=True) as f:\n"
                            "        for _ in range(200): f.write(bytes(1 << 20))\n");
  EXPECT_LT(zip.size(), 1u << 20);
  EXPECT_EQ(error_of(zip, &detail), Errc::archive_unusable);
  EXPECT_NE(detail.find("larger than 1 MiB"), std::string::npos) << detail;
}

}  // namespace
