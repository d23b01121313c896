// SPDX-License-Identifier: GPL-3.0-or-later
// Validates mapping files (named on the command line) against
// data/mapping/cohortscope-mapping-1.schema.json (JSON Schema 2020-12) with
// ajv. Files after --invalid must be rejected, to show the schema can fail.
// Exits 1 when a file is judged otherwise than expected.
'use strict';
const fs = require('fs');
const path = require('path');
const Ajv2020 = require('ajv/dist/2020');

const schemaPath = process.argv[2];
const schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
const validate = ajv.compile(schema);
let failed = 0;
let expectValid = true;

for (const file of process.argv.slice(3)) {
  if (file === '--invalid') {
    expectValid = false;
    continue;
  }
  const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  const ok = validate(doc);
  const name = path.relative(process.cwd(), file);
  if (ok && expectValid) {
    console.log(`${name}: valid`);
  } else if (!ok && !expectValid) {
    console.log(`${name}: rejected as expected (${validate.errors[0].instancePath} ${validate.errors[0].message})`);
  } else if (ok) {
    failed++;
    console.error(`${name}: accepted, but it is not a valid mapping file`);
  } else {
    failed++;
    console.error(`${name}: invalid`);
    for (const e of validate.errors.slice(0, 20)) console.error('  ', e.instancePath, e.message, JSON.stringify(e.params));
  }
}
process.exit(failed > 0 ? 1 : 0);
