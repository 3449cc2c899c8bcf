#!/usr/bin/env bash
# Certificates for the lint rules (docs/lint.md), made with the openssl command line
# (a third party), never with Inkan. One certificate breaks one rule where it can;
# tests/unit/x509/lint_test.cpp lists the exact findings each one must give.
#
# usage: make-lint-certs.sh OUTDIR
# Files: NAME.pem (certificate), NAME.key. CAs: root, sub (the usual issuer, EKU
# emailProtection), plus odd CAs named below. Every leaf is valid for 365 days from
# now unless its name says otherwise, and carries a 16-byte random serial.
set -euo pipefail
out=${1:?usage: make-lint-certs.sh OUTDIR}
mkdir -p "$out"
cd "$out"
[ -f .done ] && exit 0

rsa() { openssl genpkey -algorithm RSA -pkeyopt "rsa_keygen_bits:${2:-2048}" ${3:+-pkeyopt rsa_keygen_pubexp:$3} -out "$1.key" 2>/dev/null; }
ec() { openssl genpkey -algorithm EC -pkeyopt "ec_paramgen_curve:$2" -pkeyopt ec_param_enc:named_curve -out "$1.key" 2>/dev/null; }
other_key() { openssl genpkey -algorithm "$2" -out "$1.key" 2>/dev/null; }
dsa() {
  openssl genpkey -genparam -algorithm DSA -pkeyopt dsa_paramgen_bits:1024 -out "$1.params" 2>/dev/null
  openssl genpkey -paramfile "$1.params" -out "$1.key" 2>/dev/null
}
serial() { echo "0x$(openssl rand -hex 16)"; }

# Extension sections. $EMAIL is the leaf's address.
cat > ext.cnf <<'CNF'
[root]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[root_server_eku]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
[sub]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
extendedKeyUsage = emailProtection
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[sub_no_eku]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
# The CASTLE intermediate (acme_email#60): EKU without emailProtection.
[sub_tls_eku]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
extendedKeyUsage = serverAuth,clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[sub_any_eku]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
extendedKeyUsage = anyExtendedKeyUsage
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
# Same name and key identifier as sub, another key: its signatures do not verify.
[impostor]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
extendedKeyUsage = emailProtection
subjectKeyIdentifier = $ENV::SUB_SKI
authorityKeyIdentifier = keyid

[clean]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = emailProtection
subjectAltName = email:$ENV::EMAIL
certificatePolicies = 2.23.140.1.5.1.3
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[clean_ec]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyAgreement
extendedKeyUsage = emailProtection
subjectAltName = email:$ENV::EMAIL
certificatePolicies = 2.23.140.1.5.1.3
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[legacy]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = emailProtection
subjectAltName = email:$ENV::EMAIL
certificatePolicies = 2.23.140.1.5.1.1
[no_policy]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = emailProtection
subjectAltName = email:$ENV::EMAIL
[no_eku]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
subjectAltName = email:$ENV::EMAIL
certificatePolicies = 2.23.140.1.5.1.3
[server_only]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = email:$ENV::EMAIL
certificatePolicies = 2.23.140.1.5.1.3
[multipurpose_forbidden]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = emailProtection,serverAuth,codeSigning,timeStamping,anyExtendedKeyUsage
subjectAltName = email:$ENV::EMAIL
certificatePolicies = 2.23.140.1.5.1.2
[strict_client_auth]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = emailProtection,clientAuth
subjectAltName = email:$ENV::EMAIL
certificatePolicies = 2.23.140.1.5.1.3
[multipurpose_client_auth]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = emailProtection,clientAuth
subjectAltName = email:$ENV::EMAIL
certificatePolicies = 2.23.140.1.5.1.2
[ocsp_signing]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = emailProtection,OCSPSigning
subjectAltName = email:$ENV::EMAIL
certificatePolicies = 2.23.140.1.5.1.2
[no_ku]
basicConstraints = critical,CA:FALSE
extendedKeyUsage = emailProtection
subjectAltName = email:$ENV::EMAIL
certificatePolicies = 2.23.140.1.5.1.3
[ku_not_critical]
basicConstraints = critical,CA:FALSE
keyUsage = digitalSignature,keyEncipherment
extendedKeyUsage = emailProtection
subjectAltName = email:$ENV::EMAIL
certificatePolicies = 2.23.140.1.5.1.3
[ec_key_encipherment]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = emailProtection
subjectAltName = email:$ENV::EMAIL
certificatePolicies = 2.23.140.1.5.1.3
[rsa_key_agreement]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyAgreement
extendedKeyUsage = emailProtection
subjectAltName = email:$ENV::EMAIL
certificatePolicies = 2.23.140.1.5.1.3
[leaf_cert_sign]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment,keyCertSign
extendedKeyUsage = emailProtection
subjectAltName = email:$ENV::EMAIL
certificatePolicies = 2.23.140.1.5.1.3
[sign_only]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = emailProtection
subjectAltName = email:$ENV::EMAIL
certificatePolicies = 2.23.140.1.5.1.3
[encrypt_only]
basicConstraints = critical,CA:FALSE
keyUsage = critical,keyEncipherment
extendedKeyUsage = emailProtection
subjectAltName = email:$ENV::EMAIL
certificatePolicies = 2.23.140.1.5.1.3
[ec_encrypt_only]
basicConstraints = critical,CA:FALSE
keyUsage = critical,keyAgreement
extendedKeyUsage = emailProtection
subjectAltName = email:$ENV::EMAIL
certificatePolicies = 2.23.140.1.5.1.3
[ed_sign]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = emailProtection
subjectAltName = email:$ENV::EMAIL
certificatePolicies = 2.23.140.1.5.1.3
[no_san]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = emailProtection
certificatePolicies = 2.23.140.1.5.1.3
[smtputf8]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = emailProtection
subjectAltName = otherName:1.3.6.1.5.5.7.8.9;UTF8:山田@例え.jp
certificatePolicies = 2.23.140.1.5.1.3
[ca_leaf]
basicConstraints = critical,CA:TRUE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = emailProtection
subjectAltName = email:$ENV::EMAIL
certificatePolicies = 2.23.140.1.5.1.3
CNF

# issue NAME ISSUER SECTION SUBJECT [openssl x509 options...]; the key NAME.key must exist.
issue() {
  local name=$1 issuer=$2 section=$3 subject=$4
  shift 4
  openssl req -new -key "$name.key" -subj "$subject" -out "$name.csr" 2>/dev/null
  # Defaults, unless the caller gives its own (openssl refuses an option twice).
  local opts=() extra=" $* "
  [[ $extra == *" -days "* ]] || opts+=(-days 365)
  [[ $extra == *" -set_serial "* ]] || opts+=(-set_serial "$(serial)")
  [[ $extra == *" -sha1 "* || $extra == *" -md5 "* ]] || opts+=(-sha256)
  openssl x509 -req -in "$name.csr" -CA "$issuer.pem" -CAkey "$issuer.key" -extfile ext.cnf -extensions "$section" \
    "${opts[@]}" "$@" -out "$name.pem" 2>/dev/null
}
ca() {  # NAME SECTION SUBJECT: a self-signed CA with the section's extensions
  openssl req -new -key "$1.key" -subj "$3" -out "$1.csr" 2>/dev/null
  openssl x509 -req -in "$1.csr" -signkey "$1.key" -extfile ext.cnf -extensions "$2" -days 3650 -sha256 \
    -set_serial "$(serial)" -out "$1.pem" 2>/dev/null
}
leaf() {  # NAME ISSUER SECTION [options]: subject CN + emailAddress = NAME@example.org
  export EMAIL="$1@example.org"
  issue "$1" "$2" "$3" "/CN=$EMAIL/emailAddress=$EMAIL" "${@:4}"
}

export EMAIL=unused@example.org SUB_SKI=00
# The CAs.
rsa root; ca root root "/CN=Lint Test Root"
rsa root-server-eku; ca root-server-eku root_server_eku "/CN=Lint Test Root With Server EKU"
rsa sub; issue sub root sub "/CN=Lint Test Intermediate" -days 3000
rsa sub-no-eku; issue sub-no-eku root sub_no_eku "/CN=Lint Test Intermediate Without EKU" -days 3000
rsa sub-tls-eku; issue sub-tls-eku root sub_tls_eku "/CN=Lint Test Intermediate With TLS EKU" -days 3000
rsa sub-any-eku; issue sub-any-eku root sub_any_eku "/CN=Lint Test Intermediate With anyEKU" -days 3000
rsa sub-under-server-root; issue sub-under-server-root root-server-eku sub "/CN=Lint Test Intermediate Under Server Root" -days 3000
rsa sub-short; issue sub-short root sub "/CN=Lint Test Short Intermediate" -days 1
SUB_SKI=$(openssl x509 -in sub.pem -noout -ext subjectKeyIdentifier | tail -1 | tr -d ' ')
export SUB_SKI
rsa impostor; issue impostor root impostor "/CN=Lint Test Intermediate" -days 3000

# Conformant leaves: the baseline every other leaf differs from.
rsa clean-rsa; leaf clean-rsa sub clean
ec clean-p256 P-256; leaf clean-p256 sub clean_ec
ec clean-p384 P-384; leaf clean-p384 sub clean_ec
ec clean-p521 P-521; leaf clean-p521 sub clean_ec
rsa clean-under-no-eku-sub; leaf clean-under-no-eku-sub sub-no-eku clean
rsa legacy-1000-days; leaf legacy-1000-days sub legacy -days 1000

# Validity.
rsa validity-900-days; leaf validity-900-days sub clean -days 900
rsa validity-824-days; leaf validity-824-days sub clean -days 824
rsa validity-825-days; leaf validity-825-days sub clean -days 825
rsa legacy-1200-days; leaf legacy-1200-days sub legacy -days 1200
# Algorithms and keys.
rsa sha1-signed; leaf sha1-signed sub clean -sha1
rsa md5-signed; leaf md5-signed sub clean -md5
rsa rsa-1024 1024; leaf rsa-1024 sub clean
rsa rsa-2052 2052; leaf rsa-2052 sub clean
rsa rsa-exponent-3 2048 3; leaf rsa-exponent-3 sub clean
ec secp256k1 secp256k1; leaf secp256k1 sub clean_ec
dsa dsa-key; leaf dsa-key sub sign_only
other_key ed25519 ED25519; leaf ed25519 sub ed_sign
# Serial numbers.
rsa serial-short; leaf serial-short sub clean -set_serial 4096
rsa serial-zero; leaf serial-zero sub clean -set_serial 0
# EKU.
rsa no-eku; leaf no-eku sub no_eku
rsa server-only; leaf server-only sub server_only
rsa multipurpose-forbidden; leaf multipurpose-forbidden sub multipurpose_forbidden
rsa strict-client-auth; leaf strict-client-auth sub strict_client_auth
rsa multipurpose-client-auth; leaf multipurpose-client-auth sub multipurpose_client_auth
rsa ocsp-signing; leaf ocsp-signing sub ocsp_signing
# Key usage.
rsa no-ku; leaf no-ku sub no_ku
rsa ku-not-critical; leaf ku-not-critical sub ku_not_critical
ec ec-key-encipherment P-256; leaf ec-key-encipherment sub ec_key_encipherment
rsa rsa-key-agreement; leaf rsa-key-agreement sub rsa_key_agreement
rsa leaf-cert-sign; leaf leaf-cert-sign sub leaf_cert_sign
rsa sign-only; leaf sign-only sub sign_only
rsa encrypt-only; leaf encrypt-only sub encrypt_only
ec ec-encrypt-only P-256; leaf ec-encrypt-only sub ec_encrypt_only
# Addresses and subject.
rsa no-san; leaf no-san sub no_san
rsa no-address; issue no-address sub no_san "/CN=Nobody In Particular"
rsa subject-email-differs; EMAIL=alice@example.org issue subject-email-differs sub clean \
  "/CN=alice@example.org/emailAddress=other@example.org"
rsa smtputf8; issue smtputf8 sub smtputf8 "/CN=Yamada"
rsa mailbox-subject-org; EMAIL=org@example.org issue mailbox-subject-org sub clean \
  "/CN=org@example.org/O=Example Org/emailAddress=org@example.org"
rsa no-policy; leaf no-policy sub no_policy
# What the certificate is.
rsa ca-leaf; leaf ca-leaf sub ca_leaf
rsa self-signed; EMAIL=self-signed@example.org openssl req -new -key self-signed.key -out self-signed.csr \
  -subj "/CN=self-signed@example.org/emailAddress=self-signed@example.org" 2>/dev/null
EMAIL=self-signed@example.org openssl x509 -req -in self-signed.csr -signkey self-signed.key -extfile ext.cnf \
  -extensions no_policy -days 365 -sha256 -set_serial "$(serial)" -out self-signed.pem 2>/dev/null
# The chain.
rsa from-root; leaf from-root root clean
rsa under-tls-eku-sub; leaf under-tls-eku-sub sub-tls-eku clean
rsa under-any-eku-sub; leaf under-any-eku-sub sub-any-eku clean
rsa under-server-root; leaf under-server-root sub-under-server-root clean
rsa under-short-sub; leaf under-short-sub sub-short clean
rsa issued-by-leaf; leaf issued-by-leaf clean-rsa clean

rm -f ./*.csr ./*.params
touch .done
