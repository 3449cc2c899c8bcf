/**
 * Test bridge: lets the end-to-end harness (Marionette, chrome context) run a
 * few background commands through the Experiment's onTestRequest event. The
 * Experiment fires it only when the pref extensions.inkan.testBridge is true,
 * which only the test profile sets. Commands call the same modules the add-on
 * uses; none of them replaces a host reply.
 */
import { host } from "./host.mjs";
import { stripBookkeeping, draftToMessage } from "./raw.mjs";
import { blobToBase64 } from "./host.mjs";

async function findMessage(headerMessageId) {
  const found = await messenger.messages.query({ headerMessageId });
  if (!found.messages.length) {
    throw new Error(`no message ${headerMessageId}`);
  }
  return found.messages[0];
}

const COMMANDS = {
  async uiLanguage() {
    return messenger.i18n.getUILanguage();
  },
  async message({ key, substitutions }) {
    return messenger.i18n.getMessage(key, substitutions);
  },
  async identities() {
    const accounts = await messenger.accounts.list(true);
    return accounts.flatMap(a => (a.identities ?? []).map(i => ({ accountId: a.id, accountType: a.type, ...i })));
  },
  async hostHello() {
    try {
      return { ok: true, hello: await host.hello() };
    } catch (e) {
      return { ok: false, code: e.code, detail: e.detail };
    }
  },
  /**
   * One request through the add-on's own host client: the input (if any) goes
   * as the client sends it (inline, or a temporary file read by path; with
   * withoutFile, inline or in upload frames, the client's fallback), the output
   * comes back as chunks the client reassembles and checks against the announced SHA-256.
   */
  async hostCall({ op, params, inputBase64, withoutFile }) {
    const call = input => host.callWithOutput(op, input === undefined ? { ...params } : { ...params, input });
    let reply;
    if (inputBase64 === undefined) {
      reply = await call(undefined);
    } else {
      const blob = new Blob([Uint8Array.from(atob(inputBase64), c => c.charCodeAt(0))]);
      reply = withoutFile ? await call(await host.input(blob)) : await host.withInput(blob, call);
    }
    const { result, output } = reply;
    return { result, output: output ? await blobToBase64(output) : null, outputSize: output?.size ?? null };
  },
  /** The options page's import, with the file's bytes handed over by the test instead of a file picker. */
  async importP12({ identityId, p12Base64, password }) {
    const { COMMANDS: OPTIONS } = await import("./options.mjs");
    const bytes = Uint8Array.from(atob(p12Base64), c => c.charCodeAt(0));
    return OPTIONS["options.importP12"]({ identityId, file: new File([bytes], "identity.p12"), password });
  },
  /**
   * One options-page command (modules/options.mjs) as the page sends it; a file
   * the user would pick comes as base64, a Blob answer goes back as base64.
   */
  async optionsCommand({ name, args, fileBase64, fileName }) {
    const { COMMANDS: OPTIONS } = await import("./options.mjs");
    const request = { ...(args ?? {}) };
    if (fileBase64 !== undefined) {
      request.file = new File([Uint8Array.from(atob(fileBase64), c => c.charCodeAt(0))], fileName ?? "file");
    }
    const value = await OPTIONS[name](request);
    return value instanceof Blob ? { base64: await blobToBase64(value), size: value.size } : value;
  },
  async provision({ identityId, p12Path, password }) {
    return messenger.inkan.provisionIdentity(identityId, p12Path, password);
  },
  async trust({ pem }) {
    return messenger.inkan.trustCertificate(pem);
  },
  async sendFile({ identityId, path, envelope }) {
    return messenger.inkan.sendMessageFile(identityId, path, envelope, {});
  },
  async getNewMail({ accountId, password }) {
    return messenger.inkan.getNewMail(accountId, password);
  },
  async newMailSeen() {
    return (await messenger.storage.session.get({ newMailSeen: [] })).newMailSeen;
  },
  async strippedRaw({ headerMessageId }) {
    const m = await findMessage(headerMessageId);
    return blobToBase64(await stripBookkeeping(await messenger.messages.getRaw(m.id)));
  },
  async folderMessages({ specialUse }) {
    const folders = await messenger.folders.query({ specialUse: [specialUse] });
    const out = [];
    for (const f of folders) {
      const list = await messenger.messages.list(f.id);
      out.push(...list.messages.map(m => ({ folder: f.id, subject: m.subject, headerMessageId: m.headerMessageId, id: m.id })));
    }
    return out;
  },
  async composeTabs() {
    return (await messenger.tabs.query({ type: "messageCompose" })).map(t => ({ id: t.id, windowId: t.windowId }));
  },
  async composeTabBySubject({ subject }) {
    for (const tab of await messenger.tabs.query({ type: "messageCompose" })) {
      if ((await messenger.compose.getComposeDetails(tab.id)).subject === subject) {
        return { id: tab.id, windowId: tab.windowId };
      }
    }
    throw new Error(`no compose tab with subject ${subject}`);
  },
  async beginReply({ headerMessageId }) {
    const m = await findMessage(headerMessageId);
    const tab = await messenger.compose.beginReply(m.id, "replyToSender");
    return { id: tab.id, windowId: tab.windowId };
  },
  async composeDetails({ tabId }) {
    return messenger.compose.getComposeDetails(tabId);
  },
  /** The message as the Inkan send path would hand it to the host, in a temp file. */
  async draftMessage({ tabId }) {
    const saved = await messenger.compose.saveMessage(tabId, { mode: "draft" });
    const draft = saved.messages[0];
    const message = await draftToMessage(await messenger.messages.getRaw(draft.id));
    const path = await messenger.inkan.writeTempFile(new File([message], "inkan-draft.eml"));
    return { path, draftId: draft.id };
  },
  async deleteMessages({ ids }) {
    await messenger.messages.delete(ids, true);
    return true;
  },
  async closeWindow({ windowId }) {
    await messenger.windows.remove(windowId);
    return true;
  },
  async displayMessage({ headerMessageId }) {
    const m = await findMessage(headerMessageId);
    const tab = await messenger.messageDisplay.open({ messageId: m.id, location: "tab" });
    return { tabId: tab.id, windowId: tab.windowId };
  },
  /** A fresh options page: one left open by an earlier test is closed first, so the page loads anew. */
  async openOptions() {
    const url = messenger.runtime.getURL("ui/options/options.html");
    const open = (await messenger.tabs.query({})).filter(tab => tab.url?.startsWith(url));
    if (open.length) {
      await messenger.tabs.remove(open.map(tab => tab.id));
    }
    await messenger.runtime.openOptionsPage();
    return true;
  },
  async identityDefaults({ identityId }) {
    const { identityDefaults } = await import("./prefs.mjs");
    return identityDefaults(identityId);
  },
  async lastReport() {
    return (await messenger.storage.local.get({ lastReport: null })).lastReport;
  },
  async enrolRecords() {
    return (await messenger.storage.local.get({ enrolments: {} })).enrolments;
  },
  /** The daily reminder, now, with a horizon the test chooses (the certificates under test expire in years). */
  async enrolRemind({ days }) {
    const { remindExpiring } = await import("./enrol.mjs");
    return remindExpiring(days);
  },
  /** What a click on an add-on notification does (Thunderbird's onClicked), for a notification id. */
  async notificationClicked({ id }) {
    const { onNotificationClicked } = await import("./enrol.mjs");
    await onNotificationClicked(id);
    return true;
  },
  async setPref({ name, value }) {
    const { setPref } = await import("./prefs.mjs");
    await setPref(name, value);
    return true;
  },
};

export function installTestBridge() {
  if (!messenger.inkan?.onTestRequest) {
    return;
  }
  messenger.inkan.onTestRequest.addListener(async (requestId, command, args) => {
    try {
      const fn = COMMANDS[command];
      if (!fn) {
        throw new Error(`unknown test command ${command}`);
      }
      await messenger.inkan.testReply(requestId, true, await fn(args ?? {}));
    } catch (e) {
      await messenger.inkan.testReply(requestId, false, `${e?.code ?? ""} ${e?.message ?? e}`.trim());
    }
  });
}
