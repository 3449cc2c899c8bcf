#!/usr/bin/env python3
"""N-1 unrelated self-signed CA certificates (one P-256 key, distinct names), then
the bench CA, as one PEM file: trust anchors for the anchor-count curve. Made with
python3-cryptography (OpenSSL underneath), which makes 10,000 in seconds where the
openssl command line takes minutes.

usage: make-anchors.py N CA.pem OUT.pem
"""
import datetime
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def main():
    n, ca, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime(2026, 1, 1)
    with open(out, "wb") as f:
        for i in range(1, n):
            name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Inkan Bench Decoys"),
                              x509.NameAttribute(NameOID.COMMON_NAME, f"Decoy root {i}")])
            cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                    .serial_number(i).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=3650))
                    .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                    .sign(key, hashes.SHA256()))
            f.write(cert.public_bytes(serialization.Encoding.PEM))
        with open(ca, "rb") as c:
            f.write(c.read())


if __name__ == "__main__":
    main()
