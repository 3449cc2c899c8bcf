# Sourced by bench/run.sh: the tools as command lines, and the measuring helper.
#
# A tool is a shell function `tool_NAME OP` that prints the command line for OP
# (sign, verify, encrypt, decrypt) from the globals below, or nothing when the
# tool cannot do OP. Commands run without a shell (hyperfine -N): no pipes, no
# redirections, no spaces in paths. Adding a column is adding a function and
# naming it in TOOLS.
#
# Globals set by run.sh for each (key type, size):
#   PKI     bench/make-pki.sh folder: root.pem, alice.{key,pem,p12}, bob.{key,pem,p12}
#   NSSDB   cmsutil's database      GHOME  gpgsm's home (bench/peers.sh)
#   MSG     the message (RFC 5322, CRLF)
#   SIGNED  MSG signed by inkan (multipart/signed)    P7S  detached DER signature of MSG's bytes
#   ENC     MSG encrypted by inkan (S/MIME, to bob and alice)    ENCDER  its EnvelopedData as DER
#   ENCGCM  the same with AES-256-GCM (AuthEnvelopedData)
#   OUT     a folder for outputs (on tmpfs)
#   INKAN, HOST, HOST_CLIENT   the binaries

# inkan: the CLI on files. PEM keys, the same files openssl reads.
tool_inkan() {
  case $1 in
    sign) echo "$INKAN sign --key $PKI/alice.key --cert $PKI/alice-chain.pem -o $OUT/inkan.sign $MSG" ;;
    verify) echo "$INKAN verify --trust $PKI/root.pem $SIGNED" ;;
    encrypt) echo "$INKAN encrypt --to $PKI/bob.pem --self $PKI/alice.pem -o $OUT/inkan.enc $MSG" ;;
    decrypt) echo "$INKAN decrypt --key $PKI/bob.key --cert $PKI/bob.pem -o $OUT/inkan.dec $ENC" ;;
  esac
}

# Variants, for reading the peers' figures like for like (not in the default TOOLS):
# inkan-p7s signs the file's bytes into a detached DER signature, what cmsutil and
# gpgsm write (no 25 MB message to write back); inkan-gcm encrypts with AES-256-GCM
# (AuthEnvelopedData), what Inkan uses when every recipient advertised it.
tool_inkan_p7s() {
  case $1 in
    sign) echo "$INKAN sign --detached-file --key $PKI/alice.key --cert $PKI/alice-chain.pem -o $OUT/inkan-p7s.sign $MSG" ;;
    verify) echo "$INKAN verify --trust $PKI/root.pem --content $MSG $P7S" ;;
  esac
}
tool_inkan_gcm() {
  case $1 in
    encrypt) echo "$INKAN encrypt --cipher aes256-gcm --to $PKI/bob.pem --self $PKI/alice.pem -o $OUT/inkan-gcm.enc $MSG" ;;
    decrypt) echo "$INKAN decrypt --key $PKI/bob.key --cert $PKI/bob.pem -o $OUT/inkan-gcm.dec $ENCGCM" ;;
  esac
}

# openssl cms in its fastest S/MIME modes (-binary -stream: it takes the input as
# canonical already), on the very files inkan reads and writes.
tool_openssl() {
  case $1 in
    sign) echo "openssl cms -sign -md sha256 -binary -stream -in $MSG -signer $PKI/alice.pem -inkey $PKI/alice.key -out $OUT/openssl.sign" ;;
    verify) echo "openssl cms -verify -in $SIGNED -CAfile $PKI/root.pem -purpose smimesign -out $OUT/openssl.ver" ;;
    encrypt) echo "openssl cms -encrypt -aes256 -binary -stream -in $MSG -out $OUT/openssl.enc $PKI/bob.pem $PKI/alice.pem" ;;
    decrypt) echo "openssl cms -decrypt -binary -in $ENC -recip $PKI/bob.pem -inkey $PKI/bob.key -out $OUT/openssl.dec" ;;
  esac
}

# NSS cmsutil (Thunderbird's library) on DER: a detached signature only, and the
# EnvelopedData without S/MIME around it. NSS picks AES-128-CBC for RSA-2048 recipients.
tool_cmsutil() {
  case $1 in
    sign) echo "cmsutil -S -T -G -P -N alice -H SHA256 -d sql:$NSSDB -i $MSG -o $OUT/cmsutil.sign" ;;
    verify) echo "cmsutil -D -d sql:$NSSDB -i $P7S -c $MSG -o $OUT/cmsutil.ver" ;;
    encrypt) echo "cmsutil -E -r bob@example.net,alice@example.org -d sql:$NSSDB -i $MSG -o $OUT/cmsutil.enc" ;;
    decrypt) echo "cmsutil -D -d sql:$NSSDB -i $ENCDER -o $OUT/cmsutil.dec" ;;
  esac
}

# gpgsm (keys in gpg-agent, a daemon that outlives each run: its time is in gpgsm's
# wall time, its memory is not in gpgsm's peak RSS). DER, detached signatures.
tool_gpgsm() {
  case $1 in
    sign) echo "gpgsm --homedir $GHOME --batch --yes --detach-sign -u alice@example.org -o $OUT/gpgsm.sign $MSG" ;;
    verify) echo "gpgsm --homedir $GHOME --batch --verify $P7S $MSG" ;;
    encrypt) echo "gpgsm --homedir $GHOME --batch --yes --cipher-algo AES256 --encrypt -r bob@example.net -r alice@example.org -o $OUT/gpgsm.enc $MSG" ;;
    decrypt) echo "gpgsm --homedir $GHOME --batch --yes --decrypt -o $OUT/gpgsm.dec $ENCDER" ;;
  esac
}

# inkan-host through its protocol (frames, JSON, chunking), driven by the host's own
# bench client, which starts the host per request as Thunderbird may. Present only
# when both are built (cmake --build --preset release --target inkan-host host_client);
# HOST_OPS lists the operations the client speaks.
tool_host() { host_command "$1" stream; }
# The add-on's fallback for sign and encrypt when it cannot write a temporary file:
# the message uploaded in frames, the result written to a spool file (no chunk frames back).
tool_host_spool() { host_command "$1" upload-spool; }
# Files both ways ({"path"} in and out): no base64 at all, the least the protocol costs.
tool_host_path() { host_command "$1" path; }
# The add-on's path for large messages (extension/modules/host.mjs withInput): a copy in a
# 0600 temporary file read by path, the result in a spool file, both deleted afterwards.
tool_host_addon() { host_command "$1" addon; }
host_command() {  # OP MODE
  [ -x "${HOST:-}" ] && [ -x "${HOST_CLIENT:-}" ] || return 0
  case " ${HOST_OPS:-sign verify encrypt decrypt} " in *" $1 "*) ;; *) return 0 ;; esac
  local input=$MSG
  case $1 in verify) input=$SIGNED ;; decrypt) input=$ENC ;; esac
  echo "$HOST_CLIENT --host $HOST --op $1 --in $input --out $OUT/host-$2.$1 --pki $PKI --mode $2"
}

# The machine's floors on the same files, for reference (op "floor"): reading and
# hashing (SHA-256), reading and writing (a copy), reading, encrypting and writing
# (AES-256-CBC). A signer cannot beat sha256 plus copy; an encryptor not aes-cbc.
tool_sha256() { [ "$1" = floor ] && echo "openssl dgst -sha256 -out $OUT/sha256.out $MSG"; return 0; }
tool_copy() { [ "$1" = floor ] && echo "cp $MSG $OUT/copy.out"; return 0; }
tool_aes_cbc() {
  [ "$1" = floor ] && echo "openssl enc -aes-256-cbc -K 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f -iv 000102030405060708090a0b0c0d0e0f -in $MSG -out $OUT/aes.out"
  return 0
}

runs_for() {  # SIZE_TAG -> hyperfine runs (performance-anchors.md: 30, 15, 7, 5)
  if [ -n "${RUNS:-}" ]; then echo "$RUNS"; return; fi
  case $1 in 10k) echo 30 ;; 1m) echo 15 ;; 25m | 8bit-25m) echo 7 ;; *) echo 5 ;; esac
}

# measure_group KEY SIZE OP BYTES TOOL...: every tool's command for OP, run back to back
# in one hyperfine invocation (1 warm-up, then the median of runs_for SIZE), then once
# under GNU time for peak RSS. A command that fails its first run gets a FAIL row
# (its stderr says why). Appends CSV rows to $CSV.
measure_group() {
  local key=$1 size=$2 op=$3 bytes=$4
  shift 4
  local names=() cmds=() tool cmd
  for tool in "$@"; do
    cmd=$("tool_${tool//-/_}" "$op")
    [ -n "$cmd" ] || continue
    # shellcheck disable=SC2086  # word splitting is the point: commands have no spaces inside words
    if ! $cmd >/dev/null 2>"$OUT/err"; then
      echo "$key,$size,$op,$tool,$bytes,0,,,,,,,,,\"FAIL: $(tail -n 2 "$OUT/err" | tr '\n",' '  ;' | cut -c1-160)\"" >>"$CSV"
      echo "  FAIL $tool $op $key $size: $(tail -n 1 "$OUT/err")" >&2
      continue
    fi
    names+=("$tool")
    cmds+=("$cmd")
  done
  [ ${#cmds[@]} -gt 0 ] || return 0
  local runs
  runs=$(runs_for "$size")
  hyperfine -N --style none --runs "$runs" --warmup 1 --export-json "$OUT/h.json" "${cmds[@]}" >/dev/null 2>&1
  local rss=() i
  for i in "${!cmds[@]}"; do
    if [ "${names[$i]}" = host ]; then
      # The host's own peak, which its client reads with wait4 (GNU time would report the larger of the two).
      # shellcheck disable=SC2086
      rss+=("$(${cmds[$i]} --report 2>/dev/null | sed -n 's/.*"host_peak_rss_kib":\([0-9]*\).*/\1/p')")
      continue
    fi
    # shellcheck disable=SC2086
    /usr/bin/time -f %M -o "$OUT/rss" ${cmds[$i]} >/dev/null 2>&1 || true
    rss+=("$(tail -n 1 "$OUT/rss")")
  done
  python3 - "$OUT/h.json" "$key" "$size" "$op" "$bytes" "$runs" "${names[*]}" "${rss[*]}" >>"$CSV" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
key, size, op, nbytes, runs = sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), sys.argv[6]
names, rss = sys.argv[7].split(), sys.argv[8].split()
for name, r, kib in zip(names, results, rss):
    med = r["median"]
    print(f'{key},{size},{op},{name},{nbytes},{runs},{med:.5f},{r["mean"]:.5f},{r["min"]:.5f},{r["max"]:.5f},'
          f'{r["user"]:.5f},{r["system"]:.5f},{kib},{nbytes / 1e6 / med:.1f},')
PY
  tail -n "${#cmds[@]}" "$CSV" | awk -F, '{ printf "  %-8s %-5s %-7s %-8s %9.1f ms %8s MB/s %7.1f MiB\n", $1, $2, $3, $4, $7 * 1000, $14, $13 / 1024 }'
}
