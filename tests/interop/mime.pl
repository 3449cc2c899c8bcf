#!/usr/bin/perl
# Byte-exact MIME surgery for the interop tests. The peers (cmsutil, gpgsm)
# only take DER and raw content, so something has to cut messages apart and
# put them back together; doing it here, with plain Perl, keeps Inkan's own
# MIME code out of the judging.
#
# usage: mime.pl COMMAND ARGS...
#   split MSG CONTENT SIG        multipart/signed: the signed part's exact bytes and the DER signature
#   body MSG OUT                 a single-part entity's body, decoded per Content-Transfer-Encoding
#   part-body MSG OUT            the first part of a multipart/signed, decoded (the signed text)
#   headers MSG OUT              the header section (up to, not including, the blank line)
#   headers-without MSG OUT FIELD...  the header section minus the named fields (with their
#                                continuation lines), every line ending in CRLF
#   resign MSG SIG OUT           MSG with its signature part replaced by the DER file SIG
#   rebody MSG DER OUT           a base64 single-part entity with its body replaced by DER
#   flip FILE OFFSET [MASK]      XOR one byte in place (OFFSET < 0 counts from the end; MASK default 0x01)
#   subst FILE OLD NEW           replace the only occurrence of OLD by NEW (same length) in place
#   wrap-signed HDRS CONTENT SIG OUT   build multipart/signed from outer headers, signed part and DER
#   wrap-p7m HDRS DER TYPE OUT   build application/pkcs7-mime (smime-type TYPE) from outer headers and DER
#   bare-lf FILE                 exit 1 if FILE has a LF not preceded by CR (prints the first offset)
#   eight-bit FILE               exit 1 if FILE has a byte above 0x7F (prints the first offset)
#   fields FILE NAME             every NAME field anywhere in FILE (at a line start), unfolded and
#                                RFC 2047 decoded (Perl's Encode), one per line, UTF-8
#   ct-offset INDEX < ASN1PARSE  file offset of byte INDEX (< 0: from the end) of the encrypted
#                                content, given `openssl asn1parse` output of an (Auth)EnvelopedData
use strict;
use warnings;
use MIME::Base64 qw(encode_base64 decode_base64);
use MIME::QuotedPrint qw(decode_qp);

sub slurp {
  my ($path) = @_;
  open my $fh, '<:raw', $path or die "$path: $!\n";
  local $/;
  my $data = <$fh>;
  return defined $data ? $data : '';
}

sub spew {
  my ($path, $data) = @_;
  open my $fh, '>:raw', $path or die "$path: $!\n";
  print {$fh} $data;
  close $fh or die "$path: $!\n";
}

# Splits an entity at its first empty line; works for CRLF and bare-LF input.
sub head_body {
  my ($m) = @_;
  $m =~ /\A(.*?)(\r?\n)\r?\n/s or die "no header/body separator\n";
  my ($head, $eol) = ($1, $2);
  return ($head, substr($m, length($head) + 2 * length($eol)), $eol);
}

sub header_value {
  my ($head, $name) = @_;
  (my $unfolded = $head) =~ s/\r?\n[ \t]+/ /g;
  return $1 if $unfolded =~ /^\Q$name\E:[ \t]*(.*?)\r?$/mi;
  return undef;
}

sub boundary_of {
  my ($head) = @_;
  my $ct = header_value($head, 'Content-Type') // die "no Content-Type\n";
  $ct =~ /boundary="([^"]+)"/i or $ct =~ /boundary=([^;\s]+)/i or die "no boundary\n";
  return $1;
}

sub b64_lines {
  my ($der) = @_;
  (my $b64 = encode_base64($der, '')) =~ s/(.{1,76})/$1\r\n/g;
  return $b64;
}

sub decode_body {
  my ($head, $body) = @_;
  my $cte = lc(header_value($head, 'Content-Transfer-Encoding') // '7bit');
  $cte =~ s/\s+$//;
  return decode_base64($body) if $cte eq 'base64';
  return decode_qp($body) if $cte eq 'quoted-printable';
  return $body;
}

# Locates the two parts of a multipart/signed body (RFC 1847): the CRLF before
# each delimiter belongs to the delimiter, not to the part.
sub signed_parts {
  my ($m) = @_;
  my ($head, $body, $eol) = head_body($m);
  my $b = boundary_of($head);
  my $open = 0;
  if (substr($body, 0, length("--$b$eol")) ne "--$b$eol") {
    $open = index($body, "$eol--$b$eol");
    die "no first delimiter\n" if $open < 0;
    $open += length($eol);
  }
  my $start = $open + length("--$b$eol");
  my $end = index($body, "$eol--$b$eol", $start);
  die "no second delimiter\n" if $end < 0;
  my $sig_start = $end + length("$eol--$b$eol");
  my $sig_end = index($body, "$eol--$b--", $sig_start);
  die "no closing delimiter\n" if $sig_end < 0;
  my $offset = length($m) - length($body);
  return ($offset + $start, $end - $start, $offset + $sig_start, $sig_end - $sig_start);
}

my $cmd = shift @ARGV // die "usage: mime.pl COMMAND ARGS...\n";

if ($cmd eq 'split') {
  my ($msg, $content_out, $sig_out) = @ARGV;
  my $m = slurp($msg);
  my ($cs, $cl, $ss, $sl) = signed_parts($m);
  spew($content_out, substr($m, $cs, $cl));
  my ($sh, $sb) = head_body(substr($m, $ss, $sl) . "\r\n");
  spew($sig_out, decode_body($sh, $sb));
} elsif ($cmd eq 'body') {
  my ($msg, $out) = @ARGV;
  my ($head, $body) = head_body(slurp($msg));
  spew($out, decode_body($head, $body));
} elsif ($cmd eq 'part-body') {
  my ($msg, $out) = @ARGV;
  my $m = slurp($msg);
  my ($cs, $cl) = signed_parts($m);
  my ($head, $body) = head_body(substr($m, $cs, $cl));
  spew($out, decode_body($head, $body));
} elsif ($cmd eq 'headers') {
  my ($msg, $out) = @ARGV;
  my ($head) = head_body(slurp($msg));
  spew($out, $head);
} elsif ($cmd eq 'headers-without') {
  my ($msg, $out, @drop) = @ARGV;
  my ($head) = head_body(slurp($msg));
  my %drop = map { lc($_) => 1 } @drop;
  my ($keep, $result) = (1, '');
  for my $line (split /\r?\n/, $head) {
    $keep = !$drop{lc $1} if $line =~ /^([^ \t:]+):/;
    $result .= "$line\r\n" if $keep;
  }
  spew($out, $result);
} elsif ($cmd eq 'resign') {
  my ($msg, $sig, $out) = @ARGV;
  my $m = slurp($msg);
  my (undef, undef, $ss, $sl) = signed_parts($m);
  my $part = substr($m, $ss, $sl);
  $part =~ /\A(.*?\r\n\r\n)/s or die "signature part has no header/body separator\n";
  my $new = $1 . b64_lines(slurp($sig));
  substr($m, $ss, $sl) = $new;
  spew($out, $m);
} elsif ($cmd eq 'rebody') {
  my ($msg, $der, $out) = @ARGV;
  my ($head, undef, $eol) = head_body(slurp($msg));
  spew($out, $head . $eol . $eol . b64_lines(slurp($der)));
} elsif ($cmd eq 'flip') {
  my ($file, $offset, $mask) = @ARGV;
  die "flip: OFFSET must be an integer, got '" . ($offset // '') . "'\n" unless defined $offset && $offset =~ /^-?\d+$/;
  my $d = slurp($file);
  $offset += length($d) if $offset < 0;
  die "offset outside the file\n" if $offset < 0 || $offset >= length($d);
  substr($d, $offset, 1) = chr(ord(substr($d, $offset, 1)) ^ (defined $mask ? hex($mask) : 1));
  spew($file, $d);
} elsif ($cmd eq 'subst') {
  my ($file, $old, $new) = @ARGV;
  die "OLD and NEW differ in length\n" if length($old) != length($new);
  my $d = slurp($file);
  my $at = index($d, $old);
  die "'$old' not found\n" if $at < 0;
  die "'$old' found more than once\n" if index($d, $old, $at + 1) >= 0;
  substr($d, $at, length($old)) = $new;
  spew($file, $d);
} elsif ($cmd eq 'wrap-signed') {
  my ($hdrs, $content, $sig, $out) = @ARGV;
  my $b = 'interop-' . join('', map { ('a'..'z')[rand 26] } 1 .. 16);
  spew($out, slurp($hdrs)
    . "MIME-Version: 1.0\r\n"
    . "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256;\r\n"
    . " boundary=\"$b\"\r\n\r\n"
    . "This is an S/MIME signed message.\r\n\r\n"
    . "--$b\r\n" . slurp($content) . "\r\n--$b\r\n"
    . "Content-Type: application/pkcs7-signature; name=\"smime.p7s\"\r\n"
    . "Content-Transfer-Encoding: base64\r\n\r\n"
    . b64_lines(slurp($sig)) . "\r\n--$b--\r\n");
} elsif ($cmd eq 'wrap-p7m') {
  my ($hdrs, $der, $type, $out) = @ARGV;
  spew($out, slurp($hdrs)
    . "MIME-Version: 1.0\r\n"
    . "Content-Type: application/pkcs7-mime; smime-type=$type; name=\"smime.p7m\"\r\n"
    . "Content-Transfer-Encoding: base64\r\n\r\n"
    . b64_lines(slurp($der)));
} elsif ($cmd eq 'bare-lf') {
  my ($file) = @ARGV;
  my $d = slurp($file);
  if ($d =~ /(?<!\r)\n/g) {
    print 'bare LF at offset ', pos($d) - 1, "\n";
    exit 1;
  }
} elsif ($cmd eq 'eight-bit') {
  my ($file) = @ARGV;
  my $d = slurp($file);
  if ($d =~ /[\x80-\xFF]/g) {
    print '8-bit byte at offset ', pos($d) - 1, "\n";
    exit 1;
  }
} elsif ($cmd eq 'fields') {
  require Encode;
  my ($file, $name) = @ARGV;
  my $d = slurp($file);
  while ($d =~ /^\Q$name\E:[ \t]*((?:.*?)(?:\r?\n[ \t].*?)*)\r?$/gmi) {
    (my $v = $1) =~ s/\r?\n(?=[ \t])//g;
    print Encode::encode('UTF-8', Encode::decode('MIME-Header', $v)), "\n";
  }
} elsif ($cmd eq 'ct-offset') {
  # encryptedContent is the first [0] after the content-encryption algorithm: one
  # primitive, or (BER, as streaming encoders write it) OCTET STRING chunks up to EOC.
  my ($index) = @ARGV;
  my @lines = <STDIN>;
  my ($alg) = grep { $lines[$_] =~ /prim: OBJECT\s+:(aes-|des-|rc2-)/ } 0 .. $#lines;
  die "no content-encryption algorithm found\n" unless defined $alg;
  my ($depth, @chunks);
  for my $line (@lines[$alg + 1 .. $#lines]) {
    my ($off, $d, $hl, $len, $kind) = $line =~ /^\s*(\d+):d=(\d+)\s+hl=\s*(\d+)\s+l=\s*(\d+|inf)\s+(prim|cons):/ or next;
    if (!defined $depth) {
      next unless $line =~ /cont \[ 0 \]/;
      if ($kind eq 'prim') { push @chunks, [$off + $hl, $len]; last; }
      $depth = $d;
      next;
    }
    last if $d <= $depth || $line =~ /EOC/;
    push @chunks, [$off + $hl, $len] if $kind eq 'prim';
  }
  die "no encrypted content found\n" unless @chunks;
  my $total = 0;
  $total += $_->[1] for @chunks;
  $index += $total if $index < 0;
  die "index outside the encrypted content\n" if $index < 0 || $index >= $total;
  for my $c (@chunks) {
    if ($index < $c->[1]) { print $c->[0] + $index, "\n"; exit 0; }
    $index -= $c->[1];
  }
} else {
  die "unknown command $cmd\n";
}
