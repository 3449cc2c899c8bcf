// libFuzzer target: the MIME parser, the canonicaliser used for signing and its
// 7-bit header rewriting.
// Any input must parse or fail with inkan::Error; never crash, hang or leak.
#include "error.h"
#include "io/sink.h"
#include "io/source.h"
#include "mime/entity.h"
#include "smime/canonical.h"
#include "smime/header_encoding.h"
#include "smime/inspect.h"

#include <cstddef>
#include <cstdint>

namespace {

class NullSink final : public inkan::io::Sink {
public:
  void write(std::string_view) override {}
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const inkan::io::ViewSource src(std::string_view(reinterpret_cast<const char*>(data), size));
  try {
    const inkan::mime::Entity root = inkan::mime::parse_message(src);
    // Every field as it would be rewritten inside a forwarded message (address lists included).
    for (const auto& field : root.headers.fields()) (void)inkan::smime::seven_bit_field(field);
    NullSink sink;
    inkan::smime::Canonicalizer canon(src, sink);
    canon.write_content_part(root);
    canon.flush();
  } catch (const inkan::Error&) {
  }
  try {
    (void)inkan::smime::inspect(src);
  } catch (const inkan::Error&) {
  }
  return 0;
}
