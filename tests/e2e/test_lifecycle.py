"""The MV3 event page is suspended when idle (here after 2 s instead of 30 s)
and started again by the next event. Listeners registered at the top level
and state kept in storage.session must survive that: the compose button
remembers its state, and Send still reaches onBeforeSend."""
import unittest

from e2e_support import ThunderbirdCase, pki
from harness.peers import openssl_verify


class LifecycleTest(ThunderbirdCase):
    run_name = "lifecycle"
    prefs = {"extensions.background.idle.timeout": 2000}

    def wait_suspended(self):
        self.tb.wait_until(lambda: self.tb.background_state() == "stopped", timeout=30,
                           what="the event page to be suspended")

    def test_1_state_and_send_survive_suspension(self):
        self.provision_alice()
        subject = "Signed across a suspension"
        self.tb.open_compose(to="Bob <bob@example.net>", subject=subject, body="Still signed.\n")
        self.tb.click_compose_button(subject)
        self.wait_suspended()
        # The click wakes the page, which reads the state back from storage.session.
        self.assertEqual(self.tb.click_compose_button(subject)["label"],
                         self.tb.bridge("message", key="composeEncryptLabel"))
        self.tb.click_compose_button(subject)  # back to off
        self.tb.click_compose_button(subject)  # signed
        self.wait_suspended()
        before = self.tb.sink.count()
        self.tb.click_send(subject)
        received = self.tb.sink.wait_for(before + 1, timeout=60)[-1]
        self.assertIn(b"multipart/signed", received.header_block())
        openssl_verify(received.data, pki("root.pem"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
