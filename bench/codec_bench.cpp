// Throughput of the per-byte stages of sign/verify/encrypt/decrypt, next to
// memcpy and OpenSSL's SHA-256 as the physical yardsticks on this machine.
#include "mime/codec.h"
#include "ossl/library.h"

#include <benchmark/benchmark.h>
#include <openssl/evp.h>

#include <cstring>
#include <random>
#include <string>

namespace {

std::string random_bytes(std::size_t n) {
  std::mt19937_64 rng(8551);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

std::string text_lines(std::size_t n) {
  std::string s;
  while (s.size() < n) s += "The quick brown fox jumps over the lazy dog, signed and sealed.\r\n";
  s.resize(n);
  return s;
}

constexpr std::size_t kSize = 8 << 20;
constexpr std::size_t kChunk = 1 << 16;

template <typename Fn>
void chunked(benchmark::State& state, const std::string& in, Fn&& fn) {
  std::string out;
  for (auto _ : state) {
    out.clear();
    for (std::size_t i = 0; i < in.size(); i += kChunk) fn(std::string_view(in).substr(i, kChunk), out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(in.size()));
}

void Memcpy(benchmark::State& state) {
  const std::string in = random_bytes(kSize);
  std::string out(kSize, '\0');
  for (auto _ : state) {
    std::memcpy(out.data(), in.data(), kSize);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(kSize));
}

void Sha256(benchmark::State& state) {
  const std::string in = random_bytes(kSize);
  unsigned char md[32];
  for (auto _ : state) {
    unsigned int len = 0;
    EVP_Digest(in.data(), in.size(), md, &len, inkan::ossl::sha256(), nullptr);
    benchmark::DoNotOptimize(md);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(kSize));
}

void Base64Encode(benchmark::State& state) {
  inkan::mime::Base64Encoder enc;
  chunked(state, random_bytes(kSize), [&](std::string_view c, std::string& o) { enc.update(c, o); });
}

void Base64Decode(benchmark::State& state) {
  const std::string encoded = inkan::mime::base64_encode(random_bytes(kSize));
  std::string out;
  for (auto _ : state) {
    out.clear();
    inkan::mime::Base64Decoder dec;  // a decoder stops for good at the padding
    for (std::size_t i = 0; i < encoded.size(); i += kChunk) dec.update(std::string_view(encoded).substr(i, kChunk), out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(encoded.size()));
}

void QpEncodeText(benchmark::State& state) {
  inkan::mime::QpEncoder enc;
  chunked(state, text_lines(kSize), [&](std::string_view c, std::string& o) { enc.update(c, o); });
}

void CrlfCanonicalizeCrlfText(benchmark::State& state) {
  inkan::mime::CrlfCanonicalizer c;
  chunked(state, text_lines(kSize), [&](std::string_view in, std::string& o) { c.update(in, o); });
}

}  // namespace

BENCHMARK(Memcpy);
BENCHMARK(Sha256);
BENCHMARK(Base64Encode);
BENCHMARK(Base64Decode);
BENCHMARK(QpEncodeText);
BENCHMARK(CrlfCanonicalizeCrlfText);
