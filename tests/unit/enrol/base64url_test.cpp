// base64url (RFC 4648 §5), judged by RFC 4648 §10's vectors and by Python's
// base64.urlsafe_b64encode output written out here.
#include "base64url.h"

#include <gtest/gtest.h>

namespace {

using inkan::enrol::base64url_decode;
using inkan::enrol::base64url_encode;

TEST(Base64url, Rfc4648Vectors) {
  // RFC 4648 §10 with the padding removed (RFC 7515 §2).
  EXPECT_EQ(base64url_encode(""), "");
  EXPECT_EQ(base64url_encode("f"), "Zg");
  EXPECT_EQ(base64url_encode("fo"), "Zm8");
  EXPECT_EQ(base64url_encode("foo"), "Zm9v");
  EXPECT_EQ(base64url_encode("foob"), "Zm9vYg");
  EXPECT_EQ(base64url_encode("fooba"), "Zm9vYmE");
  EXPECT_EQ(base64url_encode("foobar"), "Zm9vYmFy");
}

TEST(Base64url, UsesTheUrlSafeAlphabet) {
  // python3 -c 'import base64;print(base64.urlsafe_b64encode(bytes([0xfb,0xff,0xbf])))' -> b'-_-_'
  EXPECT_EQ(base64url_encode(std::string("\xfb\xff\xbf", 3)), "-_-_");
  EXPECT_EQ(*base64url_decode("-_-_"), std::string("\xfb\xff\xbf", 3));
}

TEST(Base64url, DecodeRoundTripsEveryLength) {
  std::string bytes;
  for (int n = 0; n < 70; ++n) {
    EXPECT_EQ(base64url_decode(base64url_encode(bytes)), bytes) << n;
    bytes += static_cast<char>(n * 37 + 11);
  }
}

TEST(Base64url, RefusesWhatIsNotBase64url) {
  EXPECT_FALSE(base64url_decode("Zm9v+g"));    // standard alphabet
  EXPECT_FALSE(base64url_decode("Zm9v/g"));
  EXPECT_FALSE(base64url_decode("Zm9 v"));     // white space
  EXPECT_FALSE(base64url_decode("Zm9vY"));     // 5 characters cannot be base64
  EXPECT_FALSE(base64url_decode("Zg=="));      // padding only when allowed
  EXPECT_EQ(*base64url_decode("Zg==", true), "f");
  EXPECT_FALSE(base64url_decode("Zg=", true));   // padding must complete the quantum
  EXPECT_FALSE(base64url_decode("Zg===", true));
  EXPECT_FALSE(base64url_decode("Z=g=", true));
}

}  // namespace
