#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""cohortscope-cli over a corpus of commands: the output must not change by a byte.

  test-cli-corpus.py            run every command of corpus/commands.txt and
                                compare exit status, stdout, stderr and the
                                files written with corpus/expected/
  test-cli-corpus.py --update   run them and (re)write corpus/expected/

The commands cover every command of the CLI and its main options over the
demo cohort, the small fixtures in corpus/fixtures/ (written for this test)
and a stand-in FHIR server (fhir_standin.py, a thread of this process):
loads by type, by Group (_has, or reading the Group), by search, with
_revinclude, a bare CapabilityStatement, the page limit, the offline copy,
push and Group upload. It is the safety net of refactoring: a change that
means to change the output updates the expected files in the same commit,
which shows the change in the diff.

The commands run in order in one scratch folder (later commands read what
earlier ones wrote). Absolute paths and the server's port are written as
@FIX@, @TMP@ and @HOST@ in the expected files; a saved cohort's creation
time as @NOW@, a PDF's creation time as zeros. Output files above 256 KiB, PNG and PDF are compared by
SHA-256. Chart files depend on the fonts fontconfig picks for sans-serif:
when they are not the ones recorded in expected/fonts.txt (another machine),
the chart files are not compared and the test says so; everything else
still is.

CS_CLI names the built CLI (tests/meson.build sets it); without it the test
fails, it never skips.
"""

import hashlib
import difflib
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import fhir_standin  # noqa: E402

CORPUS = os.path.join(HERE, 'corpus')
FIXTURES = os.path.join(CORPUS, 'fixtures')
EXPECTED = os.path.join(CORPUS, 'expected')
HASHED_EXTENSIONS = ('.png', '.pdf')
HASH_ABOVE = 256 * 1024
CHART_EXTENSIONS = ('.png', '.pdf', '.svg')
ENV_WORD = re.compile(r'^[A-Z][A-Z0-9_]*=')
NAME = re.compile(r'^[a-z0-9][a-z0-9-]*$')
CREATED = re.compile(r'"created" : "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"')
PDF_DATE = re.compile(rb'/(CreationDate|ModDate) \(D:[0-9Z+\'-]*\)')


def read_commands():
    """[(name, env, args)] from commands.txt: `name: [VAR=value …] arg …`"""
    commands = []
    with open(os.path.join(CORPUS, 'commands.txt'), encoding='utf-8') as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            name, sep, rest = line.partition(':')
            name = name.strip()
            if not sep or not NAME.match(name):
                raise SystemExit('commands.txt:%d: expected "name: arguments"' % number)
            words = shlex.split(rest)
            env = {}
            while words and ENV_WORD.match(words[0]):
                key, _, value = words.pop(0).partition('=')
                env[key] = value
            if any(c[0] == name for c in commands):
                raise SystemExit('commands.txt:%d: the name %s is used twice' % (number, name))
            commands.append((name, env, words))
    return commands


def font_files():
    """The font files fontconfig gives the charts, or None without fc-match."""
    if shutil.which('fc-match') is None:
        return None
    out = []
    for pattern in ('sans-serif', 'sans-serif:bold'):
        proc = subprocess.run(['fc-match', '-f', '%{file}', pattern], capture_output=True, text=True)
        out.append('%s: %s' % (pattern, os.path.basename(proc.stdout.strip())))
    return '\n'.join(out) + '\n'


class Corpus:
    def __init__(self, cli, update):
        self.cli = cli
        self.update = update
        self.failures = []
        self.written = set()
        self.tmp = tempfile.mkdtemp(prefix='cs-cli-corpus-')
        self.server, self.data, self.root = fhir_standin.start()
        self.host = self.root[len('http://'):].rstrip('/')
        fonts = font_files()
        recorded = self.read_expected('fonts.txt')
        self.compare_charts = update or (fonts is not None and fonts == recorded)
        if update and fonts is not None:
            self.write_expected('fonts.txt', fonts.encode())
        if not self.compare_charts:
            print('note: chart files are not compared: the fonts differ from those recorded '
                  '(have %r, recorded %r)' % (fonts, recorded))

    def close(self):
        self.server.shutdown()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def expand(self, word):
        return (word.replace('@FIX@', FIXTURES).replace('@TMP@', self.tmp)
                .replace('@OUT@', os.path.join(self.tmp, 'out'))
                .replace('@SERVER@', self.root + 'fhir/').replace('@REV@', self.root + 'rev/')
                .replace('@NOHAS@', self.root + 'nohas/').replace('@BARE@', self.root + 'bare/')
                .replace('@HOST@', self.host))

    def normalise(self, text):
        text = text.replace(os.path.join(self.tmp, 'out'), '@OUT@')
        text = text.replace(self.tmp, '@TMP@').replace(FIXTURES, '@FIX@').replace(self.host, '@HOST@')
        return CREATED.sub('"created" : "@NOW@"', text)

    def read_expected(self, name):
        try:
            with open(os.path.join(EXPECTED, name), 'rb') as f:
                return f.read().decode('utf-8', 'surrogateescape')
        except FileNotFoundError:
            return None

    def write_expected(self, name, data):
        os.makedirs(EXPECTED, exist_ok=True)
        with open(os.path.join(EXPECTED, name), 'wb') as f:
            f.write(data)
        self.written.add(name)

    def check(self, name, actual, is_chart=False):
        """Compares (or with --update writes) one expected file"""
        if self.update:
            self.write_expected(name, actual.encode('utf-8', 'surrogateescape'))
            return
        if is_chart and not self.compare_charts:
            return
        expected = self.read_expected(name)
        if expected is None:
            self.failures.append('%s: no expected file (run with --update and review the diff)' % name)
            return
        if expected != actual:
            diff = difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                        'expected/' + name, 'actual/' + name, n=2)
            shown = ''.join(list(diff)[:60])
            self.failures.append('%s differs:\n%s' % (name, shown))

    def run(self, name, env_extra, args):
        out_dir = os.path.join(self.tmp, 'out')
        shutil.rmtree(out_dir, ignore_errors=True)
        os.makedirs(out_dir)
        env = {k: v for k, v in os.environ.items() if not k.startswith('CS_FHIR_')}
        env.update(XDG_CACHE_HOME=os.path.join(self.tmp, 'cache'), LC_ALL='C.UTF-8', LANGUAGE='',
                   COLUMNS='100', NO_COLOR='1',
                   # the date in chart captions: the same on every day
                   SOURCE_DATE_EPOCH='1767225600')
        env.update({k: self.expand(v) for k, v in env_extra.items()})
        argv = [self.expand(a) for a in args]
        proc = subprocess.run([self.cli] + argv, capture_output=True, env=env, cwd=self.tmp, timeout=300)
        shown = ' '.join(shlex.quote(a) for a in args)
        envs = ''.join('%s=%s ' % (k, shlex.quote(v)) for k, v in env_extra.items())
        record = ['$ %scohortscope-cli %s\n' % (envs, shown), 'exit: %d\n' % proc.returncode]
        for stream, data in (('stdout', proc.stdout), ('stderr', proc.stderr)):
            text = self.normalise(data.decode('utf-8', 'surrogateescape'))
            record.append('--- %s%s\n' % (stream, '' if text.endswith('\n') or not text else ' (no newline at end)'))
            record.append(text if text.endswith('\n') or not text else text + '\n')
        for file in sorted(os.listdir(out_dir)):
            with open(os.path.join(out_dir, file), 'rb') as f:
                data = f.read()
            is_chart = file.endswith(CHART_EXTENSIONS) and args[:1] == ['chart']
            if file.endswith('.pdf'):
                # cairo writes the time of the export; the same length keeps offsets
                data = PDF_DATE.sub(lambda m: re.sub(rb'[0-9]', b'0', m.group(0)), data)
            if file.endswith(HASHED_EXTENSIONS) or len(data) > HASH_ABOVE:
                line = 'sha256 %s, %d bytes\n' % (hashlib.sha256(data).hexdigest(), len(data))
                if is_chart:
                    self.check('%s.%s.sha256' % (name, file), line, is_chart=True)
                    record.append('--- file %s: see %s.%s.sha256\n' % (file, name, file))
                else:
                    record.append('--- file %s: %s' % (file, line))
            else:
                self.check('%s.%s' % (name, file), self.normalise(data.decode('utf-8', 'surrogateescape')),
                           is_chart=is_chart)
                record.append('--- file %s: see %s.%s\n' % (file, name, file))
        self.check(name + '.txt', ''.join(record))


def main():
    update = '--update' in sys.argv[1:]
    cli = os.environ.get('CS_CLI', '')
    for arg in sys.argv[1:]:
        if arg.startswith('--cli='):
            cli = arg[len('--cli='):]
    if not cli or not os.access(cli, os.X_OK):
        print('FAIL: CS_CLI (or --cli=PATH) does not name the built cohortscope-cli')
        return 1
    cli = os.path.abspath(cli)   # the commands run in a scratch folder
    # Fontconfig keeps its caches until exit; under AddressSanitizer that is
    # reported as a leak: use the project's suppressions for third-party code
    # (scripts/dev.sh sets them itself), and never let LeakSanitizer list the
    # suppressions it used on stderr, which is part of what is compared
    supp = os.path.join(os.environ.get('CS_SOURCE_ROOT', os.path.join(HERE, '..', '..')), 'tests', 'lsan.supp')
    lsan = os.environ.get('LSAN_OPTIONS', '')
    if os.path.exists(supp) and 'suppressions=' not in lsan:
        lsan = (lsan + ':' if lsan else '') + 'suppressions=%s' % supp
    if 'print_suppressions=' not in lsan:
        lsan = (lsan + ':' if lsan else '') + 'print_suppressions=0'
    os.environ['LSAN_OPTIONS'] = lsan

    corpus = Corpus(cli, update)
    try:
        commands = read_commands()
        for name, env, args in commands:
            corpus.run(name, env, args)
            print('%s %s' % ('wrote' if update else 'ran', name), flush=True)
    finally:
        corpus.close()

    if update:
        stale = [f for f in os.listdir(EXPECTED) if f not in corpus.written and f != 'fonts.txt']
        for f in stale:
            os.unlink(os.path.join(EXPECTED, f))
        print('%d commands, %d expected files written, %d stale removed'
              % (len(commands), len(corpus.written), len(stale)))
        return 0
    names = {n for n, _, _ in commands}
    orphans = [f for f in os.listdir(EXPECTED) if f != 'fonts.txt' and f.split('.')[0] not in names]
    for f in orphans:
        corpus.failures.append('%s: expected file of no command in commands.txt' % f)
    for failure in corpus.failures:
        print('FAIL: ' + failure)
    print('%d commands, %d failures' % (len(commands), len(corpus.failures)))
    return 1 if corpus.failures else 0


if __name__ == '__main__':
    sys.exit(main())
