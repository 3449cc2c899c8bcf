#!/usr/bin/env bash
# Runs each libFuzzer target for a bounded time, seeded with committed seeds
# plus fresh S/MIME messages made by the openssl command line.
# usage: tests/fuzz/run.sh BUILD_DIR SECONDS
set -euo pipefail
build=${1:?usage: run.sh BUILD_DIR SECONDS}
seconds=${2:-30}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# fuzz_host may reach the enrolment ops, which write a store: never the user's.
export INKAN_HOME=$work/store

"$here/../pki/make-pki.sh" "$work/pki" >/dev/null
mkdir -p "$work/seeds"
cp "$here"/seeds/* "$work/seeds/"
pki=$work/pki
printf 'From: alice@example.org\r\nTo: bob@example.net\r\nSubject: seed\r\n\r\nhello\r\n' > "$work/plain.eml"
openssl cms -sign -in "$work/plain.eml" -signer "$pki/alice.pem" -inkey "$pki/alice.key" -certfile "$pki/sub.pem" -out "$work/seeds/ossl-signed.eml"
openssl cms -sign -nodetach -in "$work/plain.eml" -signer "$pki/carol.pem" -inkey "$pki/carol.key" -out "$work/seeds/ossl-opaque.eml"
openssl cms -encrypt -aes256 -in "$work/seeds/ossl-signed.eml" -out "$work/seeds/ossl-enveloped.eml" "$pki/bob.pem"
openssl cms -encrypt -aes-256-gcm -in "$work/plain.eml" -out "$work/seeds/ossl-gcm.eml" "$pki/bob.pem"

# fuzz_host reads native-messaging frames: seeds are framed requests, some carrying the messages above.
mkdir -p "$work/seeds-host"
python3 "$here/host_seeds.py" "$work/seeds" "$work/seeds-host"

status=0
for target in fuzz_mime fuzz_verify fuzz_host fuzz_enrol; do
  bin=$build/tests/fuzz/$target
  seeds=$work/seeds
  [ "$target" = fuzz_host ] && seeds=$work/seeds-host
  mkdir -p "$work/corpus-$target" "$work/artifacts-$target"
  echo "== $target for ${seconds}s"
  if ! "$bin" -max_total_time="$seconds" -max_len=262144 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$work/artifacts-$target/" "$work/corpus-$target" "$seeds" 2>"$work/$target.log"; then
    status=1
    grep -A30 -m1 "ERROR\|deadly\|timeout" "$work/$target.log" || tail -40 "$work/$target.log"
    for f in "$work/artifacts-$target"/*; do
      [ -f "$f" ] && { mkdir -p fuzz-artifacts; cp "$f" fuzz-artifacts/; echo "reproducer saved: fuzz-artifacts/$(basename "$f")"; }
    done
  fi
  grep -E "stat::number_of_executed_units|Done" "$work/$target.log" || true
done
exit $status
