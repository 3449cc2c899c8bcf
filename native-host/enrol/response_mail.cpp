#include "response_mail.h"

#include "base64url.h"
#include "error.h"
#include "mime/date.h"

namespace inkan::enrol {
namespace {

std::string join(const std::vector<std::string>& list) {
  std::string out;
  for (const auto& s : list) out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace

std::string response_body(std::string_view digest) {
  // 43 characters: base64url of a SHA-256 digest, unpadded (RFC 8823 §3.2).
  if (digest.size() != 43 || !is_base64url(digest)) throw Error(Errc::internal, "response digest shape");
  return "-----BEGIN ACME RESPONSE-----\r\n" + std::string(digest) + "\r\n-----END ACME RESPONSE-----\r\n";
}

ResponseMail compose_response(const ChallengeMail& challenge, std::string_view own_address, std::string_view digest) {
  if (challenge.token_part1.empty()) throw Error(Errc::challenge_mail_invalid, "no token-part1");
  ResponseMail mail;
  mail.from = std::string(own_address);
  mail.to = challenge.reply_to.empty() ? std::vector<std::string>{challenge.from} : challenge.reply_to;
  if (mail.to.empty() || mail.to.front().empty()) throw Error(Errc::challenge_mail_invalid, "nobody to reply to");
  // The RFC's example uses "RE:"; servers match case-insensitively, and "Re:" is what every MUA writes.
  mail.subject = "Re: ACME: " + challenge.token_part1;
  mail.in_reply_to = challenge.message_id;
  mail.body = response_body(digest);
  return mail;
}

std::string ResponseMail::to_rfc5322(std::int64_t date, std::string_view message_id) const {
  std::string out;
  out += "From: " + from + "\r\n";
  out += "To: " + join(to) + "\r\n";
  out += "Subject: " + subject + "\r\n";
  out += "Date: " + mime::format_date(date) + "\r\n";
  if (!message_id.empty()) out += "Message-ID: " + std::string(message_id) + "\r\n";
  if (!in_reply_to.empty()) {
    out += "In-Reply-To: " + in_reply_to + "\r\n";
    out += "References: " + in_reply_to + "\r\n";
  }
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: text/plain; charset=us-ascii\r\n";
  out += "Content-Transfer-Encoding: 7bit\r\n";
  out += "\r\n";
  out += body;
  return out;
}

}  // namespace inkan::enrol
