# Shared by the interop scripts (sourced): a private work folder, PASS/FAIL
# accounting, and the three Debian peers set up the way their users would set
# them up. The peers are the judges; Inkan's own verifier only ever appears as
# the thing under test.
#
# Environment (ctest sets it, see tests/CMakeLists.txt): INKAN_CLI, INKAN_TEST_PKI.
# INKAN_INTEROP_KEEP=1 keeps the work folder for a post-mortem.
set -Eeuo pipefail
: "${INKAN_CLI:?INKAN_CLI must name the inkan binary (ctest sets it)}"
: "${INKAN_TEST_PKI:?INKAN_TEST_PKI must name the test PKI folder (ctest sets it)}"
export LC_ALL=C
PKI=$INKAN_TEST_PKI
INTEROP_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/inkan-interop.XXXXXX")
export INKAN_TEST_PASS=test  # every PKCS#12 in the test PKI uses it; read by --pass-env
PASSES=0
FAILS=0
GNUPG_HOMES=()

cleanup() {
  # gpgsm starts one gpg-agent per home; stop exactly those, through their own sockets.
  local home
  for home in "${GNUPG_HOMES[@]}"; do
    GNUPGHOME=$home gpgconf --kill gpg-agent >/dev/null 2>&1 || true
  done
  if [ -n "${INKAN_INTEROP_KEEP:-}" ]; then echo "work folder kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
# A setup step that fails (a peer refusing to make its object, ...) aborts the script: say so.
trap 'fail "aborted: \"$BASH_COMMAND\" failed (line $LINENO)"; finish' ERR

pass() { PASSES=$((PASSES + 1)); printf 'PASS  %s\n' "$*"; }
fail() { FAILS=$((FAILS + 1)); printf 'FAIL  %s\n' "$*"; }

# Shows why a command failed, indented under the FAIL line.
show_log() { [ -s "$1" ] && sed -n '1,15s/^/        /p' "$1"; return 0; }

# check NAME CMD...: passes when CMD succeeds.
check() {
  local name=$1
  shift
  if "$@" >"$WORK/.out" 2>"$WORK/.err"; then pass "$name"; else fail "$name"; show_log "$WORK/.err"; show_log "$WORK/.out"; fi
}

# reject NAME CMD...: passes when CMD fails (a peer refusing a tampered object).
reject() {
  local name=$1
  shift
  if "$@" >"$WORK/.out" 2>"$WORK/.err"; then fail "$name (accepted)"; else pass "$name"; fi
}

# tampered ORIGINAL COPY: aborts (as a FAIL) if a tampering step left COPY unchanged,
# so that a "rejects" check can never pass on an untouched object.
tampered() { if cmp -s "$1" "$2"; then fail "tampering $2 changed nothing"; return 1; fi; }

# same_bytes NAME EXPECTED ACTUAL: byte-for-byte equality of two files.
same_bytes() {
  if cmp -s "$2" "$3"; then pass "$1"; else fail "$1"; cmp "$2" "$3" 2>&1 | sed 's/^/        /' || true; fi
}

# known_failure NAME DIAGNOSIS CMD...: a check for a known, diagnosed Inkan bug. It asserts
# the correct behaviour; while the bug lasts it prints XFAIL (not counted as a failure).
# Once CMD succeeds it prints XPASS and fails, so that the mark is removed.
KNOWN=0
known_failure() {
  local name=$1 why=$2
  shift 2
  if "$@" >"$WORK/.out" 2>"$WORK/.err"; then
    fail "$name (XPASS: fixed? remove the known_failure mark)"
  else
    KNOWN=$((KNOWN + 1))
    printf 'XFAIL %s\n        known bug: %s\n' "$name" "$why"
  fi
}

# finish: the summary line, then exit 1 if anything failed.
finish() {
  trap - ERR
  printf '\n%s: %d passed, %d failed, %d known failures\n' "$(basename "$0")" "$PASSES" "$FAILS" "$KNOWN"
  if [ "$FAILS" -eq 0 ]; then exit 0; else exit 1; fi
}

mime() { perl "$INTEROP_DIR/mime.pl" "$@"; }
inkan() { "$INKAN_CLI" "$@"; }

# Missing peers are failures, not skips: CI installs them (scripts/install-deps.sh test).
require_tools() {
  local t missing=0
  for t in openssl cmsutil certutil pk12util gpgsm gpg-agent gpgconf perl iconv base64 setsid cmp; do
    if ! command -v "$t" >/dev/null 2>&1; then fail "required tool '$t' is not installed"; missing=1; fi
  done
  perl -MMIME::Base64 -MMIME::QuotedPrint -MJSON::PP -e 1 2>/dev/null || { fail "perl lacks MIME::Base64/JSON::PP"; missing=1; }
  [ -x "$INKAN_CLI" ] || { fail "INKAN_CLI=$INKAN_CLI is not executable"; missing=1; }
  [ -f "$PKI/root.pem" ] || { fail "no test PKI in $PKI"; missing=1; }
  if [ "$missing" -ne 0 ]; then finish; fi
}

# ---- messages ---------------------------------------------------------------

rfc5322_now() { date -u '+%a, %d %b %Y %H:%M:%S +0000'; }

# plain_message OUT FROM BODY_TEXT: a small CRLF text message, as a client would hand it over.
plain_message() {
  {
    printf 'From: %s\r\nTo: bob@example.net\r\nSubject: interop test\r\nDate: %s\r\n' "$2" "$(rfc5322_now)"
    printf 'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n'
    printf '%s\r\n' "$3"
  } >"$1"
}

# big_message OUT EOL: a 1 MB multipart message (a text, a base64 attachment), lines ending in EOL.
big_message() {
  perl -e 'my $e = $ARGV[1]; srand(8551); open my $f, ">:raw", $ARGV[0] or die;
    print $f join($e, "From: alice\@example.org", "To: bob\@example.net", "Subject: big", "MIME-Version: 1.0",
      "Content-Type: multipart/mixed; boundary=\"b1\"", "", "--b1", "Content-Type: text/plain; charset=UTF-8",
      "Content-Transfer-Encoding: 7bit", "", "Attached.", "--b1", "Content-Type: application/octet-stream",
      "Content-Transfer-Encoding: base64", "", "");
    my @c = ("A".."Z", "a".."z", 0..9, "+", "/");
    for (1 .. 14000) { print $f join("", map { $c[int rand 64] } 1 .. 76), $e }
    print $f "--b1--", $e' "$1" "$2"
}
# after_headers IN OUT: the bytes after the first blank line (CRLF or LF).
after_headers() {
  perl -e 'local $/; open my $f, "<:raw", $ARGV[0] or die "$ARGV[0]: $!\n"; my $d = <$f>;
    $d =~ s/\A.*?\r?\n\r?\n//s; binmode STDOUT; print $d' "$1" >"$2"
}

# big_messages: big-crlf.eml and big-lf.eml (the same message with CRLF and with LF line
# ends), and big.body, the canonical (CRLF) body both must be signed or encrypted as.
big_messages() {
  big_message big-crlf.eml $'\r\n'
  big_message big-lf.eml $'\n'
  after_headers big-crlf.eml big.body
}

# ---- inkan verdicts ---------------------------------------------------------

# verdict FILE: "STATUS SIGNER" from a JSON verdict (signer "-" when null).
verdict() {
  perl -MJSON::PP -0777 -ne 'my $j = decode_json($_); printf "%s %s\n", $j->{status}, $j->{signer} // "-"' "$1" 2>/dev/null ||
    echo "unparsable -"
}

# inkan_good NAME SIGNER ARGS...: `inkan verify --json --trust root.pem ARGS` says good,
# names SIGNER, and exits 0.
inkan_good() {
  local name=$1 signer=$2 rc=0
  shift 2
  inkan verify --json --trust "$PKI/root.pem" "$@" >"$WORK/.verdict" 2>"$WORK/.err" || rc=$?
  local got
  got=$(verdict "$WORK/.verdict")
  if [ "$rc" -eq 0 ] && [ "$got" = "good $signer" ]; then
    pass "$name"
  else
    fail "$name (exit $rc, verdict '$got', wanted 'good $signer')"
    show_log "$WORK/.err"
    cut -c1-400 "$WORK/.verdict" | sed 's/^/        /'
  fi
}

# inkan_not_good NAME ARGS...: inkan verify runs, the status is not good, exit 1.
inkan_not_good() {
  local name=$1 rc=0
  shift
  inkan verify --json --trust "$PKI/root.pem" "$@" >"$WORK/.verdict" 2>"$WORK/.err" || rc=$?
  local got
  got=$(verdict "$WORK/.verdict")
  if [ "$rc" -eq 1 ] && [ "${got%% *}" != good ] && [ "${got%% *}" != unparsable ]; then
    pass "$name (${got%% *})"
  else
    fail "$name (exit $rc, verdict '$got', wanted a non-good verdict and exit 1)"
    show_log "$WORK/.err"
  fi
}

# inkan_decrypts NAME EXPECTED ARGS...: `inkan decrypt ARGS` exits 0 and writes exactly EXPECTED.
inkan_decrypts() {
  local name=$1 expected=$2 rc=0
  shift 2
  inkan decrypt --pass-env INKAN_TEST_PASS "$@" >"$WORK/.plain" 2>"$WORK/.err" || rc=$?
  if [ "$rc" -eq 0 ] && cmp -s "$expected" "$WORK/.plain"; then
    pass "$name"
  else
    fail "$name (exit $rc)"
    show_log "$WORK/.err"
    if [ "$rc" -eq 0 ]; then cmp "$expected" "$WORK/.plain" 2>&1 | sed 's/^/        /' || true; fi
  fi
}

# inkan_refuses_decrypt NAME ARGS...: inkan decrypt exits non-zero and writes nothing at all.
inkan_refuses_decrypt() {
  local name=$1 rc=0
  shift
  inkan decrypt --pass-env INKAN_TEST_PASS "$@" >"$WORK/.plain" 2>"$WORK/.err" || rc=$?
  if [ "$rc" -ne 0 ] && [ ! -s "$WORK/.plain" ]; then
    pass "$name (exit $rc)"
  else
    fail "$name (exit $rc, $(wc -c <"$WORK/.plain") bytes on stdout)"
  fi
}

# ---- CMS byte positions ---------------------------------------------------------

# sig_value_offset DER: an offset inside the last signer's signature value (the last
# OCTET STRING; our objects carry no unsigned attributes), three bytes before its end so
# that for ECDSA it lands inside s rather than in a DER header.
sig_value_offset() {
  openssl asn1parse -inform DER -in "$1" |
    awk '/prim: OCTET STRING/ { line = $0 } END {
      if (line == "") exit 1
      split(line, a, ":"); off = a[1] + 0
      match(line, /hl= *[0-9]+/); hl = substr(line, RSTART + 3, RLENGTH - 3) + 0
      match(line, /l= *[0-9]+ prim/); l = substr(line, RSTART + 2, RLENGTH - 7) + 0
      print off + hl + l - 3 }'
}

# tamper_signature IN OUT: copy of the DER IN with one byte of the signature value changed.
tamper_signature() {
  local off
  off=$(sig_value_offset "$1")
  cp "$1" "$2"
  mime flip "$2" "$off"
}

# tamper_ct IN OUT INDEX MASK: copy of the (Auth)EnvelopedData IN with byte INDEX of the
# encrypted content (INDEX < 0 counts from its end) XORed with MASK (hex).
tamper_ct() {
  local off
  off=$(openssl asn1parse -inform DER -in "$1" | mime ct-offset "$3")
  cp "$1" "$2"
  mime flip "$2" "$off" "$4"
}

# content_cipher DER: the content-encryption algorithm as OpenSSL names it (for labels).
content_cipher() {
  openssl cms -cmsout -print -inform DER -in "$1" 2>/dev/null |
    awk '/contentEncryptionAlgorithm:/ { getline; print $2; exit }'
}

# ---- NSS (cmsutil) --------------------------------------------------------------

# nss_db DIR P12...: a fresh NSS database trusting root.pem for e-mail (",C,", as
# Thunderbird's certificate manager would mark it), holding the given PKCS#12 identities.
nss_db() {
  local dir=$1 p12
  shift
  mkdir -p "$dir"
  certutil -N -d "sql:$dir" --empty-password
  certutil -A -d "sql:$dir" -n "Inkan Test Root" -t ",C," -i "$PKI/root.pem"
  for p12 in "$@"; do pk12util -d "sql:$dir" -i "$p12" -W "$INKAN_TEST_PASS" >/dev/null 2>&1 ||
    { echo "pk12util could not import $p12" >&2; return 1; }; done
}

# nss_verify_detached DB SIG CONTENT: cmsutil verifies a detached signature (exit 1 on any problem).
nss_verify_detached() { cmsutil -D -d "sql:$1" -i "$2" -c "$3" -o /dev/null; }
# nss_verify_opaque DB P7M OUT: cmsutil verifies an opaque signature and writes its content.
nss_verify_opaque() { cmsutil -D -d "sql:$1" -i "$2" -o "$3"; }

# ---- GnuPG (gpgsm) --------------------------------------------------------------

# gpgsm_home DIR LEGACY_P12...: a private GNUPGHOME trusting root.pem for S/MIME in
# trustlist.txt ("S relax", as /work/shared/interop-corpora/fresh-peers/make-fresh-peers.sh
# does), with CRL checks and dirmngr off: there is no network and our CAs publish no CRL
# location. gpgsm 2.2 reads only legacy (3DES/SHA-1) PKCS#12, hence *-legacy.p12.
gpgsm_home() {
  local dir=$1 p12 fpr
  shift
  mkdir -m 700 "$dir"
  GNUPG_HOMES+=("$dir")
  printf 'disable-crl-checks\ndisable-dirmngr\n' >"$dir/gpgsm.conf"
  printf 'allow-loopback-pinentry\n' >"$dir/gpg-agent.conf"
  GNUPGHOME=$dir gpgsm --batch --import "$PKI/root.pem" >/dev/null 2>&1
  fpr=$(openssl x509 -in "$PKI/root.pem" -noout -fingerprint -sha1 | sed 's/.*=//; s/://g')
  printf '%s S relax\n' "$fpr" >"$dir/trustlist.txt"
  for p12 in "$@"; do
    GNUPGHOME=$dir gpgsm --batch --no-tty --pinentry-mode loopback --passphrase-fd 3 \
      --import "$p12" 3<<<"$INKAN_TEST_PASS" >/dev/null 2>&1 || { echo "gpgsm could not import $p12" >&2; return 1; }
  done
}

# gpgsm stores every certificate a signature carries in its keybox, so after one
# verification the intermediate would be known to the home. Each verification gets a
# fresh copy of HOME instead, so every verdict shows the signature carried its chain.
gpgsm_fresh_copy() {  # HOME -> sets FRESH_HOME
  FRESH_HOME=$(mktemp -d "$WORK/gnupg-fresh.XXXXXX")
  chmod 700 "$FRESH_HOME"
  cp "$1"/pubring.kbx "$1"/trustlist.txt "$1"/gpgsm.conf "$1"/gpg-agent.conf "$FRESH_HOME"/
}
gpgsm_done() {  # stop the agent gpgsm started for FRESH_HOME
  GNUPGHOME=$FRESH_HOME gpgconf --kill gpg-agent >/dev/null 2>&1 || true
  rm -rf "$FRESH_HOME"
}

# gpgsm_verify HOME SIG [CONTENT]: exit 0 plus GOODSIG and TRUST_FULLY on the status
# channel: gpgsm also says "Good signature" for a chain it does not trust (exit 2).
gpgsm_verify() {
  local home=$1 status rc=0
  shift
  gpgsm_fresh_copy "$home"
  status=$(GNUPGHOME=$FRESH_HOME gpgsm --batch --status-fd 1 --verify "$@") || rc=$?
  gpgsm_done
  [ "$rc" -eq 0 ] && grep -q '^\[GNUPG:\] GOODSIG ' <<<"$status" && grep -q '^\[GNUPG:\] TRUST_FULLY' <<<"$status"
}

# gpgsm_verify_opaque HOME P7M OUT: as above for an opaque signature; writes its content.
gpgsm_verify_opaque() {
  local home=$1 status rc=0
  gpgsm_fresh_copy "$home"
  status=$(GNUPGHOME=$FRESH_HOME gpgsm --batch --status-fd 1 --verify -o "$3" "$2") || rc=$?
  gpgsm_done
  [ "$rc" -eq 0 ] && grep -q '^\[GNUPG:\] GOODSIG ' <<<"$status" && grep -q '^\[GNUPG:\] TRUST_FULLY' <<<"$status"
}

# gpgsm_decrypt HOME IN OUT: judged by gpgsm's DECRYPTION_OKAY status. gpgsm 2.2 exits 2
# after a successful decryption whenever a recipientInfo before the usable one names a
# certificate it has no secret key for (the same happens with OpenSSL-made messages to
# alice+bob), so the exit code alone cannot judge multi-recipient messages.
gpgsm_decrypt() {
  local status
  status=$(GNUPGHOME=$1 gpgsm --batch --no-tty --status-fd 1 --pinentry-mode loopback --passphrase-fd 3 \
    --decrypt -o "$3" "$2" 3<<<"$INKAN_TEST_PASS") || true
  grep -q '^\[GNUPG:\] DECRYPTION_OKAY' <<<"$status" && ! grep -q '^\[GNUPG:\] DECRYPTION_FAILED' <<<"$status"
}

# gpgsm_decrypt_strict HOME IN OUT: for single-recipient messages, exit 0 is required as well.
gpgsm_decrypt_strict() {
  local status
  status=$(GNUPGHOME=$1 gpgsm --batch --no-tty --status-fd 1 --pinentry-mode loopback --passphrase-fd 3 \
    --decrypt -o "$3" "$2" 3<<<"$INKAN_TEST_PASS") || return 1
  grep -q '^\[GNUPG:\] DECRYPTION_OKAY' <<<"$status"
}

# ---- OpenSSL ---------------------------------------------------------------------

# ossl_verify IN OUT [ARGS...]: openssl cms -verify against root.pem only, so the
# intermediate must come from the message itself.
ossl_verify() {
  local in=$1 out=$2
  shift 2
  openssl cms -verify -in "$in" -CAfile "$PKI/root.pem" -purpose smimesign -out "$out" "$@"
}
