"""The RFC 8823 enrolment survives the MV3 event page being suspended (idle
timeout 2 s here; the host port, idle for 60 s, is closed first and the host
exits): the page sleeps while it waits for the challenge mail, the new mail
wakes it, a new host process finds the enrolment in the store, answers after
the CA's answer delay, and the certificate lands in the store and in
Thunderbird. Judges as in test_enrol_acme."""
import os
import sys
import unittest

from e2e_support import CLI, HOST, SOURCE, WORK, ThunderbirdCase
from test_enrol_acme import ADDRESS, WIZARD, catalog, fill, id_list, thunderbird_signing_cert

sys.path.insert(0, os.path.join(SOURCE, "tests", "enrol"))
import rfc8823_ca  # noqa: E402

ANSWER_DELAY = 5


@unittest.skipUnless(HOST and os.path.exists(HOST) and CLI, "inkan-host / inkan not built")
class EnrolSuspendTest(ThunderbirdCase):
    run_name = "enrol_suspend"
    host = HOST
    store = os.path.join(WORK, "enrol_suspend", "inkan-home")
    env = {"INKAN_HOME": store}
    prefs = {"extensions.background.idle.timeout": 2000}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ca = rfc8823_ca.TestCa(os.path.join(cls.workdir, "ca"), dkim=True, deliver=cls.tb.deliver_pop3,
                                   reply_dir=os.path.join(cls.workdir, "sink"))

    @classmethod
    def tearDownClass(cls):
        try:
            cls.ca.close()
        finally:
            super().tearDownClass()

    def suspended(self):
        return self.tb.background_state() == "stopped"

    def test_1_enrolment_across_suspensions(self):
        en = catalog("en")
        self.tb.bridge("openOptions")
        self.tb.page_click("ui/options/options.html", "optionsEnrol")
        self.tb.page_set(WIZARD, "acmeServer", "")
        self.tb.page_set(WIZARD, "acmeDirectory", self.ca.directory_url)
        self.tb.page_set(WIZARD, "acmeCaFile", self.ca.tls_ca_file)
        self.tb.page_set(WIZARD, "acmeDelay", str(ANSWER_DELAY))
        self.tb.page_set(WIZARD, "acmeTerms", True)
        self.tb.page_click(WIZARD, "acmeStart")
        self.tb.wait_until(lambda: self.ca.outbox, timeout=60, what="the challenge mail")
        # Waiting for the mail: the host port is closed after 60 s idle, then the event page sleeps.
        self.tb.wait_until(self.suspended, timeout=120, interval=1, what="the event page to be suspended")
        before = self.tb.sink.count()
        self.tb.get_new_mail()
        self.tb.sink.wait_for(before + 1, timeout=90)
        done = fill(en["enrol_done"], address=ADDRESS)
        self.tb.wait_until(lambda: done in self.tb.page_text(WIZARD), timeout=180,
                           what="the enrolment to finish after the alarm")
        listed = id_list(self.store)["identities"]
        self.assertEqual([i["source"] for i in listed], ["acme"])
        self.assertEqual(thunderbird_signing_cert(self.tb)["sha256"], listed[0]["fingerprint"].replace(":", "").lower())


if __name__ == "__main__":
    unittest.main(verbosity=2)
