"""Real peers judge what reached the SMTP sink: OpenSSL `openssl cms` and NSS
`cmsutil` (Thunderbird's own engine). Test messages from other people are made
by `openssl cms` too, never by Inkan.
"""
import base64
import email
import email.policy
import os
import re
import subprocess
import tempfile


class PeerError(AssertionError):
    pass


def _run(args, data=None, env=None):
    proc = subprocess.run(args, input=data, capture_output=True, timeout=60, env=env)
    if proc.returncode != 0:
        raise PeerError(f"{' '.join(args)} failed ({proc.returncode}): {proc.stderr.decode(errors='replace')}")
    return proc.stdout


def _tmp(data, suffix=".eml"):
    fd, path = tempfile.mkstemp(suffix=suffix)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    return path


def openssl_verify(message, ca_file):
    """`openssl cms -verify` of an S/MIME message; returns the signed content."""
    path = _tmp(message)
    try:
        return _run(["openssl", "cms", "-verify", "-in", path, "-CAfile", ca_file, "-purpose", "smimesign"])
    finally:
        os.unlink(path)


def openssl_decrypt(message, cert_file, key_file):
    path = _tmp(message)
    try:
        return _run(["openssl", "cms", "-decrypt", "-in", path, "-recip", cert_file, "-inkey", key_file])
    finally:
        os.unlink(path)


def split_detached(message):
    """(signed entity bytes, DER signature) of a multipart/signed message, byte-exact (RFC 1847)."""
    head_end = message.index(b"\r\n\r\n")
    header = message[:head_end].replace(b"\r\n ", b" ").replace(b"\r\n\t", b" ")
    m = re.search(rb'boundary="?([^";\r\n]+)"?', header, re.I)
    if not m or b"multipart/signed" not in header.lower():
        raise PeerError("not multipart/signed")
    delim = b"--" + m.group(1)
    first = message.index(delim + b"\r\n", head_end) + len(delim) + 2
    end = message.index(b"\r\n" + delim, first)
    content = message[first:end]
    sig_part = message[end + 2 + len(delim):]
    sig_part = sig_part[sig_part.index(b"\r\n") + 2:]
    sig_end = sig_part.index(b"\r\n" + delim)
    sig_entity = sig_part[:sig_end]
    sig_body = sig_entity[sig_entity.index(b"\r\n\r\n") + 4:]
    return content, base64.b64decode(b"".join(sig_body.split()))


def cmsutil_verify(message, ca_file):
    """NSS `cmsutil -D` verifies the detached signature against a fresh NSS database trusting ca_file."""
    content, der = split_detached(message)
    with tempfile.TemporaryDirectory() as db:
        _run(["certutil", "-N", "-d", f"sql:{db}", "--empty-password"])
        _run(["certutil", "-A", "-d", f"sql:{db}", "-n", "Inkan Test Root", "-t", ",C,", "-i", ca_file])
        sig = os.path.join(db, "sig.p7s")
        body = os.path.join(db, "content")
        with open(sig, "wb") as f:
            f.write(der)
        with open(body, "wb") as f:
            f.write(content)
        _run(["cmsutil", "-D", "-d", f"sql:{db}", "-i", sig, "-c", body, "-o", os.devnull])
    return content


def parse(data):
    return email.message_from_bytes(data, policy=email.policy.default)


def sign_with_openssl(header_lines, body_entity, cert, key, chain, at=None):
    """A message signed by someone else (openssl cms -sign), CRLF throughout.
    `at` ("2020-06-01 12:00:00") signs at that time (libfaketime): the
    signingTime attribute is OpenSSL's clock, which has no option for it."""
    path = _tmp(body_entity)
    try:
        signed = _run((["faketime", "-f", "@" + at] if at else []) + ["openssl", "cms", "-sign", "-in", path, "-signer", cert, "-inkey", key,
                       "-certfile", chain, "-crlfeol", "-md", "sha256"])
    finally:
        os.unlink(path)
    # OpenSSL ends some lines with a bare LF (the base64 block): make all CRLF.
    lines = (header_lines + signed.decode("ascii")).replace("\r\n", "\n").split("\n")
    return "\r\n".join(lines).encode("ascii")
