#!/usr/bin/env bash
# End-to-end benchmark: inkan (and inkan-host, when built) against openssl cms,
# NSS cmsutil and gpgsm on the same messages, in one run: sign, verify, encrypt,
# decrypt at 10 KB, 1 MB, 25 MB and 100 MB for RSA-2048, RSA-4096 and P-256.
# Medians (hyperfine), MB/s, peak RSS (GNU time), inkan/peer ratios; CSV, a
# Markdown table and a PNG of time and memory against size; then how the cost
# grows with the number of recipients and of trust anchors.
#
# usage: bench/run.sh [BUILD_DIR]          (scripts/bench.sh installs what it needs first)
#   SIZES="10k 1m 25m 8bit-25m 100m"  ALGS="rsa2048 rsa4096 p256"  OPS="sign verify encrypt decrypt"
#   TOOLS="inkan openssl cmsutil gpgsm host" (also: inkan-p7s inkan-gcm host-spool host-path host-addon)  RUNS=N (all sizes)  SCALING=0
#   RECIPIENTS="1 10 100"  ANCHORS="1 100 1000 10000"  RESULTS=bench/results  BENCH_WORK=<cache folder>
# Needs: hyperfine, GNU time, openssl, libnss3-tools, gpgsm, gpg-agent, python3,
# python3-cryptography, gnuplot (scripts/install-deps.sh bench).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=$(cd "${1:-$root/build/release}" 2>/dev/null && pwd || echo "${1:-$root/build/release}")
SIZES=${SIZES:-"10k 1m 25m 8bit-25m 100m"}
ALGS=${ALGS:-"rsa2048 rsa4096 p256"}
OPS=${OPS:-"sign verify encrypt decrypt"}
TOOLS=${TOOLS:-"inkan openssl cmsutil gpgsm host"}
SCALING=${SCALING:-1}
RECIPIENTS=${RECIPIENTS:-"1 10 100"}
ANCHORS=${ANCHORS:-"1 100 1000 10000"}
RESULTS=${RESULTS:-$here/results}

for tool in hyperfine openssl cmsutil certutil pk12util gpgsm gpgconf python3 gnuplot; do
  command -v "$tool" >/dev/null || { echo "missing $tool: run scripts/install-deps.sh bench" >&2; exit 2; }
done
[ -x /usr/bin/time ] || { echo "missing GNU time: run scripts/install-deps.sh bench" >&2; exit 2; }
python3 -c "import cryptography" 2>/dev/null || { echo "missing python3-cryptography" >&2; exit 2; }

INKAN=$build/native-host/inkan
if [ ! -x "$INKAN" ]; then
  echo "building the release preset ..."
  (cd "$root" && cmake --preset release >/dev/null && cmake --build --preset release -j2 --target inkan)
fi
HOST=$build/native-host/host/inkan-host
HOST_CLIENT=$build/bench/host_client
export INKAN HOST HOST_CLIENT

# Scratch on tmpfs, so that no disk is in the figures; PKIs and peer databases are kept
# between runs (BENCH_WORK), messages are made anew (their Date must be current).
base=/dev/shm
[ -w "$base" ] || base=${TMPDIR:-/tmp}
work=${BENCH_WORK:-$base/inkan-bench}
mkdir -p "$work" "$RESULTS"
OUT=$(mktemp -d "$work/out-XXXXXX")
# The host's spool files and upload files on tmpfs too, like every other tool's output.
INKAN_HOST_SPOOL=$work/host-spool TMPDIR=$OUT
export OUT INKAN_HOST_SPOOL TMPDIR
homes=()
cleanup() {
  local h
  for h in "${homes[@]}"; do gpgconf --homedir "$h" --kill gpg-agent >/dev/null 2>&1 || true; done
  rm -rf "$OUT"
}
trap cleanup EXIT
# shellcheck source=bench/lib.sh
source "$here/lib.sh"

stamp=$(date -u +%Y-%m-%dT%H:%MZ)
CSV=$RESULTS/results.csv
echo "key,size,op,tool,bytes,runs,median_s,mean_s,min_s,max_s,user_s,system_s,rss_kib,mbps,note" >"$CSV"

{
  echo "date: $stamp"
  echo "cpu: $(lscpu | sed -n 's/^Model name: *//p') ($(nproc) CPUs; flags: $(grep -o -w -E 'aes|sha_ni|avx2|ssse3' /proc/cpuinfo | sort -u | tr '\n' ' '))"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "openssl: $(openssl version)"
  echo "nss: $(dpkg-query -W -f '${Version}' libnss3 2>/dev/null || echo '?')  gpgsm: $(gpgsm --version | head -n 1)"
  echo "inkan: $("$INKAN" --version) ($(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo '?'))"
  echo "tools: $TOOLS  sizes: $SIZES  keys: $ALGS"
} >"$RESULTS/machine.txt"
cat "$RESULTS/machine.txt"

echo "messages ..."
python3 "$here/make-messages.py" "$work/data" $SIZES >/dev/null
bytes_of() { stat -c %s "$work/data/msg-$1.eml"; }

for key in $ALGS; do
  PKI=$work/pki-$key
  NSSDB=$work/nss-$key
  GHOME=$work/gnupg-$key
  echo "PKI and peers for $key ..."
  "$here/make-pki.sh" "$key" "$PKI"
  "$here/peers.sh" "$PKI" "$NSSDB" "$GHOME"
  homes+=("$GHOME")
  export PKI NSSDB GHOME
  for size in $SIZES; do
    MSG=$work/data/msg-$size.eml
    SIGNED=$OUT/in-signed.eml
    P7S=$OUT/in.p7s
    ENC=$OUT/in-enc.eml
    ENCDER=$OUT/in-enc.der
    ENCGCM=$OUT/in-enc-gcm.eml
    export MSG SIGNED P7S ENC ENCDER ENCGCM
    # The inputs of verify and decrypt, made by inkan, read by every tool.
    "$INKAN" sign --key "$PKI/alice.key" --cert "$PKI/alice-chain.pem" -o "$SIGNED" "$MSG"
    "$INKAN" sign --detached-file --key "$PKI/alice.key" --cert "$PKI/alice-chain.pem" -o "$P7S" "$MSG"
    "$INKAN" encrypt --to "$PKI/bob.pem" --self "$PKI/alice.pem" -o "$ENC" "$MSG"
    case " $TOOLS " in *" inkan-gcm "*)
      "$INKAN" encrypt --cipher aes256-gcm --to "$PKI/bob.pem" --self "$PKI/alice.pem" -o "$ENCGCM" "$MSG" ;;
    esac
    python3 -c 'import base64, sys; d = open(sys.argv[1], "rb").read(); sys.stdout.buffer.write(base64.b64decode(b"".join(d.split(b"\r\n\r\n", 1)[1].split())))' \
      "$ENC" >"$ENCDER"
    for op in $OPS; do
      # shellcheck disable=SC2086
      measure_group "$key" "$size" "$op" "$(bytes_of "$size")" $TOOLS
    done
    [ "$key" = "${ALGS%% *}" ] && measure_group "$key" "$size" floor "$(bytes_of "$size")" sha256 copy aes-cbc
    rm -f "$OUT"/*
  done
done

if [ "$SCALING" = 1 ]; then
  key=${ALGS%% *}
  PKI=$work/pki-$key
  SCSV=$RESULTS/scaling.csv
  echo "curve,n,tool,median_s,user_s,system_s,rss_kib" >"$SCSV"
  MSG=$work/data/msg-1m.eml
  [ -f "$MSG" ] || python3 "$here/make-messages.py" "$work/data" 1m >/dev/null
  scale() {  # CURVE N TOOL CMD...
    local curve=$1 n=$2 tool=$3
    shift 3
    "$@" >/dev/null 2>"$OUT/err" || { echo "  FAIL $curve $n $tool: $(tail -n 1 "$OUT/err")" >&2; return 0; }
    hyperfine -N --style none --runs "${RUNS:-10}" --warmup 1 --export-json "$OUT/h.json" "$*" >/dev/null 2>&1
    /usr/bin/time -f %M -o "$OUT/rss" "$@" >/dev/null 2>&1 || true
    python3 -c 'import json, sys; r = json.load(open(sys.argv[1]))["results"][0]; print(",".join(sys.argv[2:5] + [f"{r[k]:.5f}" for k in ("median", "user", "system")] + [sys.argv[5]]))' \
      "$OUT/h.json" "$curve" "$n" "$tool" "$(tail -n 1 "$OUT/rss")" | tee -a "$SCSV"
  }
  echo "recipients (1 MB message, $key) ..."
  for n in $RECIPIENTS; do
    "$here/make-pki.sh" "$key" "$PKI" recipients "$n"
    scale recipients "$n" inkan "$INKAN" encrypt --to "$PKI/recipients-$n.pem" --self "$PKI/alice.pem" -o "$OUT/r.enc" "$MSG"
    mapfile -t certs < <(for i in $(seq 1 "$n"); do echo "$PKI/recipients/r$i.pem"; done)
    scale recipients "$n" openssl openssl cms -encrypt -aes256 -binary -stream -in "$MSG" -out "$OUT/r.ossl" \
      "${certs[@]}"
  done
  echo "trust anchors (verify a 1 MB signed message, $key) ..."
  "$INKAN" sign --key "$PKI/alice.key" --cert "$PKI/alice-chain.pem" -o "$OUT/a.eml" "$MSG"
  for n in $ANCHORS; do
    # n anchors: the real CA last, behind n-1 unrelated self-signed roots.
    anchors=$work/anchors-$key-$n.pem
    [ -s "$anchors" ] || python3 "$here/make-anchors.py" "$n" "$PKI/root.pem" "$anchors"
    scale anchors "$n" inkan "$INKAN" verify --trust "$anchors" "$OUT/a.eml"
    # openssl's X509_STORE re-sorts itself on every certificate added: beyond 1000 it takes minutes.
    [ "$n" -le 1000 ] && scale anchors "$n" openssl openssl cms -verify -in "$OUT/a.eml" -CAfile "$anchors" \
      -purpose smimesign -out "$OUT/a.out"
  done
fi

python3 "$here/report.py" "$RESULTS"
echo "results: $RESULTS (results.csv, table.md, plot.png, scaling.csv, scaling.png)"
