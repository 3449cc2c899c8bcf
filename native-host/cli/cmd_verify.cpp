#include "commands.h"
#include "io/sink.h"
#include "mime/date.h"
#include "mime/line_reader.h"
#include "smime/analyse.h"
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
                                       {"--json"},            {"--content", true},  {"--output", true, false, "-o"}};
  const Args args(argv, specs);
  const x509::TrustStore trust = load_trust(args);
  const auto extra = load_cert_files(args.values("--cert"));
  std::vector<ossl::X509CrlPtr> no_crls;
  std::optional<keys::Credentials> key;
  if (args.value("--key")) key = load_key(args);

  smime::AnalyseOptions options;
  options.trust = &trust;
  for (const auto& c : extra) options.extra_certs.push_back(c.get());
  options.at = verification_time(args, ctx);
  options.allow_sha1 = args.flag("--allow-sha1");
  if (key) options.keys.push_back(&*key);
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
  if (args.flag("--json")) {
    std::cout << dump_json(to_json(analysis.verdict)) << std::endl;
  } else {
    print_human(analysis.verdict, ctx.lang);
  }
  return analysis.verdict.status == Status::good ? kExitOk : kExitNotGood;
}

}  // namespace inkan::cli
