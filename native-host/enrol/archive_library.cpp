#include "archive_library.h"

#include "error.h"

#include <dlfcn.h>

#include <string>

namespace inkan::enrol {
namespace {

template <typename Fn>
void resolve(void* lib, const char* name, Fn& fn) {
  fn = reinterpret_cast<Fn>(::dlsym(lib, name));
  if (fn == nullptr) throw Error(Errc::archive_unusable, std::string("libarchive lacks ") + name);
}

ArchiveLibrary load() {
  // The soname of Debian's libarchive13 (the one the headers of libarchive-dev describe).
  void* lib = ::dlopen("libarchive.so.13", RTLD_NOW | RTLD_LOCAL);
  if (lib == nullptr) {
    const char* why = ::dlerror();
    throw Error(Errc::archive_unusable, std::string("libarchive.so.13 cannot be loaded: ") + (why != nullptr ? why : "?"));
  }
  ArchiveLibrary a{};
  resolve(lib, "archive_read_new", a.read_new);
  resolve(lib, "archive_read_free", a.read_free);
  resolve(lib, "archive_read_support_format_zip", a.read_support_format_zip);
  resolve(lib, "archive_read_open_memory", a.read_open_memory);
  resolve(lib, "archive_read_next_header", a.read_next_header);
  resolve(lib, "archive_read_data", a.read_data);
  resolve(lib, "archive_error_string", a.error_string);
  resolve(lib, "archive_entry_pathname", a.entry_pathname);
  resolve(lib, "archive_entry_filetype", a.entry_filetype);
  resolve(lib, "archive_entry_symlink", a.entry_symlink);
  resolve(lib, "archive_entry_hardlink", a.entry_hardlink);
  resolve(lib, "archive_entry_is_encrypted", a.entry_is_encrypted);
  return a;  // the library stays loaded for the life of the process
}

}  // namespace

const ArchiveLibrary& libarchive() {
  static const ArchiveLibrary library = load();  // a failure is not cached: the next call tries again
  return library;
}

}  // namespace inkan::enrol
