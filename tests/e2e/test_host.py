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
from harness.peers import cmsutil_verify, openssl_verify


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

    def test_2_verdict_popup_shows_the_hosts_verdict(self):
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

    def test_3_inkan_path_failure_falls_back_to_builtin(self):
        self.provision_alice()
        subject = "Host cannot sign yet"
        body = "Signed by Thunderbird after the host declined.\n"
        self.tb.open_compose(to="Bob <bob@example.net>", subject=subject, body=body)
        self.tb.click_compose_button(subject)
        before = self.tb.sink.count()
        self.tb.click_send(subject)
        received = self.tb.sink.wait_for(before + 1, timeout=90)[-1]
        openssl_verify(received.data, pki("root.pem"))
        cmsutil_verify(received.data, pki("root.pem"))
        report = self.tb.wait_until(lambda: self.tb.bridge("lastReport"), timeout=10, what="report")
        self.assertEqual(report["kind"], "builtinSigned")
        # The draft the Inkan path saved is gone again.
        self.assertEqual([m for m in self.tb.bridge("folderMessages", specialUse="drafts")
                          if m["subject"] == subject], [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
