// RFC 8823 §3.2: the reply that carries the response digest. Plain 7-bit
// text, one digest line, never padded (acme2certifier compares exactly), sent
// from the validated mailbox to the challenge's Reply-To (else its From).
// The user's provider must DKIM-sign it for the mailbox's domain; Inkan
// cannot, and must not S/MIME-sign it (the RFC allows no multipart/signed here).
#pragma once

#include "challenge_mail.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace inkan::enrol {

struct ResponseMail {
  std::string from;             ///< the validated address
  std::vector<std::string> to;  ///< Reply-To mailboxes of the challenge, else its From
  std::string subject;          ///< "Re: ACME: <token-part1>"
  std::string in_reply_to;      ///< the challenge's Message-ID, or empty
  std::string body;             ///< CRLF lines: BEGIN, digest, END

  /** The whole message, CRLF line ends, 7-bit; date and message_id as given (message_id "<...>"). */
  std::string to_rfc5322(std::int64_t date, std::string_view message_id) const;
};

/** "-----BEGIN ACME RESPONSE-----\r\n<digest>\r\n-----END ACME RESPONSE-----\r\n" */
std::string response_body(std::string_view digest);

/** The reply to a checked challenge mail; `digest` from rfc8823::response_digest. */
ResponseMail compose_response(const ChallengeMail& challenge, std::string_view own_address, std::string_view digest);

}  // namespace inkan::enrol
