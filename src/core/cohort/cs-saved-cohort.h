/* cs-saved-cohort.h: saved cohorts (JSON files) and FHIR R4 Group export/import
 *
 * A saved cohort is a name, a filter and, optionally, an explicit list of
 * Patient ids. When the list is present it defines the members (a frozen
 * cohort, e.g. imported from a Group); otherwise the filter is evaluated
 * against the loaded data. File format (docs/FILTERS.md):
 *
 *   { "format": "cohortscope-cohort/1", "name": …, "description": …,
 *     "filter": …, "created": "2026-01-31T12:00:00Z", "source": …,
 *     "id": …, "patients": ["id", …], "models": [{…}, …] }
 *
 * "models" (optional) holds models fitted on the cohort, each a JSON object
 * with its own versioned "format" (a Cox model: "cohortscope-model/1",
 * src/core/analysis/cs-cox-model.h). This file keeps them as they are: a
 * reader older than "models" ignores them, and a model newer than this
 * version survives being loaded and saved again.
 *
 * The id (optional) is the id of the cohort's FHIR Group on a server, kept
 * so that uploading the cohort again updates that Group. Without one the
 * Group id is derived from the name (cs_saved_cohort_make_group_id).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-filter.h"

G_BEGIN_DECLS

#define CS_COHORT_ERROR (cs_cohort_error_quark ())

typedef enum
{
  CS_COHORT_ERROR_INVALID,      /* malformed file: the message names file and JSON path or line */
  CS_COHORT_ERROR_UNSUPPORTED,  /* written by a newer version (format cohortscope-cohort/N, N > 1) */
  CS_COHORT_ERROR_EMPTY,        /* neither a filter nor patient ids */
} CsCohortError;

#define CS_SAVED_COHORT_FORMAT "cohortscope-cohort/1"
/* Extension on exported Groups holding the filter text (valueString). */
#define CS_GROUP_FILTER_EXTENSION "https://cohortscope.github.io/fhir/StructureDefinition/cohort-filter"
/* Group.characteristic.code.text of the characteristic holding the filter. */
#define CS_GROUP_FILTER_CODE_TEXT "Cohortscope filter"

typedef struct
{
  char      *name;          /* required */
  char      *description;   /* or NULL */
  char      *filter;        /* filter text, or NULL when defined by patient_ids only */
  char      *created;       /* ISO 8601, UTC ("2026-01-31T12:00:00Z") */
  char      *source;        /* description of the data it was made from, or NULL */
  GPtrArray *patient_ids;   /* char*: explicit members, or NULL */
  char      *id;            /* FHIR id of its Group (e.g. imported from Group.id), or NULL */
  GPtrArray *models;        /* char*: models fitted on the cohort, each as compact JSON, or NULL */
} CsSavedCohort;

GQuark         cs_cohort_error_quark        (void);

/* created is set to now */
CsSavedCohort *cs_saved_cohort_new          (const char           *name,
                                             const char           *filter);
CsSavedCohort *cs_saved_cohort_copy         (const CsSavedCohort  *self);
void           cs_saved_cohort_free         (CsSavedCohort        *self);
/* Same fields and same ids in the same order. */
gboolean       cs_saved_cohort_equal        (const CsSavedCohort  *a,
                                             const CsSavedCohort  *b);

char          *cs_saved_cohort_to_json      (const CsSavedCohort  *self);
/* where names the data in messages (a file name), may be NULL */
CsSavedCohort *cs_saved_cohort_from_json    (const char           *data,
                                             gssize                length,
                                             const char           *where,
                                             GError              **error);
gboolean       cs_saved_cohort_save         (const CsSavedCohort  *self,
                                             const char           *path,
                                             GError              **error);
/* Opens a saved cohort, a FHIR Group (JSON) or a plain list of Patient ids
 * (one a line, "Patient/" prefix optional, blank lines and # comments skipped). */
CsSavedCohort *cs_saved_cohort_load         (const char           *path,
                                             GError              **error);

/* Adds a model (a JSON object, e.g. cs_cox_model_to_json()) to the cohort,
 * replacing the model with the same "key" if there is one. FALSE when
 * model_json is not a JSON object. */
gboolean       cs_saved_cohort_set_model    (CsSavedCohort        *self,
                                             const char           *model_json);

/* "cs-cohort-" + 40 hex digits of SHA-256 over the name: the same name
 * always gives the same Group id, a valid FHIR id. */
char          *cs_saved_cohort_make_group_id (const char          *name);
/* The id of the cohort's Group: self->id when set, else made from the name. */
char          *cs_saved_cohort_dup_group_id (const CsSavedCohort  *self);
/* FHIR R4 Group: id (cs_saved_cohort_dup_group_id), type person, actual true, member[] = Patient/<id> for each
 * id, quantity, name; the filter (when any) as a characteristic and as the
 * CS_GROUP_FILTER_EXTENSION extension. */
char          *cs_saved_cohort_to_group     (const CsSavedCohort  *self,
                                             const char *const    *member_ids,
                                             guint                 n_members);
CsSavedCohort *cs_saved_cohort_from_group   (const char           *data,
                                             gssize                length,
                                             const char           *where,
                                             GError              **error);
CsSavedCohort *cs_saved_cohort_from_id_list (const char           *data,
                                             gssize                length,
                                             const char           *where,
                                             GError              **error);

/* Members as rows: the explicit ids when present (ids not among row_ids are
 * appended to missing_ids when not NULL), else the filter evaluated over the
 * columns. row_ids[i] is the Patient id of row i. missing_ids, when not
 * NULL, must free its elements with g_free. */
CsBitset      *cs_saved_cohort_select_columns (const CsSavedCohort *self,
                                               CsVariable *const   *variables,
                                               guint                n_variables,
                                               const char *const   *row_ids,
                                               guint                n_rows,
                                               GPtrArray           *missing_ids,
                                               GError             **error);
/* The same over a finished store. */
CsBitset      *cs_saved_cohort_select       (const CsSavedCohort  *self,
                                             CsStore              *store,
                                             GPtrArray            *missing_ids,
                                             GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsSavedCohort, cs_saved_cohort_free)

G_END_DECLS
