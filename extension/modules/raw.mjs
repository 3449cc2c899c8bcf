/**
 * Message bytes as Thunderbird stores them, made ready for the host.
 *
 * messages.getRaw returns the stored message. Local (mbox/maildir) storage
 * prepends bookkeeping lines (X-Mozilla-Status, X-Mozilla-Status2,
 * X-Mozilla-Keys; after POP3 also X-Account-Key and X-UIDL), LF-terminated.
 * They are not part of what the sender signed, and a verifier that hashes the
 * whole message must not see them. Only those leading lines are removed: a
 * sender's own X-Mozilla-… header further down is data and stays.
 */

const BOOKKEEPING = /^(X-Mozilla-[A-Za-z0-9-]+|X-Account-Key|X-UIDL):/i;

// Headers a saved draft carries for Thunderbird's own use; none of them may
// leave in a sent message (Bcc above all: those recipients get the message
// only through the SMTP envelope). FCC is Thunderbird's "file copy to".
const DRAFT_ONLY = new Set([
  "x-mozilla-draft-info", "x-mozilla-status", "x-mozilla-status2", "x-mozilla-keys",
  "x-identity-key", "x-account-key", "x-uidl", "fcc", "bcc", "x-mozilla-cloud-part",
]);

const HEAD_WINDOW = 256 * 1024;

async function headText(blob, limit = HEAD_WINDOW) {
  // "latin1" keeps every byte as one code unit, so offsets are byte offsets.
  const bytes = new Uint8Array(await blob.slice(0, limit).arrayBuffer());
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return s;
}

function latin1Blob(text) {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    out[i] = text.charCodeAt(i);
  }
  return new Blob([out]);
}

/** Byte length of the leading bookkeeping lines of a stored message. */
export function bookkeepingLength(head) {
  let offset = 0;
  while (offset < head.length) {
    const end = head.indexOf("\n", offset);
    if (end < 0) {
      break;
    }
    const line = head.slice(offset, end + 1);
    if (!BOOKKEEPING.test(line)) {
      break;
    }
    offset = end + 1;
    // A folded continuation belongs to the bookkeeping field.
    while (offset < head.length && (head[offset] === " " || head[offset] === "\t")) {
      const next = head.indexOf("\n", offset);
      offset = next < 0 ? head.length : next + 1;
    }
  }
  return offset;
}

/** The stored message without Thunderbird's leading bookkeeping lines (a Blob). */
export async function stripBookkeeping(raw) {
  const blob = raw instanceof Blob ? raw : latin1Blob(raw);
  const cut = bookkeepingLength(await headText(blob, 64 * 1024));
  return cut ? blob.slice(cut) : blob;
}

/** The header block of a message (Latin-1 string) and where the body starts. */
export async function splitHeader(blob) {
  const head = await headText(blob);
  const m = /\r?\n\r?\n/.exec(head);
  if (!m) {
    return { header: head, bodyOffset: head.length === blob.size ? blob.size : -1 };
  }
  return { header: head.slice(0, m.index + m[0].length), bodyOffset: m.index + m[0].length };
}

/**
 * A saved draft, ready to be signed as the message that will be sent:
 * bookkeeping lines and draft-only header fields removed, everything else
 * byte for byte as Thunderbird wrote it.
 */
export async function draftToMessage(raw) {
  const blob = await stripBookkeeping(raw);
  const { header, bodyOffset } = await splitHeader(blob);
  if (bodyOffset < 0) {
    throw new Error("draft header block too large");
  }
  const lines = header.split(/(?<=\n)/);
  const kept = [];
  let dropping = false;
  for (const line of lines) {
    if (line === "\r\n" || line === "\n") {
      kept.push(line);
      continue;
    }
    if (line[0] === " " || line[0] === "\t") {
      if (!dropping) {
        kept.push(line);
      }
      continue;
    }
    const name = line.slice(0, line.indexOf(":")).trim().toLowerCase();
    dropping = DRAFT_ONLY.has(name);
    if (!dropping) {
      kept.push(line);
    }
  }
  return new Blob([latin1Blob(kept.join("")), blob.slice(bodyOffset)], { type: "message/rfc822" });
}

/** Whether a message's top level is S/MIME (signed, encrypted or certificates only). */
export async function isSmime(blob) {
  const { header } = await splitHeader(blob);
  const unfolded = header.replace(/\r?\n[ \t]+/g, " ");
  const ct = /^content-type:(.*)$/im.exec(unfolded);
  return !!ct && /application\/(x-)?pkcs7-(mime|signature)|multipart\/signed/i.test(ct[1]);
}
