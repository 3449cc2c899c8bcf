#!/usr/bin/env bash
# Builds the test PKI with the openssl command line (a third party), never with
# Inkan itself, so tests cannot pass by our code agreeing with itself.
#
# usage: make-pki.sh OUTDIR
# Every end-entity gets NAME.key (PEM, unencrypted), NAME.pem (certificate),
# NAME-chain.pem (certificate + intermediate) and NAME.p12 (password "test",
# with chain). Trust anchor: root.pem. CRL: sub.crl (revokes "revoked").
set -euo pipefail
out=${1:?usage: make-pki.sh OUTDIR}
# A PKI made by an older version of this script is made again (new certificates appear).
script_sum=$(sha256sum "$0" | cut -d' ' -f1)
mkdir -p "$out"
cd "$out"

# Anchors for the trust-store tests: a root bearing root.pem's very name but another key
# (nothing root signed may verify through it), and 60 unrelated self-signed roots. Also
# added to a PKI made before they existed.
make_decoys() {
  [ -f decoy-roots.pem ] && return 0
  export EMAIL=none@example.invalid CA_NAME=root  # openssl.cnf reads them
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out impostor-root.key 2>/dev/null
  openssl req -x509 -new -config openssl.cnf -key impostor-root.key -subj "/CN=Inkan Test root" -days 3650 \
    -extensions root_ext -out impostor-root.pem
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out decoy.key 2>/dev/null
  for i in $(seq 1 60); do
    openssl req -x509 -new -config openssl.cnf -key decoy.key -subj "/O=Inkan Decoys/CN=Decoy root $i" \
      -days 3650 -extensions root_ext
  done > decoy-roots.pem.tmp
  mv decoy-roots.pem.tmp decoy-roots.pem
}
[ -f .done ] && [ "$(cat .done)" = "$script_sum" ] && exit 0
find . -mindepth 1 -delete

cat > openssl.cnf <<'CNF'
[req]
distinguished_name = dn
prompt = no
[dn]
CN = placeholder

[ca]
default_ca = the_ca
[the_ca]
dir = .
database = $dir/index-$ENV::CA_NAME.txt
new_certs_dir = $dir/newcerts
serial = $dir/serial-$ENV::CA_NAME
crlnumber = $dir/crlnumber-$ENV::CA_NAME
default_md = sha256
default_days = 730
default_crl_days = 3650
policy = any
unique_subject = no
copy_extensions = none
email_in_dn = yes
[any]
commonName = supplied
emailAddress = optional
organizationName = optional

[root_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[sub_ext]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[rsa_ext]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = emailProtection
subjectAltName = email:$ENV::EMAIL
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ec_ext]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature,keyAgreement
extendedKeyUsage = emailProtection
subjectAltName = email:$ENV::EMAIL
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[server_eku_ext]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = email:$ENV::EMAIL
[encrypt_only_ext]
basicConstraints = CA:FALSE
keyUsage = critical,keyEncipherment
extendedKeyUsage = emailProtection
subjectAltName = email:$ENV::EMAIL
[sign_only_ext]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = emailProtection
subjectAltName = email:$ENV::EMAIL
[no_email_ext]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = emailProtection
CNF

mkdir -p newcerts
export EMAIL=none@example.invalid CA_NAME=root

init_ca() {  # name
  : > "index-$1.txt"
  echo 1000 > "serial-$1"
  echo 1000 > "crlnumber-$1"
}

issue() {  # ca_name ca_cert ca_key subject ext csr out [start end]
  local dates=(-days 730)
  [ $# -ge 9 ] && dates=(-startdate "$8" -enddate "$9")
  CA_NAME=$1 openssl ca -batch -config openssl.cnf -cert "$2" -keyfile "$3" -in "$6" -out "$7" \
    -extensions "$5" -subj "$4" -notext "${dates[@]}" 2>/dev/null
}

rsa_key() { openssl genpkey -algorithm RSA -pkeyopt "rsa_keygen_bits:${2:-2048}" -out "$1" 2>/dev/null; }
ec_key() { openssl genpkey -algorithm EC -pkeyopt "ec_paramgen_curve:$2" -out "$1" 2>/dev/null; }
csr() { openssl req -new -config openssl.cnf -key "$1" -subj "/CN=x" -out "$2"; }

# Roots: the trusted one, and one nobody trusts.
for r in root other-root; do
  rsa_key "$r.key"
  openssl req -x509 -new -config openssl.cnf -key "$r.key" -subj "/CN=Inkan Test ${r}" -days 3650 \
    -extensions root_ext -out "$r.pem"
  init_ca "$r"
done
rsa_key sub.key
csr sub.key sub.csr
issue root root.pem root.key "/CN=Inkan Test Intermediate" sub_ext sub.csr sub.pem
init_ca sub
# A second intermediate under the same root: another trusted CA (for contacts' key changes).
rsa_key sub2.key
csr sub2.key sub2.csr
issue root root.pem root.key "/CN=Inkan Test Intermediate 2" sub_ext sub2.csr sub2.pem
init_ca sub2

# person ca_name key_kind ext email [start end]
person() {
  local name=$1 ca=$2 kind=$3 ext=$4 email=$5
  case $kind in
    rsa*) rsa_key "$name.key" "${kind#rsa}" ;;
    p256) ec_key "$name.key" P-256 ;;
    p384) ec_key "$name.key" P-384 ;;
  esac
  csr "$name.key" "$name.csr"
  local ca_cert=sub.pem ca_key=sub.key
  [ "$ca" = other-root ] && { ca_cert=other-root.pem; ca_key=other-root.key; }
  [ "$ca" = sub2 ] && { ca_cert=sub2.pem; ca_key=sub2.key; }
  EMAIL=$email issue "$ca" "$ca_cert" "$ca_key" "/CN=${name}/emailAddress=${email}" "$ext" "$name.csr" "$name.pem" "${@:6}"
  cat "$name.pem" "$ca_cert" > "$name-chain.pem"
  openssl pkcs12 -export -in "$name.pem" -inkey "$name.key" -certfile "$ca_cert" \
    -passout pass:test -out "$name.p12"
}

person alice sub rsa2048 rsa_ext alice@example.org
person bob sub rsa2048 rsa_ext bob@example.net
person carol sub p256 ec_ext carol@example.org
person dave sub p384 ec_ext dave@example.org
person frank sub rsa3072 rsa_ext frank@example.org
person expired sub rsa2048 rsa_ext expired@example.org 20200101000000Z 20210101000000Z
person notyet sub rsa2048 rsa_ext notyet@example.org 20900101000000Z 20910101000000Z
person servereku sub rsa2048 server_eku_ext servereku@example.org
person encryptonly sub rsa2048 encrypt_only_ext encryptonly@example.org
person signonly sub rsa2048 sign_only_ext signonly@example.org
person revoked sub rsa2048 rsa_ext revoked@example.org
person weak sub rsa1024 rsa_ext weak@example.org
person mallory other-root rsa2048 rsa_ext mallory@example.org

# For the store (tests/unit/store): an address with a history (expired, older, newest),
# an address with separate signing and encryption certificates, and alice's key
# certified a second time (a renewal that comes as a certificate alone).
person history-old sub rsa2048 rsa_ext history@example.org 20200101000000Z 20210101000000Z
person history-mid sub p256 ec_ext history@example.org 20240101000000Z 20990101000000Z
person history-new sub p256 ec_ext history@example.org
person split-sign sub p256 sign_only_ext split@example.org
person split-enc sub rsa2048 encrypt_only_ext split@example.org
EMAIL=alice@example.org issue sub sub.pem sub.key "/CN=alice/emailAddress=alice@example.org" rsa_ext alice.csr \
  alice-renewed.pem

# For the contacts (tests/unit/store/contacts_*): one address, tofu@example.org, with
# certificates from the same CA (tofu-old; tofu-new, a renewal with a newer notBefore;
# tofu-older, older than tofu-old), from another trusted CA (tofu-sub2), from an
# untrusted root (tofu-other), and a self-signed one (tofu-self).
person tofu-old sub rsa2048 rsa_ext tofu@example.org 20240101000000Z 20990101000000Z
person tofu-older sub rsa2048 rsa_ext tofu@example.org 20230101000000Z 20990101000000Z
person tofu-new sub rsa2048 rsa_ext tofu@example.org
person tofu-sub2 sub2 rsa2048 rsa_ext tofu@example.org
person tofu-other other-root rsa2048 rsa_ext tofu@example.org
rsa_key tofu-self.key
openssl req -x509 -new -config openssl.cnf -key tofu-self.key -subj "/CN=tofu/emailAddress=tofu@example.org" -days 730 \
  -addext "subjectAltName=email:tofu@example.org" -addext "keyUsage=critical,digitalSignature,keyEncipherment" \
  -addext "extendedKeyUsage=emailProtection" -addext "basicConstraints=CA:FALSE" -out tofu-self.pem
cp tofu-self.pem tofu-self-chain.pem
openssl pkcs12 -export -in tofu-self.pem -inkey tofu-self.key -passout pass:test -out tofu-self.p12

# A signing-only certificate has no email in the SAN or subject.
rsa_key noemail.key
csr noemail.key noemail.csr
issue sub sub.pem sub.key "/CN=noemail" no_email_ext noemail.csr noemail.pem
cat noemail.pem sub.pem > noemail-chain.pem
openssl pkcs12 -export -in noemail.pem -inkey noemail.key -certfile sub.pem -passout pass:test -out noemail.p12

CA_NAME=sub openssl ca -batch -config openssl.cnf -cert sub.pem -keyfile sub.key -revoke revoked.pem \
  -crl_reason keyCompromise 2>/dev/null
CA_NAME=sub openssl ca -batch -config openssl.cnf -cert sub.pem -keyfile sub.key -gencrl -out sub.crl 2>/dev/null

# gpgsm 2.2 reads only the legacy (3DES/SHA-1) PKCS#12 encoding, and not every file of it:
# it derives the 3DES key wrongly for about one salt in 128 (store/pkcs12_writer.cpp), so
# one file in 64 that openssl writes is unreadable to it. These files are for gpgsm:
# where it is installed, it judges each, and openssl exports again (new salts) until it reads one.
gpgsm_reads() {  # P12
  command -v gpgsm >/dev/null || return 0
  local home status=1
  home=$(mktemp -d)
  printf 'allow-loopback-pinentry\n' >"$home/gpg-agent.conf"
  printf 'disable-crl-checks\ndisable-dirmngr\n' >"$home/gpgsm.conf"
  if GNUPGHOME=$home gpgsm --batch --no-tty --pinentry-mode loopback --passphrase-fd 3 --import "$1" \
    3<<<test >"$home/log" 2>&1 && ! grep -q 'error parsing or decrypting' "$home/log"; then
    status=0
  fi
  GNUPGHOME=$home gpgconf --kill all 2>/dev/null || true
  rm -rf "$home"
  return $status
}
for n in alice bob; do
  for _ in 1 2 3 4 5 6 7 8; do
    openssl pkcs12 -export -legacy -in "$n.pem" -inkey "$n.key" -certfile sub.pem -passout pass:test -out "$n-legacy.p12"
    gpgsm_reads "$n-legacy.p12" && break
  done
done
make_decoys
echo "$script_sum" > .done
