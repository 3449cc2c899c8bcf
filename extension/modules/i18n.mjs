/**
 * All user-visible text comes from _locales/<lang>/messages.json.
 *
 * Pages write __MSG_key__ in text and attributes; localizeDocument() replaces
 * them. Errors are turned into text by their stable code (error_<CODE>), never
 * by reading an English message.
 */

const PATTERN = /__MSG_([A-Za-z0-9_@]+)__/g;

export function t(key, substitutions) {
  const text = messenger.i18n.getMessage(key, substitutions);
  if (!text) {
    console.error("inkan: missing message", key);
    return key;
  }
  return text;
}

function replaceAll(text) {
  return text.replace(PATTERN, (_, key) => t(key));
}

/** Replaces every __MSG_key__ in the document's text nodes and attributes. */
export function localizeDocument(doc = document) {
  doc.documentElement.lang = messenger.i18n.getUILanguage();
  const walker = doc.createTreeWalker(doc.documentElement, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
  for (let node = walker.currentNode; node; node = walker.nextNode()) {
    if (node.nodeType === Node.TEXT_NODE) {
      if (node.nodeValue.includes("__MSG_")) {
        node.nodeValue = replaceAll(node.nodeValue);
      }
    } else {
      for (const attr of node.attributes) {
        if (attr.value.includes("__MSG_")) {
          attr.value = replaceAll(attr.value);
        }
      }
    }
  }
}

/** Whether the UI language is Japanese (Thunderbird's language decides). */
export function uiIsJapanese() {
  return messenger.i18n.getUILanguage().toLowerCase().startsWith("ja");
}

/**
 * Text for an error: the add-on's own message for the code when it has one,
 * else the host's message in the UI language (the host sends en and ja), else
 * a generic line naming the code.
 */
export function errorText(error) {
  const code = error?.code ?? "INTERNAL";
  const own = messenger.i18n.getMessage(`error_${code}`);
  if (own) {
    return own;
  }
  const hostText = uiIsJapanese() ? error?.message_ja : error?.hostMessage;
  if (hostText) {
    return hostText;
  }
  return t("error_generic", [code]);
}

const catalogs = new Map();

/** A message in a given language (for mail written to someone in their language). */
export async function messageIn(lang, key, substitutions = []) {
  const folder = lang.toLowerCase().startsWith("ja") ? "ja" : "en";
  if (!catalogs.has(folder)) {
    const response = await fetch(messenger.runtime.getURL(`_locales/${folder}/messages.json`));
    catalogs.set(folder, await response.json());
  }
  const entry = catalogs.get(folder)[key];
  if (!entry) {
    throw new Error(`missing message ${key}`);
  }
  const subs = Array.isArray(substitutions) ? substitutions : [substitutions];
  let text = entry.message;
  // Named placeholders ($NAME$ → "$1"), as messenger.i18n does.
  for (const [name, ph] of Object.entries(entry.placeholders ?? {})) {
    text = text.replaceAll(new RegExp(`\\$${name}\\$`, "gi"), ph.content);
  }
  return text.replace(/\$(\d)/g, (_, n) => subs[Number(n) - 1] ?? "").replace(/\$\$/g, "$");
}
