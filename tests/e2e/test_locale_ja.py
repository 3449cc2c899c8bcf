"""Japanese: with Thunderbird's UI in Japanese (Debian's thunderbird-l10n-ja),
messenger.i18n answers in Japanese and the add-on's button, verdict popup and
missing-certificate dialog read in Japanese, taken from _locales/ja."""
import json
import os
import time
import unittest

from e2e_support import EXTENSION, ThunderbirdCase, bob_signed


def catalog(lang):
    with open(os.path.join(EXTENSION, "_locales", lang, "messages.json"), encoding="utf-8") as f:
        return {k: v["message"] for k, v in json.load(f).items()}


class JapaneseTest(ThunderbirdCase):
    run_name = "ja"
    locale = "ja"

    def setUp(self):
        self.ja = catalog("ja")

    def test_1_messenger_i18n_is_japanese(self):
        self.assertEqual(self.tb.bridge("uiLanguage"), "ja")
        self.assertEqual(self.tb.bridge("message", key="missingCancel"), self.ja["missingCancel"])
        self.assertNotEqual(self.ja["missingCancel"], catalog("en")["missingCancel"])

    def test_2_compose_button_in_japanese(self):
        subject = "日本語の画面"
        self.tb.open_compose(to="Bob <bob@example.net>", subject=subject, body="こんにちは\n")
        self.assertEqual(self.tb.compose_button(subject),
                         {"label": self.ja["composeOffLabel"], "tooltip": self.ja["composeOffTitle"]})
        self.assertEqual(self.tb.click_compose_button(subject),
                         {"label": self.ja["composeSignLabel"], "tooltip": self.ja["composeSignTitle"]})

    def test_3_verdict_popup_in_japanese(self):
        self.tb.deliver_pop3(bob_signed("ボブからの署名付きメール", "bob-ja@example.net"))
        self.tb.get_new_mail()
        self.tb.wait_until(lambda: self.tb.bridge("newMailSeen"), timeout=30, what="new mail")
        self.tb.bridge("displayMessage", headerMessageId="bob-ja@example.net")
        button = self.tb.click_message_button(self.ja["verdictButtonLabel"])
        self.assertEqual(button["label"], self.ja["button_unchecked"])
        text = self.tb.page_text("ui/verdict/verdict.html")
        for key in ("verdictHeadline_unchecked", "error_HOST_MISSING", "verdictWhatIsP7sTitle"):
            self.assertIn(self.ja[key], text)

    def test_4_missing_certificate_dialog_in_japanese(self):
        self.provision_alice()
        subject = "暗号化して送る"
        self.tb.open_compose(to="Carol <carol@example.org>", subject=subject, body="秘密です\n")
        self.tb.click_compose_button(subject)
        self.tb.click_compose_button(subject)
        before = self.tb.sink.count()
        self.tb.click_send(subject)
        text = self.tb.page_text("ui/missing/missing.html")
        for key in ("missingTitle", "missingIntro", "missingCancel", "missingSignOnly", "missingRequest"):
            self.assertIn(self.ja[key], text)
        self.assertIn("carol@example.org", text)
        self.tb.page_click("ui/missing/missing.html", "cancel")
        time.sleep(3)
        self.assertEqual(self.tb.sink.count(), before)
        self.assertTrue(self.tb.compose_open(subject))


if __name__ == "__main__":
    unittest.main(verbosity=2)
