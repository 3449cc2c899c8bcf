// contact.import: certificates a person handed over (a .cer/.pem file) become
// their contact's current certificates, without a question (the user chose
// them), as `inkan contact import FILE --json`.
#include "ops/contact_support.h"
#include "ops/ops.h"
#include "ops/support.h"
#include "store/contact_use.h"
#include "x509/cert.h"

#include <filesystem>

namespace inkan::protocol::ops {

Reply contact_import(OpContext& ctx) {
  const Json& params = ctx.request.params;
  const Json& form = required(params, "certificate");
  const auto certs = x509::parse_certificates(read_small_input(ctx, form, "certificate"));
  if (certs.empty()) throw Error(Errc::cert_load_failed, "certificate: no certificate");
  std::vector<X509*> raw;
  for (const auto& c : certs) raw.push_back(c.get());
  // The sighting's source, as the CLI records the file's name.
  std::string source = string_param(params, "file_name").value_or("");
  if (source.empty() && form.is_object() && form.contains("path") && form["path"].is_string()) {
    source = std::filesystem::path(form["path"].get<std::string>()).filename().string();
  }
  if (source.empty()) source = kHarvestSource;
  store::Store s = ctx.session.open_store(ctx.now);
  Reply reply;
  reply.result = store::import_json(store::ContactBook(s).import_certificates(raw, source, ctx.now));
  return reply;
}

}  // namespace inkan::protocol::ops
