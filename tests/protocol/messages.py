"""Test messages, made at test time (CRLF, current Date so the signing-time check holds)."""
import base64
import email.utils
import random


def plain():
    return ("From: Alice <alice@example.org>\r\nTo: Bob <bob@example.net>\r\nSubject: golden\r\n"
            f"Date: {email.utils.formatdate()}\r\nMIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
            "Hello Bob, this is the golden test.\r\nこんにちは、ボブさん。\r\n").encode("utf-8")


def with_attachment(size):
    """multipart/mixed: a text part and a base64 attachment of `size` pseudo-random bytes (76-column lines)."""
    rng = random.Random(size)
    raw = rng.randbytes(size)
    b64 = base64.encodebytes(raw).replace(b"\n", b"\r\n")
    head = ("From: Alice <alice@example.org>\r\nTo: Bob <bob@example.net>\r\n"
            f"Subject: attachment of {size} bytes\r\nDate: {email.utils.formatdate()}\r\nMIME-Version: 1.0\r\n"
            'Content-Type: multipart/mixed; boundary="inkan-boundary"\r\n\r\n'
            "--inkan-boundary\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nSee the attachment.\r\n"
            "--inkan-boundary\r\nContent-Type: application/octet-stream; name=data.bin\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n").encode("ascii")
    return head + b64 + b"--inkan-boundary--\r\n"


def by_name(name):
    if name == "plain":
        return plain()
    if name.startswith("attach"):  # attach2m, attach300k
        n = name[len("attach"):]
        factor = {"k": 1024, "m": 1024 * 1024}[n[-1]]
        return with_attachment(int(n[:-1]) * factor)
    raise KeyError(name)


def entity(message):
    """The MIME entity of one of these messages: its Content-* fields and body (what openssl signs)."""
    return message[message.index(b"Content-Type:"):]
