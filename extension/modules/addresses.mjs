/** Addresses from compose details: plain e-mail addresses for envelopes and lookups. */

async function expand(entry) {
  if (typeof entry === "string") {
    const parsed = await messenger.messengerUtilities.parseMailboxString(entry);
    return parsed.map(p => ({ email: p.email, mailbox: entry }));
  }
  // ComposeRecipient objects naming an address-book contact or list by id need
  // the addressBooks permission to expand; Thunderbird's own compose window
  // always hands over mailbox strings, so they are not expanded here.
  console.warn("inkan: recipient given by address-book id is not expanded", entry?.type);
  return [];
}

async function list(field) {
  const entries = Array.isArray(field) ? field : field ? [field] : [];
  const out = [];
  for (const entry of entries) {
    out.push(...(await expand(entry)));
  }
  return out.filter(a => a.email);
}

/** {to, cc, bcc}: mailbox strings as the user wrote them, for the SMTP envelope. */
export async function envelopeOf(details) {
  const envelope = {};
  for (const field of ["to", "cc", "bcc"]) {
    envelope[field] = (await list(details[field])).map(a => a.email);
  }
  return envelope;
}

export function allRecipients(envelope) {
  return [...new Set([...envelope.to, ...envelope.cc, ...envelope.bcc].map(a => a.toLowerCase()))];
}
