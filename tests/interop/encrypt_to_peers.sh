#!/usr/bin/env bash
# Ours -> peers: messages made by `inkan encrypt` must decrypt in OpenSSL, NSS
# (cmsutil) and GnuPG (gpgsm), and the signature inside a signed-then-encrypted
# message must then verify in that same peer. The algorithm choices are read back
# by OpenSSL's own CMS printer, not by Inkan's inspector.
#
# RSA-OAEP, AES-GCM (AuthEnvelopedData) and ECDH are checked against OpenSSL only:
# Debian 12's NSS 3.87 cmsutil reports SEC_ERROR_UNSUPPORTED_KEYALG (OAEP),
# SEC_ERROR_UNRECOGNIZED_OID (GCM) and does no CMS key agreement; gpgsm 2.2 fails
# on OAEP and GCM ("Buffer too short <KSBA>") and refuses keyAgreement-only EC
# certificates. Thunderbird ships a newer NSS that reads all three.
source "$(dirname "$0")/lib.sh"
require_tools

nss_db "$WORK/nss-keys" "$PKI/bob.p12"  # bob's key imports the intermediate too
nss_db "$WORK/nss-verify"               # root only, for the inner signatures
gpgsm_home "$WORK/gnupg-keys" "$PKI/bob-legacy.p12"
gpgsm_home "$WORK/gnupg-verify"
cd "$WORK"

plain_message msg.eml alice@example.org "Hello Bob, this one is secret."
printf 'Hello Bob, this one is secret.\r\n' >msg.body

# cms_print FILE.p7m: OpenSSL's description of the CMS structure, for asserting algorithms.
cms_print() { openssl cms -cmsout -print -inform DER -in "$1"; }
has() { grep -Eq "$2" "$1"; }
# key_algs FILE: the algorithm named right under each keyEncryptionAlgorithm/keyEncryption field.
key_algs() { awk '/keyEncryptionAlgorithm:/ { getline; print $2 }' "$1"; }
only_key_alg() { [ "$(key_algs "$1" | sort -u)" = "$2" ]; }

# encrypt LABEL OPTIONS...: inkan encrypt msg.eml, then LABEL.p7m holds the bare DER.
encrypt() {
  local label=$1
  shift
  if inkan encrypt "$@" msg.eml >"$label.eml" 2>"$label.err"; then
    mime body "$label.eml" "$label.p7m"
    cms_print "$label.p7m" >"$label.print"
    return 0
  fi
  fail "$label: inkan encrypt $*"
  show_log "$label.err"
  return 1
}

# ---- default: AES-256-CBC, RSA PKCS#1 v1.5; to bob and to the sender herself ------------
if encrypt plain --to "$PKI/bob.pem" --self "$PKI/alice.pem"; then
  check "plain: OpenSSL sees EnvelopedData with AES-256-CBC" has plain.print 'aes-256-cbc'
  check "plain: OpenSSL sees RSA PKCS#1 v1.5 key transport, and nothing else" only_key_alg plain.print rsaEncryption
  check "plain: openssl decrypts (bob)" openssl cms -decrypt -in plain.eml -recip "$PKI/bob.pem" -inkey "$PKI/bob.key" -out plain.ossl
  check "plain: openssl decrypts (alice's own copy)" openssl cms -decrypt -in plain.eml -recip "$PKI/alice.pem" -inkey "$PKI/alice.key" -out plain.self
  check "plain: cmsutil decrypts" cmsutil -D -d "sql:$WORK/nss-keys" -i plain.p7m -o plain.nss
  check "plain: gpgsm decrypts" gpgsm_decrypt "$WORK/gnupg-keys" plain.p7m plain.gpgsm
  same_bytes "plain: cmsutil plaintext = openssl plaintext" plain.ossl plain.nss
  same_bytes "plain: gpgsm plaintext = openssl plaintext" plain.ossl plain.gpgsm
  same_bytes "plain: alice's copy = bob's" plain.ossl plain.self
  mime body plain.ossl plain.decoded
  same_bytes "plain: decrypted body = original body" msg.body plain.decoded
fi

# ---- to bob alone (--no-self): a single recipientInfo, so gpgsm must also exit 0 ------------
if encrypt bob-only --to "$PKI/bob.pem" --no-self; then
  check "bob-only: OpenSSL sees exactly one recipient" test "$(grep -c 'd.ktri:' bob-only.print)" -eq 1
  check "bob-only: cmsutil decrypts" cmsutil -D -d "sql:$WORK/nss-keys" -i bob-only.p7m -o bob-only.nss
  check "bob-only: gpgsm decrypts, exit 0" gpgsm_decrypt_strict "$WORK/gnupg-keys" bob-only.p7m bob-only.gpgsm
  same_bytes "bob-only: gpgsm plaintext = cmsutil plaintext" bob-only.nss bob-only.gpgsm
  mime body bob-only.nss bob-only.decoded
  same_bytes "bob-only: decrypted body = original body" msg.body bob-only.decoded
fi

# ---- signed, then encrypted: each peer decrypts and then judges the inner signature -----
if encrypt signed --to "$PKI/bob.pem" --key "$PKI/alice.p12" --pass-env INKAN_TEST_PASS; then
  check "signed: openssl decrypts" openssl cms -decrypt -in signed.eml -recip "$PKI/bob.pem" -inkey "$PKI/bob.key" -out signed.ossl
  check "signed: openssl verifies the inner signature" ossl_verify signed.ossl signed.ossl.content
  check "signed: cmsutil decrypts" cmsutil -D -d "sql:$WORK/nss-keys" -i signed.p7m -o signed.nss
  mime split signed.nss signed.nss.content signed.nss.p7s
  check "signed: cmsutil verifies the inner signature" nss_verify_detached "$WORK/nss-verify" signed.nss.p7s signed.nss.content
  check "signed: gpgsm decrypts" gpgsm_decrypt "$WORK/gnupg-keys" signed.p7m signed.gpgsm
  mime split signed.gpgsm signed.gpgsm.content signed.gpgsm.p7s
  check "signed: gpgsm verifies the inner signature" gpgsm_verify "$WORK/gnupg-verify" signed.gpgsm.p7s signed.gpgsm.content
  same_bytes "signed: cmsutil plaintext = openssl plaintext" signed.ossl signed.nss
  same_bytes "signed: gpgsm plaintext = openssl plaintext" signed.ossl signed.gpgsm
  mime part-body signed.ossl signed.decoded
  same_bytes "signed: decrypted, signed body = original body" msg.body signed.decoded
fi

# ---- AES-256-GCM (AuthEnvelopedData, RFC 5083/5084): OpenSSL only ----------------------
if encrypt gcm --to "$PKI/bob.pem" --key "$PKI/alice.p12" --pass-env INKAN_TEST_PASS --cipher aes256-gcm; then
  check "gcm: OpenSSL sees AuthEnvelopedData with AES-256-GCM" has gcm.print 'aes-256-gcm'
  check "gcm: openssl decrypts" openssl cms -decrypt -in gcm.eml -recip "$PKI/bob.pem" -inkey "$PKI/bob.key" -out gcm.ossl
  check "gcm: openssl verifies the inner signature" ossl_verify gcm.ossl /dev/null
fi

# ---- RSA-OAEP: `--to` a message bob signed, whose SMIMECapabilities advertise OAEP -------
plain_message bob-says.eml bob@example.net "Hello Alice, write to me."
if inkan sign --key "$PKI/bob.p12" --pass-env INKAN_TEST_PASS bob-says.eml >bob-signed.eml 2>bob.err; then
  mime split bob-signed.eml /dev/null bob-signed.p7s
  check "oaep: OpenSSL sees rsaesOaep in bob's SMIMECapabilities" has <(cms_print bob-signed.p7s) 'rsaesOaep'
  if encrypt oaep-cbc --trust "$PKI/root.pem" --to bob-signed.eml --key "$PKI/alice.p12" --pass-env INKAN_TEST_PASS --cipher aes256-cbc; then
    check "oaep-cbc: OpenSSL sees rsaesOaep key transport" has oaep-cbc.print 'rsaesOaep'
    check "oaep-cbc: OpenSSL sees SHA-256 in the OAEP parameters" has oaep-cbc.print 'sha256'
    check "oaep-cbc: OpenSSL sees AES-256-CBC" has oaep-cbc.print 'aes-256-cbc'
    check "oaep-cbc: openssl decrypts" openssl cms -decrypt -in oaep-cbc.eml -recip "$PKI/bob.pem" -inkey "$PKI/bob.key" -out oaep-cbc.ossl
    check "oaep-cbc: openssl verifies the inner signature" ossl_verify oaep-cbc.ossl /dev/null
  fi
  # Bob advertised GCM too, so the automatic choice is AES-256-GCM.
  if encrypt oaep-auto --trust "$PKI/root.pem" --to bob-signed.eml --key "$PKI/alice.p12" --pass-env INKAN_TEST_PASS; then
    check "oaep-auto: OpenSSL sees rsaesOaep and AES-256-GCM" \
      bash -c "grep -q rsaesOaep oaep-auto.print && grep -q aes-256-gcm oaep-auto.print"
    check "oaep-auto: openssl decrypts" openssl cms -decrypt -in oaep-auto.eml -recip "$PKI/bob.pem" -inkey "$PKI/bob.key" -out oaep-auto.ossl
    check "oaep-auto: openssl verifies the inner signature" ossl_verify oaep-auto.ossl /dev/null
  fi
else
  fail "oaep: inkan sign as bob"
  show_log bob.err
fi

# ---- ECDH (RFC 5753) to P-256 and P-384 recipients: OpenSSL only -------------------------
for who in carol dave; do
  if encrypt "ecdh-$who" --to "$PKI/$who.pem" --key "$PKI/alice.p12" --pass-env INKAN_TEST_PASS; then
    check "ecdh-$who: OpenSSL sees key agreement dhSinglePass-stdDH-sha256kdf" has "ecdh-$who.print" 'dhSinglePass-stdDH-sha256kdf'
    check "ecdh-$who: openssl decrypts" openssl cms -decrypt -in "ecdh-$who.eml" -recip "$PKI/$who.pem" -inkey "$PKI/$who.key" -out "ecdh-$who.ossl"
    check "ecdh-$who: openssl verifies the inner signature" ossl_verify "ecdh-$who.ossl" /dev/null
  fi
done

# ---- several recipients at once: RSA and EC side by side ----------------------------------
if encrypt multi --to "$PKI/bob.pem" --to "$PKI/carol.pem" --to "$PKI/frank.pem" --key "$PKI/alice.p12" --pass-env INKAN_TEST_PASS; then
  for who in alice bob carol frank; do
    check "multi: openssl decrypts as $who" openssl cms -decrypt -in multi.eml -recip "$PKI/$who.pem" -inkey "$PKI/$who.key" -out "multi.$who"
  done
  same_bytes "multi: carol reads what bob reads" multi.bob multi.carol
fi

# ---- a large multipart message: encrypted while it is split ---------------------------------
# From 256 KiB on, a multipart message is encrypted on the bet that it is canonical already
# (root Content-* fields, then its body as it stands); a message that is not (LF line ends)
# is encrypted again after the split. Signed then encrypted makes the same bet (the cipher
# takes a multipart/signed entity around it). Either way each peer must read the canonical
# form, through a file output (-o) and through standard output.
big_messages
for variant in crlf lf; do
  for how in file stdout; do
    for signing in none signed; do
      label="big-$variant-$how"
      sign=()
      if [ "$signing" = signed ]; then
        label="$label-signed"
        sign=(--key "$PKI/alice.p12" --pass-env INKAN_TEST_PASS)
      else
        sign=(--self "$PKI/alice.pem")
      fi
      if [ "$how" = file ]; then
        inkan encrypt --to "$PKI/bob.pem" "${sign[@]}" -o "$label.eml" "big-$variant.eml" 2>"$label.err" || true
      else
        inkan encrypt --to "$PKI/bob.pem" "${sign[@]}" "big-$variant.eml" >"$label.eml" 2>"$label.err" || true
      fi
      if ! grep -q '^Content-Type: application/pkcs7-mime' "$label.eml" 2>/dev/null; then
        fail "$label: inkan encrypt"
        show_log "$label.err"
        continue
      fi
      check "$label: the outer headers are written once" test "$(grep -c '^Subject: big' "$label.eml")" -eq 1
      mime body "$label.eml" "$label.p7m"
      check "$label: openssl decrypts" openssl cms -decrypt -binary -in "$label.eml" -recip "$PKI/bob.pem" -inkey "$PKI/bob.key" -out "$label.ossl"
      check "$label: cmsutil decrypts" cmsutil -D -d "sql:$WORK/nss-keys" -i "$label.p7m" -o "$label.nss"
      check "$label: gpgsm decrypts" gpgsm_decrypt "$WORK/gnupg-keys" "$label.p7m" "$label.gpgsm"
      same_bytes "$label: cmsutil plaintext = openssl plaintext" "$label.ossl" "$label.nss"
      same_bytes "$label: gpgsm plaintext = openssl plaintext" "$label.ossl" "$label.gpgsm"
      if [ "$signing" = signed ]; then
        check "$label: openssl verifies the inner signature" ossl_verify "$label.ossl" "$label.ossl.content"
        mime split "$label.nss" "$label.nss.content" "$label.nss.p7s"
        check "$label: cmsutil verifies the inner signature" nss_verify_detached "$WORK/nss-verify" "$label.nss.p7s" "$label.nss.content"
        mime split "$label.gpgsm" "$label.gpgsm.content" "$label.gpgsm.p7s"
        check "$label: gpgsm verifies the inner signature" gpgsm_verify "$WORK/gnupg-verify" "$label.gpgsm.p7s" "$label.gpgsm.content"
        after_headers "$label.nss.content" "$label.body"
        same_bytes "$label: the signed body is the canonical (CRLF) body" big.body "$label.body"
      else
        after_headers "$label.ossl" "$label.body"
        same_bytes "$label: the decrypted body is the canonical (CRLF) body" big.body "$label.body"
      fi
    done
  done
done

# ---- tampered ciphertext: nothing may come out --------------------------------------------
# CBC has no integrity, so a random flip may decrypt to garbage "successfully"; that is
# why Thunderbird signs inside. Flipping bit 0x80 of the penultimate block's last byte
# turns the padding length (1..16) into 129..144, which every decryptor must refuse.
if [ -f signed.p7m ]; then
  tamper_ct signed.p7m cbc-bad.p7m -17 80
  tampered signed.p7m cbc-bad.p7m
  mime rebody signed.eml cbc-bad.p7m cbc-bad.eml
  reject "cbc tampered: openssl refuses" openssl cms -decrypt -in cbc-bad.eml -recip "$PKI/bob.pem" -inkey "$PKI/bob.key" -out /dev/null
  inkan_refuses_decrypt "cbc tampered: inkan decrypt refuses, stdout empty" --key "$PKI/bob.p12" cbc-bad.eml
fi
if [ -f gcm.p7m ]; then
  tamper_ct gcm.p7m gcm-bad.p7m 100 01
  mime rebody gcm.eml gcm-bad.p7m gcm-bad.eml
  reject "gcm tampered ciphertext: openssl refuses" openssl cms -decrypt -in gcm-bad.eml -recip "$PKI/bob.pem" -inkey "$PKI/bob.key" -out /dev/null
  inkan_refuses_decrypt "gcm tampered ciphertext: inkan decrypt refuses, stdout empty" --key "$PKI/bob.p12" gcm-bad.eml
  # The last OCTET STRING of an AuthEnvelopedData is the authentication tag.
  tamper_signature gcm.p7m gcm-badtag.p7m
  mime rebody gcm.eml gcm-badtag.p7m gcm-badtag.eml
  reject "gcm tampered tag: openssl refuses" openssl cms -decrypt -in gcm-badtag.eml -recip "$PKI/bob.pem" -inkey "$PKI/bob.key" -out /dev/null
  inkan_refuses_decrypt "gcm tampered tag: inkan decrypt refuses, stdout empty" --key "$PKI/bob.p12" gcm-badtag.eml
fi

finish
