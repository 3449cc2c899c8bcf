// Human text of the CLI in English and Japanese: statuses, reasons, warnings.
// Codes stay the same in every language; only this table is translated.
#pragma once

#include "error.h"

#include <string>
#include <string_view>

namespace inkan::cli {

/** Localised text for a status, reason or warning code; the code itself if unknown. */
std::string text(std::string_view code, Lang lang);

}  // namespace inkan::cli
