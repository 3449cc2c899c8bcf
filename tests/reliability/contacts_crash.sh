#!/usr/bin/env bash
# Harvests killed with SIGKILL at random moments: `inkan contact harvest` of messages for a
# few addresses (new contacts, and new certificates for known ones) is started and killed
# after a random delay, over and over. After every kill the contacts list without a
# problem and every contact file parses; at the end every harvest whose command returned
# success is in the history, nothing half-written is visible to readers, and the next
# writer clears the debris.
source "$(dirname "$0")/lib.sh"
cd "$WORK"
export INKAN_HOME=$WORK/store
ROUNDS=60

"$INKAN_CLI" trust add "$PKI/root.pem" >/dev/null
for i in $(seq 1 $ROUNDS); do
  address="person$((i % 6))@example.org"
  make_contact_cert "c$i" "$address"
  signed_mail "c$i" "$address" "m$i@example.org" "mail-$i.eml"
  echo "$address" >"c$i.address"
done
fingerprints ./c*.crt

# run_killed DELAY_MS CMD...: runs CMD, SIGKILLs it after DELAY_MS; prints its exit status.
run_killed() {
  local delay=$1 pid rc=0
  shift
  "$@" >/dev/null 2>"$WORK/.err" &
  pid=$!
  sleep "$(printf '0.%03d' "$delay")"
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" || rc=$?
  echo "$rc"
}

# How long a harvest takes here (in a scratch store); the kill range follows what happens.
slowest=0
for n in 1 2 3; do
  make_contact_cert "scratch$n" "scratch@example.org"
  signed_mail "scratch$n" "scratch@example.org" "s$n@example.org" "scratch-$n.eml"
  start=$(date +%s%N)
  INKAN_HOME=$WORK/scratch "$INKAN_CLI" contact harvest "scratch-$n.eml" >/dev/null 2>&1 || true
  took=$((($(date +%s%N) - start) / 1000000))
  [ "$took" -gt "$slowest" ] && slowest=$took
done
span=$((slowest + 2))
echo "        a harvest takes up to ${slowest} ms here; kills land within 0-${span} ms"

killed=0
in_write=0
completed=0
broken=0
: >committed
for i in $(seq 1 $ROUNDS); do
  find "$INKAN_HOME" -name '.tmp-*' | sort >debris-before
  rc=$(run_killed $((RANDOM % span)) "$INKAN_CLI" contact harvest "mail-$i.eml")
  case $rc in
    0) completed=$((completed + 1)); echo "$i" >>committed; span=$((span * 9 / 10 + 1)) ;;
    137)
      span=$((span * 11 / 10 + 1))
      killed=$((killed + 1))
      find "$INKAN_HOME" -name '.tmp-*' | sort >debris-after
      [ -n "$(comm -13 debris-before debris-after)" ] && in_write=$((in_write + 1))
      ;;
    *) broken=$((broken + 1)); echo "        round $i: exit $rc: $(head -c 300 "$WORK/.err")" ;;
  esac
  # After every kill the contacts still list, with no damaged file.
  if ! "$INKAN_CLI" contact list --json >list.json 2>"$WORK/.err" ||
    ! perl -MJSON::PP -0777 -ne 'exit !!@{decode_json($_)->{problems}}' list.json; then
    broken=$((broken + 1))
    echo "        after round $i the contacts do not list cleanly: $(head -c 300 "$WORK/.err" list.json)"
  fi
done
echo "        $killed harvests killed midway ($in_write of them while writing a file), $completed finished before their kill"
check "no command failed other than by the kill, the contacts always listed cleanly" test "$broken" -eq 0
check "enough harvests were killed midway to mean something (>= 10)" test "$killed" -ge 10
check "every contact file parses (perl JSON::PP, openssl x509)" every_contact_parses "$INKAN_HOME"
missing=0
while read -r i; do
  contact_history "$(cat "c$i.address")" | grep -q "^$(cat "c$i.fp") " || { missing=$((missing + 1)); echo "        lost: harvest $i"; }
done <committed
check "every harvest whose command succeeded is in its contact's history ($(wc -l <committed))" test "$missing" -eq 0
stray=0
for a in $(seq 0 5); do
  while read -r fp _; do grep -qx "$fp" <(cat c*.fp) || stray=$((stray + 1)); done < <(contact_history "person$a@example.org")
done
check "nothing but harvested certificates is listed" test "$stray" -eq 0
debris=$(find "$INKAN_HOME" -name '.tmp-*' | wc -l)
echo "        $debris temporary files left by killed writers (invisible to readers)"
# The next writer of each contact's folder clears what killed writers left there; any
# other store writer clears every folder.
check "the next store writer clears the debris" "$INKAN_CLI" trust distrust "$PKI/other-root.pem"
check "no temporary files are left anywhere in the store" test -z "$(find "$INKAN_HOME" -name '.tmp-*')"
finish
