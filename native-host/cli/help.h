// Usage text of `inkan` and of each command, in English and Japanese.
// docs/cli.md is the long form; this is what a user sees with --help.
#pragma once

#include "error.h"

#include <ostream>
#include <string_view>

namespace inkan::cli {

/** The list of commands. */
void print_usage(std::ostream& out, Lang lang);

/** One command's synopsis and options ("sign", "id import"), or a group's subcommands ("id"); false if unknown. */
bool print_command_help(std::string_view command, std::ostream& out, Lang lang);

/** True for "id", "trust", "store": names that take a subcommand. */
bool is_command_group(std::string_view command);

}  // namespace inkan::cli
