#!/usr/bin/env bash
# Removes what scripts/install-host.sh installed (the manifest, and the copied
# binary; a binary installed with --in-place is left where it is).
# usage: scripts/uninstall-host.sh [--system]      (DESTDIR=… as for install-host.sh)
set -euo pipefail
name=org.inkan.host
system=0
case "${1:-}" in
  --system) system=1 ;;
  "") ;;
  -h|--help) sed -n '2,4p' "$0"; exit 0 ;;
  *) echo "uninstall-host.sh: unknown option $1" >&2; exit 2 ;;
esac
if [ "$system" = 1 ]; then
  lib_dir=${DESTDIR:-}/usr/local/lib/inkan
  manifest_dir=${DESTDIR:-}/usr/lib/mozilla/native-messaging-hosts
else
  lib_dir=$HOME/.local/lib/inkan
  manifest_dir=$HOME/.mozilla/native-messaging-hosts
fi
rm -f "$manifest_dir/$name.json" "$lib_dir/inkan-host"
rmdir "$lib_dir" 2>/dev/null || true
echo "Removed $name from $manifest_dir"
