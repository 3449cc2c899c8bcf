/**
 * The enrolment wizard's background half: getting a certificate for one of
 * the user's Thunderbird identities. The host does the work (acme.*,
 * actalis.*, ca.join, csr.*: docs/protocol.md "Enrolment") and keeps its state
 * in the store; this module keeps only what Thunderbird must remember — which
 * identity an enrolment is for, and where the user is — in storage.local, so
 * a suspended MV3 event page picks it up again from an alarm or a new mail.
 *
 * Mail is the user's own: challenge mails are read from Thunderbird
 * (onNewMailReceived, getRaw), replies go out through the user's account
 * (the Experiment's sendMessageFile, unsigned, byte for byte as the host
 * wrote them). Nothing here parses ACME or certificates.
 */
import { host } from "./host.mjs";
import { stripBookkeeping } from "./raw.mjs";
import { t, uiIsJapanese } from "./i18n.mjs";

const KEY = "enrolments";
export const ALARM_RESUME = "inkan-enrol-resume";
export const ALARM_EXPIRY = "inkan-expiry";
export const ACTALIS_FORM = "https://extrassl.actalis.it/portal/uapub/freemail?lang=en";
const REMIND_DAYS = 30;
export const RENEW_PREFIX = "inkan-renew:";
// A challenge mail's Date may be a little before the host's "since" (clock
// skew between the CA and this machine); older mail is never answered.
const SKEW_MS = 10 * 60 * 1000;
const MAX_SLEEP_MS = 60_000;

// ---- state ------------------------------------------------------------------------------

async function records() {
  return (await messenger.storage.local.get({ [KEY]: {} }))[KEY];
}

async function getRecord(id) {
  return (await records())[id] ?? null;
}

// One writer at a time: updates are read-modify-write on one storage key.
let writing = Promise.resolve();
function update(id, changes) {
  writing = writing.then(async () => {
    const all = await records();
    const next = changes === null ? undefined : { ...(all[id] ?? { id }), ...changes, updatedAt: new Date().toISOString() };
    if (next === undefined) {
      delete all[id];
    } else {
      all[id] = next;
    }
    await messenger.storage.local.set({ [KEY]: all });
    return next;
  });
  return writing;
}

function errorInfo(e) {
  return { code: e?.code ?? "INTERNAL", detail: e?.detail ?? String(e?.message ?? e),
           hostMessage: e?.hostMessage, message_ja: e?.message_ja };
}

function randomPassword() {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return btoa(String.fromCharCode(...bytes)).replace(/[+/=]/g, "");
}

async function identityOf(identityId) {
  const identity = await messenger.identities.get(identityId);
  if (!identity) {
    throw Object.assign(new Error(`no identity ${identityId}`), { code: "NOT_FOUND", detail: identityId });
  }
  return identity;
}

async function notify(key, substitutions = [], id = `inkan-enrol-${Date.now()}`) {
  try {
    await messenger.notifications.create(id, {
      type: "basic", title: t("extensionName"), message: t(key, substitutions),
      iconUrl: messenger.runtime.getURL("icons/inkan.svg"),
    });
  } catch (e) {
    console.warn("inkan: notification not shown", e?.message);
  }
}

/** Lint findings in the user's language, one sentence each. */
function lintWords(lint) {
  const ja = uiIsJapanese();
  return (lint ?? []).flatMap(entry => (entry.findings ?? []).map(f => ({
    severity: f.severity, code: f.code, text: (ja ? f.message_ja : f.message) || f.message || f.code,
  })));
}

// ---- Thunderbird's side of every path: the key into its own store ----------------------------

/**
 * identity.export to a temporary .p12 with a one-time password, imported by
 * the Experiment and bound to the identity, then removed: Thunderbird can read
 * mail encrypted to the user and its built-in S/MIME can sign.
 */
async function provision(identityId, fingerprint) {
  if (!messenger.inkan?.provisionIdentity) {
    return null;
  }
  const password = randomPassword();
  const { output } = await host.callWithOutput("identity.export", { identity: fingerprint, password });
  const path = await messenger.inkan.writeTempFile(new File([output], "inkan-identity.p12"));
  try {
    return await messenger.inkan.provisionIdentity(identityId, path, password);
  } finally {
    await messenger.inkan.removeFile(path);
  }
}

function firstFingerprint(imported) {
  const list = [...(imported?.imported ?? []), ...(imported?.completed_pending ?? [])];
  const first = list[0];
  return typeof first === "string" ? first : first?.fingerprint ?? imported?.already_present?.[0] ?? null;
}

async function finish(id, identityId, result, extra = {}, afterProvision = null) {
  const fingerprint = firstFingerprint(result.imported);
  let provisioned = null;
  let provisionError = null;
  try {
    provisioned = await provision(identityId, fingerprint);
    if (afterProvision) {
      Object.assign(extra, await afterProvision());
    }
  } catch (e) {
    provisionError = errorInfo(e);
  }
  const record = await update(id, { stage: "done", status: "done", fingerprint, lint: lintWords(result.lint),
                                    provisioned: provisioned?.certificate ?? null, provisionError, error: null, ...extra });
  await notify("enrol_notifyDone", [record.address ?? ""]);
  return record;
}

// ---- ACME, RFC 8823 ------------------------------------------------------------------------

export async function acmeServers() {
  return host.call("acme.servers", {});
}

function acmeFields(r) {
  return { status: r.status, stage: r.stage, awaiting: r.awaiting ?? [], retryAfter: r.retry_after_seconds ?? null,
           error: r.error ?? null };
}

export async function acmeStart({ identityId, directory, caFile, server, termsAgreed, keyType, renews }) {
  const identity = await identityOf(identityId);
  const params = { directory, address: identity.email, terms_agreed: !!termsAgreed };
  if (caFile) {
    params.ca_file = caFile;
  }
  if (server && Object.keys(server).length) {
    params.server = server;
  }
  if (keyType) {
    params.key_type = keyType;
  }
  const r = await host.call("acme.start", params);
  // The settings are kept so that a renewal can take the same path again.
  const record = await update(r.enrolment, { kind: "acme", identityId, address: identity.email, directory,
                                             caFile: caFile || null, server: params.server ?? null,
                                             keyType: keyType || null, renews: renews || null,
                                             answered: [], createdAt: new Date().toISOString(), ...acmeFields(r) });
  await messenger.alarms.create(ALARM_RESUME, { periodInMinutes: 1 });
  // The challenge may already be in the inbox (it can arrive before this reply).
  scanInbox().catch(e => console.warn("inkan: inbox scan", e?.message));
  if (r.status === "waiting") {
    resumeLoop(r.enrolment);
  }
  return record;
}

function sameAddress(list, address) {
  const want = address.toLowerCase();
  return (list ?? []).some(entry => (entry.match(/<([^>]+)>/)?.[1] ?? entry).trim().toLowerCase() === want);
}

function challengeFor(record, message, answeredByAny) {
  if (record.kind !== "acme" || record.status !== "awaiting_reply" || answeredByAny.has(message.headerMessageId)) {
    return null;
  }
  if (!/^\s*ACME:/i.test(message.subject ?? "")) {
    return null;
  }
  return (record.awaiting ?? []).find(a =>
    !a.reply_prepared && sameAddress([message.author], a.from) && sameAddress(message.recipients, a.address) &&
    new Date(message.date).getTime() >= new Date(a.since).getTime() - SKEW_MS) ?? null;
}

// Mails being answered now: a new-mail event and an inbox scan may see the same one.
const answering = new Set();

/** Checks a challenge mail (the host, RFC 8823 3.1), sends the reply it composed, tells the host. */
async function answerChallenge(record, message) {
  if (answering.has(message.headerMessageId)) {
    return;
  }
  answering.add(message.headerMessageId);
  await update(record.id, { answered: [...(record.answered ?? []), message.headerMessageId] });
  try {
    const raw = await stripBookkeeping(await messenger.messages.getRaw(message.id));
    const { result } = await host.withInput(raw, mail =>
      host.callWithOutput("acme.reply", { enrolment: record.id, output: "spool", mail }));
    // Unsigned and unchanged: the CA compares the body, and the host already
    // wrote CRLF 7-bit text (RFC 8823 3.2).
    try {
      await messenger.inkan.sendMessageFile(record.identityId, result.output.path,
                                            { to: result.reply.to, cc: [], bcc: [] }, { deleteAfter: true });
    } catch (e) {
      // Not sent, so not answered: the next inbox scan (alarm) tries again;
      // the host prepares the reply anew (it refuses only after acme.sent).
      const now = await getRecord(record.id);
      await update(record.id, { answered: (now?.answered ?? []).filter(m => m !== message.headerMessageId) });
      throw e;
    }
    const sent = await host.call("acme.sent", { enrolment: record.id, authorization: result.authorization });
    await update(record.id, { ...acmeFields(sent), authenticatedBy: result.authenticated_by ?? "" });
    resumeLoop(record.id);
  } catch (e) {
    await update(record.id, { error: errorInfo(e) });
  } finally {
    answering.delete(message.headerMessageId);
  }
}

export async function onNewMail(folder, messageList) {
  const all = Object.values(await records());
  if (!all.some(r => r.stage !== "done" && r.status !== "failed")) {
    return;
  }
  for (const message of messageList?.messages ?? []) {
    await routeMessage(message);
  }
}

async function routeMessage(message) {
  const all = Object.values(await records());
  // A challenge mail is answered once, for one enrolment: a renewal's
  // enrolment (same CA sender, same address) must not take the mail of the
  // enrolment before it, which the host cannot tell apart (RFC 8823 token-part1
  // is only in the mail).
  const answeredByAny = new Set(all.flatMap(r => r.answered ?? []));
  for (const record of all) {
    if (challengeFor(record, message, answeredByAny)) {
      await answerChallenge(record, message);
      return;
    }
    if (record.kind === "actalis" && await actalisMail(record, message)) {
      return;
    }
  }
}

/** Looks through recent inbox mail for what an enrolment waits for (a mail that arrived while suspended). */
export async function scanInbox() {
  const open = Object.values(await records()).filter(r => r.stage !== "done" && r.status !== "failed");
  if (!open.length) {
    return;
  }
  const since = Math.min(...open.map(r => new Date(r.createdAt ?? r.updatedAt).getTime())) - SKEW_MS;
  const inboxes = await messenger.folders.query({ specialUse: ["inbox"] });
  for (const folder of inboxes) {
    let page = await messenger.messages.query({ folderId: folder.id, fromDate: new Date(since) });
    for (;;) {
      for (const message of page.messages) {
        await routeMessage(message);
      }
      if (!page.id) {
        break;
      }
      page = await messenger.messages.continueList(page.id);
    }
  }
}

const running = new Set();
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

/**
 * acme.resume until done or failed, honouring retry_after_seconds. The open
 * host request keeps the event page alive; between requests it may be
 * suspended, and the alarm (every minute) starts the loop again.
 */
export async function resumeLoop(id) {
  if (running.has(id)) {
    return;
  }
  running.add(id);
  try {
    for (;;) {
      const record = await getRecord(id);
      if (!record || record.kind !== "acme" || record.status !== "waiting") {
        return;
      }
      let r;
      try {
        r = await host.call("acme.resume", { enrolment: id, wait_seconds: 20 });
      } catch (e) {
        // An invalid order is final (the host marks it failed); the network may come back.
        const listed = await host.call("acme.list", {}).catch(() => null);
        const state = listed?.enrolments?.find(x => x.enrolment === id);
        await update(id, { error: errorInfo(e), ...(state ? acmeFields(state) : {}) });
        if (state?.status === "failed") {
          await notify("enrol_notifyFailed", [record.address]);
        }
        return;
      }
      if (r.status === "done") {
        // "done" is shown once Thunderbird has the key too.
        await update(id, { ...acmeFields(r), status: "provisioning" });
        await finish(id, record.identityId, r);
        return;
      }
      await update(id, acmeFields(r));
      if (r.status !== "waiting") {
        return;
      }
      await sleep(Math.min(Math.max((r.retry_after_seconds ?? 5) * 1000, 1000), MAX_SLEEP_MS));
    }
  } finally {
    running.delete(id);
  }
}

// ---- Actalis (assisted: the web form is the user's) -------------------------------------------

export async function actalisStart({ identityId, renews }) {
  const identity = await identityOf(identityId);
  const id = `actalis-${identityId}`;
  await update(id, null); // a renewal starts afresh: no code or ZIP of the last time
  const record = await update(id, { kind: "actalis", identityId, address: identity.email, stage: "code", renews: renews || null,
                                    createdAt: new Date().toISOString(), code: null, zip: null, error: null });
  try {
    await messenger.windows.openDefaultBrowser(ACTALIS_FORM);
  } catch (e) {
    console.warn("inkan: no default browser", e?.message);
  }
  return record;
}

async function zipAttachment(messageId) {
  const parts = await messenger.messages.listAttachments(messageId);
  return parts.find(p => /\.zip$/i.test(p.name ?? "") || /zip/i.test(p.contentType ?? "")) ?? null;
}

/** The Actalis mails: the verification code, then the ZIP with the PKCS#12. */
async function actalisMail(record, message) {
  if (record.stage === "done" || !sameAddress(message.recipients, record.address) ||
      new Date(message.date).getTime() < new Date(record.createdAt).getTime() - SKEW_MS) {
    return false;
  }
  const zip = await zipAttachment(message.id);
  if (zip) {
    if (record.zip?.messageId === message.id) {
      return false;
    }
    await update(record.id, { stage: "password", zip: { messageId: message.id, partName: zip.partName, name: zip.name } });
    await notify("enrol_notifyActalisZip", [record.address]);
    return true;
  }
  if (record.stage !== "code" || record.codeMessage === message.headerMessageId) {
    return false;
  }
  try {
    const raw = await stripBookkeeping(await messenger.messages.getRaw(message.id));
    const found = await host.withInput(raw, mail => host.call("actalis.code", { mail }));
    // A code from another sender is shown with a warning (docs/enrolment.md),
    // and never replaces one that came from Actalis.
    if (!found.from_actalis && record.code && record.codeFromActalis) {
      return false;
    }
    await update(record.id, { code: found.code, codeMessage: message.headerMessageId, codeFrom: found.from,
                              codeFromActalis: !!found.from_actalis });
    await notify("enrol_notifyActalisCode", [found.code]);
    return true;
  } catch {
    return false; // not the code mail
  }
}

export async function actalisPassword({ id, password }) {
  const record = await getRecord(id);
  if (!record?.zip) {
    throw Object.assign(new Error("no ZIP yet"), { code: "NOT_FOUND", detail: id });
  }
  const file = await messenger.messages.getAttachmentFile(record.zip.messageId, record.zip.partName);
  const result = await host.withInput(file, zip => host.call("actalis.import", { password, zip }));
  return finish(id, record.identityId, result, { remindAt: result.remind_at ?? null, notAfter: result.not_after ?? null });
}

// ---- company CA, any other CA -----------------------------------------------------------------

export async function caJoin({ identityId, file, password, renews }) {
  const identity = await identityOf(identityId);
  const id = `company-${identityId}`;
  // A wrong password or file throws here; the page shows why and nothing is kept.
  const result = await host.withInput(file, pkcs12 =>
    host.call("ca.join", { password, file_name: file.name, pkcs12 }));
  await update(id, { kind: "company", identityId, address: identity.email, stage: "provisioning", error: null, renews: renews || null,
                     createdAt: new Date().toISOString() });
  // Thunderbird's own store trusts the same CA for e-mail; after the .p12 is
  // in it, so importing the file's copy of the CA cannot undo the trust.
  const trustInThunderbird = async () => {
    const trustedInThunderbird = [];
    for (const pem of (result.trusted ?? []).map(a => a.certificate).filter(Boolean)) {
      trustedInThunderbird.push((await messenger.inkan.trustCertificate(pem)).certificate);
    }
    return { trustedInThunderbird };
  };
  return finish(id, identityId, result, { trusted: (result.trusted ?? []).map(a => a.subject) },
                messenger.inkan?.trustCertificate ? trustInThunderbird : null);
}

export async function csrCreate({ identityId, keyType, renews }) {
  const identity = await identityOf(identityId);
  const params = { address: identity.email };
  if (keyType) {
    params.key_type = keyType;
  }
  const { pending } = await host.call("csr.create", params);
  return update(pending.id, { kind: "csr", identityId, address: identity.email, stage: "waiting", csr: pending.csr,
                              keyType: keyType || null, renews: renews || null, createdAt: pending.created_at });
}

export async function csrImport({ id, file }) {
  const record = await getRecord(id);
  const result = await host.withInput(file, certificate =>
    host.call("csr.import", { file_name: file.name, certificate }));
  return finish(id, record.identityId, result);
}

export async function cancel({ id }) {
  const record = await getRecord(id);
  if (record?.kind === "acme" && record.status !== "done") {
    await host.call("acme.cancel", { enrolment: id }).catch(() => null);
  } else if (record?.kind === "csr" && record.stage !== "done") {
    await host.call("csr.cancel", { pending: id }).catch(() => null);
  }
  return update(id, null);
}

// ---- lifecycle: wake-ups and the expiry reminder ----------------------------------------------

export async function onAlarm(alarm) {
  if (alarm.name === ALARM_RESUME) {
    const open = Object.values(await records()).filter(r => r.kind === "acme" && r.status !== "done" && r.status !== "failed");
    if (!open.length) {
      await messenger.alarms.clear(ALARM_RESUME);
      return;
    }
    await scanInbox();
    for (const r of open) {
      resumeLoop(r.id);
    }
  } else if (alarm.name === ALARM_EXPIRY) {
    await remindExpiring();
  }
}

/** Once a day: identities that expire within REMIND_DAYS and were not renewed, each told once. */
export async function remindExpiring(days = REMIND_DAYS) {
  let expiring;
  try {
    expiring = await host.call("identity.expiring", { days });
  } catch {
    return [];
  }
  const { enrolReminded = {} } = await messenger.storage.local.get({ enrolReminded: {} });
  const told = [];
  for (const identity of expiring.expiring ?? []) {
    if (enrolReminded[identity.fingerprint]) {
      continue;
    }
    enrolReminded[identity.fingerprint] = new Date().toISOString();
    const address = (identity.addresses ?? [])[0] ?? "";
    // The notification names the certificate: a click opens its renewal.
    await notify("enrol_notifyExpiring", [address, String(identity.days_left ?? "")], RENEW_PREFIX + identity.fingerprint);
    told.push(identity.fingerprint);
  }
  await messenger.storage.local.set({ enrolReminded });
  return told;
}

/** At every start of the event page: the daily alarm exists; waiting enrolments continue. */
export async function wake() {
  if (!await messenger.alarms.get(ALARM_EXPIRY)) {
    await messenger.alarms.create(ALARM_EXPIRY, { delayInMinutes: 5, periodInMinutes: 24 * 60 });
  }
  for (const r of Object.values(await records())) {
    if (r.kind === "acme" && r.status === "waiting") {
      resumeLoop(r.id);
    }
  }
}

const FIRST_RUN = "inkan-enrol-first-run";

export async function onInstalled(reason) {
  if (reason !== "install") {
    return;
  }
  try {
    await messenger.notifications.create(FIRST_RUN, {
      type: "basic", title: t("extensionName"), message: t("enrol_firstRun"),
      iconUrl: messenger.runtime.getURL("icons/inkan.svg"),
    });
  } catch (e) {
    console.warn("inkan: notification not shown", e?.message);
  }
}

export async function onNotificationClicked(id) {
  if (id.startsWith(RENEW_PREFIX)) {
    await openWizard({ renew: id.slice(RENEW_PREFIX.length) });
  } else if (id === FIRST_RUN || id.startsWith("inkan-enrol")) {
    await openWizard();
  }
}

/** The wizard; with `renew` (a store fingerprint) in renewal mode for that certificate. */
export async function openWizard({ renew } = {}) {
  const query = renew ? `?renew=${encodeURIComponent(renew)}` : "";
  await messenger.tabs.create({ url: messenger.runtime.getURL(`ui/enrol/enrol.html${query}`) });
}

// ---- renewal: the path that produced the certificate, with its settings ------------------------

// The store's `source` → the wizard's path. A .p12 (company CA or imported)
// comes again from whoever issued it; the wizard asks for the new file.
const PATH_OF_SOURCE = { acme: "acme", actalis: "actalis", csr: "csr", pkcs12: "company", pem: "company" };

// identity.list gives the key as family + bits; csr.create and acme.start take one name.
function keyTypeOf(identity) {
  if (identity.key_type === "rsa" && [2048, 3072, 4096].includes(identity.key_bits)) {
    return `rsa${identity.key_bits}`;
  }
  if (identity.key_type === "ec" && [256, 384].includes(identity.key_bits)) {
    return `p${identity.key_bits}`;
  }
  return null;
}

/**
 * What a renewal of `fingerprint` does again: the store says where the
 * certificate came from (`source`), this add-on's enrolment record how
 * (an ACME server, its TLS roots and settings). The old identity is never
 * touched: the renewal adds one, and the old key keeps reading old mail.
 */
export async function renewalPlan({ fingerprint }) {
  const listed = await host.call("identity.list", {});
  const old = (listed.identities ?? []).find(i => i.fingerprint === fingerprint);
  if (!old) {
    throw Object.assign(new Error("no such identity"), { code: "NO_IDENTITY", detail: fingerprint });
  }
  const addresses = (old.addresses ?? []).map(a => a.toLowerCase());
  const tbIdentities = (await messenger.accounts.list(false)).flatMap(a => a.identities ?? []);
  const tbIdentity = tbIdentities.find(i => addresses.includes(i.email.toLowerCase())) ?? null;
  const record = Object.values(await records()).find(r => r.fingerprint === fingerprint) ?? null;
  const path = PATH_OF_SOURCE[old.source] ?? (record?.kind && record.kind !== "company" ? record.kind : "company");
  const plan = { fingerprint, address: old.addresses?.[0] ?? "", addresses: old.addresses ?? [], source: old.source,
                 notAfter: old.not_after, daysLeft: old.days_left, identityId: tbIdentity?.id ?? null, path,
                 keyType: record?.keyType ?? keyTypeOf(old) };
  if (path === "acme") {
    plan.acme = record?.kind === "acme"
      ? { directory: record.directory, caFile: record.caFile ?? null, server: record.server ?? null, termsAgreed: true }
      : null;
  }
  return plan;
}

export const COMMANDS = {
  "enrol.state": async () => ({
    records: Object.values(await records()),
    identities: (await messenger.accounts.list(false)).flatMap(a => (a.identities ?? []).map(i => ({ id: i.id, email: i.email, name: i.name }))),
    actalisForm: ACTALIS_FORM,
  }),
  "enrol.servers": () => acmeServers(),
  "enrol.acmeStart": params => acmeStart(params),
  "enrol.actalisStart": params => actalisStart(params),
  "enrol.actalisPassword": params => actalisPassword(params),
  "enrol.caJoin": params => caJoin(params),
  "enrol.csrCreate": params => csrCreate(params),
  "enrol.csrImport": params => csrImport(params),
  "enrol.cancel": params => cancel(params),
  "enrol.open": params => openWizard(params ?? {}),
  "enrol.renewal": params => renewalPlan(params),
};
