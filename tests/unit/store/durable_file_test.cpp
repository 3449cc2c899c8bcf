// Store files are replaced whole or not at all (temp file, fsync, rename),
// never overwritten by a create, private to the user, and writers' leftovers
// are invisible to readers.
#include "store/durable_file.h"
#include "store_fixture.h"

#include "error.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <thread>

namespace {

using inkan::Errc;
using inkan::test::StoreTest;
namespace fs = std::filesystem;

class StoreFiles : public StoreTest {};

TEST_F(StoreFiles, PrivateDirectoriesAreMadeWithParentsAndNarrowed) {
  const fs::path deep = root() / "a" / "b";
  inkan::store::ensure_private_dir(deep);
  EXPECT_EQ(mode_of(deep), 0700u);
  EXPECT_EQ(mode_of(root() / "a"), 0700u);
  ::chmod(deep.c_str(), 0755);
  inkan::store::ensure_private_dir(deep);
  EXPECT_EQ(mode_of(deep), 0700u) << "a store directory readable by others is narrowed";
  inkan::test::write_file(root() / "plain-file", "x");
  try {
    inkan::store::ensure_private_dir(root() / "plain-file");
    FAIL() << "a file where a directory belongs was accepted";
  } catch (const inkan::Error& e) {
    EXPECT_EQ(e.code(), Errc::store_corrupt);
  }
}

TEST_F(StoreFiles, ReplaceWritesTheWholeFileWithMode0600) {
  inkan::store::ensure_private_dir(root());
  inkan::store::replace_file(root(), "f.json", "first");
  EXPECT_EQ(inkan::test::read_file(root() / "f.json"), "first");
  EXPECT_EQ(mode_of(root() / "f.json"), 0600u);
  inkan::store::replace_file(root(), "f.json", std::string(100000, 'x'));
  EXPECT_EQ(inkan::test::read_file(root() / "f.json"), std::string(100000, 'x'));
  EXPECT_EQ(mode_of(root() / "f.json"), 0600u);
  // No temporary file is left behind.
  std::size_t entries = 0;
  for (const auto& e : fs::directory_iterator(root())) {
    ++entries;
    EXPECT_EQ(e.path().filename(), "f.json");
  }
  EXPECT_EQ(entries, 1u);
}

TEST_F(StoreFiles, CreateNeverOverwrites) {
  inkan::store::ensure_private_dir(root());
  EXPECT_TRUE(inkan::store::create_file(root(), "id.json", "original"));
  EXPECT_FALSE(inkan::store::create_file(root(), "id.json", "intruder"));
  EXPECT_EQ(inkan::test::read_file(root() / "id.json"), "original");
  EXPECT_EQ(inkan::store::list_names(root()), std::vector<std::string>{"id.json"});
}

TEST_F(StoreFiles, ReadersSkipTemporaryFilesAndTheNextWriterRemovesThem) {
  inkan::store::ensure_private_dir(root());
  inkan::store::replace_file(root(), "kept.json", "k");
  inkan::test::write_file(root() / ".tmp-kept.json-AbC123", "half a fi");
  EXPECT_TRUE(inkan::store::is_temp_name(".tmp-kept.json-AbC123"));
  EXPECT_EQ(inkan::store::list_names(root()), std::vector<std::string>{"kept.json"});
  inkan::store::remove_temp_debris(root());
  EXPECT_FALSE(fs::exists(root() / ".tmp-kept.json-AbC123"));
  EXPECT_EQ(inkan::test::read_file(root() / "kept.json"), "k");
}

TEST_F(StoreFiles, ReadingRefusesSymlinksAndOversizedFiles) {
  inkan::store::ensure_private_dir(root());
  EXPECT_FALSE(inkan::store::read_store_file(root() / "missing.json").has_value());
  inkan::test::write_file(m_dir.file("elsewhere"), "secret elsewhere");
  fs::create_symlink(m_dir.file("elsewhere"), root() / "link.json");
  try {
    (void)inkan::store::read_store_file(root() / "link.json");
    FAIL() << "followed a symbolic link";
  } catch (const inkan::Error& e) {
    EXPECT_EQ(e.code(), Errc::store_corrupt);
  }
  inkan::store::replace_file(root(), "big.json", std::string(2000, 'b'));
  try {
    (void)inkan::store::read_store_file(root() / "big.json", 1000);
    FAIL() << "read beyond the limit";
  } catch (const inkan::Error& e) {
    EXPECT_EQ(e.code(), Errc::store_corrupt);
  }
}

TEST_F(StoreFiles, RemoveReportsWhetherThereWasAFile) {
  inkan::store::ensure_private_dir(root());
  inkan::store::replace_file(root(), "gone.json", "g");
  EXPECT_TRUE(inkan::store::remove_file(root(), "gone.json"));
  EXPECT_FALSE(inkan::store::remove_file(root(), "gone.json"));
}

// A writer killed at any moment leaves the old file or the new one, never a mix:
// a child rewrites one file with alternating 256 KiB contents and is SIGKILLed at
// random times; after every kill the file is exactly one of the two.
TEST_F(StoreFiles, AWriterKilledAtAnyMomentLeavesOldOrNew) {
  inkan::store::ensure_private_dir(root());
  const std::string a(256 * 1024, 'a');
  const std::string b(256 * 1024, 'b');
  inkan::store::replace_file(root(), "item", a);
  std::mt19937 rng(12345);
  int kills_while_writing = 0;
  for (int round = 0; round < 40; ++round) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      for (int i = 0;; ++i) {
        try {
          inkan::store::replace_file(root(), "item", i % 2 == 0 ? b : a);
        } catch (...) {
          ::_exit(3);
        }
      }
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200 + rng() % 20000));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the writer stopped by itself (status " << status << ")";
    ++kills_while_writing;
    const std::string now = inkan::test::read_file(root() / "item");
    ASSERT_TRUE(now == a || now == b) << "round " << round << ": a torn file of " << now.size() << " bytes";
    EXPECT_EQ(inkan::store::list_names(root()), std::vector<std::string>{"item"}) << "debris visible to readers";
    inkan::store::remove_temp_debris(root());
  }
  EXPECT_EQ(kills_while_writing, 40);
  for (const auto& e : fs::directory_iterator(root())) EXPECT_EQ(e.path().filename(), "item");
}

}  // namespace
