#!/usr/bin/env python3
"""Writes a PEM private key as an unprotected gpg-agent key file, so that gpgsm
can sign and decrypt in the benchmark without a pinentry. gpgsm 2.2 cannot read
OpenSSL 3's PKCS#12 (PBES2) nor EC keys from any PKCS#12; gpg-agent's own key
format (an S-expression named by the key's keygrip) is the way in.
Method as in /work/shared/research/performance-anchors.md (appendix A).

usage: agent-key.py KEY.pem KEYGRIP GNUPGHOME      (needs python3-cryptography)
"""
import os
import sys

from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import load_pem_private_key


def mpi(n, length=None):
    """libgcrypt's hex MPI notation: #HEX#, big-endian, a leading zero byte when the top bit is set."""
    length = length or (n.bit_length() + 8) // 8
    return "#" + n.to_bytes(length, "big").hex().upper() + "#"


def sexp(key):
    if isinstance(key, rsa.RSAPrivateKey):
        priv = key.private_numbers()
        pub = priv.public_numbers
        p, q = sorted((priv.p, priv.q))  # libgcrypt wants p < q and u = p^-1 mod q
        u = pow(p, -1, q)
        return (f"(private-key (rsa (n {mpi(pub.n)})(e {mpi(pub.e)})(d {mpi(priv.d)})"
                f"(p {mpi(p)})(q {mpi(q)})(u {mpi(u)})))")
    if isinstance(key, ec.EllipticCurvePrivateKey) and key.curve.name == "secp256r1":
        priv = key.private_numbers()
        pub = priv.public_numbers
        point = b"\x04" + pub.x.to_bytes(32, "big") + pub.y.to_bytes(32, "big")
        return f'(private-key (ecc (curve "NIST P-256")(q #{point.hex().upper()}#)(d {mpi(priv.private_value, 32)})))'
    sys.exit("unsupported key type")


def main():
    pem, grip, home = sys.argv[1:4]
    with open(pem, "rb") as f:
        key = load_pem_private_key(f.read(), None)
    keys = os.path.join(home, "private-keys-v1.d")
    os.makedirs(keys, mode=0o700, exist_ok=True)
    with open(os.path.join(keys, grip + ".key"), "w") as f:
        f.write("Key: " + sexp(key) + "\n")


if __name__ == "__main__":
    main()
