#include "store/pkcs12_writer.h"

#include "error.h"
#include "ossl/error_queue.h"
#include "ossl/library.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>

#include <array>
#include <span>

namespace inkan::store {
namespace {

void add_cert_bag(STACK_OF(PKCS12_SAFEBAG) * *bags, X509* cert, const unsigned char* key_id, unsigned key_id_len,
                  const std::string& name) {
  PKCS12_SAFEBAG* bag = PKCS12_add_cert(bags, cert);
  if (bag == nullptr) ossl::throw_last(Errc::internal, "PKCS#12 certificate bag");
  if (key_id != nullptr && PKCS12_add_localkeyid(bag, const_cast<unsigned char*>(key_id), static_cast<int>(key_id_len)) != 1) {
    ossl::throw_last(Errc::internal, "PKCS#12 localKeyID");
  }
  if (!name.empty() && PKCS12_add_friendlyname_utf8(bag, name.c_str(), static_cast<int>(name.size())) != 1) {
    ossl::throw_last(Errc::internal, "PKCS#12 friendlyName");
  }
}

// gpgsm (sm/minip12.c string_to_key, 2.2 and later) derives the 24-byte 3DES key
// of RFC 7292's KDF wrongly when, after the first of the two rounds it takes, a
// 64-byte block of I (the salt's or the password's) starts with a zero byte: it
// writes the block back without its leading zeros. That is one 3DES salt in 128,
// and gpgsm then cannot open the file ("data error at shrouded_key_bag"). Legacy
// files are written for gpgsm and its kind, so their salts are drawn until the
// derivation stays clear of it; every other reader derives the same key either way.
bool gpgsm_derives_the_key(std::span<const unsigned char> salt, std::span<const unsigned char> bmp_password,
                           int iterations) {
  constexpr std::size_t kBlock = 64;  // SHA-1's block, v in RFC 7292 B.2
  std::array<unsigned char, 3 * kBlock> dsp{};
  for (std::size_t i = 0; i < kBlock; ++i) {
    dsp[i] = 1;  // ID 1: key material
    dsp[kBlock + i] = salt[i % salt.size()];
    dsp[2 * kBlock + i] = bmp_password[i % bmp_password.size()];
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> a{};
  unsigned a_len = 0;
  if (EVP_Digest(dsp.data(), dsp.size(), a.data(), &a_len, ossl::sha1(), nullptr) != 1) {
    ossl::throw_last(Errc::internal, "SHA-1");
  }
  for (int i = 1; i < iterations; ++i) {
    if (EVP_Digest(a.data(), a_len, a.data(), &a_len, ossl::sha1(), nullptr) != 1) ossl::throw_last(Errc::internal, "SHA-1");
  }
  // The top byte of (I_j + B + 1) mod 2^512, B being A repeated, for the salt's and the password's block.
  for (const std::size_t block : {kBlock, 2 * kBlock}) {
    unsigned carry = 1;
    unsigned top = 0;
    for (std::size_t i = kBlock; i-- > 0;) {
      const unsigned sum = dsp[block + i] + a[i % a_len] + carry;
      top = sum & 0xFF;
      carry = sum >> 8;
    }
    if (top == 0) return false;
  }
  return true;
}

// The salt of one encrypted bag: drawn here for a legacy file, by OpenSSL (null) otherwise.
class BagSalt {
public:
  BagSalt(Pkcs12Profile profile, const std::string& password, int iterations) {
    if (profile != Pkcs12Profile::legacy) return;
    unsigned char* uni = nullptr;
    int uni_len = 0;
    // OpenSSL's PBE takes the UTF-8 password as a BMPString with its two zero bytes.
    if (OPENSSL_utf82uni(password.c_str(), static_cast<int>(password.size()), &uni, &uni_len) == nullptr) {
      ossl::throw_last(Errc::internal, "PKCS#12 password");
    }
    const ossl::OsslBytesPtr owned(uni);
    const std::span<const unsigned char> bmp(uni, static_cast<std::size_t>(uni_len));
    do {
      if (RAND_bytes(m_bytes.data(), static_cast<int>(m_bytes.size())) != 1) ossl::throw_last(Errc::internal, "random salt");
    } while (!gpgsm_derives_the_key(m_bytes, bmp, iterations));
    m_chosen = true;
  }
  unsigned char* data() { return m_chosen ? m_bytes.data() : nullptr; }
  int size() const { return m_chosen ? static_cast<int>(m_bytes.size()) : 0; }

private:
  std::array<unsigned char, PKCS5_SALT_LEN> m_bytes{};
  bool m_chosen = false;
};

}  // namespace

std::string write_pkcs12(const std::vector<Pkcs12Entry>& entries, const std::vector<X509*>& chain,
                         const std::string& password, Pkcs12Profile profile) {
  if (password.empty()) throw Error(Errc::usage, "a PKCS#12 file needs a password");
  if (entries.empty()) throw Error(Errc::internal, "nothing to export");
  ossl::ensure_initialized();
  ossl::ClearErrorsOnExit clear;
  const bool modern = profile == Pkcs12Profile::modern;
  // A cipher NID asks OpenSSL for PBES2 with that cipher; a PBE NID for the PKCS#12 v1 scheme.
  const int nid = modern ? NID_aes_256_cbc : NID_pbe_WithSHA1And3_Key_TripleDES_CBC;
  const int iterations = modern ? kModernIterations : kLegacyIterations;

  ossl::SafebagStackPtr cert_bags(sk_PKCS12_SAFEBAG_new_null());
  ossl::SafebagStackPtr key_bags(sk_PKCS12_SAFEBAG_new_null());
  STACK_OF(PKCS12_SAFEBAG)* certs_raw = cert_bags.get();
  STACK_OF(PKCS12_SAFEBAG)* keys_raw = key_bags.get();
  for (const auto& e : entries) {
    // localKeyID = SHA-1 of the certificate, as OpenSSL, NSS and Windows write it.
    unsigned char id[EVP_MAX_MD_SIZE];
    unsigned id_len = 0;
    if (X509_digest(e.cert, EVP_sha1(), id, &id_len) != 1) ossl::throw_last(Errc::internal, "certificate digest");
    add_cert_bag(&certs_raw, e.cert, id, id_len, e.friendly_name);
    const ossl::Pkcs8InfoPtr info(EVP_PKEY2PKCS8(e.key));
    if (!info) ossl::throw_last(Errc::internal, "PKCS#12 key bag");
    BagSalt salt(profile, password, iterations);
    PKCS12_SAFEBAG* bag = PKCS12_SAFEBAG_create_pkcs8_encrypt_ex(nid, password.c_str(), -1, salt.data(), salt.size(),
                                                                 iterations, info.get(), nullptr, nullptr);
    if (bag == nullptr || sk_PKCS12_SAFEBAG_push(keys_raw, bag) == 0) {
      PKCS12_SAFEBAG_free(bag);
      ossl::throw_last(Errc::internal, "PKCS#12 key bag");
    }
    if (PKCS12_add_localkeyid(bag, id, static_cast<int>(id_len)) != 1) ossl::throw_last(Errc::internal, "PKCS#12 localKeyID");
    if (!e.friendly_name.empty() &&
        PKCS12_add_friendlyname_utf8(bag, e.friendly_name.c_str(), static_cast<int>(e.friendly_name.size())) != 1) {
      ossl::throw_last(Errc::internal, "PKCS#12 friendlyName");
    }
  }
  for (X509* c : chain) add_cert_bag(&certs_raw, c, nullptr, 0, {});

  ossl::Pkcs7StackPtr safes(sk_PKCS7_new_null());
  // Certificates in an encrypted safe; the (already shrouded) keys in a plain one, as OpenSSL and NSS do.
  const auto add_safe = [&safes](PKCS7* safe) {
    if (safe == nullptr || sk_PKCS7_push(safes.get(), safe) == 0) {
      PKCS7_free(safe);
      ossl::throw_last(Errc::internal, "PKCS#12 safes");
    }
  };
  BagSalt salt(profile, password, iterations);
  add_safe(PKCS12_pack_p7encdata_ex(nid, password.c_str(), -1, salt.data(), salt.size(), iterations, certs_raw, nullptr,
                                    nullptr));
  add_safe(PKCS12_pack_p7data(keys_raw));
  ossl::Pkcs12Ptr p12(PKCS12_add_safes_ex(safes.get(), 0, nullptr, nullptr));
  if (!p12) ossl::throw_last(Errc::internal, "PKCS#12");
  const EVP_MD* mac_md = modern ? ossl::sha256() : ossl::sha1();
  if (PKCS12_set_mac(p12.get(), password.c_str(), -1, nullptr, modern ? 16 : 8, iterations, mac_md) != 1) {
    ossl::throw_last(Errc::internal, "PKCS#12 MAC");
  }
  ossl::BioPtr out(BIO_new(BIO_s_mem()));
  if (i2d_PKCS12_bio(out.get(), p12.get()) != 1) ossl::throw_last(Errc::internal, "PKCS#12 encoding");
  char* data = nullptr;
  const long n = BIO_get_mem_data(out.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

}  // namespace inkan::store
