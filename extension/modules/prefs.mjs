/** The add-on's settings: one DEFAULTS table, read and written through storage.local. */

export const DEFAULTS = {
  // Per-identity send defaults, keyed by identity id: {alwaysSign, encryptWhenPossible}.
  identityDefaults: {},
  // Hand every signed message that arrives or is displayed to the host.
  harvestCertificates: true,
};

export const IDENTITY_DEFAULTS = { alwaysSign: false, encryptWhenPossible: false };

export async function getPref(name) {
  if (!(name in DEFAULTS)) {
    throw new Error(`unknown pref ${name}`);
  }
  const stored = await messenger.storage.local.get({ [name]: DEFAULTS[name] });
  return stored[name];
}

export async function setPref(name, value) {
  if (!(name in DEFAULTS)) {
    throw new Error(`unknown pref ${name}`);
  }
  await messenger.storage.local.set({ [name]: value });
}

export async function identityDefaults(identityId) {
  const all = await getPref("identityDefaults");
  return { ...IDENTITY_DEFAULTS, ...(all[identityId] ?? {}) };
}

export async function setIdentityDefaults(identityId, values) {
  const all = await getPref("identityDefaults");
  const merged = { ...IDENTITY_DEFAULTS, ...(all[identityId] ?? {}) };
  for (const key of Object.keys(IDENTITY_DEFAULTS)) {
    if (typeof values[key] === "boolean") {
      merged[key] = values[key];
    }
  }
  await setPref("identityDefaults", { ...all, [identityId]: merged });
  return merged;
}
