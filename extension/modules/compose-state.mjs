/**
 * What the compose button says for each compose tab: off, sign, or sign and
 * encrypt ("auto" = sign, and encrypt when every recipient has a certificate,
 * which only the per-identity default sets). Kept in storage.session so a
 * suspended and restarted event page still knows.
 */
import { identityDefaults } from "./prefs.mjs";
import { t } from "./i18n.mjs";

export const MODES = ["off", "sign", "encrypt"];

const key = tabId => `compose:${tabId}`;

export async function getState(tabId, identityId) {
  const stored = (await messenger.storage.session.get(key(tabId)))[key(tabId)];
  if (stored && (stored.touched || stored.identityId === identityId || !identityId)) {
    return stored;
  }
  const defaults = identityId ? await identityDefaults(identityId) : {};
  const mode = defaults.encryptWhenPossible ? "auto" : defaults.alwaysSign ? "sign" : "off";
  const state = { mode, touched: false, identityId, builtin: null };
  await messenger.storage.session.set({ [key(tabId)]: state });
  return state;
}

export async function setState(tabId, state) {
  await messenger.storage.session.set({ [key(tabId)]: state });
  await showState(tabId, state);
}

export async function forget(tabId) {
  await messenger.storage.session.remove(key(tabId));
}

/** One click moves on: off → sign → sign and encrypt → off. */
export function nextMode(mode) {
  if (mode === "auto") {
    return "encrypt";
  }
  return MODES[(MODES.indexOf(mode) + 1) % MODES.length];
}

const LOOK = {
  off: { title: "composeOffTitle", label: "composeOffLabel", icon: "icons/sign-off.svg" },
  sign: { title: "composeSignTitle", label: "composeSignLabel", icon: "icons/sign.svg" },
  encrypt: { title: "composeEncryptTitle", label: "composeEncryptLabel", icon: "icons/sign-encrypt.svg" },
  auto: { title: "composeAutoTitle", label: "composeAutoLabel", icon: "icons/sign.svg" },
};

export async function showState(tabId, state) {
  const look = LOOK[state.mode];
  await messenger.composeAction.setTitle({ tabId, title: t(look.title) });
  await messenger.composeAction.setLabel({ tabId, label: t(look.label) });
  await messenger.composeAction.setIcon({ tabId, path: look.icon });
}
