// inkan store passwd|status: the store as a whole.
#include "commands.h"
#include "password.h"
#include "store/store_json.h"
#include "store_access.h"
#include "store_text.h"
#include "text.h"

#include <iostream>

namespace inkan::cli {
namespace {

std::optional<std::string> new_passphrase(const Args& args) {
  PasswordSource source(args, "--new-pass");
  if (args.flag("--remove")) {
    if (!source.interactive_allowed()) throw Error(Errc::usage, "--remove and a new passphrase exclude each other");
    return std::nullopt;
  }
  if (auto given = source.given()) return given;
  const auto first = PasswordSource::ask("New passphrase for the Inkan store: ");
  if (!first) throw Error(Errc::password_required, "no terminal: give --new-pass-env, --new-pass-fd or --new-pass-file");
  const auto again = PasswordSource::ask("Repeat the passphrase: ");
  if (!again || *again != *first) throw Error(Errc::usage, "the two passphrases differ");
  return first;
}

int store_passwd(const std::vector<std::string>& argv, const Context& ctx) {
  std::vector<OptionSpec> specs{{"--new-pass-env", true}, {"--new-pass-fd", true}, {"--new-pass-file", true},
                                {"--remove"},             {"--json"}};
  for (auto& o : store_pass_options()) specs.push_back(std::move(o));
  const Args args(argv, specs);
  if (!args.positionals().empty()) throw Error(Errc::usage, "unexpected argument " + args.positionals().front());
  const auto next = new_passphrase(args);
  store::Store s = open_store(args);
  const bool had = s.header().has_value() && s.header()->has_passphrase;
  s.change_passphrase(next, ctx.now);
  const char* what = !next ? "removed" : had ? "changed" : "set";
  if (args.flag("--json")) {
    print_json(store::passwd_json(what));
  } else {
    std::cout << text(std::string("label.passphrase_") + what, ctx.lang) << "\n";
  }
  return kExitOk;
}

int store_status(const std::vector<std::string>& argv, const Context& ctx) {
  const Args args(argv, {{"--json"}});
  if (!args.positionals().empty()) throw Error(Errc::usage, "unexpected argument " + args.positionals().front());
  const store::StoreStatus st = open_store(args).status();
  if (args.flag("--json")) {
    print_json(store::status_json(st));
    return kExitOk;
  }
  const Lang lang = ctx.lang;
  std::cout << text("label.store_path", lang) << ": " << st.root.string() << "\n";
  if (!st.exists) {
    std::cout << text("label.store_missing", lang) << "\n";
    return kExitOk;
  }
  std::cout << text("label.store_passphrase", lang) << ": "
            << text(st.file->has_passphrase ? "label.yes" : "label.no", lang) << "\n"
            << text("label.store_identities", lang) << ": " << st.identities << "\n"
            << text("label.store_anchors", lang) << ": " << st.user_anchors << "\n"
            << text("label.store_distrusted", lang) << ": " << st.distrusted << "\n"
            << text("label.store_contacts", lang) << ": " << st.contacts << "\n";
  print_problems(st.problems, lang);
  return kExitOk;
}

}  // namespace

int run_store(const std::vector<std::string>& argv, const Context& ctx) {
  return run_subcommand("store", {{"passwd", store_passwd}, {"status", store_status}}, argv, ctx);
}

}  // namespace inkan::cli
