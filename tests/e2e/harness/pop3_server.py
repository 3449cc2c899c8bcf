"""A small POP3 server (RFC 1939) on 127.0.0.1 for Thunderbird to fetch from.

Tests put messages in its maildrop with ``deliver``; USER/PASS accept the
configured user with any password (Thunderbird's password is set in memory by
the test helper, so nothing prompts). Retrieved and deleted messages leave the
maildrop at QUIT, as a real server does.
"""
import socketserver
import threading


class _Session(socketserver.StreamRequestHandler):
    timeout = 30

    def out(self, data):
        self.wfile.write(data if isinstance(data, bytes) else data.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self):
        server = self.server.pop3
        self.out("+OK Inkan test POP3 ready")
        with server.lock:
            drop = list(server.maildrop)
        deleted = set()
        for line in self.rfile:
            words = line.decode("ascii", "replace").strip().split(" ")
            cmd, args = words[0].upper(), words[1:]
            server.log.append(cmd)
            if cmd == "CAPA":
                self.out("+OK\r\nUSER\r\nUIDL\r\nTOP\r\n.")
            elif cmd in ("USER", "PASS", "NOOP", "RSET"):
                self.out("+OK")
            elif cmd == "STAT":
                self.out("+OK %d %d" % (len(drop), sum(len(m) for _, m in drop)))
            elif cmd in ("LIST", "UIDL"):
                def row(i):
                    uid, msg = drop[i]
                    return "%d %s" % (i + 1, len(msg) if cmd == "LIST" else uid)
                if args:
                    self.out("+OK " + row(int(args[0]) - 1))
                else:
                    self.out("+OK\r\n" + "".join(row(i) + "\r\n" for i in range(len(drop))) + ".")
            elif cmd in ("RETR", "TOP"):
                msg = drop[int(args[0]) - 1][1]
                lines = msg.split(b"\r\n")
                if lines and lines[-1] == b"":
                    lines.pop()
                # RFC 1939 section 3: byte-stuff lines that start with the terminator.
                body = b"".join((b"." + l if l.startswith(b".") else l) + b"\r\n" for l in lines)
                self.out(b"+OK\r\n" + body + b".\r\n")
            elif cmd == "DELE":
                deleted.add(drop[int(args[0]) - 1][0])
                self.out("+OK")
            elif cmd == "QUIT":
                with server.lock:
                    server.maildrop = [m for m in server.maildrop if m[0] not in deleted]
                self.out("+OK bye")
                return
            else:
                self.out("-ERR unknown command")


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


class Pop3Server:
    def __init__(self, port):
        self.port = port
        self.maildrop = []
        self.lock = threading.Lock()
        self.log = []
        self.next_uid = 1
        self.server = _Server(("127.0.0.1", port), _Session)
        self.server.pop3 = self
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def deliver(self, message_bytes):
        """Puts one message (CRLF line ends) in the maildrop."""
        with self.lock:
            self.maildrop.append(("inkan-%d" % self.next_uid, message_bytes))
            self.next_uid += 1
