#!/usr/bin/env bash
# The exit codes the CLI promises (native-host/cli/common.h, docs/cli.md, docs/errors.md):
# 0 ok, 1 verify not good, 2 usage, 3 input, 4 key/password/certificate, 5 decrypt,
# 6 output/internal; the error code named on stderr (and in --json on stdout); and
# nothing written when a command fails. The objects are made by OpenSSL where it matters.
source "$(dirname "$0")/lib.sh"
require_tools
cd "$WORK"

KEY=(--key "$PKI/alice.p12" --pass-env INKAN_TEST_PASS)
BOB=(--key "$PKI/bob.p12" --pass-env INKAN_TEST_PASS)

# expect_exit NAME CODE ERROR_CODE CMD...: CMD exits with CODE; a non-empty ERROR_CODE must
# appear as "[ERROR_CODE]" on stderr.
expect_exit() {
  local name=$1 want=$2 code=$3 rc=0
  shift 3
  "$@" >"$WORK/.out" 2>"$WORK/.err" || rc=$?
  if [ "$rc" -ne "$want" ]; then
    fail "$name (exit $rc, wanted $want)"
    show_log "$WORK/.err"
  elif [ -n "$code" ] && ! grep -qF "[$code]" "$WORK/.err"; then
    fail "$name (exit $rc, but stderr does not name $code)"
    show_log "$WORK/.err"
  else
    pass "$name (exit $rc${code:+ $code})"
  fi
}

plain_message msg.eml alice@example.org "Exit codes."
plain_message mallory.eml mallory@example.org "Not alice."
openssl cms -sign -in msg.eml -signer "$PKI/alice.pem" -inkey "$PKI/alice.key" -certfile "$PKI/sub.pem" -md sha256 \
  -out ossl-signed.raw
{ printf 'From: alice@example.org\nDate: %s\n' "$(rfc5322_now)"; cat ossl-signed.raw; } >ossl-signed.eml
sed 's/Exit codes/Exit kodes/' ossl-signed.eml >ossl-tampered.eml
openssl cms -encrypt -aes-256-gcm -in msg.eml -recip "$PKI/bob.pem" -out ossl-gcm.eml
openssl cms -encrypt -aes-256-gcm -binary -in msg.eml -recip "$PKI/bob.pem" -outform DER -out ossl-gcm.p7m
tamper_ct ossl-gcm.p7m ossl-gcm.bad.p7m 5 01
head -c 400 ossl-gcm.p7m >ossl-gcm.truncated.p7m
# An encrypted part below an unsigned top level: the EFAIL shape Inkan must refuse to decrypt.
{
  printf 'From: alice@example.org\r\nTo: bob@example.net\r\nDate: %s\r\nMIME-Version: 1.0\r\n' "$(rfc5322_now)"
  printf 'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nLook below.\r\n'
  printf -- '--b1\r\n'
  sed -n '/^Content-Type: application\/pkcs7-mime/,$p' ossl-gcm.eml | sed 's/\r$//; s/$/\r/'
  printf -- '--b1--\r\n'
} >efail.eml

# ---- 0 --------------------------------------------------------------------------------------
expect_exit "--version" 0 "" inkan --version
expect_exit "sign" 0 "" inkan sign "${KEY[@]}" -o signed.eml msg.eml
expect_exit "verify, good (an OpenSSL signature)" 0 "" inkan verify --trust "$PKI/root.pem" ossl-signed.eml
expect_exit "encrypt" 0 "" inkan encrypt --to "$PKI/bob.pem" "${KEY[@]}" -o enc.eml msg.eml
expect_exit "decrypt (an OpenSSL envelope)" 0 "" inkan decrypt "${BOB[@]}" ossl-gcm.eml
expect_exit "inspect" 0 "" inkan inspect ossl-signed.eml

# ---- 1: verify ran, the verdict is not good -----------------------------------------------
expect_exit "verify, tampered content" 1 "" inkan verify --trust "$PKI/root.pem" ossl-tampered.eml
expect_exit "verify, not signed" 1 "" inkan verify --trust "$PKI/root.pem" msg.eml
expect_exit "verify, untrusted root" 1 "" inkan verify --trust "$PKI/other-root.pem" ossl-signed.eml

# ---- 2: usage -------------------------------------------------------------------------------
expect_exit "no command" 2 "" inkan
expect_exit "unknown command" 2 "" inkan frobnicate
expect_exit "unknown option" 2 USAGE inkan sign --frobnicate "${KEY[@]}" msg.eml
expect_exit "sign --detached-file without --key or --identity" 2 USAGE inkan sign --detached-file msg.eml
# Without --to the message's To/Cc are looked up in the contacts; there are none here.
expect_exit "encrypt without --to, no contact for the To address" 4 NO_RECIPIENT_CERT inkan encrypt "${KEY[@]}" msg.eml
printf 'From: alice@example.org\r\nSubject: nobody\r\n\r\nText.\r\n' >no-recipients.eml
expect_exit "encrypt without --to, the message has no To or Cc" 2 USAGE inkan encrypt "${KEY[@]}" no-recipients.eml
expect_exit "unknown --cipher" 2 USAGE inkan encrypt --cipher des --to "$PKI/bob.pem" "${KEY[@]}" msg.eml
expect_exit "--detached-file with --opaque" 2 USAGE inkan sign --detached-file --opaque "${KEY[@]}" msg.eml
expect_exit "two password sources" 2 USAGE inkan sign --pass-file /dev/null "${KEY[@]}" msg.eml
expect_exit "unknown --digest" 2 USAGE inkan sign --digest whirlpool "${KEY[@]}" msg.eml

# ---- 3: input -------------------------------------------------------------------------------
expect_exit "verify, missing file" 3 FILE_NOT_FOUND inkan verify --trust "$PKI/root.pem" no-such-file.eml
expect_exit "decrypt, truncated CMS" 3 CMS_MALFORMED inkan decrypt "${BOB[@]}" ossl-gcm.truncated.p7m
rc=0
inkan verify --json --trust "$PKI/root.pem" no-such-file.eml >err.json 2>/dev/null || rc=$?
check "verify --json, missing file: exit 3" test "$rc" -eq 3
check "verify --json, missing file: error object naming FILE_NOT_FOUND on stdout" \
  perl -MJSON::PP -0777 -ne 'my $j = decode_json($_); exit !($j->{status} eq "error" && $j->{error}{code} eq "FILE_NOT_FOUND")' err.json
# inkan inspect must describe damaged CMS (exit 0) or refuse it (exit 3), never crash.
inspect_damaged() { local rc=0; inkan inspect ossl-gcm.truncated.p7m >/dev/null 2>&1 || rc=$?; [ "$rc" -eq 0 ] || [ "$rc" -eq 3 ]; }
check "inspect, truncated CMS: exit 0 or 3, no crash" inspect_damaged

# ---- 4: key, password, certificate -----------------------------------------------------------
# A certificate taken from someone's signed mail is only used when that signature is good:
# otherwise anyone could mail us "their" key (a signer under an untrusted root, or no --trust).
plain_message mallory-says.eml mallory@example.org "Write to me with this key."
inkan sign --key "$PKI/mallory.p12" --pass-env INKAN_TEST_PASS mallory-says.eml >mallory-signed.eml
plain_message bob-says.eml bob@example.net "Write to me with this key."
inkan sign "${BOB[@]}" bob-says.eml >bob-signed.eml
expect_exit "encrypt --to untrusted signed mail" 4 RECIPIENT_CERT_UNUSABLE \
  inkan encrypt --trust "$PKI/root.pem" --to mallory-signed.eml --key "$PKI/alice.p12" --pass-env INKAN_TEST_PASS msg.eml
expect_exit "encrypt --to signed mail without --trust" 4 RECIPIENT_CERT_UNUSABLE \
  inkan encrypt --to bob-signed.eml --key "$PKI/alice.p12" --pass-env INKAN_TEST_PASS msg.eml
expect_exit "encrypt --to a certificate outside --trust" 4 RECIPIENT_CERT_UNUSABLE \
  inkan encrypt --trust "$PKI/root.pem" --to "$PKI/mallory.pem" --key "$PKI/alice.p12" --pass-env INKAN_TEST_PASS msg.eml
export INKAN_WRONG_PASS=wrong
expect_exit "wrong password" 4 BAD_PASSWORD inkan sign --key "$PKI/alice.p12" --pass-env INKAN_WRONG_PASS msg.eml
expect_exit "password variable unset" 4 PASSWORD_REQUIRED inkan sign --key "$PKI/alice.p12" --pass-env INKAN_UNSET_VAR msg.eml
# No password option and no terminal (setsid drops the controlling tty): no prompt, no hang.
expect_exit "no password and no terminal" 4 PASSWORD_REQUIRED setsid -w "$INKAN_CLI" sign --key "$PKI/alice.p12" msg.eml </dev/null
expect_exit "From not in the certificate" 4 SIGNER_ADDRESS_MISMATCH inkan sign "${KEY[@]}" mallory.eml
expect_exit "expired signing certificate" 4 SIGNER_CERT_UNUSABLE \
  inkan sign --key "$PKI/expired.p12" --pass-env INKAN_TEST_PASS msg.eml
expect_exit "SHA-1 requested" 4 WEAK_ALGORITHM inkan sign --digest sha1 "${KEY[@]}" msg.eml
plain_message weak.eml weak@example.org "1024 bits."
expect_exit "RSA-1024 signing key" 4 WEAK_ALGORITHM inkan sign --key "$PKI/weak.p12" --pass-env INKAN_TEST_PASS weak.eml
expect_exit "key and certificate do not match" 4 KEY_CERT_MISMATCH \
  inkan sign --key "$PKI/alice.key" --cert "$PKI/bob.pem" msg.eml
expect_exit "recipient without keyEncipherment" 4 RECIPIENT_CERT_UNUSABLE \
  inkan encrypt --to "$PKI/signonly.pem" --no-self msg.eml
expect_exit "expired recipient" 4 RECIPIENT_CERT_UNUSABLE inkan encrypt --to "$PKI/expired.pem" --no-self msg.eml
# Without --key the key comes from the store; ctest's INKAN_HOME names one that does not exist.
expect_exit "sign without --key, no identity in the store" 4 NO_IDENTITY inkan sign msg.eml
expect_exit "decrypt without --key, no key in the store" 4 NO_IDENTITY inkan decrypt ossl-gcm.eml

# The executables do not load OpenSSL's error strings (ossl::skip_error_strings): an OpenSSL
# error in a detail is named by its code, and `openssl errstr` must spell that code out.
printf -- '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n' >broken.key
expect_exit "sign with a damaged PEM key" 4 KEY_LOAD_FAILED inkan sign --key broken.key --cert "$PKI/alice.pem" msg.eml
code=$(grep -oE 'openssl error [0-9A-F]{8}' "$WORK/.err" | head -n 1 | cut -d' ' -f3)
check "the damaged key's OpenSSL error is named by a code openssl errstr spells" \
  bash -c "[ -n '$code' ] && openssl errstr '$code' | grep -q ':[^:]*routines:'"

# ---- 5: cannot decrypt -------------------------------------------------------------------------
expect_exit "decrypt a signed, unencrypted message" 5 NOT_ENCRYPTED inkan decrypt "${BOB[@]}" ossl-signed.eml
expect_exit "decrypt with a key it was not encrypted to" 5 NO_MATCHING_RECIPIENT \
  inkan decrypt --key "$PKI/carol.p12" --pass-env INKAN_TEST_PASS ossl-gcm.eml
expect_exit "decrypt tampered AES-GCM" 5 DECRYPT_FAILED inkan decrypt "${BOB[@]}" -o out.eml ossl-gcm.bad.p7m
check "decrypt tampered AES-GCM: -o file not created" test ! -e out.eml
expect_exit "decrypt an encrypted part below the top level" 5 ENCRYPTED_PART_NOT_ROOT inkan decrypt "${BOB[@]}" efail.eml

# ---- 6: output ------------------------------------------------------------------------------------
expect_exit "output folder missing" 6 IO_WRITE_FAILED inkan sign "${KEY[@]}" -o "$WORK/no/such/dir/out.eml" msg.eml

finish
