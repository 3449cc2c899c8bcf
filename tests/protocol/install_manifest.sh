#!/usr/bin/env bash
# scripts/install-host.sh and uninstall-host.sh, per user and system-wide
# (staged with DESTDIR): the installed manifest is valid JSON with the right
# name, type, absolute path and allowed extension; the path it names is an
# executable inkan-host that answers hello over real framing; uninstall
# removes it all.  usage: install_manifest.sh HOST_BINARY
set -euo pipefail
host=${1:?usage: install_manifest.sh HOST_BINARY}
src=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
check() {  # manifest expected-path
  python3 - "$1" "$2" "$src/tests/protocol" <<'PY' || fail=1
import json, os, sys
sys.path.insert(0, sys.argv[3])
import hostclient
m = json.load(open(sys.argv[1]))
expect = {"name": "org.inkan.host", "type": "stdio", "allowed_extensions": ["inkan@inkan.org"], "path": sys.argv[2]}
for k, v in expect.items():
    assert m.get(k) == v, f"{sys.argv[1]}: {k} is {m.get(k)!r}, expected {v!r}"
assert os.path.isabs(m["path"]) and os.access(m["path"], os.X_OK), m["path"]
assert os.path.basename(sys.argv[1]) == m["name"] + ".json"
h = hostclient.Host(m["path"], args=[sys.argv[1], "inkan@inkan.org"])   # as Thunderbird starts it
h.send({"id": 1, "op": "hello", "protocol": 1})
reply, _ = h.read_reply()
assert reply["ok"] and reply["result"]["protocol"] == 1, reply
code, rest = h.finish()
assert code == 0 and not rest, (code, rest)
print(f"PASS {sys.argv[1]}")
PY
}

# Per user, copying the binary.
export HOME=$work/home
"$src/scripts/install-host.sh" --host "$host" >/dev/null
check "$HOME/.mozilla/native-messaging-hosts/org.inkan.host.json" "$HOME/.local/lib/inkan/inkan-host"
[ "$(stat -c %a "$HOME/.mozilla/native-messaging-hosts/org.inkan.host.json")" = 644 ] || { echo "FAIL manifest mode"; fail=1; }
"$src/scripts/uninstall-host.sh" >/dev/null
if [ -e "$HOME/.mozilla/native-messaging-hosts/org.inkan.host.json" ] || [ -e "$HOME/.local/lib/inkan/inkan-host" ]; then
  echo "FAIL uninstall left files behind"; fail=1
else
  echo "PASS per-user uninstall"
fi

# Per user, in place, from a folder whose name needs escaping in JSON.
odd="$work/odd \"dir\" & more"
mkdir -p "$odd"
cp "$host" "$odd/inkan-host"
"$src/scripts/install-host.sh" --in-place --host "$odd/inkan-host" >/dev/null
check "$HOME/.mozilla/native-messaging-hosts/org.inkan.host.json" "$odd/inkan-host"
"$src/scripts/uninstall-host.sh" >/dev/null
[ -x "$odd/inkan-host" ] || { echo "FAIL uninstall removed an in-place binary"; fail=1; }

# System-wide, staged under DESTDIR (the manifest names the final path).
DESTDIR=$work/stage "$src/scripts/install-host.sh" --system --host "$host" >/dev/null
m=$work/stage/usr/lib/mozilla/native-messaging-hosts/org.inkan.host.json
python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); assert m["path"]=="/usr/local/lib/inkan/inkan-host", m' "$m" \
  && echo "PASS system manifest $m" || fail=1
cmp -s "$host" "$work/stage/usr/local/lib/inkan/inkan-host" || { echo "FAIL system binary not installed"; fail=1; }
DESTDIR=$work/stage "$src/scripts/uninstall-host.sh" --system >/dev/null
[ ! -e "$m" ] || { echo "FAIL system uninstall left the manifest"; fail=1; }

# A relative --host is made absolute; a missing binary is refused.
if "$src/scripts/install-host.sh" --host "$work/nothing-here" >/dev/null 2>&1; then echo "FAIL a missing binary was accepted"; fail=1; fi
exit $fail
