/* cs-mapping.h: the CSV → FHIR mapping engine
 *
 * A mapping file (docs/MAPPING.md, format "cohortscope-mapping/1") names
 * input tables by role, how their columns are parsed, how they join, the
 * value maps (FHIR ConceptMaps) and the resource templates: FHIR JSON trees
 * whose values may be directives ({"$column": …}, {"$map": …}, {"$ref": …},
 * {"$feature": …}) or strings with {{column}} placeholders.
 *
 * Life cycle, shared by the CLI and the GUI editor:
 *
 *   CsMapping        cs_mapping_load_file() / _load_data(): the file, parsed
 *                    and checked on its own (every error names the JSON path).
 *   CsMappingProgram cs_mapping_compile(): the mapping bound to the headers
 *                    of its input tables (columns resolved to indices, every
 *                    directive checked), ready to run. Immutable; may be used
 *                    from several threads.
 *   CsMappingRun     cs_mapping_run_new() + _add_input(): one execution over
 *                    CSV readers. cs_mapping_run_prepare() reads and indexes
 *                    the tables other tables look rows up in (their rows stay
 *                    in the file and are read again when needed);
 *                    cs_mapping_run_row() maps one row (the editor's live
 *                    preview); cs_mapping_run_all() streams every row with
 *                    progress and cancel.
 *
 * Results go to a CsMappingSink: each produced resource (compact JSON,
 * optionally with the input cells behind each element), each problem
 * (input, row, column, value, message), progress. A row is atomic: when any
 * of its resources has an error the row is rejected and none of its
 * resources reaches the sink.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "cs-csv.h"

G_BEGIN_DECLS

#define CS_MAPPING_ERROR (cs_mapping_error_quark ())

typedef enum
{
  CS_MAPPING_ERROR_IO,          /* a file cannot be read or written */
  CS_MAPPING_ERROR_SYNTAX,      /* the mapping (or a ConceptMap) file is not JSON */
  CS_MAPPING_ERROR_VERSION,     /* "format" missing or another version than cohortscope-mapping/1 */
  CS_MAPPING_ERROR_INVALID,     /* unknown field, wrong type, bad value: names the JSON path */
  CS_MAPPING_ERROR_COMPILE,     /* the mapping does not fit its inputs (missing column, …) */
  CS_MAPPING_ERROR_INPUT,       /* an input table is missing, empty, or does not match its header */
  CS_MAPPING_ERROR_REJECTED,    /* cs_mapping_run_all(): rows were rejected */
} CsMappingError;

GQuark cs_mapping_error_quark (void);

#define CS_MAPPING_FORMAT "cohortscope-mapping/1"

/* Limits (docs/MAPPING.md) */
#define CS_MAPPING_MAX_FILE_BYTES   (16u * 1024u * 1024u)  /* a mapping or ConceptMap file */
#define CS_MAPPING_MAX_TEMPLATE_DEPTH 32                    /* nesting inside one template */

/* ------------------------------------------------------------------ */
/* The mapping file                                                    */

typedef struct _CsMapping CsMapping;

/* Reads and checks a mapping file. ConceptMaps it names with {"$file": …}
 * and the IBSI dictionary are read relative to the file's folder. */
CsMapping    *cs_mapping_load_file          (const char   *path,
                                             GError      **error);
/* The same from text (the editor's buffer). name is used in messages;
 * base_dir resolves relative file names (NULL: the current directory). */
CsMapping    *cs_mapping_load_data          (const char   *data,
                                             gssize        length,
                                             const char   *name,
                                             const char   *base_dir,
                                             GError      **error);
/* The editor's text of the mapping saved at path (NULL: never saved):
 * messages and the Provenance name that file, ConceptMap files resolve
 * next to it, and when the text is the file's bytes the mapping is the one
 * cs_mapping_load_file (path) gives, so a run writes the same output as
 * `cohortscope-cli map --mapping path`. Defined in cs-mapping-execute.c. */
CsMapping    *cs_mapping_load_text_for_file (const char   *text,
                                             gssize        length,
                                             const char   *path,
                                             GError      **error);
CsMapping    *cs_mapping_ref                (CsMapping    *self);
void          cs_mapping_unref              (CsMapping    *self);

const char   *cs_mapping_get_id             (CsMapping    *self);
const char   *cs_mapping_get_version        (CsMapping    *self);
const char   *cs_mapping_get_title          (CsMapping    *self);  /* "name", or the id */
const char   *cs_mapping_get_namespace      (CsMapping    *self);
/* Lowercase hex SHA-256 of the mapping file's bytes (ConceptMap files
 * included, in the order they are named), for the run's Provenance. */
const char   *cs_mapping_get_sha256         (CsMapping    *self);
/* The name used in messages (the file's basename). */
const char   *cs_mapping_get_name           (CsMapping    *self);
/* The IBSI code dictionary for radiomics templates (pyradiomics'
 * featuresDict_IBSIv7.tsv): the mapping's radiomics.ibsiDictionary, or what
 * is set here (NULL: none). Read when the mapping is compiled. */
void          cs_mapping_set_ibsi_dictionary (CsMapping  *self,
                                              const char *path);
const char   *cs_mapping_get_ibsi_dictionary (CsMapping  *self);
/* The files the mapping was read from: the mapping file (when loaded from
 * one) and the ConceptMap files it names. NULL-terminated, owned. */
const char * const *cs_mapping_get_files    (CsMapping    *self);

guint         cs_mapping_get_n_inputs       (CsMapping    *self);
const char   *cs_mapping_get_input_role     (CsMapping    *self,
                                             guint         index);
/* Whether the input says "optional": true: a run may leave it out. */
gboolean      cs_mapping_get_input_optional (CsMapping    *self,
                                             guint         index);
/* Index of an input by role, or -1. */
int           cs_mapping_find_input         (CsMapping    *self,
                                             const char   *role);
/* The dialect the mapping asks for the input (delimiter, encoding, decimal
 * comma, missing tokens); pass it to cs_csv_reader_new_for_path(). */
const CsCsvDialect *cs_mapping_get_input_dialect (CsMapping *self,
                                                  guint      index);

guint         cs_mapping_get_n_resources    (CsMapping    *self);
const char   *cs_mapping_get_resource_name  (CsMapping    *self,
                                             guint         index);
const char   *cs_mapping_get_resource_type  (CsMapping    *self,
                                             guint         index);

/* ------------------------------------------------------------------ */
/* Value maps (FHIR ConceptMap)                                        */

typedef struct _CsConceptMap CsConceptMap;

typedef enum
{
  CS_UNMAPPED_ERROR,   /* a value without a map is a problem: the row is rejected */
  CS_UNMAPPED_KEEP,    /* the value itself becomes the code (ConceptMap unmapped.mode "provided") */
  CS_UNMAPPED_OMIT,    /* the element is left out, with a warning */
  CS_UNMAPPED_FIXED,   /* ConceptMap unmapped.mode "fixed": its code */
} CsUnmappedPolicy;

typedef struct
{
  const char *system;      /* the group's target system, or NULL */
  const char *version;     /* the group's targetVersion, or NULL */
  const char *code;
  const char *display;     /* or NULL */
  const char *equivalence; /* R4 ConceptMap equivalence */
  const char *comment;     /* or NULL */
} CsConceptMapTarget;

guint         cs_mapping_get_n_concept_maps (CsMapping    *self);
CsConceptMap *cs_mapping_get_concept_map    (CsMapping    *self,
                                             guint         index);
/* By id, url or url|version. */
CsConceptMap *cs_mapping_find_concept_map   (CsMapping    *self,
                                             const char   *reference);
const char   *cs_concept_map_get_id         (CsConceptMap *map);
const char   *cs_concept_map_get_url        (CsConceptMap *map);
/* The map's targets for a source value (case-sensitive, after trimming
 * ASCII space), across all groups, in file order. Returns the number of
 * targets that give a code (*out_targets: an array owned by the map, valid
 * as long as the mapping). Sets *out_listed to whether the value appears in
 * the map at all: a value listed with only "unmatched"/"disjoint" targets is
 * mapped explicitly to nothing (0 targets, listed). */
guint         cs_concept_map_translate      (CsConceptMap              *map,
                                             const char                *value,
                                             const CsConceptMapTarget **out_targets,
                                             gboolean                  *out_listed);

/* ------------------------------------------------------------------ */
/* Problems and provenance                                             */

typedef enum
{
  CS_MAPPING_SEVERITY_ERROR,    /* the row is rejected */
  CS_MAPPING_SEVERITY_WARNING,  /* the row is kept; something was left out or assumed */
} CsMappingSeverity;

typedef struct
{
  CsMappingSeverity  severity;
  const char        *input;     /* role, or NULL for a problem of the whole run */
  const char        *file;      /* the table's name (file basename), or NULL */
  guint64            row;       /* 1-based data row, 0 = none */
  guint64            line;      /* physical line the row starts on, 0 = unknown */
  const char        *column;    /* column name, or NULL */
  const char        *value;     /* the cell's text, or NULL */
  const char        *resource;  /* template name, or NULL */
  const char        *element;   /* FHIR path of the element ("Observation.valueQuantity.value"), or NULL */
  const char        *message;
} CsMappingProblem;

/* One input cell behind a produced element. */
typedef struct
{
  guint    input;        /* index of the input in the mapping */
  guint64  row;          /* 1-based data row in that input */
  guint    column;       /* column index in that input's header */
} CsMappingCell;

typedef struct
{
  const char          *path;     /* "Observation.code.coding[1].code" */
  guint                n_cells;
  const CsMappingCell *cells;
} CsMappingElement;

typedef struct
{
  const char             *template_name;
  const char             *resource_type;
  const char             *id;
  const char             *json;       /* compact JSON, not NUL-terminated necessarily: use length */
  gsize                   length;
  guint                   input;      /* driving input (index) */
  guint64                 row;
  guint64                 line;
  const char             *column;     /* the feature column of a wide-to-long template, else NULL */
  guint                   n_elements; /* 0 unless tracing was asked for */
  const CsMappingElement *elements;
} CsMappingResource;

typedef struct
{
  guint    input;            /* input being read (index) */
  guint64  rows_done;        /* rows of that input so far */
  guint64  bytes_done;       /* bytes of all inputs read so far */
  guint64  bytes_total;      /* sum of the inputs' sizes (0 when unknown) */
  guint64  resources;        /* resources produced so far */
  guint64  rows_rejected;
  gboolean preparing;        /* reading the tables held in memory */
} CsMappingProgress;

typedef struct
{
  /* A resource of a row that was not rejected. Return FALSE with error to
   * stop the run (e.g. a write failed). */
  gboolean (*resource) (const CsMappingResource *resource,
                        gpointer                 user_data,
                        GError                 **error);
  void     (*problem)  (const CsMappingProblem  *problem,
                        gpointer                 user_data);
  /* At most ten times a second, and once at the end. */
  void     (*progress) (const CsMappingProgress *progress,
                        gpointer                 user_data);
} CsMappingSink;

/* ------------------------------------------------------------------ */
/* Compiling                                                           */

typedef struct _CsMappingProgram CsMappingProgram;

typedef struct
{
  const char         *role;
  const char         *name;      /* the file name used in messages */
  const char * const *header;    /* NULL-terminated column names */
} CsMappingTableInfo;

/* Binds the mapping to the headers of its inputs (one CsMappingTableInfo
 * per input role the mapping declares, except optional inputs, which may be
 * left out; extra columns are fine, columns are found by name). Fails with
 * CS_MAPPING_ERROR_COMPILE listing every problem (a missing column names
 * the column and lists the header). */
CsMappingProgram *cs_mapping_compile        (CsMapping                *mapping,
                                             const CsMappingTableInfo *tables,
                                             guint                     n_tables,
                                             GError                  **error);
CsMappingProgram *cs_mapping_program_ref    (CsMappingProgram *self);
void              cs_mapping_program_unref  (CsMappingProgram *self);
CsMapping        *cs_mapping_program_get_mapping (CsMappingProgram *self);
/* Whether an input is held in memory while running (other inputs look
 * rows up in it) or streamed. */
gboolean          cs_mapping_program_input_is_indexed (CsMappingProgram *self,
                                                       guint             input);
/* Whether an optional input was left out (no table given when compiling). */
gboolean          cs_mapping_program_input_is_absent  (CsMappingProgram *self,
                                                       guint             input);
const char       *cs_mapping_program_get_column_name  (CsMappingProgram *self,
                                                       guint             input,
                                                       guint             column);
/* Things worth knowing about the compiled mapping that are not errors
 * (corrections the IBSI dictionary needed, no dictionary for radiomics,
 * types the FHIR model does not hold). NULL-terminated. */
const char * const *cs_mapping_program_get_notes      (CsMappingProgram *self);

/* ------------------------------------------------------------------ */
/* Running                                                             */

typedef struct _CsMappingRun CsMappingRun;

typedef enum
{
  CS_MAPPING_RUN_TRACE          = 1 << 0,  /* fill CsMappingResource.elements */
  CS_MAPPING_RUN_VALIDATE_ALL   = 1 << 1,  /* full validation of every resource (else once per shape) */
} CsMappingRunFlags;

CsMappingRun *cs_mapping_run_new            (CsMappingProgram  *program,
                                             CsMappingRunFlags  flags);
void          cs_mapping_run_free           (CsMappingRun      *self);
/* Stops after limit rows of each driving input (0: no limit). */
void          cs_mapping_run_set_limit      (CsMappingRun      *self,
                                             guint64            limit);
/* Before the run starts: the memory the arrays that grow with the rows may
 * take (the held tables' row records and indexes, the keys seen); past it
 * they are paged through temporary files in $TMPDIR (cs-big-mem.h). The
 * default is CS_MAPPING_MEMORY_LIMIT from the environment ("64M"), else
 * 16 MiB. */
void          cs_mapping_run_set_memory_limit (CsMappingRun    *self,
                                               gsize            limit);
/* Hands a reader for an input over to the run (its header must be the one
 * the program was compiled with). */
gboolean      cs_mapping_run_add_input      (CsMappingRun      *self,
                                             const char        *role,
                                             CsCsvReader       *reader,
                                             GError           **error);
/* Reads the tables held in memory (cs_mapping_program_input_is_indexed)
 * and works out which of their rows produce which resources. Needed once
 * before cs_mapping_run_row(); cs_mapping_run_all() calls it itself. */
gboolean      cs_mapping_run_prepare        (CsMappingRun      *self,
                                             const CsMappingSink *sink,
                                             gpointer           user_data,
                                             GCancellable      *cancellable,
                                             GError           **error);
/* Maps one row of an input (the preview): its resources and problems go to
 * the sink. Returns FALSE when the sink failed, or when a row of a table it
 * looks up could not be read again (its file changed). */
gboolean      cs_mapping_run_row            (CsMappingRun      *self,
                                             guint              input,
                                             const CsCsvRecord *record,
                                             const CsMappingSink *sink,
                                             gpointer           user_data,
                                             GError           **error);
/* Maps every row of every input. Returns FALSE when reading failed, the
 * sink failed or the run was cancelled (G_IO_ERROR_CANCELLED); rejected rows
 * do not make it fail (see the counters). */
gboolean      cs_mapping_run_all            (CsMappingRun      *self,
                                             const CsMappingSink *sink,
                                             gpointer           user_data,
                                             GCancellable      *cancellable,
                                             GError           **error);

typedef struct
{
  guint64 rows;            /* rows read over all inputs */
  guint64 rows_rejected;
  guint64 resources;       /* resources handed to the sink */
  guint64 errors;          /* problems of severity error */
  guint64 warnings;
} CsMappingStats;

void          cs_mapping_run_get_stats      (CsMappingRun      *self,
                                             CsMappingStats    *stats);
/* Resources per type so far, "Type" → guint64* count (owned by the run). */
GHashTable   *cs_mapping_run_get_type_counts (CsMappingRun     *self);

/* Runs cs_mapping_run_all() in a thread (the sink is called on that
 * thread). */
void          cs_mapping_run_all_async      (CsMappingRun        *self,
                                             const CsMappingSink *sink,
                                             gpointer             user_data,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             callback_data);
gboolean      cs_mapping_run_all_finish     (CsMappingRun        *self,
                                             GAsyncResult        *result,
                                             GError             **error);

/* ------------------------------------------------------------------ */
/* Ids                                                                 */

/* RFC 4122 name-based UUID, version 5 (SHA-1): 36 characters, lowercase. */
void          cs_mapping_uuid5              (const guint8       namespace_uuid[16],
                                             const char        *name,
                                             gsize              length,
                                             char               out[37]);
/* The suffix of the id of a resource made for a column (wide to long):
 * 13 characters, base32 (RFC 4648 alphabet, lowercase) of the first 64 bits
 * of SHA-256 of the column's name; the id is "<row's UUID>-<suffix>". */
void          cs_mapping_column_id_suffix   (const char        *column,
                                             char               out[14]);
/* Lowercase hex SHA-256 of a file's bytes. */
char         *cs_mapping_sha256_file        (const char        *path,
                                             GError           **error);
/* Parses "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (any case). */
gboolean      cs_mapping_parse_uuid         (const char        *text,
                                             guint8             out[16]);
/* The namespace UUID of a mapping's "namespace": the UUID itself, or
 * UUIDv5 of the URL namespace (RFC 4122 appendix C) and the text. */
void          cs_mapping_namespace_uuid     (const char        *namespace_text,
                                             guint8             out[16]);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsMapping, cs_mapping_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsMappingProgram, cs_mapping_program_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsMappingRun, cs_mapping_run_free)

G_END_DECLS
