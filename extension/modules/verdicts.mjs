/**
 * Signed mail that arrives or is displayed goes to the host: it verifies the
 * signature and harvests the carried certificates into the contacts store
 * (verify with harvest:true). The verdict is kept per message for the
 * message-display button and its popup.
 */
import { host } from "./host.mjs";
import { stripBookkeeping, isSmime } from "./raw.mjs";
import { getPref } from "./prefs.mjs";
import { t } from "./i18n.mjs";

const cacheKey = headerMessageId => `verdict:${headerMessageId}`;

// Examinations under way, by cache key: a message displayed while its new-mail
// examination is still running waits for that one instead of verifying (and
// harvesting) again, so the popup reports what the first harvest did ("new
// contact", "key changed"), not a second look ("unchanged").
const running = new Map();

/** {smime:false} | {smime:true, verdict, contact} | {smime:true, error:{code,…}} */
export async function examine(messageId) {
  const header = await messenger.messages.get(messageId);
  const key = cacheKey(header.headerMessageId || `id${messageId}`);
  if (running.has(key)) {
    return running.get(key);
  }
  const work = examineOnce(messageId, header, key);
  running.set(key, work);
  try {
    return await work;
  } finally {
    running.delete(key);
  }
}

async function examineOnce(messageId, header, key) {
  const cached = (await messenger.storage.session.get(key))[key];
  if (cached && !cached.error) {
    return cached;
  }
  // decrypt:true lets Thunderbird remove an encryption layer it can open (the
  // identity is provisioned), so the inner signature can be checked.
  const raw = await messenger.messages.getRaw(messageId, { decrypt: true }).catch(() => messenger.messages.getRaw(messageId));
  const message = await stripBookkeeping(raw);
  let outcome;
  if (!(await isSmime(message))) {
    outcome = { smime: false };
  } else {
    try {
      const harvest = await getPref("harvestCertificates");
      const result = await host.withInput(message, input => host.call("verify", { harvest, input }));
      const { contact, ...verdict } = result;
      outcome = { smime: true, verdict, contact: contact ?? null };
    } catch (e) {
      outcome = { smime: true, error: { code: e.code ?? "INTERNAL", hostMessage: e.hostMessage, message_ja: e.message_ja } };
    }
  }
  await messenger.storage.session.set({ [key]: { ...outcome, messageId, author: header.author } });
  return { ...outcome, messageId, author: header.author };
}

/** messages.onNewMailReceived: harvest certificates from every new signed message. */
export async function onNewMail(folder, messageList) {
  let page = messageList;
  for (;;) {
    for (const m of page.messages) {
      await examine(m.id).catch(e => console.error("inkan: new mail not examined", e));
    }
    if (!page.id) {
      break;
    }
    page = await messenger.messages.continueList(page.id);
  }
}

const tabVerdicts = new Map();

/** messageDisplay.onMessagesDisplayed: show the verdict on the button of that tab. */
export async function onDisplayed(tab, displayed) {
  const messages = displayed.messages ?? displayed;
  if (messages.length !== 1) {
    await messenger.messageDisplayAction.disable(tab.id);
    return;
  }
  const outcome = await examine(messages[0].id);
  tabVerdicts.set(tab.id, outcome.messageId);
  await messenger.storage.session.set({ [`tab:${tab.id}`]: outcome.messageId });
  await showOnButton(tab.id, outcome);
}

export async function verdictForTab(tabId) {
  const key = `tab:${tabId}`;
  const messageId = tabVerdicts.get(tabId) ?? (await messenger.storage.session.get(key))[key];
  return messageId === undefined ? null : examine(messageId);
}

/** The short word on the button: the status (or the trouble) in one look. */
export function headline(outcome) {
  if (!outcome.smime) {
    return "notSigned";
  }
  if (outcome.error) {
    return "unchecked";
  }
  if (outcome.contact?.key_change || outcome.contact?.change === "key-change") {
    return "keyChanged";
  }
  const v = outcome.verdict;
  if (v.status === "expired" && v.signers?.[0]?.valid_when_signed) {
    return "validWhenSigned";
  }
  return v.status === "good" ? "good" : "problem";
}

const BUTTON = {
  notSigned: "icons/inkan.svg",
  unchecked: "icons/verdict-warning.svg",
  keyChanged: "icons/verdict-warning.svg",
  validWhenSigned: "icons/verdict-good.svg",
  good: "icons/verdict-good.svg",
  problem: "icons/verdict-bad.svg",
};

async function showOnButton(tabId, outcome) {
  const word = headline(outcome);
  await messenger.messageDisplayAction.enable(tabId);
  await messenger.messageDisplayAction.setLabel({ tabId, label: t(`button_${word}`) });
  await messenger.messageDisplayAction.setTitle({ tabId, title: t(`button_${word}`) });
  await messenger.messageDisplayAction.setIcon({ tabId, path: BUTTON[word] });
}
