"""A minimal Marionette client (protocol level 3), enough to drive Thunderbird.

Marionette frames every packet as ``<decimal length>:<JSON>``. A command is
``[0, id, name, params]`` and its reply ``[1, id, error, result]``. The server
greets a new connection with ``{"applicationType": "gecko", "marionetteProtocol": 3}``.
Only what the tests need is here: a session, the chrome context, and scripts.
"""
import json
import socket
import time


class MarionetteError(Exception):
    """An error reply from Marionette (``error`` is the WebDriver error code)."""

    def __init__(self, error, message, stacktrace=""):
        super().__init__(f"{error}: {message}\n{stacktrace}".rstrip())
        self.error = error
        self.message = message


class Marionette:
    def __init__(self, host, port, timeout=60.0):
        self.host = host
        self.port = port
        self.timeout = timeout
        self.sock = None
        self.buf = b""
        self.next_id = 0

    def connect(self, deadline_seconds=60.0):
        """Connect, retrying until Thunderbird listens or the deadline passes."""
        deadline = time.monotonic() + deadline_seconds
        last = None
        while time.monotonic() < deadline:
            try:
                self.sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
                hello = self._read()
                if hello.get("marionetteProtocol") != 3:
                    raise MarionetteError("protocol", f"unexpected greeting {hello!r}")
                return hello
            except (ConnectionRefusedError, ConnectionResetError, socket.timeout, OSError) as e:
                last = e
                if self.sock:
                    self.sock.close()
                    self.sock = None
                time.sleep(0.25)
        raise TimeoutError(f"Marionette did not answer on {self.host}:{self.port}: {last}")

    def close(self):
        if self.sock:
            try:
                self.sock.close()
            finally:
                self.sock = None

    def _read(self):
        while b":" not in self.buf:
            self._fill()
        head, rest = self.buf.split(b":", 1)
        length = int(head)
        self.buf = rest
        while len(self.buf) < length:
            self._fill()
        packet, self.buf = self.buf[:length], self.buf[length:]
        return json.loads(packet.decode("utf-8"))

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("Marionette closed the connection")
        self.buf += chunk

    def command(self, name, params=None, timeout=None):
        """Sends one command and returns its result (raises MarionetteError on error)."""
        self.next_id += 1
        msg_id = self.next_id
        data = json.dumps([0, msg_id, name, params or {}]).encode("utf-8")
        self.sock.sendall(str(len(data)).encode() + b":" + data)
        self.sock.settimeout(timeout or self.timeout)
        while True:
            reply = self._read()
            if reply[0] == 1 and reply[1] == msg_id:
                break
        _, _, error, result = reply
        if error:
            raise MarionetteError(error.get("error"), error.get("message"), error.get("stacktrace", ""))
        if isinstance(result, dict) and set(result) == {"value"}:
            return result["value"]
        return result

    def new_session(self):
        return self.command("WebDriver:NewSession", {"capabilities": {"alwaysMatch": {}}})

    def set_context(self, context):
        return self.command("Marionette:SetContext", {"value": context})

    def set_script_timeout(self, seconds):
        return self.command("WebDriver:SetTimeouts", {"script": int(seconds * 1000)})

    def execute(self, script, args=None, timeout=None):
        """Runs ``script`` as a function body; a returned Promise is awaited.

        ``timeout`` (seconds) bounds both the script and the socket read.
        """
        t = timeout or self.timeout
        self.set_script_timeout(t)
        return self.command("WebDriver:ExecuteScript",
                            {"script": script, "args": args or [], "newSandbox": False,
                             "sandbox": "inkan"},
                            timeout=t + 10)
