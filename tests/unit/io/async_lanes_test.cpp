// AsyncLanes carries two streams through one thread: each target must get its
// own bytes, all of them, in order, however the writes to the two interleave.
#include "error.h"
#include "io/async_lanes.h"
#include "support/recording_sink.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <thread>

namespace inkan::io {
namespace {

using test::random_bytes;
using test::RecordingSink;

TEST(AsyncLanes, EachTargetGetsItsOwnBytesInOrder) {
  // Buffers of 7 bytes put a boundary inside nearly every record's header; 32 KiB
  // buffers (the default) take pieces from one byte to several buffers long.
  for (const std::size_t buffer : {std::size_t{7}, AsyncSink::kDefaultBuffer}) {
    const std::size_t scale = buffer == 7 ? 1 : 40;
    const std::string first = random_bytes(30'000 * scale, 1);
    const std::string second = random_bytes(20'000 * scale, 2);
    RecordingSink a, b;
    {
      AsyncLanes lanes(a, b, buffer);
      std::mt19937 rng(7);
      std::size_t at_a = 0, at_b = 0;
      while (at_a < first.size() || at_b < second.size()) {
        const std::size_t n = rng() % 4 == 0 ? rng() % (5'000 * scale) : rng() % 40;
        if (rng() % 2 == 0 && at_a < first.size()) {
          const std::size_t take = std::min(n, first.size() - at_a);
          lanes.lane(0).write(std::string_view(first).substr(at_a, take));
          at_a += take;
        } else if (at_b < second.size()) {
          const std::size_t take = std::min(n, second.size() - at_b);
          lanes.lane(1).write(std::string_view(second).substr(at_b, take));
          at_b += take;
        }
      }
      lanes.lane(0).flush();
      // Flushing a lane waits for both; the targets themselves are their owner's to flush.
      EXPECT_EQ(a.m_bytes, first) << "buffer " << buffer;
      EXPECT_EQ(b.m_bytes, second) << "buffer " << buffer;
      EXPECT_EQ(a.m_flushes + b.m_flushes, 0);
    }
    // One thread wrote both, and not the caller.
    ASSERT_EQ(a.m_threads.size(), 1U);
    EXPECT_EQ(a.m_threads, b.m_threads);
    EXPECT_NE(*a.m_threads.begin(), std::this_thread::get_id());
  }
}

TEST(AsyncLanes, ATargetsFailureReachesTheCaller) {
  RecordingSink a, b;
  b.m_fail_at = 2;
  AsyncLanes lanes(a, b);
  const std::string data = random_bytes(1'000'000, 3);
  bool thrown = false;
  try {
    for (std::size_t at = 0; at < data.size(); at += 10'000) {
      lanes.lane(0).write(std::string_view(data).substr(at, 10'000));
      lanes.lane(1).write(std::string_view(data).substr(at, 10'000));
    }
    lanes.lane(1).flush();
  } catch (const Error& e) {
    thrown = true;
    EXPECT_EQ(e.code(), Errc::io_write);
  }
  EXPECT_TRUE(thrown);
  EXPECT_THROW(lanes.lane(0).flush(), Error);
}

}  // namespace
}  // namespace inkan::io
