// inkan contact list|show|harvest|accept|reject|delete|lookup|import: other
// people's certificates in the store (docs/store.md "Contacts").
#include "commands.h"
#include "contact_cli.h"
#include "smime/analyse.h"
#include "store/contact_json.h"
#include "store/store_json.h"
#include "store_access.h"
#include "store_text.h"
#include "text.h"
#include "verdict_json.h"
#include "x509/cert.h"

#include <filesystem>
#include <iostream>

namespace inkan::cli {
namespace {

std::vector<OptionSpec> with_store_pass(std::vector<OptionSpec> specs) {
  for (auto& o : store_pass_options()) specs.push_back(std::move(o));
  return specs;
}

std::string validity_text(const store::ContactCert& c, std::int64_t now, Lang lang) {
  if (now >= c.not_after) return fill(text("label.expired_on", lang), "date", day_of(c.not_after));
  if (now < c.not_before) return fill(text("label.valid_from", lang), "date", day_of(c.not_before));
  return fill(fill(text("label.valid_until", lang), "date", day_of(c.not_after)), "days",
              std::to_string((c.not_after - now) / 86400));
}

std::string uses_text(const store::ContactCert& c, Lang lang) {
  std::string uses;
  if (c.can_sign) uses = text("usage.sign", lang);
  if (c.can_encrypt) uses += (uses.empty() ? "" : ", ") + text("usage.encrypt", lang);
  if (!c.email_protection || uses.empty()) uses = text("usage.none", lang);
  return uses;
}

void print_cert(std::ostream& out, const store::ContactCert& c, std::int64_t now, Lang lang, const char* indent) {
  out << indent << text(std::string("cert.") + store::cert_status_name(c.status), lang) << "  [" << uses_text(c, lang)
      << "]  " << validity_text(c, now, lang) << "  " << text(c.trusted ? "label.ca_trusted" : "label.ca_untrusted", lang)
      << "\n"
      << indent << "    " << text("label.subject", lang) << ": " << c.subject << "\n"
      << indent << "    " << text("label.issuer", lang) << ": " << c.issuer << "\n"
      << indent << "    SHA-256: " << c.fingerprint << "\n"
      << indent << "    " << fill(fill(text("label.seen", lang), "first", day_of(c.first_seen)), "last", day_of(c.last_seen))
      << " (" << c.times_seen << ")\n";
}

void print_contact_line(std::ostream& out, const store::Contact& c, std::int64_t now, Lang lang) {
  out << c.address;
  const store::ContactCert* shown = c.current(store::Usage::sign);
  if (shown == nullptr) shown = c.current(store::Usage::encrypt);
  if (shown != nullptr) {
    out << "  [" << uses_text(*shown, lang) << "]  " << validity_text(*shown, now, lang) << "  "
        << fill(text("label.known_since", lang), "date", day_of(shown->first_seen));
    if (!shown->trusted) out << "  " << text("label.ca_untrusted", lang);
  }
  if (c.key_change_pending()) out << "  " << text("label.pending_change", lang);
  out << "\n";
}

int contact_list(const std::vector<std::string>& argv, const Context& ctx) {
  const Args args(argv, {{"--json"}});
  if (!args.positionals().empty()) throw Error(Errc::usage, "unexpected argument " + args.positionals().front());
  store::Store s = open_store(args);
  const store::ContactBook book(s);
  const store::ContactList list = book.list();
  if (args.flag("--json")) {
    print_json(store::contacts_json(list, ctx.now));
    return kExitOk;
  }
  if (list.contacts.empty()) std::cout << text("label.no_contacts", ctx.lang) << "\n";
  for (const auto& c : list.contacts) print_contact_line(std::cout, c, ctx.now, ctx.lang);
  print_problems(list.problems, ctx.lang);
  return kExitOk;
}

const std::string& one_address(const Args& args) {
  if (args.positionals().size() != 1) throw Error(Errc::usage, "give exactly one ADDRESS");
  return args.positionals().front();
}

void print_full_contact(const store::Contact& c, std::int64_t now, Lang lang) {
  print_contact_line(std::cout, c, now, lang);
  for (const auto& cert : c.certs) print_cert(std::cout, cert, now, lang, "  ");
}

int contact_show(const std::vector<std::string>& argv, const Context& ctx) {
  const Args args(argv, {{"--json"}});
  const std::string& address = one_address(args);
  store::Store s = open_store(args);
  const store::Contact c = store::ContactBook(s).get(address);
  if (args.flag("--json")) {
    print_json(store::contact_json(c, ctx.now));
  } else {
    print_full_contact(c, ctx.now, ctx.lang);
  }
  return kExitOk;
}

int contact_harvest(const std::vector<std::string>& argv, const Context& ctx) {
  auto specs = with_store_pass({{"--key", true},      {"--pass-env", true}, {"--pass-fd", true}, {"--pass-file", true},
                                {"--identity", true}, {"--cert", true, true}, {"--crl", true, true}, {"--at", true},
                                {"--allow-sha1"},     {"--source", true},   {"--json"}});
  const Args args(argv, specs);
  if (args.positionals().empty()) throw Error(Errc::usage, "give one or more MESSAGE files");
  store::Store s = open_store(args);
  // The same verdict rules as `inkan verify` without --trust: the store's anchors.
  x509::TrustStore trust = s.trust_store();
  for (const auto& path : args.values("--crl")) {
    for (auto& crl : x509::load_crls(path)) trust.add_crl(std::move(crl));
  }
  const auto extra = load_cert_files(args.values("--cert"));
  std::vector<keys::Credentials> keys;
  if (args.value("--key") || args.value("--identity")) keys = load_decryption_keys(args);
  smime::AnalyseOptions options;
  options.trust = &trust;
  for (const auto& c : extra) options.extra_certs.push_back(c.get());
  options.at = verification_time(args, ctx);
  options.allow_sha1 = args.flag("--allow-sha1");
  for (const auto& k : keys) options.keys.push_back(&k);
  const std::string source = args.value("--source").value_or("cli");

  nlohmann::ordered_json messages = nlohmann::ordered_json::array();
  store::HarvestReport all;
  std::optional<Error> first_error;
  for (const auto& path : args.positionals()) {
    nlohmann::ordered_json m{{"file", path}};
    try {
      const auto input = io::open_input(path);
      const smime::Analysis analysis = smime::analyse(*input, options);
      const store::MessageHarvest h = store::harvest_message(s, analysis.verdict, *input, source, ctx.now);
      if (h.error) throw *h.error;
      m["status"] = status_name(analysis.verdict.status);
      m["signer"] = analysis.verdict.signers.empty() || !analysis.verdict.signers.front().cert ||
                            analysis.verdict.signers.front().cert->emails.empty()
                        ? nlohmann::ordered_json(nullptr)
                        : nlohmann::ordered_json(analysis.verdict.signers.front().cert->emails.front());
      const auto report = store::harvest_json(h.report);
      m["changes"] = report["changes"];
      m["problems"] = report["problems"];
      all.changes.insert(all.changes.end(), h.report.changes.begin(), h.report.changes.end());
      all.problems.insert(all.problems.end(), h.report.problems.begin(), h.report.problems.end());
    } catch (const Error& e) {
      if (!first_error) first_error = e;
      m["error"] = {{"code", std::string(code_string(e.code()))}, {"detail", e.detail()}};
      if (!args.flag("--json")) std::cerr << "inkan: " << path << ": " << message(e.code(), ctx.lang) << " [" << code_string(e.code()) << "] " << e.detail() << std::endl;
    }
    messages.push_back(std::move(m));
  }
  if (args.flag("--json")) {
    print_json({{"version", 1}, {"messages", messages}});
  } else {
    if (all.changes.empty() && !first_error) std::cout << text("label.nothing_harvested", ctx.lang) << "\n";
    print_harvest(std::cout, all, ctx.lang);
  }
  return first_error ? exit_code_for(first_error->code()) : kExitOk;
}

int accept_or_reject(const std::vector<std::string>& argv, const Context& ctx, bool accept) {
  const Args args(argv, {{"--json"}});
  if (args.positionals().size() != 2) throw Error(Errc::usage, "give ADDRESS and FINGERPRINT");
  const std::string& address = args.positionals()[0];
  const std::string& fp = args.positionals()[1];
  store::Store s = open_store(args);
  store::ContactBook book(s);
  const store::Contact c = accept ? book.accept(address, fp, ctx.now) : book.reject(address, fp, ctx.now);
  if (args.flag("--json")) {
    print_json(store::decision_json(c, fp, accept, ctx.now));
  } else {
    std::cout << text(accept ? "label.accepted" : "label.rejected", ctx.lang) << ": " << store::normalize_fingerprint(fp)
              << "\n";
    print_full_contact(c, ctx.now, ctx.lang);
  }
  return kExitOk;
}

int contact_accept(const std::vector<std::string>& argv, const Context& ctx) { return accept_or_reject(argv, ctx, true); }
int contact_reject(const std::vector<std::string>& argv, const Context& ctx) { return accept_or_reject(argv, ctx, false); }

int contact_delete(const std::vector<std::string>& argv, const Context& ctx) {
  const Args args(argv, {{"--yes"}, {"--json"}});
  const std::string& address = one_address(args);
  store::Store s = open_store(args);
  store::ContactBook book(s);
  // NOT_FOUND before asking for confirmation; a damaged file may still be deleted.
  std::optional<store::Contact> c;
  try {
    c = book.find(address);
    if (!c) throw Error(Errc::not_found, "no contact " + address);
  } catch (const Error& e) {
    if (e.code() != Errc::store_corrupt && e.code() != Errc::store_version_unsupported) throw;
  }
  if (!args.flag("--yes")) throw Error(Errc::confirmation_required, "inkan contact delete " + address + " --yes");
  book.remove(address);
  if (args.flag("--json")) {
    print_json(store::delete_json(c ? c->address : address));
  } else {
    std::cout << text("label.deleted", ctx.lang) << ": " << (c ? c->address : address) << "\n";
  }
  return kExitOk;
}

int contact_lookup(const std::vector<std::string>& argv, const Context& ctx) {
  const Args args(argv, {{"--at", true}, {"--json"}});
  if (args.positionals().empty()) throw Error(Errc::usage, "give one or more ADDRESS");
  store::Store s = open_store(args);
  const std::int64_t at = verification_time(args, ctx);
  const auto answers = store::ContactBook(s).lookup(args.positionals(), at);
  bool all = true;
  for (const auto& a : answers) all = all && a.found();
  if (args.flag("--json")) {
    print_json(store::recipients_json(answers, at));
    return all ? kExitOk : kExitNotGood;
  }
  std::size_t width = 0;
  for (const auto& a : answers) width = std::max(width, a.address.size());
  for (const auto& a : answers) {
    std::cout << a.address << std::string(width + 2 - a.address.size(), ' ');
    if (a.found()) {
      const store::ContactCert c = store::describe_contact_cert(a.cert.get());
      std::cout << text("label.lookup_ok", ctx.lang) << "  " << text("source." + a.source, ctx.lang) << "  "
                << validity_text(c, at, ctx.lang) << "  SHA-256 " << a.fingerprint << "\n";
    } else {
      std::cout << a.reason << "  " << reason_text(a.reason, ctx.lang);
      if (!a.details.empty()) {
        std::string d;
        for (const auto& x : a.details) d += (d.empty() ? "" : ", ") + x;
        std::cout << " (" << d << ")";
      }
      std::cout << "\n";
    }
  }
  return all ? kExitOk : kExitNotGood;
}

int contact_import(const std::vector<std::string>& argv, const Context& ctx) {
  const Args args(argv, {{"--json"}});
  if (args.positionals().size() != 1) throw Error(Errc::usage, "give exactly one CERTFILE");
  const std::string& path = args.positionals().front();
  const auto certs = x509::load_certificates(path);
  std::vector<X509*> raw;
  for (const auto& c : certs) raw.push_back(c.get());
  store::Store s = open_store(args);
  const auto report =
      store::ContactBook(s).import_certificates(raw, std::filesystem::path(path).filename().string(), ctx.now);
  if (args.flag("--json")) {
    print_json(store::import_json(report));
  } else {
    print_harvest(std::cout, report, ctx.lang);
  }
  return kExitOk;
}

}  // namespace

int run_contact(const std::vector<std::string>& argv, const Context& ctx) {
  return run_subcommand("contact",
                        {{"list", contact_list},
                         {"show", contact_show},
                         {"harvest", contact_harvest},
                         {"accept", contact_accept},
                         {"reject", contact_reject},
                         {"delete", contact_delete},
                         {"lookup", contact_lookup},
                         {"import", contact_import}},
                        argv, ctx);
}

}  // namespace inkan::cli
