"""A fresh Thunderbird profile for one test run (prefs from the research recipe).

Accounts exist purely through user.js: account1 is POP3 on 127.0.0.1 (never
polled by itself), account2 is Local Folders; identity id1 sends through the
SMTP sink and files copies in Local Folders/Sent, drafts in Local
Folders/Drafts. The add-on is side-loaded as <profile>/extensions/<id>.xpi.
"""
import json
import os
import subprocess
import zipfile

ADDON_ID = "inkan@inkan.org"
HOST_NAME = "org.inkan.host"


def pack_xpi(extension_dir, xpi_path):
    """Zips the extension folder (what `web-ext build` would produce, minus docs)."""
    with zipfile.ZipFile(xpi_path, "w", zipfile.ZIP_DEFLATED) as z:
        for root, dirs, files in os.walk(extension_dir):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if name.startswith(".") or name == "README.md":
                    continue
                full = os.path.join(root, name)
                z.write(full, os.path.relpath(full, extension_dir))
    return xpi_path


def _pref(name, value):
    return f"user_pref({json.dumps(name)}, {json.dumps(value)});\n"


def write_profile(profile_dir, *, xpi, smtp_port, pop3_port, marionette_port, locale="en-US",
                  identity_name="Alice Example", identity_email="alice@example.org", pop3_user="alice",
                  extra_prefs=None):
    os.makedirs(os.path.join(profile_dir, "extensions"), exist_ok=True)
    with open(xpi, "rb") as src, open(os.path.join(profile_dir, "extensions", ADDON_ID + ".xpi"), "wb") as dst:
        dst.write(src.read())
    prefs = {
        # No first-run, default-client or telemetry dialogs.
        "mail.provider.suppress_dialog_on_startup": True,
        "mail.shell.checkDefaultClient": False,
        "mailnews.start_page.enabled": False,
        "mail.spotlight.firstRunDone": True,
        "mail.rights.override": True,
        "datareporting.policy.dataSubmissionEnabled": False,
        "datareporting.healthreport.uploadEnabled": False,
        "toolkit.telemetry.reportingpolicy.firstRun": False,
        "app.update.disabledForTesting": True,
        "mail.tabs.firstTab.startupURI": "about:blank",
        "browser.dom.window.dump.enabled": True,
        "devtools.console.stdout.chrome": True,
        "devtools.console.stdout.content": True,
        # Side-loaded, unsigned add-on enabled without a prompt; the ja langpack
        # lives in the application scope.
        "extensions.autoDisableScopes": 0,
        "extensions.enabledScopes": 15,
        "xpinstall.signatures.required": False,
        "extensions.inkan.testBridge": True,
        # UI language (needs the langpack: Debian's thunderbird-l10n-ja).
        "intl.locale.requested": locale,
        "marionette.port": marionette_port,
        # Accounts.
        "mail.accountmanager.accounts": "account1,account2",
        "mail.accountmanager.defaultaccount": "account1",
        "mail.accountmanager.localfoldersserver": "server2",
        "mail.account.account1.server": "server1",
        "mail.account.account1.identities": "id1",
        "mail.account.account2.server": "server2",
        "mail.server.server1.type": "pop3",
        "mail.server.server1.hostname": "127.0.0.1",
        "mail.server.server1.port": pop3_port,
        "mail.server.server1.userName": pop3_user,
        "mail.server.server1.name": identity_email,
        "mail.server.server1.login_at_startup": False,
        "mail.server.server1.check_new_mail": False,
        "mail.server.server1.directory-rel": "[ProfD]Mail/127.0.0.1",
        "mail.server.server2.type": "none",
        "mail.server.server2.hostname": "Local Folders",
        "mail.server.server2.userName": "nobody",
        "mail.server.server2.name": "Local Folders",
        "mail.server.server2.directory-rel": "[ProfD]Mail/Local Folders",
        "mail.identity.id1.fullName": identity_name,
        "mail.identity.id1.useremail": identity_email,
        "mail.identity.id1.smtpServer": "smtp1",
        "mail.identity.id1.valid": True,
        "mail.identity.id1.compose_html": False,
        "mail.identity.id1.fcc_folder": "mailbox://nobody@Local%20Folders/Sent",
        "mail.identity.id1.fcc_folder_picker_mode": "1",
        "mail.identity.id1.draft_folder": "mailbox://nobody@Local%20Folders/Drafts",
        "mail.identity.id1.drafts_folder_picker_mode": "1",
        "mail.smtpservers": "smtp1",
        "mail.smtp.defaultserver": "smtp1",
        "mail.smtpserver.smtp1.type": "smtp",
        "mail.smtpserver.smtp1.hostname": "127.0.0.1",
        "mail.smtpserver.smtp1.port": smtp_port,
        "mail.smtpserver.smtp1.authMethod": 1,
        "mail.smtpserver.smtp1.try_ssl": 0,
    }
    prefs.update(extra_prefs or {})
    with open(os.path.join(profile_dir, "user.js"), "w") as f:
        for name, value in prefs.items():
            f.write(_pref(name, value))


def register_host(home_dir, host_path):
    """Registers the native host for the add-on under a private HOME (user scope),
    with the project's own installer: scripts/install-host.sh --in-place."""
    installer = os.path.join(os.path.dirname(__file__), "..", "..", "..", "scripts", "install-host.sh")
    subprocess.run(["bash", installer, "--host", os.path.abspath(host_path), "--in-place"],
                   env={**os.environ, "HOME": home_dir}, check=True, capture_output=True, timeout=60)
    path = os.path.join(home_dir, ".mozilla", "native-messaging-hosts", HOST_NAME + ".json")
    with open(path) as f:
        manifest = json.load(f)
    assert manifest["allowed_extensions"] == [ADDON_ID] and manifest["path"] == os.path.realpath(host_path), manifest
    return path
