// inkan trust list|add|distrust|remove|builtin: which CAs the user trusts for
// e-mail beyond (and against) the built-in roots; `builtin` (cmd_trust_builtin.cpp)
// shows Mozilla's roots themselves.
#include "commands.h"
#include "io/source.h"
#include "store/store_json.h"
#include "store_access.h"
#include "store_text.h"
#include "text.h"
#include "x509/cert.h"

#include <sys/stat.h>

#include <iostream>

namespace inkan::cli {
namespace {

const std::string& one_positional(const Args& args, const char* what) {
  if (args.positionals().size() != 1) throw Error(Errc::usage, std::string("give exactly one ") + what);
  return args.positionals().front();
}

void print_anchor(const store::AnchorEntry& a, std::int64_t now, Lang lang) {
  const auto s = x509::summarize(a.cert.get());
  std::cout << (a.label.empty() ? s.common_name : a.label) << "  ["
            << text(a.source == "builtin" ? "label.builtin" : "label.user_anchor", lang) << "]  "
            << (now >= s.not_after ? fill(text("label.expired_on", lang), "date", day_of(s.not_after))
                                   : fill(fill(text("label.valid_until", lang), "date", day_of(s.not_after)), "days",
                                          std::to_string((s.not_after - now) / 86400)))
            << "\n    " << text("label.subject", lang) << ": " << s.subject << "\n    SHA-256: " << a.fingerprint << "\n";
}

int trust_list(const std::vector<std::string>& argv, const Context& ctx) {
  const Args args(argv, {{"--json"}});
  if (!args.positionals().empty()) throw Error(Errc::usage, "unexpected argument " + args.positionals().front());
  const store::TrustList list = open_store(args).trust();
  if (args.flag("--json")) {
    print_json(store::trust_json(list, ctx.now));
    return kExitOk;
  }
  if (list.anchors.empty()) std::cout << text("label.no_anchors", ctx.lang) << "\n";
  for (const auto& a : list.anchors) print_anchor(a, ctx.now, ctx.lang);
  for (const auto& d : list.distrusted) {
    std::cout << text("label.distrusted", ctx.lang) << ": "
              << (d.cert ? x509::summarize(d.cert.get()).subject + "\n    SHA-256: " : std::string("SHA-256: "))
              << d.fingerprint << "\n";
  }
  print_problems(list.problems, ctx.lang);
  return kExitOk;
}

int trust_add(const std::vector<std::string>& argv, const Context& ctx) {
  const Args args(argv, {{"--label", true}, {"--json"}});
  const auto certs = x509::load_certificates(one_positional(args, "FILE"));
  std::vector<X509*> raw;
  for (const auto& c : certs) raw.push_back(c.get());
  std::string label = args.value("--label").value_or("");
  if (label.empty() && certs.size() == 1) label = x509::summarize(certs.front().get()).common_name;
  const auto added = open_store(args).add_anchors(raw, label, ctx.now);
  if (args.flag("--json")) {
    print_json(store::anchors_added_json(added, ctx.now));
    return kExitOk;
  }
  for (const auto& a : added) {
    std::cout << text("label.trusted", ctx.lang) << ": ";
    print_anchor(a, ctx.now, ctx.lang);
  }
  return kExitOk;
}

bool is_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

int trust_distrust(const std::vector<std::string>& argv, const Context& ctx) {
  const Args args(argv, {{"--json"}});
  const std::string what = one_positional(args, "FILE or fingerprint");
  store::Store s = open_store(args);
  std::vector<store::DistrustEntry> entries;
  if (is_file(what)) {
    for (const auto& c : x509::load_certificates(what)) entries.push_back(s.distrust({}, c.get(), ctx.now));
  } else if (store::normalize_fingerprint(what).size() == 64) {
    entries.push_back(s.distrust(what, nullptr, ctx.now));
  } else {
    throw Error(Errc::file_not_found, what + " (neither a file nor a SHA-256 fingerprint)");
  }
  if (args.flag("--json")) {
    print_json(store::distrusted_json(entries));
    return kExitOk;
  }
  for (const auto& e : entries) std::cout << text("label.distrusted", ctx.lang) << ": SHA-256 " << e.fingerprint << "\n";
  return kExitOk;
}

int trust_remove(const std::vector<std::string>& argv, const Context& ctx) {
  const Args args(argv, {{"--json"}});
  const std::string fp = store::normalize_fingerprint(one_positional(args, "fingerprint"));
  open_store(args).remove_trust(args.positionals().front());
  if (args.flag("--json")) {
    print_json(store::trust_removed_json(fp));
  } else {
    std::cout << text("label.trust_removed", ctx.lang) << ": SHA-256 " << fp << "\n";
  }
  return kExitOk;
}

}  // namespace

int run_trust(const std::vector<std::string>& argv, const Context& ctx) {
  return run_subcommand(
      "trust", {{"list", trust_list}, {"add", trust_add}, {"distrust", trust_distrust}, {"remove", trust_remove}, {"builtin", run_trust_builtin}}, argv,
      ctx);
}

}  // namespace inkan::cli
