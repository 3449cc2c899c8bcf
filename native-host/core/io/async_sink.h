// A Sink that hands its bytes to another sink on a second thread, so that two
// stages of one pipeline run at once: signing hashes the message while the
// signed copy is written, encrypting runs the cipher while the ciphertext is
// base64-encoded and written. Each stage alone is serial (SHA-256, AES-CBC),
// so a second core is the only way past "hash + write" on one.
#pragma once

#include "io/sink.h"

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
   * Bytes are gathered into a buffer of `buffer_bytes` and handed over when it
   * is full (two buffers in all: one filling, one draining). The thread starts
   * with the first full buffer, so small messages never start one.
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

  /** The thread is at work on a buffer now (a caller can fit other work into the wait). */
  bool busy() const { return m_busy.load(std::memory_order_acquire); }

  static constexpr std::size_t kDefaultBuffer = 64 << 10;

private:
  void hand_over();
  void wait_idle();
  bool wait_for_work();
  void run();

  Sink& m_target;
  std::size_t m_capacity;
  std::string m_filling;   ///< the caller's side
  std::string m_draining;  ///< the thread's side while m_busy
  // A hand-over that had to wake a sleeping thread costs a futex call and, on a
  // virtual machine, waking an idle vCPU: as much as a buffer's work. Each side
  // therefore watches the flag for a buffer's time before it sleeps, and a side
  // wakes the other only when it sleeps (the flags below, set under m_mutex).
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::atomic<bool> m_busy{false};  ///< m_draining belongs to the thread
  std::atomic<bool> m_stop{false};
  bool m_caller_sleeps = false;
  bool m_thread_sleeps = false;
  std::exception_ptr m_error;
  std::thread m_thread;
};

}  // namespace inkan::io
