#!/usr/bin/python3
# test-fhir-server.py: cohortscope-cli against a real FHIR server
#
# Starts tests/fhir/server (the @medplum/fhir-router in-memory server behind a
# small Node front end that adds Bundle.link paging and /metadata) on
# 127.0.0.1, uploads the demo cohort (and the Synthea bundles when the shared
# data is present) with `push`, and checks that `summary`, `variables` and
# `table` give the same answers from the server (small _count, so paging is
# exercised) as from the files. `push` twice must not change the server's
# resource count. A filtered cohort goes back as a Group (`cohort
# --group-push`): its members are the filtered set, pushing again changes
# nothing, and a changed cohort updates the same Group. A CapabilityStatement
# that lists nothing (or none) gives the same load, with stderr saying why.
# Exit 77 (skip) only when node/npm are not installed (packages nodejs and npm, in
# scripts/deps-debian.txt) or CS_SKIP_NETWORK_TESTS=1 forbids `npm ci`; a failed `npm ci` is a failure,
# since CI reaches the npm registry.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import urllib.request

SKIP = 77
CLI = os.environ.get('CS_CLI')
SOURCE_ROOT = os.environ.get('CS_SOURCE_ROOT', os.path.join(os.path.dirname(__file__), '..', '..'))
SERVER_DIR = os.path.join(SOURCE_ROOT, 'tests', 'fhir', 'server')
SHARED = os.environ.get('CS_SHARED_DATA', '')
SYNTHEA = os.path.join(SHARED, 'synthea-r4') if SHARED else ''
# Types a cohort load does not fetch: they are not patient data
NOT_PATIENT_DATA = {'Device', 'Organization', 'Practitioner', 'PractitionerRole', 'Location', 'Medication'}

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print('FAIL: ' + message, file=sys.stderr)
    else:
        print('ok: ' + message)


def run(args, env=None, expect=0):
    result = subprocess.run([CLI] + args, capture_output=True, text=True, env=env, timeout=600)
    if result.returncode != expect:
        print(result.stdout[-2000:], file=sys.stderr)
        print(result.stderr[-4000:], file=sys.stderr)
        raise SystemExit('cohortscope-cli %s exited with %d' % (' '.join(args), result.returncode))
    return result.stdout


def start_server():
    if shutil.which('node') is None or shutil.which('npm') is None:
        print('SKIP: node or npm is not installed (packages nodejs and npm, in scripts/deps-debian.txt)')
        raise SystemExit(SKIP)
    if os.environ.get('CS_SKIP_NETWORK_TESTS') == '1':
        print('SKIP: CS_SKIP_NETWORK_TESTS=1 forbids npm ci, which installs the test server')
        raise SystemExit(SKIP)
    npm = subprocess.run(['npm', 'ci', '--no-audit', '--no-fund'], cwd=SERVER_DIR,
                         capture_output=True, text=True, timeout=600)
    if npm.returncode != 0:
        print(npm.stdout[-2000:], npm.stderr[-2000:])
        print('FAIL: npm ci could not install the test server (tests/fhir/server/package-lock.json)')
        raise SystemExit(1)
    proc = subprocess.Popen(['node', 'server.mjs', '0'], cwd=SERVER_DIR,
                            stdout=subprocess.PIPE, text=True)
    port = []

    def read_port():
        line = proc.stdout.readline()
        if line.startswith('PORT '):
            port.append(int(line.split()[1]))

    reader = threading.Thread(target=read_port, daemon=True)
    reader.start()
    reader.join(180)
    if not port:
        proc.kill()
        raise SystemExit('the test FHIR server did not start')
    return proc, port[0]


def counts(port):
    with urllib.request.urlopen('http://127.0.0.1:%d/_cs/counts' % port, timeout=60) as answer:
        return json.load(answer)


def push(port, path, extra=()):
    out = run(['push', '--server', 'http://127.0.0.1:%d/' % port, path, '--json'] + list(extra))
    return json.loads(out)


def compare(port, file_sources, label):
    url = 'http://127.0.0.1:%d/?_count=50' % port
    files = []
    for f in file_sources:
        files += ['--source', f]

    server_summary = json.loads(run(['summary', '--source', url, '--json']))
    file_summary = json.loads(run(['summary'] + files + ['--json']))
    check(server_summary['patients'] == file_summary['patients'],
          '%s: same number of patients (%d)' % (label, file_summary['patients']))
    check(server_summary['variables'] == file_summary['variables'],
          '%s: same number of variables (%d)' % (label, file_summary['variables']))
    for rtype, n in sorted(file_summary['resources'].items()):
        if rtype in NOT_PATIENT_DATA:
            check(rtype not in server_summary['resources'], '%s: %s is not fetched' % (label, rtype))
        else:
            check(server_summary['resources'].get(rtype) == n,
                  '%s: %s count %s == %d' % (label, rtype, server_summary['resources'].get(rtype), n))
    check(set(server_summary['resources']) <= set(file_summary['resources']),
          '%s: no resource types the files do not have' % label)

    # paging by the environment instead of the URL
    env = dict(os.environ, CS_FHIR_PAGE_SIZE='37')
    server_vars = run(['variables', '--source', 'http://127.0.0.1:%d/' % port, '--json'], env=env)
    file_vars = run(['variables'] + files + ['--json'])
    check(server_vars == file_vars, '%s: identical variables --json' % label)

    server_table = run(['table', '--source', url, '--format', 'csv'])
    file_table = run(['table'] + files + ['--format', 'csv'])
    check(server_table == file_table,
          '%s: identical table --format csv (%d lines)' % (label, file_table.count('\n')))


def bare_metadata(port):
    """A CapabilityStatement that lists no resource, or none at all: the load
    tries every Patient-compartment type and gets what a full one gives,
    and stderr says why it tried them all."""
    url = 'http://127.0.0.1:%d/?_count=50' % port
    full = run(['summary', '--source', url, '--json', '--no-cache'])
    for mode, says in (('bare', 'declares no type of the Patient compartment, so every one of them was tried'),
                       ('none', 'has no usable CapabilityStatement (GET ')):
        get_json('http://127.0.0.1:%d/_cs/metadata?mode=%s' % (port, mode))
        try:
            result = subprocess.run([CLI, 'summary', '--source', url, '--json', '--no-cache'],
                                    capture_output=True, text=True, timeout=600)
        finally:
            get_json('http://127.0.0.1:%d/_cs/metadata?mode=full' % port)
        check(result.returncode == 0 and result.stdout == full,
              'metadata %s: the same summary as with the full CapabilityStatement (%s)'
              % (mode, result.stdout.strip()[:200]))
        check(says in result.stderr and 'Loaded: Patient 40, ' in result.stderr,
              'metadata %s: stderr says why every type was tried and what was loaded' % mode)


def get_json(url):
    with urllib.request.urlopen(url, timeout=60) as answer:
        return json.load(answer)


def group_checks(port, tmp):
    """A filtered cohort of the server's data uploaded back to it as a Group."""
    url = 'http://127.0.0.1:%d/' % port
    paged = url + '?_count=50'
    expr = 'age_at_diagnosis > 65 and gender = "male"'
    name = 'Older men'

    # the filtered set, from the server's own data
    ids = run(['cohort', '--source', paged, '--filter', expr]).split()
    check(0 < len(ids) < 40, 'the filter selects %d of 40 patients' % len(ids))

    def group_push(extra=(), expect=0):
        result = subprocess.run([CLI, 'cohort', '--source', paged, '--filter', expr, '--name', name,
                                 '--group-push'] + list(extra),
                                capture_output=True, text=True, timeout=600)
        if result.returncode != expect:
            print(result.stderr[-4000:], file=sys.stderr)
            raise SystemExit('cohort --group-push exited with %d' % result.returncode)
        return result

    dry = group_push(['--dry-run'])
    check(dry.stdout.split() == ids, '--group-push keeps stdout the list of ids')
    check(' would be created: ' in dry.stderr, 'dry run: the Group would be created (%s)' % dry.stderr.strip())
    before = counts(port)
    check(before.get('Group', 0) == 0, 'the dry run sent nothing')

    first = group_push()
    check(' created: ' in first.stderr, 'first --group-push creates the Group')
    group_url = first.stderr.strip().split(': ')[-1].split(' (')[0]
    check(group_url.startswith(url + 'Group/cs-cohort-'), 'the Group URL is on the server: ' + group_url)
    group_id = group_url.rsplit('/', 1)[1]

    group = get_json(group_url)
    members = [m['entity']['reference'] for m in group.get('member', [])]
    check(group['resourceType'] == 'Group' and group['id'] == group_id, 'Group/%s reads back' % group_id)
    check(members == ['Patient/' + i for i in ids],
          'Group members are the filtered set (%d Patient references)' % len(members))
    check(group.get('quantity') == len(ids) and group.get('name') == name, 'Group quantity and name')
    for ref in members[:5]:
        patient = get_json(url + ref)
        check(patient['resourceType'] == 'Patient', '%s resolves on the server' % ref)
    after_first = counts(port)
    check(after_first.get('Group') == 1, 'one Group on the server')

    second = group_push()
    check(' unchanged: ' in second.stderr, 'second --group-push leaves the Group unchanged')
    check(counts(port) == after_first, 'second --group-push: still one Group, same counts')

    # A narrower filter under the same name updates the same Group
    narrower = subprocess.run([CLI, 'cohort', '--source', paged, '--filter', expr + ' and stage_group = "IV"',
                               '--name', name, '--group-push'], capture_output=True, text=True, timeout=600)
    check(narrower.returncode == 0 and ' updated: ' in narrower.stderr and group_id in narrower.stderr,
          'a changed cohort with the same name updates Group/%s' % group_id)
    check(counts(port).get('Group') == 1, 'still one Group after the update')
    check(len(get_json(group_url).get('member', [])) == len(narrower.stdout.split()),
          'the updated Group has the narrower cohort\'s members')

    # Loading the Group back as a cohort gives the same patients
    saved = os.path.join(tmp, 'group.json')
    with open(saved, 'w') as f:
        json.dump(get_json(group_url), f)
    reopened = run(['cohort', '--source', paged, '--open', saved]).split()
    check(reopened == narrower.stdout.split(), 'the uploaded Group opens as the same cohort')

    # Loading only the Group's members from the server: the server declares
    # _has, so Patient?_has:Group:member:_id=… pages through them and the
    # Group itself is not read; their data come with them.
    columns = 'gender,age_at_diagnosis,stage_group,t_stage,cea,study_date,original_firstorder_mean'
    by_group = run(['table', '--source', paged, '--server-group', group_id, '--no-cache', '--columns', columns])
    whole = run(['table', '--source', paged, '--no-cache', '--columns', columns,
                 '--filter', expr + ' and stage_group = "IV"'])
    if by_group != whole:
        print('by group:\n%s\nwhole, filtered:\n%s' % (by_group, whole), file=sys.stderr)
    check(by_group == whole, '--server-group %s: the same table as the filtered whole cohort (%d rows)'
          % (group_id, len(whole.splitlines()) - 1))
    # GLib writes debug messages to stdout
    requests = [line for line in run(['summary', '--source', paged, '--server-group', group_id, '--no-cache'],
                                     env=dict(os.environ, G_MESSAGES_DEBUG='cs-fhir')).splitlines()
                if 'cs-fhir-DEBUG' in line and ' GET ' in line]
    check(any('/Patient?_has:Group:member:_id=%s' % group_id in r for r in requests)
          and not any('/Group/' in r for r in requests),
          'the members came by _has; Group/%s was not read (%d requests)' % (group_id, len(requests)))
    by_ref = run(['cohort', '--source', paged, '--server-group', 'Group/' + group_id, '--no-cache',
                  '--filter', 'gender = "male"']).split()
    check(by_ref == narrower.stdout.split(), '--server-group takes Group/ID too')
    missing = subprocess.run([CLI, 'summary', '--source', paged, '--server-group', 'no-such-group', '--no-cache'],
                             capture_output=True, text=True, timeout=600)
    check(missing.returncode == 1 and 'Group/no-such-group' in missing.stderr,
          'a Group the server lacks is an error naming it (%s)' % missing.stderr.strip()[-200:])
    by_search = run(['cohort', '--source', paged, '--server-search', 'gender=male', '--no-cache',
                     '--filter', expr]).split()
    check(by_search == ids, '--server-search gender=male then the filter: the same %d patients' % len(ids))
    # Only the types asked for come with the patients
    wanted = ['Observation', 'Condition', 'ImagingStudy']
    full = json.loads(run(['summary', '--source', paged, '--no-cache', '--json']))['resources']
    narrow = json.loads(run(['summary', '--source', paged, '--no-cache', '--json',
                             '--server-types', ','.join(wanted)]))['resources']
    check(narrow == {t: n for t, n in full.items() if t in wanted + ['Patient']} and len(full) > len(narrow),
          '--server-types %s: only those types and Patient, as many as in the whole load (%s of %s)'
          % (','.join(wanted), narrow, full))
    grouped = json.loads(run(['summary', '--source', paged, '--no-cache', '--json', '--server-group', group_id,
                              '--server-types', 'Condition']))['resources']
    check(set(grouped) == {'Patient', 'Condition'} and grouped['Patient'] == len(narrower.stdout.split()),
          '--server-types with --server-group: %s' % grouped)
    for args, what in ((['--server-group', 'a b'], 'a bad Group id'),
                       (['--server-types', 'observation'], 'a bad type list'),
                       (['--server-group', 'g', '--server-search', 'gender=male'], 'both at once'),
                       (['--server-group', 'g', '--offline'], 'with --offline')):
        for command in (['summary'], ['cohort', '--filter', expr], ['stats', '--x', 'gender', '--y', 'stage_group']):
            result = subprocess.run([CLI] + command + ['--source', paged] + args, capture_output=True, text=True,
                                    timeout=600)
            check(result.returncode == 2 and result.stderr.strip() != '',
                  '%s: --server-group/--server-search refuse %s (exit 2: %s)'
                  % (command[0], what, result.stderr.strip()[:120]))

    # --group-out + push: the same Group id, so no second Group
    out = os.path.join(tmp, 'group-out.json')
    run(['cohort', '--source', paged, '--filter', expr, '--name', name, '--group-out', out])
    pushed = push(port, out)
    check(pushed['updated'] == 1 and pushed['created'] == 0, '--group-out + push updates the same Group')
    check(counts(port).get('Group') == 1, '--group-out + push: still one Group')

    # Usage errors: a file source, no name, a bad id
    demo = os.path.join(tmp, 'demo.json')
    for args, what in ((['--source', demo, '--filter', expr, '--name', 'x', '--group-push'], 'a file source'),
                       (['--source', url, '--filter', expr, '--group-push'], 'no --name or --group-id'),
                       (['--source', url, '--filter', expr, '--group-id', 'not an id', '--group-push'], 'a bad id'),
                       (['--source', url, '--filter', expr, '--dry-run'], '--dry-run without --group-push')):
        result = subprocess.run([CLI, 'cohort'] + args, capture_output=True, text=True, timeout=600)
        check(result.returncode == 2 and result.stderr.strip() != '', '--group-push refuses %s (exit 2: %s)'
              % (what, result.stderr.strip()[:100]))


def offline_cache(proc, port, tmp):
    """Server loads write the offline cache; with the server gone, cache:URL
    and --offline give the same answers; no secret reaches the cache."""
    url = 'http://127.0.0.1:%d/?_count=50' % port
    token = 'tok-SECRET-4711'
    password = 'pw-SECRET-0815'
    cache_root = os.environ['XDG_CACHE_HOME']
    shutil.rmtree(cache_root, ignore_errors=True)

    env = dict(os.environ, CS_FHIR_BEARER_TOKEN=token)
    online_summary = run(['summary', '--source', url, '--json'], env=env)
    env = dict(os.environ, CS_FHIR_USERNAME='steward', CS_FHIR_PASSWORD=password)
    online_table = run(['table', '--source', 'http://steward:%s@127.0.0.1:%d/' % (password, port),
                        '--format', 'csv'], env=env)
    # --no-cache: a load under another name of the server leaves no copy
    run(['summary', '--source', 'http://localhost:%d/' % port, '--json', '--no-cache'])
    # a cache that cannot be written only gives a warning
    unwritable = os.path.join(tmp, 'not-a-folder')
    with open(unwritable, 'w') as f:
        f.write('x')
    result = subprocess.run([CLI, 'summary', '--source', url, '--json'], capture_output=True, text=True,
                            env=dict(os.environ, XDG_CACHE_HOME=unwritable), timeout=600)
    check(result.returncode == 0 and result.stdout == online_summary and 'offline copy' in result.stderr,
          'an unwritable cache folder gives a warning, not a failure (%s)' % result.stderr.strip())
    dirs = sorted(os.listdir(os.path.join(cache_root, 'cohortscope', 'servers')))
    check(dirs == ['http_127.0.0.1_%d' % port], 'one offline copy, none for --no-cache: %s' % dirs)

    proc.terminate()
    proc.wait(30)

    offline = run(['summary', '--source', 'cache:' + url, '--json'])
    check(offline == online_summary, 'summary from cache:URL with the server stopped is identical')
    offline = run(['summary', '--offline', '--source', 'http://127.0.0.1:%d/' % port, '--json'])
    check(offline == online_summary, 'summary --offline is identical')
    offline = run(['table', '--offline', '--source', url, '--format', 'csv'])
    check(offline == online_table, 'table --offline is identical (%d lines)' % online_table.count('\n'))
    run(['summary', '--source', url, '--json'], expect=1)
    print('ok: a load from the stopped server fails')
    missing = subprocess.run([CLI, 'summary', '--offline', '--source', 'http://localhost:%d/' % port, '--json'],
                             capture_output=True, text=True, timeout=60)
    check(missing.returncode == 1 and 'No offline copy' in missing.stderr,
          'no offline copy: exit 1 with a message (%s)' % missing.stderr.strip())

    leaks = []
    for root, _, files in os.walk(cache_root):
        for name in files:
            with open(os.path.join(root, name), 'rb') as f:
                data = f.read()
            for secret in (token, password, 'steward:'):
                if secret.encode() in data:
                    leaks.append('%s in %s' % (secret, name))
    check(not leaks, 'no secret in the cache files %s' % leaks)


def main():
    if not CLI:
        raise SystemExit('CS_CLI is not set')
    tmp = tempfile.mkdtemp(prefix='cs-fhir-server-')
    os.environ['XDG_CACHE_HOME'] = os.path.join(tmp, 'cache')
    os.environ['XDG_CONFIG_HOME'] = os.path.join(tmp, 'config')
    proc, port = start_server()
    try:
        demo = os.path.join(tmp, 'demo.json')
        run(['demo', '-o', demo, '--patients', '40'])

        first = push(port, demo)
        check(first['failed'] == 0 and first['created'] == first['resources'],
              'demo push creates all %d resources' % first['resources'])
        after_first = counts(port)
        dry = push(port, demo, ['--dry-run'])
        check(dry['unchanged'] == first['resources'] and dry['created'] == 0 and dry['updated'] == 0,
              'dry run after push: everything unchanged')
        second = push(port, demo)
        check(second['created'] == 0 and second['updated'] == 0 and second['batches_sent'] == 0,
              'second push sends nothing')
        check(counts(port) == after_first, 'second push leaves the server count at %d'
              % sum(after_first.values()))

        compare(port, [demo], 'demo')
        bare_metadata(port)
        group_checks(port, tmp)

        if SYNTHEA and os.path.isdir(SYNTHEA):
            s1 = push(port, SYNTHEA, ['--batch-size', '40'])
            check(s1['failed'] == 0, 'Synthea push: %d resources, none failed' % s1['resources'])
            before = counts(port)
            s2 = push(port, SYNTHEA, ['--batch-size', '40', '--batch'])
            check(s2['created'] == 0 and s2['updated'] == 0, 'second Synthea push (batch) creates nothing')
            check(counts(port) == before, 'second Synthea push leaves the server count unchanged')
            compare(port, [demo, SYNTHEA], 'demo+synthea')
        else:
            print('no shared data: Synthea part skipped')

        offline_cache(proc, port, tmp)
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(tmp, ignore_errors=True)

    if failures:
        print('%d check(s) failed' % len(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
