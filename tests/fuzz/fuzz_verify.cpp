// libFuzzer target: the whole verification path (MIME layers, CMS parsing,
// signer checks, policy) on arbitrary input, with a fixed clock and no anchors.
#include "error.h"
#include "io/source.h"
#include "smime/analyse.h"
#include "x509/trust.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const inkan::x509::TrustStore trust;
  const inkan::io::ViewSource src(std::string_view(reinterpret_cast<const char*>(data), size));
  inkan::smime::AnalyseOptions options;
  options.trust = &trust;
  options.at = 1'800'000'000;  // 2027-01-15: fixed, so runs are reproducible
  try {
    (void)inkan::smime::analyse(src, options);
  } catch (const inkan::Error&) {
  }
  return 0;
}
