#!/usr/bin/env bash
# Bench PKI for one key type, made with the openssl command line (never by Inkan):
# a CA and two people with e-mail certificates, in the file names of the test PKI
# (tests/pki/make-pki.sh) so that tools written for it (bench/host_client) work here.
#
# usage: bench/make-pki.sh ALG DIR        ALG: rsa2048 | rsa4096 | p256
#   root.pem/.key   the CA (same key type)
#   alice.*, bob.*  .key (PEM, unencrypted), .pem, -chain.pem (with the CA), .p12 (password "test")
#                   alice@example.org and bob@example.net, as in bench/make-messages.py
#   recipients-N.pem  N further certificates for bob's key (r1@example.net ...; each also in
#                   recipients/rI.pem), for the recipient-count curve: made on demand by
#                   `make-pki.sh ALG DIR recipients N`
set -euo pipefail
alg=${1:?usage: make-pki.sh ALG DIR [recipients N]}
dir=${2:?usage: make-pki.sh ALG DIR [recipients N]}
mkdir -p "$dir"
cd "$dir"

genkey() {  # FILE
  case $alg in
    rsa2048) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" 2>/dev/null ;;
    rsa4096) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:4096 -out "$1" 2>/dev/null ;;
    p256) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -pkeyopt ec_param_enc:named_curve \
            -out "$1" 2>/dev/null ;;
    *) echo "unknown key type $alg" >&2; exit 2 ;;
  esac
}
# RSA keys encrypt the content key; EC keys agree on one (RFC 5753).
if [ "$alg" = p256 ]; then usage=keyAgreement; else usage=keyEncipherment; fi

issue() {  # NAME EMAIL KEY OUT
  cat > "$1.ext" <<EXT
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,nonRepudiation,$usage
extendedKeyUsage=emailProtection
subjectAltName=email:$2
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
EXT
  openssl req -new -key "$3" -subj "/O=Inkan Bench/CN=$1/emailAddress=$2" -out "$1.csr"
  openssl x509 -req -in "$1.csr" -CA root.pem -CAkey root.key -CAcreateserial -sha256 -days 3650 \
    -extfile "$1.ext" -out "$4" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}

if [ "${3:-}" = recipients ]; then
  n=${4:?recipients N}
  [ -s "recipients-$n.pem" ] && exit 0
  mkdir -p recipients
  for i in $(seq 1 "$n"); do
    [ -s "recipients/r$i.pem" ] || issue "r$i" "r$i@example.net" bob.key "recipients/r$i.pem"
    cat "recipients/r$i.pem"
  done > "recipients-$n.tmp"
  mv "recipients-$n.tmp" "recipients-$n.pem"
  exit 0
fi

[ -f .done ] && exit 0
genkey root.key
openssl req -x509 -new -key root.key -sha256 -days 3650 -subj "/O=Inkan Bench/CN=Inkan Bench CA $alg" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -addext "subjectKeyIdentifier=hash" -out root.pem
for who in alice:alice@example.org bob:bob@example.net; do
  name=${who%%:*}
  email=${who#*:}
  genkey "$name.key"
  issue "$name" "$email" "$name.key" "$name.pem"
  cat "$name.pem" root.pem > "$name-chain.pem"
  openssl verify -purpose smimesign -CAfile root.pem "$name.pem" >/dev/null
  # AES PBES2 (OpenSSL 3's default), which NSS 3.87 imports too.
  openssl pkcs12 -export -in "$name.pem" -inkey "$name.key" -certfile root.pem -name "$name" \
    -passout pass:test -keypbe AES-256-CBC -certpbe AES-256-CBC -macalg sha256 -out "$name.p12"
done
touch .done
