#!/usr/bin/env python3
"""The CLI and the host answer with one JSON shape: on the same store, each pair
below must print the very same JSON (members in the same order):

    inkan id list --json               identity.list
    inkan id list ADDRESS --json       identity.list {"address"}
    inkan id expiring --days N --json  identity.expiring {"days"}
    inkan trust list --json            trust.list
    inkan trust builtin --json         trust.builtin
    inkan store status --json          store.status (less the host's unlocked, unlocked_until)
    inkan contact list --json          contact.list
    inkan contact show ADDRESS --json  contact.get {"address"}
    inkan contact lookup A… --json     recipients.lookup {"addresses"}

The store is built by both sides in turn (the CLI imports and trusts, the host
imports and distrusts; contacts: each side imports one, the host harvests a
key change from a message openssl signed), and compared again once it has a
passphrase.
usage: store_agreement.py HOST_BINARY     (INKAN_CLI and INKAN_TEST_PKI must be set)
"""
import email.utils
import json
import os
import subprocess
import sys
import tempfile

CLI = os.environ.get("INKAN_CLI", "")
PKI = os.environ.get("INKAN_TEST_PKI", "")


def pki(name):
    return os.path.join(PKI, name)


def cli(env, *args, ok=(0,)):
    r = subprocess.run([CLI, *args], capture_output=True, env=env)
    if r.returncode not in ok:
        raise SystemExit(f"inkan {' '.join(args)} failed ({r.returncode}): {r.stderr.decode(errors='replace')}")
    return json.loads(r.stdout.decode())


def host(binary, env, request):
    r = subprocess.run([binary, "--single"], input=json.dumps({"id": 1, **request}).encode(), capture_output=True,
                       env=env)
    reply = json.loads(r.stdout.decode().splitlines()[-1])
    if not reply.get("ok"):
        raise SystemExit(f"host {request['op']} failed: {json.dumps(reply)}")
    return reply["result"]


def main():
    binary = sys.argv[1]
    if not CLI or not PKI:
        raise SystemExit(__doc__)
    failures = []
    passes = 0
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, INKAN_HOME=os.path.join(tmp, "store"), TEST_PASS="test", STORE_PASS="agreement")

        def compare(what, cli_args, request, drop=(), ok=(0,)):
            nonlocal passes
            # Two processes read the clock at different moments; a day boundary between them
            # could change days_left, so a difference must survive a second look.
            for _attempt in range(2):
                a = cli(env, *cli_args, ok=ok)
                b = host(binary, env, request)
                for key in drop:
                    b.pop(key, None)
                if json.dumps(a, ensure_ascii=False) == json.dumps(b, ensure_ascii=False):
                    passes += 1
                    print(f"PASS {what}")
                    return
            failures.append(f"{what}:\n  cli:  {json.dumps(a, ensure_ascii=False)[:1500]}\n"
                            f"  host: {json.dumps(b, ensure_ascii=False)[:1500]}")
            print(f"FAIL {what}")

        def all_pairs(stage):
            compare(f"{stage}: id list", ["id", "list", "--json"], {"op": "identity.list"})
            compare(f"{stage}: id list ADDRESS", ["id", "list", "split@example.org", "--json"],
                    {"op": "identity.list", "address": "split@example.org"})
            compare(f"{stage}: id expiring", ["id", "expiring", "--days", "800", "--json"],
                    {"op": "identity.expiring", "days": 800})
            compare(f"{stage}: trust list", ["trust", "list", "--json"], {"op": "trust.list"})
            compare(f"{stage}: store status", ["store", "status", "--json"], {"op": "store.status"},
                    drop=("unlocked", "unlocked_until"))
            compare(f"{stage}: contact list", ["contact", "list", "--json"], {"op": "contact.list"})

        def contact_pairs(stage):
            for address in ("tofu@example.org", "carol@example.org"):
                compare(f"{stage}: contact show {address}", ["contact", "show", address, "--json"],
                        {"op": "contact.get", "address": address})
            wanted = ["tofu@example.org", "carol@example.org", "bob@example.net", "nobody@example.com", "no address"]
            # The CLI exits 1 when an address has no certificate; the JSON is what counts.
            compare(f"{stage}: contact lookup", ["contact", "lookup", *wanted, "--json"],
                    {"op": "recipients.lookup", "addresses": wanted}, ok=(0, 1))

        def signed_by(person, address):
            path = os.path.join(tmp, f"{person}.eml")
            body = b"Content-Type: text/plain\r\n\r\nagreement\r\n"
            r = subprocess.run(["openssl", "cms", "-sign", "-signer", pki(f"{person}.pem"), "-inkey", pki(f"{person}.key"),
                                "-md", "sha256", "-crlfeol", "-from", address, "-to", "bob@example.net", "-subject", "a"],
                               input=body, capture_output=True, check=True)
            with open(path, "wb") as f:
                f.write(f"Date: {email.utils.formatdate()}\r\n".encode() + r.stdout)
            return path

        all_pairs("no store")
        compare("trust builtin", ["trust", "builtin", "--json"], {"op": "trust.builtin"})
        # The CLI fills part of the store, the host the rest.
        for name in ("alice", "split-sign", "history-old", "expired"):
            cli(env, "id", "import", pki(f"{name}.p12"), "--pass-env", "TEST_PASS", "--json")
        cli(env, "id", "import", pki("alice-renewed.pem"), "--json")
        cli(env, "trust", "add", pki("root.pem"), "--label", "Agreement Root", "--json")
        for name in ("bob", "split-enc", "history-mid", "history-new"):
            host(binary, env, {"op": "identity.import", "pkcs12": {"path": pki(f"{name}.p12")}, "password": "test"})
        host(binary, env, {"op": "trust.distrust", "input": {"path": pki("other-root.pem")}})
        host(binary, env, {"op": "trust.distrust", "fingerprint": "ab" * 32})
        cli(env, "contact", "import", pki("tofu-old.pem"), "--json")
        host(binary, env, {"op": "contact.import", "certificate": {"path": pki("carol-chain.pem")}})
        verdict = host(binary, env, {"op": "verify", "harvest": True, "input": {"path": signed_by("tofu-self", "tofu@example.org")}})
        if not verdict.get("contact") or verdict["contact"].get("change") != "key-change":
            failures.append(f"harvest of a new key: {json.dumps(verdict.get('contact'))}")
        all_pairs("filled")
        contact_pairs("filled")
        cli(env, "store", "passwd", "--new-pass-env", "STORE_PASS", "--json")
        all_pairs("with a passphrase")
        contact_pairs("with a passphrase")
    for f in failures:
        print("FAIL " + f)
    print(f"{passes} pairs agree, {len(failures)} differ")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
