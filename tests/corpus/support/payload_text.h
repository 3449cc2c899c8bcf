// What a reader would see of a payload, for "the text is shown" checks: the
// raw bytes, then every text part with its transfer encoding removed,
// including the text of attached messages (message/rfc822), as Thunderbird
// renders them inline.
#pragma once

#include "io/source.h"

#include <string>

namespace inkan::corpus {

/** Raw bytes of the range followed by the decoded text of each text part inside it. */
std::string readable_text(const io::Source& src, io::Range range);

/** Same, for a whole source. */
std::string readable_text(const io::Source& src);

/** Text with CRLF turned into LF, for comparisons that must not depend on line ends. */
std::string normalise_line_ends(std::string text);

}  // namespace inkan::corpus
