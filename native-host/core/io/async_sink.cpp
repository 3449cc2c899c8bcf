#include "io/async_sink.h"

#include <algorithm>
#include <chrono>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace inkan::io {
namespace {

// About one buffer's work for either stage (64 KiB of AES-CBC, SHA-256 or base64
// and a write): a wait shorter than this ends by watching, a longer one sleeps.
constexpr auto kWatch = std::chrono::microseconds(150);

void relax() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#endif
}

// True once `done()` holds, false when kWatch passed first.
template <class Done>
bool watch(Done done) {
  const auto until = std::chrono::steady_clock::now() + kWatch;
  for (;;) {
    for (int i = 0; i < 64; ++i) {
      if (done()) return true;
      relax();
    }
    if (std::chrono::steady_clock::now() >= until) return done();
  }
}

}  // namespace

AsyncSink::AsyncSink(Sink& target, std::size_t buffer_bytes) : m_target(target), m_capacity(std::max<std::size_t>(buffer_bytes, 1)) {
  m_filling.reserve(m_capacity);
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
    const std::size_t take = std::min(bytes.size(), m_capacity - m_filling.size());
    m_filling.append(bytes.substr(0, take));
    bytes.remove_prefix(take);
    if (m_filling.size() == m_capacity) hand_over();
  }
}

void AsyncSink::flush() {
  if (!m_thread.joinable()) {  // never got a full buffer: no thread, no hand-over
    m_target.write(m_filling);
    m_filling.clear();
  } else {
    if (!m_filling.empty()) hand_over();
    wait_idle();
  }
  m_target.flush();
}

void AsyncSink::hand_over() {
  wait_idle();
  m_filling.swap(m_draining);  // the thread does not touch m_draining while it is idle
  bool wake = false;
  {
    std::lock_guard lock(m_mutex);
    m_busy = true;
    wake = m_thread_sleeps;
  }
  m_filling.clear();
  if (m_filling.capacity() < m_capacity) m_filling.reserve(m_capacity);
  if (!m_thread.joinable()) {
    m_thread = std::thread([this] { run(); });
  } else if (wake) {
    m_changed.notify_all();
  }
}

void AsyncSink::wait_idle() {
  if (!watch([this] { return !m_busy.load(std::memory_order_acquire); })) {
    std::unique_lock lock(m_mutex);
    m_caller_sleeps = true;
    m_changed.wait(lock, [this] { return !m_busy.load(); });
    m_caller_sleeps = false;
  }
  if (m_error) std::rethrow_exception(m_error);  // kept: every later call fails the same way
}

bool AsyncSink::wait_for_work() {
  if (!watch([this] { return m_busy.load(std::memory_order_acquire) || m_stop.load(std::memory_order_acquire); })) {
    std::unique_lock lock(m_mutex);
    m_thread_sleeps = true;
    m_changed.wait(lock, [this] { return m_busy.load() || m_stop.load(); });
    m_thread_sleeps = false;
  }
  return m_busy.load(std::memory_order_acquire);  // else: stopping with nothing to write
}

void AsyncSink::run() {
  for (;;) {
    if (!wait_for_work()) return;
    if (!m_error) {
      try {
        m_target.write(m_draining);
      } catch (...) {
        m_error = std::current_exception();  // published by the release below
      }
    }
    bool wake = false;
    {
      std::lock_guard lock(m_mutex);
      m_busy.store(false, std::memory_order_release);
      wake = m_caller_sleeps;
    }
    if (wake) m_changed.notify_all();
    if (m_stop) return;
  }
}

}  // namespace inkan::io
