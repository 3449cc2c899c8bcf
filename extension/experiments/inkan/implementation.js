/* Inkan's Experiment: the privileged parent-process half (Thunderbird 128 ESR and later).
 *
 * Kept small on purpose: every function wraps one internal Thunderbird
 * interface the stable MailExtension API does not offer. Errors are rethrown as
 * ExtensionError, otherwise the add-on would only see "An unexpected error
 * occurred". The internal interfaces used here (nsIMsgSend, nsIX509CertDB, the
 * identity's S/MIME attributes) are re-checked by the end-to-end tests on every
 * ESR this add-on supports.
 */
"use strict";

var { ExtensionCommon } = ChromeUtils.importESModule("resource://gre/modules/ExtensionCommon.sys.mjs");
var { ExtensionUtils } = ChromeUtils.importESModule("resource://gre/modules/ExtensionUtils.sys.mjs");
var { MailServices } = ChromeUtils.importESModule("resource:///modules/MailServices.sys.mjs");
var { ExtensionError } = ExtensionUtils;

const TEST_BRIDGE_PREF = "extensions.inkan.testBridge";
const SEND_TIMEOUT_MS = 300000;

function hex(status) {
  return "0x" + (status >>> 0).toString(16);
}

function localFile(path) {
  const file = Cc["@mozilla.org/file/local;1"].createInstance(Ci.nsIFile);
  file.initWithPath(path);
  return file;
}

function certDb() {
  return Cc["@mozilla.org/security/x509certdb;1"].getService(Ci.nsIX509CertDB);
}

function findIdentity(identityId) {
  const identity = MailServices.accounts.getIdentity(identityId);
  if (!identity || !identity.email) {
    throw new ExtensionError(`Unknown identity ${identityId}`);
  }
  return identity;
}

function certSummary(cert) {
  return {
    dbKey: cert.dbKey,
    displayName: cert.displayName,
    email: cert.emailAddress,
    subject: cert.subjectName,
    issuer: cert.issuerName,
    serial: cert.serialNumber,
    sha256: cert.sha256Fingerprint,
    notAfter: new Date(cert.validity.notAfter / 1000).toISOString(),
  };
}

function timer(ms, fn) {
  const t = Cc["@mozilla.org/timer;1"].createInstance(Ci.nsITimer);
  t.initWithCallback({ notify: fn }, ms, Ci.nsITimer.TYPE_ONE_SHOT);
  return t;
}

// nsIMsgSend.sendMessageFile sends the file verbatim (it only dot-stuffs) and
// takes the SMTP envelope from the compose fields, never from the file. This is
// the call Thunderbird's own calendar uses for iMIP mail.
function sendFile(identity, file, envelope, deleteAfter) {
  const owner = MailServices.accounts.accounts.find(a => a.identities.some(i => i.key == identity.key));
  const fields = Cc["@mozilla.org/messengercompose/composefields;1"].createInstance(Ci.nsIMsgCompFields);
  fields.from = MailServices.headerParser.makeMimeAddress(identity.fullName || "", identity.email);
  fields.to = envelope.to.join(", ");
  fields.cc = envelope.cc.join(", ");
  // Bcc lives only in the compose fields: that is what makes Thunderbird deliver
  // to it while the file (already without a Bcc header) is sent unchanged.
  fields.bcc = envelope.bcc.join(", ");
  fields.fcc = identity.doFcc ? identity.fccFolderURI || "" : "nocopy://";
  return new Promise((resolve, reject) => {
    const events = [];
    let sent = false;
    let settled = false;
    const finish = (fn, value) => {
      if (!settled) {
        settled = true;
        watchdog.cancel();
        fn(value);
      }
    };
    const listener = {
      QueryInterface: ChromeUtils.generateQI(["nsIMsgSendListener", "nsIMsgCopyServiceListener"]),
      onStartSending() {
        events.push("start");
      },
      onSendProgress() {},
      onStatus() {},
      onStopSending(msgId, status) {
        events.push(`stopSending:${hex(status)}`);
        if (!Components.isSuccessCode(status)) {
          finish(reject, new ExtensionError(`Sending failed (${hex(status)})`));
        } else {
          sent = true;
          if (!identity.doFcc) {
            finish(resolve, { sentCopy: false, events });
          }
        }
      },
      onGetDraftFolderURI() {},
      onSendNotPerformed(msgId, status) {
        finish(reject, new ExtensionError(`Sending was not performed (${hex(status)})`));
      },
      onTransportSecurityError(msgId, status) {
        finish(reject, new ExtensionError(`Transport security error (${hex(status)})`));
      },
      onStartCopy() {
        events.push("startCopy");
      },
      onProgress() {},
      setMessageKey() {},
      getMessageId() {
        return null;
      },
      onStopCopy(status) {
        events.push(`stopCopy:${hex(status)}`);
        if (!sent) {
          return;
        }
        finish(resolve, { sentCopy: Components.isSuccessCode(status), events });
      },
    };
    const watchdog = timer(SEND_TIMEOUT_MS, () =>
      finish(reject, new ExtensionError(`Sending did not finish: ${events.join(" ")}`))
    );
    const send = Cc["@mozilla.org/messengercompose/send;1"].createInstance(Ci.nsIMsgSend);
    try {
      send.sendMessageFile(identity, owner?.key ?? "", fields, file, deleteAfter, false,
        Ci.nsIMsgSend.nsMsgDeliverNow, null, listener, "");
    } catch (e) {
      finish(reject, new ExtensionError(`sendMessageFile: ${e.message}`));
    }
  });
}

function provision(identity, p12Path, password) {
  const db = certDb();
  const before = new Set(db.getCerts().map(c => c.dbKey));
  let rv;
  try {
    rv = db.importPKCS12File(localFile(p12Path), password);
  } catch (e) {
    throw new ExtensionError(`PKCS#12 import failed: ${e.message}`);
  }
  if (rv !== 0 && rv !== undefined) {
    throw new ExtensionError(`PKCS#12 import failed (code ${rv})`);
  }
  const email = identity.email.toLowerCase();
  const now = Date.now() * 1000;
  // The newest valid user certificate for the identity's address wins; the file
  // may also carry older ones and the issuing CAs.
  const mine = db.getCerts()
    .filter(c => c.certType == Ci.nsIX509Cert.USER_CERT)
    .filter(c => (c.emailAddresses || [c.emailAddress]).some(a => a && a.toLowerCase() == email))
    .filter(c => c.validity.notBefore <= now && now <= c.validity.notAfter)
    .sort((a, b) => b.validity.notBefore - a.validity.notBefore);
  if (!mine.length) {
    throw new ExtensionError(`The PKCS#12 file holds no valid certificate for ${identity.email}`);
  }
  const cert = mine[0];
  identity.setUnicharAttribute("signing_cert_name", cert.displayName);
  identity.setCharAttribute("signing_cert_dbkey", cert.dbKey);
  identity.setUnicharAttribute("encryption_cert_name", cert.displayName);
  identity.setCharAttribute("encryption_cert_dbkey", cert.dbKey);
  return { certificate: certSummary(cert), newCertificates: db.getCerts().filter(c => !before.has(c.dbKey)).length };
}

function trust(pem) {
  const b64 = pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, "").replace(/\s+/g, "");
  if (!b64) {
    throw new ExtensionError("No certificate in the PEM text");
  }
  const db = certDb();
  // ",C," trusts it as an issuer of e-mail certificates only (NSS trust order:
  // TLS, e-mail, object signing).
  const added = db.addCertFromBase64(b64, ",C,");
  // addCertFromBase64 keeps an existing entry's trust; set it explicitly.
  db.setCertTrustFromString(added, ",C,");
  return { certificate: certSummary(added),
           emailTrusted: db.isCertTrusted(added, Ci.nsIX509Cert.CA_CERT, Ci.nsIX509CertDB.TRUSTED_EMAIL) };
}

function lookup(addresses) {
  const db = certDb();
  const now = Date.now() * 1000;
  const certs = db.getCerts().filter(c => c.validity.notBefore <= now && now <= c.validity.notAfter);
  return addresses.map(address => {
    const a = address.toLowerCase();
    const hit = certs.find(c => c.certType != Ci.nsIX509Cert.CA_CERT &&
      (c.emailAddresses || [c.emailAddress]).some(e => e && e.toLowerCase() == a));
    return hit ? { address, found: true, certificate: certSummary(hit) } : { address, found: false };
  });
}

// The test bridge: a harness (Marionette, chrome context) sends
// Services.obs.notifyObservers({wrappedJSObject: {command, args, resolve, reject}}, "inkan-test-request").
// Only when the pref is true; otherwise nothing listens.
const bridge = {
  listeners: new Set(),
  pending: new Map(),
  nextId: 1,
  extension: null,
  observing: false,
  async observe(subject) {
    const req = subject.wrappedJSObject;
    if (!Services.prefs.getBoolPref(TEST_BRIDGE_PREF, false)) {
      req.reject("test bridge disabled");
      return;
    }
    try {
      if (!this.listeners.size) {
        await this.extension?.wakeupBackground?.();
        for (let i = 0; i < 100 && !this.listeners.size; i++) {
          await new Promise(r => timer(100, r));
        }
      }
      const id = this.nextId++;
      this.pending.set(id, req);
      for (const fire of this.listeners) {
        fire.async(id, req.command, req.args ?? null);
      }
    } catch (e) {
      req.reject(String(e));
    }
  },
};

var inkan = class extends ExtensionCommon.ExtensionAPI {
  getAPI(context) {
    const extension = context.extension;
    if (Services.prefs.getBoolPref(TEST_BRIDGE_PREF, false) && !bridge.observing) {
      bridge.observing = true;
      bridge.extension = extension;
      Services.obs.addObserver(bridge, "inkan-test-request");
    }
    const api = {
      async sendMessageFile(identityId, path, envelope, options) {
        const identity = findIdentity(identityId);
        const file = localFile(path);
        if (!file.exists()) {
          throw new ExtensionError(`No such file: ${path}`);
        }
        return sendFile(identity, file, envelope, !!options?.deleteAfter);
      },
      async provisionIdentity(identityId, p12Path, password) {
        return provision(findIdentity(identityId), p12Path, password);
      },
      async trustCertificate(pem) {
        return trust(pem);
      },
      async findCertificates(addresses) {
        return lookup(addresses);
      },
      async writeTempFile(data) {
        const path = await IOUtils.createUniqueFile(PathUtils.tempDir, "inkan-message.eml", 0o600);
        try {
          await IOUtils.write(path, new Uint8Array(await data.arrayBuffer()));
        } catch (e) {
          // A half-written file of mail must not stay behind: the caller never learns its name.
          await IOUtils.remove(path, { ignoreAbsent: true }).catch(() => {});
          throw e;
        }
        return path;
      },
      async removeFile(path) {
        // Only files this add-on created in the temporary folder may be removed.
        if (PathUtils.parent(path) != PathUtils.tempDir || !PathUtils.filename(path).startsWith("inkan-")) {
          throw new ExtensionError("Refusing to remove a file Inkan did not create");
        }
        await IOUtils.remove(path, { ignoreAbsent: true });
      },
      async testReply(requestId, ok, value) {
        const req = bridge.pending.get(requestId);
        if (!req) {
          return;
        }
        bridge.pending.delete(requestId);
        if (ok) {
          req.resolve(value === undefined ? null : JSON.parse(JSON.stringify(value)));
        } else {
          req.reject(String(value));
        }
      },
      async getNewMail(accountId, password) {
        if (!Services.prefs.getBoolPref(TEST_BRIDGE_PREF, false)) {
          throw new ExtensionError("getNewMail is a test helper");
        }
        const server = MailServices.accounts.getAccount(accountId).incomingServer;
        server.password = password;
        const inbox = server.rootFolder.getFolderWithFlags(Ci.nsMsgFolderFlags.Inbox);
        return new Promise(resolve => {
          MailServices.pop3.GetNewMail(null, {
            QueryInterface: ChromeUtils.generateQI(["nsIUrlListener"]),
            OnStartRunningUrl() {},
            OnStopRunningUrl(url, status) {
              resolve({ status: hex(status), inboxTotal: inbox.getTotalMessages(false) });
            },
          }, inbox, server);
        });
      },
      onTestRequest: new ExtensionCommon.EventManager({
        context,
        name: "inkan.onTestRequest",
        register: fire => {
          bridge.listeners.add(fire);
          return () => bridge.listeners.delete(fire);
        },
      }).api(),
    };
    const wrapped = {};
    for (const [name, member] of Object.entries(api)) {
      wrapped[name] = typeof member != "function" ? member : async (...args) => {
        try {
          return await member(...args);
        } catch (e) {
          if (e instanceof ExtensionError) {
            throw e;
          }
          throw new ExtensionError(`${name}: ${e?.message ?? e}` + (e?.result ? ` (${hex(e.result)})` : ""));
        }
      };
    }
    return { inkan: wrapped };
  }
};
