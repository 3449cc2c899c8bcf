"""Shared setup of the end-to-end tests: paths from CTest's environment, one
Thunderbird run per test class, and what to keep when something fails."""
import os
import subprocess
import sys
import unittest

from harness.peers import sign_with_openssl
from harness.thunderbird import ThunderbirdRun

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.environ.get("INKAN_SOURCE_DIR", os.path.abspath(os.path.join(HERE, "..", "..")))
PKI = os.environ.get("INKAN_TEST_PKI", "")
CLI = os.environ.get("INKAN_CLI", "")
HOST = os.environ.get("INKAN_HOST", "")
WORK = os.environ.get("INKAN_E2E_WORK", os.path.join(SOURCE, "build", "e2e"))
EXTENSION = os.path.join(SOURCE, "extension")


def pki(name):
    path = os.path.join(PKI, name)
    if not os.path.exists(path):
        raise unittest.SkipTest(f"test PKI missing: {path} (run tests/pki/make-pki.sh)")
    return path


def make_pki():
    if PKI and not os.path.exists(os.path.join(PKI, ".done")):
        subprocess.run([os.path.join(SOURCE, "tests", "pki", "make-pki.sh"), PKI], check=True)


def bob_signed(subject, message_id, body="Hello Alice, this is Bob.\r\n", date=None):
    """A message Bob signed with OpenSSL, as it would arrive from outside."""
    import email.header
    import email.utils
    if not subject.isascii():
        subject = email.header.Header(subject, "utf-8").encode()  # RFC 2047
    header = (f"From: Bob <bob@example.net>\r\nTo: Alice Example <alice@example.org>\r\n"
              f"Subject: {subject}\r\nDate: {date or email.utils.formatdate()}\r\n"
              f"Message-ID: <{message_id}>\r\n")
    entity = ("Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n" + body).encode()
    return sign_with_openssl(header, entity, pki("bob.pem"), pki("bob.key"), pki("sub.pem"))


class ThunderbirdCase(unittest.TestCase):
    """One Thunderbird start shared by the tests of a class (they run in name order)."""
    locale = "en-US"
    run_name = "run"
    host = None
    prefs = {}
    env = {}

    @classmethod
    def setUpClass(cls):
        make_pki()
        cls.workdir = os.path.join(WORK, cls.run_name)
        cls.tb = ThunderbirdRun(cls.workdir, EXTENSION, locale=cls.locale, host_path=cls.host,
                                prefs=cls.prefs, env=cls.env)
        cls.tb.__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.tb.__exit__(None, None, None)

    def run(self, result=None):
        failures = len(result.failures) + len(result.errors) if result else 0
        outcome = super().run(result)
        if result and len(result.failures) + len(result.errors) > failures:
            sys.stderr.write(f"\n[e2e] kept for inspection: {self.workdir} (thunderbird.log, sink/, profile/)\n")
        return outcome

    def provision_alice(self):
        """The user's key in Thunderbird's store, the test CA trusted for e-mail."""
        with open(pki("root.pem")) as f:
            trusted = self.tb.bridge("trust", pem=f.read())
        self.assertTrue(trusted["emailTrusted"])
        result = self.tb.bridge("provision", identityId="id1", p12Path=pki("alice.p12"), password="test")
        self.assertEqual(result["certificate"]["email"], "alice@example.org")
        caps = self.tb.bridge("identities")[0]["encryptionCapabilities"]["S/MIME"]
        self.assertEqual(caps, {"canSign": True, "canEncrypt": True})
