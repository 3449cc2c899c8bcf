"""A client for inkan-host that speaks the real native-messaging framing over
pipes, as Thunderbird does: a 4-byte native-endian length, then UTF-8 JSON.
Used by the golden tests and the large-message test (Python 3 standard library only).
"""
import base64
import hashlib
import json
import os
import struct
import subprocess
import threading

MAX_REPLY_FRAME = 1_048_576


class ProtocolViolation(Exception):
    pass


class Host:
    def __init__(self, binary, env=None, args=()):
        full_env = dict(os.environ)
        full_env.update(env or {})
        self.stderr_chunks = []
        self.proc = subprocess.Popen([binary, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, env=full_env)
        self._err_thread = threading.Thread(target=self._drain_stderr, daemon=True)
        self._err_thread.start()

    def _drain_stderr(self):
        for chunk in iter(lambda: self.proc.stderr.read(65536), b""):
            self.stderr_chunks.append(chunk)

    def stderr(self):
        return b"".join(self.stderr_chunks).decode("utf-8", "replace")

    # -- sending
    def send_raw(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send_bytes(self, body):
        self.send_raw(struct.pack("=I", len(body)) + body)

    def send(self, obj):
        self.send_bytes(json.dumps(obj, ensure_ascii=False).encode("utf-8"))

    def close_input(self):
        try:
            self.proc.stdin.close()
        except BrokenPipeError:
            pass

    # -- receiving
    def read_frame(self):
        """One frame as (parsed JSON, raw size), or None at end of output."""
        header = self.proc.stdout.read(4)
        if not header:
            return None
        if len(header) < 4:
            raise ProtocolViolation("stdout ended inside a frame header")
        (length,) = struct.unpack("=I", header)
        if length > MAX_REPLY_FRAME:
            raise ProtocolViolation(f"a frame of {length} bytes: Thunderbird drops frames over 1 MiB")
        body = self.proc.stdout.read(length)
        if len(body) < length:
            raise ProtocolViolation("stdout ended inside a frame")
        try:
            obj = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise ProtocolViolation(f"a frame that is not UTF-8 JSON: {e}")
        if not isinstance(obj, dict) or "id" not in obj:
            raise ProtocolViolation(f"a frame without id: {body[:200]!r}")
        return obj, length

    def read_reply(self, sink=None):
        """Reads chunk frames and the final reply of one request.

        Returns (final reply, {part: bytes}). Chunk frames must carry the final
        reply's id and consecutive seq from 0; `sink(part, bytes)` (optional)
        receives chunk data instead of collecting it in memory.
        """
        parts = {}
        seqs = {}
        chunk_id = None
        while True:
            got = self.read_frame()
            if got is None:
                raise ProtocolViolation("stdout ended before the final reply")
            frame, _ = got
            if "chunk" not in frame:
                break
            if chunk_id is not None and frame["id"] != chunk_id:
                raise ProtocolViolation("chunks of two requests interleave")
            chunk_id = frame["id"]
            part = frame["chunk"].get("part", "output")
            expected = seqs.get(part, 0)
            if frame["chunk"].get("seq") != expected:
                raise ProtocolViolation(f"chunk seq {frame['chunk'].get('seq')} where {expected} was due")
            seqs[part] = expected + 1
            data = base64.b64decode(frame["data"], validate=True)
            if sink:
                sink(part, data)
            else:
                parts.setdefault(part, bytearray()).extend(data)
        if chunk_id is not None and frame["id"] != chunk_id:
            raise ProtocolViolation("the final reply's id differs from its chunks'")
        if seqs and not frame.get("ok"):
            parts = {}  # chunks followed by an error are void
        self._check_reassembly(frame, parts, seqs, sink is not None)
        return frame, {k: bytes(v) for k, v in parts.items()}

    @staticmethod
    def _check_reassembly(frame, parts, seqs, streamed):
        if not frame.get("ok"):
            return
        described = {}
        out = frame.get("result", {}).get("output") if isinstance(frame.get("result"), dict) else None
        if isinstance(out, dict) and "sha256" in out:
            described["output"] = out
        if "result_chunks" in frame:
            described["result"] = frame["result_chunks"]
        for part, d in described.items():
            if seqs.get(part, 0) != d["chunks"]:
                raise ProtocolViolation(f"{part}: {seqs.get(part, 0)} chunks, the reply says {d['chunks']}")
            if streamed:
                continue
            data = bytes(parts.get(part, b""))
            if len(data) != d["bytes"] or hashlib.sha256(data).hexdigest() != d["sha256"]:
                raise ProtocolViolation(f"{part}: reassembled bytes do not match the reply's size and sha256")
        for part in seqs:
            if part not in described:
                raise ProtocolViolation(f"chunks of part {part} that the final reply does not describe")

    def finish(self, timeout=120):
        self.close_input()
        rest = self.proc.stdout.read()
        code = self.proc.wait(timeout=timeout)
        self._err_thread.join(timeout=10)
        return code, rest


def upload_frames(upload_id, data, piece, first_id):
    """The upload frames for `data`, `piece` raw bytes each (data member last)."""
    frames = []
    for seq, start in enumerate(range(0, max(len(data), 1), piece)):
        frames.append({"id": first_id + seq, "op": "upload", "upload": upload_id, "seq": seq,
                       "data": base64.b64encode(data[start:start + piece]).decode("ascii")})
    return frames
