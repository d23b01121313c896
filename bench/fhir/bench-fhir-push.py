#!/usr/bin/python3
# bench-fhir-push.py: `push` re-runs against the first upload
#
#   /usr/bin/python3 bench/fhir/bench-fhir-push.py [BUILD_DIR] [--patients N]
#
# Starts the test FHIR server (tests/fhir/server, @medplum/fhir-router) empty,
# writes the demo cohort (N patients, default 200: 10,869 resources) and, all
# with `cohortscope-cli push` of the same file:
#   1. the first upload (everything created): the baseline;
#   2. a dry run of the unchanged data (every resource must be unchanged);
#   3. a re-run of the unchanged data (nothing may be sent);
#   4. a re-run after the server's copy of some resources was changed behind
#      the client's back (PUT straight to the server): exactly those are
#      updated;
#   5. 2 and 3 again with the read-back by `Type?_id=` searches
#      (CS_FHIR_PUSH_READ=search), the method before batch reads and the
#      fallback for servers without batch support;
#   6. on a second, empty server, the first upload and a re-run both with
#      that read-back: the whole method before, for the same ratio.
# Each run's wall time, client CPU and server CPU, and its ratio to the first
# upload, are printed as JSON. Target: a re-run that changes nothing costs
# less than the upload (ratio < 1; docs/PERFORMANCE.md).
#
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_server import parse_args, server_cpu, start_server  # noqa: E402
CHANGED = 25   # resources changed on the server behind the client's back


def push(proc, cli, base, path, extra=(), env=None):
    """One push: its counts, wall time, client CPU and server CPU."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    server_before = server_cpu(proc)
    t0 = time.monotonic()
    result = subprocess.run([cli, 'push', '--server', base, path, '--json', '--no-progress'] + list(extra),
                            capture_output=True, text=True, env=env)
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        print(result.stderr[-4000:], file=sys.stderr)
        raise SystemExit('push %s failed' % ' '.join(extra))
    counts = json.loads(result.stdout)
    counts['seconds'] = round(wall, 3)
    counts['client_cpu_seconds'] = round((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), 3)
    counts['server_cpu_seconds'] = round(server_cpu(proc) - server_before, 3)
    return counts


def clear_server_memo(base):
    """The test server memoises GET answers until the next write (for the
    fetch benchmark); any POST clears that, whatever the router answers to
    it (here an empty batch)."""
    request = urllib.request.Request(base, data=b'{"resourceType":"Bundle","type":"batch","entry":[]}',
                                     headers={'Content-Type': 'application/fhir+json'}, method='POST')
    try:
        with urllib.request.urlopen(request, timeout=600):
            pass
    except urllib.error.HTTPError:
        pass


def change_behind_our_back(base, n):
    """PUTs n Observations straight to the server with another status."""
    with urllib.request.urlopen(base + 'Observation?_count=%d' % n, timeout=600) as answer:
        page = json.load(answer)
    changed = 0
    for entry in page.get('entry', [])[:n]:
        obs = entry['resource']
        obs['status'] = 'amended' if obs.get('status') != 'amended' else 'final'
        obs.pop('meta', None)
        request = urllib.request.Request(base + 'Observation/' + obs['id'], data=json.dumps(obs).encode(),
                                         headers={'Content-Type': 'application/fhir+json'}, method='PUT')
        with urllib.request.urlopen(request, timeout=600):
            changed += 1
    return changed


def main():
    build, patients = parse_args(200)
    cli = os.path.join(build, 'src', 'cli', 'cohortscope-cli')
    if not os.access(cli, os.X_OK):
        raise SystemExit('%s is not built' % cli)

    tmp = tempfile.mkdtemp(prefix='cs-bench-push-')
    demo = os.path.join(tmp, 'demo.json')
    subprocess.run([cli, 'demo', '-o', demo, '--patients', str(patients)], check=True)
    proc, port = start_server()
    base = 'http://127.0.0.1:%d/' % port
    search = dict(os.environ, CS_FHIR_PUSH_READ='search')
    report = {'patients': patients}
    try:
        upload = push(proc, cli, base, demo)
        n = upload['resources']
        report['resources'] = n
        report['upload'] = upload
        report['dry_run'] = push(proc, cli, base, demo, ['--dry-run'])
        report['rerun'] = push(proc, cli, base, demo)
        report['changed_behind'] = change_behind_our_back(base, CHANGED)
        report['rerun_after_change'] = push(proc, cli, base, demo)
        clear_server_memo(base)
        report['dry_run_by_search'] = push(proc, cli, base, demo, ['--dry-run'], env=search)
        clear_server_memo(base)
        report['rerun_by_search'] = push(proc, cli, base, demo, env=search)

        checks = {
            'upload_created_all': upload['created'] == n and upload['failed'] == 0,
            'dry_run_all_unchanged': report['dry_run']['unchanged'] == n,
            'rerun_sends_nothing': report['rerun']['unchanged'] == n and report['rerun']['batches_sent'] == 0,
            'rerun_after_change_updates_them': report['rerun_after_change']['updated'] == report['changed_behind']
            and report['rerun_after_change']['unchanged'] == n - report['changed_behind'],
            'by_search_all_unchanged': report['dry_run_by_search']['unchanged'] == n
            and report['rerun_by_search']['unchanged'] == n,
        }
        report['checks'] = checks
        for name in ('dry_run', 'rerun', 'rerun_after_change', 'dry_run_by_search', 'rerun_by_search'):
            report['ratio_%s_vs_upload' % name] = round(report[name]['seconds'] / upload['seconds'], 3)
    finally:
        proc.terminate()
        proc.wait(30)

    proc, port = start_server()
    base = 'http://127.0.0.1:%d/' % port
    try:
        report['upload_by_search'] = push(proc, cli, base, demo, env=search)
        clear_server_memo(base)
        report['rerun_by_search_after_upload_by_search'] = push(proc, cli, base, demo, env=search)
        report['ratio_rerun_vs_upload_by_search'] = round(
            report['rerun_by_search_after_upload_by_search']['seconds'] / report['upload_by_search']['seconds'], 3)
        report['ratio_upload_vs_upload_by_search'] = round(
            upload['seconds'] / report['upload_by_search']['seconds'], 3)
        report['target_met'] = report['ratio_rerun_vs_upload'] < 1.0 and all(checks.values())
    finally:
        proc.terminate()
        proc.wait(30)
        shutil.rmtree(tmp, ignore_errors=True)

    print(json.dumps(report, indent=2))
    return 0 if report.get('target_met') else 1


if __name__ == '__main__':
    sys.exit(main())
