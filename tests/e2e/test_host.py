"""The add-on with the real native host (inkan-host from this build, registered
under the test HOME exactly as scripts/install-host.sh does for a user).

The host's store is not merged yet, so the host has no trust anchors and no
key of its own: the verdict is the engine's honest "untrusted (no trust
anchors)", and a signing request cannot be served, which exercises the
fall-back to Thunderbird's built-in S/MIME after the Inkan path failed.
"""
import json
import os
import subprocess
import unittest

from e2e_support import CLI, EXTENSION, HOST, ThunderbirdCase, bob_signed, pki
from harness.peers import cmsutil_verify, openssl_decrypt, openssl_verify


def catalog(lang):
    with open(os.path.join(EXTENSION, "_locales", lang, "messages.json"), encoding="utf-8") as f:
        return {k: v["message"] for k, v in json.load(f).items()}


@unittest.skipUnless(HOST and os.path.exists(HOST), "inkan-host not built")
class HostTest(ThunderbirdCase):
    run_name = "host"
    host = HOST

    def test_1_hello_through_the_addon(self):
        hello = self.tb.bridge("hostHello")
        self.assertTrue(hello["ok"], hello)
        self.assertEqual(hello["hello"]["protocol"], 1)
        self.assertIn("sign", hello["hello"]["ops"])

    def test_1b_import_from_the_options_page(self):
        """The options page's import puts the key into Thunderbird's store and
        into the host's store (identity.import), where `inkan id list` finds it."""
        import base64
        with open(pki("root.pem")) as f:
            self.tb.bridge("trust", pem=f.read())
        with open(pki("alice.p12"), "rb") as f:
            p12 = base64.b64encode(f.read()).decode()
        result = self.tb.bridge("importP12", identityId="id1", p12Base64=p12, password="test")
        self.assertEqual(result["provisioned"]["certificate"]["email"], "alice@example.org")
        self.assertTrue(result["imported"]["ok"], result["imported"])
        listed = subprocess.run([CLI, "id", "list", "--json"], capture_output=True, timeout=60, check=True,
                                env={**os.environ, "INKAN_HOME": self.tb.store})
        addresses = [a for i in json.loads(listed.stdout)["identities"] for a in i["addresses"]]
        self.assertIn("alice@example.org", addresses)
        # Thunderbird can now sign and encrypt for Alice; it keeps Bob's
        # certificate when it shows his message (test 3), for test 5.
        caps = self.tb.bridge("identities")[0]["encryptionCapabilities"]["S/MIME"]
        self.assertEqual(caps, {"canSign": True, "canEncrypt": True})

    def test_2_large_message_through_the_addons_host_client(self):
        """A 3 MB message goes up in upload frames and comes back signed in
        several chunks (each under Thunderbird's 1 MiB frame limit); the client
        checks the reassembly against the host's SHA-256, and OpenSSL the result."""
        import base64
        blob = os.urandom(3 * 1024 * 1024)
        attachment = base64.encodebytes(blob).replace(b"\n", b"\r\n")
        message = (b"From: Alice Example <alice@example.org>\r\nTo: Bob <bob@example.net>\r\n"
                   b"Subject: large\r\nMIME-Version: 1.0\r\n"
                   b"Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
                   b"--b1\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nThe data.\r\n"
                   b"--b1\r\nContent-Type: application/octet-stream; name=\"data.bin\"\r\n"
                   b"Content-Transfer-Encoding: base64\r\n\r\n" + attachment + b"--b1--\r\n")
        reply = self.tb.bridge("hostCall", timeout=180, op="sign", inputBase64=base64.b64encode(message).decode(),
                               params={"key": {"pkcs12": {"path": pki("alice.p12")}, "password": "test"}})
        signed = base64.b64decode(reply["output"])
        self.assertEqual(reply["outputSize"], len(signed))
        self.assertGreater(reply["result"]["output"]["chunks"], 1)
        content = openssl_verify(signed, pki("root.pem"))
        from harness.peers import parse
        parts = [p for p in parse(content).walk() if p.get_filename() == "data.bin"]
        self.assertEqual(parts[0].get_content(), blob)

    def test_3_verdict_popup_shows_the_hosts_verdict(self):
        message = bob_signed("Checked by the host", "bob-host@example.net")
        path = os.path.join(self.workdir, "bob-host.eml")
        with open(path, "wb") as f:
            f.write(message)
        # What the engine says about this message with the same (empty) trust.
        proc = subprocess.run([CLI, "verify", "--json", path], capture_output=True, timeout=60)
        verdict = json.loads(proc.stdout)
        self.tb.deliver_pop3(message)
        self.tb.get_new_mail()
        self.tb.wait_until(lambda: self.tb.bridge("newMailSeen"), timeout=30, what="new mail")
        self.tb.bridge("displayMessage", headerMessageId="bob-host@example.net")
        en = catalog("en")
        button = self.tb.click_message_button(en["verdictButtonLabel"])
        expected = "button_good" if verdict["status"] == "good" else "button_problem"
        self.assertEqual(button["label"], en[expected])
        text = self.tb.page_text("ui/verdict/verdict.html")
        self.assertIn(en["verdictSignedBy"].replace("$SIGNER$", verdict["signer"]), text)
        self.assertIn(en["verdictMatchesSender"], text)
        if verdict["status"] != "good":
            self.assertIn(en["status_" + verdict["status"].replace("-", "_")], text)
            for reason in verdict["reasons"]:
                self.assertIn(en["reason_" + reason.replace("-", "_")], text)

    def test_4_one_click_sign_goes_through_the_host(self):
        """With Alice's identity in the host's store (test 1b), the Inkan path
        signs: the host's message, sent by the Experiment, verified by the peers."""
        subject = "Signed by the host"
        body = "Signed by inkan-host from the store.\n"
        self.tb.open_compose(to="Bob <bob@example.net>", subject=subject, body=body)
        self.tb.click_compose_button(subject)
        before = self.tb.sink.count()
        self.tb.click_send(subject)
        received = self.tb.sink.wait_for(before + 1, timeout=90)[-1]
        openssl_verify(received.data, pki("root.pem"))
        cmsutil_verify(received.data, pki("root.pem"))
        report = self.tb.wait_until(lambda: self.tb.bridge("lastReport"), timeout=10, what="report")
        self.assertEqual(report["kind"], "inkanSigned")
        # The draft the Inkan path saved is gone again.
        self.assertEqual([m for m in self.tb.bridge("folderMessages", specialUse="drafts")
                          if m["subject"] == subject], [])

    def test_5_encrypt_while_the_host_has_no_contacts_store(self):
        subject = "Encrypted while the host has no contacts"
        body = "For Bob only.\n"
        self.tb.open_compose(to="Bob <bob@example.net>", subject=subject, body=body)
        self.tb.click_compose_button(subject)
        self.tb.click_compose_button(subject)
        before = self.tb.sink.count()
        self.tb.click_send(subject)
        received = self.tb.sink.wait_for(before + 1, timeout=90)[-1]
        inner = openssl_decrypt(received.data, pki("bob.pem"), pki("bob.key"))
        inner = inner.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        openssl_verify(inner, pki("root.pem"))
        cmsutil_verify(inner, pki("root.pem"))
        report = self.tb.bridge("lastReport")
        self.assertEqual(report["kind"], "builtinEncrypted")


if __name__ == "__main__":
    unittest.main(verbosity=2)
