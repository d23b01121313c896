/* cs-mapping-upload.h: a mapping's output to a server, and back
 *
 * The Mapping page's Upload and Compare (docs/MAPPING-EDITOR.md), without
 * GTK:
 *
 *   cs_mapping_upload()      runs the mapping into an NDJSON file with the
 *                            one run API (cs_mapping_execute(), so the
 *                            upload holds exactly what `cohortscope-cli map`
 *                            writes, Device and Provenance included) and
 *                            pushes it with the client's idempotent push
 *                            (cs_fhir_client_push_path_full(), the code of
 *                            `cohortscope-cli push`): a dry run counts what
 *                            would be created, updated or left unchanged per
 *                            resource type; an upload sends, counts per type,
 *                            collects the server's OperationOutcome for each
 *                            refused resource, and reads every resource back
 *                            into a file to load and compare.
 *   cs_mapping_round_trip()  compares a table cell by cell with the FHIR
 *                            loaded into a store: the mapping is run again
 *                            with tracing, and each element made from a cell
 *                            (after value maps and units) is looked up in
 *                            the loaded resource of the same Type/id.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-fhir-client.h"
#include "cs-fhir-push.h"
#include "cs-mapping-output.h"
#include "cs-store.h"

G_BEGIN_DECLS

/* ------------------------------------------------------------------ */
/* Upload                                                              */

typedef enum
{
  CS_MAPPING_UPLOAD_MAPPING,   /* running the mapping into the work folder */
  CS_MAPPING_UPLOAD_PUSHING,   /* comparing with the server and sending */
} CsMappingUploadStage;

typedef struct
{
  CsMappingUploadStage      stage;
  const CsMappingProgress  *mapping;   /* MAPPING, else NULL */
  const CsFhirPushProgress *push;      /* PUSHING, else NULL */
} CsMappingUploadProgress;

/* Called on the thread that runs the upload. */
typedef void (*CsMappingUploadProgressFunc) (const CsMappingUploadProgress *progress,
                                             gpointer                       user_data);

/* A resource the server refused, with its OperationOutcome in words. */
typedef struct
{
  char *resource_type;
  char *id;
  char *message;
} CsMappingUploadIssue;

typedef struct
{
  gboolean          dry_run;
  CsFhirPushResult  push;          /* totals and push.types per resource type */
  CsMappingStats    mapping;       /* rows, rows rejected, problems of the run */
  GPtrArray        *issues;        /* CsMappingUploadIssue */
  GPtrArray        *problems;      /* char*: the mapping's problems as text */
  char             *output_path;   /* the NDJSON that was pushed */
  char             *server_path;   /* the resources as the server holds them (NDJSON), or NULL */
} CsMappingUploadResult;

typedef struct
{
  gboolean  dry_run;
  guint     batch_size;   /* 0: the push's default */
  gboolean  keep_going;   /* upload the rows that were not rejected */
} CsMappingUploadOptions;

/* work_dir: where mapping.ndjson (the output) and server.ndjson (read back)
 * are written; it must exist. Fails when the mapping rejected rows (unless
 * keep_going), the push failed as a whole, any resource was refused (each
 * is in result->issues) or the upload was cancelled (G_IO_ERROR_CANCELLED,
 * whichever stage it came in); result holds what was
 * done in every case that got as far as pushing. */
gboolean  cs_mapping_upload                  (CsMappingProgram              *program,
                                              const CsMappingInputFile      *inputs,
                                              guint                          n_inputs,
                                              CsFhirClient                  *client,
                                              const CsMappingUploadOptions  *options,
                                              const char                    *work_dir,
                                              CsMappingUploadResult         *result,
                                              CsMappingUploadProgressFunc    progress,
                                              gpointer                       progress_data,
                                              GCancellable                  *cancellable,
                                              GError                       **error);
void      cs_mapping_upload_result_clear     (CsMappingUploadResult         *result);
/* cs_mapping_upload() in a thread (progress is called on that thread;
 * inputs, options and work_dir are copied). finish() hands the result over
 * (clear it) whether it succeeded or not. */
void      cs_mapping_upload_async            (CsMappingProgram              *program,
                                              const CsMappingInputFile      *inputs,
                                              guint                          n_inputs,
                                              CsFhirClient                  *client,
                                              const CsMappingUploadOptions  *options,
                                              const char                    *work_dir,
                                              CsMappingUploadProgressFunc    progress,
                                              gpointer                       progress_data,
                                              GCancellable                  *cancellable,
                                              GAsyncReadyCallback            callback,
                                              gpointer                       user_data);
gboolean  cs_mapping_upload_finish           (GAsyncResult                  *result,
                                              CsMappingUploadResult         *out,
                                              GError                       **error);

/* ------------------------------------------------------------------ */
/* Round trip                                                          */

#define CS_ROUND_TRIP_MAX_LISTED 20   /* mismatches listed per column */

typedef struct
{
  guint64  row;          /* 1-based data row */
  char    *resource;     /* "Patient/…" */
  char    *element;      /* "Patient.gender" */
  char    *csv_value;    /* the cell as written in the table */
  char    *expected;     /* the element the mapping makes of it (JSON) */
  char    *fhir_value;   /* the element in the loaded FHIR (JSON), or NULL: missing */
} CsRoundTripMismatch;

typedef struct
{
  guint      input_index;     /* in the mapping */
  guint      column_index;    /* in the input's header */
  char      *input;           /* role */
  char      *table;           /* file name */
  char      *column;
  guint64    equal;
  guint64    differ;
  guint64    not_comparable;
  char      *why_not;         /* why some cells were not comparable, or NULL */
  GPtrArray *mismatches;      /* CsRoundTripMismatch, the first CS_ROUND_TRIP_MAX_LISTED */
} CsRoundTripColumn;

typedef struct
{
  GPtrArray *columns;         /* CsRoundTripColumn: every mapped column, by input then header order */
  guint64    rows;
  guint64    rows_rejected;   /* their cells are counted as not comparable */
  guint64    resources;       /* resources the mapping made */
  guint64    resources_missing; /* of those, not in the store */
} CsRoundTrip;

CsRoundTrip *cs_mapping_round_trip           (CsMappingProgram              *program,
                                              const CsMappingInputFile      *inputs,
                                              guint                          n_inputs,
                                              CsStore                       *store,
                                              GCancellable                  *cancellable,
                                              GError                       **error);
void         cs_round_trip_free              (CsRoundTrip                   *self);
/* "gender: 3 equal, 1 differs, 0 not comparable" lines, translated. */
char        *cs_round_trip_describe          (const CsRoundTrip             *self);
/* TRUE when every compared cell is equal and no resource is missing. */
gboolean     cs_round_trip_is_clean          (const CsRoundTrip             *self);

/* Runs cs_mapping_round_trip() in a thread. */
void         cs_mapping_round_trip_async     (CsMappingProgram              *program,
                                              const CsMappingInputFile      *inputs,
                                              guint                          n_inputs,
                                              CsStore                       *store,
                                              GCancellable                  *cancellable,
                                              GAsyncReadyCallback            callback,
                                              gpointer                       user_data);
CsRoundTrip *cs_mapping_round_trip_finish    (GAsyncResult                  *result,
                                              GError                       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsRoundTrip, cs_round_trip_free)

G_END_DECLS
