#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The mapping file schema (data/mapping/cohortscope-mapping-1.schema.json)
# accepts every example mapping and rejects broken variants, which
# cohortscope-cli map rejects too, naming the JSON path. ajv is installed
# with `npm ci` from tests/mapping/package-lock.json; a failed install fails
# the test (the schema is part of the product).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=${CS_SOURCE_ROOT:-$here/../..}
schema=$root/data/mapping/cohortscope-mapping-1.schema.json

if [ -z "${CS_CLI:-}" ] || [ ! -x "$CS_CLI" ]; then
  echo "CS_CLI not set or not built"; exit 1
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "node and npm are needed (scripts/deps-debian.txt installs them)"; exit 1
fi
if [ ! -d "$here/node_modules/ajv" ] || [ ! -d "$here/node_modules/fhir" ]; then
  if ! (cd "$here" && npm ci --no-audit --no-fund --loglevel=error); then
    echo "npm ci failed in $here"; exit 1
  fi
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# every mapping file shipped as an example
examples=$(grep -l '"cohortscope-mapping/1"' "$root"/examples/*/*.json)
[ -n "$examples" ] || { echo "no example mappings found"; exit 1; }

lung1=$root/examples/lung1/lung1.json
# broken variants: each must be refused by the schema and by the engine
sed 's/"namespace":/"namspace":/' "$lung1" > "$tmp/unknown-field.json"
sed 's/"\$column": "age"/"$colum": "age"/' "$lung1" > "$tmp/unknown-directive.json"
sed 's#"cohortscope-mapping/1"#"cohortscope-mapping/2"#' "$lung1" > "$tmp/newer-format.json"
sed 's/"status": "available"/"status": null/' "$lung1" > "$tmp/null-value.json"
sed 's/"as": "code"/"as": "coding"/' "$lung1" > "$tmp/bad-option.json"
sed 's/"present": true/"present": "yes"/' "$lung1" > "$tmp/bad-condition.json"
for f in "$tmp"/*.json; do
  cmp -s "$f" "$lung1" && { echo "$f: the edit did not apply"; exit 1; }
  # the ConceptMaps are found next to the mapping
  cp -r "$root/examples/lung1/conceptmaps" "$tmp/" 2>/dev/null
done

node "$here/check-mapping-schema.js" "$schema" $examples --invalid "$tmp"/*.json || exit 1

# the engine refuses the same files, naming where
printf 'PatientID,age,gender\nLUNG1-1,1,male\n' > "$tmp/c.csv"
for f in "$tmp"/*.json; do
  out=$("$CS_CLI" map --mapping "$f" --input "clinical=$tmp/c.csv" -o "$tmp/out.ndjson" --format ndjson 2>&1)
  status=$?
  if [ $status -ne 1 ]; then
    echo "$f: cohortscope-cli map exited $status, expected 1: $out"; exit 1
  fi
  case $out in
    *"$(basename "$f"):"*) echo "$(basename "$f"): refused by the engine too: $(echo "$out" | head -1)" ;;
    *) echo "$f: the engine's message does not name the file: $out"; exit 1 ;;
  esac
done
echo ok
