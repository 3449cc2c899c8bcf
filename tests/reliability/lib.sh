# Shared by the store reliability scripts (sourced): the interop helpers (PASS/FAIL
# accounting, a private work folder), plus items to write into a store, made by the
# openssl command line: identities (EC P-256, self-signed, an e-mail address) as
# PKCS#12, and CA certificates for `inkan trust add`.
source "$(dirname "${BASH_SOURCE[0]}")/../interop/lib.sh"
command -v openssl >/dev/null || { fail "openssl is not installed"; finish; }
[ -x "$INKAN_CLI" ] || { fail "INKAN_CLI=$INKAN_CLI is not executable"; finish; }
perl -MJSON::PP -MDigest::SHA -MMIME::Base64 -e 1 2>/dev/null || { fail "perl lacks JSON::PP/Digest::SHA"; finish; }
export ITEM_PASS=item-pass

# make_identity NAME [pem]: NAME.p12 (password $ITEM_PASS) for NAME@example.org, or with
# "pem" NAME.pem holding key and certificate (one openssl process fewer).
make_identity() {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" -subj "/CN=$1" \
    -addext "subjectAltName=email:$1@example.org" -addext "keyUsage=critical,digitalSignature,keyAgreement" \
    -addext extendedKeyUsage=emailProtection -days 60 -out "$1.crt" 2>/dev/null
  if [ "${2:-}" = pem ]; then
    cat "$1.key" "$1.crt" >"$1.pem"
  else
    openssl pkcs12 -export -in "$1.crt" -inkey "$1.key" -passout "pass:$ITEM_PASS" -out "$1.p12"
  fi
}

# make_ca NAME: NAME.crt, a CA certificate.
make_ca() {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" -subj "/CN=$1 CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -days 60 \
    -out "$1.crt" 2>/dev/null
}

# fingerprints CERT...: for each NAME.crt, NAME.fp holding its SHA-256 (of the DER, computed
# by Perl's Digest::SHA: one process for all, and not Inkan).
fingerprints() {
  perl -MDigest::SHA=sha256_hex -MMIME::Base64 -e '
    for my $f (@ARGV) {
      open(my $in, "<", $f) or die "$f: $!"; local $/; my $pem = <$in>;
      my ($b64) = $pem =~ /-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----/s or die "$f: no certificate";
      (my $fp = $f) =~ s/\.crt$/.fp/;
      open(my $out, ">", $fp) or die; print $out sha256_hex(decode_base64($b64)), "\n";
    }' "$@"
}

# json_fingerprints KIND FILE: the fingerprints in `inkan id list --json` (KIND=identities)
# or `inkan trust list --json` (KIND=anchors: the user's own, not Mozilla's built-in roots),
# one a line, sorted; "problems" -> stderr.
json_fingerprints() {
  perl -MJSON::PP -0777 -ne '
    my $j = decode_json($_);
    print STDERR "problem: $_->{file} $_->{code} $_->{detail}\n" for @{$j->{problems}};
    print "$_->{fingerprint}\n" for grep { ($_->{source} // "") ne "builtin" } @{$j->{'"$1"'}};' "$2" | sort
}

# every_file_parses ROOT: each identity file is JSON with its certificate, each anchor a
# certificate openssl reads (judged without Inkan).
every_file_parses() {
  local f bad=0
  for f in "$1"/identities/*.json; do
    [ -e "$f" ] || continue
    perl -MJSON::PP -0777 -ne 'my $j = decode_json($_); exit !($j->{certificate} =~ /BEGIN CERTIFICATE/ &&
      $j->{private_key} =~ /BEGIN ENCRYPTED PRIVATE KEY/)' "$f" 2>/dev/null || { echo "unreadable: $f" >&2; bad=1; }
  done
  for f in "$1"/trust/anchors/*.pem; do
    [ -e "$f" ] || continue
    openssl x509 -in "$f" -noout 2>/dev/null || { echo "unreadable: $f" >&2; bad=1; }
  done
  return "$bad"
}

# ---- contacts ----------------------------------------------------------------------------

# make_contact_cert NAME ADDRESS: NAME.crt and NAME.key, an EC P-256 certificate for ADDRESS
# issued by the test PKI's intermediate (sub), so it chains to root.pem.
make_contact_cert() {
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" -subj "/CN=$1" \
    -out "$1.csr" 2>/dev/null
  printf 'subjectAltName=email:%s\nkeyUsage=critical,digitalSignature,keyAgreement\nextendedKeyUsage=emailProtection\nbasicConstraints=CA:FALSE\nauthorityKeyIdentifier=keyid\n' \
    "$2" >"$1.ext"
  openssl x509 -req -in "$1.csr" -CA "$PKI/sub.pem" -CAkey "$PKI/sub.key" -set_serial "0x$(openssl rand -hex 8)" \
    -days 300 -extfile "$1.ext" -out "$1.crt" 2>/dev/null
}

# signed_mail NAME ADDRESS ID OUT: a message From ADDRESS with Message-ID <ID>, signed by
# `openssl cms -sign` with NAME.crt/NAME.key (carrying the intermediate), with a Date.
signed_mail() {
  printf 'Content-Type: text/plain\r\n\r\nHello from %s (%s).\r\n' "$2" "$3" >"$4.part"
  openssl cms -sign -in "$4.part" -signer "$1.crt" -inkey "$1.key" -certfile "$PKI/sub.pem" -md sha256 \
    -from "$2" -to me@example.org -subject test -out "$4.raw"
  { printf 'Date: %s\nMessage-ID: <%s>\n' "$(date -u '+%a, %d %b %Y %H:%M:%S +0000')" "$3"; cat "$4.raw"; } >"$4"
  rm -f "$4.part" "$4.raw"
}

# contact_history ADDRESS: "FINGERPRINT TIMES_SEEN" per certificate in `inkan contact show
# --json`, sorted; nothing when there is no such contact.
contact_history() {
  "$INKAN_CLI" contact show "$1" --json 2>/dev/null |
    perl -MJSON::PP -0777 -ne 'my $j = decode_json($_); print "$_->{fingerprint} $_->{times_seen}\n" for @{$j->{history}}' | sort
}

# every_contact_parses ROOT: each contact file is JSON with its address and certificates
# (perl JSON::PP, not Inkan), each intermediate a certificate openssl reads.
every_contact_parses() {
  local f bad=0
  while IFS= read -r f; do
    perl -MJSON::PP -0777 -ne 'my $j = decode_json($_); exit !($j->{format} eq "inkan-contact" &&
      $j->{address} =~ /@/ && @{$j->{certificates}} > 0 &&
      !grep { $_->{certificate} !~ /BEGIN CERTIFICATE/ } @{$j->{certificates}})' "$f" 2>/dev/null ||
      { echo "unreadable: $f" >&2; bad=1; }
  done < <(find "$1/contacts" -name '*.json' 2>/dev/null)
  for f in "$1"/intermediates/*.pem; do
    [ -e "$f" ] || continue
    openssl x509 -in "$f" -noout 2>/dev/null || { echo "unreadable: $f" >&2; bad=1; }
  done
  return "$bad"
}
