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
    const result = await host.call("recipients.lookup", { addresses });
    const entries = result.recipients ?? result.addresses ?? result;
    return addresses.filter(a => {
      const entry = Array.isArray(entries) ? entries.find(e => (e.address ?? "").toLowerCase() === a) : entries[a];
      return !entry || entry.reason || !(entry.certificate ?? entry.fingerprint_sha256);
    });
  }
  if (!messenger.inkan?.findCertificates) {
    throw new HostError("EXPERIMENT_UNAVAILABLE");
  }
  const found = await messenger.inkan.findCertificates(addresses);
  return found.filter(f => !f.found).map(f => f.address);
}
