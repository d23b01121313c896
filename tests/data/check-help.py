#!/usr/bin/env python3
"""Checks the Mallard help (help/): the pages validate (yelp-check validate),
every xref and figure resolves (yelp-check links / media), every page is
listed in help/meson.build, and each translation in help/LINGUAS is complete
for the current pages (itstool's messages against the catalogue: nothing
missing, nothing fuzzy or empty, msgfmt -c clean) and its merged pages
validate too.

Usage: check-help.py SOURCE_ROOT
Skips (77) only when yelp-check (yelp-tools), itstool or msgfmt (gettext) is
not installed, naming the Debian package.
"""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

root = os.path.abspath(sys.argv[1])
help_dir = os.path.join(root, "help")
c_dir = os.path.join(help_dir, "C")

for tool, package in (("yelp-check", "yelp-tools"), ("itstool", "itstool"), ("msgfmt", "gettext")):
    if shutil.which(tool) is None:
        print(f"SKIP: {tool} is not installed (Debian package {package}, scripts/deps-debian.txt)")
        sys.exit(77)

failures = []


def run(args, cwd):
    p = subprocess.run(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return p.returncode, p.stdout.strip()


def check_pages(directory, label):
    pages = sorted(f for f in os.listdir(directory) if f.endswith(".page"))
    if "index.page" not in pages:
        failures.append(f"{label}: no index.page")
    rc, out = run(["yelp-check", "validate"] + pages, directory)
    if rc != 0 or out:
        failures.append(f"{label}: yelp-check validate:\n{out}")
    for what in ("links", "media", "orphans"):
        rc, out = run(["yelp-check", what, "."], directory)
        if rc != 0 or out:
            failures.append(f"{label}: yelp-check {what}:\n{out}")
    return pages


pages = check_pages(c_dir, "help/C")

with open(os.path.join(help_dir, "meson.build"), encoding="utf-8") as f:
    build = f.read()
for page in pages:
    if f"'{page}'" not in build:
        failures.append(f"help/meson.build: {page} is not in help_pages, so it is not installed")
for figure in sorted(os.listdir(os.path.join(c_dir, "figures"))):
    if f"'figures/{figure}'" not in build:
        failures.append(f"help/meson.build: figures/{figure} is not in help_media, so it is not installed")

sources = pages + ["legal.xml"]


def po_messages(path):
    """(msgctxt, msgid) -> (msgstr, fuzzy) of a catalogue, read through msgcat so that
    every message is on one line."""
    text = subprocess.run(["msgcat", "--no-wrap", path], stdout=subprocess.PIPE, check=True,
                          text=True).stdout
    messages = {}
    for block in text.split("\n\n"):
        fuzzy = re.search(r"^#,.*\bfuzzy\b", block, re.M) is not None
        ctxt = re.search(r'^msgctxt "(.*)"$', block, re.M)
        msgid = re.search(r'^msgid "(.*)"$', block, re.M)
        msgstr = re.search(r'^msgstr "(.*)"$', block, re.M)
        if msgid is None or msgid.group(1) == "" or block.lstrip().startswith("#~"):
            continue
        messages[(ctxt.group(1) if ctxt else None, msgid.group(1))] = (msgstr.group(1) if msgstr else "", fuzzy)
    return messages


with tempfile.TemporaryDirectory() as tmp:
    pot = os.path.join(tmp, "help.pot")
    rc, out = run(["itstool", "-o", pot] + sources, c_dir)
    if rc != 0:
        failures.append(f"itstool could not extract the messages:\n{out}")
        current = {}
    else:
        current = po_messages(pot)

    with open(os.path.join(help_dir, "LINGUAS"), encoding="utf-8") as f:
        languages = [w for line in f for w in line.split("#")[0].split()]
    for lang in languages:
        po = os.path.join(help_dir, lang, f"{lang}.po")
        if not os.path.exists(po):
            failures.append(f"help/{lang}/{lang}.po is missing (help/LINGUAS lists {lang})")
            continue
        mo = os.path.join(tmp, f"{lang}.mo")
        rc, out = run(["msgfmt", "-c", "-o", mo, po], help_dir)
        if rc != 0:
            failures.append(f"msgfmt -c help/{lang}/{lang}.po:\n{out}")
            continue
        translated = po_messages(po)
        n_failures = len(failures)
        for key in current:
            msgstr, fuzzy = translated.get(key, ("", False))
            if key not in translated:
                failures.append(f"help/{lang}/{lang}.po lacks (run ninja help-cohortscope-update-po): {key[1][:100]}")
            elif fuzzy or msgstr == "":
                failures.append(f"help/{lang}/{lang}.po: {'fuzzy' if fuzzy else 'untranslated'}: {key[1][:100]}")
        out_dir = os.path.join(tmp, lang)
        os.makedirs(out_dir)
        rc, out = run(["itstool", "-m", mo, "-o", out_dir + os.sep] + sources, c_dir)
        if rc != 0:
            failures.append(f"itstool could not merge help/{lang}/{lang}.po:\n{out}")
            continue
        shutil.copytree(os.path.join(c_dir, "figures"), os.path.join(out_dir, "figures"))
        check_pages(out_dir, f"help/{lang} (merged)")
        if len(failures) == n_failures:
            print(f"help/{lang}: {len(current)} messages, all translated; the merged pages validate")

# Every control a page names (<gui>…</gui>) is one the application shows:
# a message of po/cohortscope's catalogue (mnemonics left out), or the start
# of one ("Only these types" of "Only these types, e.g. …"). A renamed
# button fails here until the pages follow.
ui_strings = set()
with open(os.path.join(root, "po", "de.po"), encoding="utf-8") as f:
    for m in re.finditer(r'^msgid "(.*)"$', f.read(), re.M):
        ui_strings.add(m.group(1).replace("_", "").replace('\\"', '"'))
SYMBOLS = {"+", "×", "X", "Y"}
for page in sorted(glob.glob(os.path.join(c_dir, "*.page"))):
    with open(page, encoding="utf-8") as f:
        text = f.read()
    for label in sorted(set(re.findall(r"<gui(?: [^>]*)?>([^<]*)</gui>", text))):
        label = " ".join(label.split())
        if label in SYMBOLS or label in ui_strings or any(u.startswith(label) for u in ui_strings):
            continue
        failures.append(f"help/C/{os.path.basename(page)} names <gui>{label}</gui>, which the application "
                        "does not show (no such message in po/de.po)")

print(f"help/C: {len(pages)} pages")
if failures:
    for f in failures:
        print("FAIL:", f)
    sys.exit(1)
