#!/usr/bin/env bash
# Japanese mail through `inkan sign` / `inkan encrypt`, judged by the peers: UTF-8
# with 8bit transfer encoding (which signing must re-encode, RFC 8551 §3.1.3) and
# ISO-2022-JP, Japanese in Subject, From display name, a raw 8-bit header and the body.
# After the peer has verified, the body it hands out must decode to exactly the
# original bytes (in canonical CRLF form), the outer header fields must be the
# original ones byte for byte (modulo CRLF), and no line of Inkan's output may end
# in a bare LF.
source "$(dirname "$0")/lib.sh"
require_tools

nss_db "$WORK/nss"
gpgsm_home "$WORK/gnupg"
cd "$WORK"

b64() { base64 -w0; }
subject_utf8="=?UTF-8?B?$(printf '日本語の件名：署名テスト' | b64)?="
from_utf8="=?UTF-8?B?$(printf '山田 アリス' | b64)?= <alice@example.org>"
subject_jis="=?ISO-2022-JP?B?$(printf '日本語の件名' | iconv -f UTF-8 -t ISO-2022-JP | b64)?="

# Bodies: full-width and half-width-free text, a "From " line, trailing spaces, a long line.
cat >body-utf8.txt <<'EOF'
こんにちは、ボブさん。
日本語の本文です。①②③、「かぎかっこ」、〜波ダッシュ〜、ｶﾀｶﾅ（半角）。
From the desk of アリス — this line starts with "From ".
行末の空白を残す   
とても長い行：いろはにほへとちりぬるをわかよたれそつねならむうゐのおくやまけふこえてあさきゆめみしゑひもせすいろはにほへとちりぬるを
EOF
printf 'こんにちは、ボブさん。\n日本語の本文です。\n' | iconv -f UTF-8 -t ISO-2022-JP >body-jis.txt

# message OUT EOL SUBJECT CHARSET CTE BODY: a message as a client would write it, LF or CRLF.
message() {
  local out=$1 eol=$2 subject=$3 charset=$4 cte=$5 body=$6
  {
    printf 'From: %s\nTo: bob@example.net\nSubject: %s\nX-Comment: 生の8ビットヘッダー\nDate: %s\n' \
      "$from_utf8" "$subject" "$(rfc5322_now)"
    printf 'Message-ID: <japanese-%s@example.org>\nMIME-Version: 1.0\n' "$out"
    printf 'Content-Type: text/plain; charset=%s\nContent-Transfer-Encoding: %s\n\n' "$charset" "$cte"
    cat "$body"
  } | if [ "$eol" = crlf ]; then sed 's/$/\r/'; else cat; fi >"$out"
}
to_crlf() { sed 's/\r$//; s/$/\r/' "$1" >"$2"; }

MIME_FIELDS=(Content-Type Content-Transfer-Encoding Content-Disposition Content-Description)

# judge LABEL ORIGINAL SIGNED BODY_FILE CHARSET: everything the peers and the bytes can say.
judge() {
  local label=$1 original=$2 signed=$3 body=$4 charset=$5
  check "$label: no bare LF anywhere in inkan's output" mime bare-lf "$signed"
  mime headers-without "$original" "$label.hdr.want" "${MIME_FIELDS[@]}"
  mime headers-without "$signed" "$label.hdr.got" "${MIME_FIELDS[@]}"
  same_bytes "$label: outer header fields survive byte for byte" "$label.hdr.want" "$label.hdr.got"
  to_crlf "$body" "$label.body.want"

  check "$label: openssl verifies" ossl_verify "$signed" "$label.entity"
  if grep -q 'smime-type=signed-data' "$signed"; then
    mime body "$signed" "$label.p7m"
    check "$label: cmsutil verifies" nss_verify_opaque "$WORK/nss" "$label.p7m" "$label.nss.entity"
    check "$label: gpgsm verifies" gpgsm_verify_opaque "$WORK/gnupg" "$label.p7m" "$label.gpgsm.entity"
    same_bytes "$label: cmsutil's content = openssl's" "$label.entity" "$label.nss.entity"
    same_bytes "$label: gpgsm's content = openssl's" "$label.entity" "$label.gpgsm.entity"
  else
    mime split "$signed" "$label.content" "$label.p7s"
    check "$label: cmsutil verifies" nss_verify_detached "$WORK/nss" "$label.p7s" "$label.content"
    check "$label: gpgsm verifies" gpgsm_verify "$WORK/gnupg" "$label.p7s" "$label.content"
    same_bytes "$label: openssl's content = the signed part" "$label.content" "$label.entity"
  fi
  check "$label: signed entity keeps Content-Type charset=$charset" \
    grep -qx "Content-Type: text/plain; charset=$charset"$'\r' "$label.entity"
  mime body "$label.entity" "$label.body.got"
  same_bytes "$label: decoded body = original bytes (CRLF)" "$label.body.want" "$label.body.got"
}

sign() {  # IN OUT OPTIONS...
  local in=$1 out=$2
  shift 2
  inkan sign --key "$PKI/alice.p12" --pass-env INKAN_TEST_PASS "$@" "$in" >"$out" 2>"$out.err" ||
    { fail "inkan sign $* $in"; show_log "$out.err"; return 1; }
}

message utf8-lf.eml lf "$subject_utf8" UTF-8 8bit body-utf8.txt
sign utf8-lf.eml utf8-lf.signed && judge "UTF-8 8bit, LF input" utf8-lf.eml utf8-lf.signed body-utf8.txt UTF-8
message utf8-crlf.eml crlf "$subject_utf8" UTF-8 8bit body-utf8.txt
sign utf8-crlf.eml utf8-crlf.signed && judge "UTF-8 8bit, CRLF input" utf8-crlf.eml utf8-crlf.signed body-utf8.txt UTF-8
sign utf8-crlf.eml utf8-opaque.signed --opaque &&
  judge "UTF-8 8bit, opaque" utf8-crlf.eml utf8-opaque.signed body-utf8.txt UTF-8
message jis.eml crlf "$subject_jis" ISO-2022-JP 7bit body-jis.txt
sign jis.eml jis.signed && judge "ISO-2022-JP" jis.eml jis.signed body-jis.txt ISO-2022-JP
sign jis.eml jis-opaque.signed --opaque && judge "ISO-2022-JP, opaque" jis.eml jis-opaque.signed body-jis.txt ISO-2022-JP

# A message forwarded as an attachment, written with raw UTF-8 in the enclosed header
# (display names, a quoted name with a comma, a comment, Subject) and an 8bit body.
# message/rfc822 may not be base64-encoded, so signing must make the enclosed header
# 7-bit itself: the signed entity must be 7-bit, verify in every peer, and the peer's
# RFC 2047 decoder (Perl's Encode) must give back the author's text.
{
  printf 'From: %s\r\nTo: bob@example.net\r\nSubject: Fwd\r\nDate: %s\r\nMIME-Version: 1.0\r\n' "$from_utf8" "$(rfc5322_now)"
  printf 'Content-Type: multipart/mixed; boundary="fw"\r\n\r\n--fw\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nSee below.\r\n'
  printf -- '--fw\r\nContent-Type: message/rfc822\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'
  printf 'From: 山田 花子 <hanako@example.jp>\r\nTo: "鈴木, 一郎" <ichiro@example.jp>, taro@example.jp (田中 太郎)\r\n'
  printf 'Subject: 会議の件\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'
  printf '明日の会議は十時からです。\r\n--fw--\r\n'
} >fwd.eml
if sign fwd.eml fwd.signed; then
  mime split fwd.signed fwd.content fwd.p7s
  check "forwarded 8-bit message: the signed entity is 7-bit" mime eight-bit fwd.content
  check "forwarded 8-bit message: openssl verifies" ossl_verify fwd.signed fwd.entity
  check "forwarded 8-bit message: cmsutil verifies" nss_verify_detached "$WORK/nss" fwd.p7s fwd.content
  check "forwarded 8-bit message: gpgsm verifies" gpgsm_verify "$WORK/gnupg" fwd.p7s fwd.content
  printf '%s\n' "山田 花子 <hanako@example.jp>" >fwd.from.want
  mime fields fwd.content From >fwd.from.got
  same_bytes "forwarded 8-bit message: enclosed From decodes to the author's text" fwd.from.want fwd.from.got
  printf '%s\n' '"鈴木, 一郎" <ichiro@example.jp>, taro@example.jp (田中 太郎)' >fwd.to.want
  mime fields fwd.content To | sed 's/^\([^<]*\) </"\1" </' >fwd.to.got
  same_bytes "forwarded 8-bit message: enclosed To keeps names and addresses" fwd.to.want fwd.to.got
  printf '%s\n' '会議の件' >fwd.subject.want
  mime fields fwd.content Subject >fwd.subject.got
  same_bytes "forwarded 8-bit message: enclosed Subject decodes" fwd.subject.want fwd.subject.got
fi

# Signed, then encrypted: the outer headers are still the original ones; inside, the
# same checks after OpenSSL has decrypted.
if inkan encrypt --to "$PKI/bob.pem" --key "$PKI/alice.p12" --pass-env INKAN_TEST_PASS utf8-lf.eml \
  >utf8-enc.eml 2>utf8-enc.err; then
  check "UTF-8 encrypted: no bare LF anywhere in inkan's output" mime bare-lf utf8-enc.eml
  mime headers-without utf8-lf.eml utf8-enc.hdr.want "${MIME_FIELDS[@]}"
  mime headers-without utf8-enc.eml utf8-enc.hdr.got "${MIME_FIELDS[@]}"
  same_bytes "UTF-8 encrypted: outer header fields survive byte for byte" utf8-enc.hdr.want utf8-enc.hdr.got
  if openssl cms -decrypt -in utf8-enc.eml -recip "$PKI/bob.pem" -inkey "$PKI/bob.key" -out utf8-enc.inner 2>utf8-enc.err; then
    # The decrypted entity carries no outer headers of its own; judge only its signature and body.
    check "UTF-8 encrypted: decrypted entity has no bare LF" mime bare-lf utf8-enc.inner
    check "UTF-8 encrypted: openssl verifies the inner signature" ossl_verify utf8-enc.inner utf8-enc.entity
    mime body utf8-enc.entity utf8-enc.body.got
    to_crlf body-utf8.txt utf8-enc.body.want
    same_bytes "UTF-8 encrypted: decoded body = original bytes (CRLF)" utf8-enc.body.want utf8-enc.body.got
  else
    fail "UTF-8 encrypted: openssl decrypts"
    show_log utf8-enc.err
  fi
else
  fail "inkan encrypt utf8-lf.eml"
  show_log utf8-enc.err
fi

finish
