#include "rfc8823.h"

#include "base64url.h"
#include "error.h"
#include "mime/address.h"
#include "mime/headers.h"
#include "ossl/error_queue.h"
#include "ossl/library.h"

#include <openssl/evp.h>

namespace inkan::enrol::rfc8823 {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// RFC 2047 §1 allows any registered charset; RFC 8823 §3 only UTF-8 and US-ASCII,
// and the token is ASCII anyway: anything else is refused rather than guessed at.
bool encoded_words_use_allowed_charsets(std::string_view text) {
  for (std::size_t i = text.find("=?"); i != std::string_view::npos; i = text.find("=?", i + 2)) {
    const auto q = text.find('?', i + 2);
    if (q == std::string_view::npos) return true;  // not an encoded word; decode_words keeps it literally
    std::string charset = mime::to_lower(text.substr(i + 2, q - i - 2));
    if (const auto star = charset.find('*'); star != std::string::npos) charset.resize(star);  // RFC 2231 language
    if (charset != "utf-8" && charset != "us-ascii") return false;
  }
  return true;
}

std::string sha256(std::string_view data) {
  ossl::ensure_initialized();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &len, ossl::sha256(), nullptr) != 1) {
    ossl::throw_last(Errc::internal, "SHA-256");
  }
  return std::string(reinterpret_cast<const char*>(digest), len);
}

}  // namespace

std::string_view to_string(TokenConcatenation mode) noexcept {
  return mode == TokenConcatenation::bytes ? "bytes" : "string";
}

std::optional<TokenConcatenation> concatenation_from_string(std::string_view name) noexcept {
  if (name == "bytes") return TokenConcatenation::bytes;
  if (name == "string") return TokenConcatenation::string;
  return std::nullopt;
}

std::optional<std::string> token_part1_from_subject(std::string_view subject) {
  if (subject.size() > 4 * kMaxTokenChars) return std::nullopt;
  if (!encoded_words_use_allowed_charsets(subject)) return std::nullopt;
  // Unfold first (RFC 5322 §2.2.3), then decode: a folded encoded word is still one word.
  std::string unfolded;
  for (const char c : subject) {
    if (c != '\r' && c != '\n') unfolded += c;
  }
  const std::string text = mime::decode_words(unfolded);
  std::string_view rest = mime::trim(text);
  constexpr std::string_view kPrefix = "ACME:";
  // acme4j's pattern is case-sensitive "ACME:" followed by at least one white space.
  if (rest.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  rest.remove_prefix(kPrefix.size());
  if (rest.empty() || !is_space(rest.front())) return std::nullopt;
  std::string token;
  std::size_t padding = 0;
  for (const char c : rest) {
    if (is_space(c)) continue;  // RFC 8823 §3: white space inside the token is ignored
    if (c == '=') {
      ++padding;
      continue;
    }
    if (padding != 0) return std::nullopt;  // '=' only at the end
    const bool url_safe = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!url_safe) return std::nullopt;
    token += c;
  }
  if (padding > 2 || token.size() < kMinTokenChars || token.size() > kMaxTokenChars) return std::nullopt;
  // Padding must complete the final quantum, and the unpadded length must be possible base64.
  if (token.size() % 4 == 1 || (padding != 0 && (token.size() + padding) % 4 != 0)) return std::nullopt;
  token.append(padding, '=');
  return token;
}

std::string acme_token(std::string_view part1, std::string_view part2, TokenConcatenation mode) {
  if (!base64url_decode(part1, true)) throw Error(Errc::challenge_mail_invalid, "token-part1 is not base64url");
  if (!base64url_decode(part2, false)) throw Error(Errc::acme_protocol, "token-part2 is not base64url");
  if (mode == TokenConcatenation::string) return std::string(part1) + std::string(part2);
  return base64url_encode(*base64url_decode(part1, true) + *base64url_decode(part2, false));
}

std::string key_authorization(std::string_view token, std::string_view thumbprint) {
  return std::string(token) + "." + std::string(thumbprint);
}

std::string response_digest(std::string_view part1, std::string_view part2, std::string_view thumbprint,
                            TokenConcatenation mode) {
  return base64url_encode(sha256(key_authorization(acme_token(part1, part2, mode), thumbprint)));
}

}  // namespace inkan::enrol::rfc8823
