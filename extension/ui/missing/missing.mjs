/** The missing-certificate dialog: lists who has no certificate and returns the user's choice. */
import { ask, el, ready, t } from "../common/page.mjs";

ready(async () => {
  const request = new URLSearchParams(location.search).get("request");
  const details = await ask("missing.get", { request });
  const list = document.getElementById("addresses");
  for (const address of details?.addresses ?? []) {
    // Why, in words, when the host said (expired, untrusted, a key change waiting…).
    const reason = details?.reasons?.[address];
    const why = reason ? messenger.i18n.getMessage(`missingReason_${reason.replaceAll("-", "_")}`) : "";
    list.append(el("li", why ? t("missingAddressWithReason", [address, why]) : address));
  }
  // The request mail goes out in the recipient's language: Japanese for .jp
  // addresses, else the language Thunderbird shows.
  const japanese = (details?.addresses ?? []).every(a => /\.jp$/i.test(a)) ||
    messenger.i18n.getUILanguage().toLowerCase().startsWith("ja");
  document.getElementById("lang").value = japanese ? "ja" : "en";
  for (const choice of ["cancel", "sign", "request"]) {
    document.getElementById(choice).addEventListener("click", () =>
      ask("missing.answer", { request, choice, lang: document.getElementById("lang").value }));
  }
});
