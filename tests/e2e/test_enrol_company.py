"""The enrolment wizard's company-CA and any-CA (CSR) paths in the real Thunderbird with the real
inkan-host. The administrator runs `inkan ca init` and `inkan ca issue` in
their own store; Alice chooses the .p12 and its password in the wizard, which
imports it and trusts the company CA in one step (host store and
Thunderbird's certificate store). Then a colleague's message, signed by
OpenSSL with a certificate from the same company CA, arrives by POP3: the
host's verdict in Thunderbird is good. Judges: `inkan id list` and `inkan
trust list` on Alice's store, Thunderbird's certificate database.
"""
import email.utils
import json
import os
import subprocess
import unittest

from e2e_support import CLI, HOST, WORK, ThunderbirdCase, pki
from harness.peers import sign_with_openssl
from test_enrol_acme import ADDRESS, catalog, fill, id_list, thunderbird_signing_cert

WIZARD = "ui/enrol/enrol.html"
CA_NAME = "Example Org Mail CA"


@unittest.skipUnless(HOST and os.path.exists(HOST) and CLI, "inkan-host / inkan not built")
class EnrolCompanyTest(ThunderbirdCase):
    run_name = "enrol_company"
    host = HOST
    store = os.path.join(WORK, "enrol_company", "inkan-home")
    env = {"INKAN_HOME": store}

    def admin(self, *args):
        env = dict(os.environ, INKAN_HOME=os.path.join(self.workdir, "admin-store"))
        proc = subprocess.run([CLI, *args, "--json"], env=env, capture_output=True, text=True, timeout=120)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        return json.loads(proc.stdout)

    def issue(self, cn, address):
        out = os.path.join(self.workdir, "handout-" + address.split("@")[0])
        os.makedirs(out)
        issued = self.admin("ca", "issue", "--cn", cn, "--email", address, "--out-dir", out, "--key-type", "p256")
        return os.path.join(out, address + ".p12"), issued["password"]

    def test_1_join_then_a_colleagues_mail_is_good(self):
        en = catalog("en")
        self.admin("ca", "init", "--name", CA_NAME, "--key-type", "p256")
        p12, password = self.issue("Alice Example", ADDRESS)

        self.tb.bridge("openOptions")
        self.tb.page_click("ui/options/options.html", "optionsEnrol")
        self.tb.page_choose_file(WIZARD, "companyFile", p12)
        # A mistyped password: refused, said so, nothing kept.
        self.tb.page_set(WIZARD, "companyPassword", password[:-1])
        self.tb.page_click(WIZARD, "companyJoin")
        self.tb.wait_until(lambda: en["enrol_working"] not in self.tb.page_text(WIZARD), timeout=60, what="the join")
        self.assertNotIn(fill(en["enrol_done"], address=ADDRESS), self.tb.page_text(WIZARD))
        self.assertEqual(self.tb.bridge("enrolRecords"), {})
        self.assertEqual(id_list(self.store)["identities"], [])
        self.tb.page_set(WIZARD, "companyPassword", password)
        self.tb.page_click(WIZARD, "companyJoin")
        done = fill(en["enrol_done"], address=ADDRESS)
        text = self.tb.wait_until(lambda: (lambda t: t if done in t else None)(self.tb.page_text(WIZARD)),
                                  timeout=90, what="the company certificate")
        self.assertIn(en["enrol_provisioned"], text)

        listed = id_list(self.store)["identities"]
        self.assertEqual([i["addresses"] for i in listed], [[ADDRESS]])
        env = dict(os.environ, INKAN_HOME=self.store)
        anchors = json.loads(subprocess.run([CLI, "trust", "list", "--json"], env=env, capture_output=True,
                                            check=True, timeout=60).stdout)["anchors"]
        self.assertEqual(len([a for a in anchors if CA_NAME in a["subject"]]), 1, anchors)
        tb_cert = thunderbird_signing_cert(self.tb)
        self.assertEqual(tb_cert["sha256"], listed[0]["fingerprint"].replace(":", "").lower())
        # Thunderbird's own store trusts the company CA for e-mail (and nothing else).
        trust = self.tb.chrome("""
            const db = Cc["@mozilla.org/security/x509certdb;1"].getService(Ci.nsIX509CertDB);
            const ca = db.getCerts().find(c => c.commonName == arguments[0]);
            return ca && { email: db.isCertTrusted(ca, Ci.nsIX509Cert.CA_CERT, Ci.nsIX509CertDB.TRUSTED_EMAIL),
                           tls: db.isCertTrusted(ca, Ci.nsIX509Cert.CA_CERT, Ci.nsIX509CertDB.TRUSTED_SSL) };""",
                               CA_NAME)
        self.assertEqual(trust, {"email": True, "tls": False})

        # A colleague's signed mail, certificate from the same CA: good.
        colleague_p12, colleague_password = self.issue("Carol Example", "carol@example.org")
        pem = os.path.join(self.workdir, "carol.pem")
        key = os.path.join(self.workdir, "carol.key")
        chain = os.path.join(self.workdir, "carol-chain.pem")
        for args, path in ((["-clcerts", "-nokeys"], pem), (["-nocerts", "-noenc"], key), (["-cacerts", "-nokeys"], chain)):
            subprocess.run(["openssl", "pkcs12", "-in", colleague_p12, "-passin", "pass:" + colleague_password,
                            *args, "-out", path], check=True, capture_output=True, timeout=60)
        header = (f"From: Carol Example <carol@example.org>\r\nTo: Alice Example <{ADDRESS}>\r\n"
                  f"Subject: From a colleague\r\nDate: {email.utils.formatdate()}\r\n"
                  f"Message-ID: <carol-1@example.org>\r\n")
        entity = b"Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\nHello Alice.\r\n"
        self.tb.deliver_pop3(sign_with_openssl(header, entity, pem, key, chain))
        self.tb.get_new_mail()
        self.tb.wait_until(lambda: any(m.get("headerMessageId") == "carol-1@example.org"
                                       for m in self.tb.bridge("newMailSeen")), timeout=30, what="new mail")
        self.tb.bridge("displayMessage", headerMessageId="carol-1@example.org")
        button = self.tb.click_message_button(en["verdictButtonLabel"])
        self.assertEqual(button["label"], en["button_good"])

    def test_2_any_other_ca_by_csr(self):
        """A CSR for any CA: the wizard shows it, OpenSSL (the CA here) signs it,
        the user chooses the certificate file, and it becomes Thunderbird's."""
        en = catalog("en")
        self.tb.page_click(WIZARD, "csrCreate")
        record = self.tb.wait_until(lambda: next((r for r in self.tb.bridge("enrolRecords").values()
                                                 if r["kind"] == "csr"), None), timeout=60, what="the CSR")
        self.tb.wait_until(lambda: en["enrol_csrShow"] in self.tb.page_text(WIZARD), timeout=30, what="the CSR shown")
        csr = os.path.join(self.workdir, "alice.csr")
        with open(csr, "w") as f:
            f.write(record["csr"])
        ext = os.path.join(self.workdir, "smime.ext")
        with open(ext, "w") as f:
            f.write("basicConstraints=critical,CA:FALSE\nextendedKeyUsage=emailProtection\n"
                    "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n")
        cert = os.path.join(self.workdir, "alice-from-ca.pem")
        subprocess.run(["openssl", "req", "-in", csr, "-verify", "-noout"], check=True, capture_output=True, timeout=60)
        subprocess.run(["openssl", "x509", "-req", "-in", csr, "-CA", pki("sub.pem"), "-CAkey", pki("sub.key"),
                        "-CAcreateserial", "-days", "200", "-sha256", "-copy_extensions", "copy", "-extfile", ext,
                        "-out", cert], check=True, capture_output=True, timeout=60)
        with open(cert, "a") as out, open(pki("sub.pem")) as chain:
            out.write(chain.read())
        self.tb.page_choose_file(WIZARD, f"csrFile-{record['id']}", cert)
        self.tb.page_click(WIZARD, f"csrImport-{record['id']}")
        self.tb.wait_until(lambda: self.tb.bridge("enrolRecords")[record["id"]].get("stage") == "done", timeout=60,
                           what="the certificate import")
        # The page redraws after the record changes: wait for it rather than race it.
        done = fill(en["enrol_done"], address=ADDRESS)
        self.tb.wait_until(lambda: self.tb.page_text(WIZARD).count(done) == 2, timeout=30, what="the page showing done")
        fingerprint = subprocess.run(["openssl", "x509", "-in", cert, "-noout", "-fingerprint", "-sha256"],
                                     capture_output=True, text=True, check=True).stdout.split("=")[1]
        fingerprint = fingerprint.strip().replace(":", "").lower()
        self.assertIn(fingerprint, [i["fingerprint"] for i in id_list(self.store)["identities"]])
        # The newest certificate is the one Thunderbird now signs with.
        self.assertEqual(thunderbird_signing_cert(self.tb)["sha256"], fingerprint)


if __name__ == "__main__":
    unittest.main(verbosity=2)
