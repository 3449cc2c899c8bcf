#include "smime/structure.h"

#include "cms/envelope.h"
#include "cms/verify.h"
#include "error.h"
#include "mime/codec.h"
#include "mime/line_reader.h"
#include "ossl/error_queue.h"

#include <openssl/err.h>

namespace inkan::smime {
namespace {

bool ends_with_p7m(const std::string& name) {
  return name.size() >= 4 && mime::iequals(std::string_view(name).substr(name.size() - 4), ".p7m");
}

}  // namespace

bool is_pkcs7_mime(const mime::Entity& e) {
  if (e.type.type != "application") return false;
  if (e.type.subtype == "pkcs7-mime" || e.type.subtype == "x-pkcs7-mime") return true;
  if (e.type.subtype == "octet-stream") {
    // Some clients label S/MIME as octet-stream; Thunderbird goes by the .p7m name.
    if (ends_with_p7m(e.type.param("name"))) return true;
    if (const mime::Field* d = e.headers.find("Content-Disposition")) {
      const auto params = mime::parse_parameters(d->value.substr(std::min(d->value.size(), d->value.find(';'))));
      const auto it = params.find("filename");
      if (it != params.end() && ends_with_p7m(it->second)) return true;
    }
  }
  return false;
}

bool is_smime_multipart_signed(const mime::Entity& e) {
  if (!e.type.is("multipart", "signed")) return false;
  const std::string protocol = mime::to_lower(e.type.param("protocol"));
  return protocol == "application/pkcs7-signature" || protocol == "application/x-pkcs7-signature";
}

std::string decoded_body(const io::Source& src, const mime::Entity& e, std::uint64_t max_bytes) {
  // Encoded text is at most 4/3 of the data plus line breaks; check the raw size first.
  if (e.body.size() > max_bytes * 2) throw Error(Errc::input_too_large, "S/MIME body");
  std::string out;
  if (e.transfer_encoding == "base64") {
    mime::Base64Decoder dec;
    mime::for_each_chunk(src, e.body, [&](std::string_view chunk) { dec.update(chunk, out); });
    dec.finish(out);
  } else if (e.transfer_encoding == "quoted-printable") {
    mime::QpDecoder dec;
    mime::for_each_chunk(src, e.body, [&](std::string_view chunk) { dec.update(chunk, out); });
    dec.finish(out);
  } else {
    out = io::read_range(src, e.body.begin, e.body.end, max_bytes);
  }
  if (out.size() > max_bytes) throw Error(Errc::input_too_large, "S/MIME body");
  return out;
}

Layer classify(const io::Source& src, const mime::Entity& e) {
  Layer layer;
  if (is_smime_multipart_signed(e)) {
    layer.kind = LayerKind::detached_signature;
    if (e.children.size() < 2) {
      layer.problem = "multipart/signed without a signature part";
      return layer;
    }
    layer.signed_part = &e.children[0];
    layer.cms_der = decoded_body(src, e.children[1], kMaxCmsBytes);
    layer.cms_type = cms::content_type_name(layer.cms_der);
    if (layer.cms_type != "signed-data") layer.problem = "the signature part is not CMS SignedData";
    return layer;
  }
  if (is_pkcs7_mime(e)) {
    layer.kind = LayerKind::cms;
    layer.cms_der = decoded_body(src, e, kMaxCmsBytes);
    layer.cms_type = cms::content_type_name(layer.cms_der);
    if (layer.cms_type.empty()) layer.problem = "the body is not CMS";
  }
  return layer;
}

std::optional<std::string> raw_cms(const io::Source& src) {
  char head[16] = {};
  const std::size_t n = src.read_at(0, {head, sizeof head});
  if (n >= 2 && static_cast<unsigned char>(head[0]) == 0x30 &&
      (static_cast<unsigned char>(head[1]) == 0x80 || (static_cast<unsigned char>(head[1]) & 0x80) != 0)) {
    return io::read_range(src, 0, src.size(), kMaxCmsBytes);
  }
  if (n >= 10 && std::string_view(head, 10) == "-----BEGIN") {
    const std::string text = io::read_range(src, 0, src.size(), kMaxCmsBytes);
    const auto body = text.find('\n');
    const auto end = text.find("-----END");
    if (body == std::string::npos || end == std::string::npos || end < body) return std::nullopt;
    return mime::base64_decode(std::string_view(text).substr(body + 1, end - body - 1));
  }
  return std::nullopt;
}

std::optional<std::string> encapsulated_content(std::string_view signed_data_der) {
  ossl::ClearErrorsOnExit clear;
  ossl::CmsPtr cms;
  try {
    cms = cms::parse_cms(signed_data_der);
  } catch (const Error&) {
    return std::nullopt;
  }
  ASN1_OCTET_STRING** content = CMS_get0_content(cms.get());
  if (content == nullptr || *content == nullptr) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(*content)),
                     static_cast<std::size_t>(ASN1_STRING_length(*content)));
}

std::vector<std::string> encrypted_parts_below(const io::Source& src, const mime::Entity& e) {
  std::vector<std::string> out;
  mime::walk(e, [&](const mime::Entity& part) {
    if (&part == &e || !is_pkcs7_mime(part)) return;
    try {
      if (classify(src, part).is_encryption()) out.push_back(part.part_number);
    } catch (const Error&) {  // unreadable: not our concern here
    }
  });
  return out;
}

}  // namespace inkan::smime
