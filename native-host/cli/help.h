// Usage text of `inkan` and of each command, in English and Japanese.
// docs/cli.md is the long form; this is what a user sees with --help.
#pragma once

#include "error.h"

#include <ostream>
#include <string_view>

namespace inkan::cli {

/** The list of commands. */
void print_usage(std::ostream& out, Lang lang);

/** One command's synopsis and options; false if there is no such command. */
bool print_command_help(std::string_view command, std::ostream& out, Lang lang);

}  // namespace inkan::cli
