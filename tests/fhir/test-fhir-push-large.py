#!/usr/bin/python3
# test-fhir-push-large.py: `push` streams a large input with bounded memory
#
# Writes the demo cohort with several thousand patients (CS_PUSH_PATIENTS,
# default 3000: about 185 MB, 170,000 resources) and uploads it with
# `cohortscope-cli push` to a small in-process FHIR stand-in (batch Bundles of
# reads, searches by _id, transaction/batch Bundles of PUTs; the Medplum test
# server takes an hour for this many resources). Checks:
#   - every resource arrives, with no `urn:uuid:` reference left and every
#     Type/id reference pointing at an uploaded resource;
#   - the peak RSS of the push (VmHWM of that process) stays well below
#     the file size (a generous bound: a third of the file; not under
#     sanitizers, whose shadow memory and quarantine say nothing about it);
#   - a second push creates and updates nothing and sends no batch: it only
#     reads, by batch Bundles of reads (no searches);
#   - `--progress` reports lines on stderr and the summary on stdout is the same.
#
# The stand-in runs in a child process (`--serve`); the mapping upload tests
# (tests/mapping-assist, tests/gui) start it the same way: it prints
# "PORT n" and refuses, with an OperationOutcome, any resource that holds
# the text "cs-test-refuse".
#
# SPDX-License-Identifier: GPL-3.0-or-later

import http.server
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

CLI = os.environ.get('CS_CLI')
# meson passes --sanitize=<b_sanitize>
SANITIZED = any(a.startswith('--sanitize=') and a != '--sanitize=none' for a in sys.argv[1:])
# Sanitizer builds are several times slower and the memory bound is not checked there
PATIENTS = int(os.environ.get('CS_PUSH_PATIENTS', '800' if SANITIZED else '3000'))
# Per resource the push keeps its Type/id and fullUrl (about 200 bytes with
# the hash tables) besides one batch; the file has about 1.1 kB per resource.
# A third of the file leaves a wide margin; the floor covers the fixed cost
# (libraries, buffers) for small CS_PUSH_PATIENTS.
MIN_BOUND = 40 * 1000 * 1000

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print('FAIL: ' + message, file=sys.stderr)
    else:
        print('ok: ' + message)


class Store:
    def __init__(self):
        self.lock = threading.Lock()
        self.resources = {}     # "Type/id" -> compact JSON text
        self.posts = 0          # Bundles of PUTs
        self.reads = 0          # batch Bundles of reads
        self.searches = 0


STORE = Store()
# With --serve, resources whose JSON holds this text are refused with an
# OperationOutcome (the mapping upload tests use it)
REFUSE = 'cs-test-refuse'


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, *args):
        pass

    def answer(self, status, text):
        data = text.encode('utf-8')
        head = ('HTTP/1.1 %d %s\r\nContent-Type: application/fhir+json\r\nContent-Length: %d\r\n\r\n'
                % (status, 'OK' if status == 200 else 'Bad Request', len(data)))
        self.wfile.write(head.encode('ascii') + data)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        rtype = url.path.strip('/')
        query = urllib.parse.parse_qs(url.query)
        if rtype == '_check':
            self.answer(200, json.dumps(check_store()))
            return
        if not re.fullmatch(r'[A-Z][A-Za-z]+', rtype) or '_id' not in query:
            self.answer(400, '{"resourceType":"OperationOutcome","issue":[{"severity":"error",'
                        '"code":"not-supported","diagnostics":"only Type?_id= searches"}]}')
            return
        ids = query['_id'][0].split(',')
        with STORE.lock:
            STORE.searches += 1
            found = [STORE.resources.get(rtype + '/' + i) for i in ids]
        found = [f for f in found if f is not None]
        self.answer(200, '{"resourceType":"Bundle","type":"searchset","total":%d,"entry":[%s]}'
                    % (len(found), ','.join('{"resource":%s}' % f for f in found)))

    def do_POST(self):
        length = int(self.headers.get('Content-Length', '0'))
        bundle = json.loads(self.rfile.read(length))
        responses = []
        entries = bundle.get('entry', [])
        if bundle.get('type') == 'batch' and entries and entries[0]['request']['method'] == 'GET':
            with STORE.lock:
                STORE.reads += 1
                for entry in entries:
                    found = STORE.resources.get(entry['request']['url'])
                    responses.append('{"resource":%s,"response":{"status":"200 OK"}}' % found if found
                                     else '{"response":{"status":"404 Not Found"}}')
            self.answer(200, '{"resourceType":"Bundle","type":"batch-response","entry":[%s]}' % ','.join(responses))
            return
        with STORE.lock:
            STORE.posts += 1
            for entry in entries:
                request = entry['request']
                assert request['method'] == 'PUT', request
                resource = entry['resource']
                key = resource['resourceType'] + '/' + resource['id']
                assert request['url'] == key, (request, key)
                text = json.dumps(resource, separators=(',', ':'))
                if REFUSE in text:
                    # a resource a real server would refuse (tests of how the
                    # refusal and its OperationOutcome reach the user)
                    responses.append('{"response":{"status":"422 Unprocessable Entity","outcome":'
                                     '{"resourceType":"OperationOutcome","issue":[{"severity":"error",'
                                     '"code":"business-rule","diagnostics":"%s is not accepted here"}]}}}' % key)
                    continue
                status = '200 OK' if key in STORE.resources else '201 Created'
                STORE.resources[key] = text
                responses.append('{"response":{"status":"%s"}}' % status)
        self.answer(200, '{"resourceType":"Bundle","type":"%s-response","entry":[%s]}'
                    % (bundle.get('type'), ','.join(responses)))


def check_store():
    """Counts, posts, resources with a urn:uuid left, dangling Type/id references."""
    with STORE.lock:
        texts = list(STORE.resources.values())
        keys = set(STORE.resources)
        posts = STORE.posts
        reads = STORE.reads
        searches = STORE.searches
    leftovers = sum(1 for t in texts if 'urn:uuid:' in t)
    dangling = set()
    for t in texts:
        for ref in re.findall(r'"reference":"([A-Za-z]+/[A-Za-z0-9.-]+)"', t):
            if ref not in keys:
                dangling.add(ref)
    return {'resources': len(texts), 'posts': posts, 'reads': reads, 'searches': searches, 'urn_uuid': leftovers,
            'dangling': sorted(dangling)[:5], 'n_dangling': len(dangling)}


def serve():
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    print('PORT %d' % server.server_address[1], flush=True)
    server.serve_forever()


def server_state(url):
    with urllib.request.urlopen(url + '_check?_id=x', timeout=300) as answer:
        return json.load(answer)


def count_entries(path):
    """Entries of the demo Bundle (each has a fullUrl), without loading it."""
    n = 0
    tail = b''
    with open(path, 'rb') as f:
        while True:
            chunk = f.read(1 << 20)
            if not chunk:
                return n
            n += (tail + chunk).count(b'"fullUrl"')
            tail = chunk[-8:]


def run_push(url, path, extra=()):
    """Runs push; returns (exit status, stdout, stderr, peak RSS in bytes).

    The peak is the process's VmHWM, read from /proc while it runs (exec
    starts it afresh, unlike getrusage, whose maximum for a child includes
    the RSS of the process that forked it); 0 when there is no /proc."""
    with tempfile.TemporaryFile('w+') as out, tempfile.TemporaryFile('w+') as err:
        proc = subprocess.Popen([CLI, 'push', '--server', url, path] + list(extra),
                                stdout=out, stderr=err)
        peak = 0
        while proc.poll() is None:
            try:
                with open('/proc/%d/status' % proc.pid) as status:
                    for line in status:
                        if line.startswith('VmHWM:'):
                            peak = max(peak, int(line.split()[1]) * 1024)
            except OSError:
                pass
            time.sleep(0.02)
        out.seek(0)
        err.seek(0)
        return proc.returncode, out.read(), err.read(), peak


def main():
    if not CLI:
        raise SystemExit('CS_CLI is not set')
    tmp = tempfile.mkdtemp(prefix='cs-push-large-')
    server = subprocess.Popen([sys.executable, __file__, '--serve'], stdout=subprocess.PIPE, text=True)
    line = server.stdout.readline()
    if not line.startswith('PORT '):
        server.kill()
        raise SystemExit('the stand-in server did not start')
    url = 'http://127.0.0.1:%d/' % int(line.split()[1])
    try:
        demo = os.path.join(tmp, 'demo.json')
        subprocess.run([CLI, 'demo', '-o', demo, '--patients', str(PATIENTS)], check=True)
        size = os.path.getsize(demo)
        n_entries = count_entries(demo)
        print('demo cohort: %d patients, %d resources, %.1f MB' % (PATIENTS, n_entries, size / 1e6))

        status, out, err, rss = run_push(url, demo, ['--json', '--progress'])
        if status != 0:
            print(err[-4000:], file=sys.stderr)
        check(status == 0, 'first push succeeds')
        first = json.loads(out)
        check(first['resources'] == n_entries and first['created'] == n_entries and first['failed'] == 0,
              'first push creates all %d resources (%s)' % (n_entries, out.strip()))
        state = server_state(url)
        check(state['resources'] == n_entries, 'the server holds %d resources' % state['resources'])
        print('peak RSS of the push: %.1f MB for a %.1f MB file' % (rss / 1e6, size / 1e6))
        if SANITIZED or rss == 0:
            print('sanitizer build or no /proc: memory bound not checked')
        else:
            bound = max(size / 3, MIN_BOUND)
            check(rss < bound, 'peak RSS %.1f MB is below %.1f MB (a third of the file)'
                  % (rss / 1e6, bound / 1e6))
        lines = [line for line in err.splitlines() if line.startswith('Uploaded ')]
        check(len(lines) >= 1 and ('Uploaded %d of %d resources' % (n_entries, n_entries)) in lines[-1],
              '--progress reports on stderr, the last line complete: %s' % (lines[-1] if lines else None))
        check(state['urn_uuid'] == 0, 'no urn:uuid reference is left (%d resources have one)' % state['urn_uuid'])
        check(state['n_dangling'] == 0, 'every Type/id reference resolves (%d do not: %s)'
              % (state['n_dangling'], state['dangling']))

        status, out, err, rss2 = run_push(url, demo, ['--json'])
        check(status == 0, 'second push succeeds')
        second = json.loads(out)
        check(second['created'] == 0 and second['updated'] == 0 and second['unchanged'] == n_entries
              and second['batches_sent'] == 0, 'second push changes nothing (%s)' % out.strip())
        after = server_state(url)
        check(after['posts'] == state['posts'], 'second push posts no Bundle of PUTs')
        check(after['reads'] - state['reads'] == first['batches_sent'] and after['searches'] == state['searches'],
              'second push reads each batch back with one batch of reads and no search (%d reads, %d searches)'
              % (after['reads'] - state['reads'], after['searches'] - state['searches']))
        check(after['resources'] == n_entries, 'the server still holds %d resources' % n_entries)
        check(err == '', 'no progress on stderr when it is not a terminal and --progress is not given')
        print('peak RSS of the second push: %.1f MB' % (rss2 / 1e6))
    finally:
        server.terminate()
        server.wait(30)
        shutil.rmtree(tmp, ignore_errors=True)

    if failures:
        print('%d check(s) failed' % len(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    if sys.argv[1:] == ['--serve']:
        serve()
    else:
        sys.exit(main())
