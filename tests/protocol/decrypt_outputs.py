#!/usr/bin/env python3
"""decrypt through the real inkan-host into every output form ("stream",
"spool", {"path"}), judged by openssl: the bytes written are exactly what
`openssl cms -decrypt` gives, files are 0600, and a decrypt that fails (the
wrong key, ciphertext damaged in its last block so that the failure comes
only after most of the plaintext was written, ciphertext cut short, a
plaintext the analysis refuses after it was decrypted whole, a message that
is not encrypted) leaves nothing behind: no output file, no temporary file
beside it, in the spool folder or in TMPDIR, and no descriptor of a deleted
file still open in the host. A host killed (SIGKILL) while it writes the
plaintext into a {"path"} output leaves nothing there either.

usage: decrypt_outputs.py HOST_BINARY      (INKAN_TEST_PKI must be set)
"""
import base64
import email.utils
import os
import stat
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hostclient  # noqa: E402
import messages  # noqa: E402

PKI = os.environ["INKAN_TEST_PKI"]
BOB = {"pkcs12": {"path": os.path.join(PKI, "bob.p12")}, "password": "test"}
ALICE = {"pkcs12": {"path": os.path.join(PKI, "alice.p12")}, "password": "test"}
failures = []


def pki(name):
    return os.path.join(PKI, name)


def openssl(args, data=None, ok=True):
    r = subprocess.run(["openssl", *args], input=data, capture_output=True)
    if ok and r.returncode != 0:
        raise SystemExit(f"openssl {' '.join(args)}: {r.stderr.decode(errors='replace')[:800]}")
    return r


def check(cond, what):
    print(("PASS " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def smime_of(der):
    """An application/pkcs7-mime message around enveloped-data DER (base64, 76 columns)."""
    b64 = base64.encodebytes(der).replace(b"\n", b"\r\n")
    head = ("From: Alice <alice@example.org>\r\nTo: Bob <bob@example.net>\r\nSubject: outputs\r\n"
            f"Date: {email.utils.formatdate()}\r\nMIME-Version: 1.0\r\n"
            "Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n")
    return head.encode("ascii") + b64


def encrypt_der(entity):
    der = openssl(["cms", "-encrypt", "-binary", "-aes256", "-outform", "DER", pki("bob.pem")], entity).stdout
    # Definite lengths throughout (no -stream): the encryptedContent is the last thing in the DER.
    if der[-2:] == b"\0\0":
        raise SystemExit("openssl wrote indefinite lengths; the damage below would miss the ciphertext")
    return der


def deep_entity(depth):
    """multipart/mixed nested `depth` times: beyond the parser's depth limit."""
    body = b"Content-Type: text/plain\r\n\r\ndeep\r\n"
    for i in range(depth):
        b = f"b{i}".encode()
        body = (b'Content-Type: multipart/mixed; boundary="' + b + b'"\r\n\r\n--' + b + b"\r\n" + body +
                b"\r\n--" + b + b"--\r\n")
    return body


def listing(d):
    return sorted(os.listdir(d)) if os.path.isdir(d) else []


def deleted_fds(pid):
    """Descriptors of the host that point at files deleted from their folder (plaintext kept alive)."""
    out = []
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.endswith(" (deleted)"):
            out.append(target)
    return out


def killed_midway(binary, env, tmp, outdir):
    """A host killed (SIGKILL) while the plaintext goes into a {"path"} output leaves no
    file at all: the output has no name until it is complete."""
    inner = openssl(["cms", "-sign", "-signer", pki("alice.pem"), "-inkey", pki("alice.key"), "-md", "sha256",
                     "-crlfeol"], messages.entity(messages.with_attachment(40 * 1000 * 1000))).stdout
    big = os.path.join(tmp, "big.eml")
    with open(big, "wb") as f:
        f.write(smime_of(encrypt_der(inner)))
    host = hostclient.Host(binary, env=env)
    target = os.path.join(outdir, "killed.eml")
    host.send({"id": 1, "op": "decrypt", "key": BOB, "input": {"path": big}, "output": {"path": target}})
    caught = False
    deadline = time.monotonic() + 60
    while not caught and time.monotonic() < deadline and host.proc.poll() is None:
        for fd in os.listdir(f"/proc/{host.proc.pid}/fd"):
            try:
                points_into_outdir = os.readlink(f"/proc/{host.proc.pid}/fd/{fd}").startswith(outdir + "/")
                written = os.stat(f"/proc/{host.proc.pid}/fd/{fd}").st_size
            except OSError:
                continue
            if points_into_outdir and written > 0:  # plaintext is being written
                host.proc.kill()
                caught = True
                break
    host.proc.wait()
    check(caught, "the host was killed while it wrote the output (else the message is too small to catch it)")
    left = listing(outdir)
    check(left == [], "a host killed midway leaves nothing in the output's folder" + (f": {left}" if left else ""))


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    binary = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir, spool, outdir = (os.path.join(tmp, d) for d in ("tmpdir", "spool", "out"))
        os.mkdir(tmpdir)
        os.mkdir(outdir)
        env = {"TMPDIR": tmpdir, "INKAN_HOST_SPOOL": spool, "INKAN_HOME": os.path.join(tmp, "home")}

        # A message signed by Alice and encrypted to Bob, by openssl; what openssl decrypts is the reference.
        inner = openssl(["cms", "-sign", "-signer", pki("alice.pem"), "-inkey", pki("alice.key"), "-certfile",
                         pki("sub.pem"), "-md", "sha256", "-crlfeol"],
                        messages.entity(messages.with_attachment(3 * 1000 * 1000))).stdout
        good_der = encrypt_der(inner)
        good = os.path.join(tmp, "good.eml")
        with open(good, "wb") as f:
            f.write(smime_of(good_der))
        reference = openssl(["cms", "-decrypt", "-binary", "-in", good, "-recip", pki("bob.pem"), "-inkey",
                             pki("bob.key")]).stdout

        host = hostclient.Host(binary, env=env)
        rid = 0

        def request(output, key=BOB, path=good):
            nonlocal rid
            rid += 1
            req = {"id": rid, "op": "decrypt", "key": key, "trust": [{"path": pki("root.pem")}],
                   "input": {"path": path}}
            if output is not None:
                req["output"] = output
            host.send(req)
            return host.read_reply()

        # -- every output form gives openssl's bytes, with the inner signature's verdict
        reply, parts = request(None)
        check(reply.get("ok") and parts.get("output") == reference, "stream: the chunks are openssl's plaintext")
        check(reply.get("result", {}).get("verdict", {}).get("status") == "good", "stream: the inner signature is good")
        for form, name in (({"path": os.path.join(outdir, "ok.eml")}, "path"), ("spool", "spool")):
            reply, _ = request(form)
            out = reply.get("result", {}).get("output", {})
            p = out.get("path", "")
            check(reply.get("ok") and os.path.isfile(p), f"{name}: the output file is there")
            if not os.path.isfile(p):
                continue
            with open(p, "rb") as f:
                check(f.read() == reference, f"{name}: the file holds exactly openssl's plaintext")
            check(out.get("bytes") == len(reference), f"{name}: the reply counts its bytes")
            check(stat.S_IMODE(os.stat(p).st_mode) == 0o600, f"{name}: the file is 0600")
            check(reply["result"].get("verdict", {}).get("status") == "good", f"{name}: the inner signature is good")
            os.unlink(p)
        check(listing(outdir) == [] and listing(spool) == [], "nothing but the outputs was written")

        # -- failures: nothing may remain
        damaged = bytearray(good_der)
        damaged[-17] ^= 0x80  # the last byte of the next-to-last block: the padding of the last one breaks
        cut = good_der[:len(good_der) // 2]
        deep = encrypt_der(deep_entity(60))
        cases = []
        for name, der in (("damaged", bytes(damaged)), ("cut", cut), ("deep", deep)):
            p = os.path.join(tmp, f"{name}.eml")
            with open(p, "wb") as f:
                f.write(smime_of(der))
            cases.append((name, p, BOB))
        # The peer agrees that the damage is fatal (so the host's refusal is not a bug of its own).
        r = openssl(["cms", "-decrypt", "-binary", "-in", cases[0][1], "-recip", pki("bob.pem"), "-inkey",
                     pki("bob.key")], ok=False)
        check(r.returncode != 0, "openssl refuses the damaged ciphertext too")
        cases.append(("wrong-key", good, ALICE))
        notenc = os.path.join(tmp, "plain.eml")
        with open(notenc, "wb") as f:
            f.write(messages.plain())
        cases.append(("not-encrypted", notenc, BOB))
        for name, path, key in cases:
            for form, label in (({"path": os.path.join(outdir, f"{name}.eml")}, "path"), ("spool", "spool"),
                                (None, "stream")):
                reply, parts = request(form, key=key, path=path)
                check(not reply.get("ok") and not parts, f"{name} into {label}: refused "
                      f"({reply.get('error', {}).get('code')})")
                left = listing(outdir) + listing(spool) + listing(tmpdir)
                check(left == [], f"{name} into {label}: no file left behind" + (f": {left}" if left else ""))
                fds = deleted_fds(host.proc.pid)
                check(fds == [], f"{name} into {label}: no deleted file held open" + (f": {fds}" if fds else ""))

        code, rest = host.finish()
        check(code == 0 and not rest, "the host ends cleanly")
        killed_midway(binary, env, tmp, outdir)
    if failures:
        raise SystemExit(f"{len(failures)} failed")


if __name__ == "__main__":
    main()
