#!/usr/bin/env bash
# End-to-end benchmark: Inkan against openssl cms and NSS cmsutil on the same
# messages, in one run, reporting wall time, peak memory and Inkan/peer ratios.
# Verify and decrypt read the very same files (made by Inkan) on both sides.
# usage: bench/run.sh [BUILD_DIR]      SIZES="1 25 100" (MiB) RUNS=5
# Needs: hyperfine, GNU time, openssl, libnss3-tools (cmsutil, certutil, pk12util).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build/release}
inkan=$build/native-host/inkan
sizes=${SIZES:-"1 25 100"}
runs=${RUNS:-5}
for tool in hyperfine openssl cmsutil certutil pk12util; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install hyperfine libnss3-tools time)"; exit 2; }
done
[ -x /usr/bin/time ] || { echo "missing GNU time (apt-get install time)"; exit 2; }
[ -x "$inkan" ] || { echo "build first: cmake --preset release && cmake --build --preset release"; exit 2; }

# Scratch on tmpfs when possible, so the disk is not what we measure.
base=/dev/shm
[ -w "$base" ] || base=${TMPDIR:-/tmp}
work=$(mktemp -d "$base/inkan-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT
[ -n "${BENCH_DEBUG:-}" ] && set -x
"$here/../tests/pki/make-pki.sh" "$work/pki" >/dev/null
pki=$work/pki
export BENCH_PW=test

# NSS database with Alice's and Bob's keys.
mkdir -p "$work/nss"
certutil -N -d "sql:$work/nss" --empty-password
pk12util -d "sql:$work/nss" -i "$pki/alice.p12" -W test >/dev/null
pk12util -d "sql:$work/nss" -i "$pki/bob.p12" -W test >/dev/null
certutil -A -d "sql:$work/nss" -n root -t C,C,C -i "$pki/root.pem"
certutil -A -d "sql:$work/nss" -n sub -t ,, -i "$pki/sub.pem"

make_message() {  # MiB OUT: a text part and a base64 attachment of random bytes, CRLF
  {
    printf 'From: Alice <alice@example.org>\r\nTo: Bob <bob@example.net>\r\nSubject: bench %s MiB\r\n' "$1"
    printf 'Date: %s\r\nMIME-Version: 1.0\r\n' "$(date -R)"
    printf 'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b\r\n'
    printf 'Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n'
    head -c $(( $1 * 1024 * 1024 * 3 / 4 )) /dev/urandom | base64 -w 76 | sed 's/$/\r/'
    printf -- '--b--\r\n'
  } > "$2"
}

rss() { /usr/bin/time -f %M "$@" >/dev/null 2>"$work/rss" || true; tail -n 1 "$work/rss"; }

printf '%-8s %-10s %10s %10s %10s %8s %9s %9s\n' size operation inkan_ms peer_ms peer ratio inkan_MiB peer_MiB
report() {  # size op peer inkan-cmd peer-cmd
  local size=$1 op=$2 peer=$3 a=$4 b=$5
  hyperfine -N --runs "$runs" --warmup 1 --export-json "$work/h.json" "$a" "$b" >/dev/null 2>&1
  python3 - "$work/h.json" "$size" "$op" "$peer" "$(rss $a)" "$(rss $b)" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
a, b = r[0]["median"] * 1000, r[1]["median"] * 1000
print(f"{sys.argv[2]:<8} {sys.argv[3]:<10} {a:10.1f} {b:10.1f} {sys.argv[4]:>10} {a / b:8.2f} {int(sys.argv[5]) / 1024:9.1f} {int(sys.argv[6]) / 1024:9.1f}")
PY
}

for mib in $sizes; do
  m=$work/m$mib.eml
  make_message "$mib" "$m"
  "$inkan" sign --key "$pki/alice.p12" --pass-env BENCH_PW -o "$m.signed" "$m"
  "$inkan" encrypt --to "$pki/bob.pem" --key "$pki/alice.p12" --pass-env BENCH_PW --no-sign -o "$m.enc" "$m"

  report "${mib}M" sign openssl \
    "$inkan sign --key $pki/alice.p12 --pass-env BENCH_PW -o $work/o1 $m" \
    "openssl cms -sign -md sha256 -binary -stream -in $m -signer $pki/alice.pem -inkey $pki/alice.key -out $work/o2"
  report "${mib}M" verify openssl \
    "$inkan verify --trust $pki/root.pem $m.signed" \
    "openssl cms -verify -in $m.signed -CAfile $pki/root.pem -out /dev/null"
  report "${mib}M" encrypt openssl \
    "$inkan encrypt --to $pki/bob.pem --key $pki/alice.p12 --pass-env BENCH_PW --no-sign -o $work/o3 $m" \
    "openssl cms -encrypt -aes256 -binary -stream -in $m -out $work/o4 $pki/bob.pem $pki/alice.pem"
  report "${mib}M" decrypt openssl \
    "$inkan decrypt --key $pki/bob.p12 --pass-env BENCH_PW -o $work/o5 $m.enc" \
    "openssl cms -decrypt -binary -in $m.enc -recip $pki/bob.pem -inkey $pki/bob.key -out $work/o6"
  # NSS works on DER: the signature part and the enveloped body, decoded.
  "$inkan" sign --detached-file --key "$pki/alice.p12" --pass-env BENCH_PW -o "$m.p7s" "$m"
  report "${mib}M" sign-der cmsutil \
    "$inkan sign --detached-file --key $pki/alice.p12 --pass-env BENCH_PW -o $work/o7 $m" \
    "cmsutil -S -T -G -P -N alice -H SHA256 -d sql:$work/nss -i $m -o $work/o8"
  report "${mib}M" verify-der cmsutil \
    "$inkan verify --trust $pki/root.pem --content $m $m.p7s" \
    "cmsutil -D -d sql:$work/nss -i $m.p7s -c $m -o /dev/null"
  rm -f "$work"/o?
done
echo "ratio = inkan / peer (median wall time; below 1: Inkan is faster). Scratch: $base"
