#include "cms/cms_stream.h"

#include "ossl/bio_bridge.h"
#include "ossl/error_queue.h"

namespace inkan::cms {

CmsStream::CmsStream(ossl::CmsPtr cms, io::Sink& out, const char* what)
    : m_cms(std::move(cms)), m_out(ossl::sink_bio(out)), m_what(what) {
  m_chain = BIO_new_CMS(m_out.get(), m_cms.get());
  if (m_chain == nullptr) ossl::throw_last(Errc::internal, m_what);
}

CmsStream::~CmsStream() { ossl::free_chain_above(m_chain, m_out.get()); }

void CmsStream::update(std::string_view content) {
  if (content.empty()) return;
  if (BIO_write(m_chain, content.data(), static_cast<int>(content.size())) != static_cast<int>(content.size())) {
    ossl::rethrow_sink_error(m_out.get());  // a full disk is not a crypto failure
    ossl::throw_last(Errc::internal, m_what);
  }
}

void CmsStream::finish(Errc on_failure) {
  ossl::ClearErrorsOnExit clear;
  if (BIO_flush(m_chain) != 1) {
    ossl::rethrow_sink_error(m_out.get());
    ossl::throw_last(on_failure, m_what);
  }
}

}  // namespace inkan::cms
