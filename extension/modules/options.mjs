/**
 * What the options page asks the background for. Thunderbird's identities come
 * from the accounts API; certificates, contacts and trust from the host
 * (identity.*, contact.*, trust.* in docs/protocol.md). Importing a PKCS#12
 * file also provisions it into Thunderbird's own certificate store and binds
 * it to the identity (Experiment), so Thunderbird can read mail encrypted to
 * the user and the built-in S/MIME fallback can sign.
 */
import { host, HostError, blobToBase64 } from "./host.mjs";
import { identityDefaults, setIdentityDefaults } from "./prefs.mjs";
import { withUnlock } from "./unlock.mjs";

async function thunderbirdIdentities() {
  const accounts = await messenger.accounts.list(false);
  const out = [];
  for (const account of accounts) {
    for (const identity of account.identities ?? []) {
      out.push({ ...identity, accountName: account.name, defaults: await identityDefaults(identity.id) });
    }
  }
  return out;
}

async function hostOrError(op, params) {
  try {
    return { ok: true, value: await withUnlock(() => host.call(op, params)) };
  } catch (e) {
    return { ok: false, error: { code: e.code, detail: e.detail, hostMessage: e.hostMessage, message_ja: e.message_ja } };
  }
}

function pemOf(derBase64) {
  const lines = derBase64.match(/.{1,64}/g).join("\n");
  return `-----BEGIN CERTIFICATE-----\n${lines}\n-----END CERTIFICATE-----\n`;
}

async function certificateText(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const asText = new TextDecoder("latin1").decode(bytes);
  return asText.includes("-----BEGIN CERTIFICATE-----") ? asText : pemOf(await blobToBase64(file));
}

export const COMMANDS = {
  "options.identities": async () => ({
    identities: await thunderbirdIdentities(),
    host: await hostOrError("identity.list", {}),
  }),
  "options.setDefaults": ({ identityId, values }) => setIdentityDefaults(identityId, values),
  // Thunderbird's store first: with it the user can read encrypted mail and the
  // built-in S/MIME can sign even while the host (or its store) is missing.
  "options.importP12": async ({ identityId, file, password }) => {
    const identity = await messenger.identities.get(identityId);
    let provisioned = null;
    if (messenger.inkan?.provisionIdentity) {
      const path = await messenger.inkan.writeTempFile(new File([file], "inkan-import.p12"));
      try {
        provisioned = await messenger.inkan.provisionIdentity(identityId, path, password);
      } finally {
        await messenger.inkan.removeFile(path);
      }
    }
    // identity.import answers `inkan id import --json`: {imported: [identities], …}.
    const imported = await host.withInput(file, pkcs12 => hostOrError("identity.import", {
      password, source_file: file.name || "identity.p12", pkcs12 }));
    return { provisioned, imported, email: identity.email };
  },
  // A backup under a password the user chose; the bytes come back as chunks.
  "options.exportP12": async ({ fingerprint, password }) => {
    if (!password) {
      throw new HostError("BAD_REQUEST", "password");
    }
    const { output } = await withUnlock(() => host.callWithOutput("identity.export", { identity: fingerprint, password }));
    return new Blob([output], { type: "application/x-pkcs12" });
  },
  "options.trustCa": async ({ file }) => {
    const pem = await certificateText(file);
    const added = await host.withInput(new Blob([pem]), input => host.call("trust.add", { input }));
    const inThunderbird = messenger.inkan?.trustCertificate ? await messenger.inkan.trustCertificate(pem) : null;
    return { added, inThunderbird };
  },
  // contact.list ({contacts: [{address, certificate, pending_change, pending, …}]}),
  // each with its key history from contact.get ({history: [{fingerprint, status, first_seen, …}]}).
  "options.contacts": async () => {
    const list = await hostOrError("contact.list", {});
    if (!list.ok) {
      return list;
    }
    const contacts = [];
    for (const contact of list.value.contacts ?? []) {
      const detail = await hostOrError("contact.get", { address: contact.address });
      contacts.push({ ...contact, history: detail.ok ? detail.value.history ?? [] : [] });
    }
    return { ok: true, value: { ...list.value, contacts } };
  },
  "options.contact": ({ address }) => host.call("contact.get", { address }),
  "options.contactDecision": ({ address, fingerprint, accept }) =>
    host.call(accept ? "contact.accept" : "contact.reject", { address, fingerprint }),
  "options.hostStatus": async () => {
    try {
      return { ok: true, hello: await host.hello() };
    } catch (e) {
      if (!(e instanceof HostError)) {
        throw e;
      }
      return { ok: false, error: { code: e.code, detail: e.detail } };
    }
  },
};
