/**
 * Sending a signed (or signed and encrypted) message.
 *
 * Design: the message that gets signed is Thunderbird's own rendering of what
 * the user wrote, not a MIME tree rebuilt from compose details. The compose
 * window saves a draft (compose.saveMessage), and messages.getRaw gives the
 * bytes Thunderbird made: its own choices for plain/HTML/alternative bodies,
 * charsets and format=flowed, attachments (with RFC 2231 names), RFC 2047
 * encoded Japanese subjects, Reply-To, In-Reply-To and References. Compose
 * details cannot carry all of that (References, inline images and the exact
 * HTML serialisation are not in them), so rebuilding would drift from what
 * Thunderbird sends unsigned. Only draft-only fields are removed (raw.mjs:
 * X-Mozilla-Draft-Info, X-Identity-Key, FCC, Bcc, bookkeeping lines). The
 * host puts the result in canonical form (CRLF, 7-bit transfer encodings) and
 * signs it; the Experiment sends the finished file unchanged through the
 * identity's SMTP server with the envelope from the compose details (Bcc only
 * there) and files the copy in Sent.
 *
 * When the host or the Experiment is missing or fails, the same message goes
 * out through Thunderbird's built-in S/MIME (the identity was provisioned with
 * the same key), and the user is told which path was used.
 */
import { host, HostError } from "./host.mjs";
import { draftToMessage } from "./raw.mjs";
import { envelopeOf, allRecipients } from "./addresses.mjs";
import { getState, setState } from "./compose-state.mjs";
import { lookupMissing } from "./lookup.mjs";
import { askMissing } from "./dialogs.mjs";
import { report } from "./notify.mjs";
import { withUnlock } from "./unlock.mjs";
import { errorText, messageIn, uiIsJapanese } from "./i18n.mjs";

async function hostAvailable() {
  try {
    await host.hello();
    return true;
  } catch (e) {
    console.warn("inkan: host unavailable", e.code, e.detail);
    return false;
  }
}

function experimentAvailable() {
  return typeof messenger.inkan?.sendMessageFile === "function";
}

async function builtinCapabilities(identityId) {
  const identity = await messenger.identities.get(identityId);
  return identity?.encryptionCapabilities?.["S/MIME"] ?? { canSign: false, canEncrypt: false };
}

/** compose.onBeforeSend: decides what happens to this message. */
export async function onBeforeSend(tab, details) {
  const state = await getState(tab.id, details.identityId);
  if (state.builtin) {
    // Our own re-send through Thunderbird's S/MIME after a fallback.
    return {};
  }
  if (state.mode === "off") {
    return {};
  }
  const identity = await messenger.identities.get(details.identityId);
  const envelope = await envelopeOf(details);
  const others = allRecipients(envelope).filter(a => a !== identity.email.toLowerCase());
  let path = (await hostAvailable()) && experimentAvailable() ? "host" : "builtin";
  let why = new HostError(experimentAvailable() ? "HOST_MISSING" : "EXPERIMENT_UNAVAILABLE");

  let encrypt = state.mode === "encrypt" || state.mode === "auto";
  if (encrypt) {
    let missing;
    let reasons = {};
    try {
      ({ missing, reasons } = await lookupMissing(others, path));
    } catch (e) {
      if (path !== "host") {
        await report("notSent", [errorText(e)]);
        return { cancel: true };
      }
      // The host cannot answer for recipients (e.g. no contacts store yet): it
      // cannot encrypt to them either, so Thunderbird's S/MIME and its own
      // certificate store take this message.
      console.warn("inkan: recipients.lookup failed, using Thunderbird's S/MIME", e.code);
      path = "builtin";
      why = e;
      ({ missing, reasons } = await lookupMissing(others, path));
    }
    if (missing.length) {
      if (state.mode === "auto") {
        encrypt = false;
      } else {
        const answer = await askMissing(missing, details.identityId, reasons);
        if (answer.choice === "request") {
          await composeRequests(details.identityId, missing, answer.lang);
          return { cancel: true };
        }
        if (answer.choice !== "sign") {
          return { cancel: true };
        }
        encrypt = false;
      }
    }
  }

  if (path === "builtin") {
    return sendBuiltinNow(details, encrypt, why);
  }
  // Thunderbird must first give up its own send; the Inkan path then runs on
  // the saved draft.
  setTimeout(() => sendThroughHost(tab, details, envelope, encrypt), 0);
  return { cancel: true };
}

/** Thunderbird's built-in S/MIME for this message, switched on inside onBeforeSend. */
async function sendBuiltinNow(details, encrypt, why) {
  const caps = await builtinCapabilities(details.identityId);
  if (!caps.canSign || (encrypt && !caps.canEncrypt)) {
    // Asked to sign, and no way to: nothing goes out unsigned behind the user's back.
    await report("notSent", [errorText(why)]);
    return { cancel: true };
  }
  await report(encrypt ? "builtinEncrypted" : "builtinSigned", [errorText(why)]);
  return {
    details: { selectedEncryptionTechnology: { name: "S/MIME", signMessage: true, encryptBody: encrypt } },
  };
}

async function sendThroughHost(tab, details, envelope, encrypt) {
  let draftId = null;
  let spool = null;
  try {
    const saved = await messenger.compose.saveMessage(tab.id, { mode: "draft" });
    draftId = saved.messages[0].id;
    const message = await draftToMessage(await messenger.messages.getRaw(draftId));
    const identity = await messenger.identities.get(details.identityId);
    const params = { output: "spool", identity: identity.email };
    if (encrypt) {
      // The sender is a recipient too, so the copy in Sent stays readable.
      params.recipients = [...new Set([...allRecipients(envelope), identity.email.toLowerCase()])];
      params.sign = true;
    }
    // A protected, locked store: the user is asked for the passphrase, then the
    // same request again, with the same input (a large one's file is removed
    // only after both). The input goes last: inline data at the end of the frame
    // is cut out without a JSON parse (docs/protocol.md).
    const result = await host.withInput(message, input =>
      withUnlock(() => host.call(encrypt ? "encrypt" : "sign", { ...params, input })));
    spool = result.output?.path;
    if (!spool) {
      throw new HostError("OUTPUT_CORRUPTED", "no spool path");
    }
    await messenger.inkan.sendMessageFile(details.identityId, spool, envelope, { deleteAfter: true });
    spool = null;
    await messenger.messages.delete([draftId], true).catch(e => console.warn("inkan: draft left", e));
    draftId = null;
    await report(encrypt ? "inkanEncrypted" : "inkanSigned", [identity.email]);
    await messenger.windows.remove(tab.windowId);
  } catch (e) {
    console.error("inkan: sending through the host failed", e);
    if (draftId !== null) {
      await messenger.messages.delete([draftId], true).catch(() => {});
    }
    if (encrypt && e.code === "NO_RECIPIENT_CERT") {
      // The host knows best who lacks a certificate (a contact may have been
      // rejected since the lookup): the same dialog, and Thunderbird's S/MIME
      // could not encrypt to them either.
      await askAfterHostRefused(tab, details, envelope, e);
      return;
    }
    await fallBackToBuiltin(tab, details, encrypt, e);
  }
}

/** encrypt answered NO_RECIPIENT_CERT: ask the user, as before sending. */
async function askAfterHostRefused(tab, details, envelope, error) {
  // error.addresses: [{address, reason, details}] (docs/protocol.md, encrypt).
  const listed = Array.isArray(error.addresses) ? error.addresses : [];
  const missing = [];
  const reasons = {};
  for (const entry of listed) {
    const address = String(typeof entry === "string" ? entry : entry?.address ?? "").toLowerCase();
    if (address) {
      missing.push(address);
      reasons[address] = entry?.reason ?? "no-certificate";
    }
  }
  const answer = await askMissing(missing, details.identityId, reasons);
  if (answer.choice === "sign") {
    await sendThroughHost(tab, details, envelope, false);
  } else if (answer.choice === "request") {
    await composeRequests(details.identityId, missing, answer.lang);
  }
  // cancel: nothing is sent, the compose window stays open.
}

async function fallBackToBuiltin(tab, details, encrypt, error) {
  const caps = await builtinCapabilities(details.identityId);
  if (!caps.canSign || (encrypt && !caps.canEncrypt)) {
    await report("notSent", [errorText(error)]);
    return;
  }
  const state = await getState(tab.id, details.identityId);
  await setState(tab.id, { ...state, builtin: { encrypt } });
  await messenger.compose.setComposeDetails(tab.id, {
    selectedEncryptionTechnology: { name: "S/MIME", signMessage: true, encryptBody: encrypt },
  });
  await report(encrypt ? "builtinEncrypted" : "builtinSigned", [errorText(error)]);
  await messenger.compose.sendMessage(tab.id, { mode: "sendNow" });
}

/** A prepared message asking each recipient for a signed mail, in their language. */
async function composeRequests(identityId, addresses, lang) {
  const language = lang ?? (uiIsJapanese() ? "ja" : "en");
  const identity = await messenger.identities.get(identityId);
  await messenger.compose.beginNew({
    identityId,
    to: addresses,
    subject: await messageIn(language, "requestSubject"),
    plainTextBody: await messageIn(language, "requestBody", [identity.name || identity.email]),
    isPlainText: true,
  });
}
