// libcurl, opened when the first HTTPS request is made instead of linked: the
// enrolment code lives in the same `inkan` binary as sign and verify, and a
// linked libcurl maps 28 libraries (GnuTLS, Kerberos, LDAP, SSH, ...) into every
// command that never goes online: 5 MiB of resident memory and 3 ms per start.
#pragma once

#include <curl/curl.h>

namespace inkan::enrol {

struct CurlLibrary {
  decltype(&curl_global_init) global_init;
  decltype(&curl_easy_init) easy_init;
  decltype(&curl_easy_setopt) easy_setopt;
  decltype(&curl_easy_perform) easy_perform;
  decltype(&curl_easy_getinfo) easy_getinfo;
  decltype(&curl_easy_reset) easy_reset;
  decltype(&curl_easy_cleanup) easy_cleanup;
  decltype(&curl_easy_strerror) easy_strerror;
  decltype(&curl_slist_append) slist_append;
  decltype(&curl_slist_free_all) slist_free_all;
};

/** The functions of libcurl.so.4, loaded once (thread-safe); throws NETWORK if it cannot be loaded. */
const CurlLibrary& curl();

}  // namespace inkan::enrol
