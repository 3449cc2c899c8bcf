// Cutting the bulk bytes out of a request frame. The protocol puts base64
// payloads in a member named "data" written last in its frame
// (docs/protocol.md), so the payload can be found by scanning back from the
// end of the frame, and only the small rest of the frame goes through the
// JSON parser. The payload is never copied: it stays a view into the frame.
#pragma once

#include <nlohmann/json.hpp>

#include <string_view>

namespace inkan::protocol {

using Json = nlohmann::ordered_json;

struct ParsedFrame {
  /**
   * The frame as JSON. Where the trailing "data" member was cut out, that
   * member holds a binary placeholder (never produced by parsing text) and
   * `payload` holds its base64 text.
   */
  Json json;
  std::string_view payload;
  bool fast = false;  ///< the payload was cut out without parsing it as JSON
};

/** Parses one frame; throws Error(bad_frame) if it is not JSON in UTF-8. */
ParsedFrame parse_frame(std::string_view frame);

/** True for the placeholder parse_frame leaves where it cut out the payload. */
bool is_payload_placeholder(const Json& value);

}  // namespace inkan::protocol
