/** The verdict popup: who signed, whether that is the sender, since when we know the key. */
import { ask, el, ready, t, errorText } from "../common/page.mjs";

function fmtDate(iso) {
  return iso ? new Date(iso).toLocaleDateString(messenger.i18n.getUILanguage()) : "";
}

function senderAddress(author) {
  const m = /<([^>]+)>/.exec(author ?? "");
  return (m ? m[1] : author ?? "").trim().toLowerCase();
}

function render(outcome, headline) {
  const title = document.getElementById("headline");
  const facts = document.getElementById("facts");
  title.textContent = t(`verdictHeadline_${headline}`);
  title.className = { good: "good", validWhenSigned: "good", problem: "bad", keyChanged: "warning", unchecked: "warning" }[headline] ?? "";
  if (!outcome.smime) {
    facts.append(el("p", t("verdictNotSignedText")));
    return;
  }
  if (outcome.error) {
    facts.append(el("p", errorText(outcome.error), "warning"));
    return;
  }
  const v = outcome.verdict;
  const signer = v.signer ?? v.signers?.[0]?.addresses?.[0];
  if (signer) {
    facts.append(el("p", t("verdictSignedBy", [signer])));
    const matches = senderAddress(outcome.author) === signer.toLowerCase();
    facts.append(el("p", t(matches ? "verdictMatchesSender" : "verdictDoesNotMatchSender"), matches ? "good" : "bad"));
  }
  // What harvesting did for the signer's address (docs/store.md "Contacts JSON").
  const contact = outcome.contact;
  if (contact && !contact.error) {
    if (contact.key_change || contact.change === "key-change") {
      facts.append(el("p", t("verdictKeyChanged"), "warning"));
    } else if (contact.change === "new") {
      facts.append(el("p", t("verdictNewContact")));
    } else if (contact.change === "renewal") {
      facts.append(el("p", t("verdictRenewal")));
    }
    const since = contact.known_since ?? contact.contact_since;
    if (since && contact.change !== "new") {
      facts.append(el("p", t("verdictKnownSince", [fmtDate(since)])));
    }
  }
  if (headline === "validWhenSigned") {
    facts.append(el("p", t("verdictValidWhenSigned", [fmtDate(v.signers?.[0]?.certificate?.not_after)])));
  }
  if (v.status !== "good" && headline !== "validWhenSigned") {
    facts.append(el("p", t(`status_${v.status.replaceAll("-", "_")}`), "bad"));
    for (const reason of v.reasons ?? []) {
      const text = messenger.i18n.getMessage(`reason_${reason.replaceAll("-", "_")}`);
      facts.append(el("p", text || reason, "muted"));
    }
  }
}

ready(async () => {
  const [tab] = await messenger.tabs.query({ active: true, currentWindow: true });
  const answer = await ask("verdict.forTab", { tabId: tab.id });
  if (!answer) {
    document.getElementById("headline").textContent = t("verdictNothingShown");
    return;
  }
  render(answer.outcome, answer.headline);
});
