#!/usr/bin/env bash
# Packs extension/ into an installable XPI (a zip with manifest.json at its root).
# usage: scripts/pack-extension.sh [OUT.xpi]     (default: build/inkan.xpi)
# Install it in your own Thunderbird: Add-ons and Themes → ⚙ → Install Add-on From File.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$here/build/inkan.xpi}
mkdir -p "$(dirname "$out")"
python3 - "$here/extension" "$out" <<'PY'
import os, sys, zipfile
src, out = sys.argv[1], sys.argv[2]
tmp = out + ".tmp"
with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
    for root, dirs, files in os.walk(src):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or name == "README.md":
                continue
            full = os.path.join(root, name)
            z.write(full, os.path.relpath(full, src))
os.replace(tmp, out)
PY
echo "$out"
