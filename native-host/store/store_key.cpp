#include "store/store_key.h"

#include "error.h"
#include "mime/codec.h"
#include "mime/date.h"
#include "ossl/handles.h"
#include "ossl/library.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>

namespace inkan::store {
namespace {

constexpr std::string_view kFormat = "inkan-store";
// Binds the wrapped key to its purpose and format version (GCM additional data).
constexpr std::string_view kWrapAad = "inkan store key, version 1";
constexpr std::size_t kSaltSize = 16;
constexpr std::size_t kNonceSize = 12;
constexpr std::size_t kTagSize = 16;
// Parameters read from a file are bounded, so a damaged store.json cannot ask for gigabytes.
constexpr std::uint64_t kMaxScryptN = 1U << 20;
constexpr std::uint64_t kMaxScryptMemory = 1ULL << 30;

[[noreturn]] void corrupt(const std::string& what) { throw Error(Errc::store_corrupt, "store.json: " + what); }

std::string random_bytes(std::size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    ERR_clear_error();
    throw Error(Errc::internal, "no random numbers");
  }
  return out;
}

std::string hex(std::string_view bytes) { return mime::hex_encode(bytes); }

std::optional<std::string> unhex(std::string_view text) {
  if (text.size() % 2 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 2);
  const auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < text.size(); i += 2) {
    const int hi = digit(text[i]);
    const int lo = digit(text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

std::string hex_field(const nlohmann::json& obj, const char* name, std::size_t size) {
  const auto it = obj.find(name);
  if (it == obj.end() || !it->is_string()) corrupt(std::string("no ") + name);
  auto bytes = unhex(it->get<std::string>());
  if (!bytes || bytes->size() != size) corrupt(std::string("bad ") + name);
  return *bytes;
}

class Secret {
public:
  explicit Secret(std::size_t n) : m_bytes(n, '\0') {}
  ~Secret() { OPENSSL_cleanse(m_bytes.data(), m_bytes.size()); }
  Secret(const Secret&) = delete;
  Secret& operator=(const Secret&) = delete;
  unsigned char* data() { return reinterpret_cast<unsigned char*>(m_bytes.data()); }
  std::string_view view() const { return m_bytes; }

private:
  std::string m_bytes;
};

// RFC 7914 scrypt through OpenSSL's EVP_KDF.
void scrypt(const std::string& passphrase, std::string_view salt, const ScryptParams& params, Secret& out) {
  ossl::ensure_initialized();
  ossl::EvpKdfPtr kdf(EVP_KDF_fetch(nullptr, "SCRYPT", nullptr));
  if (!kdf) throw Error(Errc::internal, "scrypt is not available");
  ossl::EvpKdfCtxPtr ctx(EVP_KDF_CTX_new(kdf.get()));
  std::uint64_t n = params.n;
  std::uint32_t r = params.r;
  std::uint32_t p = params.p;
  std::uint64_t maxmem = kMaxScryptMemory + (1ULL << 20);
  const OSSL_PARAM settings[] = {
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, const_cast<char*>(passphrase.data()), passphrase.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<char*>(salt.data()), salt.size()),
      OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
      OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r),
      OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p),
      OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem),
      OSSL_PARAM_construct_end(),
  };
  if (!ctx || EVP_KDF_derive(ctx.get(), out.data(), StoreKey::kSize, settings) != 1) {
    ERR_clear_error();
    throw Error(Errc::internal, "scrypt failed");
  }
}

// AES-256-GCM with a fresh nonce: the tag both authenticates the file and tells a wrong passphrase.
bool gcm(bool encrypt, const Secret& kek, std::string_view nonce, std::string_view in, std::string& out,
         std::string& tag) {
  ossl::EvpCipherPtr cipher(EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr));
  ossl::EvpCipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!cipher || !ctx) throw Error(Errc::internal, "AES-256-GCM is not available");
  const auto* key = reinterpret_cast<const unsigned char*>(kek.view().data());
  const auto* iv = reinterpret_cast<const unsigned char*>(nonce.data());
  if (EVP_CipherInit_ex2(ctx.get(), cipher.get(), key, iv, encrypt ? 1 : 0, nullptr) != 1) {
    throw Error(Errc::internal, "AES-256-GCM init");
  }
  int len = 0;
  if (EVP_CipherUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(kWrapAad.data()),
                       static_cast<int>(kWrapAad.size())) != 1) {
    throw Error(Errc::internal, "AES-256-GCM aad");
  }
  out.assign(in.size(), '\0');
  if (EVP_CipherUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len,
                       reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size())) != 1) {
    throw Error(Errc::internal, "AES-256-GCM update");
  }
  if (!encrypt &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(tag.size()), tag.data()) != 1) {
    throw Error(Errc::internal, "AES-256-GCM tag");
  }
  int final_len = 0;
  unsigned char scratch[32];
  const bool ok = EVP_CipherFinal_ex(ctx.get(), scratch, &final_len) == 1;
  ERR_clear_error();
  if (!ok) {
    OPENSSL_cleanse(out.data(), out.size());
    return false;
  }
  if (encrypt) {
    tag.assign(kTagSize, '\0');
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagSize), tag.data()) != 1) {
      throw Error(Errc::internal, "AES-256-GCM tag");
    }
  }
  return true;
}

void check_scrypt(const ScryptParams& s) {
  const bool power_of_two = s.n >= 2 && (s.n & (s.n - 1)) == 0;
  if (!power_of_two || s.n > kMaxScryptN || s.r < 1 || s.r > 32 || s.p < 1 || s.p > 16 ||
      128ULL * s.r * s.n > kMaxScryptMemory) {
    corrupt("scrypt parameters out of range");
  }
}

}  // namespace

StoreKey StoreKey::generate() {
  StoreKey k;
  const std::string bytes = random_bytes(kSize);
  std::copy(bytes.begin(), bytes.end(), k.m_key.begin());
  return k;
}

StoreKey StoreKey::from_bytes(std::string_view bytes) {
  if (bytes.size() != kSize) throw Error(Errc::store_corrupt, "store key has the wrong size");
  StoreKey k;
  std::copy(bytes.begin(), bytes.end(), k.m_key.begin());
  return k;
}

StoreKey::~StoreKey() { OPENSSL_cleanse(m_key.data(), m_key.size()); }

std::string_view StoreKey::bytes() const { return {reinterpret_cast<const char*>(m_key.data()), m_key.size()}; }

std::string StoreKey::id() const {
  // A hash of a 256-bit random key reveals nothing about it.
  std::string input = "inkan store key id:";
  input.append(bytes());
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest);
  OPENSSL_cleanse(input.data(), input.size());
  return hex(std::string_view(reinterpret_cast<const char*>(digest), 8));
}

std::string StoreKey::pkcs8_password() const { return hex(bytes()); }

StoreFile parse_store_file(std::string_view text) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception&) {
    corrupt("not JSON");
  }
  if (!doc.is_object()) corrupt("not a JSON object");
  if (doc.value("format", std::string()) != kFormat) corrupt("not an Inkan store file");
  const auto version = doc.find("version");
  if (version == doc.end() || !version->is_number_integer()) corrupt("no version");
  StoreFile f;
  f.version = version->get<int>();
  if (f.version > StoreFile::kVersion) {
    throw Error(Errc::store_version_unsupported,
                "store.json has version " + std::to_string(f.version) + "; this Inkan reads version " +
                    std::to_string(StoreFile::kVersion));
  }
  if (f.version < 1) corrupt("bad version");
  f.created_at = doc.value("created_at", std::string());
  const auto key_id = doc.find("key_id");
  if (key_id == doc.end() || !key_id->is_string() || key_id->get<std::string>().size() != 16) corrupt("no key_id");
  f.key_id = key_id->get<std::string>();
  const auto key = doc.find("store_key");
  if (key == doc.end() || !key->is_object()) corrupt("no store_key");
  const std::string protection = key->value("protection", std::string());
  if (protection == "none") {
    (void)hex_field(*key, "key", StoreKey::kSize);
  } else if (protection == "passphrase") {
    f.has_passphrase = true;
    const auto kdf = key->find("kdf");
    if (kdf == key->end() || !kdf->is_object() || kdf->value("name", std::string()) != "scrypt") corrupt("unknown kdf");
    try {
      f.scrypt.n = kdf->at("n").get<std::uint64_t>();
      f.scrypt.r = kdf->at("r").get<std::uint32_t>();
      f.scrypt.p = kdf->at("p").get<std::uint32_t>();
    } catch (const nlohmann::json::exception&) {
      corrupt("bad scrypt parameters");
    }
    check_scrypt(f.scrypt);
    (void)hex_field(*kdf, "salt", kSaltSize);
    if (key->value("cipher", std::string()) != "aes-256-gcm") corrupt("unknown cipher");
    (void)hex_field(*key, "nonce", kNonceSize);
    (void)hex_field(*key, "ciphertext", StoreKey::kSize);
    (void)hex_field(*key, "tag", kTagSize);
  } else {
    corrupt("unknown protection '" + protection + "'");
  }
  f.document = std::move(doc);
  return f;
}

std::string make_store_file(const StoreKey& key, const std::optional<std::string>& passphrase,
                            const ScryptParams& params, std::int64_t now, const StoreFile* previous) {
  nlohmann::json doc = previous != nullptr ? previous->document : nlohmann::json::object();
  doc["format"] = kFormat;
  doc["version"] = StoreFile::kVersion;
  if (previous == nullptr || previous->created_at.empty()) doc["created_at"] = mime::format_iso8601(now);
  doc["key_id"] = key.id();
  nlohmann::json wrapped;
  if (!passphrase) {
    wrapped = {{"protection", "none"}, {"key", hex(key.bytes())}};
  } else {
    if (passphrase->empty()) throw Error(Errc::usage, "the store passphrase must not be empty");
    const std::string salt = random_bytes(kSaltSize);
    const std::string nonce = random_bytes(kNonceSize);
    Secret kek(StoreKey::kSize);
    scrypt(*passphrase, salt, params, kek);
    std::string ciphertext, tag;
    gcm(true, kek, nonce, key.bytes(), ciphertext, tag);
    wrapped = {{"protection", "passphrase"},
               {"kdf", {{"name", "scrypt"}, {"salt", hex(salt)}, {"n", params.n}, {"r", params.r}, {"p", params.p}}},
               {"cipher", "aes-256-gcm"},
               {"nonce", hex(nonce)},
               {"ciphertext", hex(ciphertext)},
               {"tag", hex(tag)}};
  }
  doc["store_key"] = std::move(wrapped);
  return doc.dump(2) + "\n";
}

StoreKey unlock_store_key(const StoreFile& file, const std::optional<std::string>& passphrase) {
  const auto& key = file.document.at("store_key");
  if (!file.has_passphrase) {
    StoreKey k = StoreKey::from_bytes(hex_field(key, "key", StoreKey::kSize));
    if (k.id() != file.key_id) corrupt("the store key does not match its key_id");
    return k;
  }
  if (!passphrase) throw Error(Errc::store_locked);
  const auto& kdf = key.at("kdf");
  Secret kek(StoreKey::kSize);
  scrypt(*passphrase, hex_field(kdf, "salt", kSaltSize), file.scrypt, kek);
  std::string plain;
  std::string tag = hex_field(key, "tag", kTagSize);
  if (!gcm(false, kek, hex_field(key, "nonce", kNonceSize), hex_field(key, "ciphertext", StoreKey::kSize), plain,
           tag)) {
    // GCM cannot tell a wrong passphrase from a damaged file; a wrong passphrase is by far the likelier.
    throw Error(Errc::bad_password, "store passphrase");
  }
  StoreKey k = StoreKey::from_bytes(plain);
  OPENSSL_cleanse(plain.data(), plain.size());
  if (k.id() != file.key_id) corrupt("the store key does not match its key_id");
  return k;
}

}  // namespace inkan::store
