// Reading what an ACME server says: problem documents (RFC 7807 / RFC 8555
// §6.7), objects with fields missing, Retry-After in both forms, identifiers
// given on the command line, and URLs the HTTP client must refuse.
#include "acme_client.h"
#include "error.h"
#include "http_client.h"

#include <gtest/gtest.h>

namespace {

using inkan::enrol::parse_problem;

TEST(AcmeProblem, TypeDetailAndSubproblems) {
  // RFC 8555 §6.7.1's example.
  const auto j = nlohmann::json::parse(R"({
    "type": "urn:ietf:params:acme:error:malformed",
    "detail": "Some of the identifiers requested were rejected",
    "subproblems": [
      {"type": "urn:ietf:params:acme:error:malformed", "detail": "Invalid underscore in DNS name \"_example.org\"",
       "identifier": {"type": "dns", "value": "_example.org"}},
      {"type": "urn:ietf:params:acme:error:rejectedIdentifier", "detail": "This CA will not issue for \"example.net\"",
       "identifier": {"type": "dns", "value": "example.net"}}]})");
  const auto p = parse_problem(j, 400);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->status, 400);
  ASSERT_EQ(p->subproblems.size(), 2u);
  EXPECT_EQ(p->subproblems[1].identifier, "dns:example.net");
  EXPECT_EQ(p->describe(),
            "urn:ietf:params:acme:error:malformed: Some of the identifiers requested were rejected ["
            "dns:_example.org: urn:ietf:params:acme:error:malformed: Invalid underscore in DNS name \"_example.org\"; "
            "dns:example.net: urn:ietf:params:acme:error:rejectedIdentifier: This CA will not issue for \"example.net\"]");
  try {
    inkan::enrol::throw_problem(*p);
  } catch (const inkan::Error& e) {
    EXPECT_EQ(e.code(), inkan::Errc::acme_problem);
    EXPECT_EQ(e.detail().rfind("urn:ietf:params:acme:error:malformed", 0), 0u);
  }
}

TEST(AcmeProblem, ServerTextIsBoundedAndOnOneLine) {
  const auto p = parse_problem({{"type", "urn:ietf:params:acme:error:serverInternal"},
                                {"detail", "line one\r\nInjected: header\x1b[31m" + std::string(5000, 'x')}});
  ASSERT_TRUE(p);
  const auto text = p->describe();
  EXPECT_LT(text.size(), 700u);
  EXPECT_EQ(text.find('\n'), std::string::npos);
  EXPECT_EQ(text.find('\r'), std::string::npos);
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
}

TEST(AcmeProblem, NotAProblem) {
  EXPECT_FALSE(parse_problem(nlohmann::json::object()));
  EXPECT_FALSE(parse_problem({{"type", 5}}));
  EXPECT_FALSE(parse_problem(nlohmann::json::array()));
  EXPECT_FALSE(parse_problem(nlohmann::json::parse("null")));
}

TEST(AcmeObjects, MissingRequiredFieldsAreProtocolErrors) {
  const auto order = nlohmann::json::parse(R"({"status": "pending", "finalize": "https://ca/f", "authorizations": ["https://ca/a"]})");
  EXPECT_EQ(inkan::enrol::parse_order(order, "https://ca/o").authorizations.size(), 1u);
  for (const char* field : {"status", "finalize", "authorizations"}) {
    auto broken = order;
    broken.erase(field);
    try {
      (void)inkan::enrol::parse_order(broken, "https://ca/o");
      ADD_FAILURE() << field;
    } catch (const inkan::Error& e) {
      EXPECT_EQ(e.code(), inkan::Errc::acme_protocol) << field;
    }
  }
  EXPECT_THROW(inkan::enrol::parse_authorization(nlohmann::json::parse(R"({"status": "pending", "challenges": []})"), "u"),
               inkan::Error);
  EXPECT_THROW(inkan::enrol::parse_directory(nlohmann::json::parse(R"({"newNonce": "https://ca/n", "newAccount": "https://ca/a"})")),
               inkan::Error);
  EXPECT_THROW(inkan::enrol::parse_directory(
                   nlohmann::json::parse(R"({"newNonce": "ftp://ca/n", "newAccount": "https://ca/a", "newOrder": "https://ca/o"})")),
               inkan::Error);
}

TEST(AcmeObjects, EmailReplyChallenge) {
  // RFC 8823 §3's example challenge object.
  const auto c = inkan::enrol::parse_challenge(nlohmann::json::parse(
      R"({"type":"email-reply-00","url":"https://example.com/acme/chall/ABprV_B7yEyA4f","status":"pending",
          "from":"acme-generator@example.org","token":"DGyRejmCefe7v4NfDGDKfA"})"));
  EXPECT_EQ(c.type, "email-reply-00");
  EXPECT_EQ(c.from, "acme-generator@example.org");
  EXPECT_EQ(c.token, "DGyRejmCefe7v4NfDGDKfA");
  EXPECT_FALSE(c.error);
}

TEST(RetryAfter, SecondsAndHttpDates) {
  using std::chrono::seconds;
  EXPECT_EQ(inkan::enrol::parse_retry_after("120", 0), seconds(120));
  EXPECT_EQ(inkan::enrol::parse_retry_after(" 0 ", 0), seconds(0));
  // RFC 9110 §5.6.7 IMF-fixdate; 784111777 = Sun, 06 Nov 1994 08:49:37 GMT.
  EXPECT_EQ(inkan::enrol::parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111777 - 30), seconds(30));
  EXPECT_EQ(inkan::enrol::parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111777 + 30), seconds(0)) << "a past date: now";
  EXPECT_EQ(inkan::enrol::parse_retry_after("99999999999999999999", 0), seconds(86400)) << "capped at a day";
  EXPECT_FALSE(inkan::enrol::parse_retry_after("soon", 0));
  EXPECT_FALSE(inkan::enrol::parse_retry_after("-5", 0));
  EXPECT_FALSE(inkan::enrol::parse_retry_after("", 0));
}

TEST(Identifiers, FromTheCommandLine) {
  using inkan::enrol::Identifier;
  EXPECT_EQ(inkan::enrol::parse_identifier("email:Alice@Example.ORG"), (Identifier{"email", "Alice@example.org"}))
      << "the local part keeps its case (RFC 5321 §2.4), the domain does not";
  EXPECT_EQ(inkan::enrol::parse_identifier("alice@example.org"), (Identifier{"email", "alice@example.org"}));
  EXPECT_EQ(inkan::enrol::parse_identifier("dns:Example.ORG"), (Identifier{"dns", "example.org"}));
  for (const char* bad : {"ip:127.0.0.1", "email:alice", "dns:", "dns:a b", "email:a@b@c.org", "alice"}) {
    EXPECT_THROW(inkan::enrol::parse_identifier(bad), inkan::Error) << bad;
  }
}

TEST(HttpClient, OnlyHttpsUnlessAskedAndNeverOtherSchemes) {
  inkan::enrol::HttpClient client;
  for (const char* url : {"http://127.0.0.1:9/", "file:///etc/passwd", "ftp://127.0.0.1:9/", "gopher://127.0.0.1:9/"}) {
    const auto r = client.get(url);
    EXPECT_FALSE(r.ok()) << url;
    EXPECT_EQ(r.status, 0) << url;
    EXPECT_TRUE(r.body.empty()) << url;
  }
  inkan::enrol::HttpOptions plain;
  plain.allow_plain_http = true;
  plain.connect_timeout = std::chrono::seconds(2);
  inkan::enrol::HttpClient plain_client(plain);
  EXPECT_FALSE(plain_client.get("file:///etc/passwd").ok());
}

TEST(HttpClient, ACancelledRequestSaysSo) {
  inkan::enrol::HttpOptions o;
  o.cancelled = [] { return true; };
  inkan::enrol::HttpClient client(o);
  const auto r = client.get("https://127.0.0.1:9/");
  EXPECT_TRUE(r.cancelled);
  EXPECT_FALSE(r.ok());
}

TEST(AcmeClient, RefusesPlainHttpDirectories) {
  EXPECT_THROW(inkan::enrol::AcmeClient("http://ca.example/dir", nullptr), inkan::Error);
}

}  // namespace
