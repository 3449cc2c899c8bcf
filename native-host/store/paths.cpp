#include "store/paths.h"

#include "error.h"

#include <cstdlib>
#include <string>

#if !defined(_WIN32)
#include <pwd.h>
#include <unistd.h>
#endif

namespace inkan::store {
namespace {

const char* non_empty_env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : nullptr;
}

#if !defined(_WIN32)
std::filesystem::path home_dir() {
  if (const char* home = non_empty_env("HOME")) return home;
  // No $HOME (a service started without one): the password database still knows.
  if (const passwd* pw = ::getpwuid(::getuid()); pw != nullptr && pw->pw_dir != nullptr && *pw->pw_dir != '\0') {
    return pw->pw_dir;
  }
  throw Error(Errc::usage, "no home directory: set INKAN_HOME");
}
#endif

}  // namespace

std::filesystem::path default_root() {
  if (const char* explicit_home = non_empty_env("INKAN_HOME")) return explicit_home;
#if defined(_WIN32)
  if (const char* appdata = non_empty_env("APPDATA")) return std::filesystem::path(appdata) / "Inkan";
  throw Error(Errc::usage, "no %APPDATA%: set INKAN_HOME");
#elif defined(__APPLE__)
  return home_dir() / "Library" / "Application Support" / "Inkan";
#else
  // XDG: a relative $XDG_DATA_HOME is invalid and must be ignored.
  if (const char* xdg = non_empty_env("XDG_DATA_HOME"); xdg != nullptr && xdg[0] == '/') {
    return std::filesystem::path(xdg) / "inkan";
  }
  return home_dir() / ".local" / "share" / "inkan";
#endif
}

}  // namespace inkan::store
