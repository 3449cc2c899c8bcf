#!/usr/bin/env bash
# The benchmark in one command: installs what it needs, builds the release preset
# (the CLI, and the native host with its bench client where they exist), then runs
# bench/run.sh: inkan (and inkan-host) against openssl cms, NSS cmsutil and gpgsm,
# 10 KB to 100 MB, RSA-2048/4096 and P-256. Results: bench/results/ (table.md,
# results.csv, plot.png, scaling.png). Takes 20-40 minutes; for a quick look:
#   SIZES="10k 25m" ALGS=rsa2048 RUNS=5 SCALING=0 scripts/bench.sh
# usage: scripts/bench.sh          (every variable of bench/run.sh applies)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh bench
cmake --preset release >/dev/null
targets=(inkan)
for t in inkan-host host_client; do
  cmake --build --preset release --target help 2>/dev/null | grep -q "^$t:" && targets+=("$t")
done
cmake --build --preset release -j2 --target "${targets[@]}"
exec bench/run.sh build/release
