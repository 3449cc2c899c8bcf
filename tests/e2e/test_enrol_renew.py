"""Renewal in the real Thunderbird with the real inkan-host and the loopback
RFC 8823 CA: after the ACME enrolment of test_enrol_acme (run again here, on a
store of this run), the expiry reminder is shown, a click on it opens the
wizard in renewal mode with the ACME path, the same server and the same
address chosen; one button renews through the same mail loop. Judges: `inkan
id list --json` on the run's store (two identities, the newer current),
`inkan id expiring` (the old one is covered), Thunderbird's identity prefs,
and a message OpenSSL encrypted to the OLD certificate, which `inkan decrypt`
still opens on that store.
"""
import json
import os
import subprocess
import unittest

import test_enrol_acme as acme
from e2e_support import CLI, WORK

RENEWAL = "ui/enrol/enrol.html?renew="


def cli(home, *args, data=None):
    return subprocess.run([CLI, *args], env=dict(os.environ, INKAN_HOME=home), input=data,
                          capture_output=True, check=True, timeout=60).stdout


class EnrolRenewTest(acme.EnrolAcmeTest):
    run_name = "enrol_renew"
    store = os.path.join(WORK, "enrol_renew", "inkan-home")
    env = {"INKAN_HOME": store}

    def test_2_reminder_renews_by_the_same_path(self):
        en = acme.catalog("en")
        old = acme.id_list(self.store)["identities"]
        self.assertEqual(len(old), 1, old)
        old = old[0]
        address = acme.ADDRESS

        # A message sent to the old certificate before the renewal (OpenSSL, the sender's side).
        old_pem = os.path.join(self.workdir, "old-cert.pem")
        cli(self.store, "id", "export-cert", old["fingerprint"], "--out", old_pem)
        plain = (b"Content-Type: text/plain; charset=UTF-8\r\n\r\nRead me after the renewal.\r\n")
        encrypted = subprocess.run(["openssl", "cms", "-encrypt", "-aes-256-cbc", "-recip", old_pem,
                                    "-from", "bob@example.net", "-to", address, "-subject", "old mail"],
                                   input=plain, capture_output=True, check=True, timeout=60).stdout

        # The daily reminder with a horizon that reaches this certificate (and its successor).
        days = old["days_left"] + 30
        self.assertEqual(self.tb.bridge("enrolRemind", days=days), [old["fingerprint"]])
        # The user clicks it: the wizard opens in renewal mode for that certificate. (Headless
        # Thunderbird's alert service cannot show it, so the click is Thunderbird's onClicked with
        # the id remindExpiring gave the notification: "inkan-renew:" + fingerprint.)
        self.tb.bridge("notificationClicked", id="inkan-renew:" + old["fingerprint"])
        page = RENEWAL + old["fingerprint"]
        text = self.tb.page_text(page)
        self.assertIn(en["enrol_renewTitle"], text)
        self.assertIn(en["enrol_renewPath_acme"], text)
        self.assertIn(address, text)
        fields = self.tb.page_values(page, ["renewBox", "identity", "pathAcme", "pathActalis", "pathCompany",
                                            "pathOther", "acmeServer", "acmeDirectory", "acmeCaFile", "acmeDelay",
                                            "acmeTerms"])
        self.assertFalse(fields["renewBox"]["hidden"])
        self.assertEqual(fields["identity"]["value"], "id1")  # Alice's Thunderbird identity
        self.assertTrue(fields["pathAcme"]["open"], fields)
        self.assertFalse(any(fields[p]["open"] for p in ("pathActalis", "pathCompany", "pathOther")), fields)
        # The same server, with the same TLS root and settings as the first time.
        self.assertEqual(fields["acmeDirectory"]["value"], self.ca.directory_url)
        self.assertEqual(fields["acmeCaFile"]["value"], self.ca.tls_ca_file)
        self.assertEqual(fields["acmeDelay"]["value"], "0")
        self.assertTrue(fields["acmeTerms"]["value"])

        # One button; the same mail loop: a new challenge, answered through Alice's account.
        challenges = len(self.ca.outbox)
        self.tb.page_click(page, "renewStart")
        self.tb.wait_until(lambda: len(self.ca.outbox) > challenges, timeout=60, what="the CA's second challenge")
        before = self.tb.sink.count()
        self.tb.get_new_mail()
        reply = self.tb.sink.wait_for(before + 1, timeout=90)[-1]
        self.assertEqual(reply.mail_from, address)
        self.assertEqual([r.lower() for r in reply.rcpt_tos], [self.ca.from_address])

        def renewed():
            records = self.tb.bridge("enrolRecords").values()
            done = [r for r in records if r.get("renews") == old["fingerprint"] and r.get("status") == "done"]
            return done[0] if done else None
        record = self.tb.wait_until(renewed, timeout=180, what="the renewal to finish")
        self.assertEqual(record["directory"], self.ca.directory_url)
        self.assertIsNotNone(record["provisioned"], record)

        # Two identities for the address in the store; the newer is current, the old one stays.
        listed = [i for i in acme.id_list(self.store)["identities"] if address in i["addresses"]]
        self.assertEqual(len(listed), 2, listed)
        by_fp = {i["fingerprint"]: i for i in listed}
        self.assertIn(old["fingerprint"], by_fp)
        new = next(i for i in listed if i["fingerprint"] != old["fingerprint"])
        self.assertEqual(new["fingerprint"], record["fingerprint"])
        self.assertEqual(new["source"], "acme")
        self.assertGreaterEqual(new["not_after"], old["not_after"])
        self.assertEqual(new["current"], {"sign": True, "encrypt": True}, new)
        self.assertEqual(by_fp[old["fingerprint"]]["current"], {"sign": False, "encrypt": False})
        # The reminder is answered: the old certificate is covered by the new one.
        expiring = [i["fingerprint"] for i in
                    json.loads(cli(self.store, "id", "expiring", "--days", str(days), "--json"))["expiring"]]
        self.assertNotIn(old["fingerprint"], expiring)
        # Thunderbird signs with the new certificate.
        tb_cert = acme.thunderbird_signing_cert(self.tb)
        self.assertEqual(tb_cert["sha256"], new["fingerprint"].replace(":", "").lower(), tb_cert)

        # The old key still reads mail encrypted to the old certificate.
        decrypted = cli(self.store, "decrypt", data=encrypted)
        self.assertIn(b"Read me after the renewal.", decrypted)


if __name__ == "__main__":
    unittest.main(verbosity=2)
