#!/usr/bin/env bash
# Peers -> ours: signatures and envelopes made by OpenSSL, NSS (cmsutil) and GnuPG
# (gpgsm) must be read by Inkan: `inkan verify --json --trust root.pem` says "good"
# and names the right signer; `inkan decrypt` gives back the exact bytes that went in.
# Tampered peer signatures must be refused by every peer and by Inkan.
source "$(dirname "$0")/lib.sh"
require_tools

nss_db "$WORK/nss-keys" "$PKI/alice.p12" "$PKI/carol.p12" "$PKI/bob.p12" "$PKI/frank.p12"
nss_db "$WORK/nss-verify"
gpgsm_home "$WORK/gnupg-keys" "$PKI/alice-legacy.p12"
GNUPGHOME=$WORK/gnupg-keys gpgsm --batch --import "$PKI/bob.pem" >/dev/null 2>&1
gpgsm_home "$WORK/gnupg-verify"
cd "$WORK"

# The signed MIME part every peer signs: CRLF, as it travels.
printf 'Content-Type: text/plain; charset=UTF-8\r\n\r\nHello Bob, signed by a peer.\r\nSecond line.\r\n' >part.txt
# outer_headers FILE FROM: the message's own header fields (what a client adds around the S/MIME part).
outer_headers() {
  printf 'From: %s\r\nTo: bob@example.net\r\nSubject: from a peer\r\nDate: %s\r\n' "$2" "$(rfc5322_now)" >"$1"
}
prepend_date() {  # IN OUT: OpenSSL writes no Date; Thunderbird requires one within an hour of signingTime
  { printf 'Date: %s\n' "$(rfc5322_now)"; cat "$1"; } >"$2"
}

# ---- OpenSSL signatures -------------------------------------------------------------------
ossl_sign() {  # OUT SIGNER OPTIONS...
  local out=$1 who=$2
  shift 2
  openssl cms -sign -in part.txt -signer "$PKI/$who.pem" -inkey "$PKI/$who.key" -certfile "$PKI/sub.pem" \
    -md sha256 -from "$who@example.org" -to bob@example.net -subject "from openssl" "$@" -out "$out.raw"
  prepend_date "$out.raw" "$out"
}
ossl_sign ossl-multipart.eml alice
inkan_good "openssl multipart/signed (text mode, LF line ends)" alice@example.org ossl-multipart.eml
ossl_sign ossl-multipart-crlf.eml alice -crlfeol
inkan_good "openssl multipart/signed (-crlfeol)" alice@example.org ossl-multipart-crlf.eml
ossl_sign ossl-pss.eml alice -keyopt rsa_padding_mode:pss
inkan_good "openssl multipart/signed, RSASSA-PSS" alice@example.org ossl-pss.eml
ossl_sign ossl-ecdsa.eml carol -md sha384
inkan_good "openssl multipart/signed, ECDSA P-256 + SHA-384" carol@example.org ossl-ecdsa.eml
ossl_sign ossl-opaque.eml alice -nodetach -binary
inkan_good "openssl opaque (-nodetach -binary)" alice@example.org -o ossl-opaque.content ossl-opaque.eml
same_bytes "openssl opaque: inkan's extracted content = what was signed" part.txt ossl-opaque.content
openssl cms -sign -binary -nodetach -in part.txt -signer "$PKI/alice.pem" -inkey "$PKI/alice.key" \
  -certfile "$PKI/sub.pem" -md sha512 -outform DER -out ossl-opaque.p7m
inkan_good "openssl bare DER opaque SignedData, SHA-512" alice@example.org -o ossl-opaque-der.content ossl-opaque.p7m
same_bytes "openssl bare opaque: inkan's extracted content = what was signed" part.txt ossl-opaque-der.content
openssl cms -sign -binary -in part.txt -signer "$PKI/alice.pem" -inkey "$PKI/alice.key" \
  -certfile "$PKI/sub.pem" -md sha256 -outform DER -out ossl.p7s
inkan_good "openssl bare detached .p7s (--content)" alice@example.org --content part.txt ossl.p7s
openssl cms -sign -binary -in part.txt -signer "$PKI/alice.pem" -inkey "$PKI/alice.key" \
  -certfile "$PKI/sub.pem" -md sha256 -outform PEM -out ossl-p7s.pem
inkan_good "openssl bare detached, PEM (--content)" alice@example.org --content part.txt ossl-p7s.pem

# ---- NSS cmsutil signatures (-G signingTime, -P SMIMECapabilities, as Thunderbird signs) ------
cmsutil -S -d "sql:$WORK/nss-keys" -N alice -H SHA256 -G -P -T -i part.txt -o nss.p7s
outer_headers nss.hdr alice@example.org
mime wrap-signed nss.hdr part.txt nss.p7s nss-multipart.eml
inkan_good "cmsutil detached, wrapped in multipart/signed" alice@example.org nss-multipart.eml
inkan_good "cmsutil bare detached .p7s (--content)" alice@example.org --content part.txt nss.p7s
cmsutil -S -d "sql:$WORK/nss-keys" -N alice -H SHA256 -G -P -i part.txt -o nss-opaque.p7m
mime wrap-p7m nss.hdr nss-opaque.p7m signed-data nss-opaque.eml
inkan_good "cmsutil opaque, wrapped in application/pkcs7-mime" alice@example.org -o nss-opaque.content nss-opaque.eml
same_bytes "cmsutil opaque: inkan's extracted content = what was signed" part.txt nss-opaque.content
inkan_good "cmsutil bare opaque .p7m" alice@example.org nss-opaque.p7m
cmsutil -S -d "sql:$WORK/nss-keys" -N carol -H SHA256 -G -P -T -i part.txt -o nss-ecdsa.p7s
outer_headers nss-ecdsa.hdr carol@example.org
mime wrap-signed nss-ecdsa.hdr part.txt nss-ecdsa.p7s nss-ecdsa.eml
inkan_good "cmsutil detached ECDSA P-256, wrapped" carol@example.org nss-ecdsa.eml

# ---- gpgsm signatures -------------------------------------------------------------------------
gpgsm_sign() {  # OUT MODE
  GNUPGHOME=$WORK/gnupg-keys gpgsm --batch --no-tty --pinentry-mode loopback --passphrase-fd 3 \
    -u alice@example.org "$2" -o "$1" part.txt 3<<<"$INKAN_TEST_PASS" 2>gpgsm-sign.err
}
if gpgsm_sign gpgsm.p7s --detach-sign; then
  outer_headers gpgsm.hdr alice@example.org
  mime wrap-signed gpgsm.hdr part.txt gpgsm.p7s gpgsm-multipart.eml
  inkan_good "gpgsm --detach-sign, wrapped in multipart/signed" alice@example.org gpgsm-multipart.eml
  inkan_good "gpgsm bare detached .p7s (--content)" alice@example.org --content part.txt gpgsm.p7s
else
  fail "gpgsm --detach-sign"
  show_log gpgsm-sign.err
fi
if gpgsm_sign gpgsm-opaque.p7m --sign; then
  outer_headers gpgsm.hdr alice@example.org
  mime wrap-p7m gpgsm.hdr gpgsm-opaque.p7m signed-data gpgsm-opaque.eml
  inkan_good "gpgsm --sign (opaque), wrapped" alice@example.org -o gpgsm-opaque.content gpgsm-opaque.eml
  same_bytes "gpgsm opaque: inkan's extracted content = what was signed" part.txt gpgsm-opaque.content
  inkan_good "gpgsm bare opaque .p7m" alice@example.org gpgsm-opaque.p7m
else
  fail "gpgsm --sign"
  show_log gpgsm-sign.err
fi

# ---- tampered peer signatures: every peer and Inkan must refuse ----------------------------
sed 's/Hello Bob/Jello Bob/' part.txt >part.bad
tampered part.txt part.bad
for maker in ossl nss gpgsm; do
  [ -f "$maker.p7s" ] || continue
  tamper_signature "$maker.p7s" "$maker.bad.p7s"
  for t in content sig; do
    if [ "$t" = content ]; then sig=$maker.p7s content=part.bad; else sig=$maker.bad.p7s content=part.txt; fi
    reject "$maker signature, bad $t: openssl rejects" openssl cms -verify -binary -inform DER -in "$sig" \
      -content "$content" -CAfile "$PKI/root.pem" -purpose smimesign -out /dev/null
    reject "$maker signature, bad $t: cmsutil rejects" nss_verify_detached "$WORK/nss-verify" "$sig" "$content"
    reject "$maker signature, bad $t: gpgsm rejects" gpgsm_verify "$WORK/gnupg-verify" "$sig" "$content"
    inkan_not_good "$maker signature, bad $t: inkan rejects" --content "$content" "$sig"
  done
done
# The same through the MIME path: openssl's own multipart/signed with its text changed.
sed 's/Hello Bob/Jello Bob/' ossl-multipart.eml >ossl-multipart.bad.eml
tampered ossl-multipart.eml ossl-multipart.bad.eml
reject "openssl multipart/signed, bad content: openssl rejects" ossl_verify ossl-multipart.bad.eml /dev/null
inkan_not_good "openssl multipart/signed, bad content: inkan rejects" ossl-multipart.bad.eml

# ---- envelopes made by the peers: inkan decrypt must give back the exact input ---------------
ossl_encrypt() {  # OUT RECIPIENT OPTIONS...
  local out=$1 who=$2
  shift 2
  openssl cms -encrypt -in part.txt -out "$out" -recip "$PKI/$who.pem" "$@"
}
ossl_encrypt ossl-aes256.eml bob -aes256
inkan_decrypts "openssl -encrypt -aes256 (S/MIME)" part.txt --key "$PKI/bob.p12" ossl-aes256.eml
ossl_encrypt ossl-aes256.p7m bob -aes256 -binary -outform DER
inkan_decrypts "openssl -encrypt -aes256 -binary (bare DER)" part.txt --key "$PKI/bob.p12" ossl-aes256.p7m
ossl_encrypt ossl-oaep.eml bob -aes256 -keyopt rsa_padding_mode:oaep
inkan_decrypts "openssl RSA-OAEP (SHA-1 default)" part.txt --key "$PKI/bob.p12" ossl-oaep.eml
ossl_encrypt ossl-oaep256.eml bob -aes256 -keyopt rsa_padding_mode:oaep -keyopt rsa_oaep_md:sha256 \
  -keyopt rsa_mgf1_md:sha256
inkan_decrypts "openssl RSA-OAEP SHA-256/MGF1-SHA-256" part.txt --key "$PKI/bob.p12" ossl-oaep256.eml
ossl_encrypt ossl-gcm.eml bob -aes-256-gcm
inkan_decrypts "openssl AES-256-GCM AuthEnvelopedData" part.txt --key "$PKI/bob.p12" ossl-gcm.eml
ossl_encrypt ossl-ecdh-p256.eml carol -aes256
inkan_decrypts "openssl ECDH to P-256 (default KDF)" part.txt --key "$PKI/carol.p12" ossl-ecdh-p256.eml
ossl_encrypt ossl-ecdh-p384.eml dave -aes256 -keyopt ecdh_kdf_md:sha384
inkan_decrypts "openssl ECDH to P-384, SHA-384 KDF" part.txt --key "$PKI/dave.p12" ossl-ecdh-p384.eml
ossl_encrypt ossl-ecdh-gcm.eml carol -aes-256-gcm -keyopt ecdh_kdf_md:sha256
inkan_decrypts "openssl ECDH to P-256 + AES-256-GCM" part.txt --key "$PKI/carol.p12" ossl-ecdh-gcm.eml
# Sign, then encrypt, the classic pipeline: inkan verify --key must see through both layers.
openssl cms -sign -in part.txt -signer "$PKI/alice.pem" -inkey "$PKI/alice.key" -certfile "$PKI/sub.pem" \
  -md sha256 -out inner.eml
openssl cms -encrypt -in inner.eml -aes256 -from alice@example.org -to bob@example.net -subject "signed+encrypted" \
  -out ossl-signed-enc.raw "$PKI/bob.pem"
prepend_date ossl-signed-enc.raw ossl-signed-enc.eml
inkan_good "openssl signed-then-encrypted: inkan verify --key" alice@example.org \
  --key "$PKI/bob.p12" --pass-env INKAN_TEST_PASS ossl-signed-enc.eml

cmsutil -E -d "sql:$WORK/nss-keys" -r bob@example.net -i part.txt -o nss-enveloped.p7m
inkan_decrypts "cmsutil -E to RSA-2048, $(content_cipher nss-enveloped.p7m) (bare DER)" part.txt --key "$PKI/bob.p12" nss-enveloped.p7m
outer_headers nss-env.hdr alice@example.org
mime wrap-p7m nss-env.hdr nss-enveloped.p7m enveloped-data nss-enveloped.eml
inkan_decrypts "cmsutil -E, wrapped in application/pkcs7-mime" part.txt --key "$PKI/bob.p12" nss-enveloped.eml
cmsutil -E -d "sql:$WORK/nss-keys" -r frank@example.org -i part.txt -o nss-frank.p7m
inkan_decrypts "cmsutil -E to RSA-3072, $(content_cipher nss-frank.p7m)" part.txt --key "$PKI/frank.p12" nss-frank.p7m

gpgsm_encrypt() {  # OUT OPTIONS...
  local out=$1
  shift
  GNUPGHOME=$WORK/gnupg-keys gpgsm --batch --no-tty -r bob@example.net "$@" --encrypt -o "$out" part.txt
}
if gpgsm_encrypt gpgsm-enveloped.p7m 2>gpgsm-enc.err; then
  inkan_decrypts "gpgsm --encrypt, $(content_cipher gpgsm-enveloped.p7m)" part.txt --key "$PKI/bob.p12" gpgsm-enveloped.p7m
else
  fail "gpgsm --encrypt"
  show_log gpgsm-enc.err
fi
if gpgsm_encrypt gpgsm-aes256.p7m --cipher-algo AES256 2>gpgsm-enc.err; then
  mime wrap-p7m nss-env.hdr gpgsm-aes256.p7m enveloped-data gpgsm-aes256.eml
  inkan_decrypts "gpgsm --encrypt --cipher-algo AES256 ($(content_cipher gpgsm-aes256.p7m)), wrapped" part.txt --key "$PKI/bob.p12" gpgsm-aes256.eml
else
  fail "gpgsm --encrypt --cipher-algo AES256"
  show_log gpgsm-enc.err
fi

# ---- tampered peer envelopes: nothing may come out ---------------------------------------------
# CBC: bit 0x80 of the penultimate block's last byte breaks the padding (see encrypt_to_peers.sh).
ossl_encrypt ossl-gcm.p7m bob -aes-256-gcm -binary -outform DER
for f in ossl-aes256.p7m nss-enveloped.p7m gpgsm-enveloped.p7m; do
  [ -f "$f" ] || continue
  tamper_ct "$f" "${f%.p7m}.bad.p7m" -17 80
  inkan_refuses_decrypt "$f with broken CBC padding: inkan refuses, stdout empty" --key "$PKI/bob.p12" "${f%.p7m}.bad.p7m"
done
tamper_ct ossl-gcm.p7m ossl-gcm.bad.p7m 3 01
reject "ossl-gcm.p7m with a flipped ciphertext byte: openssl refuses" openssl cms -decrypt -inform DER \
  -in ossl-gcm.bad.p7m -recip "$PKI/bob.pem" -inkey "$PKI/bob.key" -out /dev/null
inkan_refuses_decrypt "ossl-gcm.p7m with a flipped ciphertext byte: inkan refuses, stdout empty" \
  --key "$PKI/bob.p12" ossl-gcm.bad.p7m

finish
