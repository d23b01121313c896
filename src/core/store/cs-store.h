/* cs-store.h: resource index and the patient × variable table
 *
 * Feed resources with cs_store_add_resource() (it has the signature of a
 * CsIngestResourceFunc), then call cs_store_finish() once: references are
 * resolved and the columnar table is built. After finish the store is
 * read-only and may be shared between threads for reading.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include "cs-ingest.h"
#include "cs-variable.h"

G_BEGIN_DECLS

#define CS_TYPE_STORE (cs_store_get_type ())
G_DECLARE_FINAL_TYPE (CsStore, cs_store, CS, STORE, GObject)

#define CS_STORE_ERROR (cs_store_error_quark ())

typedef enum
{
  CS_STORE_ERROR_FAILED,
  CS_STORE_ERROR_NOT_FINISHED,
  CS_STORE_ERROR_NO_SUCH_VARIABLE,
  CS_STORE_ERROR_NO_SUCH_RESOURCE,
} CsStoreError;

GQuark             cs_store_error_quark           (void);

CsStore           *cs_store_new                   (void);

/* Loading */
gboolean           cs_store_add_resource          (const CsResourceRecord *record,
                                                   gpointer                store,
                                                   GError                **error);
gboolean           cs_store_load_path             (CsStore              *self,
                                                   const char           *path,
                                                   CsIngestProgressFunc  progress,
                                                   gpointer              progress_data,
                                                   GCancellable         *cancellable,
                                                   GError              **error);
void               cs_store_finish                (CsStore              *self);
gboolean           cs_store_is_finished           (CsStore              *self);

/* Loads every path into a new store in a thread and finishes it. Progress
 * (bytes done/total over all paths, resources) is delivered on the main
 * context of the caller. */
void               cs_store_load_async            (char                **paths,
                                                   CsIngestProgressFunc  progress,
                                                   gpointer              progress_data,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
CsStore           *cs_store_load_finish           (GAsyncResult         *result,
                                                   GError              **error);

/* Resource index */
guint              cs_store_get_n_resources       (CsStore              *self);
/* resourceType -> count, sorted by type name; "Patient": n etc. */
GPtrArray         *cs_store_get_resource_types    (CsStore              *self);   /* char*, owned by store */
guint              cs_store_count_resources       (CsStore              *self,
                                                   const char           *resource_type);
const char        *cs_store_get_resource_type     (CsStore              *self,
                                                   guint                 resource);
const char        *cs_store_get_resource_id       (CsStore              *self,
                                                   guint                 resource);
/* A one-line description ("Observation 8302-2 Body height: 177 cm, 2019-05-01") */
char              *cs_store_describe_resource     (CsStore              *self,
                                                   guint                 resource);
/* The resource's JSON as found in its source, re-read on demand, indented. */
char              *cs_store_get_resource_json     (CsStore              *self,
                                                   guint                 resource,
                                                   GError              **error);
/* The resource's bytes exactly as in its source (the file, or what the
 * server sent), NUL-terminated; length (may be NULL) gets their length. */
char              *cs_store_get_resource_source   (CsStore              *self,
                                                   guint                 resource,
                                                   gsize                *length,
                                                   GError              **error);

/* Patients (rows) */
guint              cs_store_get_n_patients        (CsStore              *self);
const char        *cs_store_get_patient_id        (CsStore              *self,
                                                   guint                 row);
int                cs_store_find_patient          (CsStore              *self,
                                                   const char           *patient_id); /* -1 if none */
/* Resource indices (guint) of everything that refers to the patient, incl. the Patient itself */
GArray            *cs_store_get_patient_resources (CsStore              *self,
                                                   guint                 row);
/* StudyInstanceUIDs of the patient's ImagingStudies (char*, owned by store) */
GPtrArray         *cs_store_get_patient_study_uids (CsStore             *self,
                                                   guint                 row);

/* Variables (columns), in a stable order: Patient, Condition, Observation, Imaging, Radiomics,
 * Survival; by key within a group. The rules are in docs/VARIABLES.md. */
guint              cs_store_get_n_variables       (CsStore              *self);
CsVariable        *cs_store_get_variable          (CsStore              *self,
                                                   guint                 index);
CsVariable        *cs_store_lookup_variable       (CsStore              *self,
                                                   const char           *key);
/* key or any code ("system|code" or only "code") */
CsVariable        *cs_store_find_variable         (CsStore              *self,
                                                   const char           *key_or_code);
/* Per-lesion roll-up for multi-valued numeric variables (radiomics); rebuilds num[] and n of the
 * Radiomics group's numeric variables in place (not thread-safe: no readers meanwhile).
 * Returns TRUE when the rollup changed. */
gboolean           cs_store_set_rollup            (CsStore              *self,
                                                   CsRollup              rollup);
CsRollup           cs_store_get_rollup            (CsStore              *self);

/* Added by the store: */
/* Messages about values that were skipped (type or unit conflicts,
 * unsupported value types, unresolved patient references). char*, owned by store. */
GPtrArray         *cs_store_get_warnings          (CsStore              *self);

/* What a warning is about, to group them in a load report */
typedef enum
{
  CS_STORE_WARNING_OTHER,
  CS_STORE_WARNING_FILE_SKIPPED,       /* a file of a folder that is not FHIR */
  CS_STORE_WARNING_VALUES_SKIPPED,     /* unsupported value types, no time unit, cancelled or refuted */
  CS_STORE_WARNING_SECOND_UNIT,        /* values in a unit or type of their own: a second variable */
  CS_STORE_WARNING_ABSENT_PATIENT,     /* resources of patients not in the sources */
  CS_STORE_WARNING_SURVIVAL,           /* survival times that could not be derived as recorded */
  CS_STORE_N_WARNING_KINDS
} CsStoreWarningKind;

/* The kind of warning index (of cs_store_get_warnings()) */
CsStoreWarningKind cs_store_get_warning_kind      (CsStore              *self,
                                                   guint                 index);
/* A heading for the warnings of a kind: "Files skipped" (translated) */
const char        *cs_store_warning_kind_label    (CsStoreWarningKind    kind);
/* Number of resources whose subject/patient reference names no loaded Patient. */
guint              cs_store_get_n_unresolved      (CsStore              *self);
/* The row a resource belongs to, -1 if none (after finish). */
int                cs_store_get_resource_row      (CsStore              *self,
                                                   guint                 resource);
/* Rollup names: "latest", "largest-lesion", "max", "mean", "sum", "count". */
const char        *cs_rollup_to_string            (CsRollup              rollup);
gboolean           cs_rollup_from_string          (const char           *str,
                                                   CsRollup             *out_rollup);

/* How the value of a variable the store derives came about for the patient
 * at row (cs-store-explain.c): one line naming the resources (Type/id),
 * elements and dates, e.g. for age_at_diagnosis "Condition/c1 “NSCLC”
 * (http://snomed.info/sct|254637007) onsetDateTime 2015-03-01 − Patient/p
 * birthDate 1950-01-01". For age_at_diagnosis, diagnosis, os, deceased and
 * the condition.<code> flags (true / false / unknown); NULL for any other
 * variable (read as it is). Translated; free with g_free. After finish. */
char              *cs_store_explain_cell          (CsStore              *self,
                                                   const CsVariable     *var,
                                                   guint                 row);
/* Patients without any Condition in the sources: their condition.<code>
 * flags are false, but that means unknown rather than "no such Condition". */
guint              cs_store_count_patients_without_conditions (CsStore *self);
/* Per row, 1 when the sources hold a (coded, not refuted) Condition of the
 * patient, else 0; g_free it. */
guint8            *cs_store_dup_rows_with_conditions (CsStore *self);

/* Derived variables (cs-store-derived.c): numeric columns computed by an
 * analysis, e.g. a Cox model's signature score, added to a finished store
 * in the group "Derived" after every loaded variable, and used by filters
 * and analyses like any other. values has one entry per patient (NAN or a
 * non-finite value = missing). Fails when the store is not finished, the
 * key is not a valid key or is taken. Not thread-safe: no readers of the
 * store meanwhile (like cs_store_set_rollup). Emits "variable-added"
 * (guint index: the variable's index, cs_store_get_variable) on the
 * calling thread. Returns the variable (owned by the store). */
CsVariable        *cs_store_add_derived_variable  (CsStore              *self,
                                                   const char           *key,
                                                   const char           *label,
                                                   const char           *unit,
                                                   const double         *values,
                                                   GError              **error);
/* Removes a derived variable; FALSE when key names none. */
gboolean           cs_store_remove_derived_variable (CsStore            *self,
                                                   const char           *key);

G_END_DECLS
