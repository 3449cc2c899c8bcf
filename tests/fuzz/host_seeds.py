#!/usr/bin/env python3
"""Seeds for fuzz_host: framed request streams (native-messaging framing),
some carrying the S/MIME seed messages. usage: host_seeds.py MESSAGES_DIR OUT_DIR"""
import base64
import json
import os
import struct
import sys


def frame(obj):
    body = obj if isinstance(obj, bytes) else json.dumps(obj).encode()
    return struct.pack("=I", len(body)) + body


def main():
    src, out = sys.argv[1], sys.argv[2]
    msgs = [open(os.path.join(src, f), "rb").read() for f in sorted(os.listdir(src))]
    seeds = {
        "hello": frame({"id": 1, "op": "hello", "protocol": 1}) + frame({"id": 2, "op": "help", "about": "sign"}),
        "bad": frame(b"not json") + frame(b"") + frame({"op": "x"}) + struct.pack("=I", 70000) + b"x" * 100,
        "upload": frame({"id": 1, "op": "upload", "upload": "u", "seq": 0, "data": base64.b64encode(msgs[0][:500]).decode()})
        + frame({"id": 2, "op": "upload", "upload": "u", "seq": 1, "data": base64.b64encode(msgs[0][500:]).decode()})
        + frame({"id": 3, "op": "inspect", "input": {"upload": "u"}}),
        "keyless": frame({"id": 1, "op": "sign", "key": {"fingerprint": "00"}, "input": {"data": "QUJD"}})
        + frame({"id": 2, "op": "key.forget"}),
        # The store ops (the fuzzer's store can be read, as an empty one, but never written).
        "store": frame({"id": 1, "op": "store.status"}) + frame({"id": 2, "op": "store.unlock", "passphrase": "p"})
        + frame({"id": 3, "op": "identity.list", "address": "a@b"}) + frame({"id": 4, "op": "identity.expiring", "days": 9})
        + frame({"id": 5, "op": "identity.import", "pkcs12": {"data": "MIIB"}, "password": "x"})
        + frame({"id": 6, "op": "identity.export", "identity": "a@b", "password": "x"})
        + frame({"id": 7, "op": "identity.delete", "fingerprint": "0123456789abcdef"})
        + frame({"id": 8, "op": "trust.distrust", "fingerprint": "ab" * 32}) + frame({"id": 9, "op": "store.lock"})
        + frame({"id": 10, "op": "store.passwd", "new": "n"}) + frame({"id": 11, "op": "sign", "input": {"data": "QUJD"}}),
        # The contacts ops (reads find no contact; harvests and imports fail to write, never the verdict).
        "contacts": frame({"id": 1, "op": "contact.list"}) + frame({"id": 2, "op": "contact.get", "address": "a@b"})
        + frame({"id": 3, "op": "recipients.lookup", "addresses": ["a@b", "not an address", ""]})
        + frame({"id": 4, "op": "contact.accept", "address": "a@b", "fingerprint": "ab" * 32})
        + frame({"id": 5, "op": "contact.reject", "address": "a@b", "fingerprint": "ab"})
        + frame({"id": 6, "op": "contact.delete", "address": "a@b", "confirm": True})
        + frame({"id": 7, "op": "contact.import", "certificate": {"data": "MIIB"}})
        + frame({"id": 8, "op": "encrypt", "recipients": ["a@b"], "sign": False, "no_self": True, "input": {"data": "QUJD"}})
        + frame({"id": 9, "op": "encrypt", "sign": False, "no_self": True,
                 "input": {"data": base64.b64encode(b"To: a@b, c@d\r\nCc: e@f\r\n\r\nx").decode()}}),
    }
    for i, m in enumerate(msgs):
        b = base64.b64encode(m).decode()
        seeds[f"msg{i}"] = (frame({"id": i, "op": "verify", "harvest": True, "input": {"data": b}})
                            + frame({"id": "d", "op": "inspect", "input": {"data": b}})
                            + frame({"id": "e", "op": "decrypt", "key": {"pem": {"data": "QUJD"}}, "input": {"data": b}})
                            + frame({"id": "l", "op": "cert.lint", "input": {"data": b}})
                            + frame({"id": "t", "op": "trust.add", "input": {"data": b}}))
    for name, data in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
