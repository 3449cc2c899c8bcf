#!/usr/bin/env python3
"""Deterministic RFC 5322 bench messages with CRLF line ends (the method of
/work/shared/research/performance-anchors.md, appendix A, re-written here).

  msg-10k.eml   ~10 KiB text/plain mail
  msg-1m.eml    1 MiB  multipart/mixed: a short text part + a base64 (76-column) attachment
  msg-25m.eml   25 MiB same shape
  msg-100m.eml  100 MiB same shape
  msg-8bit-25m.eml  25 MiB multipart/mixed whose text part is 8-bit UTF-8
                (Content-Transfer-Encoding: 8bit, ~1 MiB) next to the attachment:
                signing must re-encode that part to 7 bit (RFC 8551 section 3.1.3).

usage: make-messages.py OUTDIR [TAG...]   (TAG in 10k 1m 25m 100m 8bit-25m; default all)
The Date field is now (MSG_DATE overrides it), so that signatures made during
the run agree with it and verify as good. Prints "name<TAB>bytes" per file; a
file made earlier with the same Date is kept.
"""
import base64
import os
import random
import sys
import textwrap
import time

WORDS = ("the quick brown fox jumps over lazy dog signed message envelope "
         "certificate mail client attachment header body canonical line "
         "encrypt verify decrypt recipient sender thunderbird host native").split()
JA = "印鑑は署名と暗号化を一度に行います。"
DATE = os.environ.get("MSG_DATE") or time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime())


def headers(subject, ctype, extra=()):
    h = [
        "From: Alice Sender <alice@example.org>",
        "To: Bob Recipient <bob@example.net>",
        f"Subject: {subject}",
        f"Date: {DATE}",
        f"Message-ID: <{subject.replace(' ', '.')}@example.org>",
        "MIME-Version: 1.0",
        f"Content-Type: {ctype}",
        *extra,
    ]
    return "\r\n".join(h) + "\r\n\r\n"


def prose(rng, nbytes):
    words, n = [], 0
    while n < nbytes:
        w = rng.choice(WORDS)
        words.append(w)
        n += len(w) + 1
    return "\r\n".join(textwrap.wrap(" ".join(words), 72)) + "\r\n"


def text_msg(path, target):
    rng = random.Random(8551)
    h = headers("test 10k", "text/plain; charset=us-ascii", ["Content-Transfer-Encoding: 7bit"])
    data = (h + prose(rng, target - len(h) - 2)).encode()
    with open(path, "wb") as f:
        f.write(data)


def mixed_msg(path, target, tag, eight_bit=False):
    rng = random.Random(8551)
    boundary = f"----=_Part_{tag}_8551"
    h = headers(f"test {tag}", f'multipart/mixed; boundary="{boundary}"', ["Content-Transfer-Encoding: 7bit"])
    if eight_bit:
        lines = []
        size = 0
        while size < (1 << 20):
            line = (JA + " " + " ".join(rng.choice(WORDS) for _ in range(4)))
            lines.append(line)
            size += len(line.encode()) + 2
        text = "\r\n".join(lines) + "\r\n"
        part1 = (f"--{boundary}\r\nContent-Type: text/plain; charset=UTF-8\r\n"
                 f"Content-Transfer-Encoding: 8bit\r\n\r\n{text}\r\n")
    else:
        part1 = (f"--{boundary}\r\nContent-Type: text/plain; charset=us-ascii\r\n"
                 f"Content-Transfer-Encoding: 7bit\r\n\r\n{prose(rng, 2000)}\r\n")
    p2h = (f"--{boundary}\r\nContent-Type: application/octet-stream; name=\"blob-{tag}.bin\"\r\n"
           f"Content-Transfer-Encoding: base64\r\n"
           f"Content-Disposition: attachment; filename=\"blob-{tag}.bin\"\r\n\r\n")
    tail = f"\r\n--{boundary}--\r\n"
    head = (h + part1 + p2h).encode()
    fixed = len(head) + len(tail)
    raw_len = (target - fixed) * 57 // 78  # 57 raw bytes -> 76 characters + CRLF
    with open(path, "wb") as f:
        f.write(head)
        written = 0
        step = 57 * 20000
        while written < raw_len:
            n = min(step, raw_len - written)
            enc = base64.encodebytes(rng.randbytes(n)).replace(b"\n", b"\r\n")
            written += n
            if written >= raw_len:
                enc = enc.rstrip(b"\r\n")
            f.write(enc)
        f.write(tail.encode())


SPECS = {
    "10k": lambda p: text_msg(p, 10 * 1024),
    "1m": lambda p: mixed_msg(p, 1 << 20, "1m"),
    "25m": lambda p: mixed_msg(p, 25 << 20, "25m"),
    "100m": lambda p: mixed_msg(p, 100 << 20, "100m"),
    "8bit-25m": lambda p: mixed_msg(p, 25 << 20, "8bit-25m", eight_bit=True),
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "data"
    tags = sys.argv[2:] or list(SPECS)
    os.makedirs(out, exist_ok=True)
    for tag in tags:
        path = os.path.join(out, f"msg-{tag}.eml")
        marker = path + ".date"
        if not (os.path.exists(path) and os.path.exists(marker) and open(marker).read() == DATE):
            SPECS[tag](path)
            with open(marker, "w") as f:
                f.write(DATE)
        print(f"msg-{tag}.eml\t{os.path.getsize(path)}")


if __name__ == "__main__":
    main()
