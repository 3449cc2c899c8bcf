"""RFC 8823 end to end through the real inkan-host, without Thunderbird: the
loopback test CA (rfc8823_ca.py) mails its challenge, the host checks it and
composes the reply (acme.reply), the reply is handed to the CA as the SMTP sink
would, the host answers the challenge (acme.sent, acme.resume) and the issued
certificate lands in the store. `inkan id list --json` and `openssl verify`
judge the result. Each concatenation mode works against a CA that uses it;
the wrong one fails cleanly.

usage: /usr/bin/python3 -m unittest -v test_rfc8823_host   (INKAN_HOST, INKAN_CLI from ctest)
"""
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "protocol"))

import hostclient  # noqa: E402
import rfc8823_ca  # noqa: E402

HOST = os.environ.get("INKAN_HOST", "")
CLI = os.environ.get("INKAN_CLI", "")
ADDRESS = "alice@example.org"


class HostSession:
    """One inkan-host process on a private store."""

    def __init__(self, home):
        self.home = home
        self.host = hostclient.Host(HOST, env={"INKAN_HOME": home})
        self.next_id = 1

    def call(self, op, **params):
        request = {"id": self.next_id, "op": op}
        self.next_id += 1
        request.update(params)
        self.host.send(request)
        frame, parts = self.host.read_reply()
        return frame, parts

    def ok(self, op, **params):
        frame, parts = self.call(op, **params)
        if not frame.get("ok"):
            raise AssertionError("%s failed: %s" % (op, json.dumps(frame.get("error"))))
        return frame["result"], parts

    def error(self, op, **params):
        frame, _ = self.call(op, **params)
        if frame.get("ok"):
            raise AssertionError("%s succeeded, an error was expected: %s" % (op, json.dumps(frame.get("result"))[:400]))
        return frame["error"]

    def close(self):
        code, _ = self.host.finish()
        for pipe in (self.host.proc.stdout, self.host.proc.stderr):
            pipe.close()
        return code


def data(raw):
    return {"data": base64.b64encode(raw).decode("ascii")}


class Rfc8823Host(unittest.TestCase):
    def setUp(self):
        if not HOST or not CLI:
            self.fail("INKAN_HOST and INKAN_CLI must name the binaries (ctest sets them)")
        self.work = tempfile.mkdtemp(prefix="inkan-rfc8823-")
        self.home = os.path.join(self.work, "home")
        self.cas = []
        self.sessions = []

    def tearDown(self):
        for s in self.sessions:
            try:
                s.close()
            except Exception:  # noqa: BLE001 - already gone
                pass
        for ca in self.cas:
            ca.close()
        shutil.rmtree(self.work, ignore_errors=True)

    def make_ca(self, name, **options):
        ca = rfc8823_ca.TestCa(os.path.join(self.work, name), **options)
        self.cas.append(ca)
        return ca

    def session(self):
        s = HostSession(self.home)
        self.sessions.append(s)
        return s

    def start(self, s, ca, **extra):
        params = {"directory": ca.directory_url, "address": ADDRESS, "key_type": "p256", "ca_file": ca.tls_ca_file,
                  "server": {"answer_delay_seconds": 0}}
        params.update(extra)
        mailed = len(ca.outbox)
        result, _ = s.ok("acme.start", **params)
        self.assertEqual(result["status"], "awaiting_reply", result)
        self.assertEqual(len(result["awaiting"]), 1)
        self.assertEqual(result["awaiting"][0]["address"], ADDRESS)
        self.assertEqual(result["awaiting"][0]["from"], ca.from_address)
        self.assertEqual(len(ca.outbox), mailed + 1, "the CA mailed its challenge when the authorization was fetched")
        return result["enrolment"]

    def reply(self, s, ca, enrolment, challenge=None):
        result, parts = s.ok("acme.reply", enrolment=enrolment, mail=data(challenge or ca.outbox[-1]))
        raw = parts["output"]
        self.assertIn(b"-----BEGIN ACME RESPONSE-----", raw)
        self.assertEqual(result["reply"]["to"], [ca.from_address])
        self.assertTrue(result["reply"]["subject"].startswith("Re: ACME: "))
        self.assertTrue(all(c["passed"] or not c["required"] for c in result["checks"]), result["checks"])
        # The mail path: the add-on sends it, the CA's mailbox receives it (here: handed over directly).
        ca.receive_reply(raw)
        return result, raw

    def resume_until_done(self, s, enrolment, limit=60):
        deadline = time.time() + limit
        while time.time() < deadline:
            result, _ = s.ok("acme.resume", enrolment=enrolment, wait_seconds=5)
            if result["status"] == "done":
                return result
            self.assertEqual(result["status"], "waiting", result)
            time.sleep(min(result.get("retry_after_seconds") or 1, 2))
        self.fail("the enrolment did not finish in %d s" % limit)

    def id_list(self):
        out = subprocess.run([CLI, "id", "list", "--json"], env=dict(os.environ, INKAN_HOME=self.home),
                             capture_output=True, check=True).stdout
        return json.loads(out)

    def check_issued(self, ca, result):
        imported = result["imported"]["imported"]
        self.assertEqual(len(imported), 1)
        self.assertEqual(imported[0]["source"], "acme")
        self.assertEqual(imported[0]["addresses"], [ADDRESS])
        listed = self.id_list()
        self.assertEqual([i["fingerprint"] for i in listed["identities"]], [imported[0]["fingerprint"]])
        self.assertEqual(listed["identities"][0]["source"], "acme")
        self.assertTrue(result["lint"] and "findings" in result["lint"][0])
        chain = os.path.join(self.work, "chain.pem")
        with open(chain, "w") as f:
            f.write(result["chain"])
        v = subprocess.run(["openssl", "verify", "-purpose", "smimesign", "-CAfile", ca.root_file, "-untrusted", chain,
                            chain], capture_output=True, text=True)
        self.assertEqual(v.returncode, 0, v.stdout + v.stderr)
        # The state is gone once the identity is in the store.
        self.assertFalse(os.listdir(os.path.join(self.home, "enrol")) and
                         any(n.endswith(".json") for n in os.listdir(os.path.join(self.home, "enrol"))))

    # ---- the tests -----------------------------------------------------------------------------

    def run_mode(self, mode):
        ca = self.make_ca(mode, concatenation=mode, dkim=True)
        s = self.session()
        enrolment = self.start(s, ca, server={"concatenation": mode, "answer_delay_seconds": 0})
        result, raw = self.reply(s, ca, enrolment)
        self.assertEqual(result["authenticated_by"], "dkim-unverified")
        s.ok("acme.sent", enrolment=enrolment)
        done = self.resume_until_done(s, enrolment)
        self.check_issued(ca, done)
        self.assertEqual(ca.log[-1]["path"], "/cert/" + ca.log[-1]["path"].split("/")[-1])
        digests = [e for e in ca.log if "expected" in e]
        self.assertTrue(digests and digests[-1]["expected"] == digests[-1]["got"])

    def test_string_concatenation(self):
        self.run_mode("string")

    def test_bytes_concatenation(self):
        self.run_mode("bytes")

    def wrong_mode(self, server_mode, client_mode):
        ca = self.make_ca("wrong-" + server_mode, concatenation=server_mode, dkim=True)
        s = self.session()
        enrolment = self.start(s, ca, server={"concatenation": client_mode, "answer_delay_seconds": 0})
        self.reply(s, ca, enrolment)
        s.ok("acme.sent", enrolment=enrolment)
        err = s.error("acme.resume", enrolment=enrolment, wait_seconds=5)
        self.assertEqual(err["code"], "ACME_PROBLEM", err)
        self.assertIn("incorrectResponse", err["detail"])
        listed, _ = s.ok("acme.list")
        [e] = [x for x in listed["enrolments"] if x["enrolment"] == enrolment]
        self.assertEqual(e["status"], "failed")
        self.assertEqual(e["error"]["code"], "ACME_PROBLEM")
        self.assertEqual(self.id_list()["identities"], [])
        s.ok("acme.cancel", enrolment=enrolment)
        listed, _ = s.ok("acme.list")
        self.assertEqual(listed["enrolments"], [])

    def test_wrong_concatenation_fails_cleanly(self):
        self.wrong_mode("bytes", "string")
        self.wrong_mode("string", "bytes")

    def test_survives_host_restarts_and_waits_for_the_answer_delay(self):
        ca = self.make_ca("restart", dkim=True)
        s = self.session()
        enrolment = self.start(s, ca, server={"answer_delay_seconds": 3})
        s.close()
        self.sessions.remove(s)
        # A new host (the MV3 background page was suspended): the enrolment is in the store.
        s = self.session()
        listed, _ = s.ok("acme.list")
        self.assertEqual([e["enrolment"] for e in listed["enrolments"]], [enrolment])
        self.assertEqual(listed["enrolments"][0]["status"], "awaiting_reply")
        self.reply(s, ca, enrolment)
        sent, _ = s.ok("acme.sent", enrolment=enrolment)
        self.assertIsNotNone(sent["answer_after"])
        waiting, _ = s.ok("acme.resume", enrolment=enrolment)
        self.assertEqual(waiting["status"], "waiting", waiting)
        self.assertGreaterEqual(waiting["retry_after_seconds"], 1)
        self.assertFalse(any(e.get("path", "").startswith("/chall/") for e in ca.log),
                         "the challenge is not answered before the answer delay")
        s.close()
        self.sessions.remove(s)
        s = self.session()
        self.check_issued(ca, self.resume_until_done(s, enrolment))

    def test_challenge_checks(self):
        ca = self.make_ca("checks", dkim=True)
        s = self.session()
        enrolment = self.start(s, ca)
        challenge = ca.outbox[-1]
        # Another sender: not the challenge's "from".
        forged = challenge.replace(b"From: " + ca.from_address.encode(), b"From: attacker@evil.test")
        err = s.error("acme.reply", enrolment=enrolment, mail=data(forged))
        self.assertEqual(err["code"], "CHALLENGE_MAIL_INVALID")
        # Answered once: never again (RFC 8823 3.2).
        self.reply(s, ca, enrolment)
        s.ok("acme.sent", enrolment=enrolment)
        err = s.error("acme.reply", enrolment=enrolment, mail=data(challenge))
        self.assertEqual(err["code"], "CHALLENGE_MAIL_INVALID")
        self.assertIn("already answered", err["detail"])
        err = s.error("acme.resume", enrolment="0123456789abcdef")
        self.assertEqual(err["code"], "NOT_FOUND")

    def test_lenient_server(self):
        # Like acme2certifier: no Auto-Submitted, no DKIM. Strict checks refuse it; the lenient switch accepts it.
        ca = self.make_ca("lenient", auto_submitted=False, dkim=False)
        s = self.session()
        enrolment = self.start(s, ca)
        err = s.error("acme.reply", enrolment=enrolment, mail=data(ca.outbox[-1]))
        self.assertEqual(err["code"], "CHALLENGE_MAIL_INVALID")
        self.assertIn("authenticity", err["detail"])
        s.ok("acme.cancel", enrolment=enrolment)
        enrolment = self.start(s, ca, server={"lenient_challenge_checks": True, "answer_delay_seconds": 0})
        result, _ = self.reply(s, ca, enrolment)
        self.assertTrue(any(not c["passed"] and not c["required"] for c in result["checks"]))
        s.ok("acme.sent", enrolment=enrolment)
        self.check_issued(ca, self.resume_until_done(s, enrolment))

    def test_known_servers(self):
        s = self.session()
        result, _ = s.ok("acme.servers")
        castle = [x for x in result["servers"] if "castle.cloud" in x["directory_url"]]
        self.assertTrue(castle and all(x["concatenation"] == "bytes" for x in castle))
        self.assertEqual(result["defaults"]["concatenation"], "string")


if __name__ == "__main__":
    unittest.main()
