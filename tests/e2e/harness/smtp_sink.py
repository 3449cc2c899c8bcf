"""An SMTP sink on 127.0.0.1 (aiosmtpd, Debian's python3-aiosmtpd).

Every message is kept exactly as the client sent it (``original_content``, the
bytes after dot-unstuffing) together with its envelope, in memory and as
``NNN.eml`` / ``NNN.json`` in a folder the tests keep on failure.
"""
import json
import os
import threading
import time

import aiosmtpd.smtp
from aiosmtpd.controller import Controller

# Keep over-long lines so a test can see what a client really sent instead of
# the sink refusing it (RFC 5321 4.5.3.1.6 allows 1000; the checks measure it).
aiosmtpd.smtp.SMTP.line_length_limit = 10 ** 7


class Received:
    def __init__(self, mail_from, rcpt_tos, data, path):
        self.mail_from = mail_from
        self.rcpt_tos = rcpt_tos
        self.data = data
        self.path = path

    def header_block(self):
        end = self.data.find(b"\r\n\r\n")
        return self.data[: end if end >= 0 else len(self.data)]


class _Handler:
    def __init__(self, sink):
        self.sink = sink

    async def handle_DATA(self, server, session, envelope):
        self.sink._store(envelope.mail_from, list(envelope.rcpt_tos),
                         envelope.original_content or envelope.content)
        return "250 Message accepted for delivery"


class SmtpSink:
    def __init__(self, folder, port):
        self.folder = folder
        self.port = port
        self.messages = []
        self.lock = threading.Condition()
        os.makedirs(folder, exist_ok=True)
        self.controller = Controller(_Handler(self), hostname="127.0.0.1", port=port,
                                     decode_data=False, ready_timeout=10)

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()

    def _store(self, mail_from, rcpt_tos, data):
        with self.lock:
            n = len(self.messages) + 1
            path = os.path.join(self.folder, "%03d.eml" % n)
            with open(path, "wb") as f:
                f.write(data)
            with open(path[:-4] + ".json", "w") as f:
                json.dump({"mail_from": mail_from, "rcpt_tos": rcpt_tos, "size": len(data)}, f)
            self.messages.append(Received(mail_from, rcpt_tos, data, path))
            self.lock.notify_all()

    def count(self):
        with self.lock:
            return len(self.messages)

    def wait_for(self, count, timeout=60.0):
        """Waits until at least ``count`` messages arrived; returns them all."""
        deadline = time.monotonic() + timeout
        with self.lock:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"the SMTP sink got {len(self.messages)} of {count} messages")
                self.lock.wait(left)
            return list(self.messages)
