// Renewal reminders: certificates valid now that expire within N days, unless
// a later-expiring certificate of the same address already covers their uses.
#include "store_fixture.h"

#include "store/store_json.h"

namespace {

using inkan::test::StoreTest;

class StoreExpiring : public StoreTest {
protected:
  std::vector<std::string> fps(const std::vector<inkan::store::Identity>& ids) {
    std::vector<std::string> out;
    for (const auto& id : ids) out.push_back(id.fingerprint);
    return out;
  }
  std::string fp(const std::string& name) const { return openssl_fingerprint(inkan::test::pki(name + ".pem")); }
};

TEST_F(StoreExpiring, ReportsWhatNeedsRenewal) {
  auto s = with({"alice", "history-old", "history-mid", "history-new", "notyet"});
  const auto all = s.identities().identities;
  const std::int64_t alice_end = inkan::test::not_after("alice");
  const int days_to_alice = static_cast<int>((alice_end - m_now) / 86400);
  // Not yet within reach.
  EXPECT_TRUE(inkan::store::expiring_identities(all, m_now, days_to_alice - 2).empty());
  // alice expires within the window; history-new too, but history-mid (valid to 2099) covers it;
  // history-old expired long ago; notyet is not valid now.
  EXPECT_EQ(fps(inkan::store::expiring_identities(all, m_now, days_to_alice + 2)), std::vector<std::string>{fp("alice")});
  const auto j = inkan::store::expiring_json(inkan::store::expiring_identities(all, m_now, days_to_alice + 2), m_now,
                                             days_to_alice + 2);
  EXPECT_EQ(j["expiring"][0]["fingerprint"], fp("alice"));
  EXPECT_EQ(j["expiring"][0]["days_left"], days_to_alice);
}

TEST_F(StoreExpiring, ASeparateEncryptionCertificateDoesNotRenewASigningOne) {
  auto s = with({"split-sign", "split-enc"});
  const auto all = s.identities().identities;
  const int days = static_cast<int>((inkan::test::not_after("split-enc") - m_now) / 86400) + 2;
  EXPECT_EQ(inkan::store::expiring_identities(all, m_now, days).size(), 2u);
}

}  // namespace
