"""The add-on with the real native host (inkan-host from this build, registered
under the test HOME exactly as scripts/install-host.sh does for a user), on a
store of its own for the run (INKAN_HOME; the `inkan` CLI reads the same one).

The options page puts the company CA and the user's key into the host's store
(trust.add, identity.import) and into Thunderbird's; after that, one click
signs through the host: Thunderbird's draft, signed by the host into its spool,
sent unchanged by the Experiment. Peers judge: `openssl cms` and NSS `cmsutil`
verify what reached the sink; the signer is the store's identity, and the host's
log shows the sign request whose output is exactly the bytes the sink got.
"""
import base64
import email.utils
import json
import os
import re
import subprocess
import tempfile
import time
import unittest

from e2e_support import CLI, EXTENSION, HOST, ThunderbirdCase, bob_signed, pki
from harness.peers import cmsutil_verify, openssl_decrypt, openssl_verify, parse, sign_with_openssl

# The host's multipart/signed boundaries start with "inkan"; Thunderbird's (NSS) are random.
HOST_BOUNDARY = b'boundary="------------inkan'


def catalog(lang):
    with open(os.path.join(EXTENSION, "_locales", lang, "messages.json"), encoding="utf-8") as f:
        return {k: v["message"] for k, v in json.load(f).items()}


def fill(text, *values):
    """A catalog message with its $NAME$ placeholders filled in order."""
    for value in values:
        text = re.sub(r"\$[A-Z_]+\$", lambda _m, v=value: v, text, count=1)
    return text


def cert_fingerprint(pem_or_der_path, inform="PEM"):
    out = subprocess.run(["openssl", "x509", "-inform", inform, "-in", pem_or_der_path, "-noout",
                          "-fingerprint", "-sha256"], capture_output=True, check=True, text=True).stdout
    return out.split("=", 1)[1].strip().replace(":", "").lower()


def signer_fingerprint(message):
    """The SHA-256 fingerprint of the certificate that signed a message, as OpenSSL reads it."""
    with tempfile.TemporaryDirectory() as d:
        path, signer = os.path.join(d, "m.eml"), os.path.join(d, "signer.pem")
        with open(path, "wb") as f:
            f.write(message)
        subprocess.run(["openssl", "cms", "-verify", "-noverify", "-in", path, "-signer", signer, "-out", os.devnull],
                       capture_output=True, check=True)
        return cert_fingerprint(signer)


def tofu_signed(subject, message_id, who, chain):
    """A message from tofu@example.org signed (by OpenSSL) with the certificate `who`."""
    import email.utils
    header = (f"From: Tofu <tofu@example.org>\r\nTo: Alice Example <alice@example.org>\r\n"
              f"Subject: {subject}\r\nDate: {email.utils.formatdate()}\r\nMessage-ID: <{message_id}>\r\n")
    entity = b"Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\nHello.\r\n"
    return sign_with_openssl(header, entity, pki(f"{who}.pem"), pki(f"{who}.key"), pki(chain))


def old_signer(workdir):
    """A CA made in 2019 (valid ten years) and old@example.org's certificate from it,
    valid 2019-01-01 to 2020-02-05: made by openssl under libfaketime."""
    d = os.path.join(workdir, "old-pki")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "leaf.cnf"), "w") as f:
        f.write("[leaf]\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
                "extendedKeyUsage=emailProtection\nsubjectAltName=email:old@example.org\n"
                "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n")
    then = ["faketime", "-f", "@2019-01-01 00:00:00", "openssl"]
    run = lambda *args: subprocess.run([*then, *args], cwd=d, capture_output=True, check=True)
    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
        "-subj", "/CN=Inkan Old Test CA", "-days", "3650",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    run("req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", "old.key", "-out", "old.csr",
        "-subj", "/CN=old/emailAddress=old@example.org")
    run("x509", "-req", "-in", "old.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "400",
        "-extfile", "leaf.cnf", "-extensions", "leaf", "-out", "old.pem")
    return d


def large_message(size):
    """A message from Alice with `size` random bytes attached (base64): (message, the bytes)."""
    blob = os.urandom(size)
    attachment = base64.encodebytes(blob).replace(b"\n", b"\r\n")
    message = (b"From: Alice Example <alice@example.org>\r\nTo: Bob <bob@example.net>\r\n"
               b"Subject: large\r\nMIME-Version: 1.0\r\n"
               b"Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
               b"--b1\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nThe data.\r\n"
               b"--b1\r\nContent-Type: application/octet-stream; name=\"data.bin\"\r\n"
               b"Content-Transfer-Encoding: base64\r\n\r\n" + attachment + b"--b1--\r\n")
    return message, blob


def host_has(tb, op):
    return op in tb.bridge("hostHello")["hello"]["ops"]


@unittest.skipUnless(HOST and os.path.exists(HOST), "inkan-host not built")
class HostTest(ThunderbirdCase):
    run_name = "host"
    host = HOST

    def assert_in_sent(self, message_id):
        sent = self.tb.wait_until(lambda: [m for m in self.tb.bridge("folderMessages", specialUse="sent")
                                           if m["headerMessageId"] == message_id], timeout=30, what="Sent copy")
        self.assertEqual(len(sent), 1)

    def wait_report(self, kind, since):
        """The add-on's report about this send (not an earlier one): its path in one word."""
        def fresh():
            report = self.tb.bridge("lastReport")
            return report if report and report.get("at") != (since or {}).get("at") else None
        report = self.tb.wait_until(fresh, timeout=20, what="the report of this send")
        self.assertEqual(report["kind"], kind)
        return report

    def sign_and_send(self, subject, timeout=90):
        """Turns signing on in the open compose window and sends: returns what the
        sink received, the content OpenSSL verified (NSS agrees), and the report
        before the send; Alice signed it, through the host."""
        self.tb.click_compose_button(subject)
        before = self.tb.sink.count()
        previous = self.tb.bridge("lastReport")
        self.tb.click_send(subject)
        received = self.tb.sink.wait_for(before + 1, timeout=timeout)[-1]
        content = openssl_verify(received.data, pki("root.pem"))
        cmsutil_verify(received.data, pki("root.pem"))
        self.assertEqual(signer_fingerprint(received.data), cert_fingerprint(pki("alice.pem")))
        self.assert_signed_by_host(received)
        return received, content, previous

    def assert_signed_by_host(self, received, op="sign"):
        """The host made these bytes: its log has the request, with exactly this size."""
        lines = [l for l in self.tb.host_log_lines() if f"op={op} " in l and " ok " in l]
        self.assertTrue(lines, self.tb.host_log_lines())
        self.assertIn(f" out={len(received.data)} ", lines[-1] + " ")
        if op == "sign":
            self.assertTrue(HOST_BOUNDARY in received.header_block(), received.header_block())

    def host_request_lines(self, op):
        """The host's log lines of successful `op` requests."""
        return [l for l in self.tb.host_log_lines() if f"op={op} " in l and " ok " in l]

    def assert_no_temp_files_left(self):
        """Thunderbird's temporary folder (as Thunderbird itself names it) holds
        no inkan-*.eml: a large input's file is removed after the host call."""
        temp = self.tb.chrome("return PathUtils.tempDir;")
        self.assertTrue(os.path.isdir(temp), temp)
        self.assertEqual(sorted(n for n in os.listdir(temp) if n.startswith("inkan-") and n.endswith(".eml")), [])

    def test_1_hello_through_the_addon(self):
        hello = self.tb.bridge("hostHello")
        self.assertTrue(hello["ok"], hello)
        self.assertEqual(hello["hello"]["protocol"], 1)
        self.assertIn("sign", hello["hello"]["ops"])
        self.assertEqual(hello["hello"]["store"]["path"], self.tb.store)

    def test_2_options_trust_the_company_ca_from_a_cer_file(self):
        der = subprocess.run(["openssl", "x509", "-in", pki("root.pem"), "-outform", "DER"],
                             capture_output=True, check=True).stdout
        result = self.tb.bridge("optionsCommand", name="options.trustCa", fileBase64=base64.b64encode(der).decode(),
                                fileName="company-ca.cer")
        fingerprint = cert_fingerprint(pki("root.pem"))
        self.assertEqual([a["fingerprint"] for a in result["added"]["added"]], [fingerprint])
        self.assertTrue(result["inThunderbird"]["emailTrusted"])
        anchors = self.tb.inkan("trust", "list")["anchors"]
        self.assertIn(fingerprint, [a["fingerprint"] for a in anchors])

    def test_3_options_import_p12_into_host_and_thunderbird(self):
        with open(pki("alice.p12"), "rb") as f:
            p12 = base64.b64encode(f.read()).decode()
        result = self.tb.bridge("importP12", identityId="id1", p12Base64=p12, password="test")
        self.assertEqual(result["provisioned"]["certificate"]["email"], "alice@example.org")
        self.assertTrue(result["imported"]["ok"], result["imported"])
        fingerprint = cert_fingerprint(pki("alice.pem"))
        self.assertIn(fingerprint, [i["fingerprint"] for i in result["imported"]["value"]["imported"]])
        # The CLI sees the same store; Thunderbird can sign and decrypt for Alice too.
        self.assertIn(fingerprint, [i["fingerprint"] for i in self.tb.inkan("id", "list")["identities"]])
        caps = self.tb.bridge("identities")[0]["encryptionCapabilities"]["S/MIME"]
        self.assertEqual(caps, {"canSign": True, "canEncrypt": True})
        # The options page lists the identity with its expiry.
        self.tb.bridge("openOptions")
        text = self.tb.page_text("ui/options/options.html")
        alice = [i for i in self.tb.inkan("id", "list")["identities"] if i["fingerprint"] == fingerprint][0]
        self.assertIn(fill(catalog("en")["optionsExpiresInDays"], "", str(alice["days_left"])).split("(")[1], text)

    def test_4_options_export_a_backup_with_a_chosen_password(self):
        fingerprint = cert_fingerprint(pki("alice.pem"))
        backup = self.tb.bridge("optionsCommand", name="options.exportP12",
                                args={"fingerprint": fingerprint, "password": "backup pass ✓"})
        path = os.path.join(self.workdir, "backup.p12")
        with open(path, "wb") as f:
            f.write(base64.b64decode(backup["base64"]))
        # OpenSSL opens it with that password and finds Alice's certificate and key.
        out = subprocess.run(["openssl", "pkcs12", "-in", path, "-passin", "pass:backup pass ✓", "-nodes"],
                             capture_output=True, check=True).stdout
        self.assertIn(b"BEGIN PRIVATE KEY", out)
        cert = out[out.index(b"-----BEGIN CERTIFICATE-----"):]
        cert_path = os.path.join(self.workdir, "backup-cert.pem")
        with open(cert_path, "wb") as f:
            f.write(cert)
        self.assertEqual(cert_fingerprint(cert_path), fingerprint)

    def test_5_large_message_through_the_addons_host_client(self):
        """A 3 MB message goes up in upload frames (the client's way when no
        temporary file can be written) and comes back signed in several chunks
        (each under Thunderbird's 1 MiB frame limit); the client checks the
        reassembly against the host's SHA-256, and OpenSSL the result."""
        message, blob = large_message(3 * 1024 * 1024)
        reply = self.tb.bridge("hostCall", timeout=180, op="sign", inputBase64=base64.b64encode(message).decode(),
                               params={"identity": "alice@example.org"}, withoutFile=True)
        signed = base64.b64decode(reply["output"])
        self.assertEqual(reply["outputSize"], len(signed))
        self.assertGreater(reply["result"]["output"]["chunks"], 1)
        content = openssl_verify(signed, pki("root.pem"))
        parts = [p for p in parse(content).walk() if p.get_filename() == "data.bin"]
        self.assertEqual(parts[0].get_content(), blob)
        line = self.host_request_lines("sign")[-1]
        self.assertIn(f" in={len(message)} in_form=upload ", line)

    def test_6_plain_message_signed_by_the_host(self):
        subject = "Signed by the host"
        body = "Hello Bob,\n\nsigned by Inkan's program, sent by Thunderbird.\n-- \nAlice\n"
        self.tb.open_compose(to="Bob <bob@example.net>", bcc="Hidden <hidden@example.com>", subject=subject, body=body)
        received, content, previous = self.sign_and_send(subject)
        self.wait_report("inkanSigned", previous)
        self.assertEqual(sorted(received.rcpt_tos), ["bob@example.net", "hidden@example.com"])
        self.assertNotIn(b"hidden@example.com", received.data)
        self.assertEqual(parse(content).get_content().replace("\r\n", "\n").strip(), body.strip())
        msg = parse(received.data)
        self.assertEqual(msg["Subject"], subject)
        self.assert_in_sent(msg["Message-ID"].strip("<>"))
        # The draft the send path saved is gone, and so is the compose window.
        self.assertEqual([m for m in self.tb.bridge("folderMessages", specialUse="drafts")
                          if m["subject"] == subject], [])
        self.tb.wait_until(lambda: not self.tb.compose_open(subject), timeout=20, what="compose window closed")

    def test_7_html_japanese_attachment_signed_by_the_host(self):
        subject = "見積書の送付について（Inkan 署名）"
        html = "<p>山田様</p><p>いつもお世話になっております。<b>見積書</b>を添付いたします。</p>"
        attachment = os.path.join(self.workdir, "見積書.pdf")
        blob = b"%PDF-1.4\n" + bytes(range(256)) * 64 + b"\n%%EOF\n"
        with open(attachment, "wb") as f:
            f.write(blob)
        self.tb.open_compose(to="山田 太郎 <bob@example.net>", subject=subject, body=html, html=True,
                             attachments=[attachment])
        received, content, previous = self.sign_and_send(subject)
        msg = parse(received.data)
        self.assertEqual(msg["Subject"], subject)
        parts = list(parse(content).walk())
        html_parts = [p for p in parts if p.get_content_type() == "text/html"]
        self.assertEqual(len(html_parts), 1)
        self.assertIn("いつもお世話になっております。<b>見積書</b>を添付いたします。", html_parts[0].get_content())
        files = [p for p in parts if p.get_filename()]
        self.assertEqual([p.get_filename() for p in files], ["見積書.pdf"])
        self.assertEqual(files[0].get_content(), blob)
        self.assert_in_sent(msg["Message-ID"].strip("<>"))
        self.wait_report("inkanSigned", previous)

    def test_7b_large_attachment_signed_by_path(self):
        """A 2 MB attachment: the add-on hands the draft to the host as a
        temporary file it reads by path (not as upload frames), removes the file
        afterwards, and what reaches the sink verifies with OpenSSL and NSS."""
        subject = "Large attachment, signed by the host"
        attachment = os.path.join(self.workdir, "data-2m.bin")
        blob = os.urandom(2 * 1024 * 1024)
        with open(attachment, "wb") as f:
            f.write(blob)
        self.tb.open_compose(to="Bob <bob@example.net>", subject=subject, body="The data, signed.\n",
                             attachments=[attachment])
        received, content, previous = self.sign_and_send(subject, timeout=180)
        files = [p for p in parse(content).walk() if p.get_filename() == "data-2m.bin"]
        self.assertEqual(len(files), 1)
        self.assertEqual(files[0].get_content(), blob)
        # The request that made these bytes read its input from a file: more than the inline limit, by path.
        line = [l for l in self.host_request_lines("sign") if f" out={len(received.data)} " in l][-1]
        self.assertIn(" in_form=path ", line)
        self.assertGreater(int(re.search(r" in=(\d+) ", line).group(1)), 2 * 1024 * 1024)
        self.assert_no_temp_files_left()
        self.wait_report("inkanSigned", previous)

    def test_8_signed_mail_from_a_new_contact(self):
        message = bob_signed("Checked by the host", "bob-host@example.net")
        path = os.path.join(self.workdir, "bob-host.eml")
        with open(path, "wb") as f:
            f.write(message)
        self.tb.deliver_pop3(message)
        self.tb.get_new_mail()
        self.tb.wait_until(lambda: any(m["headerMessageId"] == "bob-host@example.net"
                                       for m in self.tb.bridge("newMailSeen")), timeout=30, what="new mail")
        self.tb.bridge("displayMessage", headerMessageId="bob-host@example.net")
        en = catalog("en")
        button = self.tb.click_message_button(en["verdictButtonLabel"])
        # The company CA is trusted in the host's store (test 2): the engine says good.
        self.assertEqual(button["label"], en["button_good"])
        text = self.tb.page_text("ui/verdict/verdict.html")
        self.assertIn(fill(en["verdictSignedBy"], "bob@example.net"), text)
        self.assertIn(en["verdictMatchesSender"], text)
        self.assertIn(en["verdictWhatIsP7sTitle"], text)
        if not host_has(self.tb, "contact.list"):
            self.skipTest("the host has no contacts store yet (branch hostcontacts)")
        self.assertIn(en["verdictNewContact"], text)
        contacts = self.tb.inkan("contact", "list")["contacts"]
        bob = [c for c in contacts if c["address"] == "bob@example.net"]
        self.assertEqual(len(bob), 1, contacts)
        self.assertEqual(bob[0]["certificate"]["fingerprint"], cert_fingerprint(pki("bob.pem")))

    def test_8b_large_signed_mail_checked_by_path(self):
        """Bob's signed mail with a 2 MB attachment (signed by OpenSSL): the
        add-on hands it to the host's verify by path, the verdict is good, and
        no temporary file is left."""
        message_id = "bob-large@example.net"
        _, blob = large_message(2 * 1024 * 1024)
        attachment = base64.encodebytes(blob).decode("ascii").replace("\n", "\r\n")
        header = (f"From: Bob <bob@example.net>\r\nTo: Alice Example <alice@example.org>\r\n"
                  f"Subject: Large and signed\r\nDate: {email.utils.formatdate()}\r\nMessage-ID: <{message_id}>\r\n")
        entity = ("Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
                  "--b1\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nThe data.\r\n"
                  "--b1\r\nContent-Type: application/octet-stream; name=\"data.bin\"\r\n"
                  "Content-Transfer-Encoding: base64\r\n\r\n" + attachment + "--b1--\r\n").encode("ascii")
        message = sign_with_openssl(header, entity, pki("bob.pem"), pki("bob.key"), pki("sub.pem"))
        self.assertGreater(len(message), 2 * 1024 * 1024)
        self.tb.deliver_pop3(message)
        self.tb.get_new_mail()
        self.tb.wait_until(lambda: any(m["headerMessageId"] == message_id for m in self.tb.bridge("newMailSeen")),
                           timeout=60, what="the large mail")
        self.tb.bridge("displayMessage", headerMessageId=message_id)
        en = catalog("en")
        button = self.tb.click_message_button(en["verdictButtonLabel"], timeout=60)
        self.assertEqual(button["label"], en["button_good"])
        large = [l for l in self.host_request_lines("verify")
                 if int(re.search(r" in=(\d+) ", l).group(1)) > 2 * 1024 * 1024]
        self.assertTrue(large, self.tb.host_log_lines())
        for line in large:
            self.assertIn(" in_form=path ", line)
        self.assert_no_temp_files_left()

    def test_9_sign_and_encrypt_to_the_new_contact(self):
        if not host_has(self.tb, "recipients.lookup"):
            self.skipTest("the host has no contacts store yet (branch hostcontacts)")
        subject = "Encrypted by the host for Bob"
        body = "Only Bob (and Alice) can read this.\n"
        self.tb.open_compose(to="Bob <bob@example.net>", subject=subject, body=body)
        self.tb.click_compose_button(subject)
        self.tb.click_compose_button(subject)
        before = self.tb.sink.count()
        previous = self.tb.bridge("lastReport")
        self.tb.click_send(subject)
        received = self.tb.sink.wait_for(before + 1, timeout=90)[-1]
        self.assertIn(b"application/pkcs7-mime", received.header_block())
        self.wait_report("inkanEncrypted", previous)
        self.assert_signed_by_host(received, op="encrypt")
        inner = openssl_decrypt(received.data, pki("bob.pem"), pki("bob.key"))
        inner = inner.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        content = openssl_verify(inner, pki("root.pem"))
        cmsutil_verify(inner, pki("root.pem"))
        self.assertEqual(signer_fingerprint(inner), cert_fingerprint(pki("alice.pem")))
        self.assertEqual(parse(content).get_content().replace("\r\n", "\n").strip(), body.strip())
        # The copy in Sent is readable by Alice (the sender is a recipient too).
        openssl_decrypt(received.data, pki("alice.pem"), pki("alice.key"))
        self.assert_in_sent(parse(received.data)["Message-ID"].strip("<>"))

    def test_a_missing_certificate_dialog_cancel_sends_nothing(self):
        if not host_has(self.tb, "recipients.lookup"):
            self.skipTest("the host has no contacts store yet (branch hostcontacts)")
        subject = "Encrypted for Bob and Carol (host)"
        self.tb.open_compose(to="Bob <bob@example.net>, Carol <carol@example.org>", subject=subject, body="Hi both\n")
        self.tb.click_compose_button(subject)
        self.tb.click_compose_button(subject)
        before = self.tb.sink.count()
        previous = self.tb.bridge("lastReport")
        self.tb.click_send(subject)
        text = self.tb.page_text("ui/missing/missing.html")
        en = catalog("en")
        self.assertIn(en["missingIntro"], text)
        self.assertIn("carol@example.org", text)
        self.assertNotIn("bob@example.net", text)
        self.assertIn(fill(en["missingAddressWithReason"], "carol@example.org", en["missingReason_no_certificate"]), text)
        self.assertTrue(any("op=recipients.lookup " in l for l in self.tb.host_log_lines()))
        self.tb.page_click("ui/missing/missing.html", "cancel")
        time.sleep(5)
        self.assertEqual(self.tb.sink.count(), before)
        self.assertTrue(self.tb.compose_open(subject))

    def test_b_missing_certificate_send_signed_only(self):
        if not host_has(self.tb, "recipients.lookup"):
            self.skipTest("the host has no contacts store yet (branch hostcontacts)")
        subject = "Encrypted for Bob and Carol (host)"
        before = self.tb.sink.count()
        previous = self.tb.bridge("lastReport")
        self.tb.click_send(subject)
        self.tb.page_click("ui/missing/missing.html", "sign")
        received = self.tb.sink.wait_for(before + 1, timeout=90)[-1]
        self.assertIn(b"multipart/signed", received.header_block())
        self.assertEqual(sorted(received.rcpt_tos), ["bob@example.net", "carol@example.org"])
        openssl_verify(received.data, pki("root.pem"))
        cmsutil_verify(received.data, pki("root.pem"))
        self.assert_signed_by_host(received)
        self.wait_report("inkanSigned", previous)

    def test_d_key_change_shown_and_rejected_on_the_options_page(self):
        """tofu@example.org signs with a certificate from the test sub-CA, then with
        one from another CA (a key change, docs/store.md TOFU): the popup warns,
        the options page lists the waiting key, and rejecting it keeps the old one."""
        if not host_has(self.tb, "contact.list"):
            self.skipTest("the host has no contacts store yet (branch hostcontacts)")
        en = catalog("en")
        old_fp, new_fp = cert_fingerprint(pki("tofu-old.pem")), cert_fingerprint(pki("tofu-sub2.pem"))
        self.tb.deliver_pop3(tofu_signed("first", "tofu-1@example.org", "tofu-old", "sub.pem"))
        self.tb.get_new_mail()
        self.tb.wait_until(lambda: any(m["headerMessageId"] == "tofu-1@example.org"
                                       for m in self.tb.bridge("newMailSeen")), timeout=30, what="first mail")
        tofu = self.tb.wait_until(lambda: [c for c in self.tb.inkan("contact", "list")["contacts"]
                                           if c["address"] == "tofu@example.org"], timeout=20, what="contact")
        self.assertEqual(tofu[0]["certificate"]["fingerprint"], old_fp)
        self.tb.deliver_pop3(tofu_signed("second", "tofu-2@example.org", "tofu-sub2", "sub2.pem"))
        self.tb.get_new_mail()
        self.tb.wait_until(lambda: any(m["headerMessageId"] == "tofu-2@example.org"
                                       for m in self.tb.bridge("newMailSeen")), timeout=30, what="second mail")
        self.tb.bridge("displayMessage", headerMessageId="tofu-2@example.org")
        button = self.tb.click_message_button(en["verdictButtonLabel"])
        self.assertEqual(button["label"], en["button_keyChanged"])
        self.assertIn(en["verdictKeyChanged"], self.tb.page_text("ui/verdict/verdict.html"))
        contacts = self.tb.bridge("optionsCommand", name="options.contacts")["value"]["contacts"]
        tofu = [c for c in contacts if c["address"] == "tofu@example.org"][0]
        self.assertTrue(tofu["pending_change"])
        self.assertEqual(tofu["pending"], [new_fp])
        self.assertEqual(sorted(h["fingerprint"] for h in tofu["history"]), sorted([old_fp, new_fp]))
        self.tb.bridge("openOptions")
        text = self.tb.page_text("ui/options/options.html")
        self.assertIn(en["optionsContactStatus_pending"], text)
        self.tb.page_click("ui/options/options.html", "reject-tofu@example.org")
        tofu = self.tb.wait_until(lambda: [c for c in self.tb.inkan("contact", "list")["contacts"]
                                           if c["address"] == "tofu@example.org" and not c["pending_change"]],
                                  timeout=20, what="the key to be rejected")
        self.assertEqual(tofu[0]["certificate"]["fingerprint"], old_fp)

    def test_e_valid_when_signed(self):
        """A message signed in 2019 with a certificate that expired in 2020: the
        popup says the signature was valid when it was made."""
        import email.utils
        from datetime import datetime, timezone
        d = old_signer(self.workdir)
        with open(os.path.join(d, "ca.pem"), "rb") as f:
            self.tb.bridge("optionsCommand", name="options.trustCa", fileBase64=base64.b64encode(f.read()).decode(),
                           fileName="old-ca.pem")
        date = email.utils.format_datetime(datetime(2019, 6, 1, 12, 0, tzinfo=timezone.utc))
        header = (f"From: Old <old@example.org>\r\nTo: Alice Example <alice@example.org>\r\n"
                  f"Subject: signed long ago\r\nDate: {date}\r\nMessage-ID: <old-1@example.org>\r\n")
        entity = b"Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\nOld news.\r\n"
        message = sign_with_openssl(header, entity, os.path.join(d, "old.pem"), os.path.join(d, "old.key"),
                                    os.path.join(d, "ca.pem"), at="2019-06-01 12:00:00")
        self.tb.deliver_pop3(message)
        self.tb.get_new_mail()
        self.tb.wait_until(lambda: any(m["headerMessageId"] == "old-1@example.org"
                                       for m in self.tb.bridge("newMailSeen")), timeout=30, what="old mail")
        self.tb.bridge("displayMessage", headerMessageId="old-1@example.org")
        en = catalog("en")
        button = self.tb.click_message_button(en["verdictButtonLabel"])
        self.assertEqual(button["label"], en["button_validWhenSigned"])
        text = self.tb.page_text("ui/verdict/verdict.html")
        self.assertIn(en["verdictHeadline_validWhenSigned"], text)
        before, after = en["verdictValidWhenSigned"].split("$DATE$")
        self.assertIn(before, text)
        self.assertIn(after, text)
        self.assertIn("2020", text)
        self.assertIn(fill(en["verdictSignedBy"], "old@example.org"), text)

    def test_bb_locked_store_asks_for_the_passphrase(self):
        """A store with a passphrase, locked: Send opens the passphrase window; a
        wrong passphrase is refused there, the right one unlocks the store and
        the host signs."""
        passphrase = "store pass ✓"
        self.tb.bridge("hostCall", op="store.passwd", params={"new": passphrase})

        def unprotect():  # even when this test fails: the later tests use a store without a passphrase
            if self.tb.inkan("store", "status")["passphrase"]:
                self.tb.bridge("hostCall", op="store.passwd", params={"old": passphrase, "remove": True})
        self.addCleanup(unprotect)
        self.tb.bridge("hostCall", op="store.lock", params={})
        self.assertTrue(self.tb.inkan("store", "status")["passphrase"], "the store is protected")
        subject = "Signed after unlocking"
        self.tb.open_compose(to="Bob <bob@example.net>", subject=subject, body="Unlocked for this.\n")
        self.tb.click_compose_button(subject)
        before = self.tb.sink.count()
        previous = self.tb.bridge("lastReport")
        self.tb.click_send(subject)
        en = catalog("en")
        self.assertIn(en["unlockExplain"], self.tb.page_text("ui/unlock/unlock.html"))
        self.tb.page_fill("ui/unlock/unlock.html", "passphrase", "wrong")
        self.tb.page_click("ui/unlock/unlock.html", "unlock")
        self.tb.wait_until(lambda: en["error_BAD_PASSWORD"] in self.tb.page_text("ui/unlock/unlock.html"),
                           timeout=20, what="the wrong passphrase refused")
        self.assertEqual(self.tb.sink.count(), before)
        self.tb.page_fill("ui/unlock/unlock.html", "passphrase", passphrase)
        self.tb.page_click("ui/unlock/unlock.html", "unlock")
        received = self.tb.sink.wait_for(before + 1, timeout=90)[-1]
        openssl_verify(received.data, pki("root.pem"))
        self.assert_signed_by_host(received)
        self.wait_report("inkanSigned", previous)
        self.assertTrue(any("op=store.unlock " in l and " ok " in l for l in self.tb.host_log_lines()))
        self.assertNotIn(passphrase, "\n".join(self.tb.host_log_lines()))

    def test_c_host_failure_falls_back_to_builtin(self):
        """A From address the store has no identity for: the host answers
        NO_IDENTITY, Thunderbird's S/MIME signs instead and the report says so."""
        # Alice's key is removed from the host's store, Thunderbird keeps its copy.
        fingerprint = cert_fingerprint(pki("alice.pem"))
        deleted = self.tb.bridge("hostCall", op="identity.delete", params={"fingerprint": fingerprint, "confirm": True})
        self.assertEqual(deleted["result"]["deleted"], fingerprint)
        subject = "Host cannot sign: fall back"
        self.tb.open_compose(to="Bob <bob@example.net>", subject=subject, body="Signed by Thunderbird.\n")
        self.tb.click_compose_button(subject)
        before = self.tb.sink.count()
        previous = self.tb.bridge("lastReport")
        self.tb.click_send(subject)
        received = self.tb.sink.wait_for(before + 1, timeout=90)[-1]
        openssl_verify(received.data, pki("root.pem"))
        cmsutil_verify(received.data, pki("root.pem"))
        self.assertFalse(HOST_BOUNDARY in received.header_block(), received.header_block())
        report = self.wait_report("builtinSigned", previous)
        self.assertEqual(report["substitutions"], [catalog("en")["error_NO_IDENTITY"]])


@unittest.skipUnless(HOST and os.path.exists(HOST), "inkan-host not built")
class HostJapaneseTest(ThunderbirdCase):
    """Thunderbird in Japanese with the real host: the host's verdict and the
    missing-certificate dialog read in Japanese."""
    run_name = "host-ja"
    locale = "ja"
    host = HOST

    def setUp(self):
        self.ja = catalog("ja")

    def test_1_store_from_the_options_commands(self):
        with open(pki("root.pem"), "rb") as f:
            root = base64.b64encode(f.read()).decode()
        self.tb.bridge("optionsCommand", name="options.trustCa", fileBase64=root, fileName="ca.pem")
        with open(pki("alice.p12"), "rb") as f:
            p12 = base64.b64encode(f.read()).decode()
        result = self.tb.bridge("importP12", identityId="id1", p12Base64=p12, password="test")
        self.assertTrue(result["imported"]["ok"], result["imported"])

    def test_2_verdict_popup_in_japanese(self):
        self.tb.deliver_pop3(bob_signed("ボブからの署名付きメール", "bob-host-ja@example.net"))
        self.tb.get_new_mail()
        self.tb.wait_until(lambda: self.tb.bridge("newMailSeen"), timeout=30, what="new mail")
        self.tb.bridge("displayMessage", headerMessageId="bob-host-ja@example.net")
        button = self.tb.click_message_button(self.ja["verdictButtonLabel"])
        self.assertEqual(button["label"], self.ja["button_good"])
        text = self.tb.page_text("ui/verdict/verdict.html")
        self.assertIn(self.ja["verdictHeadline_good"], text)
        self.assertIn(fill(self.ja["verdictSignedBy"], "bob@example.net"), text)
        self.assertIn(self.ja["verdictMatchesSender"], text)
        self.assertIn(self.ja["verdictWhatIsP7sTitle"], text)
        if host_has(self.tb, "contact.list"):
            self.assertIn(self.ja["verdictNewContact"], text)

    def test_3_missing_certificate_dialog_in_japanese(self):
        subject = "暗号化して送る（ホスト）"
        self.tb.open_compose(to="Carol <carol@example.org>", subject=subject, body="秘密です\n")
        self.tb.click_compose_button(subject)
        self.tb.click_compose_button(subject)
        before = self.tb.sink.count()
        previous = self.tb.bridge("lastReport")
        self.tb.click_send(subject)
        text = self.tb.page_text("ui/missing/missing.html")
        for key in ("missingTitle", "missingIntro", "missingCancel", "missingSignOnly", "missingRequest"):
            self.assertIn(self.ja[key], text)
        self.assertIn(fill(self.ja["missingAddressWithReason"], "carol@example.org",
                           self.ja["missingReason_no_certificate"]), text)
        self.tb.page_click("ui/missing/missing.html", "cancel")
        time.sleep(3)
        self.assertEqual(self.tb.sink.count(), before)
        self.assertTrue(self.tb.compose_open(subject))


if __name__ == "__main__":
    unittest.main(verbosity=2)
