// A Sink that hands its bytes to another sink on a second thread, so that two
// stages of one pipeline run at once: signing hashes the message while the
// signed copy is written, encrypting runs the cipher while the ciphertext is
// base64-encoded and written, decrypting deciphers while the plaintext is
// written. Each stage alone is serial (SHA-256, AES-CBC), so a second core is
// the only way past "hash + write" on one.
#pragma once

#include "io/sink.h"

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <mutex>
#include <string>
#include <thread>

namespace inkan::io {

class AsyncSink final : public Sink {
public:
  /**
   * Bytes are gathered into buffers of `buffer_bytes` and handed over as each
   * fills; up to kSlots of them wait for the thread, so neither side waits on
   * the other's every buffer. The thread starts with the first full buffer, so
   * small messages never start one.
   */
  explicit AsyncSink(Sink& target, std::size_t buffer_bytes = kDefaultBuffer);
  /** Stops the thread; bytes not flushed are dropped (the operation failed). */
  ~AsyncSink() override;
  AsyncSink(const AsyncSink&) = delete;
  AsyncSink& operator=(const AsyncSink&) = delete;

  /** Throws the target's failure, if it has failed since the last call. */
  void write(std::string_view bytes) override;
  /**
   * Waits until every byte written has reached the target, then flushes it.
   * After flush() the caller may use the target directly until the next write.
   */
  void flush() override;

  /** The thread has buffers to work on now (a caller can fit other work into the wait). */
  bool busy() const { return m_queued.load(std::memory_order_acquire) > 0; }

  static constexpr std::size_t kDefaultBuffer = 32 << 10;  ///< 4 × 32 KiB: the memory two 64 KiB buffers took
  static constexpr std::size_t kSlots = 4;

private:
  void hand_over();
  void wait_until_queued_below(std::size_t limit);
  void throw_if_failed();
  bool wait_for_work();
  void run();

  Sink& m_target;
  std::size_t m_capacity;
  // A ring: the caller fills m_slots[m_fill]; the thread drains the m_queued
  // slots before it, oldest first, from m_slots[m_drain].
  std::array<std::string, kSlots> m_slots;
  std::size_t m_fill = 0;   ///< the caller's alone
  std::size_t m_drain = 0;  ///< the thread's alone
  // A hand-over that has to wake a sleeping thread costs a futex call and, on a
  // virtual machine, waking an idle vCPU: as much as a buffer's work or more.
  // With one buffer on each side, a side that once slept kept the other waiting
  // past its watch, and the two could fall into sleeping at every buffer (a cold
  // 25 MB verify: 23 ms at best, median 41–53). Queued slots let the side that
  // wakes the other go on working, so one sleep does not lead to the next (median
  // 27–29). Each side still watches for a while before it sleeps, and wakes the
  // other only when it sleeps (the two fields below, set under m_mutex).
  // But not when both run on one CPU: the scheduler sometimes starts the thread
  // beside the caller, or another program holds the second CPU; a watcher there
  // only keeps the other from running until its watch ends, at every buffer (a
  // cold 25 MB signature: up to 60 ms instead of 27, about one run in six; with a
  // busy loop on the other CPU, 103 ms instead of 42). Each side notes where it
  // runs at every buffer, and a side that would wait for one on its own CPU
  // sleeps at once.
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::atomic<std::size_t> m_queued{0};  ///< slots handed over and not yet drained
  std::atomic<bool> m_stop{false};
  std::atomic<bool> m_failed{false};  ///< m_error is set (published by this flag)
  std::size_t m_caller_waits_below = 0;  ///< the caller sleeps until m_queued is below this (0: awake)
  bool m_thread_sleeps = false;
  std::atomic<int> m_caller_cpu{-1};  ///< where each side last ran (sched_getcpu), -1 unknown
  std::atomic<int> m_thread_cpu{-1};
  std::exception_ptr m_error;
  std::thread m_thread;
};

}  // namespace inkan::io
