#include "curl_library.h"

#include "error.h"

#include <dlfcn.h>

#include <string>

namespace inkan::enrol {
namespace {

template <typename Fn>
void resolve(void* lib, const char* name, Fn& fn) {
  fn = reinterpret_cast<Fn>(::dlsym(lib, name));
  if (fn == nullptr) throw Error(Errc::network, std::string("libcurl lacks ") + name);
}

CurlLibrary load() {
  // The soname Debian's libcurl4 (and every other distribution's libcurl) installs.
  void* lib = ::dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
  if (lib == nullptr) {
    const char* why = ::dlerror();
    throw Error(Errc::network, std::string("libcurl.so.4 cannot be loaded: ") + (why != nullptr ? why : "?"));
  }
  CurlLibrary c{};
  resolve(lib, "curl_global_init", c.global_init);
  resolve(lib, "curl_easy_init", c.easy_init);
  resolve(lib, "curl_easy_setopt", c.easy_setopt);
  resolve(lib, "curl_easy_perform", c.easy_perform);
  resolve(lib, "curl_easy_getinfo", c.easy_getinfo);
  resolve(lib, "curl_easy_reset", c.easy_reset);
  resolve(lib, "curl_easy_cleanup", c.easy_cleanup);
  resolve(lib, "curl_easy_strerror", c.easy_strerror);
  resolve(lib, "curl_slist_append", c.slist_append);
  resolve(lib, "curl_slist_free_all", c.slist_free_all);
  return c;  // the library stays loaded for the life of the process
}

}  // namespace

const CurlLibrary& curl() {
  static const CurlLibrary library = load();  // a failure is not cached: the next call tries again
  return library;
}

}  // namespace inkan::enrol
