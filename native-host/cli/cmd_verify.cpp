#include "commands.h"
#include "contact_cli.h"
#include "io/sink.h"
#include "mime/date.h"
#include "mime/line_reader.h"
#include "smime/analyse.h"
#include "store/contact_json.h"
#include "store_access.h"
#include "text.h"
#include "verdict_json.h"

#include <iostream>

namespace inkan::cli {
namespace {

void print_human(const Verdict& v, Lang lang) {
  std::cout << text("label.status", lang) << ": " << text(status_name(v.status), lang) << " (" << status_name(v.status)
            << ")\n";
  if (!v.signers.empty() && v.signers.front().cert) {
    const auto& s = v.signers.front();
    const auto& c = *s.cert;
    const std::string who = c.emails.empty() ? c.subject : c.emails.front();
    std::cout << text("label.signer", lang) << ": " << who << " (" << c.subject << ")\n";
    if (s.signing_time) std::cout << text("label.signing_time", lang) << ": " << mime::format_iso8601(*s.signing_time) << "\n";
    if (v.signature_kind == "detached") {
      std::string line = text("label.signature_part", lang);
      line.replace(line.find("{who}"), 5, who);
      std::cout << line << "\n";
    }
    if (!s.valid_now && s.valid_when_signed.value_or(false)) std::cout << text("label.valid_when_signed", lang) << "\n";
  }
  if (v.encrypted) {
    std::cout << text("label.encrypted", lang) << ": " << text("label.yes", lang);
    if (!v.content_cipher.empty()) std::cout << " (" << v.content_cipher << ")";
    std::cout << "\n";
  }
  if (!v.reasons.empty()) {
    std::cout << text("label.reasons", lang) << ":\n";
    for (const auto& r : v.reasons) std::cout << "  - " << text(r, lang) << " (" << r << ")\n";
  }
  if (!v.warnings.empty()) {
    std::cout << text("label.warnings", lang) << ":\n";
    for (const auto& w : v.warnings) std::cout << "  - " << text(w, lang) << " (" << w << ")\n";
  }
  std::cout.flush();
}

}  // namespace

int run_verify(const std::vector<std::string>& argv, const Context& ctx) {
  auto specs = std::vector<OptionSpec>{{"--key", true},     {"--pass-env", true}, {"--pass-fd", true},
                                       {"--pass-file", true}, {"--trust", true, true}, {"--cert", true, true},
                                       {"--crl", true, true}, {"--at", true},      {"--allow-sha1"},
                                       {"--json"},            {"--content", true},  {"--output", true, false, "-o"},
                                       {"--identity", true},  {"--harvest"}};
  for (auto& o : store_pass_options()) specs.push_back(std::move(o));
  const Args args(argv, specs);
  const bool harvest = args.flag("--harvest");
  // Contacts are judged by the store's trust settings; a verdict against other anchors would be recorded as if it were.
  if (harvest && !args.values("--trust").empty()) throw Error(Errc::usage, "--harvest uses the store's trust anchors: drop --trust");
  std::optional<store::Store> store;
  if (args.values("--trust").empty()) store.emplace(open_store(args));
  // --trust: exactly those anchors. Without it: the store's (built-in roots and the
  // user's own CAs, minus what the user distrusts).
  x509::TrustStore trust = store ? store->trust_store() : load_trust(args);
  if (args.values("--trust").empty()) {
    for (const auto& path : args.values("--crl")) {
      for (auto& crl : x509::load_crls(path)) trust.add_crl(std::move(crl));
    }
  }
  const auto extra = load_cert_files(args.values("--cert"));
  std::vector<ossl::X509CrlPtr> no_crls;
  // An encrypted message is decrypted first with --key, or with the keys of --identity in the store.
  std::vector<keys::Credentials> keys;
  if (args.value("--key") || args.value("--identity")) keys = load_decryption_keys(args);

  smime::AnalyseOptions options;
  options.trust = &trust;
  for (const auto& c : extra) options.extra_certs.push_back(c.get());
  options.at = verification_time(args, ctx);
  options.allow_sha1 = args.flag("--allow-sha1");
  for (const auto& k : keys) options.keys.push_back(&k);
  std::unique_ptr<io::Source> content;
  if (const auto path = args.value("--content")) {
    content = io::open_input(*path);
    options.detached_content = content.get();
  }
  const auto input = io::open_input(args.input());
  const smime::Analysis analysis = smime::analyse(*input, options);

  if (const auto out_path = args.value("--output"); out_path && analysis.content.source != nullptr) {
    io::Output out(*out_path, 0600, io::Durability::relaxed);
    mime::for_each_chunk(*analysis.content.source, analysis.content.range,
                         [&](std::string_view chunk) { out.sink().write(chunk); });
    out.commit();
  }
  std::optional<store::MessageHarvest> harvested;
  if (harvest) harvested = store::harvest_message(*store, analysis.verdict, *input, "cli", ctx.now);
  if (args.flag("--json")) {
    auto j = to_json(analysis.verdict);
    if (harvested) j["contact"] = store::harvest_contact_json(*harvested, analysis.verdict);
    std::cout << dump_json(j) << std::endl;
  } else {
    print_human(analysis.verdict, ctx.lang);
    if (harvested && harvested->error) {
      std::cerr << "inkan: " << text("label.harvest_failed", ctx.lang) << ": [" << code_string(harvested->error->code())
                << "] " << harvested->error->detail() << std::endl;
    } else if (harvested && !harvested->report.changes.empty()) {
      std::cout << text("label.contact", ctx.lang) << ":\n";
      print_harvest(std::cout, harvested->report, ctx.lang);
    }
  }
  return analysis.verdict.status == Status::good ? kExitOk : kExitNotGood;
}

}  // namespace inkan::cli
