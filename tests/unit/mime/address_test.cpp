// Mailbox lists (RFC 5322 §3.4): what From/Sender checks compare with the
// signer certificate.
#include "mime/address.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

std::vector<std::string> addresses(const std::string& value) {
  std::vector<std::string> out;
  for (const auto& m : inkan::mime::parse_mailboxes(value)) out.push_back(m.address);
  return out;
}

using Addresses = std::vector<std::string>;

TEST(Mailboxes, NameAddrAndBareAddrSpec) {
  const auto list = inkan::mime::parse_mailboxes("Alice Liddell <alice@example.org>");
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].address, "alice@example.org");
  EXPECT_EQ(list[0].display, "Alice Liddell");
  EXPECT_EQ(addresses("alice@example.org"), Addresses{"alice@example.org"});
}

TEST(Mailboxes, AddressListSplitsOnTopLevelCommasOnly) {
  EXPECT_EQ(addresses("\"Doe, John\" <john@example.org>, bob@example.net"),
            (Addresses{"john@example.org", "bob@example.net"}));
  const auto list = inkan::mime::parse_mailboxes("\"Doe, John\" <john@example.org>");
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].display, "Doe, John");
}

TEST(Mailboxes, GroupsAreFlattened) {
  EXPECT_EQ(addresses("Friends: a@example.org, B <b@example.net>;, c@example.com"),
            (Addresses{"a@example.org", "b@example.net", "c@example.com"}));
  EXPECT_TRUE(addresses("undisclosed-recipients:;").empty());
}

TEST(Mailboxes, CommentsAreIgnoredEvenWithCommasAndNesting) {
  EXPECT_EQ(addresses("alice@example.org (Alice, in (nested) comment)"), Addresses{"alice@example.org"});
  EXPECT_EQ(addresses("Alice (a, b) <alice@example.org>, bob@example.net"),
            (Addresses{"alice@example.org", "bob@example.net"}));
  EXPECT_EQ(addresses("(leading comment) <alice@example.org>"), Addresses{"alice@example.org"});
}

TEST(Mailboxes, QuotedLocalPartIsKept) {
  EXPECT_EQ(addresses("\"john doe\"@example.org"), Addresses{"\"john doe\"@example.org"});
  EXPECT_EQ(addresses("Someone <\"john doe\"@example.org>"), Addresses{"\"john doe\"@example.org"});
}

TEST(Mailboxes, ObsoleteRouteIsDropped) {
  EXPECT_EQ(addresses("<@relay1.example,@relay2.example:user@example.org>"), Addresses{"user@example.org"});
}

TEST(Mailboxes, AddressesAreLowerCasedForComparison) {
  EXPECT_EQ(addresses("Alice <Alice@EXAMPLE.Org>"), Addresses{"alice@example.org"});
  EXPECT_EQ(inkan::mime::normalize_address("  Bob@Example.NET "), "bob@example.net");
}

TEST(Mailboxes, FoldedFieldValues) {
  EXPECT_EQ(addresses("Alice\r\n <alice@example.org>,\r\n\tbob@example.net"),
            (Addresses{"alice@example.org", "bob@example.net"}));
}

TEST(Mailboxes, TheAngleAddressWinsOverADisplayNameThatLooksLikeOne) {
  // The spoofing shape: the name pretends to be an address; the real one is in <>.
  EXPECT_EQ(addresses("\"bob@example.net\" <mallory@example.org>"), Addresses{"mallory@example.org"});
  EXPECT_EQ(addresses("bob@example.net <mallory@example.org>"), Addresses{"mallory@example.org"});
}

TEST(Mailboxes, NoAddressNoMailbox) {
  EXPECT_TRUE(addresses("").empty());
  EXPECT_TRUE(addresses("Just A Name").empty());
  EXPECT_TRUE(addresses("<>").empty());
  EXPECT_TRUE(addresses(",,,").empty());
}

TEST(Mailboxes, EncodedWordDisplayNamesAreKeptAsWritten) {
  const auto list = inkan::mime::parse_mailboxes("=?UTF-8?B?5bGx55Sw?= <yamada@example.jp>");
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].display, "=?UTF-8?B?5bGx55Sw?=");
  EXPECT_EQ(list[0].address, "yamada@example.jp");
}

}  // namespace
