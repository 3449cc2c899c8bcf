/**
 * The store passphrase, asked when the host needs it. A protected store answers
 * STORE_LOCKED to ops that need a private key (docs/protocol.md "Passphrase");
 * the user types the passphrase into a small window, the host unlocks the
 * store for a while (store.unlock keeps only the unwrapped store key, in
 * memory), and the request is made again. The passphrase goes to the host and
 * is never kept by the add-on. Closing the window or Cancel gives up: the
 * caller sees STORE_LOCKED (the send path then falls back to Thunderbird's S/MIME).
 */
import { host } from "./host.mjs";

const REMEMBER_SECONDS = 900;
const open = new Map(); // request id → {resolve, windowId, error}
let nextRequest = 1;

function ask(error) {
  const request = String(nextRequest++);
  return new Promise(async resolve => {
    open.set(request, { resolve, windowId: null, error });
    const win = await messenger.windows.create({
      type: "popup",
      url: `ui/unlock/unlock.html?request=${request}`,
      width: 480,
      height: 300,
      allowScriptsToClose: true,
    });
    const entry = open.get(request);
    if (entry) {
      entry.windowId = win.id;
    }
  });
}

/** Runs fn(); if the store is locked, asks for the passphrase (up to 3 tries) and runs it again. */
export async function withUnlock(fn) {
  try {
    return await fn();
  } catch (e) {
    if (e.code !== "STORE_LOCKED") {
      throw e;
    }
    let problem = null;
    for (let attempt = 0; attempt < 3; attempt++) {
      const passphrase = await ask(problem);
      if (passphrase === null) {
        throw e;
      }
      try {
        await host.call("store.unlock", { passphrase, remember_seconds: REMEMBER_SECONDS });
        return await fn();
      } catch (again) {
        if (again.code !== "BAD_PASSWORD") {
          throw again;
        }
        problem = { code: again.code };
      }
    }
    throw e;
  }
}

export const COMMANDS = {
  "unlock.get": ({ request }) => {
    const entry = open.get(request);
    return entry ? { error: entry.error } : null;
  },
  "unlock.answer": async ({ request, passphrase }) => {
    const entry = open.get(request);
    if (!entry) {
      return false;
    }
    open.delete(request);
    entry.resolve(typeof passphrase === "string" && passphrase ? passphrase : null);
    if (entry.windowId !== null) {
      await messenger.windows.remove(entry.windowId).catch(() => {});
    }
    return true;
  },
};

/** A closed window means cancel. */
export function onWindowRemoved(windowId) {
  for (const [request, entry] of open) {
    if (entry.windowId === windowId) {
      open.delete(request);
      entry.resolve(null);
    }
  }
}
