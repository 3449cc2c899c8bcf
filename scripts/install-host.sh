#!/usr/bin/env bash
# Installs inkan-host and its native-messaging manifest so Thunderbird can
# start it for the Inkan add-on (Linux). Re-running replaces both.
#
# usage: scripts/install-host.sh [--system] [--host BINARY] [--in-place]
#   (default)   for the current user: the binary goes to ~/.local/lib/inkan/,
#               the manifest to ~/.mozilla/native-messaging-hosts/
#   --system    for every user (as root): /usr/local/lib/inkan/ and
#               /usr/lib/mozilla/native-messaging-hosts/ (DESTDIR=… stages it elsewhere)
#   --host B    the binary to install (default: build/release, else build/dev)
#   --in-place  point the manifest at BINARY where it is instead of copying it
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
name=org.inkan.host
system=0 in_place=0 host=
while [ $# -gt 0 ]; do
  case "$1" in
    --system) system=1 ;;
    --in-place) in_place=1 ;;
    --host) host=${2:?--host needs a path}; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "install-host.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
if [ -z "$host" ]; then
  for b in "$here/build/release/native-host/host/inkan-host" "$here/build/dev/native-host/host/inkan-host"; do
    [ -x "$b" ] && { host=$b; break; }
  done
fi
[ -n "$host" ] && [ -x "$host" ] || {
  echo "install-host.sh: no inkan-host binary; build it (cmake --preset release && cmake --build --preset release) or pass --host" >&2
  exit 2
}
host=$(realpath "$host")

if [ "$system" = 1 ]; then
  lib_dir=/usr/local/lib/inkan
  manifest_dir=/usr/lib/mozilla/native-messaging-hosts
  stage=${DESTDIR:-}
else
  [ -n "${HOME:-}" ] || { echo "install-host.sh: HOME is not set" >&2; exit 2; }
  lib_dir=$HOME/.local/lib/inkan
  manifest_dir=$HOME/.mozilla/native-messaging-hosts
  stage=
fi

if [ "$in_place" = 1 ]; then
  target=$host
else
  target=$lib_dir/inkan-host
  install -d -m 0755 "$stage$lib_dir"
  # Copy to a temporary name and rename, so a running host is never overwritten in place.
  install -m 0755 "$host" "$stage$target.new"
  mv -f "$stage$target.new" "$stage$target"
fi
case "$target" in /*) ;; *) echo "install-host.sh: the host path must be absolute: $target" >&2; exit 2 ;; esac
case "$target" in *$'\n'*) echo "install-host.sh: the host path holds a line break" >&2; exit 2 ;; esac

install -d -m 0755 "$stage$manifest_dir"
manifest=$stage$manifest_dir/$name.json
# JSON-escape the path (backslashes and quotes) before putting it into the template.
escaped=$(printf '%s' "$target" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g')
# …then escape that for sed's replacement text (backslash, &, and the | delimiter).
replacement=$(printf '%s' "$escaped" | sed -e 's/[\\&|]/\\&/g')
sed "s|@INKAN_HOST_PATH@|$replacement|" "$here/manifests/linux/$name.json" > "$manifest.new"
chmod 0644 "$manifest.new"
mv -f "$manifest.new" "$manifest"
echo "Installed $name: manifest $manifest_dir/$name.json -> $target"
