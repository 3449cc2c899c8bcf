#!/usr/bin/env bash
# The store through the native host, judged by the peers: identities imported with
# identity.import; a message signed (and one signed and encrypted) by `sign` and
# `encrypt` WITHOUT a key parameter, with the store identity of its From address,
# verified by openssl cms; PKCS#12 from identity.export (modern and legacy) read by
# openssl pkcs12 and imported by NSS pk12util (cmsutil then signs with the key, openssl
# verifies); identity.export_cert's DER byte-equal to `openssl x509 -outform DER`;
# a message openssl encrypted, decrypted by `decrypt` with the store's keys.
# Each request is one `inkan-host --single` process, as a fresh host start would be.
source "$(dirname "$0")/lib.sh"
require_tools
: "${INKAN_HOST:?INKAN_HOST must name the inkan-host binary (ctest sets it)}"
cd "$WORK"
export INKAN_HOME=$WORK/store EXPORT_PASS='Exp0rt pass, with spaces'

# host NAME JSON: one request through a fresh host; passes when the reply is ok.
host() {
  local name=$1 json=$2
  if printf '%s' "$json" | "$INKAN_HOST" --single >"$WORK/.reply" 2>"$WORK/.err" &&
    perl -MJSON::PP -0777 -ne 'my @l = split /\n/; exit(decode_json($l[-1])->{ok} ? 0 : 1)' "$WORK/.reply"; then
    pass "$name"
  else
    fail "$name"
    sed -n '1,3s/^/        /p' "$WORK/.reply"
    show_log "$WORK/.err"
  fi
}
public_key() { openssl pkey -pubout -in "$1" 2>/dev/null; }
quoted() { perl -MJSON::PP -e 'print JSON::PP->new->allow_nonref->encode($ARGV[0])' "$1"; }

host "identity.import alice.p12" '{"id":1,"op":"identity.import","pkcs12":{"path":"'"$PKI"'/alice.p12"},"password":"test"}'
host "identity.import bob.p12" '{"id":1,"op":"identity.import","pkcs12":{"path":"'"$PKI"'/bob.p12"},"password":"test"}'
host "identity.import split-sign.p12" '{"id":1,"op":"identity.import","pkcs12":{"path":"'"$PKI"'/split-sign.p12"},"password":"test"}'
host "identity.import split-enc key + chain (PEM)" \
  '{"id":1,"op":"identity.import","pem":{"path":"'"$PKI"'/split-enc.key"},"cert":{"path":"'"$PKI"'/split-enc-chain.pem"}}'

# ---- sign / encrypt with the store identity of From ------------------------------------------
plain_message alice-msg.eml alice@example.org "Signed by the store identity of the From address."
host "sign without key" '{"id":1,"op":"sign","input":{"path":"'"$WORK"'/alice-msg.eml"},"output":{"path":"'"$WORK"'/signed.eml"}}'
check "openssl cms -verify accepts it (root.pem only)" \
  openssl cms -verify -in signed.eml -CAfile "$PKI/root.pem" -purpose smimesign -out signed-content.txt
check "the signed content is the message's text" grep -q 'Signed by the store identity' signed-content.txt
host "sign opaque without key" \
  '{"id":1,"op":"sign","opaque":true,"input":{"path":"'"$WORK"'/alice-msg.eml"},"output":{"path":"'"$WORK"'/opaque.eml"}}'
check "openssl cms -verify accepts the opaque form" \
  openssl cms -verify -in opaque.eml -CAfile "$PKI/root.pem" -purpose smimesign -out /dev/null
host "encrypt without key (signs as From, copy for the sender)" \
  '{"id":1,"op":"encrypt","recipient_certs":[{"path":"'"$PKI"'/bob.pem"}],"input":{"path":"'"$WORK"'/alice-msg.eml"},"output":{"path":"'"$WORK"'/enc.eml"}}'
check "openssl decrypts it as bob" openssl cms -decrypt -in enc.eml -recip "$PKI/bob.pem" -inkey "$PKI/bob.key" -out enc-bob.eml
check "openssl decrypts the sender's copy as alice" \
  openssl cms -decrypt -in enc.eml -recip "$PKI/alice.pem" -inkey "$PKI/alice.key" -out /dev/null
check "the inner signature verifies in openssl" \
  openssl cms -verify -in enc-bob.eml -CAfile "$PKI/root.pem" -purpose smimesign -out /dev/null

# ---- decrypt with the store's keys ---------------------------------------------------------------
printf 'Content-Type: text/plain\r\n\r\nFor Bob, from openssl.\r\n' >for-bob.txt
openssl cms -encrypt -aes256 -in for-bob.txt -out for-bob.eml "$PKI/bob.pem"
host "decrypt openssl's message without key" \
  '{"id":1,"op":"decrypt","input":{"path":"'"$WORK"'/for-bob.eml"},"output":{"path":"'"$WORK"'/for-bob.out"}}'
same_bytes "the decrypted bytes are what openssl encrypted" for-bob.txt for-bob.out

# ---- identity.export -> openssl, NSS -------------------------------------------------------------
pw=$(quoted "$EXPORT_PASS")
host "identity.export modern" \
  '{"id":1,"op":"identity.export","identity":"alice@example.org","password":'"$pw"',"output":{"path":"'"$WORK"'/modern.p12"}}'
host "identity.export legacy" \
  '{"id":1,"op":"identity.export","identity":"alice@example.org","password":'"$pw"',"legacy":true,"output":{"path":"'"$WORK"'/legacy.p12"}}'
host "identity.export both split keys" \
  '{"id":1,"op":"identity.export","identity":"split@example.org","password":'"$pw"',"output":{"path":"'"$WORK"'/split.p12"}}'
openssl pkcs12 -in modern.p12 -passin env:EXPORT_PASS -info -noout >modern.info 2>&1 || true
check "openssl: modern keys in PBES2 AES-256-CBC / PBKDF2 hmacWithSHA256" \
  grep -q 'Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC' modern.info
check "openssl: modern MAC is SHA-256" grep -q 'MAC: sha256' modern.info
for form in modern legacy; do
  extra=()
  [ "$form" = legacy ] && extra=(-legacy)
  openssl pkcs12 -in "$form.p12" -passin env:EXPORT_PASS -nocerts -nodes "${extra[@]}" -out "$form-key.pem" 2>/dev/null || true
  check "openssl reads alice's key from the $form file" test "$(public_key "$form-key.pem")" = "$(public_key "$PKI/alice.key")"
  mkdir -p "nss-$form"
  certutil -N -d "sql:nss-$form" --empty-password
  check "pk12util imports the $form file" pk12util -d "sql:nss-$form" -i "$form.p12" -W "$EXPORT_PASS"
  check "certutil -K lists alice's key ($form)" bash -c "certutil -K -d 'sql:nss-$form' | grep -q alice@example.org"
  certutil -A -d "sql:nss-$form" -n "Inkan Test Root" -t ",C," -i "$PKI/root.pem"
  printf 'Signed by NSS with a key exported by the host.\n' >content.txt
  cmsutil -S -d "sql:nss-$form" -N alice@example.org -H SHA256 -T -i content.txt -o "nss-$form.p7s" >/dev/null 2>&1 || true
  check "NSS signs with the imported key ($form); openssl verifies" \
    openssl cms -verify -binary -inform DER -in "nss-$form.p7s" -content content.txt -CAfile "$PKI/root.pem" \
    -purpose smimesign -out /dev/null
done
reject "openssl refuses a wrong password" openssl pkcs12 -in modern.p12 -passin pass:wrong -noout
mkdir -p nss-split
certutil -N -d sql:nss-split --empty-password
check "pk12util imports both keys of the split file" pk12util -d sql:nss-split -i split.p12 -W "$EXPORT_PASS"
check "certutil -K lists two keys" test "$(certutil -K -d sql:nss-split 2>/dev/null | grep -c '^<')" -eq 2

# ---- identity.export_cert -----------------------------------------------------------------------
fp=$(openssl x509 -in "$PKI/alice.pem" -noout -fingerprint -sha256 | sed 's/.*=//; s/://g' | tr 'A-F' 'a-f')
host "identity.export_cert DER by fingerprint" \
  '{"id":1,"op":"identity.export_cert","identity":"'"$fp"'","format":"der","output":{"path":"'"$WORK"'/alice.cer"}}'
openssl x509 -in "$PKI/alice.pem" -outform DER -out alice-openssl.der
same_bytes "its DER is byte-equal to openssl x509 -outform DER" alice-openssl.der alice.cer
host "identity.export_cert PEM of bob's address" \
  '{"id":1,"op":"identity.export_cert","identity":"bob@example.net","output":{"path":"'"$WORK"'/bob.pem"}}'
openssl x509 -in "$PKI/bob.pem" -out bob-openssl.pem
same_bytes "its PEM is openssl's PEM of the certificate" bob-openssl.pem bob.pem
host "identity.export_cert of split@ gives the encryption certificate" \
  '{"id":1,"op":"identity.export_cert","identity":"split@example.org","format":"der","output":{"path":"'"$WORK"'/split.cer"}}'
openssl x509 -in "$PKI/split-enc.pem" -outform DER -out split-enc.der
same_bytes "it is split-enc.pem" split-enc.der split.cer

finish
