#!/usr/bin/env bash
# Actalis's free S/MIME path (research/enrolment.md 3.1): the certificate arrives
# as a ZIP holding one PKCS#12 that Actalis encoded with a pbeWithSHA1And40BitRC2-CBC
# certificate bag, a pbeWithSHA1And3-KeyTripleDES-CBC key bag and a SHA-1 MAC of
# 102400 iterations. Here `openssl pkcs12 -export -legacy` makes such a file from
# the test PKI and `zip` (and Python's zipfile for the hostile shapes) packs it;
# Inkan never makes its own test material. `inkan id import FILE.zip` must
# import it (key re-sealed under the store key, source "actalis", linted,
# reminder date), say BAD_PASSWORD for a wrong password, and refuse archives it
# cannot trust with ARCHIVE_UNUSABLE. The verification-code mail is read by
# `inkan actalis code`.
source "$(dirname "$0")/lib.sh"
require_tools
for t in zip python3; do command -v "$t" >/dev/null || { fail "required tool '$t' is not installed"; finish; }; done
cd "$WORK"
export INKAN_HOME=$WORK/store ACTALIS_PASS='kX7#vq2Lm9'

# The file as Actalis makes it: the leaf, its intermediate, the key; RC2-40 / 3DES / SHA-1 MAC.
openssl pkcs12 -export -legacy -certpbe PBE-SHA1-RC2-40 -keypbe PBE-SHA1-3DES -macalg sha1 -iter 102400 \
  -in "$PKI/alice.pem" -inkey "$PKI/alice.key" -certfile "$PKI/alice-chain.pem" -name alice@example.org \
  -passout env:ACTALIS_PASS -out PKCS12_Credential_alice@example.org.pfx
openssl pkcs12 -in PKCS12_Credential_alice@example.org.pfx -passin env:ACTALIS_PASS -legacy -info -noout >pfx.info 2>&1 || true
check "the test file has Actalis's encoding: RC2-40 certificate bag" grep -q 'PKCS7 Encrypted data: pbeWithSHA1And40BitRC2-CBC, Iteration 102400' pfx.info
check "... 3DES key bag" grep -q 'Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 102400' pfx.info
check "... SHA-1 MAC, 102400 iterations" grep -q 'MAC: sha1, Iteration 102400' pfx.info
reject "OpenSSL 3 without the legacy provider cannot read it (why Inkan loads it)" \
  openssl pkcs12 -in PKCS12_Credential_alice@example.org.pfx -passin env:ACTALIS_PASS -nokeys -provider default -out /dev/null
zip -q actalis.zip PKCS12_Credential_alice@example.org.pfx

# ---- import --------------------------------------------------------------------------------------
export WRONG=wrong
inkan id import actalis.zip --pass-env WRONG --json >wrong.json 2>/dev/null || echo "exit=$?" >wrong.exit
check "wrong password: BAD_PASSWORD (exit 4)" bash -c "grep -q 'exit=4' wrong.exit && grep -q '\"code\":\"BAD_PASSWORD\"' wrong.json"
check "nothing was imported" bash -c "! ls '$INKAN_HOME/identities/'*.json 2>/dev/null"
check "inkan id import FILE.zip" inkan id import actalis.zip --pass-env ACTALIS_PASS --json
inkan id list --json >list.json
check "the identity is alice's, source actalis, from the .pfx, with its chain" perl -MJSON::PP -0777 -ne '
  my $j = decode_json($_); my $i = $j->{identities}[0];
  exit(@{$j->{identities}} == 1 && $i->{addresses}[0] eq "alice\@example.org" && $i->{source} eq "actalis"
       && $i->{source_file} eq "PKCS12_Credential_alice\@example.org.pfx" && $i->{chain_length} >= 1 ? 0 : 1)' list.json
fp=$(perl -MJSON::PP -0777 -ne 'print decode_json($_)->{identities}[0]{fingerprint}' list.json)
check "the key is re-sealed under the store key (PBES2 AES-256, opened by openssl pkcs8)" bash -c "
  perl -MJSON::PP -0777 -ne 'print decode_json(\$_)->{private_key}' '$INKAN_HOME/identities/$fp.json' >sealed.pem &&
  grep -q 'BEGIN ENCRYPTED PRIVATE KEY' sealed.pem &&
  openssl pkcs8 -in sealed.pem -passin pass:\$(perl -MJSON::PP -0777 -ne 'print decode_json(\$_)->{store_key}{key}' '$INKAN_HOME/store.json') -out key.pem &&
  [ \"\$(openssl pkey -in key.pem -pubout)\" = \"\$(openssl pkey -in '$PKI/alice.key' -pubout)\" ]"
plain_message msg.eml alice@example.org "Signed with the key from Actalis's ZIP."
check "the imported key signs; openssl verifies" bash -c "'$INKAN_CLI' sign msg.eml -o signed.eml &&
  openssl cms -verify -in signed.eml -CAfile '$PKI/root.pem' -purpose smimesign -out /dev/null"
inkan id import actalis.zip --pass-env ACTALIS_PASS --json >again.json 2>/dev/null || echo "exit=$?" >again.exit
check "importing again: ALREADY_EXISTS" grep -q '"code":"ALREADY_EXISTS"' again.json

# ---- archives Inkan refuses ----------------------------------------------------------------------
refused() {  # NAME ZIP DETAIL: exit 3, ARCHIVE_UNUSABLE, the detail says DETAIL
  local rc=0
  INKAN_HOME=$WORK/other inkan id import "$2" --pass-env ACTALIS_PASS --json >"$2.json" 2>/dev/null || rc=$?
  if [ "$rc" -eq 3 ] && grep -q '"code":"ARCHIVE_UNUSABLE"' "$2.json" && grep -q "$3" "$2.json"; then
    pass "$1"
  else
    fail "$1 (exit $rc)"
    show_log "$2.json"
  fi
}
python3 - <<'EOF'
import zipfile
pfx = open("PKCS12_Credential_alice@example.org.pfx", "rb").read()
with zipfile.ZipFile("two.zip", "w") as z:
    z.writestr("a.pfx", pfx)
    z.writestr("b.p12", pfx)
with zipfile.ZipFile("traversal.zip", "w") as z:
    z.writestr("../../PKCS12_Credential.pfx", pfx)
with zipfile.ZipFile("absolute.zip", "w") as z:
    z.writestr("/tmp/PKCS12_Credential.pfx", pfx)
with zipfile.ZipFile("none.zip", "w") as z:
    z.writestr("readme.txt", "no certificate here")
with zipfile.ZipFile("bomb.zip", "w", compression=zipfile.ZIP_DEFLATED) as z:
    z.writestr("big.pfx", b"\0" * (64 << 20))
with zipfile.ZipFile("many.zip", "w") as z:
    for i in range(70):
        z.writestr("f%02d.txt" % i, "x")
    z.writestr("a.pfx", pfx)
EOF
zip -q -P secret encrypted.zip PKCS12_Credential_alice@example.org.pfx
head -c 300 actalis.zip >truncated.zip
refused "two PKCS#12 files" two.zip "2 PKCS#12 files inside"
refused "a name that climbs out (../)" traversal.zip "unsafe name"
refused "an absolute name" absolute.zip "unsafe name"
refused "no .pfx inside" none.zip "no .pfx or .p12"
refused "a 64 MiB bomb stops at 1 MiB" bomb.zip "larger than 1 MiB"
refused "more than 64 entries" many.zip "more than 64 entries"
refused "an encrypted ZIP" encrypted.zip "encrypted"
refused "a truncated ZIP" truncated.zip "PKCS12_Credential"
check "bomb.zip is small (the limit is on what inflates, not on the file)" test "$(stat -c %s bomb.zip)" -lt 200000
check "nothing was imported from the refused archives" bash -c "! ls '$WORK/other/identities/'*.json 2>/dev/null"

# ---- the verification-code mail ------------------------------------------------------------------
printf 'From: Actalis <noreply@actalis.it>\r\nTo: alice@example.org\r\nSubject: Actalis - verification code\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nDear customer,\r\nPlease enter the following verification code in the "Verification Code" field of the request form:\r\n\r\n  8H2K4Q\r\n\r\nBest regards,\r\nActalis S.p.A.\r\n' >code.eml
check "actalis code finds the code" test "$(inkan actalis code code.eml 2>/dev/null)" = 8H2K4Q
inkan actalis code --json code.eml >code.json
check "actalis code --json: from_actalis" grep -q '"from_actalis":true' code.json

finish
