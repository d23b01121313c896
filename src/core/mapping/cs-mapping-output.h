/* cs-mapping-output.h: writing what a mapping run produces
 *
 * CsMappingWriter   the resources, as NDJSON (one resource a line, all types
 *                   in one file) or as one transaction/batch Bundle of
 *                   `PUT Type/id` entries. Written to a temporary file next
 *                   to the destination and renamed into place by commit():
 *                   a failed or cancelled run leaves no partial output.
 *                   With provenance information set, commit() first appends
 *                   the run's Device and Provenance resources.
 * CsMappingReport   every problem as CSV (severity, input, file, row, line,
 *                   column, value, resource, element, message).
 * CsMappingTrace    for each produced element the input cells it came from,
 *                   as JSON ("cohortscope-trace/1").
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-mapping.h"

G_BEGIN_DECLS

typedef enum
{
  CS_MAPPING_OUTPUT_NDJSON,
  CS_MAPPING_OUTPUT_TRANSACTION,
  CS_MAPPING_OUTPUT_BATCH,
} CsMappingOutputFormat;

gboolean      cs_mapping_output_format_parse (const char             *text,
                                              CsMappingOutputFormat  *out);

/* ------------------------------------------------------------------ */
/* The run's provenance                                                */

typedef struct
{
  const char *role;
  const char *path;          /* the file (its basename is shown) */
  const char *sha256;        /* lowercase hex */
} CsMappingProvenanceInput;

typedef struct
{
  CsMapping                      *mapping;
  const CsMappingProvenanceInput *inputs;
  guint                           n_inputs;
  guint64                         limit;      /* --limit of the run, 0 = none */
  gint64                          recorded;   /* Unix time for Provenance.recorded */
} CsMappingProvenanceInfo;

/* The newest modification time of the files (Unix time), or, when the
 * environment sets SOURCE_DATE_EPOCH, that. See docs/MAPPING.md for why
 * Provenance.recorded is not the time of the run. */
gint64        cs_mapping_provenance_time     (const char * const     *paths,
                                              GError                **error);

/* ------------------------------------------------------------------ */
/* Resources                                                           */

typedef struct _CsMappingWriter CsMappingWriter;

CsMappingWriter *cs_mapping_writer_new       (const char             *path,
                                              CsMappingOutputFormat   format,
                                              GError                **error);
/* Adds the run's Device and Provenance at commit (info is copied). */
void          cs_mapping_writer_set_provenance (CsMappingWriter               *self,
                                                const CsMappingProvenanceInfo *info);
gboolean      cs_mapping_writer_add          (CsMappingWriter        *self,
                                              const char             *resource_type,
                                              const char             *id,
                                              const char             *json,
                                              gsize                   length,
                                              GError                **error);
/* Finishes the file and renames it into place. */
gboolean      cs_mapping_writer_commit       (CsMappingWriter        *self,
                                              GError                **error);
/* Removes the temporary file (also done by free() before a commit). */
void          cs_mapping_writer_abort        (CsMappingWriter        *self);
void          cs_mapping_writer_free         (CsMappingWriter        *self);
guint64       cs_mapping_writer_get_count    (CsMappingWriter        *self);

/* ------------------------------------------------------------------ */
/* Problems                                                            */

typedef struct _CsMappingReport CsMappingReport;

CsMappingReport *cs_mapping_report_new       (void);
void          cs_mapping_report_add          (CsMappingReport        *self,
                                              const CsMappingProblem *problem);
guint64       cs_mapping_report_get_count    (CsMappingReport        *self);
/* Writes all problems so far to path (atomically). */
gboolean      cs_mapping_report_write        (CsMappingReport        *self,
                                              const char             *path,
                                              GError                **error);
void          cs_mapping_report_free         (CsMappingReport        *self);

/* One problem as a line of text: "clinical.csv: row 3 (line 4), column
 * “age” (“7x”): age: Observation.valueQuantity.value: “7x” is not …" */
char         *cs_mapping_problem_to_string   (const CsMappingProblem *problem);

/* ------------------------------------------------------------------ */
/* Provenance of elements                                              */

typedef struct _CsMappingTrace CsMappingTrace;

CsMappingTrace *cs_mapping_trace_new         (const char             *path,
                                              CsMappingProgram       *program,
                                              GError                **error);
gboolean      cs_mapping_trace_add           (CsMappingTrace         *self,
                                              const CsMappingResource *resource,
                                              GError                **error);
gboolean      cs_mapping_trace_commit        (CsMappingTrace         *self,
                                              GError                **error);
void          cs_mapping_trace_free          (CsMappingTrace         *self);

/* ------------------------------------------------------------------ */
/* A run from input files to an output file                            */

/* The one run API of `cohortscope-cli map` and the Mapping page
 * (cs-mapping-execute.c): the same mapping and inputs give the same bytes. */

typedef struct
{
  const char *role;
  const char *path;
  const char *name;   /* in messages, the report and the Provenance; NULL: the path's basename */
} CsMappingInputFile;

typedef struct
{
  CsMappingOutputFormat  format;
  CsMappingRunFlags      flags;       /* CS_MAPPING_RUN_TRACE is added when trace_path is set */
  guint64                limit;       /* rows of each driving input, 0 = all */
  gboolean               keep_going;  /* write the rows that were not rejected */
  const char            *trace_path;  /* also write the trace there, or NULL */
  gboolean               set_memory_limit;
  gsize                  memory_limit; /* when set_memory_limit: cs_mapping_run_set_memory_limit() */
} CsMappingExecuteOptions;

/* A deep copy of inputs (never NULL, also for n_inputs 0), and its free. */
CsMappingInputFile *cs_mapping_input_files_copy (const CsMappingInputFile *inputs,
                                                guint                     n_inputs);
void          cs_mapping_input_files_free    (CsMappingInputFile            *inputs,
                                              guint                          n_inputs);

/* Opens each input file for its header (with the dialect the mapping asks
 * for) and compiles the mapping against them. Errors name the input. */
CsMappingProgram *cs_mapping_compile_files   (CsMapping                     *mapping,
                                              const CsMappingInputFile      *inputs,
                                              guint                          n_inputs,
                                              GError                       **error);
/* Maps every row of the inputs into output (the sink, which may be NULL,
 * gets every problem and progress, and each resource after it was
 * written), then adds the run's Device and Provenance and renames the file
 * into place. Writes nothing and fails when reading or writing failed, the
 * run was cancelled (G_IO_ERROR_CANCELLED) or rows were rejected and
 * keep_going is not set (CS_MAPPING_ERROR_REJECTED). *out_run (may be NULL)
 * gets the run, for its statistics, whenever one was made. */
gboolean      cs_mapping_execute             (CsMappingProgram              *program,
                                              const CsMappingInputFile      *inputs,
                                              guint                          n_inputs,
                                              const char                    *output,
                                              const CsMappingExecuteOptions *options,
                                              const CsMappingSink           *sink,
                                              gpointer                       user_data,
                                              CsMappingRun                 **out_run,
                                              GCancellable                  *cancellable,
                                              GError                       **error);
/* cs_mapping_execute() in a thread (the sink is called on that thread;
 * inputs, output and options are copied). */
void          cs_mapping_execute_async       (CsMappingProgram              *program,
                                              const CsMappingInputFile      *inputs,
                                              guint                          n_inputs,
                                              const char                    *output,
                                              const CsMappingExecuteOptions *options,
                                              const CsMappingSink           *sink,
                                              gpointer                       user_data,
                                              GCancellable                  *cancellable,
                                              GAsyncReadyCallback            callback,
                                              gpointer                       callback_data);
gboolean      cs_mapping_execute_finish      (GAsyncResult                  *result,
                                              CsMappingRun                 **out_run,
                                              GError                       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsMappingWriter, cs_mapping_writer_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsMappingReport, cs_mapping_report_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsMappingTrace, cs_mapping_trace_free)

G_END_DECLS
