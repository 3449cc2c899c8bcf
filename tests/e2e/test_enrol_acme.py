"""The enrolment wizard, RFC 8823 end to end in the real Thunderbird with the
real inkan-host: the loopback test CA (tests/enrol/rfc8823_ca.py, HTTPS with
its own TLS root) mails its challenge into the POP3 maildrop, Thunderbird
fetches it, the add-on hands it to the host (acme.reply), sends the host's
reply through Alice's own account to the SMTP sink, the CA reads the reply
from the sink's folder and checks the digest, issues, and the add-on puts the
new key into Thunderbird. Judges: `inkan id list` on the store, the CA's own
digest check, Thunderbird's certificate database and identity prefs.
"""
import email
import email.policy
import json
import os
import subprocess
import sys
import unittest

from e2e_support import CLI, EXTENSION, HOST, SOURCE, WORK, ThunderbirdCase

sys.path.insert(0, os.path.join(SOURCE, "tests", "enrol"))
import rfc8823_ca  # noqa: E402

ADDRESS = "alice@example.org"
WIZARD = "ui/enrol/enrol.html"


def catalog(lang):
    with open(os.path.join(EXTENSION, "_locales", lang, "messages.json"), encoding="utf-8") as f:
        return {k: v["message"] for k, v in json.load(f).items()}


def fill(text, **values):
    for name, value in values.items():
        text = text.replace(f"${name.upper()}$", value)
    return text


def id_list(home):
    out = subprocess.run([CLI, "id", "list", "--json"], env=dict(os.environ, INKAN_HOME=home),
                         capture_output=True, check=True, timeout=60).stdout
    return json.loads(out)


def thunderbird_signing_cert(tb, identity_id="id1"):
    """The certificate Thunderbird's identity signs with (its prefs), from Thunderbird's own cert DB."""
    return tb.chrome("""
        const { MailServices } = ChromeUtils.importESModule("resource:///modules/MailServices.sys.mjs");
        const identity = MailServices.accounts.getIdentity(arguments[0]);
        const dbkey = identity.getCharAttribute("signing_cert_dbkey");
        const db = Cc["@mozilla.org/security/x509certdb;1"].getService(Ci.nsIX509CertDB);
        const cert = dbkey ? db.findCertByDBKey(dbkey) : null;
        return { dbkey, encryptionDbkey: identity.getCharAttribute("encryption_cert_dbkey"),
                 sha256: cert ? cert.sha256Fingerprint.replace(/:/g, "").toLowerCase() : null,
                 email: cert ? cert.emailAddress : null, hasKey: cert ? cert.certType == Ci.nsIX509Cert.USER_CERT : false };""",
                     identity_id)


@unittest.skipUnless(HOST and os.path.exists(HOST) and CLI, "inkan-host / inkan not built")
class EnrolAcmeTest(ThunderbirdCase):
    run_name = "enrol_acme"
    host = HOST
    store = os.path.join(WORK, "enrol_acme", "inkan-home")
    env = {"INKAN_HOME": store}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ca = rfc8823_ca.TestCa(os.path.join(cls.workdir, "ca"), concatenation="string", dkim=True,
                                   deliver=cls.tb.deliver_pop3, reply_dir=os.path.join(cls.workdir, "sink"))

    @classmethod
    def tearDownClass(cls):
        try:
            cls.ca.close()
        finally:
            super().tearDownClass()

    def test_1_wizard_gets_a_certificate_by_email(self):
        en = catalog("en")
        # The user opens the wizard from the options page.
        self.tb.bridge("openOptions")
        self.tb.page_click("ui/options/options.html", "optionsEnrol")
        text = self.tb.page_text(WIZARD)
        self.assertIn(en["enrol_title"], text)
        # A server of their own (the loopback CA) with its TLS root, answered at once.
        self.tb.page_set(WIZARD, "acmeServer", "")
        self.tb.page_set(WIZARD, "acmeDirectory", self.ca.directory_url)
        self.tb.page_set(WIZARD, "acmeCaFile", self.ca.tls_ca_file)
        self.tb.page_set(WIZARD, "acmeDelay", "0")
        self.tb.page_set(WIZARD, "acmeTerms", True)
        self.tb.page_click(WIZARD, "acmeStart")
        self.tb.wait_until(lambda: self.ca.outbox, timeout=60, what="the CA's challenge mail")
        self.tb.wait_until(lambda: fill(en["enrol_acmeAwaiting"], **{"from": self.ca.from_address}) in self.tb.page_text(WIZARD),
                           timeout=30, what="the wizard to wait for the challenge")

        # Thunderbird fetches the challenge; the add-on answers through Alice's account.
        before = self.tb.sink.count()
        self.tb.get_new_mail()
        reply = self.tb.sink.wait_for(before + 1, timeout=90)[-1]
        self.assertEqual(reply.mail_from, ADDRESS)
        self.assertEqual([r.lower() for r in reply.rcpt_tos], [self.ca.from_address])
        msg = email.message_from_bytes(reply.data, policy=email.policy.default)
        challenge = email.message_from_bytes(self.ca.outbox[0], policy=email.policy.default)
        self.assertEqual(msg["In-Reply-To"].strip(), challenge["Message-ID"].strip())
        self.assertTrue(str(msg["Subject"]).startswith("Re: ACME: "))
        # Unsigned plain text, as RFC 8823 3.2 wants it (no S/MIME wrapper).
        self.assertEqual(msg.get_content_type(), "text/plain")
        self.assertIn(b"-----BEGIN ACME RESPONSE-----", reply.data)

        # The host answers the challenge, the CA checks the digest and issues; the add-on provisions.
        done = fill(en["enrol_done"], address=ADDRESS)
        text = self.tb.wait_until(lambda: (lambda t: t if done in t else None)(self.tb.page_text(WIZARD)),
                                  timeout=180, what="the wizard to report the certificate")
        checked = [e for e in self.ca.log if "expected" in e]
        self.assertTrue(checked and checked[-1]["expected"] == checked[-1]["got"], checked)
        self.assertIn(en["enrol_provisioned"], text, json.dumps(self.tb.bridge("enrolRecords"), indent=1))
        self.assertTrue(en["enrol_lintTitle"] in text or en["enrol_lintClean"] in text, text)

        # The identity is in the user's store ...
        listed = id_list(self.store)["identities"]
        self.assertEqual(len(listed), 1, listed)
        self.assertEqual(listed[0]["source"], "acme")
        self.assertEqual(listed[0]["addresses"], [ADDRESS])
        self.assertIn("RFC 8823", listed[0]["issuer"] + " ")  # issued by the test CA's intermediate
        # ... and the same certificate is Thunderbird's, with its key, for signing and encryption.
        tb_cert = thunderbird_signing_cert(self.tb)
        self.assertEqual(tb_cert["sha256"], listed[0]["fingerprint"].replace(":", "").lower(), tb_cert)
        self.assertEqual(tb_cert["email"], ADDRESS)
        self.assertTrue(tb_cert["hasKey"])
        self.assertEqual(tb_cert["encryptionDbkey"], tb_cert["dbkey"])
        caps = self.tb.bridge("identities")[0]["encryptionCapabilities"]["S/MIME"]
        self.assertTrue(caps["canSign"], caps)
        # The temporary .p12 used for provisioning is gone.
        self.assertEqual([n for n in os.listdir(self.tb.tmp) if n.startswith("inkan-")], [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
