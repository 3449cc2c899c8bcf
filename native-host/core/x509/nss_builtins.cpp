#include "x509/nss_builtins.h"

#include "error.h"
#include "ossl/error_queue.h"
#include "x509/cert.h"
#include "x509/trust.h"

#include <openssl/err.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <utility>

#if defined(_WIN32)
#include <windows.h>
#else
#include <dlfcn.h>
#endif

// PKCS#11 types from p11-kit (libp11-kit-dev); pkcs11x.h carries the NSS vendor
// constants (CKO_NSS_TRUST, CKA_TRUST_EMAIL_PROTECTION, CKT_NSS_*, CKA_NSS_EMAIL_DISTRUST_AFTER),
// which are NSS's lib/util/pkcs11n.h values. Last, because its compatibility macros
// rename common words while the header is read.
#include <p11-kit/pkcs11.h>
#include <p11-kit/pkcs11x.h>

namespace inkan::x509 {
namespace {

[[noreturn]] void unavailable(const std::string& detail) { throw Error(Errc::trust_roots_unavailable, detail); }

std::string hex_rv(CK_RV rv) {
  std::ostringstream s;
  s << "0x" << std::hex << rv;
  return s.str();
}

// One owner for the loaded library: closed when the last use is over.
class SharedLibrary {
public:
  explicit SharedLibrary(const std::string& path) {
#if defined(_WIN32)
    m_handle = LoadLibraryA(path.c_str());
    if (m_handle == nullptr) unavailable(path + ": cannot load (error " + std::to_string(GetLastError()) + ")");
#else
    // RTLD_LOCAL: the module's NSPR symbols stay out of the process's namespace.
    // RTLD_NODELETE: the module (and NSPR below it) keeps process-wide state that
    // C_Finalize does not free; unloading would strand it (LeakSanitizer sees ~6 KB
    // per load) and a reload would build it again. Loading happens once per process.
    m_handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    if (m_handle == nullptr) {
      const char* why = dlerror();
      unavailable(path + ": " + (why != nullptr ? why : "cannot load"));
    }
#endif
  }
  ~SharedLibrary() {
#if defined(_WIN32)
    FreeLibrary(m_handle);
#else
    dlclose(m_handle);
#endif
  }
  SharedLibrary(const SharedLibrary&) = delete;
  SharedLibrary& operator=(const SharedLibrary&) = delete;

  CK_C_GetFunctionList get_function_list() const {
    void* sym = nullptr;
#if defined(_WIN32)
    sym = reinterpret_cast<void*>(GetProcAddress(m_handle, "C_GetFunctionList"));
#else
    sym = dlsym(m_handle, "C_GetFunctionList");
#endif
    CK_C_GetFunctionList fn = nullptr;
    static_assert(sizeof(fn) == sizeof(sym));
    std::memcpy(&fn, &sym, sizeof(fn));  // POSIX guarantees object and function pointers convert
    return fn;
  }

private:
#if defined(_WIN32)
  HMODULE m_handle = nullptr;
#else
  void* m_handle = nullptr;
#endif
};

// C_Initialize .. C_Finalize. When another part of the process already initialised the
// module (CKR_CRYPTOKI_ALREADY_INITIALIZED), it is theirs to finalise, not ours.
class ModuleSession {
public:
  explicit ModuleSession(CK_FUNCTION_LIST* f, const std::string& path) : m_f(f) {
    const CK_RV rv = m_f->C_Initialize(nullptr);
    if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) unavailable(path + ": C_Initialize " + hex_rv(rv));
    m_finalize = rv == CKR_OK;
  }
  ~ModuleSession() {
    if (m_finalize) m_f->C_Finalize(nullptr);
  }
  ModuleSession(const ModuleSession&) = delete;
  ModuleSession& operator=(const ModuleSession&) = delete;

private:
  CK_FUNCTION_LIST* m_f;
  bool m_finalize = false;
};

class Session {
public:
  Session(CK_FUNCTION_LIST* f, CK_SLOT_ID slot) : m_f(f) {
    if (m_f->C_OpenSession(slot, CKF_SERIAL_SESSION, nullptr, nullptr, &m_handle) != CKR_OK) m_handle = 0;
  }
  ~Session() {
    if (m_handle != 0) m_f->C_CloseSession(m_handle);
  }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  explicit operator bool() const { return m_handle != 0; }
  CK_SESSION_HANDLE get() const { return m_handle; }

private:
  CK_FUNCTION_LIST* m_f;
  CK_SESSION_HANDLE m_handle = 0;
};

// Every object of one class in the session.
std::vector<CK_OBJECT_HANDLE> find_objects(CK_FUNCTION_LIST* f, CK_SESSION_HANDLE s, CK_OBJECT_CLASS cls) {
  CK_ATTRIBUTE tmpl{CKA_CLASS, &cls, sizeof(cls)};
  std::vector<CK_OBJECT_HANDLE> out;
  if (f->C_FindObjectsInit(s, &tmpl, 1) != CKR_OK) return out;
  struct Final {
    CK_FUNCTION_LIST* f;
    CK_SESSION_HANDLE s;
    ~Final() { f->C_FindObjectsFinal(s); }
  } final{f, s};
  CK_OBJECT_HANDLE batch[128];
  constexpr std::size_t kMaxObjects = 100000;  // a module that never says "done" must not hang us
  while (out.size() < kMaxObjects) {
    CK_ULONG n = 0;
    if (f->C_FindObjects(s, batch, sizeof(batch) / sizeof(batch[0]), &n) != CKR_OK || n == 0) break;
    out.insert(out.end(), batch, batch + std::min<CK_ULONG>(n, sizeof(batch) / sizeof(batch[0])));
  }
  return out;
}

std::optional<std::string> attribute(CK_FUNCTION_LIST* f, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o,
                                     CK_ATTRIBUTE_TYPE type) {
  CK_ATTRIBUTE a{type, nullptr, 0};
  if (f->C_GetAttributeValue(s, o, &a, 1) != CKR_OK || a.ulValueLen == CK_UNAVAILABLE_INFORMATION) return std::nullopt;
  constexpr CK_ULONG kMaxAttribute = 1 << 20;  // a certificate is a few KiB
  if (a.ulValueLen > kMaxAttribute) return std::nullopt;
  std::string value(a.ulValueLen, '\0');
  a.pValue = value.data();
  if (f->C_GetAttributeValue(s, o, &a, 1) != CKR_OK || a.ulValueLen > value.size()) return std::nullopt;
  value.resize(a.ulValueLen);
  return value;
}

std::optional<CK_ULONG> ulong_attribute(CK_FUNCTION_LIST* f, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o,
                                        CK_ATTRIBUTE_TYPE type) {
  const auto v = attribute(f, s, o, type);
  if (!v || v->size() != sizeof(CK_ULONG)) return std::nullopt;
  CK_ULONG out = 0;
  std::memcpy(&out, v->data(), sizeof(out));
  return out;
}

// PKCS#11 pads fixed-size text with blanks; NSS's labels end with a NUL.
std::string trimmed(const unsigned char* text, std::size_t len) {
  std::string s(reinterpret_cast<const char*>(text), len);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.pop_back();
  return s;
}

struct Trust {
  std::string issuer, serial;
  bool paired = false;
  std::string sha1;
  CK_TRUST email = CKT_NSS_TRUST_UNKNOWN;
  CK_TRUST server = CKT_NSS_TRUST_UNKNOWN;
};

std::string sha1_of(const std::string& der) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(der.data(), der.size(), md, &len, EVP_sha1(), nullptr) != 1) return {};
  return std::string(reinterpret_cast<const char*>(md), len);
}

// Certificates and trust objects of one token, paired by issuer + serial number
// (the key NSS itself uses for trust objects) and confirmed by the SHA-1 hash.
void read_token(CK_FUNCTION_LIST* f, CK_SESSION_HANDLE s, std::vector<BuiltinRoot>& out,
                std::vector<std::pair<std::string, std::string>>& distrusted_serials) {
  std::map<std::string, Trust> trust;  // issuer DER + serial DER -> trust
  for (const CK_OBJECT_HANDLE o : find_objects(f, s, CKO_NSS_TRUST)) {
    const auto issuer = attribute(f, s, o, CKA_ISSUER);
    const auto serial = attribute(f, s, o, CKA_SERIAL_NUMBER);
    if (!issuer || !serial) continue;
    Trust t;
    t.issuer = *issuer;
    t.serial = *serial;
    t.sha1 = attribute(f, s, o, CKA_CERT_SHA1_HASH).value_or("");
    t.email = ulong_attribute(f, s, o, CKA_TRUST_EMAIL_PROTECTION).value_or(CKT_NSS_TRUST_UNKNOWN);
    t.server = ulong_attribute(f, s, o, CKA_TRUST_SERVER_AUTH).value_or(CKT_NSS_TRUST_UNKNOWN);
    trust.emplace(*issuer + *serial, std::move(t));
  }
  for (const CK_OBJECT_HANDLE o : find_objects(f, s, CKO_CERTIFICATE)) {
    const auto der = attribute(f, s, o, CKA_VALUE);
    const auto issuer = attribute(f, s, o, CKA_ISSUER);
    const auto serial = attribute(f, s, o, CKA_SERIAL_NUMBER);
    if (!der || !issuer || !serial) continue;
    const auto it = trust.find(*issuer + *serial);
    if (it == trust.end()) continue;  // a certificate without trust is no anchor
    Trust& t = it->second;
    // A trust object that names another certificate's hash is not this certificate's trust.
    if (!t.sha1.empty() && t.sha1 != sha1_of(*der)) continue;
    const auto* p = reinterpret_cast<const unsigned char*>(der->data());
    ossl::X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der->size())));
    if (!cert) continue;
    t.paired = true;
    BuiltinRoot root;
    root.cert = std::move(cert);
    const std::string label = attribute(f, s, o, CKA_LABEL).value_or("");
    root.label = trimmed(reinterpret_cast<const unsigned char*>(label.data()), label.size());  // NSS counts the NUL
    root.distrusted = t.email == CKT_NSS_NOT_TRUSTED;
    root.email_trusted = t.email == CKT_NSS_TRUSTED_DELEGATOR;
    root.server_trusted = t.server == CKT_NSS_TRUSTED_DELEGATOR;
    // The distrust-after dates sit on the certificate object, not on the trust object
    // (certdata.txt); modules older than NSS 3.63 lack the attribute: no partial distrust then.
    if (const auto after = attribute(f, s, o, CKA_NSS_EMAIL_DISTRUST_AFTER)) {
      root.email_distrust_after = parse_distrust_after(*after);
    }
    out.push_back(std::move(root));
  }
  // Distrust that names a certificate the module does not carry (NSS has shipped such
  // entries for mis-issued intermediates): kept by issuer and serial number.
  for (const auto& [key, t] : trust) {
    if (!t.paired && t.email == CKT_NSS_NOT_TRUSTED) distrusted_serials.emplace_back(t.issuer, t.serial);
  }
}

// Several tokens may hold the same certificate (p11-kit-trust's slots): distrust wins.
void merge(std::vector<BuiltinRoot>& all, std::vector<BuiltinRoot> more) {
  for (auto& r : more) {
    const auto same = std::find_if(all.begin(), all.end(), [&](const BuiltinRoot& a) {
      return X509_cmp(a.cert.get(), r.cert.get()) == 0;
    });
    if (same == all.end()) {
      all.push_back(std::move(r));
      continue;
    }
    same->distrusted = same->distrusted || r.distrusted;
    same->email_trusted = (same->email_trusted || r.email_trusted) && !same->distrusted;
    if (r.email_distrust_after &&
        (!same->email_distrust_after || *r.email_distrust_after < *same->email_distrust_after)) {
      same->email_distrust_after = r.email_distrust_after;
    }
  }
}

#if !defined(_WIN32) && !defined(__APPLE__)
// Debian/Ubuntu install libnss3 into the multiarch directory of the running architecture.
const char* multiarch_triplet() {
#if defined(__x86_64__)
  return "x86_64-linux-gnu";
#elif defined(__aarch64__)
  return "aarch64-linux-gnu";
#elif defined(__i386__)
  return "i386-linux-gnu";
#elif defined(__arm__)
  return "arm-linux-gnueabihf";
#elif defined(__powerpc64__) && defined(__LITTLE_ENDIAN__)
  return "powerpc64le-linux-gnu";
#elif defined(__s390x__)
  return "s390x-linux-gnu";
#elif defined(__riscv) && __riscv_xlen == 64
  return "riscv64-linux-gnu";
#else
  return nullptr;
#endif
}
#endif

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? std::string(v) : std::string();
}

}  // namespace

std::size_t BuiltinRoots::email_anchor_count() const {
  return static_cast<std::size_t>(
      std::count_if(roots.begin(), roots.end(), [](const BuiltinRoot& r) { return r.email_trusted && !r.distrusted; }));
}

std::optional<std::int64_t> parse_distrust_after(const std::string& value) {
  if (value.size() == 1 && value[0] == 0) return std::nullopt;  // CK_FALSE: no distrust date
  ossl::ClearErrorsOnExit clear;
  ossl::Asn1TimePtr t(ASN1_TIME_new());
  // NSS stores UTCTime text (certdata.txt: MULTILINE_OCTAL "YYMMDDHHMMSSZ"); GeneralizedTime is accepted too.
  const bool known_shape = (value.size() == 13 || value.size() == 15) && value.back() == 'Z' &&
                           std::all_of(value.begin(), value.end() - 1, [](char c) { return c >= '0' && c <= '9'; });
  if (t && known_shape && ASN1_TIME_set_string(t.get(), value.c_str()) == 1) {
    if (const auto epoch = to_epoch(t.get())) return epoch;
  }
  // An unreadable date must not silently lift the distrust: every leaf counts as later.
  return std::numeric_limits<std::int64_t>::min();
}

std::vector<std::string> nssckbi_candidates() {
  if (const std::string forced = env("INKAN_NSSCKBI"); !forced.empty()) return {forced};
  std::vector<std::string> out;
#if defined(_WIN32)
  // Thunderbird ships its own nssckbi.dll next to thunderbird.exe.
  for (const char* var : {"ProgramFiles", "ProgramW6432", "ProgramFiles(x86)", "LOCALAPPDATA"}) {
    const std::string base = env(var);
    if (!base.empty()) out.push_back(base + "\\Mozilla Thunderbird\\nssckbi.dll");
  }
#elif defined(__APPLE__)
  // Thunderbird.app carries its own module; Homebrew's nss is the fallback.
  out.emplace_back("/Applications/Thunderbird.app/Contents/MacOS/libnssckbi.dylib");
  if (const std::string home = env("HOME"); !home.empty()) {
    out.push_back(home + "/Applications/Thunderbird.app/Contents/MacOS/libnssckbi.dylib");
  }
  out.emplace_back("/opt/homebrew/lib/libnssckbi.dylib");
  out.emplace_back("/usr/local/lib/libnssckbi.dylib");
#else
  // Debian's Thunderbird has no copy of its own: it uses libnss3's module.
  if (const char* triplet = multiarch_triplet()) {
    out.push_back(std::string("/usr/lib/") + triplet + "/libnssckbi.so");
    out.push_back(std::string("/usr/lib/") + triplet + "/nss/libnssckbi.so");
  }
  for (const char* p : {"/usr/lib64/libnssckbi.so", "/usr/lib64/nss/libnssckbi.so", "/usr/lib/libnssckbi.so",
                        "/usr/lib/nss/libnssckbi.so", "/usr/local/lib/libnssckbi.so",
                        // Mozilla's own Thunderbird builds (tarball installs) ship one.
                        "/usr/lib/thunderbird/libnssckbi.so", "/usr/lib64/thunderbird/libnssckbi.so",
                        "/opt/thunderbird/libnssckbi.so"}) {
    out.emplace_back(p);
  }
#endif
  return out;
}

BuiltinRoots load_builtin_roots(const std::string& module_path) {
  // A PKCS#11 module is initialised once per process: two loads at a time would
  // finalise it under each other's feet.
  static std::mutex module_mutex;
  const std::lock_guard lock(module_mutex);
  const auto start = std::chrono::steady_clock::now();
  BuiltinRoots result;
  result.module_path = module_path;
  {
    const SharedLibrary lib(module_path);
    const CK_C_GetFunctionList get_list = lib.get_function_list();
    if (get_list == nullptr) unavailable(module_path + ": not a PKCS#11 module (no C_GetFunctionList)");
    CK_FUNCTION_LIST* f = nullptr;
    if (const CK_RV rv = get_list(&f); rv != CKR_OK || f == nullptr) {
      unavailable(module_path + ": C_GetFunctionList " + hex_rv(rv));
    }
    const ModuleSession module(f, module_path);
    CK_INFO info{};
    if (f->C_GetInfo(&info) == CKR_OK) {
      result.module_description = trimmed(info.libraryDescription, sizeof(info.libraryDescription)) + " " +
                                  std::to_string(info.libraryVersion.major) + "." +
                                  std::to_string(info.libraryVersion.minor);
    }
    CK_ULONG count = 0;
    if (f->C_GetSlotList(CK_TRUE, nullptr, &count) != CKR_OK || count == 0) unavailable(module_path + ": no token");
    std::vector<CK_SLOT_ID> slots(count);
    if (f->C_GetSlotList(CK_TRUE, slots.data(), &count) != CKR_OK) unavailable(module_path + ": no token");
    slots.resize(std::min<std::size_t>(count, slots.size()));
    // NSS's own module has one token, "Builtin Object Token"; p11-kit-trust (Fedora's
    // replacement) has one per trust source. When the NSS token is there, it alone counts.
    std::vector<CK_SLOT_ID> chosen;
    for (const CK_SLOT_ID slot : slots) {
      CK_TOKEN_INFO token{};
      if (f->C_GetTokenInfo(slot, &token) == CKR_OK && trimmed(token.label, sizeof(token.label)) == "Builtin Object Token") {
        chosen = {slot};
        break;
      }
      chosen.push_back(slot);
    }
    for (const CK_SLOT_ID slot : chosen) {
      const Session session(f, slot);
      if (!session) continue;
      std::vector<BuiltinRoot> roots;
      read_token(f, session.get(), roots, result.distrusted_serials);
      merge(result.roots, std::move(roots));
    }
  }  // session, C_Finalize and dlclose, in that order
  ERR_clear_error();
  if (result.roots.empty()) unavailable(module_path + ": the module holds no trusted certificates");
  result.load_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return result;
}

const BuiltinRoots& builtin_roots() {
  static std::mutex mutex;
  static std::unique_ptr<const BuiltinRoots> cached;
  const std::lock_guard lock(mutex);
  if (cached) return *cached;
  std::string tried;
  for (const auto& path : nssckbi_candidates()) {
    try {
      cached = std::make_unique<const BuiltinRoots>(load_builtin_roots(path));
      return *cached;
    } catch (const Error& e) {
      tried += (tried.empty() ? "" : "; ") + e.detail();
    }
  }
  unavailable(tried.empty() ? "no candidate location for libnssckbi" : tried);
}

std::size_t add_builtin_trust(TrustStore& store, const BuiltinRoots& roots) {
  std::size_t added = 0;
  for (const auto& r : roots.roots) {
    if (r.distrusted) {
      store.add_distrusted(ossl::up_ref(r.cert.get()));
    } else if (r.email_trusted) {
      store.add_anchor(ossl::up_ref(r.cert.get()), AnchorPolicy{r.email_distrust_after});
      ++added;
    }
  }
  for (const auto& [issuer, serial] : roots.distrusted_serials) store.add_distrusted(issuer, serial);
  return added;
}

}  // namespace inkan::x509
