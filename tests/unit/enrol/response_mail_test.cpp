// RFC 8823 §3.2 reply: the exact bytes, written out here.
#include "challenge_mail.h"
#include "error.h"
#include "response_mail.h"

#include <gtest/gtest.h>

namespace {

inkan::enrol::ChallengeMail parsed_challenge() {
  inkan::enrol::ChallengeMail c;
  c.token_part1 = "LgYemJLy3F1LDkiJrdIGbEzyFJyOyf6vBdyZ1TG3sME=";
  c.message_id = "<A2299BB.FF7788@example.org>";
  c.from = "acme-generator@example.org";
  c.reply_to = {"acme-validator@example.org"};
  c.to = {"alexey@example.com"};
  return c;
}

TEST(ResponseMail, ExactBytes) {
  const auto mail = inkan::enrol::compose_response(parsed_challenge(), "alexey@example.com",
                                                   "XW5kWcqNuiysUrDy6cZazLQ3v2QZNKXIKVMtfc8-gHY");
  // 1607159335 = Sat, 05 Dec 2020 09:08:55 UTC
  EXPECT_EQ(mail.to_rfc5322(1607159335, "<reply-1@example.com>"),
            "From: alexey@example.com\r\n"
            "To: acme-validator@example.org\r\n"
            "Subject: Re: ACME: LgYemJLy3F1LDkiJrdIGbEzyFJyOyf6vBdyZ1TG3sME=\r\n"
            "Date: Sat, 5 Dec 2020 09:08:55 +0000\r\n"
            "Message-ID: <reply-1@example.com>\r\n"
            "In-Reply-To: <A2299BB.FF7788@example.org>\r\n"
            "References: <A2299BB.FF7788@example.org>\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=us-ascii\r\n"
            "Content-Transfer-Encoding: 7bit\r\n"
            "\r\n"
            "-----BEGIN ACME RESPONSE-----\r\n"
            "XW5kWcqNuiysUrDy6cZazLQ3v2QZNKXIKVMtfc8-gHY\r\n"
            "-----END ACME RESPONSE-----\r\n");
}

TEST(ResponseMail, WithoutReplyToItGoesToFromAndWithoutMessageIdNoThreading) {
  auto c = parsed_challenge();
  c.reply_to.clear();
  c.message_id.clear();
  const auto mail = inkan::enrol::compose_response(c, "alexey@example.com", "XW5kWcqNuiysUrDy6cZazLQ3v2QZNKXIKVMtfc8-gHY");
  EXPECT_EQ(mail.to, std::vector<std::string>{"acme-generator@example.org"});
  const std::string bytes = mail.to_rfc5322(0, "");
  EXPECT_EQ(bytes.find("In-Reply-To"), std::string::npos);
  EXPECT_EQ(bytes.find("References"), std::string::npos);
  EXPECT_EQ(bytes.find("Message-ID"), std::string::npos);
}

TEST(ResponseMail, OnlyAnUnpaddedDigestIsWritten) {
  EXPECT_THROW(inkan::enrol::response_body("XW5kWcqNuiysUrDy6cZazLQ3v2QZNKXIKVMtfc8-gHY="), inkan::Error);
  EXPECT_THROW(inkan::enrol::response_body("XW5kWcqNuiysUrDy6cZazLQ3v2QZNKXIKVMtfc8+gHY"), inkan::Error);
  EXPECT_THROW(inkan::enrol::response_body(""), inkan::Error);
}

TEST(ResponseMail, EveryByteIsSevenBitAndEveryLineEndsInCrlf) {
  const auto bytes = inkan::enrol::compose_response(parsed_challenge(), "alexey@example.com",
                                                    "XW5kWcqNuiysUrDy6cZazLQ3v2QZNKXIKVMtfc8-gHY")
                         .to_rfc5322(1607159335, "<r@example.com>");
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    EXPECT_LT(static_cast<unsigned char>(bytes[i]), 0x80u);
    if (bytes[i] == '\n') {
      EXPECT_EQ(bytes[i - 1], '\r') << i;
    }
    if (bytes[i] == '\r') {
      EXPECT_EQ(bytes[i + 1], '\n') << i;
    }
  }
}

}  // namespace
