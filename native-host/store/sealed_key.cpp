#include "store/sealed_key.h"

#include "error.h"
#include "keys/pkcs8_key.h"
#include "ossl/error_queue.h"
#include "ossl/library.h"

#include <openssl/err.h>
#include <openssl/pem.h>

namespace inkan::store {

std::string seal_private_key(EVP_PKEY* key, const StoreKey& store_key) {
  ossl::ensure_initialized();
  ossl::ClearErrorsOnExit clear;
  ossl::Pkcs8InfoPtr info(EVP_PKEY2PKCS8(key));
  if (!info) ossl::throw_last(Errc::key_load_failed, "cannot encode the private key as PKCS#8");
  ossl::EvpCipherPtr aes(EVP_CIPHER_fetch(nullptr, "AES-256-CBC", nullptr));
  if (!aes) ossl::throw_last(Errc::internal, "AES-256-CBC");
  ossl::X509AlgorPtr pbe(PKCS5_pbe2_set_iv_ex(aes.get(), kSealIterations, nullptr, 16, nullptr, NID_hmacWithSHA256, nullptr));
  if (!pbe) ossl::throw_last(Errc::internal, "PBES2 parameters");
  const std::string password = store_key.pkcs8_password();
  ossl::X509SigPtr sealed(
      PKCS8_set0_pbe_ex(password.c_str(), static_cast<int>(password.size()), info.get(), pbe.get(), nullptr, nullptr));
  if (!sealed) ossl::throw_last(Errc::internal, "PKCS#8 encryption");
  (void)pbe.release();  // owned by `sealed` now
  ossl::BioPtr out(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_PKCS8(out.get(), sealed.get()) != 1) ossl::throw_last(Errc::internal, "PEM");
  char* data = nullptr;
  const long n = BIO_get_mem_data(out.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

ossl::EvpPkeyPtr open_private_key(std::string_view pem, const StoreKey& store_key) {
  ossl::ensure_initialized();
  ossl::ClearErrorsOnExit clear;
  ossl::BioPtr in(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  ossl::X509SigPtr sealed(PEM_read_bio_PKCS8(in.get(), nullptr, nullptr, nullptr));
  if (!sealed) throw Error(Errc::store_corrupt, "sealed private key is not PKCS#8");
  const std::string password = store_key.pkcs8_password();
  ossl::Pkcs8InfoPtr info(
      PKCS8_decrypt_ex(sealed.get(), password.c_str(), static_cast<int>(password.size()), nullptr, nullptr));
  if (!info) throw Error(Errc::store_corrupt, "sealed private key does not open with the store key");
  ossl::EvpPkeyPtr key = keys::key_from_pkcs8(info.get());
  if (!key) throw Error(Errc::store_corrupt, "sealed private key is not a usable key");
  return key;
}

}  // namespace inkan::store
