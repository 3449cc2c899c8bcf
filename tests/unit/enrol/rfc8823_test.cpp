// RFC 8823 computations, judged by the worked examples in
// research/enrolment.md §1.5 (computed there with Python's hashlib/base64,
// not with Inkan) and by the RFC's own challenge Subject.
#include "error.h"
#include "rfc8823.h"

#include <gtest/gtest.h>

namespace {

namespace r = inkan::enrol::rfc8823;
using r::TokenConcatenation;

// RFC 8823 example tokens; the RFC 7638 example thumbprint stands in for the account's.
constexpr std::string_view kPart1 = "LgYemJLy3F1LDkiJrdIGbEzyFJyOyf6vBdyZ1TG3sME=";
constexpr std::string_view kPart1Unpadded = "LgYemJLy3F1LDkiJrdIGbEzyFJyOyf6vBdyZ1TG3sME";
constexpr std::string_view kPart2 = "DGyRejmCefe7v4NfDGDKfA";
constexpr std::string_view kThumbprint = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";

TEST(Rfc8823Digest, StringReadingAsReceived) {
  EXPECT_EQ(r::acme_token(kPart1, kPart2, TokenConcatenation::string), "LgYemJLy3F1LDkiJrdIGbEzyFJyOyf6vBdyZ1TG3sME=DGyRejmCefe7v4NfDGDKfA");
  EXPECT_EQ(r::response_digest(kPart1, kPart2, kThumbprint, TokenConcatenation::string), "ZEzZgc9aJoD_n58jPgRZT72bYhm3xgODx3XMbYEeaBo");
}

TEST(Rfc8823Digest, StringReadingOfAnUnpaddedPart1) {
  EXPECT_EQ(r::response_digest(kPart1Unpadded, kPart2, kThumbprint, TokenConcatenation::string),
            "oqRgcdn5jIDrdckMC7owMFH3UoxuDcTUPaTHapj0tfs");
}

TEST(Rfc8823Digest, BytesReading) {
  EXPECT_EQ(r::acme_token(kPart1, kPart2, TokenConcatenation::bytes), "LgYemJLy3F1LDkiJrdIGbEzyFJyOyf6vBdyZ1TG3sMEMbJF6OYJ597u_g18MYMp8");
  EXPECT_EQ(r::response_digest(kPart1, kPart2, kThumbprint, TokenConcatenation::bytes), "XW5kWcqNuiysUrDy6cZazLQ3v2QZNKXIKVMtfc8-gHY");
  // The padding carries no bytes: with or without it, the bytes reading is the same.
  EXPECT_EQ(r::response_digest(kPart1Unpadded, kPart2, kThumbprint, TokenConcatenation::bytes), "XW5kWcqNuiysUrDy6cZazLQ3v2QZNKXIKVMtfc8-gHY");
}

TEST(Rfc8823Digest, ReadingsAgreeWhenPart1IsWholeBytes) {
  // acme2certifier's 32-character tokens decode to 24 bytes: both readings give one token.
  constexpr std::string_view part1 = "abcdEFGH0123ijklMNOP4567qrstUVWX";
  EXPECT_EQ(r::acme_token(part1, kPart2, TokenConcatenation::bytes), r::acme_token(part1, kPart2, TokenConcatenation::string));
  // 43 characters (256 bits, RapidMX) do not.
  EXPECT_NE(r::acme_token(kPart1Unpadded, kPart2, TokenConcatenation::bytes),
            r::acme_token(kPart1Unpadded, kPart2, TokenConcatenation::string));
}

TEST(Rfc8823Digest, DigestIsNeverPadded) {
  for (const auto mode : {TokenConcatenation::string, TokenConcatenation::bytes}) {
    const auto d = r::response_digest(kPart1, kPart2, kThumbprint, mode);
    EXPECT_EQ(d.size(), 43u);
    EXPECT_EQ(d.find('='), std::string::npos);
  }
}

TEST(Rfc8823Digest, KeyAuthorizationIsTokenDotThumbprint) {
  EXPECT_EQ(r::key_authorization("tok", kThumbprint), "tok.NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
}

TEST(Rfc8823Digest, BrokenTokensAreRefused) {
  EXPECT_THROW(r::acme_token("abc+def/ghijklmnopqrstuv", kPart2, TokenConcatenation::bytes), inkan::Error);
  try {
    (void)r::acme_token(kPart1, "not base64!", TokenConcatenation::string);
    FAIL();
  } catch (const inkan::Error& e) {
    EXPECT_EQ(e.code(), inkan::Errc::acme_protocol);
  }
}

TEST(Rfc8823Digest, TheDefaultIsTheStringReading) {
  // docs/enrolment.md explains the choice; a change must be deliberate.
  EXPECT_EQ(r::kDefaultConcatenation, TokenConcatenation::string);
  EXPECT_EQ(r::concatenation_from_string("bytes"), TokenConcatenation::bytes);
  EXPECT_EQ(r::concatenation_from_string("string"), TokenConcatenation::string);
  EXPECT_FALSE(r::concatenation_from_string("Bytes"));
}

// ---- Subject ---------------------------------------------------------------

TEST(Rfc8823Subject, TheRfcExampleEncodedSubject) {
  // RFC 8823 §3.1 example (acme4j's challenge.eml): Q-encoded, with encoded spaces inside the token.
  EXPECT_EQ(r::token_part1_from_subject("=?UTF-8?Q?ACME:_LgYemJLy3F1LDki=20JrdIGbEzyFJyOyf=20=206vBdyZ1TG3sME=3D?="),
            std::string(kPart1));
}

TEST(Rfc8823Subject, FoldedAndSplitAcrossEncodedWords) {
  // Folded (CRLF + space) between two encoded words: the white space between them vanishes (RFC 2047 §6.2).
  EXPECT_EQ(r::token_part1_from_subject("=?UTF-8?Q?ACME:_LgYemJLy3F1LDkiJrdIGb?=\r\n =?us-ascii?B?RXp5Rkp5T3lmNnZCZHlaMVRHM3NNRT0=?="),
            std::string(kPart1));
  // Plain, folded inside the token.
  EXPECT_EQ(r::token_part1_from_subject("ACME: LgYemJLy3F1LDkiJrdIG\r\n bEzyFJyOyf6vBdyZ1TG3sME="), std::string(kPart1));
  EXPECT_EQ(r::token_part1_from_subject("ACME:\tLgYemJLy3F1LDkiJrdIGbEzyFJyOyf6vBdyZ1TG3sME"), std::string(kPart1Unpadded));
}

TEST(Rfc8823Subject, HostileOrWrongSubjectsAreRefused) {
  const std::string token(kPart1Unpadded);
  const std::vector<std::string> subjects = {
           "Re: ACME: " + token,                       // a reply, not a challenge
           "ACME:" + token,                            // no white space after the colon
           "acme: " + token,                           // the prefix is case-sensitive
           "ACME: " + token.substr(0, 21),             // under 128 bits
           "ACME: " + token + "+/",                    // standard base64 alphabet
           "ACME: " + token.substr(0, 20) + "=" + token.substr(20),  // padding in the middle
           "ACME: " + token + "===",                   // too much padding
           "ACME: " + token + "\x01",                  // control character
           "ACME: " + token + "\xC3\xA9",              // non-ASCII
           "=?ISO-8859-1?Q?ACME:_" + token + "?=",     // charsets other than UTF-8 / US-ASCII
           "=?UTF-16?B?AEEAQwBNAEUAOg==?=",
           "ACME: " + std::string(600, 'A'),           // absurdly long
           "",
           "ACME: ",
       };
  for (const auto& subject : subjects) {
    EXPECT_FALSE(r::token_part1_from_subject(subject)) << subject;
  }
  EXPECT_TRUE(r::token_part1_from_subject("ACME: " + token + "="));  // 43 + one '=' completes the quantum
  EXPECT_FALSE(r::token_part1_from_subject("ACME: " + token + "=="));
}

}  // namespace
