#include "io/async_sink.h"

#include <algorithm>
#include <chrono>

#ifdef __linux__
#include <sched.h>
#endif

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace inkan::io {
namespace {

// A few buffers' work for either stage (32 KiB of AES-CBC, SHA-256 or base64
// and a write): a wait shorter than this ends by watching, a longer one sleeps.
constexpr auto kWatch = std::chrono::microseconds(150);

void relax() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#endif
}

// The CPU the calling thread runs on, -1 where the system does not say.
int current_cpu() {
#ifdef __linux__
  return ::sched_getcpu();
#else
  return -1;
#endif
}

// True once `done()` holds, false when kWatch passed first or when the side being
// waited for last ran on this CPU (`other_cpu`): watching would only keep it from
// running, so the watcher sleeps at once and the CPU is the other's (see the header).
template <class Done>
bool watch(const std::atomic<int>& other_cpu, Done done) {
  const auto until = std::chrono::steady_clock::now() + kWatch;
  for (;;) {
    for (int i = 0; i < 64; ++i) {
      if (done()) return true;
      relax();
    }
    if (std::chrono::steady_clock::now() >= until) return done();
    const int here = current_cpu();
    if (here >= 0 && here == other_cpu.load(std::memory_order_relaxed)) return done();
  }
}

}  // namespace

AsyncSink::AsyncSink(Sink& target, std::size_t buffer_bytes) : m_target(target), m_capacity(std::max<std::size_t>(buffer_bytes, 1)) {
  m_slots[0].reserve(m_capacity);
}

AsyncSink::~AsyncSink() {
  if (!m_thread.joinable()) return;
  {
    std::lock_guard lock(m_mutex);
    m_stop = true;
  }
  m_changed.notify_all();
  m_thread.join();
}

void AsyncSink::write(std::string_view bytes) {
  while (!bytes.empty()) {
    std::string& slot = m_slots[m_fill];
    const std::size_t take = std::min(bytes.size(), m_capacity - slot.size());
    slot.append(bytes.substr(0, take));
    bytes.remove_prefix(take);
    if (slot.size() == m_capacity) hand_over();
  }
}

void AsyncSink::flush() {
  if (!m_thread.joinable()) {  // never got a full buffer: no thread, no hand-over
    m_target.write(m_slots[m_fill]);
    m_slots[m_fill].clear();
  } else {
    if (!m_slots[m_fill].empty()) hand_over();
    wait_until_queued_below(1);
    throw_if_failed();
  }
  m_target.flush();
}

void AsyncSink::hand_over() {
  bool wake = false;
  {
    std::lock_guard lock(m_mutex);
    m_queued.fetch_add(1, std::memory_order_release);
    wake = m_thread_sleeps;
  }
  m_fill = (m_fill + 1) % kSlots;
  if (!m_thread.joinable()) {
    m_thread = std::thread([this] { run(); });
  } else if (wake) {
    m_changed.notify_all();
  }
  // The next slot is free once the thread holds fewer than all of them.
  wait_until_queued_below(kSlots);
  throw_if_failed();
  std::string& next = m_slots[m_fill];
  next.clear();
  if (next.capacity() < m_capacity) next.reserve(m_capacity);
}

void AsyncSink::wait_until_queued_below(std::size_t limit) {
  m_caller_cpu.store(current_cpu(), std::memory_order_relaxed);
  if (watch(m_thread_cpu, [this, limit] { return m_queued.load(std::memory_order_acquire) < limit; })) return;
  std::unique_lock lock(m_mutex);
  m_caller_waits_below = limit;
  m_changed.wait(lock, [this, limit] { return m_queued.load(std::memory_order_acquire) < limit; });
  m_caller_waits_below = 0;
}

void AsyncSink::throw_if_failed() {
  if (m_failed.load(std::memory_order_acquire)) std::rethrow_exception(m_error);  // every later call fails the same way
}

bool AsyncSink::wait_for_work() {
  const auto ready = [this] {
    return m_queued.load(std::memory_order_acquire) > 0 || m_stop.load(std::memory_order_acquire);
  };
  m_thread_cpu.store(current_cpu(), std::memory_order_relaxed);
  if (!watch(m_caller_cpu, ready)) {
    std::unique_lock lock(m_mutex);
    m_thread_sleeps = true;
    m_changed.wait(lock, ready);
    m_thread_sleeps = false;
  }
  return !m_stop.load(std::memory_order_acquire);  // stopping: what is queued was not flushed, so is dropped
}

void AsyncSink::run() {
  while (wait_for_work()) {
    if (!m_failed.load(std::memory_order_relaxed)) {
      try {
        m_target.write(m_slots[m_drain]);
      } catch (...) {
        m_error = std::current_exception();
        m_failed.store(true, std::memory_order_release);
      }
    }
    m_drain = (m_drain + 1) % kSlots;
    bool wake = false;
    {
      std::lock_guard lock(m_mutex);
      const std::size_t left = m_queued.fetch_sub(1, std::memory_order_acq_rel) - 1;
      wake = left < m_caller_waits_below;
    }
    if (wake) m_changed.notify_all();
  }
}

}  // namespace inkan::io
