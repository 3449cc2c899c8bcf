// OpenSSL's push-style BER encoder for a prepared CMS structure (BIO_new_CMS):
// content written in chunks comes out encrypted or signed, in constant memory.
#pragma once

#include "error.h"
#include "io/sink.h"
#include "ossl/handles.h"

#include <string_view>

namespace inkan::cms {

class CmsStream {
public:
  /** Starts writing `cms` to `out`; `what` names the operation in error details. */
  CmsStream(ossl::CmsPtr cms, io::Sink& out, const char* what);
  ~CmsStream();
  CmsStream(const CmsStream&) = delete;
  CmsStream& operator=(const CmsStream&) = delete;

  void update(std::string_view content);
  /** Completes the structure (signature, padding, tag, end-of-contents); errors carry `on_failure`. */
  void finish(Errc on_failure);

private:
  ossl::CmsPtr m_cms;
  ossl::BioPtr m_out;
  BIO* m_chain = nullptr;  // OpenSSL's filters on top of m_out
  const char* m_what;
};

}  // namespace inkan::cms
