#!/usr/bin/env bash
# Contacts with real peers: a message signed by OpenSSL (`openssl cms -sign`) is
# harvested into a fresh store; `inkan encrypt --to ADDRESS` (and without --to, from
# the message's To/Cc) then finds the certificate in the contacts, and the peers
# decrypt with the recipient's key: `openssl cms -decrypt` and NSS `cmsutil -D`
# (RSA; Debian 12's cmsutil does no CMS key agreement, so the EC recipient is judged
# by OpenSSL alone). A key change waiting for the user blocks encryption.
source "$(dirname "$0")/lib.sh"
require_tools

export INKAN_HOME=$WORK/store
nss_db "$WORK/nss-bob" "$PKI/bob.p12"
cd "$WORK"

printf 'Content-Type: text/plain; charset=UTF-8\r\n\r\nHello, signed by a peer.\r\n' >part.txt
# ossl_signed OUT WHO ADDRESS [CERT KEY]: multipart/signed made by openssl cms, From ADDRESS, with a Date.
ossl_signed() {
  local out=$1 who=$2 address=$3 cert=${4:-$PKI/$2.pem} key=${5:-$PKI/$2.key}
  openssl cms -sign -in part.txt -signer "$cert" -inkey "$key" -certfile "$PKI/sub.pem" -md sha256 \
    -from "$address" -to me@example.org -subject "from openssl" -out "$out.raw"
  { printf 'Date: %s\nMessage-ID: <%s@example.org>\n' "$(rfc5322_now)" "$out"; cat "$out.raw"; } >"$out"
}

check "the store trusts the test root" inkan trust add "$PKI/root.pem"
ossl_signed bob-signed.eml bob bob@example.net
check "openssl's own verification of bob's message" ossl_verify bob-signed.eml /dev/null
check "inkan contact harvest records bob" inkan contact harvest bob-signed.eml
check "bob's certificate is found" inkan contact lookup bob@example.net

plain_message msg.eml alice@example.org "A secret for Bob, from the contacts."
printf 'A secret for Bob, from the contacts.\r\n' >msg.body
if inkan encrypt --to bob@example.net --no-self msg.eml >to-bob.eml 2>to-bob.err; then
  pass "inkan encrypt --to bob@example.net"
  mime body to-bob.eml to-bob.p7m
  check "openssl decrypts with bob's key" openssl cms -decrypt -in to-bob.eml -recip "$PKI/bob.pem" -inkey "$PKI/bob.key" -out to-bob.ossl
  check "cmsutil (NSS) decrypts with bob's key" cmsutil -D -d "sql:$WORK/nss-bob" -i to-bob.p7m -o to-bob.nss
  same_bytes "cmsutil plaintext = openssl plaintext" to-bob.ossl to-bob.nss
  mime body to-bob.ossl to-bob.decoded
  same_bytes "decrypted body = original body" msg.body to-bob.decoded
else
  fail "inkan encrypt --to bob@example.net"
  show_log to-bob.err
fi

# Without --to: the message's To (bob) and Cc (carol, EC P-256) from the contacts.
ossl_signed carol-signed.eml carol carol@example.org
check "inkan verify --harvest records carol" inkan verify --harvest carol-signed.eml
{
  printf 'From: alice@example.org\r\nTo: Bob <bob@example.net>\r\nCc: carol@example.org\r\nSubject: to both\r\n'
  printf 'Date: %s\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nTo both of you.\r\n' "$(rfc5322_now)"
} >both.eml
if inkan encrypt --no-self both.eml >both-enc.eml 2>both.err; then
  pass "inkan encrypt (To and Cc from the contacts)"
  check "openssl decrypts with bob's key" openssl cms -decrypt -in both-enc.eml -recip "$PKI/bob.pem" -inkey "$PKI/bob.key" -out both.bob
  check "openssl decrypts with carol's key (ECDH)" openssl cms -decrypt -in both-enc.eml -recip "$PKI/carol.pem" -inkey "$PKI/carol.key" -out both.carol
  # (Debian 12's cmsutil refuses an envelope that also holds a key-agreement recipient: OpenSSL judges this one.)
  same_bytes "bob's and carol's plaintext are the same" both.bob both.carol
else
  fail "inkan encrypt (To and Cc from the contacts)"
  show_log both.err
fi

# A key change: bob's address, another (self-signed) key, a good signature by it.
openssl req -x509 -newkey rsa:2048 -nodes -keyout evil.key -subj "/CN=bob" -days 30 \
  -addext "subjectAltName=email:bob@example.net" -addext "keyUsage=critical,digitalSignature,keyEncipherment" \
  -addext "extendedKeyUsage=emailProtection" -out evil.pem 2>/dev/null
ossl_signed evil-signed.eml bob bob@example.net evil.pem evil.key
inkan contact harvest --json evil-signed.eml >evil.json 2>evil.err || true
check "the new key is reported as a key change" grep -q '"change":"key-change"' evil.json
rc=0
inkan encrypt --to bob@example.net --no-self msg.eml >blocked.eml 2>blocked.err || rc=$?
check "encryption to bob is refused while the key change waits (exit 4)" test "$rc" -eq 4
check "... with NO_RECIPIENT_CERT naming bob" grep -q 'NO_RECIPIENT_CERT.*bob@example.net (key-change-pending)' blocked.err
check "... and nothing is written" test ! -s blocked.eml
check "the user rejects the new key" inkan contact reject bob@example.net "$(openssl x509 -in evil.pem -noout -fingerprint -sha256 | sed 's/.*=//; s/://g')"
if inkan encrypt --to bob@example.net --no-self msg.eml >after.eml 2>after.err; then
  check "after the rejection, openssl decrypts with bob's real key" openssl cms -decrypt -in after.eml -recip "$PKI/bob.pem" -inkey "$PKI/bob.key" -out after.ossl
  reject "... and not with the rejected key" openssl cms -decrypt -in after.eml -recip evil.pem -inkey evil.key -out after.evil
else
  fail "inkan encrypt after the rejection"
  show_log after.err
fi
finish
