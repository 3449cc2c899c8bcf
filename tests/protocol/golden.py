#!/usr/bin/env python3
"""Golden protocol tests: NAME.in.json frames go through the real inkan-host
over pipes with real framing; the replies must CONTAIN NAME.out.json's (a "*"
matches any value that is present). Every frame is checked against the
protocol as well: at most 1 MiB, UTF-8 JSON with an id, chunks consecutive and
matching the final reply's size and sha256. Outputs can be judged by openssl.

usage: golden.py HOST_BINARY CASE.in.json      (INKAN_TEST_PKI must be set)
The case format is described in tests/protocol/README.md.
"""
import base64
import email.utils
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hostclient  # noqa: E402
import messages  # noqa: E402

PKI = os.environ.get("INKAN_TEST_PKI", "")


class Case:
    def __init__(self, path, tmp):
        self.path = path
        self.tmp = tmp
        self.replies = {}  # id -> final reply, for @reply references
        self.cache = {}

    def pki(self, name):
        p = os.path.join(PKI, name)
        if not os.path.exists(p):
            raise SystemExit(f"missing PKI file {p} (is INKAN_TEST_PKI set?)")
        return p

    def openssl(self, args, stdin=None):
        r = subprocess.run(["openssl", *args], input=stdin, capture_output=True)
        if r.returncode != 0:
            raise SystemExit(f"openssl {' '.join(args)} failed: {r.stderr.decode(errors='replace')}")
        return r.stdout

    def with_date(self, smime):
        # openssl writes no Date; the verdict wants one within an hour of the signing time.
        return f"Date: {email.utils.formatdate()}\r\n".encode("ascii") + smime

    def signed(self, name):
        body = messages.entity(messages.by_name(name))
        return self.with_date(self.openssl(["cms", "-sign", "-signer", self.pki("alice.pem"), "-inkey", self.pki("alice.key"),
                                            "-certfile", self.pki("sub.pem"), "-md", "sha256", "-crlfeol",
                                            "-from", "alice@example.org", "-to", "bob@example.net", "-subject", "golden"], body))

    def signed_by(self, signer, name):
        # Any person of the test PKI (its chain carried), From their own address.
        address = self.openssl(["x509", "-noout", "-email", "-in", self.pki(f"{signer}.pem")]).decode().split()[0]
        body = messages.entity(messages.by_name(name))
        # The issuers in its chain file ride along (openssl refuses the signer's own certificate twice).
        pems = open(self.pki(f"{signer}-chain.pem"), encoding="ascii").read().split("-----END CERTIFICATE-----")
        issuers = "".join(p + "-----END CERTIFICATE-----\n" for p in pems[1:] if "BEGIN CERTIFICATE" in p)
        certfile = []
        if issuers:
            path = os.path.join(self.tmp, f"{signer}-issuers.pem")
            with open(path, "w", encoding="ascii") as f:
                f.write(issuers)
            certfile = ["-certfile", path]
        return self.with_date(self.openssl(["cms", "-sign", "-signer", self.pki(f"{signer}.pem"), "-inkey",
                                            self.pki(f"{signer}.key"), *certfile, "-md", "sha256", "-crlfeol",
                                            "-from", address, "-to", "bob@example.net", "-subject", "golden"], body))

    def encrypted(self, name):
        body = messages.entity(messages.by_name(name))
        inner = self.openssl(["cms", "-sign", "-signer", self.pki("alice.pem"), "-inkey", self.pki("alice.key"),
                              "-certfile", self.pki("sub.pem"), "-md", "sha256", "-crlfeol"], body)
        return self.with_date(self.openssl(["cms", "-encrypt", "-aes256", "-crlfeol", "-from", "alice@example.org",
                                            "-to", "bob@example.net", "-subject", "golden", self.pki("bob.pem")], inner))

    def substitute(self, value):
        if isinstance(value, dict):
            return {k: self.substitute(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.substitute(v) for v in value]
        if not isinstance(value, str) or not value.startswith("@"):
            return value
        kind, _, arg = value[1:].partition(":")
        b64 = lambda b: base64.b64encode(b).decode("ascii")  # noqa: E731
        if kind == "pki-path":
            return self.pki(arg)
        if kind == "pki-b64":
            return b64(open(self.pki(arg), "rb").read())
        if kind == "msg-b64":
            return b64(messages.by_name(arg))
        if kind == "signed-b64":
            return b64(self.signed(arg))
        if kind == "signed-by-b64":
            signer, _, name = arg.partition(":")
            return b64(self.signed_by(signer, name))
        if kind == "enc-b64":
            return b64(self.encrypted(arg))
        if kind == "str-b64":
            return b64(arg.encode("utf-8"))
        if kind == "tmp":
            return os.path.join(self.tmp, arg)
        if kind == "cli":
            return os.environ["INKAN_CLI"]
        if kind == "msg-file":
            p = os.path.join(self.tmp, f"msg-{arg}.eml")
            with open(p, "wb") as f:
                f.write(messages.by_name(arg))
            return p
        if kind == "reply":
            rid, _, path = arg.partition(":")
            v = self.replies[json.loads(rid)]
            for k in path.split("."):
                v = v[int(k)] if isinstance(v, list) else v[k]
            return v
        return value


def contains(expected, actual, where="reply"):
    """None if `actual` contains `expected`, else a description of the first difference."""
    if expected == "*":
        return None
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return f"{where}: expected an object, got {json.dumps(actual)[:200]}"
        for k, v in expected.items():
            if k.startswith("$"):
                continue
            if k not in actual:
                return f"{where}.{k}: missing"
            d = contains(v, actual[k], f"{where}.{k}")
            if d:
                return d
        return None
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return f"{where}: expected {json.dumps(expected)[:200]}, got {json.dumps(actual)[:200]}"
        for i, (e, a) in enumerate(zip(expected, actual)):
            d = contains(e, a, f"{where}[{i}]")
            if d:
                return d
        return None
    if expected != actual:
        return f"{where}: expected {json.dumps(expected)}, got {json.dumps(actual)[:200]}"
    return None


def check_output(case, check, reply, parts, n):
    out_path = os.path.join(case.tmp, f"output-{n}")
    if "output" in parts:
        with open(out_path, "wb") as f:
            f.write(parts["output"])
    else:
        out_path = reply["result"]["output"]["path"]
    data = open(out_path, "rb").read()
    for text in check.get("contains", []):
        if text.encode("utf-8") not in data:
            return f"output lacks {text!r}"
    for text in check.get("lacks", []):
        if text.encode("utf-8") in data:
            return f"output holds {text!r}"
    if "mode" in check and oct(os.stat(out_path).st_mode & 0o777) != check["mode"]:
        return f"output mode {oct(os.stat(out_path).st_mode & 0o777)}, expected {check['mode']}"
    for args in check.get("openssl", []):
        args = [a.replace("{out}", out_path).replace("{tmp}", case.tmp) for a in case.substitute(args)]
        r = subprocess.run(["openssl", *args], capture_output=True)
        if r.returncode != 0:
            return f"openssl {' '.join(args)}: {r.stderr.decode(errors='replace')[:500]}"
    for args in check.get("run", []):
        args = [a.replace("{out}", out_path).replace("{tmp}", case.tmp) for a in case.substitute(args)]
        r = subprocess.run(args, capture_output=True)
        if r.returncode != 0:
            return f"{' '.join(args)}: {(r.stderr + r.stdout).decode(errors='replace')[:500]}"
    return None


def run(binary, case_path):
    spec = json.load(open(case_path, encoding="utf-8"))
    expected = json.load(open(case_path.replace(".in.json", ".out.json"), encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        case = Case(case_path, tmp)
        env = {k: case.substitute(v) for k, v in spec.get("env", {}).items()}
        host = hostclient.Host(binary, env=env, args=spec.get("args", []))
        want = list(expected["replies"])
        failures = []
        n = 0
        closed = False
        for frame in spec["frames"]:
            frame = case.substitute(frame)
            if isinstance(frame, dict) and "$upload" in frame:
                u = frame["$upload"]
                data = messages.by_name(u["message"])
                for f in hostclient.upload_frames(u["upload"], data, u["piece"], u["first_id"]):
                    host.send(f)
                    reply, _ = host.read_reply()
                    if not reply.get("ok") or reply["result"]["size"] != min(len(data), (f["seq"] + 1) * u["piece"]):
                        failures.append(f"upload frame {f['seq']}: {json.dumps(reply)[:300]}")
                continue
            if isinstance(frame, dict) and "$sleep" in frame:
                time.sleep(frame["$sleep"])
                continue
            if isinstance(frame, dict) and "$run" in frame:
                # Another program at work meanwhile (the CLI changing the store, ...).
                r = subprocess.run(frame["$run"], capture_output=True, env=dict(os.environ, **env))
                if r.returncode != 0:
                    failures.append(f"$run {' '.join(frame['$run'])}: {(r.stderr + r.stdout).decode(errors='replace')[:300]}")
                continue
            if isinstance(frame, dict) and "$raw" in frame:
                host.send_bytes(frame["$raw"].encode("utf-8"))
            elif isinstance(frame, dict) and "$zero" in frame:
                host.send_bytes(b"")
            elif isinstance(frame, dict) and "$oversize" in frame:
                size = frame["$oversize"]
                host.send_raw(size.to_bytes(4, sys.byteorder))
                host.send_raw(b"x" * size)
            elif isinstance(frame, dict) and "$truncated" in frame:
                body = frame["$truncated"].encode("utf-8")
                host.send_raw(frame["$announce"].to_bytes(4, sys.byteorder) + body)
                host.close_input()
                closed = True
            else:
                host.send(frame)
            reply, parts = host.read_reply()
            n += 1
            case.replies[reply["id"]] = reply
            if not want:
                failures.append(f"reply {n} was not expected: {json.dumps(reply)[:300]}")
                continue
            exp = case.substitute(want.pop(0))
            diff = contains(exp, reply, f"reply {n}")
            if diff:
                failures.append(diff)
            elif "$output" in exp:
                diff = check_output(case, exp["$output"], reply, parts, n)
                if diff:
                    failures.append(f"reply {n}: {diff}")
        if not closed:
            host.close_input()
        code, rest = host.finish()
        if rest:
            failures.append(f"{len(rest)} bytes on stdout after the last reply")
        if want:
            failures.append(f"{len(want)} expected replies never came")
        if code != expected.get("exit", 0):
            failures.append(f"exit status {code}, expected {expected.get('exit', 0)}")
        err = host.stderr()
        for text in expected.get("stderr_has", []):
            if text not in err:
                failures.append(f"stderr lacks {text!r}")
        for text in expected.get("stderr_lacks", []):
            if text in err:
                failures.append(f"stderr holds {text!r}")
    if failures:
        print(f"FAIL {os.path.basename(case_path)}")
        for f in failures:
            print("  " + f)
        print("stderr of the host:\n" + err[-3000:])
        return 1
    print(f"PASS {os.path.basename(case_path)} ({n} replies)")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    sys.exit(run(sys.argv[1], sys.argv[2]))
