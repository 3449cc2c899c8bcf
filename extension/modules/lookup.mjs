/**
 * Who among the recipients has a usable encryption certificate.
 *
 * The host's contacts store answers (recipients.lookup). When the host is not
 * there, the message will be encrypted by Thunderbird's built-in S/MIME, so
 * Thunderbird's own certificate store is the one that matters, and the
 * Experiment asks it.
 */
import { host, HostError } from "./host.mjs";

/**
 * Resolves with {missing: [address…], reasons: {address: reason code}} (the
 * host's codes of docs/store.md "Recipients": no-certificate, expired,
 * untrusted, key-change-pending, …; none from Thunderbird's store).
 */
export async function lookupMissing(addresses, path) {
  if (!addresses.length) {
    return { missing: [], reasons: {} };
  }
  if (path === "host") {
    // {recipients: [{address, found, certificate, reason, …}], missing: [addresses]}
    // (`inkan contact lookup --json`, docs/store.md "Contacts JSON").
    const result = await host.call("recipients.lookup", { addresses });
    const entries = result.recipients ?? [];
    const reasons = {};
    for (const entry of entries) {
      if (!entry.found && entry.address) {
        reasons[entry.address.toLowerCase()] = entry.reason ?? "no-certificate";
      }
    }
    const missingSet = new Set((Array.isArray(result.missing) ? result.missing : Object.keys(reasons)).map(a => a.toLowerCase()));
    const missing = addresses.filter(a => missingSet.has(a) || !entries.some(e => (e.address ?? "").toLowerCase() === a));
    return { missing, reasons };
  }
  if (!messenger.inkan?.findCertificates) {
    throw new HostError("EXPERIMENT_UNAVAILABLE");
  }
  const found = await messenger.inkan.findCertificates(addresses);
  return { missing: found.filter(f => !f.found).map(f => f.address), reasons: {} };
}

/** The addresses among `addresses` that cannot be encrypted to on this path. */
export async function missingCertificates(addresses, path) {
  return (await lookupMissing(addresses, path)).missing;
}
