#!/usr/bin/env bash
# The main job for a newcomer: installs dependencies, builds Inkan and shows
# it at work on the command line: sign, verify, encrypt, decrypt a sample
# message (Japanese and English) and print the verdicts.
# (The Thunderbird add-on and native host arrive in later milestones.)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh build
cmake --preset release -DINKAN_BUILD_TESTS=OFF -DINKAN_BUILD_BENCH=OFF >/dev/null
cmake --build --preset release -j "$(nproc 2>/dev/null || echo 2)" --target inkan
inkan=$PWD/build/release/native-host/inkan

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "== Making a demo certificate authority with the openssl command line"
tests/pki/make-pki.sh "$work/pki" >/dev/null
export DEMO_PASSWORD=test
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
step "Alice signs the message" "$inkan" sign --key pki/alice.p12 --pass-env DEMO_PASSWORD -o signed.eml message.eml
step "Anyone verifies it (trusting the demo root)" "$inkan" verify --trust pki/root.pem signed.eml
printf '\n== The same verdict as JSON, the shape the add-on will read (certificates shortened here)\n'
"$inkan" verify --json --trust pki/root.pem signed.eml | sed 's/"pem":"[^"]*"/"pem":"…"/g'
# Change one character of the signed text (the first line of its base64 body).
awk '!done && length($0) > 40 && /^[A-Za-z0-9+\/]+\r?$/ { $0 = (substr($0,1,1) == "A" ? "B" : "A") substr($0,2); done = 1 } { print }' signed.eml > tampered.eml
printf '\n== One changed character in the body is caught\n'
"$inkan" verify --trust pki/root.pem tampered.eml || echo "(exit code $?: not a good signature)"
step "Alice signs and encrypts to Bob (and to herself)" "$inkan" encrypt --to pki/bob.pem --key pki/alice.p12 --pass-env DEMO_PASSWORD -o encrypted.eml message.eml
step "Bob decrypts and verifies" "$inkan" --lang ja verify --trust pki/root.pem --key pki/bob.p12 --pass-env DEMO_PASSWORD encrypted.eml
step "Bob decrypts to the MIME entity" "$inkan" decrypt --key pki/bob.p12 --pass-env DEMO_PASSWORD -o decrypted.eml encrypted.eml
step "Its structure" "$inkan" inspect decrypted.eml
echo
echo "Done. Try: $inkan --help"
