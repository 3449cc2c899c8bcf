"""The enrolment wizard's assisted Actalis path in the real Thunderbird with the
real inkan-host. Actalis's two mails arrive by POP3 as they would from
Actalis: first the verification code (the wizard shows it, with a copy
button), then a ZIP holding a PKCS#12 encoded the way Actalis encodes it
(RC2-40 certificate bag, 3DES key bag, SHA-1 MAC, made here by
`openssl pkcs12 -export -legacy`). The user types the password the form
showed; the host imports it, the add-on puts it into Thunderbird and keeps
the renewal reminder. Judges: `openssl pkcs12` (the encoding), `inkan id list`
(the store), Thunderbird's certificate database and identity prefs.
"""
import base64
import email.utils
import os
import subprocess
import unittest
import zipfile

from e2e_support import CLI, HOST, WORK, ThunderbirdCase, pki
from test_enrol_acme import ADDRESS, catalog, fill, id_list, thunderbird_signing_cert

WIZARD = "ui/enrol/enrol.html"
RECORD = "actalis-id1"
CODE = "Q3W9E2"
PASSWORD = "Xk7-pR2q"


def code_mail():
    return ("From: Actalis S.p.A. <noreply@actalis.it>\r\nTo: " + ADDRESS + "\r\n"
            "Subject: Actalis - Verification code\r\nDate: " + email.utils.formatdate() + "\r\n"
            "Message-ID: <code-1@actalis.it>\r\nMIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n"
            "Dear Customer,\r\n\r\nPlease enter the following verification code in the \"Verification Code\" "
            "field of the request form:\r\n\r\n" + CODE + "\r\n\r\nBest regards,\r\nActalis S.p.A.\r\n").encode()


def zip_mail(zip_bytes, name):
    b64 = base64.encodebytes(zip_bytes).decode().replace("\n", "\r\n")
    return ("From: Actalis S.p.A. <noreply@actalis.it>\r\nTo: " + ADDRESS + "\r\n"
            "Subject: Actalis - Your S/MIME certificate\r\nDate: " + email.utils.formatdate() + "\r\n"
            "Message-ID: <zip-1@actalis.it>\r\nMIME-Version: 1.0\r\n"
            "Content-Type: multipart/mixed; boundary=\"zz\"\r\n\r\n"
            "--zz\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n"
            "Dear Customer,\r\nattached are your credentials. User Code: " + ADDRESS + "\r\n"
            "--zz\r\nContent-Type: application/zip; name=\"" + name + "\"\r\n"
            "Content-Disposition: attachment; filename=\"" + name + "\"\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n" + b64 + "--zz--\r\n").encode()


@unittest.skipUnless(HOST and os.path.exists(HOST) and CLI, "inkan-host / inkan not built")
class EnrolActalisTest(ThunderbirdCase):
    run_name = "enrol_actalis"
    host = HOST
    store = os.path.join(WORK, "enrol_actalis", "inkan-home")
    env = {"INKAN_HOME": store}
    # The form is the user's: the add-on asks Thunderbird to open it in the
    # default browser; here no external handler may start.
    prefs = {"network.protocol-handler.external.https": False}

    def make_zip(self):
        pfx = os.path.join(self.workdir, f"PKCS12_Credential_{ADDRESS}.pfx")
        subprocess.run(["openssl", "pkcs12", "-export", "-legacy", "-in", pki("alice.pem"), "-inkey", pki("alice.key"),
                        "-certfile", pki("sub.pem"), "-passout", "pass:" + PASSWORD, "-iter", "102400",
                        "-macalg", "sha1", "-out", pfx], check=True, capture_output=True, timeout=60)
        # Actalis's encoding: OpenSSL 3 reads the RC2-40 certificate bag only with the legacy provider.
        plain = subprocess.run(["openssl", "pkcs12", "-info", "-noout", "-in", pfx, "-passin", "pass:" + PASSWORD],
                               capture_output=True, text=True, timeout=60)
        self.assertNotEqual(plain.returncode, 0)
        legacy = subprocess.run(["openssl", "pkcs12", "-info", "-noout", "-legacy", "-in", pfx, "-passin",
                                 "pass:" + PASSWORD], capture_output=True, text=True, timeout=60)
        self.assertEqual(legacy.returncode, 0, legacy.stderr)
        self.assertIn("pbeWithSHA1And40BitRC2-CBC", legacy.stderr)
        path = os.path.join(self.workdir, "certificate.zip")
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            z.write(pfx, os.path.basename(pfx))
        with open(path, "rb") as f:
            return f.read()

    def test_1_code_then_zip(self):
        en = catalog("en")
        self.tb.bridge("openOptions")
        self.tb.page_click("ui/options/options.html", "optionsEnrol")
        self.tb.page_click(WIZARD, "actalisStart")
        self.tb.wait_until(lambda: en["enrol_actalisWaitCode"] in self.tb.page_text(WIZARD), timeout=30,
                           what="the wizard to wait for the code")

        # Mail 1: the verification code, shown with a copy button.
        self.tb.deliver_pop3(code_mail())
        self.tb.get_new_mail()
        text = self.tb.wait_until(lambda: (lambda t: t if CODE in t else None)(self.tb.page_text(WIZARD)),
                                  timeout=60, what="the code in the wizard")
        self.assertIn(en["enrol_actalisCode"], text)
        self.assertIn(en["enrol_actalisWaitZip"], text)
        self.assertNotIn(en["enrol_actalisCodeNotFromActalis"].split("$FROM$")[0], text)
        self.tb.page_click(WIZARD, f"actalisCopy-{RECORD}")
        self.tb.wait_until(lambda: en["enrol_copied"] in self.tb.page_text(WIZARD), timeout=20, what="the copy")
        clipboard = self.tb.chrome("""
            const trans = Cc["@mozilla.org/widget/transferable;1"].createInstance(Ci.nsITransferable);
            trans.init(null);
            trans.addDataFlavor("text/plain");
            Services.clipboard.getData(trans, Ci.nsIClipboard.kGlobalClipboard);
            const out = {};
            trans.getTransferData("text/plain", out);
            return out.value.QueryInterface(Ci.nsISupportsString).data;""")
        self.assertEqual(clipboard, CODE)

        # Mail 2: the ZIP; the wizard asks for the password once.
        name = "Certificate_alice.zip"
        self.tb.deliver_pop3(zip_mail(self.make_zip(), name))
        self.tb.get_new_mail()
        ask = fill(en["enrol_actalisAskPassword"], file=name)
        self.tb.wait_until(lambda: ask in self.tb.page_text(WIZARD), timeout=60, what="the password question")
        # A wrong password is refused and asked again; nothing lands in the store.
        self.tb.page_set(WIZARD, f"actalisPassword-{RECORD}", "wrong")
        self.tb.page_click(WIZARD, f"actalisImport-{RECORD}")
        self.tb.wait_until(lambda: en["enrol_working"] not in self.tb.page_text(WIZARD), timeout=60, what="the import")
        self.assertIn(ask, self.tb.page_text(WIZARD))
        self.assertEqual(id_list(self.store)["identities"], [])
        self.tb.page_set(WIZARD, f"actalisPassword-{RECORD}", PASSWORD)
        self.tb.page_click(WIZARD, f"actalisImport-{RECORD}")
        done = fill(en["enrol_done"], address=ADDRESS)
        text = self.tb.wait_until(lambda: (lambda t: t if done in t else None)(self.tb.page_text(WIZARD)),
                                  timeout=90, what="the import to finish")
        self.assertIn(en["enrol_provisioned"], text)
        self.assertIn(en["enrol_remindAt"].split("$DATE$")[0], text)

        listed = id_list(self.store)["identities"]
        self.assertEqual(len(listed), 1, listed)
        self.assertEqual(listed[0]["source"], "actalis")
        self.assertEqual(listed[0]["addresses"], [ADDRESS])
        tb_cert = thunderbird_signing_cert(self.tb)
        self.assertEqual(tb_cert["sha256"], listed[0]["fingerprint"].replace(":", "").lower(), tb_cert)
        self.assertTrue(tb_cert["hasKey"])
        # The renewal reminder: 30 days before the certificate expires.
        record = self.tb.bridge("enrolRecords")[RECORD]
        import datetime
        not_after = datetime.datetime.fromisoformat(listed[0]["not_after"].replace("Z", "+00:00"))
        remind = datetime.datetime.fromisoformat(record["remindAt"].replace("Z", "+00:00"))
        self.assertEqual((not_after - remind).days, 30)

    def test_2_expiry_reminder_once(self):
        """The daily reminder asks the host (identity.expiring) and tells about each certificate once."""
        listed = id_list(self.store)["identities"]
        days_left = listed[0]["days_left"]
        self.assertEqual(self.tb.bridge("enrolRemind", days=days_left - 1), [])
        self.assertEqual(self.tb.bridge("enrolRemind", days=days_left + 1), [listed[0]["fingerprint"]])
        self.assertEqual(self.tb.bridge("enrolRemind", days=days_left + 1), [])


if __name__ == "__main__":
    unittest.main(verbosity=2)


@unittest.skipUnless(HOST and os.path.exists(HOST) and CLI, "inkan-host / inkan not built")
class EnrolJapaneseTest(ThunderbirdCase):
    """The wizard in Japanese (Thunderbird's UI language): the page and the Actalis code step."""
    run_name = "enrol_ja"
    locale = "ja"
    host = HOST
    env = {"INKAN_HOME": os.path.join(WORK, "enrol_ja", "inkan-home")}
    prefs = {"network.protocol-handler.external.https": False}

    def test_1_wizard_in_japanese(self):
        ja = catalog("ja")
        self.tb.bridge("openOptions")
        self.tb.page_click("ui/options/options.html", "optionsEnrol")
        text = self.tb.page_text(WIZARD)
        for key in ("enrol_title", "enrol_intro", "enrol_acmeTitle", "enrol_actalisTitle", "enrol_companyTitle",
                    "enrol_otherTitle"):
            self.assertIn(ja[key], text)
        self.tb.page_click(WIZARD, "actalisStart")
        self.tb.wait_until(lambda: ja["enrol_actalisWaitCode"] in self.tb.page_text(WIZARD), timeout=30,
                           what="the wizard to wait for the code")
        # A code from someone else first: shown, with a warning naming the sender.
        other = code_mail().replace(b"Actalis S.p.A. <noreply@actalis.it>", b"<otp@bank.example>") \
                           .replace(CODE.encode(), b"551234").replace(b"code-1@actalis.it", b"otp-1@bank.example")
        self.tb.deliver_pop3(other)
        self.tb.get_new_mail()
        warning = fill(ja["enrol_actalisCodeNotFromActalis"], **{"from": "otp@bank.example"})
        self.tb.wait_until(lambda: warning in self.tb.page_text(WIZARD), timeout=60, what="the warning")
        self.assertIn("551234", self.tb.page_text(WIZARD))
        # Then Actalis's own: it replaces the other, without a warning.
        self.tb.deliver_pop3(code_mail())
        self.tb.get_new_mail()
        text = self.tb.wait_until(lambda: (lambda t: t if CODE in t else None)(self.tb.page_text(WIZARD)),
                                  timeout=60, what="the code in the wizard")
        self.assertIn(ja["enrol_actalisCode"], text)
        self.assertIn(fill(ja["enrol_kind_actalis"], address=ADDRESS), text)
        self.assertNotIn(warning, text)
        self.assertNotIn("551234", text)
