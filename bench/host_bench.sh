#!/usr/bin/env bash
# The native host against the CLI and openssl cms, in one run on the same files:
# sign, verify, encrypt and decrypt THROUGH inkan-host in four ways (host_client
# starts the host as Thunderbird does), next to `inkan` on files and openssl cms:
#   stream        upload frames in (base64), chunk frames out (base64): the generic path
#   upload-spool  upload frames in, the result in a spool file: the add-on's fallback
#                 when it cannot write a temporary file (no Experiment)
#   path          {"path"} in and out: no base64 at all, the least the protocol can cost
#   warm          path, the host already running (the add-on keeps its port open between
#                 messages, extension/modules/host.mjs): one host, RUNS+1 requests in a row,
#                 the median from request to reply of all but the first; the cold rows above pay the host's start
#   addon         the add-on's path for messages above 256 KiB (extension/modules/host.mjs
#                 withInput; send.mjs, verdicts.mjs): the message copied to a 0600 temporary
#                 file (the Experiment's writeTempFile), {"path"} in, the result in a spool
#                 file (verify: no output), both files deleted; the copy is in the figures
# Host rows are timed by the client, from starting the host to its exit (what Thunderbird
# waits for; hyperfine's figure for the whole command, which adds the client's own
# process start, is the last column).
# Reports medians (wall and CPU), MB/s, peak RSS (the host's for host rows), and the
# host's own time split into engine time and the rest (from its log). Asserts the
# host's peak RSS at every size against RSS_BOUND_MIB.
# BUSY=N keeps N busy loops running through the measurement: the machine as it is
# while Thunderbird or a build holds a CPU (the engine's two threads then share one).
# usage: bench/host_bench.sh [BUILD_DIR]   SIZES="25m 100m" OPS="sign verify encrypt sign+enc decrypt"
#        MODES="stream upload-spool path warm addon" RUNS=… RSS_BOUND_MIB=16 BUSY=0
# Needs: hyperfine, GNU time, openssl, python3; a release build with INKAN_BUILD_BENCH=ON:
#   cmake --preset release && cmake --build --preset release --target inkan inkan-host host_client
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build/release}
host=$build/native-host/host/inkan-host
client=$build/bench/host_client
inkan=$build/native-host/inkan
sizes=${SIZES:-"25m 100m"}
ops=${OPS:-"sign verify encrypt sign+enc decrypt"}
modes=${MODES:-"stream upload-spool path warm addon"}
bound=${RSS_BOUND_MIB:-16}
for tool in hyperfine openssl python3; do command -v "$tool" >/dev/null || { echo "missing $tool"; exit 2; }; done
[ -x /usr/bin/time ] || { echo "missing GNU time (apt-get install time)"; exit 2; }
[ -x "$host" ] && [ -x "$client" ] && [ -x "$inkan" ] ||
  { echo "build first: cmake --preset release && cmake --build --preset release --target inkan inkan-host host_client"; exit 2; }

# Everything on tmpfs (no disk in the figures): messages, outputs, the host's uploads
# (TMPDIR) and its spool folder.
base=/dev/shm
[ -w "$base" ] || base=${TMPDIR:-/tmp}
work=$(mktemp -d "$base/inkan-host-bench-XXXXXX")
busy_pids=()
trap 'for p in "${busy_pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$work"' EXIT
for _ in $(seq "${BUSY:-0}"); do
  sh -c 'while :; do :; done' &
  busy_pids+=($!)
done
export TMPDIR=$work INKAN_HOST_SPOOL=$work/spool
"$here/../tests/pki/make-pki.sh" "$work/pki" >/dev/null
pki=$work/pki

bytes_of() { case "$1" in *k) echo $(( ${1%k} * 1000 ));; *m) echo $(( ${1%m} * 1000 * 1000 ));; esac; }
runs_for() { case "$1" in *k) echo 30;; 1m) echo 15;; 100m) echo 5;; *) echo 7;; esac; }
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

status=0
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg); scratch: $base; RSA-2048, AES-256-CBC; busy loops: ${BUSY:-0}"
printf '%-5s %-8s %-18s %9s %9s %7s %8s %9s %8s %8s %8s\n' size op tool wall_ms cpu_ms MB/s peak_MiB host_cpu host_ms engine cmd_ms
for size in $sizes; do
  n=$(bytes_of "$size")
  python3 "$here/make-messages.py" "$work/msgs" "$size" >/dev/null
  msg=$work/msgs/msg-$size.eml
  actual=$(stat -c %s "$msg")
  runs=$(runs_for "$size")
  # verify and decrypt read what inkan made, as in bench/run.sh
  "$inkan" sign --key "$pki/alice.key" --cert "$pki/alice-chain.pem" -o "$work/signed-$size.eml" "$msg"
  "$inkan" encrypt --to "$pki/bob.pem" --self "$pki/alice.pem" -o "$work/enc-$size.eml" "$msg"
  for op in $ops; do
    in=$msg
    case $op in verify) in=$work/signed-$size.eml ;; decrypt) in=$work/enc-$size.eml ;; esac
    names=() cmds=()
    for mode in $modes; do
      [ "$mode" = warm ] && continue  # timed by the client itself, below
      names+=("host:$mode")
      cmds+=("$client --host $host --op $op --in $in --out $work/o-host --pki $pki --mode $mode")
    done
    names+=(inkan openssl)
    case $op in
      sign) cmds+=("$inkan sign --key $pki/alice.key --cert $pki/alice-chain.pem -o $work/o-inkan $in"
                   "openssl cms -sign -md sha256 -binary -stream -in $in -signer $pki/alice.pem -inkey $pki/alice.key -out $work/o-ossl") ;;
      verify) cmds+=("$inkan verify --trust $pki/root.pem $in"
                     "openssl cms -verify -in $in -CAfile $pki/root.pem -purpose smimesign -out $work/o-ossl") ;;
      encrypt) cmds+=("$inkan encrypt --to $pki/bob.pem --self $pki/alice.pem -o $work/o-inkan $in"
                      "openssl cms -encrypt -aes256 -binary -stream -in $in -out $work/o-ossl $pki/bob.pem $pki/alice.pem") ;;
      # Signed, then encrypted (the add-on's message when it can encrypt); openssl in a pipe.
      sign+enc) cmds+=("$inkan encrypt --to $pki/bob.pem --key $pki/alice.key --cert $pki/alice-chain.pem -o $work/o-inkan $in"
                       "sh -c 'openssl cms -sign -md sha256 -binary -stream -in $in -signer $pki/alice.pem -inkey $pki/alice.key | openssl cms -encrypt -aes256 -binary -stream -out $work/o-ossl $pki/bob.pem $pki/alice.pem'") ;;
      decrypt) cmds+=("$inkan decrypt --key $pki/bob.key --cert $pki/bob.pem -o $work/o-inkan $in"
                      "openssl cms -decrypt -binary -in $in -recip $pki/bob.pem -inkey $pki/bob.key -out $work/o-ossl") ;;
    esac
    # openssl's verify reads the whole message into memory at 100 MB and takes seconds: fewer runs.
    hyperfine -N --runs "$runs" --warmup 1 --export-json "$work/h.json" "${cmds[@]}" >/dev/null 2>&1 ||
      { echo "$size $op: a command failed:"; for c in "${cmds[@]}"; do eval "$c" >/dev/null || echo "  FAILED: $c"; done; status=1; continue; }
    extra=()
    for i in "${!names[@]}"; do
      name=${names[$i]}
      if [[ $name == host:* ]]; then
        # What Thunderbird waits for: from starting the host to its exit, timed by the
        # client (its own process start, which Thunderbird does not pay, left out).
        spawn=()
        for _ in $(seq "$runs"); do
          report=$(INKAN_HOST_LOG=/dev/null ${cmds[$i]} --report)
          spawn+=("$(echo "$report" | sed 's/.*"wall_ms":\([0-9.]*\).*/\1/')")
        done
        spawn_ms=$(IFS=,; echo "${spawn[*]}")
        rss=$(echo "$report" | sed 's/.*"host_peak_rss_kib":\([0-9]*\).*/\1/')
        hcpu=$(echo "$report" | sed 's/.*"host_cpu_ms":\([0-9.]*\).*/\1/')
        rm -f "$work/log"
        INKAN_HOST_LOG=$work/log ${cmds[$i]}
        read -r hms ems < <(host_split "$work/log")
        mib=$(( (rss + 1023) / 1024 ))
        [ "$mib" -le "$bound" ] || { echo "$size $op $name: host peak RSS $mib MiB OVER THE BOUND ($bound MiB)"; status=1; }
      else
        rss=$(eval "rss_kib ${cmds[$i]}") hcpu=- hms=- ems=- spawn_ms=-  # eval: the sh -c command's quotes
      fi
      extra+=("$name|$rss|$hcpu|$hms|$ems|$spawn_ms")
    done
    python3 - "$work/h.json" "$size" "$op" "$actual" "${extra[@]}" <<'PY'
import json, statistics, sys
r = json.load(open(sys.argv[1]))["results"]
size, op, n = sys.argv[2], sys.argv[3], int(sys.argv[4])
for res, extra in zip(r, sys.argv[5:]):
    name, rss, hcpu, hms, ems, spawn = extra.split("|")
    cmd = res["median"] * 1000
    wall = cmd if spawn == "-" else statistics.median(float(t) for t in spawn.split(","))
    cpu = (res["user"] + res["system"]) * 1000
    print(f"{size:<5} {op:<8} {name:<18} {wall:9.1f} {cpu:9.1f} {n / 1e6 / (wall / 1000):7.0f} "
          f"{int(rss) / 1024:8.1f} {hcpu:>9} {hms:>8} {ems:>8} {cmd:8.1f}")
PY
    if [[ " $modes " == *" warm "* ]]; then
      report=$(INKAN_HOST_LOG=/dev/null "$client" --host "$host" --op "$op" --in "$in" --out "$work/o-host" --pki "$pki" \
               --mode warm --repeat "$((runs + 1))" --report) || { echo "$size $op host:warm: failed"; status=1; continue; }
      rss=$(echo "$report" | sed 's/.*"host_peak_rss_kib":\([0-9]*\).*/\1/')
      mib=$(( (rss + 1023) / 1024 ))
      [ "$mib" -le "$bound" ] || { echo "$size $op host:warm: host peak RSS $mib MiB OVER THE BOUND ($bound MiB)"; status=1; }
      python3 - "$report" "$size" "$op" "$actual" <<'PY'
import json, statistics, sys
r = json.loads(sys.argv[1])
size, op, n = sys.argv[2], sys.argv[3], int(sys.argv[4])
wall = statistics.median(r["warm_ms"][1:])  # the first request also waited for the host to start
print(f"{size:<5} {op:<8} {'host:warm':<18} {wall:9.1f} {'-':>9} {n / 1e6 / (wall / 1000):7.0f} "
      f"{r['host_peak_rss_kib'] / 1024:8.1f} {'-':>9} {'-':>8} {'-':>8} {'-':>8}")
PY
    fi
  done
  rm -f "$msg" "$work"/o-* "$work/signed-$size.eml" "$work/enc-$size.eml"
done
echo "host:MODE rows: wall_ms (median of the client's own timing) runs from starting the host to its exit, with"
echo "  the client's base64 and reassembly: what Thunderbird waits for; cmd_ms (hyperfine) adds the client's own"
echo "  process start and exit, which Thunderbird does not pay (MB/s from wall_ms);"
echo "host:warm: the median time from request to reply with the host already running (no start-up);"
echo "cpu_ms: user+system of the whole command (client and host for host rows); host_cpu: the host alone;"
echo "peak_MiB: the host's for host rows; host_ms: the host's own wall time for its requests (its log);"
echo "engine: the part of it spent in the engine. Load average now: $(cut -d' ' -f1-3 /proc/loadavg)."
exit $status
