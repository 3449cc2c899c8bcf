// identity.export_cert: the certificate alone (.pem or .cer/DER) for others to
// encrypt to: an address's current encryption certificate, or the one named by
// fingerprint. Public data, so a file output is readable by others (0644).
#include "ops/ops.h"
#include "ops/store_access.h"
#include "store/store_json.h"
#include "x509/cert.h"

namespace inkan::protocol::ops {

Reply identity_export_cert(OpContext& ctx) {
  const Json& params = ctx.request.params;
  const std::string who = required_identity(params, "identity");
  const std::string format = string_param(params, "format").value_or("pem");
  if (format != "pem" && format != "der") throw Error(Errc::bad_request, "format: pem or der");
  const bool der = format == "der";
  const store::Identity id = store::identity_for_certificate(ctx.session.open_store(ctx.now), who, ctx.now);
  OutputTarget output(ctx, member(params, "output"), der ? ".cer" : ".pem", 0644);
  if (der) {
    unsigned char* bytes = nullptr;
    const int n = i2d_X509(id.cert.get(), &bytes);
    if (n <= 0) throw Error(Errc::internal, "DER encoding");
    const ossl::OsslBytesPtr owned(bytes);
    output.sink().write(std::string_view(reinterpret_cast<const char*>(bytes), static_cast<std::size_t>(n)));
  } else {
    output.sink().write(x509::to_pem(id.cert.get()));
  }
  Reply reply;
  output.finish(reply);
  const Json out = reply.result["output"];
  reply.result = store::export_cert_json(id, der);
  if (!out.is_null()) reply.result["output"] = out;
  return reply;
}

}  // namespace inkan::protocol::ops
