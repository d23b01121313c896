# SPDX-License-Identifier: GPL-3.0-or-later
"""A small, deterministic FHIR R4 stand-in server for the CLI corpus.

It runs in a thread of the test (http.server, no npm) and keeps its
resources in memory, in the order they were first written, so that every
search answers the same bytes on every run. It plays four servers under one
port, each a path prefix over the same data:

  /fhir/   declares Patient (with _has), Observation, Condition,
           ImagingStudy, Encounter, BodyStructure and Group: loads fetch by
           type, a Group's members by Patient?_has:Group:member:_id=,
           searches and Groups by patient= chunks
  /rev/    the same, also declaring _revinclude of every type on Patient
  /nohas/  the same without _has: a Group is read whole, then _id= chunks
  /bare/   a CapabilityStatement that lists no resource type; 404 for every
           type but Patient, Observation and Condition

Searches: _count, _id, patient, birthdate (eq/lt/le/gt/ge on the first
characters of the date), _has:Group:member:_id, _revinclude=Type:patient;
pages are cut by _count and linked with _page. Reads: GET Type/id. POST to
the base: a batch of GETs (reads) or a transaction/batch of PUTs.
"""

import http.server
import json
import threading
import urllib.parse

SERVERS = ('fhir', 'rev', 'nohas', 'bare')
DECLARED = ('Patient', 'Observation', 'Condition', 'ImagingStudy', 'Encounter', 'BodyStructure', 'Group')
BARE_TYPES = ('Patient', 'Observation', 'Condition')
DEFAULT_COUNT = 1000


def outcome(code, text):
    return {'resourceType': 'OperationOutcome',
            'issue': [{'severity': 'error', 'code': code, 'diagnostics': text}]}


def capability_statement(server):
    rest = {'mode': 'server'}
    if server != 'bare':
        resources = []
        for rtype in DECLARED:
            entry = {'type': rtype,
                     'interaction': [{'code': 'read'}, {'code': 'search-type'}, {'code': 'update'}],
                     'searchParam': [{'name': '_id', 'type': 'token'}]}
            if rtype == 'Patient':
                entry['searchParam'].append({'name': 'birthdate', 'type': 'date'})
                if server != 'nohas':
                    entry['searchParam'].append({'name': '_has', 'type': 'special'})
                if server == 'rev':
                    entry['searchRevInclude'] = ['%s:patient' % t for t in DECLARED
                                                 if t not in ('Patient', 'Group')]
            elif rtype != 'Group':
                entry['searchParam'].append({'name': 'patient', 'type': 'reference'})
            resources.append(entry)
        rest['resource'] = resources
        rest['interaction'] = [{'code': 'transaction'}, {'code': 'batch'}]
    return {'resourceType': 'CapabilityStatement', 'status': 'active', 'kind': 'instance',
            'date': '2024-01-01', 'fhirVersion': '4.0.1', 'format': ['json'],
            'software': {'name': 'Cohortscope corpus stand-in', 'version': '1'},
            'rest': [rest]}


def patient_of(resource):
    """The Patient id a resource belongs to (its own id for a Patient)."""
    if resource.get('resourceType') == 'Patient':
        return resource.get('id')
    for field in ('subject', 'patient'):
        ref = (resource.get(field) or {}).get('reference', '')
        if ref.startswith('Patient/'):
            return ref[len('Patient/'):]
    return None


def date_matches(value, expr):
    if value is None:
        return False
    prefix, target = expr[:2], expr[2:]
    if prefix not in ('eq', 'lt', 'le', 'gt', 'ge'):
        prefix, target = 'eq', expr
    value = value[:len(target)]
    return {'eq': value == target, 'lt': value < target, 'le': value <= target,
            'gt': value > target, 'ge': value >= target}[prefix]


class Data:
    def __init__(self):
        self.lock = threading.Lock()
        self.resources = {}   # "Type/id" -> resource (dict), in first-write order
        self.requests = []    # "METHOD path" of every request, for the checks

    def of_type(self, rtype):
        return [r for key, r in self.resources.items() if key.startswith(rtype + '/')]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    data = None   # set by start()

    def log_message(self, *args):
        pass

    def answer(self, status, body):
        raw = json.dumps(body, separators=(',', ':'), ensure_ascii=False).encode('utf-8')
        self.send_response(status)
        self.send_header('Content-Type', 'application/fhir+json')
        self.send_header('Content-Length', str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def split(self):
        url = urllib.parse.urlsplit(self.path)
        server, _, rest = url.path.lstrip('/').partition('/')
        return server, rest.strip('/'), url.query

    def base(self, server):
        return 'http://%s/%s/' % (self.headers['Host'], server)

    def do_GET(self):
        server, path, query = self.split()
        with self.data.lock:
            self.data.requests.append('GET /%s/%s%s' % (server, path, '?' + query if query else ''))
        if server not in SERVERS:
            self.answer(404, outcome('not-found', 'no such server'))
            return
        if path == 'metadata':
            self.answer(200, capability_statement(server))
            return
        parts = path.split('/')
        if len(parts) == 2:
            with self.data.lock:
                found = self.data.resources.get(path)
            if found is None:
                self.answer(404, outcome('not-found', 'Resource %s is not known' % path))
            else:
                self.answer(200, found)
            return
        rtype = parts[0]
        allowed = BARE_TYPES if server == 'bare' else DECLARED
        if rtype not in allowed:
            self.answer(404, outcome('not-found', 'Unknown resource type %s' % rtype))
            return
        self.answer(200, self.search(server, rtype, urllib.parse.parse_qs(query, keep_blank_values=True), query))

    def search(self, server, rtype, params, query):
        def one(name, default=None):
            return params[name][0] if name in params else default

        with self.data.lock:
            matches = self.data.of_type(rtype)
            if '_id' in params:
                ids = one('_id').split(',')
                matches = [r for r in matches if r.get('id') in ids]
            if 'patient' in params:
                ids = {p[len('Patient/'):] if p.startswith('Patient/') else p for p in one('patient').split(',')}
                matches = [r for r in matches if patient_of(r) in ids]
            if 'birthdate' in params:
                matches = [r for r in matches if date_matches(r.get('birthDate'), one('birthdate'))]
            if '_has:Group:member:_id' in params:
                group = self.data.resources.get('Group/' + one('_has:Group:member:_id'), {})
                members = {m.get('entity', {}).get('reference', '')[len('Patient/'):]
                           for m in group.get('member', [])}
                matches = [r for r in matches if r.get('id') in members]
            included = []
            if rtype == 'Patient' and '_revinclude' in params:
                ids = {r.get('id') for r in matches}
                for spec in params['_revinclude']:
                    for r in self.data.of_type(spec.split(':')[0]):
                        if patient_of(r) in ids:
                            included.append(r)
            entries = [('match', r) for r in matches] + [('include', r) for r in included]

        count = int(one('_count', DEFAULT_COUNT))
        page = int(one('_page', '0'))
        base = self.base(server)
        kept = '&'.join('%s=%s' % (k, urllib.parse.quote(v, safe=',:/'))
                        for k, vs in params.items() if k != '_page' for v in vs)
        links = [{'relation': 'self', 'url': '%s%s?%s' % (base, rtype, query)}]
        if (page + 1) * count < len(entries):
            links.append({'relation': 'next', 'url': '%s%s?%s&_page=%d' % (base, rtype, kept, page + 1)})
        return {'resourceType': 'Bundle', 'type': 'searchset', 'total': len(matches), 'link': links,
                'entry': [{'fullUrl': '%s%s/%s' % (base, r['resourceType'], r['id']), 'resource': r,
                           'search': {'mode': mode}}
                          for mode, r in entries[page * count:(page + 1) * count]]}

    def do_POST(self):
        server, path, _ = self.split()
        length = int(self.headers.get('Content-Length', '0'))
        bundle = json.loads(self.rfile.read(length))
        entries = bundle.get('entry', [])
        with self.data.lock:
            self.data.requests.append('POST /%s/%s %s of %d' % (server, path, bundle.get('type'), len(entries)))
        if server not in SERVERS or path != '' or bundle.get('type') not in ('batch', 'transaction'):
            self.answer(400, outcome('not-supported', 'POST a batch or transaction Bundle to the base'))
            return
        out = []
        with self.data.lock:
            for entry in entries:
                request = entry.get('request', {})
                if request.get('method') == 'GET':
                    found = self.data.resources.get(request.get('url'))
                    out.append({'resource': found, 'response': {'status': '200 OK'}} if found
                               else {'response': {'status': '404 Not Found'}})
                elif request.get('method') == 'PUT':
                    resource = entry['resource']
                    key = '%s/%s' % (resource['resourceType'], resource['id'])
                    status = '200 OK' if key in self.data.resources else '201 Created'
                    self.data.resources[key] = resource
                    out.append({'response': {'status': status}})
                else:
                    out.append({'response': {'status': '400 Bad Request'}})
        self.answer(200, {'resourceType': 'Bundle', 'type': bundle['type'] + '-response', 'entry': out})


def start():
    """Starts the server in a daemon thread; returns (server, data, root URL)."""
    data = Data()
    handler = type('BoundHandler', (Handler,), {'data': data})
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, data, 'http://127.0.0.1:%d/' % server.server_address[1]
