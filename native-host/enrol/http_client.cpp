#include "http_client.h"

#include "mime/headers.h"

#include "curl_library.h"

#include <curl/curl.h>

#include <mutex>

#ifndef INKAN_VERSION
#define INKAN_VERSION "0.0.0"
#endif

namespace inkan::enrol {
namespace {

struct EasyCleanup {
  void operator()(CURL* c) const noexcept { curl().easy_cleanup(c); }
};
struct ListFree {
  void operator()(curl_slist* l) const noexcept { curl().slist_free_all(l); }
};
using CurlEasy = std::unique_ptr<CURL, EasyCleanup>;
using CurlList = std::unique_ptr<curl_slist, ListFree>;

// Header blocks beyond this are hostile: ACME responses carry a handful of fields.
constexpr std::size_t kMaxHeaderBytes = 64 * 1024;

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl().global_init(CURL_GLOBAL_DEFAULT); });
}

struct Transfer {
  HttpResponse* response;
  std::size_t max_body;
  std::size_t header_bytes = 0;
  bool too_large = false;
  const std::function<bool()>* cancelled = nullptr;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t n = size * count;
  if (t->response->body.size() + n > t->max_body) {
    t->too_large = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  t->response->body.append(data, n);
  return n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t n = size * count;
  t->header_bytes += n;
  if (t->header_bytes > kMaxHeaderBytes) {
    t->too_large = true;
    return 0;
  }
  std::string_view line(data, n);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  auto& headers = t->response->headers;
  if (line.rfind("HTTP/", 0) == 0) {
    headers.clear();  // a new response (after 100 Continue): only the final one counts
    return n;
  }
  if (line.empty()) return n;
  if ((line.front() == ' ' || line.front() == '\t') && !headers.empty()) {
    headers.back().value += " ";
    headers.back().value += mime::trim(line);  // obsolete line folding
    return n;
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  headers.push_back({std::string(mime::trim(line.substr(0, colon))), std::string(mime::trim(line.substr(colon + 1)))});
  return n;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* t = static_cast<Transfer*>(user);
  return (t->cancelled != nullptr && *t->cancelled && (*t->cancelled)()) ? 1 : 0;
}

template <typename T>
void set(CURL* c, CURLoption option, T value) {
  curl().easy_setopt(c, option, value);
}

}  // namespace

struct HttpClient::Handle {
  CurlEasy easy;
};

std::optional<std::string> HttpResponse::header(std::string_view name) const {
  for (const auto& h : headers) {
    if (mime::iequals(h.name, name)) return h.value;
  }
  return std::nullopt;
}

std::vector<std::string> HttpResponse::all_headers(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& h : headers) {
    if (mime::iequals(h.name, name)) out.push_back(h.value);
  }
  return out;
}

HttpClient::HttpClient(HttpOptions options) : m_handle(std::make_unique<Handle>()), m_options(std::move(options)) {
  global_init();
  m_handle->easy.reset(curl().easy_init());
  if (m_options.user_agent.empty()) m_options.user_agent = std::string("inkan/") + INKAN_VERSION;
}

HttpClient::~HttpClient() = default;
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;

HttpResponse HttpClient::get(const std::string& url, std::string_view accept) {
  return perform(Method::get, url, {}, {}, accept);
}

HttpResponse HttpClient::head(const std::string& url) { return perform(Method::head, url, {}, {}, {}); }

HttpResponse HttpClient::post(const std::string& url, std::string_view body, std::string_view content_type,
                              std::string_view accept) {
  return perform(Method::post, url, body, content_type, accept);
}

HttpResponse HttpClient::perform(Method method, const std::string& url, std::string_view body,
                                 std::string_view content_type, std::string_view accept) {
  HttpResponse response;
  CURL* c = m_handle ? m_handle->easy.get() : nullptr;
  if (c == nullptr) {
    response.error = "libcurl could not be initialised";
    return response;
  }
  if (m_options.cancelled && m_options.cancelled()) {
    response.error = "cancelled";
    response.cancelled = true;
    return response;
  }
  // Reset keeps the connection cache and TLS sessions, but no option of an earlier request.
  curl().easy_reset(c);
  char error_buffer[CURL_ERROR_SIZE] = {};
  Transfer transfer{&response, m_options.max_response_bytes, 0, false, &m_options.cancelled};

  set(c, CURLOPT_URL, url.c_str());
  set(c, CURLOPT_PROTOCOLS_STR, m_options.allow_plain_http ? "http,https" : "https");
  set(c, CURLOPT_FOLLOWLOCATION, 0L);
  set(c, CURLOPT_NOSIGNAL, 1L);
  set(c, CURLOPT_SSL_VERIFYPEER, 1L);
  set(c, CURLOPT_SSL_VERIFYHOST, 2L);
  set(c, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
  if (!m_options.ca_file.empty()) set(c, CURLOPT_CAINFO, m_options.ca_file.c_str());
  // An empty string disables proxies, including the ones environment variables would add.
  set(c, CURLOPT_PROXY, m_options.proxy.c_str());
  set(c, CURLOPT_USERAGENT, m_options.user_agent.c_str());
  set(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::chrono::milliseconds(m_options.connect_timeout).count()));
  set(c, CURLOPT_TIMEOUT_MS, static_cast<long>(std::chrono::milliseconds(m_options.timeout).count()));
  set(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(m_options.max_response_bytes));
  set(c, CURLOPT_ERRORBUFFER, error_buffer);
  set(c, CURLOPT_WRITEFUNCTION, on_body);
  set(c, CURLOPT_WRITEDATA, &transfer);
  set(c, CURLOPT_HEADERFUNCTION, on_header);
  set(c, CURLOPT_HEADERDATA, &transfer);
  if (m_options.cancelled) {
    set(c, CURLOPT_NOPROGRESS, 0L);
    set(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    set(c, CURLOPT_XFERINFODATA, &transfer);
  }

  CurlList list;
  const auto add_header = [&list](const std::string& line) {
    curl_slist* next = curl().slist_append(list.get(), line.c_str());
    if (next != nullptr) {
      (void)list.release();
      list.reset(next);
    }
  };
  if (!content_type.empty()) add_header("Content-Type: " + std::string(content_type));
  if (!accept.empty()) add_header("Accept: " + std::string(accept));
  add_header("Accept-Language: en");  // RFC 8555 §6.1: SHOULD send; problem details stay in one language
  add_header("Expect:");              // no 100-continue round trip for small JSON bodies
  set(c, CURLOPT_HTTPHEADER, list.get());

  switch (method) {
    case Method::get: set(c, CURLOPT_HTTPGET, 1L); break;
    case Method::head: set(c, CURLOPT_NOBODY, 1L); break;
    case Method::post:
      set(c, CURLOPT_POST, 1L);
      set(c, CURLOPT_POSTFIELDS, body.data());
      set(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
      break;
  }

  const CURLcode rc = curl().easy_perform(c);
  long status = 0;
  curl().easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  // Nothing may keep pointing at this frame's buffers, header list or transfer state.
  curl().easy_reset(c);
  if (rc != CURLE_OK) {
    if (transfer.too_large || rc == CURLE_FILESIZE_EXCEEDED) {
      response.error = "the answer is larger than " + std::to_string(m_options.max_response_bytes) + " bytes";
    } else if (rc == CURLE_ABORTED_BY_CALLBACK) {
      response.error = "cancelled";
      response.cancelled = true;
    } else {
      response.error = curl().easy_strerror(rc);
      if (error_buffer[0] != '\0') response.error += std::string(": ") + error_buffer;
    }
    response.status = 0;
    response.body.clear();
    return response;
  }
  response.status = status;
  return response;
}

}  // namespace inkan::enrol
