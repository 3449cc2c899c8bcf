#include "smime/structure.h"

#include "cms/envelope.h"
#include "cms/verify.h"
#include "error.h"
#include "io/sink.h"
#include "mime/body_source.h"
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
  layer.entity = &e;
  // Two Content-Type (or encoding) fields let two readers see two different
  // structures; a signature cannot vouch for an entity that is ambiguous.
  const bool ambiguous = e.headers.count("Content-Type") > 1 || e.headers.count("Content-Transfer-Encoding") > 1;
  if (ambiguous) {
    for (const auto& f : e.headers.fields()) {
      if (!mime::iequals(f.name, "Content-Type")) continue;
      const auto ct = mime::parse_content_type(f.value);
      if (ct && ((ct->type == "multipart" && ct->subtype == "signed") ||
                 (ct->type == "application" && (ct->subtype == "pkcs7-mime" || ct->subtype == "x-pkcs7-mime")))) {
        layer.kind = LayerKind::cms;
        layer.problem = "ambiguous Content-Type or Content-Transfer-Encoding";
        return layer;
      }
    }
  }
  const auto& dup = e.type.ambiguous_params;
  if ((is_smime_multipart_signed(e) || is_pkcs7_mime(e)) &&
      (dup.count("boundary") != 0 || dup.count("protocol") != 0 || dup.count("smime-type") != 0)) {
    layer.kind = LayerKind::cms;  // readers could disagree on where the signed part is
    layer.problem = "ambiguous boundary, protocol or smime-type parameter";
    return layer;
  }
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
    // The type is in the first bytes; encrypted bodies (which can be huge) are decoded later, to disk.
    mime::Entity head = e;
    head.body.end = std::min(e.body.end, e.body.begin + 4096);
    layer.cms_type = cms::content_type_name(decoded_body(src, head, kMaxCmsBytes));
    if (layer.cms_type.empty()) {
      layer.problem = "the body is not CMS";
    } else if (!layer.is_encryption()) {
      layer.cms_der = decoded_body(src, e, kMaxCmsBytes);
    }
  }
  return layer;
}

std::unique_ptr<io::Source> decoded_body_source(const io::Source& src, const mime::Entity& e) {
  io::SpoolSink spool;
  std::string buf;
  const auto drain = [&] {
    spool.write(buf);
    buf.clear();
  };
  if (e.transfer_encoding == "base64") {
    mime::Base64Decoder dec;
    mime::for_each_chunk(src, e.body, [&](std::string_view chunk) {
      dec.update(chunk, buf);
      drain();
    });
  } else if (e.transfer_encoding == "quoted-printable") {
    mime::QpDecoder dec;
    mime::for_each_chunk(src, e.body, [&](std::string_view chunk) {
      dec.update(chunk, buf);
      drain();
    });
    dec.finish(buf);
    drain();
  } else {
    mime::for_each_chunk(src, e.body, [&](std::string_view chunk) { spool.write(chunk); });
  }
  return spool.to_source();
}

std::unique_ptr<io::Source> encrypted_body_source(const io::Source& src, const mime::Entity& e,
                                                  const std::string& cms_type) {
  if (cms_type == "enveloped-data" && e.transfer_encoding == "base64") {
    return std::make_unique<mime::Base64BodySource>(src, e.body);
  }
  return decoded_body_source(src, e);
}

RawCms raw_cms_kind(const io::Source& src) {
  char head[16] = {};
  const std::size_t n = src.read_at(0, {head, sizeof head});
  if (n >= 2 && static_cast<unsigned char>(head[0]) == 0x30 &&
      (static_cast<unsigned char>(head[1]) == 0x80 || (static_cast<unsigned char>(head[1]) & 0x80) != 0)) {
    return RawCms::der;
  }
  // Objects under 128 bytes (RFC 4134's DigestedData, EncryptedData, Data) use the short
  // length form; ContentInfo's OID tag (0x06) right after it cannot start a line of mail.
  if (n >= 3 && static_cast<unsigned char>(head[0]) == 0x30 && static_cast<unsigned char>(head[2]) == 0x06) {
    return RawCms::der;
  }
  if (n >= 10 && std::string_view(head, 10) == "-----BEGIN") return RawCms::pem;
  return RawCms::none;
}

std::shared_ptr<const io::Source> raw_cms_source(const io::Source& src) {
  switch (raw_cms_kind(src)) {
    case RawCms::der:
      return std::shared_ptr<const io::Source>(&src, [](const io::Source*) {});  // not owned
    case RawCms::pem: {
      mime::Entity whole;  // the PEM text between its markers is base64
      whole.transfer_encoding = "base64";
      const std::string head = io::read_range(src, 0, std::min<std::uint64_t>(src.size(), 256), 256);
      const auto nl = head.find('\n');
      std::uint64_t end = src.size();
      const std::string tail = io::read_range(src, src.size() > 256 ? src.size() - 256 : 0, src.size(), 256);
      const auto marker = tail.rfind("-----END");
      if (marker != std::string::npos) end = src.size() - (tail.size() - marker);
      whole.body = {nl == std::string::npos ? 0 : nl + 1, end};
      return decoded_body_source(src, whole);
    }
    case RawCms::none: break;
  }
  return nullptr;
}

std::optional<std::string> raw_cms(const io::Source& src) {
  const auto der = raw_cms_source(src);
  if (!der) return std::nullopt;
  return io::read_range(*der, 0, der->size(), kMaxCmsBytes);
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
