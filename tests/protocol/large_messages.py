#!/usr/bin/env python3
"""25 MB and 100 MB messages signed, and signed+encrypted, through the real
inkan-host as the add-on does it: uploaded in 1 MiB pieces, the result
streamed back in chunk frames (each within Thunderbird's 1 MiB limit),
reassembled, checked against the reply's size and sha256, and judged by
openssl cms (-verify; -decrypt then -verify); the encrypted message is then
decrypted by the host into a {"path"} output, which must hold openssl
cms -decrypt's bytes exactly. The message is also encrypted alone, as it
stands and with a bare LF at its end (the one-read bet won and lost). Peak memory is reported here
and bounded in bench/host_bench.sh (not asserted in a test).

usage: large_messages.py HOST_BINARY      (INKAN_TEST_PKI must be set; SIZES_MB="25 100")
"""
import filecmp
import hashlib
import os
import stat
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hostclient  # noqa: E402
import messages  # noqa: E402

PKI = os.environ["INKAN_TEST_PKI"]
PIECE = 1 << 20


def pki(name):
    return os.path.join(PKI, name)


def upload(host, upload_id, path, first_id):
    n = first_id
    with open(path, "rb") as f:
        seq = 0
        while True:
            data = f.read(PIECE)
            if not data and seq > 0:
                break
            host.send(hostclient.upload_frames(upload_id, data, PIECE, n)[0] | {"seq": seq})
            reply, _ = host.read_reply()
            if not reply.get("ok"):
                raise SystemExit(f"upload failed: {reply}")
            seq += 1
            n += 1
    return n


def to_file(host, path):
    h = hashlib.sha256()
    size = 0
    with open(path, "wb") as out:
        def sink(part, data):
            nonlocal size
            assert part == "output"
            out.write(data)
            h.update(data)
            size += len(data)
        reply, _ = host.read_reply(sink)
    if not reply.get("ok"):
        raise SystemExit(f"the host refused: {reply}")
    o = reply["result"]["output"]
    if o["bytes"] != size or o["sha256"] != h.hexdigest():
        raise SystemExit(f"reassembled {size} bytes do not match the reply {o}")
    return reply


def openssl(*args):
    r = subprocess.run(["openssl", *args], capture_output=True)
    if r.returncode != 0:
        raise SystemExit(f"openssl {' '.join(args)}: {r.stderr.decode(errors='replace')[:800]}")


def peak_rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def one_size(binary, mb, tmp):
    msg = os.path.join(tmp, f"m{mb}.eml")
    with open(msg, "wb") as f:
        f.write(messages.with_attachment(mb * 1000 * 1000 * 3 // 4))
    size = os.path.getsize(msg)
    host = hostclient.Host(binary)
    key = {"pkcs12": {"path": pki("alice.p12")}, "password": "test"}
    n = upload(host, "sign-me", msg, 1)
    host.send({"id": n, "op": "sign", "key": key, "input": {"upload": "sign-me"}})
    signed = os.path.join(tmp, f"m{mb}.signed")
    reply = to_file(host, signed)
    chunks = reply["result"]["output"]["chunks"]
    openssl("cms", "-verify", "-in", signed, "-CAfile", pki("root.pem"), "-out", os.path.join(tmp, "content"))
    # What openssl verified is the signed entity: its body must be the message's body, byte for byte.
    with open(os.path.join(tmp, "content"), "rb") as a, open(msg, "rb") as b:
        signed_body = a.read().split(b"\r\n\r\n", 1)[1]
        sent_body = b.read().split(b"\r\n\r\n", 1)[1]
        if hashlib.sha256(signed_body).digest() != hashlib.sha256(sent_body).digest():
            raise SystemExit("the body openssl verified is not the body of the message sent")
    os.unlink(os.path.join(tmp, "content"))
    os.unlink(signed)
    print(f"PASS sign {mb} MB: {size} bytes up in {n - 1} frames, {chunks} chunks back, openssl cms -verify accepts it")

    n = upload(host, "encrypt-me", msg, n + 1)
    host.send({"id": n, "op": "encrypt", "key": key, "recipient_certs": [{"path": pki("bob.pem")}],
               "input": {"upload": "encrypt-me"}})
    enc = os.path.join(tmp, f"m{mb}.enc")
    reply = to_file(host, enc)
    chunks = reply["result"]["output"]["chunks"]
    dec = os.path.join(tmp, f"m{mb}.dec")
    openssl("cms", "-decrypt", "-in", enc, "-recip", pki("bob.pem"), "-inkey", pki("bob.key"), "-out", dec)
    openssl("cms", "-verify", "-in", dec, "-CAfile", pki("root.pem"), "-out", "/dev/null")
    # Back through the host, into a file as the add-on's path output: openssl's plaintext, byte for byte.
    n += 1
    host_dec = os.path.join(tmp, f"m{mb}.host-dec")
    host.send({"id": n, "op": "decrypt", "key": {"pkcs12": {"path": pki("bob.p12")}, "password": "test"},
               "trust": [{"path": pki("root.pem")}], "input": {"path": enc}, "output": {"path": host_dec}})
    reply, _ = host.read_reply()
    if not reply.get("ok"):
        raise SystemExit(f"the host refused to decrypt: {reply}")
    if not filecmp.cmp(host_dec, dec, shallow=False):
        raise SystemExit("the host's plaintext differs from openssl cms -decrypt's")
    if stat.S_IMODE(os.stat(host_dec).st_mode) != 0o600:
        raise SystemExit(f"the decrypted file is {oct(os.stat(host_dec).st_mode)}, not 0600")
    if reply["result"]["verdict"]["status"] != "good":
        raise SystemExit(f"the inner signature: {reply['result']['verdict']}")
    os.unlink(host_dec)
    os.unlink(enc)

    # Encrypted without signing, a large message is encrypted while it is split, on the bet
    # that it is canonical as it stands; with a bare LF in its epilogue it is not, the bet is
    # lost only at the end, and the output (a file, then the chunk stream) must be emptied and
    # written again: one envelope of the canonical form, its size as the reply says.
    lf = os.path.join(tmp, f"m{mb}.lf")
    with open(msg, "rb") as a, open(lf, "wb") as b:
        b.write(a.read() + b"epilogue\n")
    for label, source, form in (("as it stands", msg, "path"), ("with a bare LF at its end", lf, "stream")):
        n += 1
        request = {"id": n, "op": "encrypt", "recipient_certs": [{"path": pki("bob.pem")}],
                   "self_cert": {"path": pki("alice.pem")}, "input": {"path": source}}
        plain_enc = os.path.join(tmp, f"m{mb}.plain-enc")
        if form == "path":
            host.send(request | {"output": {"path": plain_enc}})
            reply, _ = host.read_reply()
            if not reply.get("ok") or reply["result"]["output"]["bytes"] != os.path.getsize(plain_enc):
                raise SystemExit(f"encrypt {label}: {reply} for a file of {os.path.getsize(plain_enc)} bytes")
        else:
            host.send(request)
            to_file(host, plain_enc)
        plain_dec = os.path.join(tmp, f"m{mb}.plain-dec")
        openssl("cms", "-decrypt", "-binary", "-in", plain_enc, "-recip", pki("bob.pem"), "-inkey", pki("bob.key"), "-out", plain_dec)
        with open(plain_dec, "rb") as a, open(source, "rb") as b:
            decrypted_body = a.read().split(b"\r\n\r\n", 1)[1]
            canonical_body = b.read().split(b"\r\n\r\n", 1)[1].replace(b"epilogue\n", b"epilogue\r\n")
        if hashlib.sha256(decrypted_body).digest() != hashlib.sha256(canonical_body).digest():
            raise SystemExit(f"encrypt {label}: the body openssl decrypted is not the canonical body")
        os.unlink(plain_enc)
        os.unlink(plain_dec)
        print(f"PASS encrypt {mb} MB {label} into a {form}: openssl cms -decrypt gives the canonical body")
    os.unlink(lf)
    rss = peak_rss_kib(host.proc.pid)
    code, rest = host.finish(timeout=300)
    if code != 0 or rest:
        raise SystemExit(f"host exit {code}, {len(rest)} stray bytes")
    os.unlink(dec)
    os.unlink(msg)
    print(f"PASS sign+encrypt {mb} MB: {chunks} chunks back, openssl cms -decrypt and -verify accept it")
    print(f"PASS decrypt {mb} MB into a path: openssl cms -decrypt's bytes, 0600, the inner signature good")
    print(f"info: inkan-host peak RSS over the three operations at {mb} MB: {rss / 1024:.1f} MiB")


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    base = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
    with tempfile.TemporaryDirectory(dir=base) as tmp:
        for mb in [int(s) for s in os.environ.get("SIZES_MB", "25 100").split()]:
            one_size(sys.argv[1], mb, tmp)


if __name__ == "__main__":
    main()
