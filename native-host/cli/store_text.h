// What the store commands (id, trust, store) share: subcommand dispatch and
// human-readable lines in the user's language. The JSON forms are in
// store/store_json.h.
#pragma once

#include "common.h"
#include "store/store.h"

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace inkan::cli {

struct Subcommand {
  const char* name;
  int (*run)(const std::vector<std::string>&, const Context&);
};

/** Runs the subcommand named by argv[0]; USAGE if it is missing or unknown. */
int run_subcommand(const char* group, const std::vector<Subcommand>& table, const std::vector<std::string>& argv,
                   const Context& ctx);

/** "alice@example.org  signing, encryption  valid until 2031-01-26 (1800 days left)" */
std::string identity_line(const store::Identity& id, std::int64_t now, Lang lang);

/** Prints an identity: its line, then subject, issuer and fingerprint, indented. */
void print_identity(std::ostream& out, const store::Identity& id, std::int64_t now, Lang lang);

/** Prints the files that could not be read, on standard error. */
void print_problems(const std::vector<store::Problem>& problems, Lang lang);

/** Prints a JSON value on standard output. */
void print_json(const nlohmann::ordered_json& value);

/** YYYY-MM-DD of a time. */
std::string day_of(std::int64_t t);

/** Replaces every {name} in text. */
std::string fill(std::string text, const std::string& name, const std::string& value);

}  // namespace inkan::cli
