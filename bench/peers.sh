#!/usr/bin/env bash
# Sets up the peers for one bench PKI (bench/make-pki.sh): an NSS database for
# cmsutil and a GnuPG home for gpgsm, each holding alice's and bob's keys and
# trusting the CA, the way performance-anchors.md measured them.
#
# usage: bench/peers.sh PKIDIR NSSDIR GNUPGHOME
# Needs libnss3-tools, gpgsm, gpg-agent, python3-cryptography (bench/agent-key.py).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
pki=$(cd "${1:?usage: peers.sh PKIDIR NSSDIR GNUPGHOME}" && pwd)
nss=${2:?}
home=${3:?}

if [ ! -f "$nss/.done" ]; then
  rm -rf "$nss"
  mkdir -p "$nss"
  certutil -N -d "sql:$nss" --empty-password
  certutil -A -d "sql:$nss" -n ca -t "C,C,C" -i "$pki/root.pem"
  for who in alice bob; do pk12util -d "sql:$nss" -i "$pki/$who.p12" -W test -K "" >/dev/null; done
  touch "$nss/.done"
fi

if [ ! -f "$home/.done" ]; then
  rm -rf "$home"
  mkdir -m 700 -p "$home"
  printf 'allow-loopback-pinentry\ndefault-cache-ttl 86400\n' >"$home/gpg-agent.conf"
  printf 'disable-crl-checks\ndisable-trusted-cert-crl-check\ndisable-dirmngr\npinentry-mode loopback\n' >"$home/gpgsm.conf"
  fpr=$(openssl x509 -in "$pki/root.pem" -noout -fingerprint -sha1 | sed 's/.*=//')
  echo "$fpr S relax" >"$home/trustlist.txt"
  GNUPGHOME=$home gpgsm --batch --import "$pki/root.pem" 2>/dev/null
  for who in alice:alice@example.org bob:bob@example.net; do
    name=${who%%:*}
    GNUPGHOME=$home gpgsm --batch --import "$pki/$name.pem" 2>/dev/null
    grip=$(GNUPGHOME=$home gpgsm --with-colons --with-keygrip -k "${who#*:}" | awk -F: '/^grp/ { print $10; exit }')
    python3 "$here/agent-key.py" "$pki/$name.key" "$grip" "$home"
  done
  touch "$home/.done"
fi
