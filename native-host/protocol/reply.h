// Writing replies: final replies, error replies and chunk streams, each frame
// within Thunderbird's 1 MiB limit. Bulk bytes go out as base64 in a trailing
// "data" member, encoded straight into the frame buffer.
#pragma once

#include "error.h"
#include "framing.h"
#include "io/source.h"
#include "payload.h"

#include <cstdint>
#include <string>

namespace inkan::protocol {

/** Raw bytes per chunk frame: 983,040 base64 characters, far enough below 1 MiB for any id. */
inline constexpr std::size_t kChunkBytes = 737'280;
/** Longest id accepted (as JSON text), so that every chunk frame fits. */
inline constexpr std::size_t kMaxIdLength = 256;

/**
 * An Error whose reply carries machine-readable members in "error" besides
 * code, message, message_ja and detail (each documented with its op), so the
 * add-on never parses detail. Still an inkan::Error for every catch.
 */
class ReplyError : public Error {
public:
  ReplyError(Errc code, std::string detail, Json members) : Error(code, std::move(detail)), m_members(std::move(members)) {}
  const Json& members() const noexcept { return m_members; }

private:
  Json m_members;
};

struct StreamSummary {
  std::uint64_t bytes = 0;
  std::uint64_t chunks = 0;
  std::string sha256;  ///< hex, lower case
};

class ReplyWriter {
public:
  explicit ReplyWriter(ByteWriter& out) : m_out(out) {}

  /** {"id":…,"ok":true,"result":…}; a result too large for one frame is sent in chunks (part "result"). */
  void ok(const Json& id, const Json& result);
  /** {"id":…,"ok":false,"error":{code,message,message_ja,detail, …members}} */
  void error(const Json& id, const Error& error, const Json& members = nullptr);
  /** Sends `src` as chunk frames {"id":…,"chunk":{"seq":n[,"part":…]},"data":"…"}. */
  StreamSummary stream(const Json& id, const io::Source& src, std::string_view part = {});

private:
  ByteWriter& m_out;
  FrameBuilder m_frame;
};

}  // namespace inkan::protocol
