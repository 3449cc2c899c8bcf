// "7bit data" (RFC 2045 §2.7, RFC 5322 §2.1.1): ASCII without NUL, lines of
// at most 998 octets not counting the CRLF.
#include "mime/codec.h"

#include <gtest/gtest.h>

#include <string>

namespace {

using inkan::mime::is_7bit_clean;

TEST(SevenBitClean, AsciiTextIsClean) {
  EXPECT_TRUE(is_7bit_clean("Hello\r\nWorld\r\n"));
  EXPECT_TRUE(is_7bit_clean(""));
}

TEST(SevenBitClean, HighBytesAndNulAreNot) {
  EXPECT_FALSE(is_7bit_clean("caf\xc3\xa9"));
  EXPECT_FALSE(is_7bit_clean(std::string("a\0b", 3)));
  EXPECT_FALSE(is_7bit_clean("\x80"));
}

TEST(SevenBitClean, A998OctetLineIsAllowedWithItsCrlf) {
  EXPECT_TRUE(is_7bit_clean(std::string(998, 'a') + "\r\n"));
  EXPECT_TRUE(is_7bit_clean(std::string(998, 'a') + "\n"));
  EXPECT_TRUE(is_7bit_clean(std::string(998, 'a')));
}

TEST(SevenBitClean, A999OctetLineIsNot) {
  EXPECT_FALSE(is_7bit_clean(std::string(999, 'a') + "\r\n"));
  EXPECT_FALSE(is_7bit_clean("short\r\n" + std::string(999, 'a')));
}

}  // namespace
