"""Sending: what the user wrote arrives intact, signed, through Thunderbird.

Until the host's `sign` op exists, the Inkan path is checked in two halves that
meet at a file: Thunderbird's own rendering of the draft (what the add-on hands
the host) is signed by the `inkan` CLI (the same engine), and the Experiment
sends that file through Thunderbird. The built-in S/MIME fallback is checked
whole, from the compose button to the sink. OpenSSL and NSS judge the result.
"""
import os
import subprocess
import time
import unittest

from e2e_support import CLI, ThunderbirdCase, pki, bob_signed
from harness.peers import cmsutil_verify, openssl_verify, parse


class SendTest(ThunderbirdCase):
    run_name = "send"

    def sign_with_cli(self, path):
        if not CLI or not os.path.exists(CLI):
            self.skipTest("INKAN_CLI not built")
        out = path + ".signed"
        proc = subprocess.run([CLI, "sign", "--key", pki("alice.p12"), "--pass-env", "INKAN_E2E_PASS", "-o", out, path],
                              env={**os.environ, "INKAN_E2E_PASS": "test"}, capture_output=True, timeout=60)
        self.assertEqual(proc.returncode, 0, proc.stderr.decode(errors="replace"))
        with open(out, "rb") as f:
            return out, f.read()

    def send_draft_signed(self, subject, envelope):
        """The add-on's draft capture → CLI sign → the Experiment's sendMessageFile."""
        tab = self.tb.bridge("composeTabBySubject", subject=subject)
        draft = self.tb.bridge("draftMessage", tabId=tab["id"])
        with open(draft["path"], "rb") as f:
            prepared = f.read()
        signed_path, signed = self.sign_with_cli(draft["path"])
        before = self.tb.sink.count()
        result = self.tb.bridge("sendFile", identityId="id1", path=signed_path, envelope=envelope, timeout=120)
        self.assertTrue(result["sentCopy"], result)
        received = self.tb.sink.wait_for(before + 1, timeout=60)[-1]
        self.tb.bridge("deleteMessages", ids=[draft["draftId"]])
        self.tb.bridge("closeWindow", windowId=tab["windowId"])
        # sendMessageFile sends the file as it is: the peers see exactly what was signed.
        self.assertEqual(received.data, signed)
        return prepared, received

    def assert_in_sent(self, message_id):
        sent = self.tb.wait_until(lambda: [m for m in self.tb.bridge("folderMessages", specialUse="sent")
                                           if m["headerMessageId"] == message_id], timeout=30, what="Sent copy")
        self.assertEqual(len(sent), 1)

    def test_1_plain_with_bcc_and_reply_to(self):
        subject = "Plain text, signed"
        body = "Hello Bob,\n\nthe figures are attached tomorrow.\n-- \nAlice\n"
        self.tb.open_compose(to="Bob <bob@example.net>", bcc="Hidden <hidden@example.com>",
                             reply_to="team@example.org", subject=subject, body=body)
        prepared, received = self.send_draft_signed(
            subject, {"to": ["bob@example.net"], "cc": [], "bcc": ["hidden@example.com"]})
        header = received.header_block()
        self.assertNotIn(b"\nBcc:", b"\n" + header)
        self.assertNotIn(b"hidden@example.com", received.data)
        for draft_only in (b"X-Mozilla-Draft-Info", b"X-Identity-Key", b"X-Account-Key", b"X-Mozilla-Status", b"FCC:"):
            self.assertNotIn(draft_only.lower(), received.data.lower())
        self.assertEqual(sorted(received.rcpt_tos), ["bob@example.net", "hidden@example.com"])
        self.assertEqual(received.mail_from, "alice@example.org")
        content = openssl_verify(received.data, pki("root.pem"))
        cmsutil_verify(received.data, pki("root.pem"))
        msg = parse(received.data)
        self.assertEqual(msg["Reply-To"], "team@example.org")
        self.assertEqual(msg["Subject"], subject)
        text = parse(content).get_content()
        self.assertEqual(text.replace("\r\n", "\n").strip(), body.strip())
        self.assert_in_sent(msg["Message-ID"].strip("<>"))

    def test_2_html_attachment_japanese(self):
        subject = "見積書の送付について（署名付き）"
        html = "<p>山田様</p><p>いつもお世話になっております。<b>見積書</b>を添付いたします。</p>"
        attachment = os.path.join(self.workdir, "見積書.pdf")
        blob = b"%PDF-1.4\n" + bytes(range(256)) * 64 + b"\n%%EOF\n"
        with open(attachment, "wb") as f:
            f.write(blob)
        self.tb.open_compose(to="山田 太郎 <bob@example.net>", subject=subject, body=html, html=True,
                             attachments=[attachment])
        _, received = self.send_draft_signed(subject, {"to": ["bob@example.net"], "cc": [], "bcc": []})
        content = openssl_verify(received.data, pki("root.pem"))
        cmsutil_verify(received.data, pki("root.pem"))
        msg = parse(received.data)
        self.assertEqual(msg["Subject"], subject)
        self.assertIn("山田 太郎", msg["To"])
        inner = parse(content)
        parts = list(inner.walk())
        html_parts = [p for p in parts if p.get_content_type() == "text/html"]
        self.assertEqual(len(html_parts), 1)
        self.assertIn("いつもお世話になっております。<b>見積書</b>を添付いたします。", html_parts[0].get_content())
        files = [p for p in parts if p.get_filename()]
        self.assertEqual([p.get_filename() for p in files], ["見積書.pdf"])
        self.assertEqual(files[0].get_content(), blob)

    def test_3_reply_keeps_threading(self):
        self.tb.deliver_pop3(bob_signed("Question about the offer", "offer-1@example.net"))
        self.tb.get_new_mail()
        self.tb.wait_until(lambda: any(m["headerMessageId"] == "offer-1@example.net"
                                       for m in self.tb.bridge("newMailSeen")), timeout=30, what="new mail")
        tab = self.tb.bridge("beginReply", headerMessageId="offer-1@example.net")
        subject = self.tb.wait_until(lambda: self.tb.bridge("composeDetails", tabId=tab["id"])["subject"],
                                     timeout=20, what="reply subject")
        time.sleep(1)
        _, received = self.send_draft_signed(subject, {"to": ["bob@example.net"], "cc": [], "bcc": []})
        openssl_verify(received.data, pki("root.pem"))
        msg = parse(received.data)
        self.assertEqual(msg["In-Reply-To"], "<offer-1@example.net>")
        self.assertIn("<offer-1@example.net>", msg["References"])
        self.assertEqual(msg["Subject"], "Re: Question about the offer")

    def test_4_builtin_fallback_when_host_missing(self):
        hello = self.tb.bridge("hostHello")
        self.assertEqual(hello["code"], "HOST_MISSING")
        self.provision_alice()
        subject = "Fallback: 署名だけ"
        body = "Thunderbird の S/MIME で署名されるはずです。\n"
        self.tb.open_compose(to="Bob <bob@example.net>", subject=subject, body=body)
        self.assertEqual(self.tb.compose_button(subject)["label"], "Sign")
        self.assertEqual(self.tb.click_compose_button(subject)["label"], "Signed")
        before = self.tb.sink.count()
        self.tb.click_send(subject)
        received = self.tb.sink.wait_for(before + 1, timeout=60)[-1]
        self.assertIn(b"multipart/signed", received.header_block())
        content = openssl_verify(received.data, pki("root.pem"))
        cmsutil_verify(received.data, pki("root.pem"))
        self.assertEqual(parse(content).get_content().strip(), body.strip())
        report = self.tb.bridge("lastReport")
        self.assertEqual(report["kind"], "builtinSigned")
        self.assertEqual(report["substitutions"], [self.tb.bridge("message", key="error_HOST_MISSING")])
        self.assert_in_sent(parse(received.data)["Message-ID"].strip("<>"))

    def test_5_always_sign_default_from_the_options_page(self):
        self.tb.bridge("openOptions")
        text = self.tb.page_text("ui/options/options.html")
        self.assertIn("alice@example.org", text)
        self.assertIn(self.tb.bridge("message", key="error_HOST_MISSING"), text)
        self.tb.page_click("ui/options/options.html", "default-id1-alwaysSign")
        self.tb.wait_until(lambda: self.tb.bridge("identityDefaults", identityId="id1")["alwaysSign"],
                           timeout=10, what="the default to be stored")
        subject = "Starts signed"
        self.tb.open_compose(to="Bob <bob@example.net>", subject=subject, body="x\n")
        self.assertEqual(self.tb.compose_button(subject)["label"], self.tb.bridge("message", key="composeSignLabel"))
        self.tb.bridge("closeWindow", windowId=self.tb.bridge("composeTabBySubject", subject=subject)["windowId"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
