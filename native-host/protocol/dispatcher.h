// The one dispatch table of the host (name → handler, help text) and the one
// place where failures become error replies. Every request frame gets exactly
// one final reply carrying its id (null when none could be read), preceded by
// its chunk frames when it produced bytes.
#pragma once

#include "error.h"
#include "framing.h"
#include "log.h"
#include "payload.h"
#include "session.h"

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace inkan::protocol {

/** One request as the handlers see it. */
struct Request {
  const Json& params;        ///< the whole request object (id, op and the op's parameters)
  std::string_view payload;  ///< base64 cut out of the frame (see payload.h)
};

/** What a handler produces; the dispatcher sends it. */
struct Reply {
  Json result = Json::object();
  /** Bytes to send as chunk frames before the final reply; result.output describes them. */
  std::unique_ptr<io::Source> stream;
};

/** What the log says about a request; kept even when the op fails. */
struct OpStats {
  std::uint64_t bytes_in = 0;                    ///< bytes of the message inputs
  std::string in_forms;                          ///< the input forms read ("data", "upload", "path"), '+'-joined
  std::chrono::steady_clock::duration engine{};  ///< time spent in the engine
};

/** Per-request state handed to a handler. */
struct OpContext {
  Session& session;
  const Request& request;
  std::int64_t now;  ///< seconds since the epoch, taken once per request
  OpStats& stats;
};

using Handler = Reply (*)(OpContext&);

struct OpSpec {
  std::string_view name;
  Handler handler;
  std::string_view summary;  ///< one line
  std::string_view params;   ///< the request members, one per line: "name (type): meaning"
  std::string_view result;   ///< the result members, same form
};

/** The dispatch table, in the order `help` lists it. */
std::span<const OpSpec> op_table();
const OpSpec* find_op(std::string_view name);

/** Protocol version this host speaks (docs/protocol.md). */
inline constexpr int kProtocolVersion = 1;

class Dispatcher {
public:
  Dispatcher(Session& session, ByteWriter& out, Log& log) : m_session(session), m_out(out), m_log(log) {}

  /**
   * Handles one request frame and writes its replies. The frame buffer is
   * wiped afterwards if it held a password. Throws only if the replies cannot
   * be written (the add-on is gone).
   */
  void handle(std::string& frame);

  /** Replies to a frame that could not be read (FRAME_TOO_LARGE, truncated): id null. */
  void frame_error(const Error& error);

private:
  Session& m_session;
  ByteWriter& m_out;
  Log& m_log;
};

}  // namespace inkan::protocol
