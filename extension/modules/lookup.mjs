/**
 * Who among the recipients has a usable encryption certificate.
 *
 * The host's contacts store answers (recipients.lookup). When the host is not
 * there, the message will be encrypted by Thunderbird's built-in S/MIME, so
 * Thunderbird's own certificate store is the one that matters, and the
 * Experiment asks it.
 */
import { host, HostError } from "./host.mjs";

/** Resolves with {path: "host"|"builtin", missing: [address…]}. */
export async function missingCertificates(addresses, path) {
  if (!addresses.length) {
    return [];
  }
  if (path === "host") {
    // {recipients: [{address, found, certificate, reason, …}], missing: [addresses]}
    // (`inkan contact lookup --json`, docs/store.md "Contacts JSON").
    const result = await host.call("recipients.lookup", { addresses });
    if (Array.isArray(result.missing)) {
      const missing = new Set(result.missing.map(a => a.toLowerCase()));
      return addresses.filter(a => missing.has(a));
    }
    const entries = result.recipients ?? [];
    return addresses.filter(a => {
      const entry = entries.find(e => (e.address ?? "").toLowerCase() === a);
      return !entry?.found;
    });
  }
  if (!messenger.inkan?.findCertificates) {
    throw new HostError("EXPERIMENT_UNAVAILABLE");
  }
  const found = await messenger.inkan.findCertificates(addresses);
  return found.filter(f => !f.found).map(f => f.address);
}
