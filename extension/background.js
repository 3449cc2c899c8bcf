/**
 * Inkan's background (an MV3 event page). Thunderbird may suspend it when idle
 * and start it again for an event, so every listener is registered here,
 * synchronously, at the top level; state lives in storage, not in variables.
 * The add-on shows, asks and forwards: crypto and keys are the host's.
 */
import * as send from "./modules/send.mjs";
import * as verdicts from "./modules/verdicts.mjs";
import * as options from "./modules/options.mjs";
import { getState, setState, nextMode, showState, forget } from "./modules/compose-state.mjs";
import { missingDetails, answerMissing, onWindowRemoved } from "./modules/dialogs.mjs";
import { installTestBridge } from "./modules/test-bridge.mjs";
import * as unlock from "./modules/unlock.mjs";
import * as enrol from "./modules/enrol.mjs";

// Compose button: one click signs, the next also encrypts, the next turns both off.
messenger.composeAction.onClicked.addListener(async tab => {
  const details = await messenger.compose.getComposeDetails(tab.id);
  const state = await getState(tab.id, details.identityId);
  await setState(tab.id, { ...state, mode: nextMode(state.mode), touched: true });
});

messenger.compose.onBeforeSend.addListener((tab, details) => send.onBeforeSend(tab, details));

messenger.compose.onIdentityChanged.addListener(async (tab, identityId) => {
  await showState(tab.id, await getState(tab.id, identityId));
});

messenger.tabs.onCreated.addListener(async tab => {
  if (tab.type === "messageCompose") {
    const details = await messenger.compose.getComposeDetails(tab.id);
    await showState(tab.id, await getState(tab.id, details.identityId));
  }
});

messenger.tabs.onRemoved.addListener(tabId => forget(tabId));
messenger.windows.onRemoved.addListener(windowId => {
  onWindowRemoved(windowId);
  unlock.onWindowRemoved(windowId);
});

messenger.messages.onNewMailReceived.addListener(async (folder, messages) => {
  const seen = (await messenger.storage.session.get({ newMailSeen: [] })).newMailSeen;
  seen.push(...messages.messages.map(m => ({ folder: folder.id ?? folder.path, subject: m.subject, headerMessageId: m.headerMessageId })));
  await messenger.storage.session.set({ newMailSeen: seen });
  await verdicts.onNewMail(folder, messages);
});

// Enrolment: challenge mails (RFC 8823), Actalis's code and ZIP mails.
messenger.messages.onNewMailReceived.addListener((folder, messages) => enrol.onNewMail(folder, messages));
messenger.alarms.onAlarm.addListener(alarm => enrol.onAlarm(alarm));
// First run: a notification offers the wizard (no tab forced on the user).
messenger.runtime.onInstalled.addListener(({ reason }) => enrol.onInstalled(reason));
messenger.notifications.onClicked.addListener(id => enrol.onNotificationClicked(id));

messenger.messageDisplay.onMessagesDisplayed.addListener((tab, displayed) => verdicts.onDisplayed(tab, displayed));

// UI pages ask the background; the listener stays synchronous and answers
// (with a Promise) only the commands it owns.
const COMMANDS = {
  "verdict.forTab": async ({ tabId }) => {
    const outcome = await verdicts.verdictForTab(tabId);
    return outcome && { outcome, headline: verdicts.headline(outcome) };
  },
  "missing.get": ({ request }) => missingDetails(request),
  "missing.answer": ({ request, choice, lang }) => answerMissing(request, choice, { lang }),
  ...options.COMMANDS,
  ...unlock.COMMANDS,
  ...enrol.COMMANDS,
};

messenger.runtime.onMessage.addListener((message, sender) => {
  const handler = COMMANDS[message?.command];
  if (!handler || sender.id !== messenger.runtime.id) {
    return false;
  }
  return Promise.resolve(handler(message, sender)).then(
    value => ({ ok: true, value }),
    error => ({ ok: false, error: { code: error.code ?? "INTERNAL", detail: error.detail ?? String(error.message ?? error),
                                     hostMessage: error.hostMessage, message_ja: error.message_ja } }));
});

installTestBridge();
enrol.wake().catch(e => console.warn("inkan: enrolment wake-up", e?.message));
