// Trust anchors and lint: what loading Mozilla's roots from NSS's builtins module
// costs (done once per process, on first use), what a chain check costs with the
// full e-mail anchor set, and what linting one certificate costs.
#include "ossl/library.h"
#include "x509/lint.h"
#include "x509/nss_builtins.h"
#include "x509/trust.h"

#include <benchmark/benchmark.h>
#include <openssl/x509_vfy.h>

#include <ctime>

namespace {

const inkan::x509::BuiltinRoots& roots() {
  inkan::ossl::ensure_initialized();
  return inkan::x509::builtin_roots();
}

// dlopen, C_Initialize, reading ~160 certificates and trust objects, C_Finalize, dlclose.
void BM_LoadBuiltinRoots(benchmark::State& state) {
  const std::string module = roots().module_path;
  std::size_t n = 0;
  for (auto _ : state) n = inkan::x509::load_builtin_roots(module).roots.size();
  state.counters["roots"] = static_cast<double>(n);
}
BENCHMARK(BM_LoadBuiltinRoots)->Unit(benchmark::kMillisecond);

void BM_BuildTrustStoreFromBuiltins(benchmark::State& state) {
  for (auto _ : state) {
    inkan::x509::TrustStore store;
    benchmark::DoNotOptimize(inkan::x509::add_builtin_trust(store, roots()));
  }
}
BENCHMARK(BM_BuildTrustStoreFromBuiltins)->Unit(benchmark::kMicrosecond);

// A root checked as its own path: OpenSSL's verification plus the distrust and
// distrust-after lookups over every anchor.
void BM_ChainCheckWithAllAnchors(benchmark::State& state) {
  inkan::x509::TrustStore store;
  inkan::x509::add_builtin_trust(store, roots());
  X509* leaf = store.anchors().back().get();
  const auto now = static_cast<std::int64_t>(std::time(nullptr));
  for (auto _ : state) {
    benchmark::DoNotOptimize(store.check(leaf, {}, {}, now, X509_PURPOSE_SMIME_SIGN).ok);
  }
}
BENCHMARK(BM_ChainCheckWithAllAnchors)->Unit(benchmark::kMicrosecond);

void BM_LintOneCertificate(benchmark::State& state) {
  const auto& r = roots();
  X509* cert = r.roots.front().cert.get();
  inkan::x509::LintOptions options;
  options.at = static_cast<std::int64_t>(std::time(nullptr));
  for (auto _ : state) benchmark::DoNotOptimize(inkan::x509::lint(cert, {}, options).findings.size());
}
BENCHMARK(BM_LintOneCertificate)->Unit(benchmark::kMicrosecond);

}  // namespace
