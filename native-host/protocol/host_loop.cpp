#include "host_loop.h"

#include "dispatcher.h"
#include "error.h"

#include <algorithm>
#include <cstring>
#include <ctime>

namespace inkan::protocol {
namespace {

// Writes each frame's JSON as one line instead of framing it (--single).
class LineWriter final : public ByteWriter {
public:
  explicit LineWriter(ByteWriter& out) : m_out(out) {}
  void write_all(std::string_view bytes) override {
    m_pending.append(bytes);
    while (m_pending.size() >= kFrameHeader) {
      std::uint32_t length = 0;
      std::memcpy(&length, m_pending.data(), sizeof length);
      if (m_pending.size() < kFrameHeader + length) break;
      std::string line = m_pending.substr(kFrameHeader, length);
      line.push_back('\n');
      m_out.write_all(line);
      m_pending.erase(0, kFrameHeader + length);
    }
  }

private:
  ByteWriter& m_out;
  std::string m_pending;
};

void wait_for_input(Session& session, const FdReader* waitable) {
  if (waitable == nullptr) return;
  for (;;) {
    const auto next = session.next_expiry();
    if (!next) return;
    const std::int64_t now = std::time(nullptr);
    if (*next <= now) {
      session.expire(now);
      continue;
    }
    const auto seconds = std::min<std::int64_t>(*next - now, 3600);
    if (waitable->wait_readable(static_cast<int>(seconds * 1000))) return;
  }
}

}  // namespace

int serve(ByteReader& in, ByteWriter& out, Session& session, Log& log, const FdReader* waitable) {
  FrameReader reader(in, session.config().max_frame);
  Dispatcher dispatcher(session, out, log);
  std::string frame;
  try {
    for (;;) {
      wait_for_input(session, waitable);
      const FrameResult r = reader.next(frame);
      switch (r.status) {
        case FrameStatus::frame:
          dispatcher.handle(frame);
          break;
        case FrameStatus::too_large:
          dispatcher.frame_error(Error(Errc::frame_too_large, std::to_string(r.length) + " bytes; the limit is " +
                                                                  std::to_string(reader.max_frame())));
          break;
        case FrameStatus::truncated:
          dispatcher.frame_error(Error(Errc::bad_frame, "the input ended inside a frame"));
          return 0;
        case FrameStatus::eof:
          return 0;
      }
    }
  } catch (const ChannelClosed& e) {
    log.line(std::string("the add-on closed the channel: ") + e.what());
    return 1;
  } catch (const Error& e) {
    log.line(std::string("reading requests failed: ") + e.what());
    return 1;
  }
}

int serve_single(std::string text, ByteWriter& out, Session& session, Log& log) {
  LineWriter lines(out);
  Dispatcher dispatcher(session, lines, log);
  try {
    if (text.size() > session.config().max_frame) {
      dispatcher.frame_error(Error(Errc::frame_too_large, std::to_string(text.size()) + " bytes"));
    } else {
      dispatcher.handle(text);
    }
  } catch (const ChannelClosed&) {
    return 1;
  }
  return 0;
}

}  // namespace inkan::protocol
