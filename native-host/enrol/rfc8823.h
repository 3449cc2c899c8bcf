// RFC 8823 (ACME for end-user S/MIME certificates), the computations: the
// token-part1 a CA mails in the Subject, the token it forms with the
// token-part2 of the challenge object, and the response digest.
//
// The RFC says the client "concatenates token-part1 and token-part2" without
// saying whether the base64url strings or the bytes they encode are joined,
// and implementations disagree (docs/enrolment.md). Both readings exist here
// as a per-server setting.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace inkan::enrol::rfc8823 {

enum class TokenConcatenation {
  /** token = part1 (as received, padding kept) + part2: acme4j, acme2certifier, RapidMX. */
  string,
  /** token = base64url(decode(part1) || decode(part2)), unpadded: acmez, CASTLE's own client. */
  bytes,
};

/**
 * For servers not in the known-server list: `string`, the literal reading of
 * RFC 8823 §3 (both parts are defined as base64url strings, and RFC 8555 §8.1
 * builds the key authorization from the token string), and the one most
 * server implementations use. CASTLE, the one `bytes` server, is listed with
 * its own setting (known_servers.h).
 */
inline constexpr TokenConcatenation kDefaultConcatenation = TokenConcatenation::string;

std::string_view to_string(TokenConcatenation mode) noexcept;
std::optional<TokenConcatenation> concatenation_from_string(std::string_view name) noexcept;

/** RFC 8823 §3: token-part1 carries at least 128 bits (22 base64url characters). */
inline constexpr std::size_t kMinTokenChars = 22;
/** Longer Subjects are hostile or broken: real tokens are 22-86 characters. */
inline constexpr std::size_t kMaxTokenChars = 512;

/**
 * token-part1 from a Subject field value as written: folded or not, RFC 2047
 * encoded or not (only UTF-8 and US-ASCII encoded-words). The subject must be
 * "ACME:" followed by white space and the base64url token, which may contain
 * white space (removed) and end in '=' padding (kept). nullopt otherwise.
 */
std::optional<std::string> token_part1_from_subject(std::string_view subject);

/** The ACME token from the two parts; throws ACME_PROTOCOL / CHALLENGE_MAIL_INVALID for a part that is not base64url. */
std::string acme_token(std::string_view part1, std::string_view part2, TokenConcatenation mode);

/** RFC 8555 §8.1: token "." base64url(JWK thumbprint). */
std::string key_authorization(std::string_view token, std::string_view thumbprint);

/** RFC 8823 §3 step 6: base64url(SHA-256(key authorization)), 43 characters, never padded. */
std::string response_digest(std::string_view part1, std::string_view part2, std::string_view thumbprint,
                            TokenConcatenation mode);

}  // namespace inkan::enrol::rfc8823
