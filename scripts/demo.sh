#!/usr/bin/env bash
# The main job for a newcomer: installs dependencies, builds Inkan (the `inkan`
# command line and the native host `inkan-host`), registers the host for the
# current user, packs the add-on, and
#   - with a display: starts Thunderbird with the add-on in a separate demo
#     profile (your own profile is not touched);
#   - without one (or with --cli): shows the engine and the store at work on
#     the command line: import a key, sign, trust a CA, verify, catch tampering,
#     encrypt, decrypt, lint.
# usage: scripts/demo.sh [--cli]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

mode=auto
case "${1:-}" in
  --cli) mode=cli ;;
  "") ;;
  -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
  *) echo "usage: scripts/demo.sh [--cli]" >&2; exit 2 ;;
esac
if [ "$mode" = auto ]; then
  if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then mode=thunderbird; else mode=cli; fi
fi

if [ "$mode" = thunderbird ]; then scripts/install-deps.sh desktop; else scripts/install-deps.sh build; fi
cmake --preset release -DINKAN_BUILD_TESTS=OFF -DINKAN_BUILD_BENCH=OFF >/dev/null
cmake --build --preset release -j "$(nproc 2>/dev/null || echo 2)" --target inkan inkan-host
inkan=$root/build/release/native-host/inkan

echo "== Registering the native host for $(id -un) (scripts/install-host.sh)"
scripts/install-host.sh --host "$root/build/release/native-host/host/inkan-host"
xpi=$(scripts/pack-extension.sh "$root/build/inkan.xpi")
echo "== The add-on: $xpi (install it in your own Thunderbird: Add-ons and Themes → ⚙ → Install Add-on From File)"

if [ "$mode" = thunderbird ]; then
  profile=${XDG_STATE_HOME:-$HOME/.local/state}/inkan/demo-profile
  mkdir -p "$profile/extensions"
  cp "$xpi" "$profile/extensions/inkan@inkan.org.xpi"
  # Side-loaded add-ons are enabled without a prompt only when the profile allows it.
  cat > "$profile/user.js" <<'PREFS'
user_pref("extensions.autoDisableScopes", 0);
user_pref("extensions.enabledScopes", 15);
user_pref("xpinstall.signatures.required", false);
user_pref("mail.shell.checkDefaultClient", false);
PREFS
  tb=/usr/lib/thunderbird/thunderbird
  [ -x "$tb" ] || tb=$(command -v thunderbird)
  echo "== Starting Thunderbird with the Inkan add-on (demo profile: $profile)"
  echo "   Set up your mail account, then use the Inkan button in a compose window."
  exec "$tb" -profile "$profile" -no-remote
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "== No display: the command-line demo (the add-on and host are installed for later)"
echo "== Making a demo certificate authority with the openssl command line"
tests/pki/make-pki.sh "$work/pki" >/dev/null
export DEMO_PASSWORD=test
# A private store for the demo, so your own (~/.local/share/inkan) is not touched.
export INKAN_HOME=$work/store
cd "$work"
cat > message.eml <<'MSG'
From: Alice <alice@example.org>
To: Bob <bob@example.net>
Subject: =?UTF-8?B?5Y2w6ZGR44Gu44OH44Oi?= (Inkan demo)
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit

ボブさん、こんにちは。これは署名付きのメールです。
Hello Bob, this message is signed and then encrypted by Inkan.
MSG

step() { printf '\n== %s\n$ %s\n' "$1" "${*:2}"; "${@:2}"; }
step "Alice imports her key and certificate into her store" "$inkan" id import pki/alice.p12 --pass-env DEMO_PASSWORD
step "Her identities" "$inkan" id list
step "She signs; the key is chosen by the From address" "$inkan" sign -o signed.eml message.eml
step "Anyone who trusts the demo CA (a company CA, say) adds it once" "$inkan" trust add pki/root.pem --label "Demo CA"
step "and verifies (trust: Mozilla's e-mail roots + the demo CA)" "$inkan" verify signed.eml
printf '\n== The same verdict as JSON, the shape the add-on reads (certificates shortened here)\n'
"$inkan" verify --json signed.eml | sed 's/"pem":"[^"]*"/"pem":"…"/g'
# Change one character of the signed text (the first line of its base64 body).
awk '!done && length($0) > 40 && /^[A-Za-z0-9+\/]+\r?$/ { $0 = (substr($0,1,1) == "A" ? "B" : "A") substr($0,2); done = 1 } { print }' signed.eml > tampered.eml
printf '\n== One changed character in the body is caught\n'
"$inkan" verify tampered.eml || echo "(exit code $?: not a good signature)"
step "Alice signs and encrypts to Bob (and to herself, so her Sent copy stays readable)" "$inkan" encrypt --to pki/bob.pem -o encrypted.eml message.eml
step "Bob decrypts and verifies (in Japanese)" "$inkan" --lang ja verify --key pki/bob.p12 --pass-env DEMO_PASSWORD encrypted.eml
step "Bob's decrypted MIME entity" "$inkan" decrypt --key pki/bob.p12 --pass-env DEMO_PASSWORD -o decrypted.eml encrypted.eml
step "Its structure" "$inkan" inspect decrypted.eml
step "Would recipients' mail programs be happy with Alice's certificate?" "$inkan" lint pki/alice.pem --chain pki/sub.pem --chain pki/root.pem || true
echo
echo "Done. Try: $inkan --help"
