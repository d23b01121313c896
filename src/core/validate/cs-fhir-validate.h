/* cs-fhir-validate.h: check a FHIR R4 resource (a CsJsonNode tree) against the model
 *
 * The walk checks, for the resource types in cs-fhir-model.h: unknown
 * elements (with a hint for a wrong case or a choice without its type
 * suffix), JSON types (string / number / boolean / object / array),
 * cardinality (arrays exactly where the element repeats, min and max,
 * required elements), primitive formats (cs_fhir_primitive_check), choice
 * types (one value[x] at most), primitive extensions ("_birthDate"),
 * contained and Bundle entry resources, Reference.reference formats and
 * target types, fixed required bindings (codes, and the Coding of a
 * CodeableConcept bound to one), UCUM codes of Quantities whose system is
 * UCUM, and a set of invariants (ele-1, ext-1, ref-1, qty-3, sqty-1, age-1,
 * drt-1, dis-1, cnt-3, per-1, rng-2, rat-1, cpt-2, att-1, obs-3, obs-6, obs-7,
 * con-1…5, pat-1, grp-1, cmd-1…3, bdl-1…5, bdl-7…12, dom-2, dom-4, dom-5,
 * txt-2 and part of txt-1). What it does not check is listed in
 * docs/VALIDATION.md.
 *
 * Problems carry a path of JSON member names with array indexes, rooted at
 * the resource type: "Observation.component[2].code.coding[0].system",
 * "Bundle.entry[3].resource.subject.reference".
 *
 * Thread-safe: the model is static and the walk keeps its state on the stack.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "cs-fhir-model.h"
#include "cs-json.h"

G_BEGIN_DECLS

typedef enum
{
  CS_FHIR_SEVERITY_ERROR,     /* the resource is not valid R4 */
  CS_FHIR_SEVERITY_WARNING,   /* a SHOULD rule, or content the model does not cover */
} CsFhirSeverity;

typedef struct
{
  CsFhirSeverity  severity;
  char           *path;       /* "Observation.component[2].code.coding[0].system" */
  char           *message;    /* a sentence a user can act on (translated) */
} CsFhirProblem;

typedef enum
{
  CS_FHIR_VALIDATE_NONE              = 0,
  /* a resource type that is valid R4 but not in the model is an error (for
   * output Cohortscope writes itself) instead of a warning */
  CS_FHIR_VALIDATE_STRICT_TYPES      = 1 << 0,
  /* leave warnings out of the problem list */
  CS_FHIR_VALIDATE_NO_WARNINGS       = 1 << 1,
} CsFhirValidateFlags;

/* At most this many problems are listed per resource; a last problem says
 * how many more there were. */
#define CS_FHIR_MAX_PROBLEMS 100

void       cs_fhir_problem_free           (CsFhirProblem *problem);
/* A GPtrArray of CsFhirProblem that frees them. */
GPtrArray *cs_fhir_problems_new           (void);

/* TRUE when the resource has no error (warnings allowed). problems may be
 * NULL; otherwise problems are appended to it. */
gboolean   cs_fhir_validate_resource      (const CsJsonNode    *resource,
                                           GPtrArray           *problems);
gboolean   cs_fhir_validate_resource_full (const CsJsonNode    *resource,
                                           CsFhirValidateFlags  flags,
                                           GPtrArray           *problems);

/* One line per problem, "error: Observation.status: …", for messages and
 * logs. */
char      *cs_fhir_problems_to_string     (GPtrArray           *problems);
/* The JSON type a FHIR primitive is written as: boolean, number (decimal and
 * the integers) or string (the rest); an object for a complex type (NONE). */
CsJsonType cs_fhir_primitive_json_type    (CsFhirPrimitive      primitive);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsFhirProblem, cs_fhir_problem_free)

G_END_DECLS
