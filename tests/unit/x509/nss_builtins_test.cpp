// Mozilla's e-mail trust anchors read from NSS's builtins module, judged by NSS
// itself: certutil lists the same module through a fresh NSS database, and its view
// of each root's e-mail trust must be exactly ours.
#include "support/files.h"
#include "support/process.h"
#include "x509/nss_builtins.h"
#include "x509/trust.h"

#include "error.h"

#include <openssl/pem.h>
#include <openssl/x509.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sstream>

namespace {

using inkan::test::RunOptions;
using inkan::test::describe;
using inkan::test::run;

constexpr const char* kToken = "Builtin Object Token";

std::string sha1_hex(X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  X509_digest(cert, EVP_sha1(), md, &len);
  std::string out;
  char buf[4];
  for (unsigned int i = 0; i < len; ++i) {
    std::snprintf(buf, sizeof(buf), "%02X", md[i]);
    out += buf;
  }
  return out;
}

// What NSS says about every certificate of the builtins token.
struct NssView {
  std::set<std::string> all, email_trusted, distrusted;  // SHA-1 fingerprints, upper-case hex (details only)
  std::map<std::string, std::string> flags_by_nickname;   // "C,C," etc. from the listing
};

class NssBuiltins : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    s_roots = std::make_unique<inkan::x509::BuiltinRoots>(
        inkan::x509::load_builtin_roots(inkan::x509::builtin_roots().module_path));
    s_nss = std::make_unique<NssView>(nss_view(s_roots->module_path, /*details=*/false));
  }
  static void TearDownTestSuite() {
    s_roots.reset();
    s_nss.reset();
  }

  // A fresh NSS database with the module added, as Thunderbird's profile has it.
  // details: also each certificate's SHA-1 and e-mail trust flags (one certutil run per nickname).
  static NssView nss_view(const std::string& module, bool with_details) {
    inkan::test::TempDir db;
    const std::string dir = "sql:" + db.path().string();
    const auto created = run({"certutil", "-N", "-d", dir, "--empty-password"});
    if (created.exit_code != 0) throw std::runtime_error("certutil -N: " + describe(created));
    RunOptions confirm;
    confirm.input = "\n";  // modutil asks to confirm when a browser could be running
    const auto added = run({"modutil", "-dbdir", dir, "-add", "Builtin Roots", "-libfile", module, "-force"}, confirm);
    if (added.exit_code != 0) throw std::runtime_error("modutil -add: " + describe(added));
    const auto listed = run({"certutil", "-L", "-d", dir, "-h", kToken});
    if (listed.exit_code != 0) throw std::runtime_error("certutil -L: " + describe(listed));

    NssView view;
    // "Builtin Object Token:NICKNAME      SSL,S/MIME,JAR"
    const std::regex line(std::string("^") + kToken + ":(.*\\S)\\s+(\\S*,\\S*,\\S*)\\s*$");
    std::istringstream in(listed.out);
    for (std::string l; std::getline(in, l);) {
      std::smatch m;
      if (std::regex_match(l, m, line)) view.flags_by_nickname[m[1]] = m[2];
    }
    // Per nickname (several certificates may share one): SHA-1 and the e-mail trust flags.
    for (const auto& [nick, flags] : view.flags_by_nickname) {
      if (!with_details) break;
      const auto shown = run({"certutil", "-L", "-d", dir, "-n", std::string(kToken) + ":" + nick});
      if (shown.exit_code != 0) throw std::runtime_error("certutil -L -n " + nick + ": " + describe(shown));
      std::istringstream details(shown.out);
      std::string sha1;
      bool in_email = false;
      for (std::string l; std::getline(details, l);) {
        const auto text = l.substr(std::min(l.find_first_not_of(' '), l.size()));
        if (text.rfind("Fingerprint (SHA1):", 0) == 0) {
          std::getline(details, l);
          sha1 = std::regex_replace(l, std::regex("[^0-9A-Fa-f]"), "");
          view.all.insert(sha1);
        } else if (text.rfind("Email Flags:", 0) == 0) {
          in_email = true;
        } else if (text.rfind("Object Signing Flags:", 0) == 0 || text.rfind("SSL Flags:", 0) == 0) {
          in_email = false;
        } else if (in_email && text == "Trusted CA") {
          view.email_trusted.insert(sha1);
        } else if (in_email && text == "Terminal Record") {
          view.distrusted.insert(sha1);  // CKT_NSS_NOT_TRUSTED: NSS's "p" without "P"
        }
      }
    }
    return view;
  }

  static std::unique_ptr<inkan::x509::BuiltinRoots> s_roots;
  static std::unique_ptr<NssView> s_nss;
};

std::unique_ptr<inkan::x509::BuiltinRoots> NssBuiltins::s_roots;
std::unique_ptr<NssView> NssBuiltins::s_nss;

TEST_F(NssBuiltins, TrustIsExactlyWhatNssSays) {
  const NssView nss = nss_view(s_roots->module_path, /*details=*/true);
  std::set<std::string> all, email, distrusted;
  for (const auto& r : s_roots->roots) {
    const std::string sha1 = sha1_hex(r.cert.get());
    all.insert(sha1);
    if (r.email_trusted && !r.distrusted) email.insert(sha1);
    if (r.distrusted) distrusted.insert(sha1);
  }
  ASSERT_FALSE(nss.all.empty()) << "certutil listed nothing";
  EXPECT_EQ(all, nss.all) << "the certificates of the token";
  EXPECT_EQ(email, nss.email_trusted) << "the e-mail anchors (NSS: Email Flags \"Trusted CA\")";
  EXPECT_EQ(distrusted, nss.distrusted) << "the explicitly distrusted (NSS: \"Terminal Record\")";
  EXPECT_FALSE(distrusted.empty()) << "NSS has carried DigiNotar's explicit distrust since 2011";
}

TEST_F(NssBuiltins, TheCountIsPlausibleForMozillasStore) {
  // NSS 3.87 had 108 of 159; the set changes with every release, so only the order of magnitude is fixed.
  const std::size_t n = s_roots->email_anchor_count();
  EXPECT_GE(n, 50u);
  EXPECT_LE(n, 300u);
  EXPECT_LT(n, s_roots->roots.size()) << "some builtin roots are for TLS only";
}

TEST_F(NssBuiltins, ATlsOnlyRootIsNoAnchor) {
  // Picked from certutil's listing: trusted for SSL ("C" first), nothing for S/MIME.
  std::string nick;
  for (const auto& [n, flags] : s_nss->flags_by_nickname) {
    if (flags.rfind("C,,", 0) == 0) {
      nick = n;
      break;
    }
  }
  ASSERT_FALSE(nick.empty()) << "certutil lists no TLS-only root";
  inkan::x509::TrustStore store;
  inkan::x509::add_builtin_trust(store, *s_roots);
  std::size_t matched = 0;
  for (const auto& r : s_roots->roots) {
    if (r.label != nick) continue;
    ++matched;
    EXPECT_FALSE(r.email_trusted) << nick;
    EXPECT_TRUE(r.server_trusted) << nick;
    EXPECT_EQ(store.policy_of(r.cert.get()), nullptr) << nick << " became an e-mail anchor";
  }
  EXPECT_GE(matched, 1u) << "no root labelled " << nick;
}

TEST_F(NssBuiltins, TheStoreGetsAnchorsDatesAndDistrust) {
  inkan::x509::TrustStore store;
  const std::size_t added = inkan::x509::add_builtin_trust(store, *s_roots);
  EXPECT_EQ(added, s_roots->email_anchor_count());
  EXPECT_EQ(store.anchors().size(), added);
  EXPECT_EQ(store.distrusted().size(),
            static_cast<std::size_t>(std::count_if(s_roots->roots.begin(), s_roots->roots.end(),
                                                   [](const inkan::x509::BuiltinRoot& r) { return r.distrusted; })));
  for (const auto& r : s_roots->roots) {
    if (!r.email_trusted || r.distrusted) continue;
    const auto* policy = store.policy_of(r.cert.get());
    ASSERT_NE(policy, nullptr) << r.label;
    EXPECT_EQ(policy->email_distrust_after, r.email_distrust_after) << r.label;
  }
}

TEST_F(NssBuiltins, DistrustAfterDatesArePlausible) {
  // certutil does not show these dates, so only their shape is checked here; the
  // chain check's use of them is tested with a test root (distrust_test.cpp).
  const std::int64_t year2010 = 1262304000;
  const std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
  for (const auto& r : s_roots->roots) {
    if (!r.email_distrust_after) continue;
    EXPECT_GT(*r.email_distrust_after, year2010) << r.label;
    EXPECT_LT(*r.email_distrust_after, now + 10LL * 365 * 86400) << r.label;
  }
  // Mozilla set an e-mail distrust date on the TrustCor roots (NSS 3.86, bug 1803453) before removing them.
  for (const auto& r : s_roots->roots) {
    if (r.label.rfind("TrustCor", 0) == 0) {
      EXPECT_TRUE(r.email_distrust_after.has_value()) << r.label;
    }
  }
}

TEST_F(NssBuiltins, LabelsAreCleanText) {
  for (const auto& r : s_roots->roots) {
    EXPECT_FALSE(r.label.empty());
    EXPECT_EQ(r.label.find('\0'), std::string::npos) << r.label;
    EXPECT_EQ(s_nss->flags_by_nickname.count(r.label), 1u) << "certutil knows no nickname " << r.label;
  }
}

TEST(NssBuiltinsModule, AMissingModuleIsAClearError) {
  try {
    inkan::x509::load_builtin_roots("/nonexistent/libnssckbi.so");
    FAIL() << "no error";
  } catch (const inkan::Error& e) {
    EXPECT_EQ(e.code(), inkan::Errc::trust_roots_unavailable);
    EXPECT_NE(e.detail().find("/nonexistent/libnssckbi.so"), std::string::npos) << e.detail();
  }
}

TEST(NssBuiltinsModule, ALibraryThatIsNoPkcs11ModuleIsAClearError) {
  // libc is loadable but has no C_GetFunctionList.
  for (const char* libc : {"/lib/x86_64-linux-gnu/libc.so.6", "/lib/aarch64-linux-gnu/libc.so.6", "/lib64/libc.so.6"}) {
    if (!std::filesystem::exists(libc)) continue;
    try {
      inkan::x509::load_builtin_roots(libc);
      FAIL() << "no error";
    } catch (const inkan::Error& e) {
      EXPECT_EQ(e.code(), inkan::Errc::trust_roots_unavailable);
      EXPECT_NE(e.detail().find("C_GetFunctionList"), std::string::npos) << e.detail();
    }
    return;
  }
  GTEST_SKIP() << "no libc at a known path";
}

TEST(NssBuiltinsModule, DistrustAfterValues) {
  EXPECT_EQ(inkan::x509::parse_distrust_after(std::string(1, '\0')), std::nullopt);     // CK_FALSE
  EXPECT_EQ(inkan::x509::parse_distrust_after("221130000000Z"), 1669766400);           // TrustCor's date
  EXPECT_EQ(inkan::x509::parse_distrust_after("20221130000000Z"), 1669766400);
  // Unreadable dates fail closed: every leaf counts as issued later.
  for (const char* bad : {"", "garbage", "2211300000Z", "22113000000aZ"}) {
    const auto v = inkan::x509::parse_distrust_after(bad);
    ASSERT_TRUE(v.has_value()) << bad;
    EXPECT_LT(*v, 0) << bad;
  }
}

TEST(NssBuiltinsModule, TheEnvironmentVariableIsTheOnlyCandidateWhenSet) {
  ::setenv("INKAN_NSSCKBI", "/opt/custom/libnssckbi.so", 1);
  const auto c = inkan::x509::nssckbi_candidates();
  ::unsetenv("INKAN_NSSCKBI");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c.front(), "/opt/custom/libnssckbi.so");
  EXPECT_GT(inkan::x509::nssckbi_candidates().size(), 1u);
}

}  // namespace
