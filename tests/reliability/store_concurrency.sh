#!/usr/bin/env bash
# Concurrent writers: 8 `inkan` processes start at once on a store that does not exist
# yet and each makes 20 changes (identity imports and trust additions alternating), as
# several Thunderbird native hosts might. Afterwards every change is in the store,
# every file parses, every key opens, and nothing else is there.
source "$(dirname "$0")/lib.sh"
cd "$WORK"
export INKAN_HOME=$WORK/store
WRITERS=8
PER_WRITER=20

for w in $(seq 1 $WRITERS); do
  for i in $(seq 1 $PER_WRITER); do
    if [ $((i % 2)) -eq 1 ]; then make_identity "id-$w-$i" pem; else make_ca "ca-$w-$i"; fi
  done
done
fingerprints ./*.crt

writer() {  # W: its changes one after another; a line per result
  local w=$1 i rc
  for i in $(seq 1 $PER_WRITER); do
    rc=0
    if [ $((i % 2)) -eq 1 ]; then
      "$INKAN_CLI" id import "id-$w-$i.pem" >/dev/null 2>"err-$w-$i" || rc=$?
      echo "$rc identity id-$w-$i"
    else
      "$INKAN_CLI" trust add "ca-$w-$i.crt" >/dev/null 2>"err-$w-$i" || rc=$?
      echo "$rc anchor ca-$w-$i"
    fi
  done >"log-$w"
}
start=$(date +%s%N)
for w in $(seq 1 $WRITERS); do writer "$w" & done
wait
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
echo "        $((WRITERS * PER_WRITER)) changes by $WRITERS concurrent writers in ${elapsed_ms} ms"

failed=$(cat log-* | awk '$1 != 0' | wc -l)
check "every writer's every change succeeded" test "$failed" -eq 0
if [ "$failed" -ne 0 ]; then
  cat log-* | awk '$1 != 0' | head -5 | while read -r rc kind name; do
    echo "        $kind $name: exit $rc: $(head -c 200 "err-${name#*-}" 2>/dev/null)"
  done
fi

cat id-*.fp | sort >want-identities
cat ca-*.fp | sort >want-anchors
"$INKAN_CLI" id list --json >ids.json
"$INKAN_CLI" trust list --json >trust.json
json_fingerprints identities ids.json >have-identities 2>id-problems
json_fingerprints anchors trust.json >have-anchors 2>trust-problems
check "every imported identity is listed, nothing else" cmp want-identities have-identities
check "every added anchor is listed, nothing else" cmp want-anchors have-anchors
check "no identity file is reported unreadable" test ! -s id-problems
check "no trust file is reported unreadable" test ! -s trust-problems
check "every file parses (perl JSON::PP, openssl x509)" every_file_parses "$INKAN_HOME"
check "no temporary files are left" test -z "$(find "$INKAN_HOME" -name '.tmp-*')"
check "exactly one store.json" test "$(find "$INKAN_HOME" -maxdepth 1 -name 'store.json' | wc -l)" -eq 1
printf 'x\n' >content.txt
opened=0
for f in id-*.fp; do
  "$INKAN_CLI" sign --detached-file --identity "$(cat "$f")" content.txt >/dev/null 2>&1 && opened=$((opened + 1))
done
check "every stored key opens and signs ($opened of $((WRITERS * PER_WRITER / 2)))" test "$opened" -eq $((WRITERS * PER_WRITER / 2))
finish
