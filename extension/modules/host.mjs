/**
 * The one module that speaks the native host protocol (docs/protocol.md).
 *
 * One long-lived connectNative port carries every request; replies are matched
 * by id. Large outputs arrive as chunk frames (the host keeps each frame under
 * Thunderbird's 1 MiB limit) and are reassembled and checked against the
 * SHA-256 the final reply announces. Large inputs reach the host as a file it
 * reads by path (withInput); `upload` frames only when no file can be written.
 * While a request is open the port keeps the MV3 event page alive; an idle
 * port is closed so the page can be suspended (the host forgets unlocked keys
 * when its port closes, so the idle time follows the unlock time).
 */

export const HOST_NAME = "org.inkan.host";
export const PROTOCOL_VERSION = 1;

const DEFAULT_TIMEOUT_MS = 30_000;
// Per-op limits. Ops missing here get the default; `null` means no limit: they
// wait for a person (a mailbox challenge) or for a remote server.
const TIMEOUTS_MS = {
  "hello": 10_000,
  "upload": 60_000,
  "sign": 120_000,
  "encrypt": 120_000,
  "decrypt": 120_000,
  "verify": 60_000,
  "recipients.lookup": 15_000,
};
const UNBOUNDED_PREFIXES = ["acme.", "actalis.", "ca.", "csr."];
const INLINE_LIMIT = 256 * 1024; // raw bytes sent inline as `data`; larger inputs go as a file (or uploaded)
const UPLOAD_FRAME = 1024 * 1024; // raw bytes per upload frame, unless hello's limits say otherwise
const IDLE_CLOSE_MS = 60_000;

/** The one error type of the add-on: a stable code plus the host's texts, if any. */
export class HostError extends Error {
  constructor(code, detail = "", extra = {}) {
    super(`${code}${detail ? ": " + detail : ""}`);
    this.name = "HostError";
    this.code = code;
    this.detail = detail;
    Object.assign(this, extra);
  }
}

export function timeoutFor(op) {
  if (UNBOUNDED_PREFIXES.some(p => op.startsWith(p))) {
    return null;
  }
  return TIMEOUTS_MS[op] ?? DEFAULT_TIMEOUT_MS;
}

function base64ToBytes(b64) {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    out[i] = s.charCodeAt(i);
  }
  return out;
}

/** Base64 of a Blob, computed natively (FileReader) rather than char by char. */
export function blobToBase64(blob) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result.slice(reader.result.indexOf(",") + 1));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

async function sha256Hex(blob) {
  const digest = await crypto.subtle.digest("SHA-256", await blob.arrayBuffer());
  return Array.from(new Uint8Array(digest), b => b.toString(16).padStart(2, "0")).join("");
}

/** Joins chunks and checks them against what the final reply announced. */
async function checkedBlob(chunks, announced, what) {
  const blob = new Blob(chunks, { type: what === "output" ? "message/rfc822" : "application/json" });
  if (!announced || announced.chunks !== chunks.length || announced.bytes !== blob.size ||
      announced.sha256 !== await sha256Hex(blob)) {
    throw new HostError("OUTPUT_CORRUPTED",
      `${what}: got ${chunks.length} chunks / ${blob.size} bytes, announced ${JSON.stringify(announced)}`);
  }
  return blob;
}

class Pending {
  constructor(op, resolve, reject, timeoutMs, onTimeout) {
    this.op = op;
    this.resolve = resolve;
    this.reject = reject;
    // Chunk frames by part: "output" (message bytes) and "result" (a JSON
    // result too large for one frame, announced by result_chunks).
    this.parts = { output: [], result: [] };
    this.timeoutMs = timeoutMs;
    this.onTimeout = onTimeout;
    this.timer = null;
    this.arm();
  }

  // Re-armed by every chunk: a long output that keeps arriving is not a stall.
  arm() {
    clearTimeout(this.timer);
    if (this.timeoutMs !== null) {
      this.timer = setTimeout(this.onTimeout, this.timeoutMs);
    }
  }

  clear() {
    clearTimeout(this.timer);
  }
}

/** True when the host could not read the temporary file itself (its error names the path). */
function unreadableFile(error, path) {
  return error instanceof HostError && (error.code === "FILE_NOT_FOUND" || error.code === "IO_READ_FAILED") &&
    String(error.detail ?? "").startsWith(path);
}

export class HostClient {
  #tempFiles;
  #port = null;
  #nextId = 1;
  #nextUpload = 1;
  #pending = new Map();
  #idleTimer = null;
  #hello = null;
  #answered = false;

  /**
   * tempFiles: {write(blob) → absolute path, remove(path)}, or null. Injected
   * rather than called here: this module speaks the host protocol and nothing
   * else, so it does not learn the Experiment's API (nor that it may be
   * missing); whoever builds the client decides where a large input is staged.
   */
  constructor({ tempFiles = null } = {}) {
    this.#tempFiles = tempFiles;
  }

  /** Sends one request and resolves with its `result`; rejects with HostError. */
  async call(op, params = {}, { timeoutMs } = {}) {
    const { result } = await this.#request(op, params, timeoutMs);
    return result;
  }

  /**
   * Like call(), for ops with an `output`: resolves with {result, output: Blob}.
   * The output streams back as chunks unless `params.output` names a spool or path.
   */
  async callWithOutput(op, params = {}, { timeoutMs } = {}) {
    return this.#request(op, { output: "stream", ...params }, timeoutMs);
  }

  /** The `hello` reply, asked once per port. */
  async hello() {
    if (!this.#hello || !this.#port) {
      const result = await this.#raw("hello", { protocol: PROTOCOL_VERSION });
      if (!Number.isInteger(result.protocol) || result.protocol < 1) {
        throw new HostError("HOST_INCOMPATIBLE", `protocol ${result.protocol}`);
      }
      this.#hello = result;
    }
    return this.#hello;
  }

  /**
   * Runs use(input) with an `input` parameter for the bytes, and resolves with
   * what it resolves with. Small bytes go inline (`data`). Larger ones are
   * written to a private temporary file that the host reads by `{path}`: the
   * host then reads a file instead of decoding base64 frames (docs/performance.md,
   * "Host, the add-on's path"). The file holds plaintext mail, so it is removed
   * once use() settles, whatever the outcome. Without a file (no Experiment,
   * the write failed) or when the host cannot read it (it sees another
   * filesystem, as a sandboxed host may), the bytes go up as upload frames.
   */
  async withInput(blob, use) {
    if (blob.size <= INLINE_LIMIT) {
      return use({ data: await blobToBase64(blob) });
    }
    const path = await this.#writeTemp(blob);
    if (path !== null) {
      try {
        return await use({ path });
      } catch (e) {
        if (!unreadableFile(e, path)) {
          throw e;
        }
        console.warn("inkan: the host cannot read the temporary file; uploading instead", e.code);
      } finally {
        await this.#removeTemp(path);
      }
    }
    return use(await this.input(blob));
  }

  /** An `input` parameter without a file: inline when small, else uploaded in frames. */
  async input(blob) {
    if (blob.size <= INLINE_LIMIT) {
      return { data: await blobToBase64(blob) };
    }
    await this.hello();
    const upload = `u${this.#nextUpload++}`;
    const frame = this.#hello?.limits?.upload_chunk_bytes ?? UPLOAD_FRAME;
    for (let offset = 0, seq = 0; offset < blob.size; offset += frame, seq++) {
      // `data` last: the host cuts the payload out of the frame without a JSON parse.
      await this.#raw("upload", { upload, seq, data: await blobToBase64(blob.slice(offset, offset + frame)) });
    }
    return { upload };
  }

  async #writeTemp(blob) {
    if (!this.#tempFiles) {
      return null;
    }
    try {
      return await this.#tempFiles.write(blob);
    } catch (e) {
      console.warn("inkan: no temporary file for a large input; uploading instead", String(e?.message ?? e));
      return null;
    }
  }

  async #removeTemp(path) {
    try {
      await this.#tempFiles.remove(path);
    } catch (e) {
      console.error("inkan: a temporary file was not removed", path, String(e?.message ?? e));
    }
  }

  /** Closes the port: pending requests fail with HOST_DISCONNECTED. */
  close() {
    if (this.#port) {
      const port = this.#port;
      this.#port = null;
      port.disconnect();
      this.#failAll(new HostError("HOST_DISCONNECTED", "closed"));
    }
  }

  async #request(op, params, timeoutMs) {
    await this.hello();
    return this.#send(op, params, timeoutMs);
  }

  async #raw(op, params) {
    const { result } = await this.#send(op, params);
    return result;
  }

  #send(op, params, timeoutMs) {
    this.#connect();
    const id = this.#nextId++;
    const limit = timeoutMs === undefined ? timeoutFor(op) : timeoutMs;
    return new Promise((resolve, reject) => {
      const pending = new Pending(op, resolve, reject, limit, () => {
        this.#pending.delete(id);
        reject(new HostError("HOST_TIMEOUT", `${op} after ${limit} ms`));
        this.#scheduleIdleClose();
      });
      this.#pending.set(id, pending);
      clearTimeout(this.#idleTimer);
      try {
        this.#port.postMessage({ id, op, ...params });
      } catch (e) {
        this.#pending.delete(id);
        pending.clear();
        reject(new HostError("HOST_DISCONNECTED", String(e?.message ?? e)));
      }
    });
  }

  #connect() {
    if (this.#port) {
      return;
    }
    this.#answered = false;
    this.#hello = null;
    const port = messenger.runtime.connectNative(HOST_NAME);
    port.onMessage.addListener(message => this.#onMessage(message));
    port.onDisconnect.addListener(p => this.#onDisconnect(p));
    this.#port = port;
  }

  #onMessage(message) {
    this.#answered = true;
    const pending = this.#pending.get(message?.id);
    if (!pending) {
      // A reply with id null (FRAME_TOO_LARGE, BAD_FRAME) or for a request that
      // timed out: nothing waits for it any more.
      console.warn("inkan: host reply without a waiting request", message?.id, message?.error?.code);
      return;
    }
    if (message.chunk) {
      const list = pending.parts[message.chunk.part ?? "output"];
      if (!list || message.chunk.seq !== list.length) {
        this.#settle(message.id, pending, null,
          new HostError("OUTPUT_CORRUPTED", `chunk ${message.chunk.part ?? "output"}/${message.chunk.seq}`));
        return;
      }
      list.push(base64ToBytes(message.data));
      pending.arm();
      return;
    }
    if (!message.ok) {
      const e = message.error ?? {};
      // The host's English text is kept as hostMessage; Error.message stays ours.
      const { code, detail, message: hostMessage, ...extra } = e;
      this.#settle(message.id, pending, null,
        new HostError(code ?? "INTERNAL", detail ?? "", { ...extra, hostMessage }));
      return;
    }
    this.#settle(message.id, pending, message.result ?? null, null, message.result_chunks);
  }

  async #settle(id, pending, result, error, resultChunks) {
    this.#pending.delete(id);
    pending.clear();
    this.#scheduleIdleClose();
    if (error) {
      pending.reject(error);
      return;
    }
    try {
      if (resultChunks) {
        const joined = await checkedBlob(pending.parts.result, resultChunks, "result");
        result = JSON.parse(new TextDecoder().decode(await joined.arrayBuffer()));
      }
      result ??= {};
      const announced = result.output;
      if (!pending.parts.output.length && !(announced && Number.isInteger(announced.chunks))) {
        pending.resolve({ result });
        return;
      }
      pending.resolve({ result, output: await checkedBlob(pending.parts.output, announced, "output") });
    } catch (e) {
      pending.reject(e instanceof HostError ? e : new HostError("OUTPUT_CORRUPTED", String(e?.message ?? e)));
    }
  }

  #onDisconnect(port) {
    if (port !== this.#port) {
      return;
    }
    this.#port = null;
    this.#hello = null;
    const why = port.error?.message ?? "";
    // A host that never answered was not started (no manifest, no binary) or
    // died at once: to the user both mean "the Inkan program is missing".
    const code = this.#answered ? "HOST_DISCONNECTED" : "HOST_MISSING";
    this.#failAll(new HostError(code, why));
  }

  #failAll(error) {
    for (const [, pending] of this.#pending) {
      pending.clear();
      pending.reject(error);
    }
    this.#pending.clear();
    clearTimeout(this.#idleTimer);
  }

  #scheduleIdleClose() {
    clearTimeout(this.#idleTimer);
    if (!this.#pending.size) {
      this.#idleTimer = setTimeout(() => this.close(), IDLE_CLOSE_MS);
    }
  }
}

/**
 * The Experiment's temporary files (experiments/inkan): 0600 files named
 * inkan-*.eml in Thunderbird's temporary folder. Without the Experiment
 * write() throws, and withInput uploads instead.
 */
const experimentTempFiles = {
  write: blob => messenger.inkan.writeTempFile(new File([blob], "inkan-message.eml")),
  remove: path => messenger.inkan.removeFile(path),
};

/** The background's one client. */
export const host = new HostClient({ tempFiles: experimentTempFiles });
