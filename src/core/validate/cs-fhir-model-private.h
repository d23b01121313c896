/* cs-fhir-model-private.h: the generated tables behind cs-fhir-model.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-fhir-model.h"

G_BEGIN_DECLS

/* The most elements one structure has (checked by the generated file). */
#define CS_FHIR_MAX_STRUCTURE_ELEMENTS 64

typedef enum
{
  CS_FHIR_STRUCTURE_RESOURCE,
  CS_FHIR_STRUCTURE_COMPLEX,
  CS_FHIR_STRUCTURE_BACKBONE,
} CsFhirStructureKind;

/* A JSON member name of a structure: elements[first_element + element] with
 * its types[type]. Sorted by name within a structure. */
typedef struct
{
  const char *name;
  guint16     element;
  guint16     type;
} CsFhirMember;

typedef struct
{
  const char          *name;            /* "Observation", "Quantity", "Observation.component" */
  CsFhirStructureKind  kind;
  guint32              first_element;
  guint32              n_elements;
  guint32              first_member;
  guint32              n_members;
} CsFhirStructure;

typedef struct
{
  const char *name;
  gint32      structure;
} CsFhirNamedStructure;

extern const CsFhirBinding        cs_fhir_model_bindings[];
extern const CsFhirType           cs_fhir_model_types[];
extern const CsFhirElement        cs_fhir_model_elements[];
extern const CsFhirMember         cs_fhir_model_members[];
extern const CsFhirStructure      cs_fhir_model_structures[];
extern const guint                cs_fhir_model_n_structures;
extern const CsFhirNamedStructure cs_fhir_model_named[];
extern const guint                cs_fhir_model_n_named;
extern const char *const          cs_fhir_model_resource_type_names[];
extern const guint                cs_fhir_model_n_resource_type_names;

/* Lookups shared by the model and the validator. */
const CsFhirStructure *cs_fhir_model_structure_by_name (const char *name);
const CsFhirMember    *cs_fhir_model_member            (const CsFhirStructure *structure,
                                                        const char            *name);
/* cs_fhir_primitive_check_kind() that may skip the UTF-8 check (values
 * from CsJsonNode strings are known to be valid) */
gboolean               cs_fhir_primitive_check_value   (CsFhirPrimitive  primitive,
                                                        const char      *value,
                                                        gsize            len,
                                                        gboolean         utf8_known,
                                                        const char     **reason);
static inline const CsFhirStructure *
cs_fhir_model_structure (gint32 index)
{
  return index >= 0 ? &cs_fhir_model_structures[index] : NULL;
}

G_END_DECLS
