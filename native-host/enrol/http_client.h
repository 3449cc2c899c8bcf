// HTTPS requests through libcurl, with results as values: a transport
// failure is an `error` string in the response, an HTTP error status is just
// a status. TLS peer and host verification are always on; environment proxy
// variables, redirects and protocols other than HTTPS are off, so what a
// request does never depends on the user's shell.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace inkan::enrol {

struct HttpOptions {
  std::string ca_file;      ///< PEM file of TLS trust anchors; empty = the system's TLS roots
  std::string user_agent;   ///< empty = "inkan/<version>"
  std::chrono::seconds connect_timeout{15};
  std::chrono::seconds timeout{60};            ///< whole request
  std::size_t max_response_bytes = 4u << 20;   ///< body cap; ACME objects and chains are small
  std::string proxy;        ///< explicit proxy URL; http_proxy/https_proxy variables are never read
  bool allow_plain_http = false;  ///< http:// URLs (never for ACME; RFC 8555 §6.1 requires HTTPS)
  std::function<bool()> cancelled;  ///< polled during transfers; true aborts the request
};

struct HttpHeader {
  std::string name;
  std::string value;
};

struct HttpResponse {
  long status = 0;
  std::vector<HttpHeader> headers;  ///< of the final response, in order
  std::string body;
  std::string error;                ///< transport failure; empty when a response arrived
  bool cancelled = false;           ///< the cancel hook stopped the request

  bool ok() const { return error.empty(); }
  /** First header with this name (case-insensitive). */
  std::optional<std::string> header(std::string_view name) const;
  std::vector<std::string> all_headers(std::string_view name) const;
};

/** One HTTP connection owner (libcurl easy handle); move-only, reuses connections. */
class HttpClient {
public:
  explicit HttpClient(HttpOptions options = {});
  ~HttpClient();
  HttpClient(HttpClient&&) noexcept;
  HttpClient& operator=(HttpClient&&) noexcept;
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpResponse get(const std::string& url, std::string_view accept = {});
  HttpResponse head(const std::string& url);
  HttpResponse post(const std::string& url, std::string_view body, std::string_view content_type,
                    std::string_view accept = {});

  const HttpOptions& options() const { return m_options; }

private:
  enum class Method { get, head, post };
  HttpResponse perform(Method method, const std::string& url, std::string_view body, std::string_view content_type,
                       std::string_view accept);

  struct Handle;
  std::unique_ptr<Handle> m_handle;
  HttpOptions m_options;
};

}  // namespace inkan::enrol
