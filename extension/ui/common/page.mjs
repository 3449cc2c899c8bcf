/** Shared by the add-on's pages: localisation and the one way to ask the background. */
import { localizeDocument, errorText, t } from "../../modules/i18n.mjs";

export { t, errorText };

export async function ask(command, params = {}) {
  const reply = await messenger.runtime.sendMessage({ command, ...params });
  if (!reply?.ok) {
    const e = new Error(reply?.error?.detail ?? "no reply");
    Object.assign(e, reply?.error ?? { code: "INTERNAL" });
    throw e;
  }
  return reply.value;
}

/** Creates an element with text (already localised) and optional class. */
export function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) {
    node.textContent = text;
  }
  if (className) {
    node.className = className;
  }
  return node;
}

/** Localises the page, then runs its setup; marks <html data-state="ready"> when the page is complete. */
export function ready(fn) {
  document.addEventListener("DOMContentLoaded", () => {
    localizeDocument(document);
    fn().catch(e => {
      const box = document.getElementById("error") ?? document.body;
      box.hidden = false;
      box.append(el("p", errorText(e), "error"));
      console.error(e);
    }).finally(() => {
      document.documentElement.dataset.state = "ready";
    });
  });
}
