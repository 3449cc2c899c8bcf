#include "io/async_sink.h"

#include <algorithm>

namespace inkan::io {

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
  {
    std::lock_guard lock(m_mutex);
    m_filling.swap(m_draining);
    m_busy = true;
  }
  m_filling.clear();
  if (m_filling.capacity() < m_capacity) m_filling.reserve(m_capacity);
  if (!m_thread.joinable()) {
    m_thread = std::thread([this] { run(); });
  } else {
    m_changed.notify_all();
  }
}

void AsyncSink::wait_idle() {
  std::unique_lock lock(m_mutex);
  m_changed.wait(lock, [this] { return !m_busy; });
  if (m_error) std::rethrow_exception(m_error);  // kept: every later call fails the same way
}

void AsyncSink::run() {
  std::unique_lock lock(m_mutex);
  for (;;) {
    m_changed.wait(lock, [this] { return m_busy || m_stop; });
    if (!m_busy) return;  // stopping with nothing to write
    if (!m_error) {
      lock.unlock();
      std::exception_ptr failed;
      try {
        m_target.write(m_draining);
      } catch (...) {
        failed = std::current_exception();
      }
      lock.lock();
      if (failed) m_error = failed;
    }
    m_busy = false;
    m_changed.notify_all();
    if (m_stop) return;
  }
}

}  // namespace inkan::io
