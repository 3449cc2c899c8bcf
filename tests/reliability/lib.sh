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
