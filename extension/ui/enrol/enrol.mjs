/**
 * The enrolment wizard: pick an identity and a way to a certificate; the
 * background (modules/enrol.mjs) and the host do the rest. The page only
 * shows the state kept in storage.local and asks for what only the user
 * knows (a password, a file, agreement to terms), so it can be closed and
 * opened again at any step.
 */
import { ask, el, ready, t, errorText } from "../common/page.mjs";

const lang = () => messenger.i18n.getUILanguage();
const day = iso => (iso ? new Date(iso).toLocaleDateString(lang()) : "");
const $ = id => document.getElementById(id);
let servers = { servers: [], defaults: {} };
// Renewal mode (?renew=<fingerprint>): the plan from the background, or null.
let renewal = null;
const PATH_DETAILS = { acme: "pathAcme", actalis: "pathActalis", company: "pathCompany", csr: "pathOther" };
const PATH_BUTTON = { acme: "acmeStart", actalis: "actalisStart", company: "companyJoin", csr: "csrCreate" };

/** What the renewal adds to a path's request, when the user renews with that path for that identity. */
function renewing(path) {
  return renewal && renewal.path === path && renewal.identityId === $("identity").value
    ? { renews: renewal.fingerprint, keyType: renewal.keyType ?? undefined } : {};
}

function say(text, cls = "") {
  $("result").textContent = text;
  $("result").className = cls;
}

async function act(fn) {
  say(t("enrol_working"), "muted");
  try {
    if (await fn() === false) {
      return;
    }
    say("");
  } catch (e) {
    say(errorText(e), "error");
  }
}

function button(id, key, onClick) {
  const b = el("button", t(key));
  b.id = id;
  b.addEventListener("click", () => act(onClick));
  return b;
}

function lintList(record) {
  const list = el("ul");
  for (const f of record.lint ?? []) {
    list.append(el("li", f.text, f.severity === "error" ? "error" : f.severity === "warning" ? "warning" : "muted"));
  }
  return list;
}

function doneBox(record, box) {
  box.append(el("p", t("enrol_done", [record.address]), "good"));
  if (record.provisioned) {
    box.append(el("p", t("enrol_provisioned"), "muted"));
  } else if (record.provisionError) {
    box.append(el("p", t("enrol_provisionFailed", [errorText(record.provisionError)]), "warning"));
  }
  if ((record.lint ?? []).length) {
    box.append(el("p", t("enrol_lintTitle")), lintList(record));
  } else {
    box.append(el("p", t("enrol_lintClean"), "muted"));
  }
  if (record.remindAt) {
    box.append(el("p", t("enrol_remindAt", [day(record.remindAt)]), "muted"));
  }
}

function acmeBox(record, box) {
  if (record.status === "done") {
    doneBox(record, box);
  } else if (record.status === "failed") {
    box.append(el("p", t("enrol_failed", [errorText(record.error)]), "error"));
  } else if (record.status === "provisioning") {
    box.append(el("p", t("enrol_provisioning")));
  } else if (record.status === "awaiting_reply") {
    const from = (record.awaiting ?? []).map(a => a.from).join(", ");
    box.append(el("p", t("enrol_acmeAwaiting", [from])));
  } else {
    box.append(el("p", t("enrol_acmeWaiting")));
  }
  if (record.error && record.status !== "failed") {
    box.append(el("p", errorText(record.error), "warning"));
  }
}

function actalisBox(record, box) {
  if (record.stage === "done") {
    doneBox(record, box);
    return;
  }
  if (!record.code && record.stage === "code") {
    box.append(el("p", t("enrol_actalisWaitCode")));
    const link = el("a", t("enrol_actalisOpenForm"));
    link.href = record.form ?? "#";
    link.target = "_blank";
    box.append(el("p"));
    box.lastChild.append(link);
  }
  if (record.code) {
    const line = el("p", t("enrol_actalisCode") + " ");
    const code = el("code", record.code);
    code.id = `actalisCode-${record.id}`;
    line.append(code, " ", button(`actalisCopy-${record.id}`, "enrol_copy", async () => {
      await navigator.clipboard.writeText(record.code);
      say(t("enrol_copied"), "good");
      return false; // keep the message
    }));
    box.append(line);
    if (!record.codeFromActalis) {
      box.append(el("p", t("enrol_actalisCodeNotFromActalis", [record.codeFrom ?? ""]), "warning"));
    }
  }
  if (record.stage === "code" && record.code) {
    box.append(el("p", t("enrol_actalisWaitZip"), "muted"));
  }
  if (record.stage === "password") {
    box.append(el("p", t("enrol_actalisAskPassword", [record.zip?.name ?? ""])));
    const input = document.createElement("input");
    input.type = "password";
    input.autocomplete = "off";
    input.id = `actalisPassword-${record.id}`;
    box.append(el("p"));
    box.lastChild.append(input, " ", button(`actalisImport-${record.id}`, "enrol_actalisImport", async () => {
      await ask("enrol.actalisPassword", { id: record.id, password: input.value });
      input.value = "";
    }));
  }
  if (record.error) {
    box.append(el("p", errorText(record.error), "warning"));
  }
}

function csrBox(record, box) {
  if (record.stage === "done") {
    doneBox(record, box);
    return;
  }
  box.append(el("p", t("enrol_csrShow")));
  const text = el("textarea", record.csr);
  text.readOnly = true;
  text.rows = 8;
  text.cols = 66;
  text.id = `csr-${record.id}`;
  box.append(text);
  const save = el("a", t("enrol_csrSave"));
  save.href = URL.createObjectURL(new Blob([record.csr], { type: "application/pkcs10" }));
  save.download = `${record.address}.csr`;
  box.append(el("p"));
  box.lastChild.append(save);
  box.append(el("p", t("enrol_csrImportExplain")));
  const file = document.createElement("input");
  file.type = "file";
  file.accept = ".pem,.crt,.cer,.der,.p7b";
  file.id = `csrFile-${record.id}`;
  box.append(el("p"));
  box.lastChild.append(file, " ", button(`csrImport-${record.id}`, "enrol_csrImport", async () => {
    if (file.files[0]) {
      await ask("enrol.csrImport", { id: record.id, file: file.files[0] });
    }
  }));
}

const BOXES = { acme: acmeBox, actalis: actalisBox, company: (r, b) => (r.stage === "done" ? doneBox(r, b) : b.append(el("p", t("enrol_provisioning")))), csr: csrBox };

async function render() {
  const { records, actalisForm } = await ask("enrol.state");
  // What the user is typing survives a re-render caused by the background.
  const typed = new Map([...$("records").querySelectorAll("input[type=password]")].map(i => [i.id, i.value]));
  $("records").replaceChildren();
  for (const record of records.sort((a, b) => (a.createdAt ?? "").localeCompare(b.createdAt ?? ""))) {
    const box = el("div");
    box.className = "record";
    box.id = `record-${record.id}`;
    box.dataset.kind = record.kind;
    box.dataset.status = record.status ?? record.stage ?? "";
    box.append(el("h3", t(`enrol_kind_${record.kind}`, [record.address ?? ""])));
    BOXES[record.kind]?.({ ...record, form: actalisForm }, box);
    box.append(el("div", null, "buttons"));
    box.lastChild.append(button(`cancel-${record.id}`, record.stage === "done" || record.status === "done" ? "enrol_remove" : "enrol_cancel",
      () => ask("enrol.cancel", { id: record.id })));
    $("records").append(box);
  }
  for (const [id, value] of typed) {
    if ($(id)) {
      $(id).value = value;
    }
  }
  $("recordsBox").hidden = !records.length;
}

function serverChosen() {
  const chosen = servers.servers.find(s => s.directory_url === $("acmeServer").value);
  $("acmeDirectory").value = chosen?.directory_url ?? "";
  $("acmeServerNote").textContent = chosen ? [chosen.note, chosen.publicly_trusted ? "" : t("enrol_acmeNotTrusted")].filter(Boolean).join(" ") : "";
}

function wire() {
  $("acmeServer").addEventListener("change", serverChosen);
  $("acmeStart").addEventListener("click", () => act(async () => {
    if (!$("acmeTerms").checked) {
      say(t("enrol_acmeTermsNeeded"), "error");
      return false;
    }
    const server = {};
    if ($("acmeConcatenation").value) {
      server.concatenation = $("acmeConcatenation").value;
    }
    if ($("acmeLenient").checked) {
      server.lenient_challenge_checks = true;
    }
    if ($("acmeDelay").value !== "") {
      server.answer_delay_seconds = Number($("acmeDelay").value);
    }
    await ask("enrol.acmeStart", { identityId: $("identity").value, directory: $("acmeDirectory").value.trim(),
                                   caFile: $("acmeCaFile").value.trim() || undefined, server, termsAgreed: true,
                                   ...renewing("acme") });
  }));
  $("actalisStart").addEventListener("click", () => act(() => ask("enrol.actalisStart", { identityId: $("identity").value,
                                                                                       ...renewing("actalis") })));
  $("companyJoin").addEventListener("click", () => act(async () => {
    const file = $("companyFile").files[0];
    if (file) {
      await ask("enrol.caJoin", { identityId: $("identity").value, file, password: $("companyPassword").value,
                                  ...renewing("company") });
      $("companyPassword").value = "";
    }
  }));
  $("csrCreate").addEventListener("click", () => act(() => ask("enrol.csrCreate", { identityId: $("identity").value,
                                                                                 ...renewing("csr") })));
  // One button: the path that produced the certificate, as it is filled in below.
  $("renewStart").addEventListener("click", () => $(PATH_BUTTON[renewal.path]).click());
  messenger.storage.onChanged.addListener((changes, area) => {
    if (area === "local" && changes.enrolments) {
      render().catch(e => say(errorText(e), "error"));
    }
  });
}

ready(async () => {
  wire();
  const { identities } = await ask("enrol.state");
  for (const identity of identities) {
    const option = el("option", identity.name ? `${identity.name} <${identity.email}>` : identity.email);
    option.value = identity.id;
    $("identity").append(option);
  }
  try {
    servers = await ask("enrol.servers");
  } catch (e) {
    say(errorText(e), "warning");
  }
  for (const s of servers.servers ?? []) {
    const option = el("option", s.name);
    option.value = s.directory_url;
    $("acmeServer").append(option);
  }
  $("acmeServer").append(el("option", t("enrol_acmeOtherServer")));
  $("acmeServer").lastChild.value = "";
  serverChosen();
  const renew = new URLSearchParams(location.search).get("renew");
  if (renew) {
    try {
      await showRenewal(await ask("enrol.renewal", { fingerprint: renew }));
    } catch (e) {
      say(errorText(e), "error");
    }
  }
  await render();
});

/**
 * Renewal mode: the identity and the path that produced the certificate are
 * chosen and filled in with the settings of last time; the other paths stay
 * closed but available.
 */
async function showRenewal(plan) {
  renewal = plan;
  if (plan.identityId) {
    $("identity").value = plan.identityId;
  }
  for (const [path, id] of Object.entries(PATH_DETAILS)) {
    $(id).open = path === plan.path;
  }
  if (plan.path === "acme" && plan.acme) {
    const known = servers.servers?.some(s => s.directory_url === plan.acme.directory);
    $("acmeServer").value = known ? plan.acme.directory : "";
    serverChosen();
    $("acmeDirectory").value = plan.acme.directory ?? "";
    $("acmeCaFile").value = plan.acme.caFile ?? "";
    $("acmeConcatenation").value = plan.acme.server?.concatenation ?? "";
    $("acmeLenient").checked = !!plan.acme.server?.lenient_challenge_checks;
    $("acmeDelay").value = plan.acme.server?.answer_delay_seconds ?? "";
    // Agreed when this certificate was requested from the same server.
    $("acmeTerms").checked = !!plan.acme.termsAgreed;
  }
  const expiry = plan.notAfter ? new Date(plan.notAfter).toLocaleDateString(lang()) : "";
  $("renewText").textContent = t("enrol_renewExplain", [plan.address, expiry]);
  $("renewPathNote").textContent = t(`enrol_renewPath_${plan.path}`);
  $("renewBox").hidden = false;
  $("renewBox").dataset.path = plan.path;
}
