#include "store_text.h"

#include "mime/date.h"
#include "text.h"
#include "verdict_json.h"

#include <iostream>

namespace inkan::cli {

int run_subcommand(const char* group, const std::vector<Subcommand>& table, const std::vector<std::string>& argv,
                   const Context& ctx) {
  std::string names;
  for (const auto& s : table) names += std::string(names.empty() ? "" : ", ") + s.name;
  if (argv.empty() || argv.front().rfind("-", 0) == 0) {
    throw Error(Errc::usage, std::string("inkan ") + group + " needs a subcommand: " + names);
  }
  for (const auto& s : table) {
    if (argv.front() == s.name) return s.run(std::vector<std::string>(argv.begin() + 1, argv.end()), ctx);
  }
  throw Error(Errc::usage, "unknown subcommand " + std::string(group) + " " + argv.front() + " (" + names + ")");
}

std::string day_of(std::int64_t t) { return mime::format_iso8601(t).substr(0, 10); }

std::string fill(std::string text, const std::string& name, const std::string& value) {
  const std::string key = "{" + name + "}";
  for (auto pos = text.find(key); pos != std::string::npos; pos = text.find(key, pos + value.size())) {
    text.replace(pos, key.size(), value);
  }
  return text;
}

std::string identity_line(const store::Identity& id, std::int64_t now, Lang lang) {
  std::string who;
  for (const auto& a : id.addresses) who += (who.empty() ? "" : ", ") + a;
  if (who.empty()) who = text("label.no_address", lang);
  std::string uses;
  if (id.can_sign) uses = text("usage.sign", lang);
  if (id.can_encrypt) uses += (uses.empty() ? "" : ", ") + text("usage.encrypt", lang);
  if (!id.email_protection || uses.empty()) uses = text("usage.none", lang);
  std::string validity;
  if (now >= id.not_after) {
    validity = fill(text("label.expired_on", lang), "date", day_of(id.not_after));
  } else if (now < id.not_before) {
    validity = fill(text("label.valid_from", lang), "date", day_of(id.not_before));
  } else {
    validity = fill(fill(text("label.valid_until", lang), "date", day_of(id.not_after)), "days",
                    std::to_string((id.not_after - now) / 86400));
  }
  return who + "  [" + uses + "]  " + validity;
}

void print_identity(std::ostream& out, const store::Identity& id, std::int64_t now, Lang lang) {
  out << identity_line(id, now, lang) << "\n"
      << "    " << text("label.subject", lang) << ": " << id.subject << "\n"
      << "    " << text("label.issuer", lang) << ": " << id.issuer << "\n"
      << "    SHA-256: " << id.fingerprint << "\n";
}

void print_problems(const std::vector<store::Problem>& problems, Lang lang) {
  for (const auto& p : problems) {
    std::cerr << "inkan: " << text("label.unreadable", lang) << " " << p.file << " [" << code_string(p.code) << "] "
              << p.detail << std::endl;
  }
}

void print_json(const nlohmann::ordered_json& value) { std::cout << dump_json(value) << std::endl; }

}  // namespace inkan::cli
