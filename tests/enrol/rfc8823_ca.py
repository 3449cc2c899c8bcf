"""A loopback ACME CA that implements the server side of RFC 8823
(`email-reply-00`), for tests. Python 3 standard library + Debian's
python3-cryptography (and python3-dkim when challenge mails are DKIM-signed).

What it does, as a real RFC 8823 CA would (RFC 8555 for the rest):
- serves HTTPS on 127.0.0.1 (its own TLS root: ``tls_ca_file``);
- directory, newNonce, newAccount, newOrder with ``email`` identifiers,
  authorizations with an ``email-reply-00`` challenge (``from``, token-part2),
  finalize, certificate download; every POST is a flattened JWS whose
  signature (ES256 raw r||s, ES384, RS256), nonce (issued here, single use) and
  ``url`` are checked;
- sends the challenge mail when an authorization is first fetched: Subject
  ``ACME: <token-part1>``, From, To, Date, Message-ID, Auto-Submitted
  (optionally DKIM-signed for the From domain), handed to ``deliver`` (the E2E
  harness passes its POP3 server's deliver) and kept in ``outbox`` and in
  ``<workdir>/outbox/NNN.eml``;
- when the client answers the challenge (``{}``), looks for the reply mail
  among ``receive_reply`` calls, ``<workdir>/inbox/*.eml`` and the files of
  ``reply_dir`` (the E2E SMTP sink's folder), checks From, the Subject's
  token-part1 and the digest with its own concatenation mode (``string`` or
  ``bytes``, research/enrolment.md 1.5), and makes the challenge valid or invalid;
- finalizes with the CSR (its signature, SAN rfc822Name = exactly the order's
  addresses, a keyUsage) and issues from its own root -> intermediate CA.

Run alone: python3 rfc8823_ca.py --workdir DIR [--concatenation bytes] [--dkim]
prints one JSON line {directory, tls_ca_file, root_file, outbox, inbox} and serves
until killed.
"""
import argparse
import base64
import datetime
import email
import email.policy
import email.utils
import hashlib
import http.server
import json
import os
import re
import secrets
import ssl
import sys
import threading
import time

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

ACME = "urn:ietf:params:acme:error:"
RESPONSE_RE = re.compile(rb"-+BEGIN ACME RESPONSE-+\s*([\w=+/ -]+)\s*-+END ACME RESPONSE-+")


def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64u_decode(text):
    if isinstance(text, str):
        text = text.encode("ascii")
    if b"=" in text or re.search(rb"[^A-Za-z0-9_-]", text):
        raise ValueError("not unpadded base64url")
    return base64.urlsafe_b64decode(text + b"=" * (-len(text) % 4))


def now_utc():
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


def rfc3339(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


class Problem(Exception):
    def __init__(self, status, kind, detail):
        super().__init__(detail)
        self.status, self.kind, self.detail = status, kind, detail


# ---- keys and certificates (the CA's own; never Inkan's) -------------------------------------

def _name(cn):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _ca_cert(subject_key, subject_cn, issuer_key, issuer_cert, path_length, days=30):
    builder = (x509.CertificateBuilder()
               .subject_name(_name(subject_cn))
               .issuer_name(issuer_cert.subject if issuer_cert else _name(subject_cn))
               .public_key(subject_key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(now_utc() - datetime.timedelta(minutes=5))
               .not_valid_after(now_utc() + datetime.timedelta(days=days))
               .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                            data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                            crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(subject_key.public_key()), critical=False))
    if issuer_cert is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def _pem(cert):
    return cert.public_bytes(serialization.Encoding.PEM)


class Pki:
    """TLS root -> 127.0.0.1 server certificate; issuing root -> intermediate."""

    def __init__(self, workdir):
        self.tls_root_key = ec.generate_private_key(ec.SECP256R1())
        self.tls_root = _ca_cert(self.tls_root_key, "RFC 8823 test CA TLS root", self.tls_root_key, None, 0)
        self.tls_key = ec.generate_private_key(ec.SECP256R1())
        self.tls_cert = (x509.CertificateBuilder()
                         .subject_name(_name("127.0.0.1"))
                         .issuer_name(self.tls_root.subject)
                         .public_key(self.tls_key.public_key())
                         .serial_number(x509.random_serial_number())
                         .not_valid_before(now_utc() - datetime.timedelta(minutes=5))
                         .not_valid_after(now_utc() + datetime.timedelta(days=30))
                         .add_extension(x509.SubjectAlternativeName([
                             x509.IPAddress(__import__("ipaddress").ip_address("127.0.0.1")),
                             x509.DNSName("localhost")]), critical=False)
                         .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
                         .sign(self.tls_root_key, hashes.SHA256()))
        self.root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.root = _ca_cert(self.root_key, "RFC 8823 Test Root", self.root_key, None, 1)
        self.inter_key = ec.generate_private_key(ec.SECP256R1())
        self.inter = _ca_cert(self.inter_key, "RFC 8823 Test Issuing CA", self.root_key, self.root, 0)
        self.tls_ca_file = os.path.join(workdir, "tls-root.pem")
        self.root_file = os.path.join(workdir, "root.pem")
        self.inter_file = os.path.join(workdir, "intermediate.pem")
        self.tls_cert_file = os.path.join(workdir, "tls-server.pem")
        self.tls_key_file = os.path.join(workdir, "tls-server.key")
        for path, data in ((self.tls_ca_file, _pem(self.tls_root)), (self.root_file, _pem(self.root)),
                           (self.inter_file, _pem(self.inter)), (self.tls_cert_file, _pem(self.tls_cert)),
                           (self.tls_key_file, self.tls_key.private_bytes(
                               serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                               serialization.NoEncryption()))):
            with open(path, "wb") as f:
                f.write(data)

    def issue(self, csr, addresses):
        ku = csr.extensions.get_extension_for_class(x509.KeyUsage).value
        builder = (x509.CertificateBuilder()
                   .subject_name(_name(addresses[0]))
                   .issuer_name(self.inter.subject)
                   .public_key(csr.public_key())
                   .serial_number(x509.random_serial_number())
                   .not_valid_before(now_utc() - datetime.timedelta(minutes=1))
                   .not_valid_after(now_utc() + datetime.timedelta(days=90))
                   .add_extension(x509.SubjectAlternativeName([x509.RFC822Name(a) for a in addresses]), critical=False)
                   .add_extension(ku, critical=True)
                   .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
                   .add_extension(x509.SubjectKeyIdentifier.from_public_key(csr.public_key()), critical=False)
                   .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.inter_key.public_key()),
                                  critical=False))
        return builder.sign(self.inter_key, hashes.SHA256())


# ---- JWS (RFC 7515 flattened, RFC 8555 6.2) ----------------------------------------------------

def jwk_public_key(jwk):
    if jwk.get("kty") == "EC":
        curve = {"P-256": ec.SECP256R1(), "P-384": ec.SECP384R1()}.get(jwk.get("crv"))
        if curve is None:
            raise Problem(400, "badPublicKey", "unsupported curve")
        return ec.EllipticCurvePublicNumbers(int.from_bytes(b64u_decode(jwk["x"]), "big"),
                                             int.from_bytes(b64u_decode(jwk["y"]), "big"), curve).public_key()
    if jwk.get("kty") == "RSA":
        return rsa.RSAPublicNumbers(int.from_bytes(b64u_decode(jwk["e"]), "big"),
                                    int.from_bytes(b64u_decode(jwk["n"]), "big")).public_key()
    raise Problem(400, "badPublicKey", "unsupported key type")


def jwk_thumbprint(jwk):
    """RFC 7638: the required members in lexicographic order, no white space."""
    members = ("crv", "kty", "x", "y") if jwk["kty"] == "EC" else ("e", "kty", "n")
    canonical = json.dumps({k: jwk[k] for k in members}, separators=(",", ":"), sort_keys=True)
    return b64u(hashlib.sha256(canonical.encode("ascii")).digest())


def verify_jws(alg, key, signing_input, signature):
    try:
        if alg in ("ES256", "ES384"):
            if not isinstance(key, ec.EllipticCurvePublicKey):
                raise Problem(400, "badSignatureAlgorithm", "alg does not fit the key")
            size = 32 if alg == "ES256" else 48
            if len(signature) != 2 * size or key.curve.key_size != size * 8:
                raise Problem(400, "malformed", "ECDSA signature is not raw r||s of the curve's size")
            der = encode_dss_signature(int.from_bytes(signature[:size], "big"), int.from_bytes(signature[size:], "big"))
            key.verify(der, signing_input, ec.ECDSA(hashes.SHA256() if alg == "ES256" else hashes.SHA384()))
        elif alg == "RS256":
            if not isinstance(key, rsa.RSAPublicKey):
                raise Problem(400, "badSignatureAlgorithm", "alg does not fit the key")
            key.verify(signature, signing_input, padding.PKCS1v15(), hashes.SHA256())
        else:
            raise Problem(400, "badSignatureAlgorithm", "alg " + str(alg))
    except InvalidSignature:
        raise Problem(403, "unauthorized", "JWS signature does not verify")


# ---- RFC 8823 -------------------------------------------------------------------------------------

def response_digest(part1, part2, thumbprint, mode):
    """research/enrolment.md 1.5: string = part1 as sent + part2; bytes = b64u(dec(part1) || dec(part2))."""
    if mode == "bytes":
        token = b64u(b64u_decode(part1.rstrip("=")) + b64u_decode(part2))
    else:
        token = part1 + part2
    return b64u(hashlib.sha256((token + "." + thumbprint).encode("ascii")).digest())


class TestCa:
    def __init__(self, workdir, concatenation="string", deliver=None, reply_dir=None,
                 from_address="acme-challenge@ca.test", dkim=False, auto_submitted=True, token1_bytes=32):
        assert concatenation in ("string", "bytes")
        self.workdir = workdir
        os.makedirs(os.path.join(workdir, "outbox"), exist_ok=True)
        os.makedirs(os.path.join(workdir, "inbox"), exist_ok=True)
        self.concatenation = concatenation
        self.deliver = deliver
        self.reply_dir = reply_dir
        self.from_address = from_address
        self.auto_submitted = auto_submitted
        self.token1_bytes = token1_bytes
        self.pki = Pki(workdir)
        self.dkim = None
        if dkim:
            self.dkim = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption())
        self.lock = threading.RLock()
        self.nonces = set()
        self.accounts = {}   # url -> {"jwk", "thumbprint"}
        self.orders = {}     # id -> dict
        self.authzs = {}     # id -> dict
        self.certs = {}      # id -> PEM chain
        self.outbox = []
        self.inbox = []
        self.log = []
        self.counter = 0
        handler = self._handler_class()
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.pki.tls_cert_file, self.pki.tls_key_file)
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.base = "https://127.0.0.1:%d" % self.port
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    # -- public
    @property
    def directory_url(self):
        return self.base + "/dir"

    @property
    def tls_ca_file(self):
        return self.pki.tls_ca_file

    @property
    def root_file(self):
        return self.pki.root_file

    def receive_reply(self, raw):
        with self.lock:
            self.inbox.append(bytes(raw))

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    # -- helpers
    def _next(self):
        self.counter += 1
        return str(self.counter)

    def _nonce(self):
        n = b64u(secrets.token_bytes(16))
        with self.lock:
            self.nonces.add(n)
        return n

    def _send_challenge(self, authz):
        address = authz["identifier"]["value"]
        domain = self.from_address.split("@", 1)[1]
        lines = [
            "From: " + self.from_address,
            "To: " + address,
            "Subject: ACME: " + authz["token1"],
            "Date: " + email.utils.formatdate(localtime=False),
            "Message-ID: " + authz["message_id"],
        ]
        if self.auto_submitted:
            lines.append("Auto-Submitted: auto-generated; type=acme")
        lines += ["MIME-Version: 1.0", "Content-Type: text/plain; charset=us-ascii", "Content-Transfer-Encoding: 7bit", "",
                  "This is an automatically generated ACME challenge for email address",
                  '"%s". If you did not request an S/MIME certificate for this address,' % address,
                  "ignore this mail.", ""]
        raw = "\r\n".join(lines).encode("ascii")
        if self.dkim is not None:
            import dkim  # python3-dkim
            headers = [b"from", b"to", b"subject", b"date", b"message-id", b"content-type"]
            if self.auto_submitted:
                headers.append(b"auto-submitted")
            sig = dkim.sign(raw, b"test", domain.encode("ascii"), self.dkim, include_headers=headers)
            raw = sig + raw
        with self.lock:
            self.outbox.append(raw)
            with open(os.path.join(self.workdir, "outbox", "%03d.eml" % len(self.outbox)), "wb") as f:
                f.write(raw)
        if self.deliver is not None:
            self.deliver(raw)

    def _replies(self):
        with self.lock:
            out = list(self.inbox)
        for folder in (os.path.join(self.workdir, "inbox"), self.reply_dir):
            if folder and os.path.isdir(folder):
                for name in sorted(os.listdir(folder)):
                    if name.endswith(".eml"):
                        with open(os.path.join(folder, name), "rb") as f:
                            out.append(f.read())
        return out

    def _validate(self, authz):
        """Looks for the reply; valid, invalid (wrong digest), or still processing."""
        chall = authz["challenge"]
        if chall["status"] != "processing":
            return
        account = self.accounts[authz["account"]]
        expected = response_digest(authz["token1"], chall["token"], account["thumbprint"], self.concatenation)
        address = authz["identifier"]["value"].lower()
        for raw in self._replies():
            msg = email.message_from_bytes(raw, policy=email.policy.default)
            senders = [a.lower() for _, a in email.utils.getaddresses([str(msg.get("From", ""))])]
            subject = " ".join(str(msg.get("Subject", "")).split())
            if address not in senders or ("ACME: " + authz["token1"]) not in subject:
                continue
            body = msg.get_body(preferencelist=("plain",))
            text = body.get_content().encode("ascii", "replace") if body is not None else b""
            m = RESPONSE_RE.search(text)
            got = m.group(1).strip().decode("ascii") if m else ""
            self.log.append({"authz": authz["id"], "expected": expected, "got": got,
                             "in_reply_to": str(msg.get("In-Reply-To", ""))})
            if got == expected:
                chall["status"] = "valid"
                chall["validated"] = rfc3339(now_utc())
                authz["status"] = "valid"
            else:
                chall["status"] = "invalid"
                chall["error"] = {"type": ACME + "incorrectResponse",
                                  "detail": "the digest in the reply does not match (this CA joins tokens as %s)"
                                            % self.concatenation}
                authz["status"] = "invalid"
            return

    def _order_status(self, order):
        if order["status"] in ("valid", "invalid"):
            return
        states = [self.authzs[a]["status"] for a in order["authz_ids"]]
        if any(s == "invalid" for s in states):
            order["status"] = "invalid"
            order["error"] = {"type": ACME + "unauthorized", "detail": "an authorization is invalid"}
        elif order["status"] == "pending" and all(s == "valid" for s in states):
            order["status"] = "ready"
        elif order["status"] == "processing":
            if order.get("issue_at", 0) <= time.time():
                order["status"] = "valid"

    def _order_json(self, order):
        j = {"status": order["status"], "expires": order["expires"], "identifiers": order["identifiers"],
             "authorizations": [self.base + "/authz/" + a for a in order["authz_ids"]],
             "finalize": self.base + "/order/" + order["id"] + "/finalize"}
        if order["status"] == "valid":
            j["certificate"] = self.base + "/cert/" + order["id"]
        if "error" in order:
            j["error"] = order["error"]
        return j

    def _authz_json(self, authz):
        c = authz["challenge"]
        chall = {"type": "email-reply-00", "url": self.base + "/chall/" + authz["id"], "status": c["status"],
                 "from": self.from_address, "token": c["token"]}
        for k in ("validated", "error"):
            if k in c:
                chall[k] = c[k]
        return {"identifier": authz["identifier"], "status": authz["status"], "expires": authz["expires"],
                "challenges": [chall]}

    # -- the ACME resources: (status, json or bytes, extra headers)
    def handle_post(self, path, protected, payload, account_url, jwk):
        if path == "/new-acct":
            thumb = jwk_thumbprint(jwk)
            for url, acct in self.accounts.items():
                if acct["thumbprint"] == thumb:
                    return 200, {"status": "valid"}, {"Location": url}
            if payload.get("onlyReturnExisting"):
                raise Problem(400, "accountDoesNotExist", "no account for this key")
            url = self.base + "/acct/" + self._next()
            self.accounts[url] = {"jwk": jwk, "thumbprint": thumb, "contact": payload.get("contact", [])}
            return 201, {"status": "valid", "contact": payload.get("contact", [])}, {"Location": url}
        if account_url is None:
            raise Problem(400, "malformed", "this resource needs a kid")
        if path.startswith("/acct/"):
            return 200, {"status": "valid"}, {}
        if path == "/new-order":
            ids = payload.get("identifiers") or []
            if not ids:
                raise Problem(400, "malformed", "no identifiers")
            for i in ids:
                if i.get("type") != "email":
                    raise Problem(400, "unsupportedIdentifier", "only email identifiers (RFC 8823)")
                if "@" not in i.get("value", ""):
                    raise Problem(400, "rejectedIdentifier", "not a mailbox")
            order_id = self._next()
            expires = rfc3339(now_utc() + datetime.timedelta(days=1))
            authz_ids = []
            for i in ids:
                aid = self._next()
                self.authzs[aid] = {
                    "id": aid, "identifier": {"type": "email", "value": i["value"]}, "status": "pending",
                    "expires": expires, "account": account_url, "sent": False,
                    "token1": b64u(secrets.token_bytes(self.token1_bytes)),
                    "message_id": "<%s@%s>" % (secrets.token_hex(12), self.from_address.split("@", 1)[1]),
                    "challenge": {"status": "pending", "token": b64u(secrets.token_bytes(16))}}
                authz_ids.append(aid)
            order = {"id": order_id, "status": "pending", "expires": expires, "identifiers": ids,
                     "authz_ids": authz_ids, "account": account_url}
            self.orders[order_id] = order
            return 201, self._order_json(order), {"Location": self.base + "/order/" + order_id}
        m = re.fullmatch(r"/authz/(\d+)", path)
        if m and m.group(1) in self.authzs:
            authz = self.authzs[m.group(1)]
            if not authz["sent"]:
                # RFC 8823: the CA mails the challenge when the authorization is first fetched.
                authz["sent"] = True
                self._send_challenge(authz)
            self._validate(authz)
            return 200, self._authz_json(authz), {"Retry-After": "1"} if authz["status"] == "pending" else {}
        m = re.fullmatch(r"/chall/(\d+)", path)
        if m and m.group(1) in self.authzs:
            authz = self.authzs[m.group(1)]
            if payload is not None and payload == {} and authz["challenge"]["status"] == "pending":
                authz["challenge"]["status"] = "processing"
            self._validate(authz)
            chall = self._authz_json(authz)["challenges"][0]
            return 200, chall, {"Link": "<%s/authz/%s>;rel=\"up\"" % (self.base, authz["id"])}
        m = re.fullmatch(r"/order/(\d+)(/finalize)?", path)
        if m and m.group(1) in self.orders:
            order = self.orders[m.group(1)]
            self._order_status(order)
            if m.group(2):
                if order["status"] != "ready":
                    raise Problem(403, "orderNotReady", "the order is " + order["status"])
                csr = self._check_csr(payload, order)
                chain = _pem(self.pki.issue(csr, [i["value"] for i in order["identifiers"]])) + _pem(self.pki.inter)
                self.certs[order["id"]] = chain
                order["status"] = "processing"
                order["issue_at"] = time.time() + 1
            return 200, self._order_json(order), {"Retry-After": "1"} if order["status"] == "processing" else {}
        m = re.fullmatch(r"/cert/(\d+)", path)
        if m and m.group(1) in self.certs:
            return 200, self.certs[m.group(1)], {"Content-Type": "application/pem-certificate-chain"}
        raise Problem(404, "malformed", "no such resource")

    def _check_csr(self, payload, order):
        try:
            csr = x509.load_der_x509_csr(b64u_decode(payload["csr"]))
        except Exception as e:  # noqa: BLE001 - anything unreadable is a bad CSR
            raise Problem(400, "badCSR", "unreadable CSR: %s" % e)
        if not csr.is_signature_valid:
            raise Problem(400, "badCSR", "the CSR's signature does not verify")
        try:
            san = csr.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
            csr.extensions.get_extension_for_class(x509.KeyUsage)
        except x509.ExtensionNotFound as e:
            raise Problem(400, "badCSR", "missing %s" % e)
        emails = sorted(a.lower() for a in san.get_values_for_type(x509.RFC822Name))
        wanted = sorted(i["value"].lower() for i in order["identifiers"])
        if emails != wanted or len(list(san)) != len(emails):
            raise Problem(400, "badCSR", "the CSR's SAN must be exactly the order's addresses as rfc822Name")
        return csr

    def _handler_class(ca):
        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, fmt, *args):
                pass

            def _send(self, status, body, headers=None, content_type="application/json"):
                data = body if isinstance(body, bytes) else (
                    body.encode() if isinstance(body, str) else json.dumps(body).encode())
                headers = dict(headers or {})
                content_type = headers.pop("Content-Type", content_type)
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Replay-Nonce", ca._nonce())
                self.send_header("Cache-Control", "no-store")
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            def _problem(self, p):
                self._send(p.status, {"type": ACME + p.kind, "detail": p.detail}, content_type="application/problem+json")

            def do_HEAD(self):
                self.do_GET()

            def do_GET(self):
                if self.path == "/dir":
                    b = ca.base
                    self._send(200, {"newNonce": b + "/new-nonce", "newAccount": b + "/new-acct",
                                     "newOrder": b + "/new-order", "revokeCert": b + "/revoke",
                                     "keyChange": b + "/key-change", "meta": {"externalAccountRequired": False}})
                elif self.path == "/new-nonce":
                    self._send(200 if self.command == "HEAD" else 204, b"")
                else:
                    self._problem(Problem(405, "malformed", "use POST"))

            def do_POST(self):
                try:
                    length = int(self.headers.get("Content-Length", "0"))
                    if length > 65536:
                        raise Problem(413, "malformed", "too large")
                    body = self.rfile.read(length)
                    if self.headers.get("Content-Type", "") != "application/jose+json":
                        raise Problem(415, "malformed", "Content-Type must be application/jose+json")
                    try:
                        jws = json.loads(body)
                        protected = json.loads(b64u_decode(jws["protected"]))
                        payload_b64 = jws["payload"]
                        signature = b64u_decode(jws["signature"])
                    except (ValueError, KeyError, TypeError) as e:
                        raise Problem(400, "malformed", "not a flattened JWS: %s" % e)
                    url = ca.base + self.path
                    if protected.get("url") != url:
                        raise Problem(401, "unauthorized", "url header %r is not %r" % (protected.get("url"), url))
                    with ca.lock:
                        nonce = protected.get("nonce")
                        if nonce not in ca.nonces:
                            raise Problem(400, "badNonce", "unknown or used nonce")
                        ca.nonces.discard(nonce)
                        if ("jwk" in protected) == ("kid" in protected):
                            raise Problem(400, "malformed", "exactly one of jwk and kid")
                        account_url = None
                        if "jwk" in protected:
                            if self.path != "/new-acct":
                                raise Problem(400, "malformed", "jwk only for newAccount")
                            jwk = protected["jwk"]
                        else:
                            account_url = protected["kid"]
                            if account_url not in ca.accounts:
                                raise Problem(400, "accountDoesNotExist", "unknown kid")
                            jwk = ca.accounts[account_url]["jwk"]
                        key = jwk_public_key(jwk)
                        verify_jws(protected.get("alg"), key,
                                   (jws["protected"] + "." + payload_b64).encode("ascii"), signature)
                        payload = None if payload_b64 == "" else json.loads(b64u_decode(payload_b64))
                        ca.log.append({"path": self.path, "payload": payload})
                        status, out, headers = ca.handle_post(self.path, protected, payload, account_url, jwk)
                    self._send(status, out, headers)
                except Problem as p:
                    self._problem(p)

        return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--concatenation", choices=("string", "bytes"), default="string")
    parser.add_argument("--dkim", action="store_true")
    parser.add_argument("--reply-dir")
    args = parser.parse_args()
    ca = TestCa(args.workdir, concatenation=args.concatenation, dkim=args.dkim, reply_dir=args.reply_dir)
    print(json.dumps({"directory": ca.directory_url, "tls_ca_file": ca.tls_ca_file, "root_file": ca.root_file,
                      "outbox": os.path.join(args.workdir, "outbox"), "inbox": os.path.join(args.workdir, "inbox")}),
          flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        ca.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
