// Turns OpenSSL's thread-local error queue into Inkan errors, and keeps it
// empty between operations so a stale failure never leaks into the next one.
#pragma once

#include "error.h"

#include <string>

namespace inkan::ossl {

/** Drains the queue into one short line (library:reason, ...), newest last. */
std::string drain_errors();

/** Throws Error(code, detail + queue) and clears the queue. */
[[noreturn]] void throw_last(Errc code, std::string_view detail = {});

/** Clears the error queue when the scope ends, whatever happened. */
class ClearErrorsOnExit {
public:
  ClearErrorsOnExit() = default;
  ~ClearErrorsOnExit();
  ClearErrorsOnExit(const ClearErrorsOnExit&) = delete;
  ClearErrorsOnExit& operator=(const ClearErrorsOnExit&) = delete;
};

}  // namespace inkan::ossl
