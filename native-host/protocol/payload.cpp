#include "payload.h"

#include "error.h"

#include <cstring>

namespace inkan::protocol {
namespace {

constexpr std::uint8_t kPlaceholderSubtype = 0x49;  // 'I'

bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::size_t find_last_quote(std::string_view text) {
#ifdef __GLIBC__
  const void* hit = ::memrchr(text.data(), '"', text.size());  // vectorised: the payload can be 80 MB
  return hit == nullptr ? std::string_view::npos : static_cast<std::size_t>(static_cast<const char*>(hit) - text.data());
#else
  return text.rfind('"');
#endif
}

Json parse_whole(std::string_view frame) {
  try {
    return Json::parse(frame.begin(), frame.end());
  } catch (const nlohmann::json::parse_error& e) {
    throw Error(Errc::bad_frame, "byte " + std::to_string(e.byte) + ": not JSON");
  }
}

// Recognises  ...[,{] "data" : "<no quote, no backslash>" } ... }  at the end of
// the frame. Returns false (and the caller parses the whole frame) for anything else.
bool cut_trailing_data(std::string_view frame, ParsedFrame& out) {
  std::size_t end = frame.size();
  while (end > 0 && is_ws(frame[end - 1])) --end;
  std::size_t closers = 0;
  std::size_t p = end;
  while (p > 0 && (frame[p - 1] == '}' || is_ws(frame[p - 1]))) {
    if (frame[p - 1] == '}') ++closers;
    --p;
  }
  if (closers == 0 || p == 0 || frame[p - 1] != '"') return false;
  const std::size_t tail_begin = p;  // the closing braces (and blanks) after the payload
  const std::size_t payload_end = p - 1;
  const std::size_t open = find_last_quote(frame.substr(0, payload_end));
  if (open == std::string_view::npos) return false;
  const std::size_t payload_begin = open + 1;
  const std::string_view payload = frame.substr(payload_begin, payload_end - payload_begin);
  // An escape would change the text's meaning; such frames take the general path.
  if (std::memchr(payload.data(), '\\', payload.size()) != nullptr) return false;
  std::size_t q = payload_begin - 1;  // at the opening quote
  while (q > 0 && is_ws(frame[q - 1])) --q;
  if (q == 0 || frame[q - 1] != ':') return false;
  --q;
  while (q > 0 && is_ws(frame[q - 1])) --q;
  constexpr std::string_view kKey = "\"data\"";
  if (q < kKey.size() || frame.substr(q - kKey.size(), kKey.size()) != kKey) return false;
  q -= kKey.size();
  while (q > 0 && is_ws(frame[q - 1])) --q;
  if (q == 0) return false;
  std::string head;
  if (frame[q - 1] == ',') {
    head.reserve(q + (frame.size() - tail_begin));
    head.append(frame.substr(0, q - 1));
  } else if (frame[q - 1] == '{') {
    head.append(frame.substr(0, q));
  } else {
    return false;
  }
  head.append(frame.substr(tail_begin));
  Json json;
  try {
    json = Json::parse(head);
  } catch (const nlohmann::json::parse_error&) {
    return false;
  }
  // The payload belonged to the object closed by the first of the closers: follow the
  // last member `closers - 1` times down from the top.
  Json* obj = &json;
  for (std::size_t i = 1; i < closers; ++i) {
    if (!obj->is_object() || obj->empty()) return false;
    obj = &obj->back();
  }
  if (!obj->is_object()) return false;
  (*obj)["data"] = Json::binary({}, kPlaceholderSubtype);
  out.json = std::move(json);
  out.payload = payload;
  out.fast = true;
  return true;
}

}  // namespace

ParsedFrame parse_frame(std::string_view frame) {
  ParsedFrame out;
  if (cut_trailing_data(frame, out)) return out;
  out.json = parse_whole(frame);
  return out;
}

bool is_payload_placeholder(const Json& value) {
  return value.is_binary() && value.get_binary().has_subtype() && value.get_binary().subtype() == kPlaceholderSubtype;
}

}  // namespace inkan::protocol
