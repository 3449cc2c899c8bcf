// base64url (RFC 4648 §5) as JOSE and ACME use it: no padding, no line breaks
// (RFC 7515 §2).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace inkan::enrol {

/** Unpadded base64url of the bytes. */
std::string base64url_encode(std::string_view bytes);

/**
 * Decodes base64url. Only the 64 URL-safe characters are accepted; trailing
 * '=' padding only when allow_padding. nullopt for anything else (a '+', '/',
 * white space, a length that cannot be base64).
 */
std::optional<std::string> base64url_decode(std::string_view text, bool allow_padding = false);

/** True if every character is in the base64url alphabet (and there is at least one). */
bool is_base64url(std::string_view text) noexcept;

}  // namespace inkan::enrol
