// Header fields made 7-bit for the canonical form (RFC 8551 §3.1.3): an 8-bit
// value becomes RFC 2047 encoded-words where the field's syntax allows text
// (unstructured fields, display names and comments in address fields) and
// RFC 2231 parameters in Content-Type/Content-Disposition. An address itself
// (RFC 6531 internationalised mailbox) cannot be encoded and stays as written.
#pragma once

#include "mime/headers.h"

#include <cstddef>
#include <string>
#include <string_view>

namespace inkan::smime {

/** True for field names that belong to the MIME entity rather than the message ("Content-*"). */
bool is_content_field(std::string_view name);

/** A field rewritten to 7 bits if its value carries 8-bit bytes; CRLF-terminated either way. */
std::string seven_bit_field(const mime::Field& field);

/** RFC 2047 B-encoding of an unstructured value, folded to fit 78-column lines. */
std::string encode_words(std::string_view value, std::size_t first_line_used);

/** An address-list value with its 8-bit display names and comments RFC 2047 encoded. */
std::string encode_address_list(std::string_view value, std::size_t first_line_used);

}  // namespace inkan::smime
