// The writers' lock: one writer at a time, a bounded wait ending in STORE_BUSY,
// and no lock left behind by a writer that died.
#include "store/write_lock.h"
#include "store_fixture.h"

#include "error.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

namespace {

using inkan::Errc;
using inkan::test::StoreTest;
using std::chrono::milliseconds;

class StoreLock : public StoreTest {};

TEST_F(StoreLock, ASecondWriterWaitsAndThenGivesUpWithStoreBusy) {
  std::optional<inkan::store::WriteLock> held;
  held.emplace(root(), milliseconds(100));
  EXPECT_EQ(mode_of(root()), 0700u);
  EXPECT_EQ(mode_of(root() / "lock"), 0600u);
  const auto start = std::chrono::steady_clock::now();
  try {
    inkan::store::WriteLock second(root(), milliseconds(300));
    FAIL() << "two writers held the lock at once";
  } catch (const inkan::Error& e) {
    EXPECT_EQ(e.code(), Errc::store_busy);
  }
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_GE(waited, milliseconds(290)) << "gave up before the wait was over";
  EXPECT_LT(waited, milliseconds(5000)) << "the wait is not bounded";
  held.reset();
  EXPECT_NO_THROW(inkan::store::WriteLock third(root(), milliseconds(100)));
}

TEST_F(StoreLock, AWaitingWriterGetsTheLockWhenItIsReleased) {
  std::optional<inkan::store::WriteLock> held;
  held.emplace(root(), milliseconds(100));
  std::thread release([&] {
    std::this_thread::sleep_for(milliseconds(200));
    held.reset();
  });
  EXPECT_NO_THROW(inkan::store::WriteLock waiter(root(), milliseconds(5000)));
  release.join();
}

TEST_F(StoreLock, AKilledHolderLeavesNoLockBehind) {
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    inkan::store::WriteLock held(root(), milliseconds(1000));
    (void)!::write(ready[1], "x", 1);
    for (;;) ::pause();
  }
  char c = 0;
  ASSERT_EQ(::read(ready[0], &c, 1), 1);
  EXPECT_THROW(inkan::store::WriteLock busy(root(), milliseconds(100)), inkan::Error);
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  EXPECT_NO_THROW(inkan::store::WriteLock after(root(), milliseconds(1000)));
  ::close(ready[0]);
  ::close(ready[1]);
}

}  // namespace
