#include "contact_cli.h"

#include "store_text.h"
#include "text.h"

#include <iostream>

namespace inkan::cli {

std::string change_line(const store::ContactChange& ch, Lang lang) {
  std::string line = ch.address + ": " + text(std::string("change.") + store::change_name(ch.change), lang);
  if (ch.change != store::Change::unverified) {
    line += " (" + fill(text("label.known_since", lang), "date", day_of(ch.first_seen)) + ")";
  }
  line += "\n    SHA-256: " + ch.fingerprint;
  if (ch.change == store::Change::key_change) {
    line += "\n    " + fill(fill(text("label.key_change_hint", lang), "address", ch.address), "fp", ch.fingerprint);
  }
  return line;
}

void print_harvest(std::ostream& out, const store::HarvestReport& report, Lang lang) {
  const auto warning = [](const store::ContactChange& c) {
    return c.change == store::Change::key_change || c.change == store::Change::rejected;
  };
  for (const bool warnings_first : {true, false}) {
    for (const auto& ch : report.changes) {
      if (warning(ch) == warnings_first) out << change_line(ch, lang) << "\n";
    }
  }
  print_problems(report.problems, lang);
}

std::string reason_text(const std::string& reason, Lang lang) { return text("recipient." + reason, lang); }

}  // namespace inkan::cli
