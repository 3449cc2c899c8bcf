#!/usr/bin/env bash
# Runs every test: unit, corpus, interop (openssl, NSS cmsutil, gpgsm), the
# add-on end to end in Thunderbird, and a short bounded libFuzzer run. Installs what the tests need first.
# usage: scripts/test.sh            (FUZZ_SECONDS=N to change the fuzzing time)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh test
# The extension linter, pinned by tests/e2e/package-lock.json.
(cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)

jobs=$(nproc 2>/dev/null || echo 2)
cmake --preset dev >/dev/null
cmake --build --preset dev -j "$jobs"
ctest --preset dev -j "$jobs"

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$jobs" --target fuzz_mime fuzz_verify fuzz_host fuzz_enrol
tests/fuzz/run.sh build/fuzz "${FUZZ_SECONDS:-30}"
echo "All tests passed."
