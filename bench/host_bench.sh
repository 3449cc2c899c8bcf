#!/usr/bin/env bash
# The native host against openssl cms, in one run on the same files: sign and
# encrypt 10 KB, 1 MB and 25 MB messages THROUGH inkan-host (host_client starts
# the host, uploads in 1 MiB frames, reads chunk frames back: what the add-on
# does), and with openssl cms. Reports medians, MB/s, ratios, peak RSS, and the
# host's own time split into engine time and protocol overhead (from its log).
# Then 100 MB for peak memory, asserted against a generous bound.
# usage: bench/host_bench.sh [BUILD_DIR]     SIZES="10k 1m 25m" RUNS=… RSS_BOUND_MIB=64
# Needs: hyperfine, GNU time, openssl; a release build with INKAN_BUILD_BENCH=ON:
#   cmake --preset release && cmake --build --preset release --target inkan-host host_client
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build/release}
host=$build/native-host/host/inkan-host
client=$build/bench/host_client
sizes=${SIZES:-"10k 1m 25m"}
bound=${RSS_BOUND_MIB:-64}
for tool in hyperfine openssl python3; do command -v "$tool" >/dev/null || { echo "missing $tool"; exit 2; }; done
[ -x /usr/bin/time ] || { echo "missing GNU time (apt-get install time)"; exit 2; }
[ -x "$host" ] && [ -x "$client" ] || { echo "build first: cmake --preset release && cmake --build --preset release --target inkan-host host_client"; exit 2; }

base=/dev/shm
[ -w "$base" ] || base=${TMPDIR:-/tmp}
work=$(mktemp -d "$base/inkan-host-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT
"$here/../tests/pki/make-pki.sh" "$work/pki" >/dev/null
pki=$work/pki

bytes_of() { case "$1" in *k) echo $(( ${1%k} * 1000 ));; *m) echo $(( ${1%m} * 1000 * 1000 ));; esac; }
make_message() {  # BYTES OUT: a text part and a base64 attachment of random bytes, CRLF
  {
    printf 'From: Alice <alice@example.org>\r\nTo: Bob <bob@example.net>\r\nSubject: host bench\r\n'
    printf 'Date: %s\r\nMIME-Version: 1.0\r\n' "$(date -R)"
    printf 'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b\r\n'
    printf 'Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n'
    head -c $(( $1 * 3 / 4 - 400 )) /dev/urandom | base64 -w 76 | sed 's/$/\r/'
    printf -- '--b--\r\n'
  } > "$2"
}
runs_for() { case "$1" in *k) echo 30;; 1m) echo 15;; *) echo 7;; esac; }
rss_kib() { /usr/bin/time -f %M "$@" >/dev/null 2>"$work/rss" || true; tail -n 1 "$work/rss"; }
# The host's own view, from its log: total ms of every request, and engine ms.
host_split() {  # LOGFILE -> "host_ms engine_ms"
  python3 - "$1" <<'PY'
import re, sys
total = engine = 0.0
for line in open(sys.argv[1]):
    m = re.search(r"engine_ms=([\d.]+) total_ms=([\d.]+)", line)
    if m:
        engine += float(m.group(1)); total += float(m.group(2))
print(f"{total:.1f} {engine:.1f}")
PY
}

printf '%-5s %-8s %-7s %9s %9s %8s %6s %9s %9s %8s %8s %8s %8s %8s\n' size op mode inkan_ms ossl_ms inkan_MBs ratio inkan_cpu ossl_cpu host_cpu host_ms engine host_MiB ossl_MiB
for size in $sizes; do
  n=$(bytes_of "$size")
  m=$work/m-$size.eml
  make_message "$n" "$m"
  actual=$(stat -c %s "$m")
  runs=$(runs_for "$size")
  for op in sign encrypt; do
    if [ "$op" = sign ]; then
      ossl="openssl cms -sign -md sha256 -binary -stream -in $m -signer $pki/alice.pem -inkey $pki/alice.key -out $work/o-ossl"
    else
      ossl="openssl cms -encrypt -aes256 -binary -stream -in $m -out $work/o-ossl $pki/bob.pem $pki/alice.pem"
    fi
    for mode in stream path; do
      [ "$mode" = path ] && [ "$size" != 25m ] && continue
      inkan="$client --host $host --op $op --in $m --out $work/o-inkan --pki $pki --mode $mode"
      hyperfine -N --runs "$runs" --warmup 2 --export-json "$work/h.json" "$inkan" "$ossl" >/dev/null 2>&1
      report=$(INKAN_HOST_LOG=/dev/null "$client" --host "$host" --op "$op" --in "$m" --out "$work/o-inkan" --pki "$pki" --mode "$mode" --report)
      [ -n "${shown:-}" ] || { echo "base64 codec in the host: $(echo "$report" | sed 's/.*"base64":"\([a-z0-9]*\)".*/\1/')"; shown=1; }
      host_rss=$(echo "$report" | sed 's/.*"host_peak_rss_kib":\([0-9]*\).*/\1/')
      host_cpu=$(echo "$report" | sed 's/.*"host_cpu_ms":\([0-9.]*\).*/\1/')
      rm -f "$work/log"
      INKAN_HOST_LOG=$work/log $inkan
      read -r host_ms engine_ms < <(host_split "$work/log")
      python3 - "$work/h.json" "$size" "$op" "$mode" "$actual" "$host_rss" "$(rss_kib $ossl)" "$host_ms" "$engine_ms" "$host_cpu" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
a, b = r[0]["median"] * 1000, r[1]["median"] * 1000
ca, cb = (r[0]["user"] + r[0]["system"]) * 1000, (r[1]["user"] + r[1]["system"]) * 1000
size, op, mode, n = sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
print(f"{size:<5} {op:<8} {mode:<7} {a:9.1f} {b:9.1f} {n / 1e6 / (a / 1000):8.0f} {a / b:6.2f} {ca:9.1f} {cb:9.1f} "
      f"{float(sys.argv[10]):8.1f} {float(sys.argv[8]):8.1f} {float(sys.argv[9]):8.1f} "
      f"{int(sys.argv[6]) / 1024:8.1f} {int(sys.argv[7]) / 1024:8.1f}")
PY
    done
  done
  rm -f "$m" "$work"/o-*
done
echo "mode stream: the message goes up in 1 MiB upload frames (inline below 1 MiB) and comes back in chunk frames;"
echo "path: the host reads and writes the files itself. inkan_ms (wall, median) includes starting the host, the client's"
echo "base64 and reassembly; *_cpu: user+system ms (inkan_cpu: client and host; host_cpu: the host alone);"
echo "host_ms: the host's own wall time for all requests (its log); engine: the part of it spent in the engine."
echo "ratio = inkan / openssl (median wall time). Load average now: $(cut -d' ' -f1-3 /proc/loadavg). Scratch: $base"

# Peak memory at 100 MB, through the protocol (uploads + chunks): bounded, whatever the message size.
m=$work/m-100m.eml
make_message 100000000 "$m"
status=0
for op in sign encrypt; do
  rss=$(INKAN_HOST_LOG=/dev/null "$client" --host "$host" --op "$op" --in "$m" --out "$work/o-inkan" --pki "$pki" --report |
        sed 's/.*"host_peak_rss_kib":\([0-9]*\).*/\1/')
  mib=$(( (rss + 1023) / 1024 ))
  verdict=ok
  [ "$mib" -le "$bound" ] || { verdict="OVER THE BOUND"; status=1; }
  echo "100m $op: inkan-host peak RSS $mib MiB (bound $bound MiB, target 16 MiB): $verdict"
done
exit $status
