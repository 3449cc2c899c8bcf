#include "ossl/error_queue.h"

#include <openssl/err.h>

#include <cstdio>

namespace inkan::ossl {

std::string drain_errors() {
  std::string out;
  unsigned long err = 0;
  while ((err = ERR_get_error()) != 0) {
    if (!out.empty()) out += ", ";
    const char* reason = ERR_reason_error_string(err);
    if (reason == nullptr) {  // strings not loaded (ossl::skip_error_strings): the code, as `openssl errstr` reads it
      char code[40];
      std::snprintf(code, sizeof code, "openssl error %08lX", err);
      out += code;
      continue;
    }
    const char* lib = ERR_lib_error_string(err);
    out += lib != nullptr ? lib : "openssl";
    out += ':';
    out += reason;
  }
  return out;
}

void throw_last(Errc code, std::string_view detail) {
  std::string text(detail);
  const std::string queue = drain_errors();
  if (!queue.empty()) {
    if (!text.empty()) text += ": ";
    text += queue;
  }
  throw Error(code, std::move(text));
}

ClearErrorsOnExit::~ClearErrorsOnExit() { ERR_clear_error(); }

}  // namespace inkan::ossl
