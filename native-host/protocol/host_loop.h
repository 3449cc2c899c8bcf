// The host's serving loop: frames in, replies out, until the add-on closes
// stdin. Shared by inkan-host and the fuzzer, so the fuzzer drives exactly
// what Thunderbird talks to.
#pragma once

#include "framing.h"
#include "log.h"
#include "session.h"

namespace inkan::protocol {

/**
 * Serves requests until end of input. `waitable` (may be null) lets the loop
 * sleep until the next key or upload expiry instead of holding them past
 * their time while the add-on is idle. Returns the exit status: 0 at a clean
 * end (also after a truncated last frame, which is answered), 1 if the
 * replies could not be written.
 */
int serve(ByteReader& in, ByteWriter& out, Session& session, Log& log, const FdReader* waitable = nullptr);

/** Answers one request read whole from `text` (the --single mode): replies as JSON lines. */
int serve_single(std::string text, ByteWriter& out, Session& session, Log& log);

}  // namespace inkan::protocol
