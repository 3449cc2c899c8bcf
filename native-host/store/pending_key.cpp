#include "store/pending_key.h"

#include "error.h"
#include "mime/codec.h"
#include "mime/date.h"
#include "ossl/error_queue.h"

#include <nlohmann/json.hpp>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>

namespace inkan::store {
namespace {

constexpr std::string_view kFormat = "inkan-pending-key";

[[noreturn]] void corrupt(std::string_view id, const std::string& what) {
  throw Error(Errc::store_corrupt, "pending/" + std::string(id) + ".json: " + what);
}

bool is_hex64(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

}  // namespace

std::string public_key_id(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  const int len = i2d_PUBKEY(key, &der);
  if (len <= 0) ossl::throw_last(Errc::internal, "public key encoding");
  const ossl::OsslBytesPtr owned(der);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;
  if (EVP_Digest(der, static_cast<std::size_t>(len), md, &md_len, EVP_sha256(), nullptr) != 1) {
    ossl::throw_last(Errc::internal, "SHA-256");
  }
  return mime::hex_encode(std::string_view(reinterpret_cast<const char*>(md), md_len));
}

std::string pending_file_text(const PendingKey& p) {
  const nlohmann::json doc = {{"format", kFormat},
                              {"version", PendingKey::kVersion},
                              {"id", p.id},
                              {"addresses", p.addresses},
                              {"key_type", p.key_type},
                              {"usage", p.usage},
                              {"csr", p.csr_pem},
                              {"private_key", p.sealed_key},
                              {"key_id", p.key_id},
                              {"source", p.source},
                              {"created_at", mime::format_iso8601(p.created_at)}};
  return doc.dump(2) + "\n";
}

PendingKey parse_pending_file(std::string_view text, std::string_view expected_id) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception&) {
    corrupt(expected_id, "not JSON");
  }
  if (!doc.is_object() || doc.value("format", std::string()) != kFormat) corrupt(expected_id, "not an Inkan pending key");
  const auto version = doc.find("version");
  if (version == doc.end() || !version->is_number_integer() || version->get<int>() < 1) corrupt(expected_id, "no version");
  if (version->get<int>() > PendingKey::kVersion) {
    throw Error(Errc::store_version_unsupported,
                "pending/" + std::string(expected_id) + ".json has version " + std::to_string(version->get<int>()));
  }
  try {
    PendingKey p;
    p.id = doc.at("id").get<std::string>();
    for (const auto& a : doc.at("addresses")) p.addresses.push_back(a.get<std::string>());
    p.key_type = doc.value("key_type", std::string());
    p.usage = doc.value("usage", std::string());
    p.csr_pem = doc.at("csr").get<std::string>();
    p.sealed_key = doc.at("private_key").get<std::string>();
    p.key_id = doc.at("key_id").get<std::string>();
    p.source = doc.value("source", std::string());
    const auto created = mime::parse_iso8601(doc.at("created_at").get<std::string>());
    if (!created) corrupt(expected_id, "bad created_at");
    p.created_at = *created;
    if (p.id != expected_id) corrupt(expected_id, "the id does not match the file name");
    if (p.sealed_key.find("-----BEGIN ENCRYPTED PRIVATE KEY-----") == std::string::npos) {
      corrupt(expected_id, "the private key is missing or not encrypted");
    }
    // The CSR carries the public key: the id must be its hash, so a certificate finds the right key.
    ossl::BioPtr bio(BIO_new_mem_buf(p.csr_pem.data(), static_cast<int>(p.csr_pem.size())));
    ossl::X509ReqPtr req(PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr));
    EVP_PKEY* pub = req ? X509_REQ_get0_pubkey(req.get()) : nullptr;
    ERR_clear_error();
    if (pub == nullptr) corrupt(expected_id, "the CSR cannot be read");
    if (public_key_id(pub) != p.id) corrupt(expected_id, "the id is not the CSR's public key");
    return p;
  } catch (const nlohmann::json::exception&) {
    corrupt(expected_id, "missing or mistyped fields");
  }
}

bool is_pending_file_name(std::string_view name) {
  return name.size() == 69 && name.substr(64) == ".json" && is_hex64(name.substr(0, 64));
}

}  // namespace inkan::store
