#!/usr/bin/env bash
# Writers killed with SIGKILL at random moments: `inkan id import`, `inkan trust add` and
# `inkan store passwd` are started and killed after a random delay, over and over. After
# every kill the store must open; at the end every change whose command returned success
# is present and intact, nothing half-written is visible to readers, the next writer
# clears the debris, and the store passphrase is always exactly the old or the new one.
source "$(dirname "$0")/lib.sh"
cd "$WORK"
export INKAN_HOME=$WORK/store
ROUNDS=80

for i in $(seq 1 $ROUNDS); do
  if [ $((i % 2)) -eq 0 ]; then make_identity "id-$i"; else make_ca "ca-$i"; fi
done
make_identity id-1
fingerprints ./*.crt
printf 'x\n' >content.txt

# run_killed DELAY_MS CMD...: runs CMD, SIGKILLs it after DELAY_MS; prints its exit status
# (137 when the kill came first).
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

# How long a command takes here (the slower of 3 imports and 3 trust additions into a
# scratch store, whose first write also creates it); kills are spread over 0..that at first,
# then the range follows what happens (below).
slowest=0
for n in 1 2 3; do
  make_identity "scratch-id-$n"
  make_ca "scratch-ca-$n"
  for cmd in "id import scratch-id-$n.p12 --pass-env ITEM_PASS" "trust add scratch-ca-$n.crt"; do
    start=$(date +%s%N)
    # shellcheck disable=SC2086
    INKAN_HOME=$WORK/scratch "$INKAN_CLI" $cmd >/dev/null
    took=$((($(date +%s%N) - start) / 1000000))
    [ "$took" -gt "$slowest" ] && slowest=$took
  done
done
span=$((slowest + 2))
"$INKAN_CLI" id import id-1.p12 --pass-env ITEM_PASS >/dev/null
"$INKAN_CLI" trust add ca-1.crt >/dev/null
echo "1 identity" >committed
echo "1 anchor" >>committed
echo "        a write takes up to ${slowest} ms here; kills land within 0-${span} ms"

killed=0
in_write=0
completed=0
broken=0
for i in $(seq 2 $ROUNDS); do
  find "$INKAN_HOME" -name '.tmp-*' | sort >debris-before
  if [ $((i % 2)) -eq 0 ]; then
    rc=$(run_killed $((RANDOM % span)) "$INKAN_CLI" id import "id-$i.p12" --pass-env ITEM_PASS)
    kind=identity
  else
    rc=$(run_killed $((RANDOM % span)) "$INKAN_CLI" trust add "ca-$i.crt")
    kind=anchor
  fi
  # The machine's load changes while the test runs: aim the kills at about half of the
  # commands, so that some die midway and some just before or after their commit.
  case $rc in
    0) completed=$((completed + 1)); echo "$i $kind" >>committed; span=$((span * 9 / 10 + 1)) ;;
    137)
      span=$((span * 11 / 10 + 1))
      killed=$((killed + 1))
      echo "$i $kind" >>maybe
      # A new temporary file left behind means the kill came while a file was being written.
      find "$INKAN_HOME" -name '.tmp-*' | sort >debris-after
      [ -n "$(comm -13 debris-before debris-after)" ] && in_write=$((in_write + 1))
      ;;
    *) broken=$((broken + 1)); echo "        round $i ($kind): exit $rc: $(head -c 300 "$WORK/.err")" ;;
  esac
  # After every kill the store still opens for readers.
  if ! "$INKAN_CLI" id list --json >ids.json 2>"$WORK/.err" || ! "$INKAN_CLI" trust list --json >trust.json 2>>"$WORK/.err"; then
    broken=$((broken + 1))
    echo "        after round $i the store does not open: $(head -c 300 "$WORK/.err")"
  fi
done
echo "        $killed commands killed midway ($in_write of them while writing a file), $completed finished before their kill"
check "no command failed other than by the kill, the store always opened" test "$broken" -eq 0
check "enough commands were killed midway to mean something (>= 10)" test "$killed" -ge 10

json_fingerprints identities ids.json >have-identities 2>id-problems
json_fingerprints anchors trust.json >have-anchors 2>trust-problems
check "no file is reported unreadable" test ! -s id-problems -a ! -s trust-problems
missing=0
while read -r i kind; do
  if [ "$kind" = identity ]; then f=id-$i.fp; list=have-identities; else f=ca-$i.fp; list=have-anchors; fi
  grep -qx "$(cat "$f")" "$list" || { missing=$((missing + 1)); echo "        lost: $kind $i"; }
done <committed
check "every change whose command succeeded is there ($(wc -l <committed))" test "$missing" -eq 0
stray=0
for fp in $(cat have-identities have-anchors); do
  grep -qx "$fp" <(cat id-*.fp ca-*.fp) || stray=$((stray + 1))
done
check "nothing but attempted items is listed" test "$stray" -eq 0
check "every file parses (perl JSON::PP, openssl x509)" every_file_parses "$INKAN_HOME"
bad_keys=0
for fp in $(cat have-identities); do
  "$INKAN_CLI" sign --detached-file --identity "$fp" content.txt >/dev/null 2>&1 || bad_keys=$((bad_keys + 1))
done
check "every listed identity's key opens and signs ($(wc -l <have-identities))" test "$bad_keys" -eq 0
debris=$(find "$INKAN_HOME" -name '.tmp-*' | wc -l)
echo "        $debris temporary files left by killed writers (invisible to readers)"
check "the next writer clears the debris" "$INKAN_CLI" trust distrust "$(cat ca-1.fp)"
check "no temporary files are left anywhere in the store" test -z "$(find "$INKAN_HOME" -name '.tmp-*')"

# ---- the passphrase: killed changes leave exactly the old or the new one -----------------------
export PASS_A=first-passphrase PASS_B=second-passphrase
check "set a passphrase" "$INKAN_CLI" store passwd --new-pass-env PASS_A
current=PASS_A
opens_with() { "$INKAN_CLI" sign --detached-file --identity "$(cat id-1.fp)" --store-pass-env "$1" content.txt >/dev/null 2>&1; }
start=$(date +%s%N)
opens_with PASS_A || true
unlock=$((($(date +%s%N) - start) / 1000000 + 1))
pw_span=$((unlock * 3 + 5))  # unwrap with the old passphrase, wrap with the new, write
pw_killed=0
pw_broken=0
for round in $(seq 1 12); do
  next=$([ "$current" = PASS_A ] && echo PASS_B || echo PASS_A)
  rc=$(run_killed $((RANDOM % pw_span)) "$INKAN_CLI" store passwd --store-pass-env "$current" --new-pass-env "$next")
  a=0; b=0
  opens_with "$current" && a=1
  opens_with "$next" && b=1
  if [ "$rc" -eq 0 ] && [ "$b" -eq 1 ] && [ "$a" -eq 0 ]; then
    current=$next
  elif [ "$rc" -eq 137 ] && [ $((a + b)) -eq 1 ]; then
    pw_killed=$((pw_killed + 1))
    [ "$b" -eq 1 ] && current=$next
  else
    pw_broken=$((pw_broken + 1))
    echo "        passwd round $round: exit $rc, old opens: $a, new opens: $b"
  fi
done
echo "        $pw_killed passphrase changes killed midway"
check "after every killed passphrase change exactly one passphrase opens the store" test "$pw_broken" -eq 0
check "a last passphrase change clears their debris" "$INKAN_CLI" store passwd --store-pass-env "$current" --remove
check "no temporary files are left anywhere in the store" test -z "$(find "$INKAN_HOME" -name '.tmp-*')"
finish
