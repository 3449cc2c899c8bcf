#!/usr/bin/env bash
# Start-up of the native host, process start included, against `openssl cms -sign`:
# what a request costs when Thunderbird has just started inkan-host. Each case is one
# new `inkan-host --single` process answering one request:
#   hello                 the handshake (reads store.json, nothing else)
#   sign, store           a 10 KB message signed by the store identity of its From address
#                         (no passphrase: store.json, the identity files, the sealed key)
#   sign, key in request  the same with the unencrypted PEM key and certificate in the request
#   verify, store trust   the signed message judged by Mozilla's roots + the user's anchors
#                         (loads NSS's builtins module: the first verify of a session)
# and openssl cms -sign on the same file with the same unencrypted PEM key.
# Figures: instructions retired (valgrind --tool=callgrind; stable on a shared machine),
# the median wall time and the mean CPU time, user + system (hyperfine; wall time is
# noisy when the machine is busy, CPU time less so).
# usage: bench/host_startup.sh [BUILD_DIR]      RUNS=30
# Needs valgrind, hyperfine, openssl, python3; a release build:
#   cmake --preset release && cmake --build --preset release --target inkan-host
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build/release}
host=$build/native-host/host/inkan-host
runs=${RUNS:-30}
for tool in valgrind hyperfine openssl python3; do command -v "$tool" >/dev/null || { echo "missing $tool"; exit 2; }; done
[ -x "$host" ] || { echo "build first: cmake --preset release && cmake --build --preset release --target inkan-host"; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/inkan-startup-XXXXXX")
trap 'rm -rf "$work"' EXIT
"$here/../tests/pki/make-pki.sh" "$work/pki" >/dev/null
pki=$work/pki
export INKAN_HOME=$work/store INKAN_HOST_LOG=/dev/null
m=$work/m10k.eml
{
  printf 'From: Alice <alice@example.org>\r\nTo: Bob <bob@example.net>\r\nSubject: start-up bench\r\n'
  printf 'Date: %s\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n' "$(date -R)"
  head -c 7400 /dev/urandom | base64 -w 76 | sed 's/$/\r/'
} >"$m"
req() { printf '%s' "$2" >"$work/$1.json"; }
req import '{"id":1,"op":"identity.import","pkcs12":{"path":"'"$pki"'/alice.p12"},"password":"test"}'
"$host" --single <"$work/import.json" | grep -q '"ok":true' || { echo "import failed"; exit 1; }
req hello '{"id":1,"op":"hello"}'
req sign_store '{"id":1,"op":"sign","input":{"path":"'"$m"'"}}'
req sign_key '{"id":1,"op":"sign","key":{"pem":{"path":"'"$pki"'/alice.key"},"cert":{"path":"'"$pki"'/alice.pem"}},"input":{"path":"'"$m"'"}}'
openssl cms -sign -md sha256 -in "$m" -signer "$pki/alice.pem" -inkey "$pki/alice.key" -certfile "$pki/sub.pem" \
  -out "$work/signed.eml"
req verify_store '{"id":1,"op":"verify","input":{"path":"'"$work"'/signed.eml"}}'
for r in sign_store verify_store; do
  "$host" --single <"$work/$r.json" | grep -q '"ok":true' || { echo "$r failed"; "$host" --single <"$work/$r.json"; exit 1; }
done
ossl="openssl cms -sign -binary -stream -md sha256 -in $m -signer $pki/alice.pem -inkey $pki/alice.key -out $work/o-ossl"

instructions() {  # CMD...: instructions retired by the whole process
  valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" "$@" >/dev/null 2>"$work/vg.err" || true
  awk '/^(summary|totals):/ { print $2; exit }' "$work/cg.out"
}
times() {  # COMMAND: "median_wall_ms cpu_ms"
  hyperfine --runs "$runs" --warmup 3 --export-json "$work/h.json" "$1" >/dev/null 2>&1
  python3 -c 'import json,sys; r = json.load(open(sys.argv[1]))["results"][0]
print("%10.1f %10.1f" % (r["median"] * 1000, (r["user"] + r["system"]) * 1000))' "$work/h.json"
}

printf '%-24s %14s %10s %10s\n' case instructions wall_ms cpu_ms
for r in hello sign_store sign_key verify_store; do
  ir=$(instructions "$host" --single <"$work/$r.json")
  printf '%-24s %14s %s\n' "inkan-host $r" "$ir" "$(times "$host --single < $work/$r.json")"
done
# shellcheck disable=SC2086
printf '%-24s %14s %s\n' "openssl cms -sign" "$(instructions $ossl)" "$(times "$ossl")"
echo "Each inkan-host case is a new process answering one --single request (store without a passphrase,"
echo "one identity). openssl: -binary -stream, SHA-256, the same unencrypted PEM key, no chain."
echo "Load average now: $(cut -d' ' -f1-3 /proc/loadavg)."
