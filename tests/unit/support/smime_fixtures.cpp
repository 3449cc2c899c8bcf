#include "support/smime_fixtures.h"

#include "ossl/handles.h"
#include "support/process.h"
#include "support/reference_codecs.h"

#include <openssl/cms.h>
#include <openssl/x509.h>

#include <atomic>
#include <ctime>
#include <stdexcept>

namespace inkan::test {
namespace {

std::string unique_name(std::string_view stem) {
  static std::atomic<int> counter{0};
  return std::string(stem) + "-" + std::to_string(++counter);
}

ossl::CmsPtr parse(std::string_view der) {
  ossl::BioPtr bio(BIO_new_mem_buf(der.data(), static_cast<int>(der.size())));
  ossl::CmsPtr cms(d2i_CMS_bio(bio.get(), nullptr));
  if (!cms) throw std::runtime_error("OpenSSL cannot parse the CMS under test");
  return cms;
}

std::string serialize(CMS_ContentInfo* cms) {
  ossl::BioPtr out(BIO_new(BIO_s_mem()));
  if (i2d_CMS_bio(out.get(), cms) != 1) throw std::runtime_error("i2d_CMS_bio failed");
  char* data = nullptr;
  const long len = BIO_get_mem_data(out.get(), &data);
  return std::string(data, static_cast<std::size_t>(len));
}

CMS_SignerInfo* signer_at(CMS_ContentInfo* cms, int index) {
  STACK_OF(CMS_SignerInfo)* sis = CMS_get0_SignerInfos(cms);
  if (sis == nullptr || index >= sk_CMS_SignerInfo_num(sis)) throw std::runtime_error("no such signer");
  return sk_CMS_SignerInfo_value(sis, index);
}

}  // namespace

std::string openssl_sign_many(const TempDir& dir, const std::vector<SignerFiles>& signers, std::string_view content,
                              const std::vector<std::string>& extra) {
  const std::string in = dir.put(unique_name("content") + ".bin", content);
  const std::string out = dir.file(unique_name("signature") + ".der").string();
  std::vector<std::string> args{"cms", "-sign", "-binary", "-in", in, "-outform", "DER", "-out", out};
  for (const auto& s : signers) {
    args.insert(args.end(), {"-signer", s.cert, "-inkey", s.key});
    if (!s.chain.empty()) args.insert(args.end(), {"-certfile", s.chain});
  }
  args.insert(args.end(), extra.begin(), extra.end());
  openssl_ok(args);
  return read_file(out);
}

std::string openssl_sign(const TempDir& dir, const SignerFiles& signer, std::string_view content,
                         const std::vector<std::string>& extra) {
  return openssl_sign_many(dir, {signer}, content, extra);
}

std::string openssl_encrypt(const TempDir& dir, const std::vector<std::string>& recipients, std::string_view content,
                            const std::string& cipher) {
  const std::string in = dir.put(unique_name("plain") + ".bin", content);
  const std::string out = dir.file(unique_name("enveloped") + ".der").string();
  std::vector<std::string> args{"cms", "-encrypt", "-binary", "-in", in, "-outform", "DER", "-out", out, cipher};
  for (const auto& r : recipients) args.push_back(pki(r + ".pem"));
  openssl_ok(args);
  return read_file(out);
}

std::string base64_lines(std::string_view data) {
  const std::string flat = ref_base64(data);
  std::string out;
  for (std::size_t i = 0; i < flat.size(); i += 76) out += flat.substr(i, 76) + "\r\n";
  return out;
}

std::string multipart_signed(std::string_view outer_headers, std::string_view entity, std::string_view signature_der,
                             std::string_view boundary) {
  const std::string b(boundary);
  return std::string(outer_headers) + "MIME-Version: 1.0\r\n" +
         "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256;\r\n"
         " boundary=\"" + b + "\"\r\n\r\n" +
         "This is an S/MIME signed message.\r\n" +
         "--" + b + "\r\n" + std::string(entity) + "\r\n" +
         "--" + b + "\r\n" +
         "Content-Type: application/pkcs7-signature; name=\"smime.p7s\"\r\n"
         "Content-Transfer-Encoding: base64\r\n"
         "Content-Disposition: attachment; filename=\"smime.p7s\"\r\n\r\n" +
         base64_lines(signature_der) + "\r\n--" + b + "--\r\n";
}

std::string pkcs7_mime(std::string_view outer_headers, std::string_view smime_type, std::string_view der) {
  return std::string(outer_headers) + "MIME-Version: 1.0\r\n" +
         "Content-Type: application/pkcs7-mime; smime-type=" + std::string(smime_type) + "; name=\"smime.p7m\"\r\n" +
         "Content-Transfer-Encoding: base64\r\n"
         "Content-Disposition: attachment; filename=\"smime.p7m\"\r\n\r\n" +
         base64_lines(der);
}

std::optional<std::int64_t> signing_time_of(std::string_view der, int index) {
  const ossl::CmsPtr cms = parse(der);
  CMS_SignerInfo* si = signer_at(cms.get(), index);
  const int at = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1);
  if (at < 0) return std::nullopt;
  const ASN1_TYPE* value = X509_ATTRIBUTE_get0_type(CMS_signed_get_attr(si, at), 0);
  if (value == nullptr || (value->type != V_ASN1_UTCTIME && value->type != V_ASN1_GENERALIZEDTIME)) {
    throw std::runtime_error("signingTime has an unexpected type");
  }
  std::tm tm{};
  if (ASN1_TIME_to_tm(value->value.utctime, &tm) != 1) throw std::runtime_error("bad signingTime");
  return static_cast<std::int64_t>(::timegm(&tm));
}

std::string with_corrupted_signature(std::string_view der, int index) {
  const ossl::CmsPtr cms = parse(der);
  ASN1_OCTET_STRING* sig = CMS_SignerInfo_get0_signature(signer_at(cms.get(), index));
  std::string bytes(reinterpret_cast<const char*>(ASN1_STRING_get0_data(sig)),
                    static_cast<std::size_t>(ASN1_STRING_length(sig)));
  bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x01);
  if (ASN1_STRING_set(sig, bytes.data(), static_cast<int>(bytes.size())) != 1) throw std::runtime_error("ASN1_STRING_set");
  return serialize(cms.get());
}

std::string with_embedded_content(std::string_view der, std::string_view content) {
  const ossl::CmsPtr cms = parse(der);
  if (CMS_set_detached(cms.get(), 0) != 1) throw std::runtime_error("CMS_set_detached");
  ASN1_OCTET_STRING** pos = CMS_get0_content(cms.get());
  if (pos == nullptr || *pos == nullptr) throw std::runtime_error("no eContent slot");
  if (ASN1_STRING_set(*pos, content.data(), static_cast<int>(content.size())) != 1) {
    throw std::runtime_error("ASN1_STRING_set");
  }
  return serialize(cms.get());
}

std::string with_tampered_ciphertext(std::string_view der, std::size_t offset_from_end, unsigned char mask) {
  const ossl::CmsPtr cms = parse(der);
  ASN1_OCTET_STRING** pos = CMS_get0_content(cms.get());
  if (pos == nullptr || *pos == nullptr) throw std::runtime_error("no encrypted content to tamper with");
  std::string bytes(reinterpret_cast<const char*>(ASN1_STRING_get0_data(*pos)),
                    static_cast<std::size_t>(ASN1_STRING_length(*pos)));
  if (offset_from_end == 0 || offset_from_end > bytes.size()) throw std::runtime_error("offset outside the ciphertext");
  char& target = bytes[bytes.size() - offset_from_end];
  target = static_cast<char>(static_cast<unsigned char>(target) ^ mask);
  if (ASN1_STRING_set(*pos, bytes.data(), static_cast<int>(bytes.size())) != 1) throw std::runtime_error("ASN1_STRING_set");
  return serialize(cms.get());
}

std::string rfc5322_date(std::int64_t epoch_seconds) {
  const auto t = static_cast<std::time_t>(epoch_seconds);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  static const char* const kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday], tm.tm_mday,
                kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::int64_t now_seconds() { return static_cast<std::int64_t>(std::time(nullptr)); }

std::string text_entity(std::string_view text) {
  return "Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\n" + std::string(text);
}

SignerFiles make_rsa_signer(const TempDir& dir, int bits, std::string_view email) {
  const std::string stem = unique_name("rsa" + std::to_string(bits));
  SignerFiles files;
  files.key = dir.file(stem + ".key").string();
  files.cert = dir.file(stem + ".pem").string();
  const std::string csr = dir.file(stem + ".csr").string();
  const std::string ext = dir.put(stem + ".ext",
                                  "basicConstraints = CA:FALSE\n"
                                  "keyUsage = critical,digitalSignature,keyEncipherment\n"
                                  "extendedKeyUsage = emailProtection\n"
                                  "subjectAltName = email:" + std::string(email) + "\n");
  openssl_ok({"genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:" + std::to_string(bits), "-out", files.key});
  openssl_ok({"req", "-new", "-key", files.key, "-subj", "/CN=" + stem, "-out", csr});
  openssl_ok({"x509", "-req", "-in", csr, "-CA", pki("sub.pem"), "-CAkey", pki("sub.key"), "-set_serial",
              std::to_string(70000 + bits), "-days", "30", "-sha256", "-extfile", ext, "-out", files.cert});
  files.chain = pki("sub.pem");
  return files;
}

}  // namespace inkan::test
