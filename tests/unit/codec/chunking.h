// Feeding streaming codecs in arbitrary pieces: every codec must give the
// same output whatever the chunk boundaries.
#pragma once

#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace inkan::test {

/** Splits `data` into pieces of random sizes in [1, max_piece] (deterministic for a seed). */
inline std::vector<std::string_view> random_pieces(std::string_view data, std::size_t max_piece, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<std::string_view> out;
  std::size_t pos = 0;
  while (pos < data.size()) {
    const std::size_t n = std::min(data.size() - pos, std::uniform_int_distribution<std::size_t>(1, max_piece)(rng));
    out.push_back(data.substr(pos, n));
    pos += n;
  }
  return out;
}

/** Runs codec.update over fixed-size pieces of `data`, then `finish`. */
template <typename Codec, typename Finish>
std::string feed(std::string_view data, std::size_t piece, Finish&& finish) {
  Codec codec;
  std::string out;
  for (std::size_t pos = 0; pos < data.size(); pos += piece) codec.update(data.substr(pos, piece), out);
  finish(codec, out);
  return out;
}

inline std::string random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string out(n, '\0');
  for (auto& c : out) c = static_cast<char>(std::uniform_int_distribution<int>(0, 255)(rng));
  return out;
}

}  // namespace inkan::test
