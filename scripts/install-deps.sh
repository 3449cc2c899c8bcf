#!/usr/bin/env bash
# Installs the Debian 12 packages Inkan needs. usage: install-deps.sh build|desktop|test|bench
#   build: to compile; desktop: build + Thunderbird (scripts/demo.sh with a display);
#   test: everything the tests use; bench: the peers and plotting for scripts/bench.sh
# Runs apt-get as root (directly, or through sudo); does nothing if all are present.
set -euo pipefail

build_pkgs=(g++ cmake ninja-build pkg-config libssl-dev openssl nlohmann-json3-dev libcurl4-openssl-dev libp11-kit-dev
            libarchive-dev)
# E2E: Thunderbird (+ its Japanese language pack), the SMTP sink's aiosmtpd,
# NSS tools; npm installs the extension linter (tests/e2e/package.json); faketime
# (libfaketime) lets openssl sign "in the past" for the "valid when signed" case.
# Enrolment: Debian's pebble (ACME server), dkimpy, python3-cryptography (the RFC 8823
# test CA), zip (Actalis-style archives made for the tests).
test_pkgs=("${build_pkgs[@]}" libgtest-dev libgmock-dev libnss3-tools gpgsm gpg-agent clang libclang-rt-14-dev perl
           thunderbird thunderbird-l10n-ja python3 python3-aiosmtpd pebble python3-dkim python3-cryptography zip
           faketime)
# Node.js may come from elsewhere (it bundles npm); only without npm ask Debian for both.
command -v npm >/dev/null 2>&1 || test_pkgs+=(nodejs npm)
# bench/run.sh: the peers, hyperfine and GNU time to measure them, python3 for the report
# (python3-cryptography writes gpg-agent keys), gnuplot for the plots, libbenchmark for codec_bench.
bench_pkgs=("${build_pkgs[@]}" libgtest-dev libgmock-dev libbenchmark-dev libnss3-tools gpgsm gpg-agent hyperfine time
  python3 python3-cryptography gnuplot-nox)

case "${1:-build}" in
  build) wanted=("${build_pkgs[@]}") ;;
  desktop) wanted=("${build_pkgs[@]}" python3 thunderbird) ;;
  test) wanted=("${test_pkgs[@]}") ;;
  bench) wanted=("${bench_pkgs[@]}") ;;
  *) echo "usage: $0 build|desktop|test|bench" >&2; exit 2 ;;
esac

missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing: ${missing[*]}"
as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
