#!/usr/bin/env bash
# PKCS#12 between the store and the peers. `inkan id export` (modern: AES-256/PBKDF2,
# SHA-256 MAC; --legacy: 3DES, SHA-1 MAC) is read by OpenSSL, imported by NSS pk12util
# and by gpgsm, and each peer then signs with the key it imported, which openssl
# verifies. The other way: PKCS#12 written by openssl (modern and -legacy), by NSS
# `pk12util -o` and by gpgsm `--export-secret-key-p12` is imported by `inkan id
# import`, and Inkan signs with it from the store; openssl cms -verify judges.
source "$(dirname "$0")/lib.sh"
require_tools
cd "$WORK"

export INKAN_HOME=$WORK/store EXPORT_PASS='Exp0rt pass, with spaces'
plain_message alice-msg.eml alice@example.org "Signed by a key that went through PKCS#12."
printf 'Signed by a peer with a key exported by Inkan.\n' >content.txt

public_key() { openssl pkey -pubout -in "$1" 2>/dev/null; }

# same_key NAME P12 PASSWORD KEYFILE [openssl args]: the private key openssl finds in P12
# has the public key of KEYFILE.
same_key() {
  local name=$1 p12=$2 pw=$3 keyfile=$4
  shift 4
  if openssl pkcs12 -in "$p12" -passin "pass:$pw" -nocerts -nodes "$@" -out "$WORK/.key.pem" 2>"$WORK/.err" &&
    [ "$(public_key "$WORK/.key.pem")" = "$(public_key "$keyfile")" ]; then
    pass "$name"
  else
    fail "$name"
    show_log "$WORK/.err"
  fi
}

# openssl_verifies NAME SIGNED_MESSAGE: openssl cms -verify against root.pem only.
openssl_verifies() { check "$1" ossl_verify "$2" /dev/null; }

check "import alice.p12 (made by openssl) into the store" inkan id import "$PKI/alice.p12" --pass-env INKAN_TEST_PASS
check "import split-sign.p12" inkan id import "$PKI/split-sign.p12" --pass-env INKAN_TEST_PASS
check "import split-enc.p12" inkan id import "$PKI/split-enc.p12" --pass-env INKAN_TEST_PASS

# ---- inkan -> OpenSSL --------------------------------------------------------------------
check "export modern" inkan id export alice@example.org --out modern.p12 --pass-env EXPORT_PASS
check "export legacy" inkan id export alice@example.org --out legacy.p12 --pass-env EXPORT_PASS --legacy
check "export both split keys in one file" inkan id export split@example.org --out split.p12 --pass-env EXPORT_PASS
openssl pkcs12 -in modern.p12 -passin env:EXPORT_PASS -info -noout >modern.info 2>&1 || true
check "openssl: modern keys in PBES2 AES-256-CBC / PBKDF2 hmacWithSHA256" \
  grep -q 'Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 250000, PRF hmacWithSHA256' modern.info
check "openssl: modern certificates in PBES2 AES-256-CBC" \
  grep -q 'PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC, Iteration 250000, PRF hmacWithSHA256' modern.info
check "openssl: modern MAC is SHA-256" grep -q 'MAC: sha256, Iteration 250000' modern.info
openssl pkcs12 -in legacy.p12 -passin env:EXPORT_PASS -legacy -info -noout >legacy.info 2>&1 || true
check "openssl -legacy: legacy keys in pbeWithSHA1And3-KeyTripleDES-CBC" \
  grep -q 'Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC' legacy.info
check "openssl -legacy: legacy certificates in pbeWithSHA1And3-KeyTripleDES-CBC" \
  grep -q 'PKCS7 Encrypted data: pbeWithSHA1And3-KeyTripleDES-CBC' legacy.info
check "openssl -legacy: legacy MAC is SHA-1" grep -q 'MAC: sha1' legacy.info
same_key "openssl reads alice's key from the modern file" modern.p12 "$EXPORT_PASS" "$PKI/alice.key"
same_key "openssl reads alice's key from the legacy file" legacy.p12 "$EXPORT_PASS" "$PKI/alice.key" -legacy
same_key "openssl reads the legacy file without -legacy too" legacy.p12 "$EXPORT_PASS" "$PKI/alice.key"
reject "openssl refuses a wrong password" openssl pkcs12 -in modern.p12 -passin pass:wrong -noout
openssl pkcs12 -in modern.p12 -passin env:EXPORT_PASS -nokeys -out modern-certs.pem 2>/dev/null || true
check "modern file carries the intermediate" grep -q 'subject=CN = Inkan Test Intermediate' modern-certs.pem
openssl pkcs12 -in modern.p12 -passin env:EXPORT_PASS -nokeys -clcerts -out modern-leaf.pem 2>/dev/null || true
openssl pkcs12 -in modern.p12 -passin env:EXPORT_PASS -nocerts -nodes -out modern-key.pem 2>/dev/null || true
openssl pkcs12 -in modern.p12 -passin env:EXPORT_PASS -nokeys -cacerts -out modern-chain.pem 2>/dev/null || true
openssl cms -sign -in content.txt -signer modern-leaf.pem -inkey modern-key.pem -certfile modern-chain.pem -binary \
  -outform DER -out ossl.p7s 2>/dev/null || true
check "openssl signs with the key and chain from the modern file; openssl verifies" \
  openssl cms -verify -binary -inform DER -in ossl.p7s -content content.txt -CAfile "$PKI/root.pem" \
  -purpose smimesign -out /dev/null

# ---- inkan -> NSS (pk12util, Thunderbird's library) ------------------------------------------
nss_import() {  # DIR P12: a fresh database holding the file's identities
  mkdir -p "$1"
  certutil -N -d "sql:$1" --empty-password
  pk12util -d "sql:$1" -i "$2" -W "$EXPORT_PASS"
}
for form in modern legacy; do
  check "pk12util imports the $form file" nss_import "nss-$form" "$form.p12"
  certutil -K -d "sql:nss-$form" >"nss-$form.keys" 2>&1 || true
  check "certutil -K lists alice's key ($form)" grep -q 'alice@example.org' "nss-$form.keys"
  certutil -L -d "sql:nss-$form" -n alice@example.org >/dev/null 2>&1 &&
    pass "certutil -L finds the certificate by its friendly name ($form)" ||
    fail "certutil -L finds the certificate by its friendly name ($form)"
  certutil -A -d "sql:nss-$form" -n "Inkan Test Root" -t ",C," -i "$PKI/root.pem"
  cmsutil -S -d "sql:nss-$form" -N alice@example.org -H SHA256 -T -i content.txt -o "nss-$form.p7s" >/dev/null 2>&1 || true
  check "NSS signs with the imported key ($form); openssl verifies" \
    openssl cms -verify -binary -inform DER -in "nss-$form.p7s" -content content.txt -CAfile "$PKI/root.pem" \
    -purpose smimesign -out /dev/null
done
check "pk12util imports both keys of the split file" nss_import nss-split split.p12
check "certutil -K lists two keys" test "$(certutil -K -d sql:nss-split 2>/dev/null | grep -c '^<')" -eq 2
check "certutil -L lists both certificates as the user's (u,u,u)" \
  test "$(certutil -L -d sql:nss-split 2>/dev/null | grep -c 'u,u,u')" -eq 2

# ---- inkan -> gpgsm ------------------------------------------------------------------------------
GPG=$WORK/gnupg
mkdir -m 700 "$GPG"
GNUPG_HOMES+=("$GPG")
printf 'disable-crl-checks\ndisable-dirmngr\n' >"$GPG/gpgsm.conf"
printf 'allow-loopback-pinentry\n' >"$GPG/gpg-agent.conf"
GNUPGHOME=$GPG gpgsm --batch --import "$PKI/root.pem" >/dev/null 2>&1
printf '%s S relax\n' "$(openssl x509 -in "$PKI/root.pem" -noout -fingerprint -sha1 | sed 's/.*=//; s/://g')" \
  >"$GPG/trustlist.txt"
gpgsm_import() {
  GNUPGHOME=$GPG gpgsm --batch --no-tty --pinentry-mode loopback --passphrase-fd 3 --import "$1" 3<<<"$EXPORT_PASS"
}
check "gpgsm imports the legacy file" gpgsm_import legacy.p12
check "gpgsm holds alice's secret key" \
  bash -c "GNUPGHOME='$GPG' gpgsm --list-secret-keys alice@example.org | grep -q 'alice@example.org'"
GNUPGHOME=$GPG gpgsm --batch --no-tty --pinentry-mode loopback --passphrase-fd 3 -u alice@example.org \
  --detach-sign -o gpgsm.p7s content.txt 3<<<"$EXPORT_PASS" >/dev/null 2>&1 || true
check "gpgsm signs with the imported key; openssl verifies" \
  openssl cms -verify -binary -inform DER -in gpgsm.p7s -content content.txt -CAfile "$PKI/root.pem" \
  -certfile "$PKI/sub.pem" -purpose smimesign -out /dev/null
# gpgsm derives a 3DES key wrongly for about one salt in 128 (store/pkcs12_writer.cpp), so
# one file in 64 that openssl -legacy writes cannot be opened by it; Inkan's legacy files
# must always open. 300 exports: with random salts, at least one fails 99 times in 100.
legacy_failures=0
for i in $(seq 300); do
  if ! inkan id export alice@example.org --out "many-$i.p12" --pass-env EXPORT_PASS --legacy >/dev/null 2>"$WORK/.err"; then
    legacy_failures=$((legacy_failures + 1))
  elif ! gpgsm_import "many-$i.p12" >"$WORK/.out" 2>&1 || grep -q 'error parsing or decrypting' "$WORK/.out"; then
    legacy_failures=$((legacy_failures + 1))
    cp "$WORK/.out" "$WORK/.gpgsm-failure"
  fi
  rm -f "many-$i.p12"
done
if [ "$legacy_failures" -eq 0 ]; then
  pass "gpgsm opens each of 300 legacy exports"
else
  fail "gpgsm could not open $legacy_failures of 300 legacy exports"
  [ -f "$WORK/.gpgsm-failure" ] && show_log "$WORK/.gpgsm-failure"
fi
# gpgsm 2.2 stops at the PBES2 parameters of the modern form; that is why --legacy exists.
# Printed, not judged: the peer's limitation is neither Inkan's pass nor its failure.
if gpgsm_import modern.p12 >"$WORK/.out" 2>&1; then
  printf 'NOTE  gpgsm %s imports the modern (AES-256/PBES2) form\n' "$(gpgsm --version | head -1 | awk '{print $3}')"
else
  printf 'NOTE  gpgsm %s cannot import the modern (AES-256/PBES2) form: %s\n' \
    "$(gpgsm --version | head -1 | awk '{print $3}')" "$(grep -m1 -o 'error at "[^"]*"' "$WORK/.out" || echo failed)"
fi

# ---- peers -> inkan --------------------------------------------------------------------------------
# Each file goes into a fresh store; Inkan then signs mail from that person with it.
peer_round_trip() {  # NAME P12 PASSWORD PERSON
  local name=$1 p12=$2 pw=$3 person=$4 rc=0
  export INKAN_HOME=$WORK/store-$person PEER_PASS=$pw
  plain_message "$person-msg.eml" "$person@example.org" "Signed by Inkan with a key from $name."
  if ! inkan id import "$p12" --pass-env PEER_PASS >"$WORK/.out" 2>"$WORK/.err"; then
    fail "inkan imports $name"
    show_log "$WORK/.err"
    return 0
  fi
  pass "inkan imports $name"
  inkan sign "$person-msg.eml" >"$person-signed.eml" 2>"$WORK/.err" || rc=$?
  if [ "$rc" -ne 0 ]; then
    fail "inkan signs with the key from $name (exit $rc)"
    show_log "$WORK/.err"
    return 0
  fi
  openssl_verifies "inkan signs with the key from $name; openssl verifies" "$person-signed.eml"
}

openssl pkcs12 -export -in "$PKI/carol.pem" -inkey "$PKI/carol.key" -certfile "$PKI/sub.pem" \
  -passout pass:peer-pw -out carol-openssl.p12
peer_round_trip "openssl pkcs12 -export (AES-256, SHA-256 MAC)" carol-openssl.p12 peer-pw carol
openssl pkcs12 -export -legacy -in "$PKI/dave.pem" -inkey "$PKI/dave.key" -certfile "$PKI/sub.pem" \
  -passout pass:peer-pw -out dave-openssl-legacy.p12
peer_round_trip "openssl pkcs12 -export -legacy (RC2-40, 3DES)" dave-openssl-legacy.p12 peer-pw dave

mkdir -p nss-frank
certutil -N -d sql:nss-frank --empty-password
pk12util -d sql:nss-frank -i "$PKI/frank.p12" -W "$INKAN_TEST_PASS" >/dev/null 2>&1
pk12util -d sql:nss-frank -o frank-nss.p12 -n frank -W nss-pw >/dev/null 2>&1
peer_round_trip "NSS pk12util -o" frank-nss.p12 nss-pw frank

GNUPGHOME=$GPG gpgsm --batch --no-tty --pinentry-mode loopback --passphrase-fd 3 --import "$PKI/bob-legacy.p12" \
  3<<<"$INKAN_TEST_PASS" >/dev/null 2>&1
# With a loopback pinentry gpgsm 2.2 protects the export with the passphrase that unlocked the key.
GNUPGHOME=$GPG gpgsm --batch --no-tty --pinentry-mode loopback --passphrase-fd 3 --export-secret-key-p12 \
  -o bob-gpgsm.p12 bob@example.net 3<<<"$INKAN_TEST_PASS" >/dev/null 2>&1 || true
plain_message bob-msg.eml bob@example.net "Signed by Inkan with a key from gpgsm."
export INKAN_HOME=$WORK/store-bob PEER_PASS=$INKAN_TEST_PASS
if inkan id import bob-gpgsm.p12 --pass-env PEER_PASS >"$WORK/.out" 2>"$WORK/.err"; then
  pass "inkan imports gpgsm --export-secret-key-p12"
  inkan sign bob-msg.eml >bob-signed.eml 2>"$WORK/.err" || true
  # gpgsm exports the certificate without its chain, so the signature carries no intermediate:
  # openssl is given it beside the root.
  cat "$PKI/root.pem" "$PKI/sub.pem" >root-and-sub.pem
  check "inkan signs with the key from gpgsm; openssl verifies" \
    openssl cms -verify -in bob-signed.eml -CAfile root-and-sub.pem -purpose smimesign -out /dev/null
else
  fail "inkan imports gpgsm --export-secret-key-p12"
  show_log "$WORK/.err"
fi

finish
