#!/usr/bin/env bash
# Concurrent harvests: 8 `inkan contact harvest` processes start at once on a store whose
# contacts do not exist yet. Each harvests 3 rounds of messages signed with 2 certificates
# of its own, all for the SAME address, and one message for an address of its own. Nothing
# may be lost: every certificate ends in that address's history, seen exactly 3 times (a
# lost read-modify-write would lose a sighting), every writer's own contact is there, every
# file parses, and no temporary file is left.
source "$(dirname "$0")/lib.sh"
cd "$WORK"
export INKAN_HOME=$WORK/store
WRITERS=8
ROUNDS=3
SHARED=shared@example.org

"$INKAN_CLI" trust add "$PKI/root.pem" >/dev/null
for w in $(seq 1 $WRITERS); do
  for c in 1 2; do make_contact_cert "w$w-c$c" "$SHARED"; done
  make_contact_cert "own$w" "own$w@example.org"
  for r in $(seq 1 $ROUNDS); do
    for c in 1 2; do signed_mail "w$w-c$c" "$SHARED" "w$w-c$c-r$r@example.org" "mail-w$w-c$c-r$r.eml"; done
  done
  signed_mail "own$w" "own$w@example.org" "own$w@example.org" "mail-own$w.eml"
done
fingerprints ./w*-c*.crt ./own*.crt

writer() {  # W: its harvests one after another; a line per result
  local w=$1 r c rc
  for r in $(seq 1 $ROUNDS); do
    for c in 1 2; do
      rc=0
      "$INKAN_CLI" contact harvest "mail-w$w-c$c-r$r.eml" >/dev/null 2>"err-$w-$c-$r" || rc=$?
      echo "$rc w$w-c$c-r$r"
    done
  done
  rc=0
  "$INKAN_CLI" contact harvest "mail-own$w.eml" >/dev/null 2>"err-$w-own" || rc=$?
  echo "$rc own$w"
}
start=$(date +%s%N)
for w in $(seq 1 $WRITERS); do writer "$w" >"log-$w" & done
wait
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
echo "        $((WRITERS * (2 * ROUNDS + 1))) harvests by $WRITERS concurrent writers in ${elapsed_ms} ms"

failed=$(cat log-* | awk '$1 != 0' | wc -l)
check "every harvest succeeded" test "$failed" -eq 0
cat log-* | awk '$1 != 0' | head -3 | while read -r rc what; do echo "        $what: exit $rc"; done

for f in w*-c*.fp; do echo "$(cat "$f") $ROUNDS"; done | sort >want-shared
contact_history "$SHARED" >have-shared
check "every certificate of $SHARED is in its history, seen $ROUNDS times each ($(wc -l <want-shared) certificates)" \
  cmp want-shared have-shared
missing=0
for w in $(seq 1 $WRITERS); do
  grep -q "^$(cat "own$w.fp") 1$" <(contact_history "own$w@example.org") || missing=$((missing + 1))
done
check "every writer's own contact is there" test "$missing" -eq 0
"$INKAN_CLI" contact list --json >list.json
check "the list names $((WRITERS + 1)) contacts and no problem" perl -MJSON::PP -0777 -ne \
  'my $j = decode_json($_); exit !(@{$j->{contacts}} == '"$((WRITERS + 1))"' && !@{$j->{problems}})' list.json
check "every contact file parses (perl JSON::PP, openssl x509)" every_contact_parses "$INKAN_HOME"
check "no temporary files are left" test -z "$(find "$INKAN_HOME" -name '.tmp-*')"
finish
