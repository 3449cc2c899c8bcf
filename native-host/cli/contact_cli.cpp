#include "contact_cli.h"

#include "store_text.h"
#include "text.h"

#include <iostream>

namespace inkan::cli {

CliHarvest harvest_into(store::Store& store, const Verdict& verdict, const io::Source& message, const std::string& source,
                        std::int64_t now) {
  CliHarvest out;
  try {
    const store::MessageFacts facts = store::read_message_facts(message, source);
    out.from = facts.from;
    store::ContactBook book(store);
    out.report = book.harvest(verdict, facts, now);
  } catch (const Error& e) {
    // Thunderbird: "import failure is not a verification failure".
    out.error = e;
  }
  return out;
}

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

std::vector<cms::Recipient> recipients_for(store::Store& store, const std::vector<std::string>& addresses, std::int64_t now) {
  const store::ContactBook book(store);
  std::vector<cms::Recipient> out;
  std::string missing;
  for (const auto& a : book.lookup(addresses, now)) {
    if (!a.found()) {
      missing += (missing.empty() ? "" : ", ") + a.address + " (" + a.reason + ")";
      continue;
    }
    // The user's own identities are read by Inkan itself (is_self: what we support).
    out.push_back(cms::Recipient{ossl::up_ref(a.cert.get()), a.capabilities, a.source == "identity"});
  }
  if (!missing.empty()) throw Error(Errc::no_recipient_cert, missing);
  return out;
}

}  // namespace inkan::cli
