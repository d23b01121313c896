/* cs-mapping-assist.h: what the mapping editor knows about tables
 *
 * The work behind the GUI's Mapping page, without GTK, so the CLI and tests
 * can use it too (docs/MAPPING-EDITOR.md):
 *
 *   CsTableProfile    a CSV read once, streaming, with progress and cancel:
 *                     its sniffed dialect and per column the detected type,
 *                     missing count, distinct values with counts, a sample.
 *   suggestions       what each column probably is (patient id, age, sex,
 *                     survival time, vital status, T/N/M, stage, histology,
 *                     pyradiomics features), and from that a mapping document
 *                     the engine compiles ("clinical table" and
 *                     "pyradiomics features" templates).
 *   coverage          of a value map over a column: "N of M rows mapped",
 *                     the unmapped values first.
 *   CsValueMap        a flat value map (source code → target code,
 *                     display), read from and written as FHIR ConceptMap
 *                     JSON or as the source_code,target_code,target_display
 *                     CSV that toFHIR's and HAPI's importers use.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "cs-csv.h"
#include "cs-mapping.h"
#include "cs-mapping-output.h"

G_BEGIN_DECLS

#define CS_MAPPING_ASSIST_ERROR (cs_mapping_assist_error_quark ())

typedef enum
{
  CS_MAPPING_ASSIST_ERROR_NO_KEY,     /* no column identifies the patient */
  CS_MAPPING_ASSIST_ERROR_NOTHING,    /* no column the template can use */
  CS_MAPPING_ASSIST_ERROR_VALUE_MAP,  /* a value map file that cannot be used */
  CS_MAPPING_ASSIST_ERROR_EDIT,       /* a structured edit that does not fit the mapping */
  CS_MAPPING_ASSIST_ERROR_CATALOGUE,  /* a code catalogue or typed coding that cannot be read */
} CsMappingAssistError;

GQuark cs_mapping_assist_error_quark (void);

/* ------------------------------------------------------------------ */
/* Table profiles                                                      */

typedef struct
{
  char          *path;
  char          *name;        /* basename, used in messages */
  CsCsvDialect   dialect;     /* as read: the sniffed delimiter filled in */
  gboolean       had_bom;
  char          *line_end;    /* "LF", "CRLF", "CR" or NULL (one line only) */
  CsCsvProfile  *profile;
  /* The rows themselves when asked for (CS_TABLE_PROFILE_KEEP_ROWS), for
   * the editor's grid and preview: up to CS_TABLE_PROFILE_MAX_KEPT_ROWS. */
  GPtrArray     *rows;        /* char ** of n_columns fields each, or NULL */
  gboolean       rows_capped; /* the file has more rows than were kept */
  GStringChunk  *strings;
} CsTableProfile;

typedef enum
{
  CS_TABLE_PROFILE_NONE      = 0,
  CS_TABLE_PROFILE_KEEP_ROWS = 1 << 0,
} CsTableProfileFlags;

#define CS_TABLE_PROFILE_MAX_KEPT_ROWS 2000000u

/* Reads the whole file once (memory bounded by the distinct-value cap, not
 * by the rows). dialect may be NULL (sniff). progress is called on the
 * calling thread; cancellable is checked between records. */
CsTableProfile *cs_table_profile_new_for_path (const char          *path,
                                               const CsCsvDialect  *dialect,
                                               CsTableProfileFlags  flags,
                                               CsCsvProgressFunc    progress,
                                               gpointer             progress_data,
                                               GCancellable        *cancellable,
                                               GError             **error);
void            cs_table_profile_free         (CsTableProfile      *self);
/* The fields of a kept row (0-based), or NULL. */
const char * const *cs_table_profile_get_row  (const CsTableProfile *self,
                                               guint64               index);
/* "comma, UTF-8 with BOM, CRLF": the dialect in words (translated). */
char           *cs_table_profile_describe_dialect (const CsTableProfile *self);
/* The first distinct values of a column, comma separated, at most
 * max_values of them, "…" when there are more. */
char           *cs_table_profile_sample        (const CsCsvColumnProfile *column,
                                                guint                      max_values);

/* Runs cs_table_profile_new_for_path() in a thread; progress (bytes done,
 * total) is delivered on the caller's main context. */
void            cs_table_profile_new_async    (const char          *path,
                                               CsTableProfileFlags  flags,
                                               CsCsvProgressFunc    progress,
                                               gpointer             progress_data,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
CsTableProfile *cs_table_profile_new_finish   (GAsyncResult        *result,
                                               GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsTableProfile, cs_table_profile_free)

/* ------------------------------------------------------------------ */
/* Suggestions                                                         */

typedef enum
{
  CS_COLUMN_ROLE_NONE,
  CS_COLUMN_ROLE_PATIENT_ID,
  CS_COLUMN_ROLE_AGE,
  CS_COLUMN_ROLE_SEX,
  CS_COLUMN_ROLE_SURVIVAL_TIME,
  CS_COLUMN_ROLE_VITAL_STATUS,
  CS_COLUMN_ROLE_T_CATEGORY,
  CS_COLUMN_ROLE_N_CATEGORY,
  CS_COLUMN_ROLE_M_CATEGORY,
  CS_COLUMN_ROLE_STAGE_GROUP,
  CS_COLUMN_ROLE_HISTOLOGY,
  CS_COLUMN_ROLE_RADIOMICS_FEATURE,
  CS_COLUMN_ROLE_RADIOMICS_DIAGNOSTICS,
} CsColumnRole;

/* "patient-id", "age", … (stable, for tests and files) */
const char   *cs_column_role_to_string     (CsColumnRole               role);
/* "Patient id", "Age", … (translated, for people) */
const char   *cs_column_role_get_label     (CsColumnRole               role);
/* What a column probably is, from its name and its values. */
CsColumnRole  cs_column_role_guess         (const CsCsvColumnProfile *column);

/* Whether a column name is a pyradiomics feature
 * ("wavelet-HLH_glcm_Correlation", "original_shape_MeshVolume"). */
gboolean      cs_mapping_is_pyradiomics_column (const char *name);

typedef enum
{
  CS_MAPPING_TEMPLATE_AUTO,         /* pyradiomics when most columns are features, else clinical */
  CS_MAPPING_TEMPLATE_CLINICAL,     /* Patient, primary cancer Condition, TNM/stage/survival Observations */
  CS_MAPPING_TEMPLATE_PYRADIOMICS,  /* Patient and one Observation per feature column and row */
} CsMappingTemplateKind;

/* A mapping document (pretty JSON, format cohortscope-mapping/1) for one
 * table under the given input role ("clinical", "features"), with the value
 * maps its categorical columns need as inline ConceptMaps (the values whose
 * codes are known are mapped; the rest are left for the steward, and shown
 * by the coverage). namespace_text: the mapping's "namespace"; NULL gives a
 * fresh random UUID. Fails when no column identifies the patient. */
char         *cs_mapping_suggest           (const CsTableProfile       *table,
                                            const char                 *role,
                                            CsMappingTemplateKind       kind,
                                            const char                 *namespace_text,
                                            GError                    **error);

/* ------------------------------------------------------------------ */
/* Value-map coverage                                                  */

typedef struct
{
  const char *value;        /* the column's value (owned by the profile) */
  guint64     count;        /* rows with it */
  gboolean    mapped;       /* the map gives it a code */
  gboolean    listed;       /* it is in the map (perhaps explicitly with no code) */
  const char *code;         /* the first target's code, or NULL (owned by the mapping) */
  const char *display;      /* or NULL */
} CsValueCoverage;

typedef struct
{
  guint64  rows_mapped;     /* rows whose (non-missing) value has a code */
  guint64  rows_total;      /* rows with a value */
  guint64  rows_missing;
  gboolean capped;          /* the column had more distinct values than the profile keeps */
  GArray  *values;          /* CsValueCoverage: unmapped first, then by count (descending), then by value */
} CsMappingCoverage;

CsMappingCoverage *cs_mapping_coverage_new   (CsConceptMap              *map,
                                              const CsCsvColumnProfile  *column);
void               cs_mapping_coverage_free  (CsMappingCoverage         *self);
/* "118 of 120 rows mapped" (translated) */
char              *cs_mapping_coverage_describe (const CsMappingCoverage *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsMappingCoverage, cs_mapping_coverage_free)

/* ------------------------------------------------------------------ */
/* Live preview                                                        */

/* One element of a previewed resource and the cells it came from. */
typedef struct
{
  char    *path;      /* "Observation.code.coding[0].code" (the engine's trace path) */
  guint    line;      /* 0-based line of the element in the pretty JSON */
  GArray  *cells;     /* CsMappingCell */
} CsPreviewElement;

typedef struct
{
  char      *name;          /* the template's name */
  char      *type;          /* resourceType */
  char      *id;
  char      *json;          /* pretty JSON (two spaces) */
  GPtrArray *elements;      /* CsPreviewElement, in line order */
} CsPreviewResource;

typedef struct
{
  CsMappingSeverity severity;
  char    *input;           /* the role of the input whose row it is, or NULL */
  guint64  row;             /* 1-based, 0 = none */
  char    *column;          /* or NULL */
  char    *value;           /* or NULL */
  char    *resource;        /* template name, or NULL */
  char    *element;         /* or NULL */
  char    *message;         /* the problem as the CLI prints it, with its place */
} CsPreviewProblem;

typedef struct _CsMappingPreview CsMappingPreview;

/* Reads a mapping from text (the editor's buffer) and binds it to one
 * table: the input with the given role, or the first input when role is
 * NULL. Errors are the engine's: CS_MAPPING_ERROR_SYNTAX,
 * _VERSION, _INVALID (with the JSON path) or _COMPILE. */
CsMappingPreview *cs_mapping_preview_new      (const char           *mapping_text,
                                               const char           *base_dir,
                                               const char           *role,
                                               const CsTableProfile *table,
                                               GError              **error);
/* The same, with files for the mapping's other inputs (by role; roles the
 * mapping does not declare are ignored): a row's joins are resolved
 * against them, as in a run. The previewed table's role is taken from
 * table, not from others. */
CsMappingPreview *cs_mapping_preview_new_full (const char               *mapping_text,
                                               const char               *base_dir,
                                               const char               *role,
                                               const CsTableProfile     *table,
                                               const CsMappingInputFile *others,
                                               guint                     n_others,
                                               GError                  **error);
void              cs_mapping_preview_free     (CsMappingPreview     *self);
CsMapping        *cs_mapping_preview_get_mapping (CsMappingPreview  *self);
const char       *cs_mapping_preview_get_role (CsMappingPreview     *self);
/* The compiled mapping (for a run over all rows: cs_mapping_run_new()). */
CsMappingProgram *cs_mapping_preview_get_program (CsMappingPreview  *self);
/* Index of the table's input in the mapping. */
guint             cs_mapping_preview_get_input   (CsMappingPreview  *self);
/* Maps one kept row of the table (0-based index). Resources and problems
 * are appended to the arrays (element types CsPreviewResource and
 * CsPreviewProblem; create them with cs_preview_*_array_new()). */
gboolean          cs_mapping_preview_row      (CsMappingPreview     *self,
                                               guint64               index,
                                               GPtrArray            *resources,
                                               GPtrArray            *problems,
                                               GError              **error);
GPtrArray        *cs_preview_resource_array_new (void);
GPtrArray        *cs_preview_problem_array_new  (void);
/* A copy of an engine problem, as the preview and Validate list it */
CsPreviewProblem *cs_preview_problem_new        (const CsMappingProblem *problem);
/* The 0-based line in the resource's JSON of the element with the given
 * path, or -1. */
int               cs_preview_resource_find_line (const CsPreviewResource *resource,
                                                 const char              *path);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsMappingPreview, cs_mapping_preview_free)

/* The resources of a row as the preview shows them: each one's JSON, one
 * after another on lines of their own. first_lines (guint) receives the
 * 0-based line each resource starts at. */
char             *cs_preview_resources_join       (GPtrArray            *resources,
                                                   GArray               *first_lines);
/* The element with cells on a line of that text, or NULL. */
const CsPreviewElement *cs_preview_resources_element_at (GPtrArray       *resources,
                                                          GArray          *first_lines,
                                                          guint            line);
/* Appends to lines (guint) each line of that text whose element was fed by
 * a cell of the given input and column (once per element). */
void              cs_preview_resources_column_lines (GPtrArray          *resources,
                                                     GArray             *first_lines,
                                                     guint               input,
                                                     guint               column,
                                                     GArray             *lines);

/* The 0-based line of mapping text that an engine error message points at
 * ("…: byte 42 at …", or a JSON path such as "resources[1].template.gender",
 * else the nearest parent the text has), or -1. */
int               cs_mapping_text_find_line   (const char           *text,
                                               const char           *message);

/* ------------------------------------------------------------------ */
/* Validate and Run over a whole table                                 */

/* One pass of the mapping over one table, in a thread: every problem is
 * gathered, the progress kept for the caller to poll (it is on another
 * thread), and with an output every resource written to it, which is
 * committed only when the whole table went through (NDJSON for a path
 * ending in ".ndjson", else a transaction Bundle). */
typedef struct _CsMappingCheck CsMappingCheck;

/* Takes reader. validate_all: CS_MAPPING_RUN_VALIDATE_ALL (check every
 * element of rejected rows too). */
CsMappingCheck   *cs_mapping_check_new          (CsMappingProgram   *program,
                                                 const char         *role,
                                                 CsCsvReader        *reader,
                                                 gboolean            validate_all,
                                                 GError            **error);
/* Adds another input of the mapping, read from path (a Validate of one
 * table whose joins read the others). A role the mapping does not declare
 * is ignored. */
gboolean          cs_mapping_check_add_input    (CsMappingCheck     *self,
                                                 const char         *role,
                                                 const char         *path,
                                                 GError            **error);
/* A Run through the one run API, cs_mapping_execute(): the same bytes as
 * `cohortscope-cli map` (Device and Provenance included; nothing is written
 * when rows were rejected). program must have been compiled against the
 * inputs' files (cs_mapping_compile_files()). */
CsMappingCheck   *cs_mapping_check_new_run      (CsMappingProgram         *program,
                                                 const CsMappingInputFile *inputs,
                                                 guint                     n_inputs,
                                                 const char               *output);
gboolean          cs_mapping_check_set_output   (CsMappingCheck     *self,
                                                 const char         *path,
                                                 GError            **error);
void              cs_mapping_check_free         (CsMappingCheck     *self);
/* self must stay alive until the callback ran. */
void              cs_mapping_check_run_async    (CsMappingCheck     *self,
                                                 GCancellable       *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer            user_data);
/* Commits the output when the run went through, else removes it. */
gboolean          cs_mapping_check_run_finish   (CsMappingCheck     *self,
                                                 GAsyncResult       *result,
                                                 GError            **error);
/* The latest progress (any thread); FALSE when there is none yet. */
gboolean          cs_mapping_check_get_progress (CsMappingCheck     *self,
                                                 CsMappingProgress  *progress);
/* The problems so far (CsPreviewProblem), in the order found. */
GPtrArray        *cs_mapping_check_steal_problems (CsMappingCheck   *self);
void              cs_mapping_check_get_stats    (CsMappingCheck     *self,
                                                 CsMappingStats     *stats);
/* The file written (after a successful finish), or NULL. */
const char       *cs_mapping_check_get_output_path (CsMappingCheck  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsMappingCheck, cs_mapping_check_free)

/* ------------------------------------------------------------------ */
/* Value maps as files                                                 */

typedef struct
{
  char *source;
  char *target;       /* NULL: listed with no code ("unmatched") */
  char *display;      /* or NULL */
} CsValueMapEntry;

typedef struct
{
  char   *id;
  char   *url;           /* or NULL */
  char   *source_system; /* or NULL */
  char   *target_system; /* or NULL */
  GArray *entries;       /* CsValueMapEntry */
} CsValueMap;

CsValueMap   *cs_value_map_new             (const char   *id,
                                            const char   *target_system);
void          cs_value_map_free            (CsValueMap   *self);
void          cs_value_map_add             (CsValueMap   *self,
                                            const char   *source,
                                            const char   *target,
                                            const char   *display);
/* Reads a FHIR R4 ConceptMap (the first group's systems; every group's
 * elements; targets with no code become entries with target NULL). Errors
 * name the JSON path. name is used in messages. */
CsValueMap   *cs_value_map_from_concept_map (const char  *data,
                                             gssize       length,
                                             const char  *name,
                                             GError     **error);
/* Reads source_code,target_code,target_display (a header row with those
 * names, in any order; target_display optional). Errors name row and
 * column. target_system is the group's target (the CSV does not say it). */
CsValueMap   *cs_value_map_from_csv        (const char   *path,
                                            const char   *id,
                                            const char   *target_system,
                                            GError      **error);
/* A FHIR ConceptMap, pretty JSON (equivalence "equivalent", or
 * "unmatched" with a comment for an entry without a target). */
char         *cs_value_map_to_concept_map  (const CsValueMap *self);
/* source_code,target_code,target_display with a header row, CRLF per RFC 4180. */
char         *cs_value_map_to_csv          (const CsValueMap *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsValueMap, cs_value_map_free)

/* ------------------------------------------------------------------ */
/* Edits of the mapping text (the value maps view)                     */

/* The column the first {"$map": id, "column": …} of the resources applies
 * the map to, or NULL. */
char         *cs_mapping_text_find_map_column   (const char  *text,
                                                 const char  *id);
/* The ConceptMap with this id or url as pretty JSON: inline, or read from
 * its {"$file": …} relative to base_dir. */
char         *cs_mapping_text_get_concept_map   (const char  *text,
                                                 const char  *base_dir,
                                                 const char  *id,
                                                 GError     **error);
/* The mapping text with the ConceptMap id replaced by concept_map_json (its
 * id set to id), inline where the old one was; re-indented. */
char         *cs_mapping_text_replace_concept_map (const char  *text,
                                                   const char  *base_dir,
                                                   const char  *id,
                                                   const char  *concept_map_json,
                                                   GError     **error);

G_END_DECLS
