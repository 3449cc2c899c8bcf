// One owning smart pointer per OpenSSL handle type, so no code path frees by hand.
#pragma once

#include <openssl/bio.h>
#include <openssl/pem.h>  // before cms.h, which declares PEM_*_CMS only if pem.h came first
#include <openssl/cms.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

namespace inkan::ossl {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const noexcept { Free(p); }
};

template <typename T, void (*Free)(T*)>
using Ptr = std::unique_ptr<T, Deleter<T, Free>>;

namespace detail {
inline void bio_free_all(BIO* b) { BIO_free_all(b); }
inline void x509_stack_free(STACK_OF(X509) * s) { sk_X509_pop_free(s, X509_free); }
inline void crl_stack_free(STACK_OF(X509_CRL) * s) { sk_X509_CRL_pop_free(s, X509_CRL_free); }
inline void asn1_object_free(ASN1_OBJECT* o) { ASN1_OBJECT_free(o); }
inline void general_names_free(GENERAL_NAMES* n) { GENERAL_NAMES_free(n); }
inline void eku_free(EXTENDED_KEY_USAGE* e) { EXTENDED_KEY_USAGE_free(e); }
inline void algor_stack_free(STACK_OF(X509_ALGOR) * s) { sk_X509_ALGOR_pop_free(s, X509_ALGOR_free); }
inline void openssl_free(unsigned char* p) { OPENSSL_free(p); }
inline void openssl_free_char(char* p) { OPENSSL_free(p); }
inline void extension_stack_free(STACK_OF(X509_EXTENSION) * s) { sk_X509_EXTENSION_pop_free(s, X509_EXTENSION_free); }
inline void safebag_stack_free(STACK_OF(PKCS12_SAFEBAG) * s) { sk_PKCS12_SAFEBAG_pop_free(s, PKCS12_SAFEBAG_free); }
inline void pkcs7_stack_free(STACK_OF(PKCS7) * s) { sk_PKCS7_pop_free(s, PKCS7_free); }
}  // namespace detail

using BioPtr = Ptr<BIO, detail::bio_free_all>;
using CmsPtr = Ptr<CMS_ContentInfo, CMS_ContentInfo_free>;
using X509Ptr = Ptr<X509, X509_free>;
using X509CrlPtr = Ptr<X509_CRL, X509_CRL_free>;
using X509StorePtr = Ptr<X509_STORE, X509_STORE_free>;
using X509StoreCtxPtr = Ptr<X509_STORE_CTX, X509_STORE_CTX_free>;
using X509StackPtr = Ptr<STACK_OF(X509), detail::x509_stack_free>;
using CrlStackPtr = Ptr<STACK_OF(X509_CRL), detail::crl_stack_free>;
using EvpPkeyPtr = Ptr<EVP_PKEY, EVP_PKEY_free>;
using EvpPkeyCtxPtr = Ptr<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using EvpMdPtr = Ptr<EVP_MD, EVP_MD_free>;
using EvpMdCtxPtr = Ptr<EVP_MD_CTX, EVP_MD_CTX_free>;
using EvpCipherPtr = Ptr<EVP_CIPHER, EVP_CIPHER_free>;
using Pkcs12Ptr = Ptr<PKCS12, PKCS12_free>;
using Asn1ObjectPtr = Ptr<ASN1_OBJECT, detail::asn1_object_free>;
using GeneralNamesPtr = Ptr<GENERAL_NAMES, detail::general_names_free>;
using EkuPtr = Ptr<EXTENDED_KEY_USAGE, detail::eku_free>;
using OsslBytesPtr = Ptr<unsigned char, detail::openssl_free>;
using OsslStringPtr = Ptr<char, detail::openssl_free_char>;
using X509AlgorPtr = Ptr<X509_ALGOR, X509_ALGOR_free>;
using Asn1TimePtr = Ptr<ASN1_TIME, ASN1_TIME_free>;
using Asn1StringPtr = Ptr<ASN1_STRING, ASN1_STRING_free>;
using Asn1IntegerPtr = Ptr<ASN1_INTEGER, ASN1_INTEGER_free>;
using AlgorStackPtr = Ptr<STACK_OF(X509_ALGOR), detail::algor_stack_free>;
using BignumPtr = Ptr<BIGNUM, BN_free>;
using X509NamePtr = Ptr<X509_NAME, X509_NAME_free>;
using X509ReqPtr = Ptr<X509_REQ, X509_REQ_free>;
using X509ExtensionPtr = Ptr<X509_EXTENSION, X509_EXTENSION_free>;
using X509ExtensionStackPtr = Ptr<STACK_OF(X509_EXTENSION), detail::extension_stack_free>;
using EcdsaSigPtr = Ptr<ECDSA_SIG, ECDSA_SIG_free>;
using Asn1BitStringPtr = Ptr<ASN1_BIT_STRING, ASN1_BIT_STRING_free>;
using EvpKdfPtr = Ptr<EVP_KDF, EVP_KDF_free>;
using EvpKdfCtxPtr = Ptr<EVP_KDF_CTX, EVP_KDF_CTX_free>;
using EvpCipherCtxPtr = Ptr<EVP_CIPHER_CTX, EVP_CIPHER_CTX_free>;
using X509SigPtr = Ptr<X509_SIG, X509_SIG_free>;
using Pkcs8InfoPtr = Ptr<PKCS8_PRIV_KEY_INFO, PKCS8_PRIV_KEY_INFO_free>;
using SafebagStackPtr = Ptr<STACK_OF(PKCS12_SAFEBAG), detail::safebag_stack_free>;
using Pkcs7StackPtr = Ptr<STACK_OF(PKCS7), detail::pkcs7_stack_free>;

/** Takes a new reference to a certificate owned elsewhere. */
inline X509Ptr up_ref(X509* cert) {
  if (cert != nullptr) X509_up_ref(cert);
  return X509Ptr(cert);
}

inline EvpPkeyPtr up_ref(EVP_PKEY* key) {
  if (key != nullptr) EVP_PKEY_up_ref(key);
  return EvpPkeyPtr(key);
}

}  // namespace inkan::ossl
