#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the German catalogue po/de.po.

1. msgfmt -c --check-format accepts it (syntax, header, placeholders).
2. The uninstalled cohortscope-cli speaks German: with LANGUAGE=de,
   LC_ALL=C.UTF-8 and COHORTSCOPE_LOCALEDIR=<build>/po, every line of its
   --help whose English text de.po translates must come out translated.
3. Every string of a freshly extracted template is translated: the test
   fails on any untranslated or fuzzy message and names the first ones
   (de.po must never fall behind the sources).
4. The mapping editor's terms are the same in the UI, the CLI and the help
   (po/de.po and help/de/de.po):
   - the data steward's mapping (its file, page and editor): "Mapping"
     (das Mapping, die Mapping-Datei, die Seite Mapping), never "Zuordnung";
   - a value map (a ConceptMap in the mapping): "Werteliste";
   - running a mapping over rows: "abbilden" (Zeilen werden abgebildet);
   - a value that a value list gives a code: "zugeordnet", one such entry
     of a ConceptMap "Zuordnung" ("nicht zugeordnet" for unmapped).
   A message naming the mapping must say "Mapping" and, unless it is about
   a value list's entries, not "Zuordnung"; one naming a value map must say
   "Werteliste"; none may say "Zuordnungsdatei", "Werte-Mapping" or
   "Werteabbildung" (the words the catalogues mixed before).

Usage: check-po-de.py SOURCE_ROOT BUILD_ROOT CLI
Exit status: 0 pass, 1 fail, 77 skip (gettext tools or the .mo missing).
"""

import gettext
import os
import re
import shutil
import subprocess
import sys
import tempfile


# The keywords and flags of meson's i18n.gettext (preset: 'glib').
XGETTEXT_ARGS = [
    '--from-code=UTF-8', '--add-comments',
    '--keyword=_', '--keyword=N_', '--keyword=C_:1c,2', '--keyword=NC_:1c,2',
    '--keyword=g_dcgettext:2', '--keyword=g_dngettext:2,3', '--keyword=g_dpgettext2:2c,3',
    '--flag=N_:1:pass-c-format', '--flag=C_:2:pass-c-format', '--flag=NC_:2:pass-c-format',
    '--flag=g_dngettext:2:pass-c-format', '--flag=g_strdup_printf:1:c-format',
    '--flag=g_string_printf:2:c-format', '--flag=g_string_append_printf:2:c-format',
    '--flag=g_error_new:3:c-format', '--flag=g_set_error:4:c-format',
]


def fail(message):
    print('FAIL: ' + message)
    sys.exit(1)


def skip(message):
    print('SKIP: ' + message)
    sys.exit(77)


def run(argv, **kwargs):
    return subprocess.run(argv, capture_output=True, text=True, **kwargs)


def check_msgfmt(po_path, tmpdir):
    mo_path = os.path.join(tmpdir, 'de.mo')
    proc = run(['msgfmt', '-c', '--check-format', '--statistics', '-o', mo_path, po_path])
    if proc.returncode != 0:
        fail('msgfmt -c rejects %s:\n%s' % (po_path, proc.stderr))
    print('msgfmt -c: ok (%s)' % proc.stderr.strip())
    return mo_path


def check_cli_german(cli, build_root, mo_path):
    localedir = os.path.join(build_root, 'po')
    built_mo = os.path.join(localedir, 'de', 'LC_MESSAGES', 'cohortscope.mo')
    if not os.path.exists(built_mo):
        fail('%s is missing although the build makes it (po/meson.build)' % built_mo)

    with open(mo_path, 'rb') as f:
        catalogue = gettext.GNUTranslations(f)

    env = dict(os.environ)
    for name in ('LANG', 'LC_MESSAGES', 'LANGUAGE', 'COHORTSCOPE_LOCALEDIR'):
        env.pop(name, None)
    # C.UTF-8 always exists and, unlike "C", lets glibc honour LANGUAGE.
    env['LC_ALL'] = 'C.UTF-8'
    english = run([cli, '--help'], env=env)
    env['LANGUAGE'] = 'de'
    env['COHORTSCOPE_LOCALEDIR'] = localedir
    german = run([cli, '--help'], env=env)
    if english.returncode != 0 or german.returncode != 0:
        fail('cohortscope-cli --help failed:\n%s%s' % (english.stderr, german.stderr))

    # "  summary    Count resources, patients and variables" → the summary text.
    expected = []
    for line in english.stdout.splitlines():
        match = re.match(r'^  (\S+)\s+(.+)$', line)
        text = match.group(2) if match else line.strip()
        if not text:
            continue
        translated = catalogue.gettext(text)
        if translated != text:
            expected.append((text, translated))

    if not any(text == 'Commands:' for text, _ in expected):
        fail('de.po does not translate "Commands:" of cohortscope-cli --help')
    summaries = [pair for pair in expected if pair[0] != 'Commands:' and not pair[0].startswith(('Usage', 'Run '))]
    if not summaries:
        fail('de.po translates none of the command summaries of cohortscope-cli --help')

    for text, translated in expected:
        if translated not in german.stdout:
            fail('cohortscope-cli --help with LANGUAGE=de does not show "%s" for "%s"; output:\n%s'
                 % (translated, text, german.stdout))
    print('cohortscope-cli --help in German: %u translated lines found, e.g. "%s"'
          % (len(expected), summaries[0][1]))

    # Error messages with 64-bit byte offsets must be translatable too (a
    # G_GUINT64_FORMAT inside _() used to cut the msgid short, so these stayed
    # English whatever the catalogue said).
    import tempfile
    with tempfile.NamedTemporaryFile('w', suffix='.json', delete=False) as f:
        f.write('{"resourceType":"Patient",')
        truncated = f.name
    try:
        result = run([cli, 'summary', '--source', truncated], env=env)
    finally:
        os.unlink(truncated)
    if result.returncode != 1 or 'Byte 26' not in result.stderr:
        fail('a JSON error in German should name "Byte 26"; got (exit %d):\n%s'
             % (result.returncode, result.stderr))


def po_entries(path):
    """(English, German) of each translated message of a catalogue"""
    proc = run(['msgcat', '--no-wrap', path])
    if proc.returncode != 0:
        fail('msgcat cannot read %s:\n%s' % (path, proc.stderr))
    for block in proc.stdout.split('\n\n'):
        fields = {}
        for line in block.split('\n'):
            match = re.match(r'(msgid|msgid_plural|msgstr(?:\[\d+\])?) "(.*)"$', line)
            if match:
                fields[match.group(1)] = match.group(2)
        german = ' '.join(v for k, v in fields.items() if k.startswith('msgstr') and v)
        if fields.get('msgid') and german:
            yield fields['msgid'] + ' ' + fields.get('msgid_plural', ''), german


# The mapping as a noun ("the mapping", "mappings", "Mapping (JSON)"), not the
# verb ("Mapping the table", "Mapping %s: 40 %"), an option or a format name
MAPPING_NOUN = re.compile(r'(?<![-\w])mappings?(?![-\w])(?! the\b)(?! %s)', re.I)
VALUE_MAP = re.compile(r'\bvalue maps?\b', re.I)
# Messages about a value list's entries, where "Zuordnung" is the term
VALUE_LEVEL = re.compile(r'conditional maps|“%s” (?:map|mapping)\b|\bunmapped\b|\bvalue maps?\b', re.I)
MIXED_WORDS = re.compile(r'Zuordnungsdatei|Werte-Mapping|Werteabbildung')


def check_terms(paths):
    wrong = []
    for path in paths:
        for english, german in po_entries(path):
            # an option, a format name, a ConceptMap entry ("an “equivalent” mapping")
            english_words = re.sub(r'--mapping|cohortscope-mapping|MAPPING\.json|“%s” mapping', '', english)
            if MAPPING_NOUN.search(english_words) and (
                    not re.search('mapping', german, re.I)
                    or ('Zuordnung' in german and not VALUE_LEVEL.search(english))):
                wrong.append('%s: “%s” → “%s” (say “Mapping”)' % (path, english.strip(), german))
            elif VALUE_MAP.search(english) and 'Werteliste' not in german:
                wrong.append('%s: “%s” → “%s” (say “Werteliste”)' % (path, english.strip(), german))
            elif MIXED_WORDS.search(german):
                wrong.append('%s: “%s” → “%s” (say “Mapping-Datei”, “Werteliste”)' % (path, english.strip(),
                                                                                          german))
    if wrong:
        fail('%u German messages use other words for the mapping editor\'s terms (first 10):\n  %s'
             % (len(wrong), '\n  '.join(wrong[:10])))
    print('German terms of the mapping editor: ok')


def check_share(source_root, po_path, tmpdir):
    with open(os.path.join(source_root, 'po', 'POTFILES.in'), encoding='utf-8') as f:
        files = [line.strip() for line in f
                 if line.strip() and not line.startswith('#')
                 and os.path.exists(os.path.join(source_root, line.strip()))]
    potfiles = os.path.join(tmpdir, 'POTFILES')
    with open(potfiles, 'w', encoding='utf-8') as f:
        f.write('\n'.join(files) + '\n')

    pot = os.path.join(tmpdir, 'fresh.pot')
    proc = run(['xgettext', '--package-name=cohortscope', '--directory=' + source_root,
                '--files-from=' + potfiles, '--output=' + pot] + XGETTEXT_ARGS)
    if proc.returncode != 0:
        fail('xgettext could not extract the strings:\n%s' % proc.stderr)

    merged = os.path.join(tmpdir, 'merged.po')
    proc = run(['msgmerge', '--quiet', '--no-fuzzy-matching', '-o', merged, po_path, pot])
    if proc.returncode != 0:
        fail('msgmerge failed:\n%s' % proc.stderr)
    # Drop the strings no longer in the sources before counting.
    proc = run(['msgattrib', '--no-obsolete', '-o', merged, merged])
    if proc.returncode != 0:
        fail('msgattrib failed:\n%s' % proc.stderr)

    proc = run(['msgfmt', '--statistics', '-o', os.devnull, merged])
    counts = {'translated': 0, 'fuzzy': 0, 'untranslated': 0}
    for number, kind in re.findall(r'(\d+) (translated|fuzzy|untranslated)', proc.stderr):
        counts[kind] = int(number)
    total = sum(counts.values())
    if total == 0:
        fail('the fresh template holds no strings: %s' % proc.stderr)
    print('de.po translates %u of %u strings (%u fuzzy, %u untranslated)'
          % (counts['translated'], total, counts['fuzzy'], counts['untranslated']))
    if counts['fuzzy'] or counts['untranslated']:
        missing = []
        for flag in ('--untranslated', '--only-fuzzy'):
            proc = run(['msgattrib', flag, '--no-obsolete', merged])
            missing += [m.replace('"\n"', '') for m in re.findall(r'^msgid (".*"(?:\n".*")*)', proc.stdout, re.M)
                        if m != '""']
        fail('update the German catalogue: ninja -C BUILD cohortscope-update-po, then translate po/de.po; '
             'not yet (first of %u): %s' % (len(missing), '; '.join(missing[:10])))


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        sys.exit(2)
    source_root, build_root, cli = sys.argv[1:]
    for tool in ('msgfmt', 'msgmerge', 'msgattrib', 'xgettext'):
        if shutil.which(tool) is None:
            skip('%s is not installed (Debian package gettext)' % tool)

    po_path = os.path.join(source_root, 'po', 'de.po')
    with tempfile.TemporaryDirectory() as tmpdir:
        mo_path = check_msgfmt(po_path, tmpdir)
        check_cli_german(cli, build_root, mo_path)
        check_share(source_root, po_path, tmpdir)
    check_terms([po_path, os.path.join(source_root, 'help', 'de', 'de.po')])


if __name__ == '__main__':
    main()
