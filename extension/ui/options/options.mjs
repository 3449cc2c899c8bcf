/** Options: identities and their certificates, import/export, company CA, contacts. */
import { ask, el, ready, t, errorText } from "../common/page.mjs";

const lang = () => messenger.i18n.getUILanguage();
const day = iso => (iso ? new Date(iso).toLocaleDateString(lang()) : "");

function status(id, text, cls = "") {
  const node = document.getElementById(id);
  node.textContent = text;
  node.className = cls;
}

function certCell(cert) {
  if (!cert) {
    return el("td", t("optionsNoCertificate"), "muted");
  }
  const td = el("td");
  td.append(el("div", cert.subject ?? cert.common_name ?? ""));
  const daysLeft = cert.days_left;
  if (Number.isInteger(daysLeft) && daysLeft < 0) {
    td.append(el("div", t("optionsExpired", [day(cert.not_after)]), "warning"));
  } else if (Number.isInteger(daysLeft)) {
    td.append(el("div", t("optionsExpiresInDays", [day(cert.not_after), String(daysLeft)]), daysLeft <= 30 ? "warning" : "muted"));
    if (daysLeft <= 30) {
      // The same path that produced it, in the wizard (renewal mode).
      const renew = el("button", t("optionsRenew"));
      renew.id = `renew-${cert.fingerprint}`;
      renew.addEventListener("click", () => ask("enrol.open", { renew: cert.fingerprint }));
      td.append(el("div"));
      td.lastChild.append(renew);
    }
  } else {
    td.append(el("div", t("optionsExpires", [day(cert.not_after)]), "muted"));
  }
  return td;
}

function defaultsCell(identity) {
  const td = el("td");
  for (const key of ["alwaysSign", "encryptWhenPossible"]) {
    const label = el("label");
    const box = document.createElement("input");
    box.type = "checkbox";
    box.id = `default-${identity.id}-${key}`;
    box.checked = !!identity.defaults[key];
    box.dataset.identity = identity.id;
    box.dataset.key = key;
    box.addEventListener("change", () =>
      ask("options.setDefaults", { identityId: identity.id, values: { [key]: box.checked } }));
    label.append(box, " ", t(`optionsDefault_${key}`));
    td.append(el("div"));
    td.lastChild.append(label);
  }
  return td;
}

async function loadIdentities() {
  const { identities, host } = await ask("options.identities");
  const hostCerts = host.ok ? host.value.identities ?? [] : [];
  const body = document.querySelector("#identities tbody");
  body.replaceChildren();
  const importSelect = document.getElementById("importIdentity");
  importSelect.replaceChildren();
  const exportSelect = document.getElementById("exportCert");
  exportSelect.replaceChildren();
  for (const identity of identities) {
    // The current certificate of the address (a renewed one keeps its predecessor in the store).
    const mine = hostCerts.filter(c => (c.addresses ?? [c.address]).some(a => a?.toLowerCase() === identity.email.toLowerCase()));
    const cert = mine.find(c => c.current?.sign || c.current?.encrypt) ?? mine[0];
    const row = el("tr");
    row.append(el("td", `${identity.name} <${identity.email}>`), certCell(cert), defaultsCell(identity));
    body.append(row);
    const option = el("option", identity.email);
    option.value = identity.id;
    importSelect.append(option);
  }
  for (const cert of hostCerts) {
    const option = el("option", `${cert.address ?? cert.addresses?.[0]} (${day(cert.not_after)})`);
    option.value = cert.fingerprint;
    exportSelect.append(option);
  }
  if (!host.ok) {
    status("hostStatus", errorText(host.error), "warning");
  }
}

async function loadContacts() {
  const reply = await ask("options.contacts");
  const body = document.querySelector("#contacts tbody");
  body.replaceChildren();
  if (!reply.ok) {
    body.append(el("tr"));
    body.lastChild.append(el("td", errorText(reply.error), "muted"));
    return;
  }
  for (const contact of reply.value.contacts ?? []) {
    const row = el("tr");
    const history = el("td");
    for (const h of contact.history ?? []) {
      history.append(el("div", t("optionsHistoryStatus", [h.status ?? "", day(h.first_seen), (h.fingerprint ?? "").slice(0, 16)]),
        h.status === "pending" ? "warning" : "muted"));
    }
    const actions = el("td");
    const pending = contact.pending_change ? contact.pending ?? [] : [];
    for (const fingerprint of pending) {
      actions.append(el("div", t("optionsContactStatus_pending"), "warning"));
      for (const accept of [true, false]) {
        const button = el("button", t(accept ? "optionsAcceptKey" : "optionsRejectKey"));
        button.id = `${accept ? "accept" : "reject"}-${contact.address}`;
        button.addEventListener("click", async () => {
          await ask("options.contactDecision", { address: contact.address, fingerprint, accept });
          await loadContacts();
        });
        actions.append(button);
      }
    }
    row.append(el("td", contact.address), certCell(contact.certificate ?? contact), history, actions);
    body.append(row);
  }
}

function wire() {
  document.getElementById("optionsEnrol").addEventListener("click", () => ask("enrol.open"));
  document.getElementById("import").addEventListener("submit", async event => {
    event.preventDefault();
    const file = document.getElementById("importFile").files[0];
    if (!file) {
      return;
    }
    try {
      const result = await ask("options.importP12", { identityId: document.getElementById("importIdentity").value,
                                                      file, password: document.getElementById("importPassword").value });
      document.getElementById("importPassword").value = "";
      if (result.imported.ok || result.imported.error?.code === "ALREADY_EXISTS") {
        status("importResult", t("optionsImportDone"), "good");
      } else {
        status("importResult", t("optionsImportThunderbirdOnly", [errorText(result.imported.error)]), "warning");
      }
      await loadIdentities();
    } catch (e) {
      status("importResult", errorText(e), "error");
    }
  });
  document.getElementById("export").addEventListener("submit", async event => {
    event.preventDefault();
    if (!document.getElementById("exportPassword").value) {
      status("exportResult", t("optionsExportPasswordRequired"), "error");
      return;
    }
    try {
      const blob = await ask("options.exportP12", { fingerprint: document.getElementById("exportCert").value,
                                                    password: document.getElementById("exportPassword").value });
      const a = el("a");
      a.href = URL.createObjectURL(blob);
      a.download = "inkan-backup.p12";
      a.click();
      status("exportResult", t("optionsExportDone"), "good");
    } catch (e) {
      status("exportResult", errorText(e), "error");
    }
  });
  document.getElementById("trust").addEventListener("submit", async event => {
    event.preventDefault();
    const file = document.getElementById("trustFile").files[0];
    if (!file) {
      return;
    }
    try {
      const { inThunderbird } = await ask("options.trustCa", { file });
      status("trustResult", t(inThunderbird ? "optionsTrustThunderbirdToo" : "optionsTrustDone"), "good");
    } catch (e) {
      status("trustResult", errorText(e), "error");
    }
  });
}

ready(async () => {
  wire();
  const hostStatus = await ask("options.hostStatus");
  status("hostStatus", hostStatus.ok ? t("optionsHostReady", [hostStatus.hello.host_version ?? ""]) : errorText(hostStatus.error),
    hostStatus.ok ? "muted" : "warning");
  await loadIdentities();
  await loadContacts();
});
