/**
 * The missing-certificate dialog: a small window that lists exactly who has
 * no certificate and offers cancel / send signed only / ask for a signed mail.
 * The onBeforeSend listener waits for the answer; closing the window cancels.
 */
const open = new Map(); // request id → {addresses, identityId, reasons, resolve, windowId}
let nextRequest = 1;

export function askMissing(addresses, identityId, reasons = {}) {
  const request = String(nextRequest++);
  return new Promise(async resolve => {
    open.set(request, { addresses, identityId, reasons, resolve, windowId: null });
    const win = await messenger.windows.create({
      type: "popup",
      url: `ui/missing/missing.html?request=${request}`,
      width: 560,
      height: 420,
      allowScriptsToClose: true,
    });
    const entry = open.get(request);
    if (entry) {
      entry.windowId = win.id;
    }
  });
}

export function missingDetails(request) {
  const entry = open.get(request);
  return entry ? { addresses: entry.addresses, identityId: entry.identityId, reasons: entry.reasons ?? {} } : null;
}

export async function answerMissing(request, choice, extra = {}) {
  const entry = open.get(request);
  if (!entry) {
    return false;
  }
  open.delete(request);
  entry.resolve({ choice, ...extra });
  if (entry.windowId !== null) {
    await messenger.windows.remove(entry.windowId).catch(() => {});
  }
  return true;
}

/** A closed dialog window means cancel. */
export function onWindowRemoved(windowId) {
  for (const [request, entry] of open) {
    if (entry.windowId === windowId) {
      open.delete(request);
      entry.resolve({ choice: "cancel" });
    }
  }
}
