/* cs-fhir-model.h: the FHIR R4 element definitions Cohortscope produces and checks
 *
 * A compact table generated from the official R4 StructureDefinitions by
 * scripts/gen-fhir-model.py (cs-fhir-model-data.c): for the resource types a
 * mapping may produce (Patient, Observation, Condition, ImagingStudy,
 * BodyStructure, Device, Provenance, ConceptMap, Group, Bundle,
 * OperationOutcome, Specimen, Procedure, MedicationStatement, Encounter,
 * DiagnosticReport, and the ones they commonly point at: Organization,
 * Practitioner, PractitionerRole, Location, Endpoint, Medication,
 * MedicationRequest, ResearchStudy, ResearchSubject, Media) and every data
 * type they reach, each element's path, cardinality, types and, for required
 * bindings that are small and fixed, the allowed codes. Every other R4
 * resource type is known by name only. The tables are static: no
 * initialisation, safe from any thread.
 *
 * Paths are dotted JSON member names: "valueQuantity.unit" resolves through
 * the choice element value[x] and the data type Quantity; array indexes
 * ("component[2].code") are accepted and ignored. See docs/VALIDATION.md.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CS_FHIR_UNBOUNDED G_MAXUINT32   /* max "*" */

/* The R4 primitive types (and xhtml, the type of Narrative.div). */
typedef enum
{
  CS_FHIR_PRIMITIVE_NONE = 0,   /* a complex type, BackboneElement or Resource */
  CS_FHIR_PRIMITIVE_BASE64BINARY,
  CS_FHIR_PRIMITIVE_BOOLEAN,
  CS_FHIR_PRIMITIVE_CANONICAL,
  CS_FHIR_PRIMITIVE_CODE,
  CS_FHIR_PRIMITIVE_DATE,
  CS_FHIR_PRIMITIVE_DATETIME,
  CS_FHIR_PRIMITIVE_DECIMAL,
  CS_FHIR_PRIMITIVE_ID,
  CS_FHIR_PRIMITIVE_INSTANT,
  CS_FHIR_PRIMITIVE_INTEGER,
  CS_FHIR_PRIMITIVE_MARKDOWN,
  CS_FHIR_PRIMITIVE_OID,
  CS_FHIR_PRIMITIVE_POSITIVEINT,
  CS_FHIR_PRIMITIVE_STRING,
  CS_FHIR_PRIMITIVE_TIME,
  CS_FHIR_PRIMITIVE_UNSIGNEDINT,
  CS_FHIR_PRIMITIVE_URI,
  CS_FHIR_PRIMITIVE_URL,
  CS_FHIR_PRIMITIVE_UUID,
  CS_FHIR_PRIMITIVE_XHTML,
} CsFhirPrimitive;

/* One allowed type of an element. */
typedef struct
{
  const char      *code;       /* "Quantity", "string", "BackboneElement", "Resource" */
  CsFhirPrimitive  primitive;  /* NONE unless code is a primitive type */
  const char      *targets;    /* Reference/canonical targets as "|Patient|Group|", NULL = any */
  const char      *profile;    /* a profile the element imposes ("SimpleQuantity"), or NULL */
  gint32           structure;  /* private: the type's structure, -1 for primitives and Resource */
} CsFhirType;

/* A required binding whose codes are listed (small, fixed value sets such as
 * observation-status or administrative-gender). codes[] is sorted (strcmp);
 * systems[i] is the code system of codes[i]. */
typedef struct
{
  const char        *value_set;  /* canonical URL, without "|4.0.1" */
  guint              n_codes;
  const char *const *codes;
  const char *const *systems;
} CsFhirBinding;

typedef enum
{
  CS_FHIR_ELEMENT_CHOICE            = 1 << 0,  /* value[x]: one of types[], named valueQuantity… */
  CS_FHIR_ELEMENT_MODIFIER          = 1 << 1,  /* isModifier */
  CS_FHIR_ELEMENT_SUMMARY           = 1 << 2,  /* isSummary */
  CS_FHIR_ELEMENT_BINDING_UNCHECKED = 1 << 3,  /* a required binding too large or open to list (mime types, currencies) */
} CsFhirElementFlags;

typedef struct _CsFhirElement CsFhirElement;

struct _CsFhirElement
{
  const char          *path;       /* "Observation.value[x]", as in the StructureDefinition */
  const char          *name;       /* "value" (no "[x]"; see CS_FHIR_ELEMENT_CHOICE) */
  guint32              min;
  guint32              max;        /* CS_FHIR_UNBOUNDED for "*" */
  guint32              flags;      /* CsFhirElementFlags */
  guint32              n_types;
  const CsFhirType    *types;      /* n_types entries; one unless a choice */
  const CsFhirBinding *binding;    /* listed required binding, or NULL */
  gint32               structure;  /* private: children of a BackboneElement, -1 */
};

/* The result of resolving a path. */
typedef struct
{
  const CsFhirElement *element;   /* the last step's element */
  const CsFhirType    *type;      /* its type: for a choice the one named ("valueQuantity" → Quantity) */
  gboolean             repeats;   /* the last element is an array (max > 1) */
  gboolean             in_array;  /* some step before the last one is an array */
} CsFhirLookup;

/* TRUE for every R4 resource type name ("Patient", "ValueSet", …). */
gboolean             cs_fhir_model_is_resource_type (const char *name);
/* TRUE when the table holds the content of this resource type. */
gboolean             cs_fhir_model_has_resource     (const char *name);
/* All R4 resource type names, sorted; n_out gets the count. */
const char *const   *cs_fhir_model_resource_types   (guint      *n_out);

/* Resolve a dotted path under a resource (or data) type. The path may start
 * with the type's name ("Observation.valueQuantity.unit" or
 * "valueQuantity.unit"); resource_type may be NULL when it does. Returns NULL
 * when a step is unknown. */
const CsFhirElement *cs_fhir_model_find             (const char *resource_type,
                                                     const char *dotted_path);
gboolean             cs_fhir_model_lookup           (const char   *resource_type,
                                                     const char   *dotted_path,
                                                     CsFhirLookup *out);

/* The elements directly under a path (a resource or data type when the path
 * is NULL or empty, a BackboneElement, or an element of a complex type):
 * a contiguous array of *n_out elements in definition order, or NULL. */
const CsFhirElement *cs_fhir_model_children         (const char *resource_type,
                                                     const char *dotted_path,
                                                     guint      *n_out);

/* The JSON member name of an element for one of its types: "valueQuantity"
 * for value[x] and Quantity, "status" for status. Free with g_free(). */
char                *cs_fhir_element_json_name      (const CsFhirElement *element,
                                                     const CsFhirType    *type);
/* The type of a choice element named by its JSON name ("valueString"), or
 * for other elements their single type when json_name is their name. */
const CsFhirType    *cs_fhir_element_type_for_name  (const CsFhirElement *element,
                                                     const char          *json_name);
static inline gboolean
cs_fhir_element_is_array (const CsFhirElement *element)
{
  return element != NULL && element->max > 1;
}

/* TRUE when code (with system, or any system when system is NULL) is one of
 * the binding's codes. */
gboolean             cs_fhir_binding_has_code       (const CsFhirBinding *binding,
                                                     const char          *system,
                                                     const char          *code);

/* Primitive types by name ("dateTime" → CS_FHIR_PRIMITIVE_DATETIME); NONE
 * for other names. */
CsFhirPrimitive      cs_fhir_primitive_from_name    (const char     *fhir_type);
const char          *cs_fhir_primitive_name         (CsFhirPrimitive primitive);

/* Check a primitive value in its JSON lexical form against the R4 rules
 * (the regular expressions of the R4 primitive types, plus the value rules
 * they leave out: real calendar dates, 32-bit ranges, base64 padding, 1 MB
 * strings). value need not be NUL-terminated. For boolean, integer, decimal,
 * positiveInt and unsignedInt pass the JSON literal ("true", "12", "1.50").
 * On failure *reason (when not NULL) gets a static, translated sentence. An
 * unknown fhir_type is a failure. */
gboolean             cs_fhir_primitive_check        (const char  *fhir_type,
                                                     const char  *value,
                                                     gsize        len,
                                                     const char **reason);
gboolean             cs_fhir_primitive_check_kind   (CsFhirPrimitive primitive,
                                                     const char     *value,
                                                     gsize           len,
                                                     const char    **reason);

G_END_DECLS
