"""Lint of the MailExtension: Mozilla's addons-linter (what `web-ext lint`
runs) plus the add-on's own i18n rules.

addons-linter knows Firefox, not Thunderbird, so exactly these findings are
accepted, each for a stated reason; anything else fails:
  - MANIFEST_FIELD_PRIVILEGED on /experiment_apis: Firefox allows Experiments
    only in privileged add-ons; Thunderbird allows them in any add-on.
  - MANIFEST_PERMISSIONS for Thunderbird's own permissions (listed below).
  - MISSING_DATA_COLLECTION_PERMISSIONS: a Firefox-only manifest key that
    Thunderbird 128 does not know.
Own rules: en and ja have the same keys, every key has a description, every
__MSG_key__ and every i18n key named in code exists, and HTML holds no text
outside __MSG_key__ placeholders.

usage: lint_extension.py EXTENSION_DIR   (installs the pinned linter with `npm ci` when missing)
"""
import html.parser
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
THUNDERBIRD_PERMISSIONS = {"accountsRead", "compose", "compose.save", "compose.send", "messagesRead",
                           "messagesDelete", "messagesImport", "messagesMove", "addressBooks"}


def run_linter(extension):
    linter = os.path.join(HERE, "node_modules", ".bin", "addons-linter")
    if not os.path.exists(linter):
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True)
    proc = subprocess.run([linter, "--self-hosted", "--output", "json", "--boring", extension],
                          capture_output=True, text=True, timeout=300)
    report = json.loads(proc.stdout)
    problems = []
    for kind in ("errors", "warnings", "notices"):
        for f in report[kind]:
            code, message = f["code"], f.get("message", "")
            if code == "MANIFEST_FIELD_PRIVILEGED" and "/experiment_apis" in message:
                continue
            if code == "MANIFEST_PERMISSIONS":
                m = re.search(r'"([^"]+)"', message)
                if m and m.group(1) in THUNDERBIRD_PERMISSIONS:
                    continue
            if code == "MISSING_DATA_COLLECTION_PERMISSIONS":
                continue
            problems.append(f"addons-linter {kind[:-1]} {code}: {message} ({f.get('file')}:{f.get('line')})")
    return problems


class TextFinder(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.loose = []

    def handle_data(self, data):
        rest = re.sub(r"__MSG_[A-Za-z0-9_@]+__", "", data).strip()
        if rest:
            self.loose.append(rest)


def check_i18n(extension):
    problems = []
    catalogs = {}
    for lang in ("en", "ja"):
        with open(os.path.join(extension, "_locales", lang, "messages.json"), encoding="utf-8") as f:
            catalogs[lang] = json.load(f)
    if set(catalogs["en"]) != set(catalogs["ja"]):
        problems.append(f"en/ja keys differ: {sorted(set(catalogs['en']) ^ set(catalogs['ja']))}")
    for lang, cat in catalogs.items():
        for key, entry in cat.items():
            if not entry.get("description"):
                problems.append(f"{lang}: {key} has no description")
            named = set(re.findall(r"\$([A-Za-z0-9_]+)\$", entry["message"]))
            declared = {k.upper() for k in entry.get("placeholders", {})}
            if {n.upper() for n in named} != declared:
                problems.append(f"{lang}: {key} placeholders {sorted(named)} vs declared {sorted(declared)}")
    keys = set(catalogs["en"])
    used = set()
    # Keys built from a code (status_, reason_, button_, report_, error_, …) are
    # checked by prefix: the prefix must exist in the catalog.
    prefixes = set()
    for root, _, files in os.walk(extension):
        for name in files:
            path = os.path.join(root, name)
            if not name.endswith((".js", ".mjs", ".html", ".json")) or "_locales" in path:
                continue
            with open(path, encoding="utf-8") as f:
                text = f.read()
            used |= set(re.findall(r"__MSG_([A-Za-z0-9_@]+)__", text))
            used |= set(re.findall(r"""\bt\(\s*["']([A-Za-z0-9_]+)["']""", text))
            used |= set(re.findall(r"""getMessage\(\s*["']([A-Za-z0-9_]+)["']""", text))
            prefixes |= set(re.findall(r"""(?:\bt|getMessage)\(\s*`([A-Za-z0-9]+_)\$\{""", text))
            if name.endswith(".html"):
                finder = TextFinder()
                finder.feed(text)
                for loose in finder.loose:
                    problems.append(f"{os.path.relpath(path, extension)}: text outside _locales: {loose!r}")
    used.discard("key")  # "__MSG_key__" in comments describes the pattern itself
    for key in sorted(used - keys):
        problems.append(f"i18n key used but missing: {key}")
    for prefix in sorted(prefixes):
        if not any(k.startswith(prefix) for k in keys):
            problems.append(f"no i18n keys with prefix {prefix}")
    return problems


def main():
    extension = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "extension"))
    problems = run_linter(extension) + check_i18n(extension)
    for p in problems:
        print("FAIL", p)
    print(f"lint: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
