"""One Thunderbird run: a fresh profile, the add-on side-loaded, an SMTP sink,
a POP3 server, Thunderbird headless with Marionette, and teardown that always
happens (the whole process group is killed, logs stay in the run folder).
"""
import base64
import json
import os
import shutil
import signal
import subprocess
import time

from .marionette import Marionette, MarionetteError
from .pop3_server import Pop3Server
from .ports import free_port
from .profile import ADDON_ID, pack_xpi, register_host, write_profile
from .smtp_sink import SmtpSink

THUNDERBIRD = os.environ.get("INKAN_THUNDERBIRD", "/usr/lib/thunderbird/thunderbird")
START_TIMEOUT = 120
WIDGET = "inkan_inkan_org"  # ExtensionCommon.makeWidgetId("inkan@inkan.org")


class ThunderbirdRun:
    def __init__(self, workdir, extension_dir, *, locale="en-US", host_path=None,
                 identity_email="alice@example.org", identity_name="Alice Example", prefs=None, env=None):
        self.workdir = os.path.abspath(workdir)
        self.extension_dir = extension_dir
        self.locale = locale
        self.host_path = host_path
        self.identity_email = identity_email
        self.identity_name = identity_name
        self.prefs = prefs or {}
        self.env = env or {}
        self.proc = None
        self.marionette = None
        self.sink = None
        self.pop3 = None

    # -- lifecycle ---------------------------------------------------------
    def start(self):
        if os.path.exists(self.workdir):
            shutil.rmtree(self.workdir)
        for sub in ("home", "profile", "sink", "tmp", "store"):
            os.makedirs(os.path.join(self.workdir, sub))
        self.home = os.path.join(self.workdir, "home")
        self.profile = os.path.join(self.workdir, "profile")
        self.tmp = os.path.join(self.workdir, "tmp")
        # The host's store and log for this run (the tests read the store with
        # `inkan … --json`, see inkan()); never a shared one.
        self.store = os.path.join(self.workdir, "store")
        self.host_log = os.path.join(self.workdir, "host.log")
        xpi = pack_xpi(self.extension_dir, os.path.join(self.workdir, "inkan.xpi"))
        self.sink = SmtpSink(os.path.join(self.workdir, "sink"), free_port()).start()
        self.pop3 = Pop3Server(free_port()).start()
        self.marionette_port = free_port()
        write_profile(self.profile, xpi=xpi, smtp_port=self.sink.port, pop3_port=self.pop3.port,
                      marionette_port=self.marionette_port, locale=self.locale,
                      identity_email=self.identity_email, identity_name=self.identity_name,
                      extra_prefs=self.prefs)
        if self.host_path:
            register_host(self.home, self.host_path)
        env = dict(os.environ)
        env.update({"HOME": self.home, "TMPDIR": self.tmp, "MOZ_CRASHREPORTER_DISABLE": "1",
                    "MOZ_HEADLESS": "1", "LANG": "C.UTF-8", "INKAN_HOME": self.store,
                    "INKAN_HOST_LOG": self.host_log, "INKAN_HOST_SPOOL": os.path.join(self.tmp, "spool")})
        env.update(self.env)
        env.pop("DISPLAY", None)
        env.pop("WAYLAND_DISPLAY", None)
        self.log_path = os.path.join(self.workdir, "thunderbird.log")
        self.log = open(self.log_path, "wb")
        # Own session (setsid): the whole tree, content processes and the native
        # host included, dies with one killpg.
        self.proc = subprocess.Popen(
            [THUNDERBIRD, "-profile", self.profile, "-no-remote", "--headless", "--marionette",
             "-remote-allow-system-access"],
            stdout=self.log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        self.marionette = Marionette("127.0.0.1", self.marionette_port, timeout=60)
        self.marionette.connect(deadline_seconds=START_TIMEOUT)
        self.marionette.new_session()
        self.marionette.set_context("chrome")
        self.wait_for_addon()
        return self

    def stop(self):
        try:
            if self.marionette and self.marionette.sock:
                # A forced quit from a timer: no "save this draft?" question can hold it up.
                try:
                    self.chrome("""
                        const t = Cc["@mozilla.org/timer;1"].createInstance(Ci.nsITimer);
                        t.initWithCallback({ notify() { Services.startup.quit(Ci.nsIAppStartup.eForceQuit); } },
                                           100, Ci.nsITimer.TYPE_ONE_SHOT);
                        globalThis.inkanQuitTimer = t;
                        return true;""", timeout=10)
                except Exception:
                    pass
                self.marionette.close()
            if self.proc:
                try:
                    self.proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    pass
                for sig in (signal.SIGTERM, signal.SIGKILL):
                    try:
                        os.killpg(self.proc.pid, sig)
                    except ProcessLookupError:
                        break
                    try:
                        self.proc.wait(timeout=10)
                        break
                    except subprocess.TimeoutExpired:
                        continue
        finally:
            if self.proc:
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            if self.sink:
                self.sink.stop()
            if self.pop3:
                self.pop3.stop()
            if getattr(self, "log", None):
                self.log.close()

    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc):
        self.stop()

    # -- scripts -----------------------------------------------------------
    def chrome(self, body, *args, timeout=60):
        """Runs an async function body in Thunderbird's chrome context."""
        script = "return (async function() {\n" + body + "\n}).apply(this, arguments);"
        return self.marionette.execute(script, list(args), timeout=timeout)

    def bridge(self, command, timeout=60, **args):
        """Runs one of the add-on's test-bridge commands in its background page."""
        return self.chrome("""
            const [command, args] = arguments;
            return await new Promise((resolve, reject) => {
              const req = { command, args, resolve, reject: e => reject(new Error(e)) };
              Services.obs.notifyObservers({ wrappedJSObject: req }, "inkan-test-request");
            });""", command, args, timeout=timeout)

    def wait_for_addon(self, timeout=60):
        self.chrome("""
            const deadline = Date.now() + arguments[0] * 1000;
            while (Date.now() < deadline) {
              const policy = WebExtensionPolicy.getByID(arguments[1]);
              if (policy && policy.extension && policy.extension.backgroundState == "running") return true;
              await new Promise(r => setTimeout(r, 200));
            }
            throw new Error("the add-on did not start: " + JSON.stringify(
              WebExtensionPolicy.getActiveExtensions().map(p => p.id)));""", timeout, ADDON_ID, timeout=timeout + 5)
        # The background's listeners are registered once its module ran.
        self.bridge("uiLanguage", timeout=timeout)

    def background_state(self):
        """The add-on's event page: "running", "suspending" or "stopped" (suspended)."""
        return self.chrome("return WebExtensionPolicy.getByID(arguments[0]).extension.backgroundState;", ADDON_ID)

    def wait_until(self, predicate, timeout=60, interval=0.25, what="condition"):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            time.sleep(interval)
        raise TimeoutError(f"timed out waiting for {what}")

    # -- user actions --------------------------------------------------------
    def open_compose(self, *, to="", cc="", bcc="", subject="", body="", html=False, attachments=(),
                     reply_to="", references="", in_reply_to=""):
        """Opens a compose window the way Thunderbird's Write button does, already filled in."""
        self.chrome("""
            const [f] = arguments;
            const { MailServices } = ChromeUtils.importESModule("resource:///modules/MailServices.sys.mjs");
            const fields = Cc["@mozilla.org/messengercompose/composefields;1"].createInstance(Ci.nsIMsgCompFields);
            fields.to = f.to; fields.cc = f.cc; fields.bcc = f.bcc; fields.subject = f.subject;
            fields.body = f.body; fields.replyTo = f.reply_to;
            if (f.references) fields.references = f.references;
            for (const path of f.attachments) {
              const file = Cc["@mozilla.org/file/local;1"].createInstance(Ci.nsIFile);
              file.initWithPath(path);
              const a = Cc["@mozilla.org/messengercompose/attachment;1"].createInstance(Ci.nsIMsgAttachment);
              a.url = Services.io.newFileURI(file).spec;
              a.name = file.leafName;
              fields.addAttachment(a);
            }
            const params = Cc["@mozilla.org/messengercompose/composeparams;1"].createInstance(Ci.nsIMsgComposeParams);
            params.type = Ci.nsIMsgCompType.New;
            params.format = f.html ? Ci.nsIMsgCompFormat.HTML : Ci.nsIMsgCompFormat.PlainText;
            params.identity = MailServices.accounts.getIdentity("id1");
            params.composeFields = fields;
            MailServices.compose.OpenComposeWindowWithParams(null, params);
            const deadline = Date.now() + 30000;
            while (Date.now() < deadline) {
              for (const win of Services.wm.getEnumerator("msgcompose")) {
                if (win.gMsgCompose && win.gMsgCompose.editor && win.document.readyState == "complete" &&
                    win.document.getElementById("msgSubject").value == f.subject &&
                    win.document.getElementById(arguments[1] + "-composeAction-toolbarbutton")) {
                  return true;
                }
              }
              await new Promise(r => setTimeout(r, 200));
            }
            throw new Error("compose window did not open");""",
                    {"to": to, "cc": cc, "bcc": bcc, "subject": subject, "body": body, "html": html,
                     "attachments": list(attachments), "reply_to": reply_to, "references": references},
                    WIDGET)
        # The add-on learns about the window through tabs.onCreated; give it
        # the moment it needs to set the button.
        time.sleep(1.0)

    _FIND_COMPOSE = """
        const findCompose = subject => {
          for (const win of Services.wm.getEnumerator("msgcompose")) {
            if (win.document.getElementById("msgSubject").value == subject) return win;
          }
          throw new Error("no compose window with subject " + subject);
        };"""

    def compose_button(self, subject):
        """The compose-action button as the user sees it: {label, tooltip}."""
        return self.chrome(self._FIND_COMPOSE + """
            const button = findCompose(arguments[0]).document.getElementById(arguments[1] + "-composeAction-toolbarbutton");
            return { label: button.getAttribute("label"), tooltip: button.getAttribute("tooltiptext") };""",
                           subject, WIDGET)

    def click_compose_button(self, subject):
        before = self.compose_button(subject)
        self.chrome(self._FIND_COMPOSE + """
            const win = findCompose(arguments[0]);
            const button = win.document.getElementById(arguments[1] + "-composeAction-toolbarbutton");
            button.dispatchEvent(new win.MouseEvent("mousedown", { button: 0, bubbles: true }));
            return true;""", subject, WIDGET)
        # The add-on sets title, label and icon one after the other: wait for all.
        def changed():
            now = self.compose_button(subject)
            return now if all(now[k] != before[k] for k in now) else None
        return self.wait_until(changed, timeout=20, what="the compose button to change")

    def click_send(self, subject):
        """Presses Send (cmd_sendNow) in the compose window."""
        self.chrome(self._FIND_COMPOSE + """
            findCompose(arguments[0]).goDoCommand("cmd_sendNow");
            return true;""", subject)

    def compose_open(self, subject):
        return self.chrome("""
            for (const win of Services.wm.getEnumerator("msgcompose")) {
              if (!win.closed && win.document.getElementById("msgSubject").value == arguments[0]) return true;
            }
            return false;""", subject)

    def extension_popup_windows(self):
        """Text of every add-on page open in its own popup window (dialogs)."""
        return self.chrome("""
            const out = [];
            for (const win of Services.wm.getEnumerator(null)) {
              const browser = win.document.getElementById("requestFrame") || win.document.querySelector("browser");
              if (!browser || !browser.currentURI || !browser.currentURI.spec.startsWith("moz-extension://")) continue;
              out.push({ url: browser.currentURI.spec, title: win.document.title });
            }
            return out;""")

    def page_text(self, url_part, timeout=20):
        """The visible text of an add-on page (popup window or panel) whose URL contains url_part.
        Reading is retried while a page is being replaced (a window closing as its successor
        opens does not answer), so a test waiting for new text does not race the swap."""
        deadline = time.monotonic() + timeout
        while True:
            # Each attempt waits a few seconds at most: a window that is closing never
            # answers, and waiting the whole timeout on it left no time for its successor.
            attempt = max(1.0, min(5.0, deadline - time.monotonic()))
            try:
                return self.chrome(self._PAGE_SCRIPT + """
                    return await pageDo(arguments[0], "text", null, arguments[1]);""",
                                   url_part, attempt, timeout=attempt + 10)
            except MarionetteError as e:
                if ("page did not answer" not in str(e) and "no add-on page" not in str(e)) \
                        or time.monotonic() > deadline:
                    raise
                time.sleep(0.25)

    def page_set(self, url_part, element_id, value, timeout=20):
        """Types a value into a field of an add-on page (or ticks a checkbox with True), as a user would."""
        return self.chrome(self._PAGE_SCRIPT + """
            return await pageDo(arguments[0], "set", { id: arguments[2], value: arguments[3] }, arguments[1]);""",
                           url_part, timeout, element_id, value, timeout=timeout + 10)

    def page_choose_file(self, url_part, element_id, path, timeout=20):
        """Chooses a file in an <input type=file> of an add-on page (what the file picker would hand over)."""
        with open(path, "rb") as f:
            data = base64.b64encode(f.read()).decode("ascii")
        return self.chrome(self._PAGE_SCRIPT + """
            return await pageDo(arguments[0], "file", { id: arguments[2], name: arguments[3], data: arguments[4] },
                                arguments[1]);""",
                           url_part, timeout, element_id, os.path.basename(path), data, timeout=timeout + 10)

    def page_click(self, url_part, element_id, timeout=20):
        """Clicks an element of an add-on page, as a user would."""
        return self.chrome(self._PAGE_SCRIPT + """
            return await pageDo(arguments[0], "click", arguments[2], arguments[1]);""",
                           url_part, timeout, element_id, timeout=timeout + 10)

    def page_values(self, url_part, element_ids, timeout=20):
        """What a user sees in fields of an add-on page: {id: {value (checked for a checkbox), open, hidden}}."""
        return self.chrome(self._PAGE_SCRIPT + """
            return await pageDo(arguments[0], "values", arguments[2], arguments[1]);""",
                           url_part, timeout, list(element_ids), timeout=timeout + 10)

    def page_fill(self, url_part, element_id, value, timeout=20):
        """Types a value into a field of an add-on page."""
        return self.chrome(self._PAGE_SCRIPT + """
            return await pageDo(arguments[0], "fill", [arguments[2], arguments[3]], arguments[1]);""",
                           url_part, timeout, element_id, value, timeout=timeout + 10)

    # Extension pages live in the extension process: their text is read by a
    # frame script loaded into that page's <browser>, which answers over its
    # message manager.
    _PAGE_SCRIPT = """
        const browsers = () => {
          const out = [];
          for (const win of Services.wm.getEnumerator(null)) {
            const docs = [win.document];
            for (const b of win.document.querySelectorAll("browser")) {
              out.push(b);
              try { if (b.contentDocument) docs.push(b.contentDocument); } catch (e) {}
            }
            for (const d of docs.slice(1)) for (const b of d.querySelectorAll("browser")) out.push(b);
          }
          return out;
        };
        const pageDo = async (urlPart, action, arg, timeoutSeconds) => {
          const deadline = Date.now() + timeoutSeconds * 1000;
          let browser = null;
          while (Date.now() < deadline) {
            browser = browsers().find(b => b.currentURI && b.currentURI.spec.includes(urlPart));
            if (browser) break;
            await new Promise(r => setTimeout(r, 200));
          }
          if (!browser) throw new Error("no add-on page " + urlPart);
          const mm = browser.messageManager;
          const tag = "inkan-test:" + Math.random();
          const code = `
            const tag = ${JSON.stringify(tag)};
            const action = ${JSON.stringify(action)};
            const arg = ${JSON.stringify(arg)};
            const deadline = Date.now() + 15000;
            const attempt = () => {
              const doc = content.document;
              // Inkan's pages mark <html data-state="ready"> once they have rendered.
              const ready = doc.readyState == "complete" && doc.documentElement.dataset.state == "ready";
              if (!ready && Date.now() < deadline) { content.setTimeout(attempt, 100); return; }
              let value = null, error = null;
              try {
                if (action == "text") value = doc.body.innerText;
                else if (action == "values") {
                  value = {};
                  for (const id of arg) {
                    const el = doc.getElementById(id); if (!el) throw new Error("no element " + id);
                    value[id] = { value: el.type == "checkbox" ? el.checked : (el.value ?? null),
                                  open: el.open ?? null, hidden: el.hidden };
                  }
                }
                else if (action == "fill") {
                  const el = doc.getElementById(arg[0]); if (!el) throw new Error("no element " + arg[0]);
                  el.value = arg[1]; value = true;
                }
                else if (action == "set") {
                  const el = doc.getElementById(arg.id);
                  if (!el) throw new Error("no element " + arg.id);
                  if (el.type == "checkbox") el.checked = !!arg.value; else el.value = arg.value;
                  el.dispatchEvent(new content.Event("input", { bubbles: true }));
                  el.dispatchEvent(new content.Event("change", { bubbles: true }));
                  value = true;
                } else if (action == "file") {
                  const el = doc.getElementById(arg.id);
                  if (!el) throw new Error("no element " + arg.id);
                  const bytes = Uint8Array.from(atob(arg.data), c => c.charCodeAt(0));
                  const parts = Components.utils.cloneInto([bytes], content);
                  el.mozSetFileArray([new content.File(parts, arg.name)]);
                  el.dispatchEvent(new content.Event("change", { bubbles: true }));
                  value = true;
                } else { const el = doc.getElementById(arg); if (!el) throw new Error("no element " + arg); el.click(); value = true; }
              } catch (e) { error = String(e); }
              sendAsyncMessage(tag, { value, error });
            };
            attempt();`;
          return await new Promise((resolve, reject) => {
            const listener = { receiveMessage(msg) {
              mm.removeMessageListener(tag, listener);
              msg.data.error ? reject(new Error(msg.data.error)) : resolve(msg.data.value);
            } };
            mm.addMessageListener(tag, listener);
            mm.loadFrameScript("data:application/javascript;charset=utf-8," + encodeURIComponent(code), false);
            setTimeout(() => reject(new Error("page did not answer")), timeoutSeconds * 1000);
          });
        };"""

    def click_message_button(self, initial_label, timeout=20):
        """Clicks the add-on's button in the header of the displayed message, once
        the add-on has replaced the manifest's initial label with its verdict."""
        return self.chrome("""
            const id = arguments[0] + "-messageDisplayAction-toolbarbutton";
            const deadline = Date.now() + arguments[1] * 1000;
            while (Date.now() < deadline) {
              for (const win of Services.wm.getEnumerator("mail:3pane")) {
                const tabmail = win.document.getElementById("tabmail");
                const info = tabmail.currentTabInfo;
                const browser = info.chromeBrowser || info.browser;
                const doc = browser && browser.contentDocument;
                const mb = doc && (doc.getElementById("messageBrowser") || null);
                const about = mb ? mb.contentDocument : doc;
                const button = about && about.getElementById(id);
                if (button && !button.disabled && button.getAttribute("label") &&
                    button.getAttribute("label") != arguments[2]) {
                  button.dispatchEvent(new about.defaultView.MouseEvent("mousedown", { button: 0, bubbles: true }));
                  return { label: button.getAttribute("label") };
                }
              }
              await new Promise(r => setTimeout(r, 200));
            }
            throw new Error("no message display button with a verdict");""", WIDGET, timeout, initial_label,
                           timeout=timeout + 10)

    def deliver_pop3(self, message_bytes):
        self.pop3.deliver(message_bytes)

    def get_new_mail(self, password="pop3-test"):
        ids = self.bridge("identities")
        account = next(i["accountId"] for i in ids if i["accountType"] == "pop3")
        return self.bridge("getNewMail", accountId=account, password=password)

    def stripped_raw(self, header_message_id):
        return base64.b64decode(self.bridge("strippedRaw", headerMessageId=header_message_id))

    def host_log_lines(self):
        if not os.path.exists(self.host_log):
            return []
        with open(self.host_log, encoding="utf-8", errors="replace") as f:
            return f.read().splitlines()

    def inkan(self, *args, timeout=60):
        """The inkan CLI on this run's store (INKAN_HOME), --json output parsed."""
        cli = os.environ.get("INKAN_CLI", "")
        proc = subprocess.run([cli, *args, "--json"], capture_output=True, timeout=timeout,
                              env={**os.environ, "INKAN_HOME": self.store})
        if proc.returncode != 0:
            raise AssertionError(f"inkan {' '.join(args)}: {proc.returncode} {proc.stderr.decode(errors='replace')}")
        return json.loads(proc.stdout)

    def thunderbird_log(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")


def message_id_of(data):
    """The Message-ID (without <>) of an RFC 5322 message."""
    import email
    msg = email.message_from_bytes(data)
    return (msg.get("Message-ID") or "").strip().strip("<>")


def dump(obj):
    return json.dumps(obj, indent=2, ensure_ascii=False)
