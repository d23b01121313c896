#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Exports FHIR Groups with `cohortscope-cli cohort --group-out` and validates
# them with the HL7 R4 JSON schema and FHIR.js (validate-group.js). Installs
# the pinned validators once into tests/cohort/node_modules with `npm ci`.
# Skips (77) only without node or npm (packages nodejs and npm, listed in
# scripts/deps-debian.txt) or with CS_SKIP_NETWORK_TESTS=1 (builds without
# network, e.g. flatpak-builder); a failed `npm ci` is a failure, since CI
# reaches the npm registry.
set -u
here=$(cd "$(dirname "$0")" && pwd)

if [ -z "${CS_CLI:-}" ] || [ ! -x "$CS_CLI" ]; then
  echo "FAIL: CS_CLI does not name the built cohortscope-cli (tests/meson.build sets it)"; exit 1
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "SKIP: node or npm is not installed (packages nodejs and npm, in scripts/deps-debian.txt)"; exit 77
fi
if [ ! -d "$here/node_modules/fhir" ] || [ ! -d "$here/node_modules/@asymmetrik/fhir-json-schema-validator" ]; then
  if [ "${CS_SKIP_NETWORK_TESTS:-0}" = 1 ]; then
    echo "SKIP: the validators are not installed and CS_SKIP_NETWORK_TESTS=1 forbids npm ci"; exit 77
  fi
  if ! (cd "$here" && npm ci --no-audit --no-fund --loglevel=error); then
    echo "FAIL: npm ci could not install the pinned validators (tests/cohort/package-lock.json); see npm's message above"
    exit 1
  fi
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
"$CS_CLI" demo -o "$tmp/demo.json" --patients 120 --seed 3 || exit 1
"$CS_CLI" cohort --source "$tmp/demo.json" --name 'Older men' \
  --filter 'age_at_diagnosis > 65 and gender = "male" and `cea` is not missing' \
  --group-out "$tmp/group.json" > "$tmp/ids.txt" || exit 1
[ -s "$tmp/ids.txt" ] || { echo "the test cohort is empty"; exit 1; }
"$CS_CLI" cohort --source "$tmp/demo.json" --filter 'age_at_diagnosis > 1000' \
  --group-out "$tmp/empty.json" > /dev/null || exit 1
"$CS_CLI" cohort --source "$tmp/demo.json" --open "$tmp/ids.txt" \
  --group-out "$tmp/from-list.json" > /dev/null || exit 1

# the validators must be able to fail: a misspelt characteristic.exclude, a bad type code
sed 's/"exclude" : false/"excluded" : false/' "$tmp/group.json" > "$tmp/bad1.json"
sed 's/"type" : "person"/"type" : "persons"/' "$tmp/group.json" > "$tmp/bad2.json"
node "$here/validate-group.js" "$tmp/group.json" "$tmp/empty.json" "$tmp/from-list.json" \
  --invalid "$tmp/bad1.json" "$tmp/bad2.json" || exit 1
echo ok
