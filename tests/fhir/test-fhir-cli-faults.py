#!/usr/bin/python3
# test-fhir-cli-faults.py: what `--source URL` says and does with servers that misbehave
#
# A small stand-in server (a thread of this process) plays three servers:
#   /bare/   a CapabilityStatement that lists no resource; Patients,
#            Observations, no Conditions, 404 for every other type;
#   /stall/  next links that never repeat (k=1, k=2, …) on pages that do
#            (the same two Patients, up to 200 pages);
#   /paged/  three pages of two new Patients each.
# Checks: the load report on stderr (types fetched, skipped and why), a load
# cut short fails (exit 1) naming the search unless --allow-incomplete,
# --max-pages / CS_FHIR_MAX_PAGES, and no offline copy of an incomplete load.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import urllib.parse

CLI = os.environ.get('CS_CLI')
failures = []
hits = {'stall': 0}
lock = threading.Lock()


def check(condition, message):
    if not condition:
        failures.append(message)
        print('FAIL: ' + message, file=sys.stderr)
    else:
        print('ok: ' + message)


def bundle(base, patients=(), observations=(), next_url=None):
    entries = [{'resource': {'resourceType': 'Patient', 'id': p, 'gender': 'female', 'birthDate': '1950-01-01'}}
               for p in patients]
    entries += [{'resource': {'resourceType': 'Observation', 'id': 'o-' + p, 'status': 'final',
                              'code': {'coding': [{'system': 'http://loinc.org', 'code': '8302-2'}]},
                              'subject': {'reference': 'Patient/' + p}, 'effectiveDateTime': '2020-01-01',
                              'valueQuantity': {'value': 170, 'unit': 'cm'}}}
                for p in observations]
    page = {'resourceType': 'Bundle', 'type': 'searchset', 'entry': entries}
    if next_url:
        page['link'] = [{'relation': 'next', 'url': base + next_url}]
    return page


def outcome(code, text):
    return {'resourceType': 'OperationOutcome', 'issue': [{'severity': 'error', 'code': code, 'diagnostics': text}]}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, *args):
        pass

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header('Content-Type', 'application/fhir+json')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        server, _, path = url.path.strip('/').partition('/')
        base = 'http://%s/%s/' % (self.headers['Host'], server)
        if server == 'bare':
            if path == 'metadata':
                self.answer(200, {'resourceType': 'CapabilityStatement', 'status': 'active', 'kind': 'instance',
                                  'fhirVersion': '4.0.1', 'format': ['json'], 'rest': [{'mode': 'server'}]})
            elif path == 'Patient':
                self.answer(200, bundle(base, patients=['b1', 'b2']))
            elif path == 'Observation':
                self.answer(200, bundle(base, observations=['b1', 'b2']))
            elif path == 'Condition':
                self.answer(200, bundle(base))
            else:
                self.answer(404, outcome('not-found', 'Unknown resource type ' + path))
        elif server in ('stall', 'paged'):
            if path == 'metadata':
                self.answer(200, {'resourceType': 'CapabilityStatement', 'status': 'active', 'kind': 'instance',
                                  'fhirVersion': '4.0.1', 'format': ['json'],
                                  'rest': [{'mode': 'server', 'resource': [{'type': 'Patient'},
                                                                           {'type': 'Observation'}]}]})
            elif path == 'Patient' and server == 'stall':
                k = int(query.get('k', ['0'])[0])
                with lock:
                    hits['stall'] += 1
                self.answer(200, bundle(base, patients=['s1', 's2'],
                                        next_url='Patient?_count=2&k=%d' % (k + 1) if k < 200 else None))
            elif path == 'Patient':
                page = int(query.get('page', ['0'])[0])
                self.answer(200, bundle(base, patients=['p%d' % (2 * page + 1), 'p%d' % (2 * page + 2)],
                                        next_url='Patient?page=%d' % (page + 1) if page < 2 else None))
            else:
                self.answer(200, bundle(base))
        else:
            self.answer(404, outcome('not-found', 'no such server'))


def run(args, env=None):
    return subprocess.run([CLI] + args, capture_output=True, text=True, timeout=300, env=env)


def main():
    if not CLI:
        raise SystemExit('CS_CLI is not set')
    tmp = tempfile.mkdtemp(prefix='cs-fhir-cli-faults-')
    os.environ['XDG_CACHE_HOME'] = os.path.join(tmp, 'cache')
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    root = 'http://127.0.0.1:%d/' % server.server_address[1]
    try:
        # a CapabilityStatement that lists nothing: every compartment type tried
        bare = run(['summary', '--source', root + 'bare/', '--json'])
        print(bare.stderr)
        check(bare.returncode == 0, 'bare CapabilityStatement: the load succeeds')
        summary = json.loads(bare.stdout or '{}')
        check(summary.get('resources') == {'Observation': 2, 'Patient': 2},
              'bare CapabilityStatement: Patients and their Observations, not Patients only (%s)'
              % summary.get('resources'))
        check('declares no type of the Patient compartment, so every one of them was tried' in bare.stderr,
              'stderr says why every type was tried')
        check('Loaded: Patient 2, Observation 2.' in bare.stderr, 'stderr says what was loaded')
        check('Searched, none on the server: Condition.' in bare.stderr, 'stderr names the types without data')
        check('the server refused the search with HTTP 404 Not Found: AllergyIntolerance, BodyStructure, '
              in bare.stderr and '(for AllergyIntolerance it said “Unknown resource type AllergyIntolerance”).'
              in bare.stderr, 'stderr names the types skipped and the server\'s answer, on one line')

        # pages that never end: exit 1, naming the search, unless --allow-incomplete
        stall = run(['summary', '--source', root + 'stall/', '--json'])
        print(stall.stderr)
        check(stall.returncode == 1 and stall.stdout == '', 'stalled paging: exit 1 and no output')
        check('stall/Patient?_count=1000 stopped after 4 pages: the last 3 brought nothing' in stall.stderr
              and 'loaded 2 resources' in stall.stderr, 'the message names the search and what it loaded')
        check('the load is incomplete' in stall.stderr and '--allow-incomplete' in stall.stderr,
              'the message says the load is incomplete and how to use it anyway')
        check(4 <= hits['stall'] <= 5, 'the server was asked for 4 or 5 pages, not 200 (%d)' % hits['stall'])
        allowed = run(['summary', '--source', root + 'stall/', '--json', '--allow-incomplete'])
        check(allowed.returncode == 0 and json.loads(allowed.stdout or '{}').get('patients') == 2,
              '--allow-incomplete: exit 0 with the two patients')
        check('Incomplete: The search ' in allowed.stderr and 'offline copy was not updated' in allowed.stderr,
              '--allow-incomplete still says the load is incomplete')
        offline = run(['summary', '--offline', '--source', root + 'stall/', '--json'])
        check(offline.returncode == 1 and 'No offline copy' in offline.stderr,
              'an incomplete load leaves no offline copy')

        # the page limit
        paged = root + 'paged/'
        full = run(['summary', '--source', paged, '--json', '--max-pages', '3'])
        check(full.returncode == 0 and json.loads(full.stdout or '{}').get('patients') == 6,
              '--max-pages 3: all three pages, 6 patients')
        cut = run(['summary', '--source', paged, '--json', '--max-pages', '2'])
        check(cut.returncode == 1 and 'stopped after 2 pages, the limit per search' in cut.stderr
              and 'loaded 4 resources and the server has more' in cut.stderr,
              '--max-pages 2: exit 1 naming the limit (%s)' % cut.stderr.strip()[-300:])
        env = dict(os.environ, CS_FHIR_MAX_PAGES='2')
        by_env = run(['summary', '--source', paged, '--json'], env=env)
        check(by_env.returncode == 1 and 'the limit per search' in by_env.stderr, 'CS_FHIR_MAX_PAGES=2 too')
        part = run(['summary', '--source', paged, '--json', '--max-pages', '2', '--allow-incomplete'])
        check(part.returncode == 0 and json.loads(part.stdout or '{}').get('patients') == 4,
              '--max-pages 2 --allow-incomplete: the 4 patients of two pages')
        unlimited = run(['summary', '--source', paged, '--json', '--max-pages', '0'])
        check(unlimited.returncode == 0 and json.loads(unlimited.stdout or '{}').get('patients') == 6,
              '--max-pages 0: no limit')
        bad = run(['summary', '--source', paged, '--max-pages', '-5'])
        check(bad.returncode == 2 and '--max-pages' in bad.stderr, '--max-pages -5 is a usage error')
    finally:
        server.shutdown()
        shutil.rmtree(tmp, ignore_errors=True)

    if failures:
        print('%d check(s) failed' % len(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
