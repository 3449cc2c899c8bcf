#!/usr/bin/env bash
# The company CA (inkan ca) judged by the peers: certificates it issues verify
# with `openssl verify -purpose smimesign/smimeencrypt`, NSS `vfychain -u 4/-u 5`
# (e-mail signer / recipient, with only the company root trusted, as Thunderbird's
# certificate manager would mark it), and gpgsm (the legacy .p12 imported, a
# signature made and verified with the company root in trustlist.txt). A message
# signed by Inkan with an issued identity is good for `inkan verify` once the
# user trusted the CA (`inkan trust add CA.der`, or `id import --trust-ca`), and
# cmsutil agrees. After `inkan ca revoke`, the CRL of `inkan ca crl` makes
# `openssl verify -crl_check` and `inkan verify --crl` say revoked.
source "$(dirname "$0")/lib.sh"
require_tools
command -v vfychain >/dev/null || { fail "required tool 'vfychain' is not installed"; finish; }
cd "$WORK"

ADMIN=$WORK/admin USER_HOME=$WORK/user
mkdir -p out
admin() { INKAN_HOME=$ADMIN inkan "$@"; }
user() { INKAN_HOME=$USER_HOME inkan "$@"; }

check "ca init (RSA-3072)" admin ca init --name "Example Co CA" --json
check "ca issue alice (RSA, modern .p12)" \
  admin ca issue --cn "Alice Example" --email alice@example.com --out-dir out --password-file alice.pw --memo laptop
check "ca issue bob (RSA, legacy .p12 for gpgsm)" \
  admin ca issue --cn "Bob Example" --email bob@example.com --out-dir out --legacy --password-file bob.pw
check "ca issue carol (P-256)" \
  admin ca issue --cn "Carol Example" --email carol@example.com --key-type p256 --days 825 --out-dir out --password-file carol.pw
reject "ca issue refuses 826 days" admin ca issue --cn X --email x@example.com --days 826 --out-dir out
reject "ca issue never replaces a .p12" admin ca issue --cn A --email alice@example.com --out-dir out --password-file again.pw
check "the .p12 is private (0600)" test "$(stat -c %a out/alice@example.com.p12)" = 600
check "the password file is private (0600)" test "$(stat -c %a alice.pw)" = 600
check "the CA certificate is DER" openssl x509 -inform DER -in out/Example_Co_CA.der -noout
openssl x509 -inform DER -in out/Example_Co_CA.der -out root.pem

# ---- the profile, as openssl reads it -------------------------------------------------------------
for who in alice bob carol; do
  export P12PASS=$(cat "$who.pw")
  openssl pkcs12 -in "out/$who@example.com.p12" -passin env:P12PASS -nokeys -clcerts -out "$who.pem" 2>/dev/null
  openssl pkcs12 -in "out/$who@example.com.p12" -passin env:P12PASS -nokeys -cacerts -out "$who-chain.pem" 2>/dev/null
  openssl pkcs12 -in "out/$who@example.com.p12" -passin env:P12PASS -nocerts -nodes -out "$who.key" 2>/dev/null
  check "openssl verify -purpose smimesign ($who)" openssl verify -purpose smimesign -CAfile root.pem -untrusted "$who-chain.pem" "$who.pem"
  # OpenSSL's smimeencrypt purpose wants keyEncipherment, which EC keys never have (they agree on
  # keys: keyAgreement, SBR 7.1.2.3 e), so it is asked of the RSA certificates only; NSS judges all.
  if [ "$who" != carol ]; then
    check "openssl verify -purpose smimeencrypt ($who)" openssl verify -purpose smimeencrypt -CAfile root.pem -untrusted "$who-chain.pem" "$who.pem"
  fi
  check "inkan lint: no errors or warnings ($who)" bash -c "'$INKAN_CLI' lint '$who.pem' --chain '$who-chain.pem' --chain root.pem --json | perl -MJSON::PP -0777 -ne '
    my \$j = decode_json(\$_); exit((grep { \$_->{severity} ne \"info\" } @{\$j->{findings}}) ? 1 : 0)'"
done
openssl x509 -in alice.pem -noout -text >alice.txt
check "leaf: SAN rfc822Name" grep -q 'email:alice@example.com' alice.txt
check "leaf: EKU emailProtection only" bash -c "grep -A1 'Extended Key Usage' alice.txt | tail -1 | grep -qx ' *E-mail Protection'"
check "leaf: keyUsage critical, digitalSignature + keyEncipherment (RSA)" \
  bash -c "grep -A1 'Key Usage: critical' alice.txt | grep -q 'Digital Signature, Key Encipherment'"
check "leaf (EC): digitalSignature + keyAgreement" \
  bash -c "openssl x509 -in carol.pem -noout -text | grep -A1 'Key Usage: critical' | grep -q 'Digital Signature, Key Agreement'"
check "leaf: SHA-256 signature" grep -q 'Signature Algorithm: sha256WithRSAEncryption' alice.txt
check "leaf: serial of at least 128 bits" bash -c "[ \$(openssl x509 -in alice.pem -noout -serial | sed 's/serial=//' | wc -c) -ge 33 ]"
check "leaf: subject and authority key identifiers" bash -c "grep -q 'Subject Key Identifier' alice.txt && grep -q 'Authority Key Identifier' alice.txt"
openssl x509 -in root.pem -noout -text >root.txt
check "root: CA:TRUE critical, pathlen 1" bash -c "grep -A1 'Basic Constraints: critical' root.txt | grep -q 'CA:TRUE, pathlen:1'"
check "root: keyCertSign + cRLSign critical" bash -c "grep -A1 'Key Usage: critical' root.txt | grep -q 'Certificate Sign, CRL Sign'"
reject "root: no extendedKeyUsage" grep -q 'Extended Key Usage' root.txt
openssl x509 -in alice-chain.pem -noout -text >issuing.txt  # the first certificate: the issuing CA
check "issuing CA: CA:TRUE critical, pathlen 0" bash -c "grep -A1 'Basic Constraints: critical' issuing.txt | grep -q 'CA:TRUE, pathlen:0'"
reject "issuing CA: no extendedKeyUsage" grep -q 'Extended Key Usage' issuing.txt

# ---- NSS (Thunderbird's library) -------------------------------------------------------------
mkdir nss
certutil -N -d sql:nss --empty-password
certutil -A -d sql:nss -n "Example Co CA" -t ",C," -i root.pem
for who in alice bob carol; do
  pk12util -d sql:nss -i "out/$who@example.com.p12" -W "$(cat "$who.pw")" >/dev/null 2>&1 ||
    fail "pk12util imports $who's .p12"
  check "vfychain -u 4 (e-mail signer): $who" vfychain -d sql:nss -u 4 -a "$who.pem" -a "$who-chain.pem"
  check "vfychain -u 5 (e-mail recipient): $who" vfychain -d sql:nss -u 5 -a "$who.pem" -a "$who-chain.pem"
done
mkdir nss-untrusted
certutil -N -d sql:nss-untrusted --empty-password
reject "vfychain refuses without the company root" vfychain -d sql:nss-untrusted -u 4 -a alice.pem -a alice-chain.pem

# ---- gpgsm -----------------------------------------------------------------------------------------
GPG=$WORK/gnupg
mkdir -m 700 "$GPG"
GNUPG_HOMES+=("$GPG")
printf 'disable-crl-checks\ndisable-dirmngr\n' >"$GPG/gpgsm.conf"
printf 'allow-loopback-pinentry\n' >"$GPG/gpg-agent.conf"
GNUPGHOME=$GPG gpgsm --batch --import root.pem >/dev/null 2>&1
printf '%s S relax\n' "$(openssl x509 -in root.pem -noout -fingerprint -sha1 | sed 's/.*=//; s/://g')" >"$GPG/trustlist.txt"
check "gpgsm imports bob's legacy .p12" bash -c "GNUPGHOME='$GPG' gpgsm --batch --no-tty --pinentry-mode loopback \
  --passphrase-fd 3 --import out/bob@example.com.p12 3<bob.pw"
printf 'Signed by gpgsm with a key from the company CA.\n' >content.txt
GNUPGHOME=$GPG gpgsm --batch --no-tty --pinentry-mode loopback --passphrase-fd 3 -u bob@example.com \
  --detach-sign -o gpgsm.p7s content.txt 3<bob.pw >/dev/null 2>&1 || true
check "gpgsm --verify: good, fully trusted" gpgsm_verify "$GPG" gpgsm.p7s content.txt
check "openssl agrees with gpgsm's signature" openssl cms -verify -binary -inform DER -in gpgsm.p7s -content content.txt \
  -CAfile root.pem -purpose smimesign -out /dev/null

# ---- the user's side: import, trust, sign, verify ----------------------------------------------------
plain_message msg.eml alice@example.com "Signed with a certificate from the company CA."
check "user imports alice's .p12" user id import out/alice@example.com.p12 --pass-file alice.pw
check "user signs" user sign msg.eml -o signed.eml
status_of() { perl -MJSON::PP -0777 -ne 'print decode_json($_)->{status}' "$1" 2>/dev/null || echo unparsable; }
user verify --json signed.eml >before.json 2>/dev/null || true
check "inkan verify before trusting the CA: untrusted" test "$(status_of before.json)" = untrusted
check "inkan trust add CA.der" user trust add out/Example_Co_CA.der
user verify --json signed.eml >after.json 2>/dev/null || true
check "inkan verify with the CA trusted: good" test "$(status_of after.json)" = good
mime split signed.eml signed.content signed.p7s
# nss: the company root trusted for e-mail (",C,") and nothing else.
check "cmsutil -D (e-mail signer) verifies inkan's signature" nss_verify_detached nss signed.p7s signed.content
check "cmsutil -D -u 5 agrees" cmsutil -D -d sql:nss -u 5 -i signed.p7s -c signed.content -o /dev/null
reject "cmsutil refuses it without the company root" cmsutil -D -d sql:nss-untrusted -i signed.p7s -c signed.content -o /dev/null
check "openssl cms -verify agrees" openssl cms -verify -in signed.eml -CAfile root.pem -purpose smimesign -out /dev/null

# The other user path: the .p12 and the CA trusted in one step.
check "id import --trust-ca imports carol and trusts the company root" \
  bash -c "INKAN_HOME='$WORK/user2' '$INKAN_CLI' id import out/carol@example.com.p12 --pass-file carol.pw --trust-ca --json >join.json"
check "--trust-ca trusted exactly the company root" perl -MJSON::PP -0777 -ne '
  my $j = decode_json($_); exit(@{$j->{trusted}} == 1 && $j->{trusted}[0]{label} eq "Example Co CA" ? 0 : 1)' join.json

# ---- revocation ---------------------------------------------------------------------------------------
serial=$(openssl x509 -in alice.pem -noout -serial | sed 's/serial=//')
check "ca crl before any revocation" admin ca crl --out crl0.pem
check "openssl verify -crl_check: not revoked yet" \
  openssl verify -crl_check -CAfile root.pem -untrusted alice-chain.pem -CRLfile crl0.pem alice.pem
check "ca revoke alice (keyCompromise)" admin ca revoke "$serial" --reason keyCompromise
reject "ca revoke twice" admin ca revoke "$serial"
reject "ca revoke an unknown serial" admin ca revoke 0123456789ABCDEF
check "ca crl" admin ca crl --out crl.pem --json
check "the CRL names alice's serial with its reason" bash -c "openssl crl -in crl.pem -noout -text | grep -A6 'Serial Number: $serial' | grep -q 'Key Compromise'"
check "the CRL number went up" bash -c "openssl crl -in crl.pem -noout -crlnumber | grep -qx 'crlNumber=0x02'"
check "openssl verifies the CRL's signature" openssl crl -in crl.pem -noout -CAfile alice-chain.pem
if openssl verify -crl_check -CAfile root.pem -untrusted alice-chain.pem -CRLfile crl.pem alice.pem >ossl-crl.out 2>&1; then
  fail "openssl verify -crl_check: revoked (accepted)"
else
  check "openssl verify -crl_check: revoked" grep -q 'certificate revoked' ossl-crl.out
fi
user verify --json --crl crl.pem signed.eml >revoked.json 2>/dev/null || true
check "inkan verify --crl: revoked" test "$(status_of revoked.json)" = revoked
check "ca list shows alice revoked" bash -c "INKAN_HOME='$ADMIN' '$INKAN_CLI' ca list --json | perl -MJSON::PP -0777 -ne '
  my \$j = decode_json(\$_); my (\$a) = grep { \$_->{email} eq \"alice\@example.com\" } @{\$j->{cas}[0]{issued}};
  exit(\$a->{status} eq \"revoked\" && \$a->{reason} eq \"keyCompromise\" && \$a->{memo} eq \"laptop\" ? 0 : 1)'"

finish
