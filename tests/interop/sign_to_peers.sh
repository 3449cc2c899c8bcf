#!/usr/bin/env bash
# Ours -> peers: signatures made by `inkan sign` must verify in OpenSSL, NSS
# (cmsutil, the library inside Thunderbird) and GnuPG (gpgsm), each trusting only
# root.pem, so the intermediate has to travel inside our signatures. A tampered
# copy (content or signature value) must be refused by all three and by Inkan.
source "$(dirname "$0")/lib.sh"
require_tools

nss_db "$WORK/nss" # root only: verification needs nothing else
gpgsm_home "$WORK/gnupg"
cd "$WORK"

# sign_case LABEL SIGNER SIGN_OPTIONS...: sign a fresh message from SIGNER and let every peer judge it.
sign_case() {
  local label=$1 who=$2
  shift 2
  plain_message "$label.eml" "$who@example.org" "Hello Bob, this is $label."
  printf 'Hello Bob, this is %s.\r\n' "$label" >"$label.body"
  if ! inkan sign --key "$PKI/$who.p12" --pass-env INKAN_TEST_PASS "$@" "$label.eml" >"$label.signed" 2>"$label.err"; then
    fail "$label: inkan sign $*"
    show_log "$label.err"
    return
  fi

  if [[ " $* " == *" --opaque "* ]]; then
    mime body "$label.signed" "$label.p7m"
    check "$label: openssl verifies" ossl_verify "$label.signed" "$label.ossl.out"
    check "$label: cmsutil verifies" nss_verify_opaque "$WORK/nss" "$label.p7m" "$label.nss.out"
    check "$label: gpgsm verifies" gpgsm_verify_opaque "$WORK/gnupg" "$label.p7m" "$label.gpgsm.out"
    # The three peers must hand out the same entity, and its body must be the text we wrote.
    same_bytes "$label: cmsutil content = openssl content" "$label.ossl.out" "$label.nss.out"
    same_bytes "$label: gpgsm content = openssl content" "$label.ossl.out" "$label.gpgsm.out"
    mime body "$label.ossl.out" "$label.decoded"
    same_bytes "$label: signed body = original body" "$label.body" "$label.decoded"

    cp "$label.p7m" "$label.bad-content.p7m"
    mime subst "$label.bad-content.p7m" "Hello Bob" "Jello Bob"
    mime rebody "$label.signed" "$label.bad-content.p7m" "$label.bad-content.eml"
    tamper_signature "$label.p7m" "$label.bad-sig.p7m"
    mime rebody "$label.signed" "$label.bad-sig.p7m" "$label.bad-sig.eml"
    tampered "$label.p7m" "$label.bad-content.p7m"
    local t
    for t in bad-content bad-sig; do
      reject "$label $t: openssl rejects" ossl_verify "$label.$t.eml" /dev/null
      reject "$label $t: cmsutil rejects" nss_verify_opaque "$WORK/nss" "$label.$t.p7m" /dev/null
      reject "$label $t: gpgsm rejects" gpgsm_verify_opaque "$WORK/gnupg" "$label.$t.p7m" /dev/null
      inkan_not_good "$label $t: inkan rejects" "$label.$t.eml"
    done
  else
    mime split "$label.signed" "$label.content" "$label.p7s"
    check "$label: openssl verifies" ossl_verify "$label.signed" "$label.ossl.out"
    check "$label: cmsutil verifies" nss_verify_detached "$WORK/nss" "$label.p7s" "$label.content"
    check "$label: gpgsm verifies" gpgsm_verify "$WORK/gnupg" "$label.p7s" "$label.content"
    same_bytes "$label: openssl's signed part = the part cut out by hand" "$label.content" "$label.ossl.out"
    mime part-body "$label.signed" "$label.decoded"
    same_bytes "$label: signed body = original body" "$label.body" "$label.decoded"

    sed 's/Hello Bob/Jello Bob/' "$label.signed" >"$label.bad-content.eml"
    tampered "$label.signed" "$label.bad-content.eml"
    mime split "$label.bad-content.eml" "$label.bad-content.content" /dev/null
    tamper_signature "$label.p7s" "$label.bad-sig.p7s"
    mime resign "$label.signed" "$label.bad-sig.p7s" "$label.bad-sig.eml"
    cp "$label.content" "$label.bad-sig.content"
    cp "$label.p7s" "$label.bad-content.p7s"
    local t
    for t in bad-content bad-sig; do
      reject "$label $t: openssl rejects" ossl_verify "$label.$t.eml" /dev/null
      reject "$label $t: cmsutil rejects" nss_verify_detached "$WORK/nss" "$label.$t.p7s" "$label.$t.content"
      reject "$label $t: gpgsm rejects" gpgsm_verify "$WORK/gnupg" "$label.$t.p7s" "$label.$t.content"
      inkan_not_good "$label $t: inkan rejects" "$label.$t.eml"
    done
  fi
}

sign_case rsa-sha256 alice
sign_case rsa-sha384 alice --digest sha384
sign_case rsa-sha512 alice --digest sha512
sign_case rsa-pss alice --pss
sign_case rsa3072-pss-sha512 frank --pss --digest sha512
sign_case ecdsa-p256 carol
sign_case ecdsa-p384-sha384 dave --digest sha384
sign_case rsa-opaque alice --opaque
sign_case rsa-pss-opaque alice --opaque --pss
sign_case ecdsa-p256-opaque carol --opaque

# --detached-file signs arbitrary bytes: every byte value, CR and LF alone, no
# trailing newline. Nothing may be canonicalised on either side.
perl -e 'print map { chr } 0 .. 255; print "\n\r\r\n\x00tail"' >blob.bin
if inkan sign --detached-file --key "$PKI/alice.p12" --pass-env INKAN_TEST_PASS blob.bin >blob.p7s 2>blob.err; then
  check "detached-file: openssl verifies" openssl cms -verify -binary -inform DER -in blob.p7s -content blob.bin \
    -CAfile "$PKI/root.pem" -purpose smimesign -out /dev/null
  check "detached-file: cmsutil verifies" nss_verify_detached "$WORK/nss" blob.p7s blob.bin
  check "detached-file: gpgsm verifies" gpgsm_verify "$WORK/gnupg" blob.p7s blob.bin
  cp blob.bin blob.bad
  mime flip blob.bad 128
  reject "detached-file bad-content: openssl rejects" openssl cms -verify -binary -inform DER -in blob.p7s \
    -content blob.bad -CAfile "$PKI/root.pem" -purpose smimesign -out /dev/null
  reject "detached-file bad-content: cmsutil rejects" nss_verify_detached "$WORK/nss" blob.p7s blob.bad
  reject "detached-file bad-content: gpgsm rejects" gpgsm_verify "$WORK/gnupg" blob.p7s blob.bad
  inkan_not_good "detached-file bad-content: inkan rejects" --content blob.bad blob.p7s
else
  fail "detached-file: inkan sign --detached-file"
  show_log blob.err
fi

# ---- a large multipart message: signed and written while it is split ------------------------
# From 256 KiB on, a multipart message is written and hashed from the windows the split
# reads, on the bet that it is canonical already; a message that is not (LF line ends) is
# signed again after the split. Either way each peer must verify the canonical form,
# through a file output (-o) and through standard output.
big_messages
for variant in crlf lf; do
  for how in file stdout; do
    label="big-$variant-$how"
    if [ "$how" = file ]; then
      inkan sign --key "$PKI/alice.p12" --pass-env INKAN_TEST_PASS -o "$label.signed" "big-$variant.eml" 2>"$label.err" || true
    else
      inkan sign --key "$PKI/alice.p12" --pass-env INKAN_TEST_PASS "big-$variant.eml" >"$label.signed" 2>"$label.err" || true
    fi
    if ! grep -q '^Content-Type: multipart/signed' "$label.signed" 2>/dev/null; then
      fail "$label: inkan sign"
      show_log "$label.err"
      continue
    fi
    check "$label: the outer headers are written once" test "$(grep -c '^Subject: big' "$label.signed")" -eq 1
    mime split "$label.signed" "$label.content" "$label.p7s"
    check "$label: openssl verifies" ossl_verify "$label.signed" "$label.ossl.out"
    check "$label: cmsutil verifies" nss_verify_detached "$WORK/nss" "$label.p7s" "$label.content"
    check "$label: gpgsm verifies" gpgsm_verify "$WORK/gnupg" "$label.p7s" "$label.content"
    same_bytes "$label: openssl's signed part = the part cut out by hand" "$label.content" "$label.ossl.out"
    after_headers "$label.content" "$label.body"
    same_bytes "$label: the signed body is the canonical (CRLF) body" big.body "$label.body"
  done
done

finish
