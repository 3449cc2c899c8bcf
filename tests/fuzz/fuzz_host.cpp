// libFuzzer over the host's framing and dispatch: the input is a byte stream
// as Thunderbird would write it to inkan-host's stdin. Whatever it holds, the
// host must not crash or hang, every frame it reads must get exactly one final
// reply, and every frame it writes must be JSON within Thunderbird's 1 MiB.
// Paths are disabled, so fuzzed requests cannot read or write files; the store
// lives where nothing can be created (/proc), so the store ops read an empty
// store and every change fails cleanly instead of writing.
#include "framing.h"
#include "host_loop.h"
#include "payload.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace {

using namespace inkan::protocol;

constexpr std::size_t kMaxFrame = 1 << 16;

// How many final replies the input calls for: one per frame (a too-large frame
// counts once; input ending inside a frame gets one reply, then the host stops).
std::size_t expected_replies(std::string_view in) {
  std::size_t n = 0;
  while (!in.empty()) {
    if (in.size() < kFrameHeader) return n + 1;
    std::uint32_t length = 0;
    std::memcpy(&length, in.data(), sizeof length);
    in.remove_prefix(kFrameHeader);
    if (in.size() < length) return n + 1;
    in.remove_prefix(length);
    ++n;
  }
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Log log = Log::none();
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  SessionConfig config;
  config.max_frame = kMaxFrame;
  config.allow_paths = false;
  config.store_root = "/proc/inkan-fuzz-store";
  Session session(config);
  MemoryReader in(input);
  StringWriter out;
  if (serve(in, out, session, log) != 0) std::abort();

  std::string_view replies = out.bytes();
  std::size_t finals = 0;
  while (!replies.empty()) {
    if (replies.size() < kFrameHeader) std::abort();
    std::uint32_t length = 0;
    std::memcpy(&length, replies.data(), sizeof length);
    if (length > kMaxReplyFrame || replies.size() - kFrameHeader < length) std::abort();
    const auto frame = Json::parse(replies.substr(kFrameHeader, length));  // throws (and fails) if not JSON
    if (!frame.is_object() || !frame.contains("id")) std::abort();
    if (!frame.contains("chunk")) ++finals;
    replies.remove_prefix(kFrameHeader + length);
  }
  if (finals != expected_replies(input)) std::abort();
  return 0;
}
