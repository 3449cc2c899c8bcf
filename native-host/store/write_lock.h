// The store's one writer lock: an exclusive flock(2) on <root>/lock, held
// around every read-modify-write. Thunderbird may start several native hosts
// at once; the lock makes their writes take turns. Readers take no lock: every
// file they read is replaced whole by a rename. The kernel drops the lock when
// its holder dies, so a killed writer never leaves the store locked.
#pragma once

#include <chrono>
#include <filesystem>

namespace inkan::store {

class WriteLock {
public:
  /** Waits up to `wait` for the lock, then throws STORE_BUSY. Creates root (0700) if needed. */
  WriteLock(const std::filesystem::path& root, std::chrono::milliseconds wait);
  ~WriteLock();
  WriteLock(const WriteLock&) = delete;
  WriteLock& operator=(const WriteLock&) = delete;

private:
  int m_fd = -1;
};

}  // namespace inkan::store
