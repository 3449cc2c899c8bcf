// A Sink for tests of the pipeline stages (io::AsyncSink, io::AsyncLanes): it keeps
// what it was given and which threads gave it, and can fail on a chosen write.
#pragma once

#include "error.h"
#include "io/sink.h"

#include <random>
#include <set>
#include <string>
#include <thread>

namespace inkan::test {

class RecordingSink final : public io::Sink {
public:
  void write(std::string_view bytes) override {
    if (++m_writes == m_fail_at) throw Error(Errc::io_write, "disk full (test)");
    m_bytes.append(bytes);
    m_threads.insert(std::this_thread::get_id());
  }
  void flush() override { ++m_flushes; }

  std::string m_bytes;
  std::set<std::thread::id> m_threads;
  int m_writes = 0;
  int m_fail_at = -1;  ///< the write (counted from 1) that throws IO_WRITE_FAILED
  int m_flushes = 0;
};

inline std::string random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

}  // namespace inkan::test
