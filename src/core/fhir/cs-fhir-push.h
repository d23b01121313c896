/* cs-fhir-push.h: idempotent upload of Bundles and NDJSON to a FHIR server
 *
 * Every resource gets a deterministic id (its own when it has a valid one,
 * else "cs-" + SHA-256 of its first identifier, else of its content) and
 * is sent as `PUT Type/id` inside transaction (or batch) Bundles of
 * batch_size entries. `urn:uuid:` (and other fullUrl) references are
 * rewritten to `Type/id`. Before each batch the client reads the batch's
 * resources back (one batch Bundle of `GET Type/id`, or `Type?_id=…`
 * searches on a server without batch support) and sends only new or
 * changed ones, so a re-run creates nothing and an interrupted upload
 * resumes where it failed (batches whose resources are all unchanged are
 * skipped).
 *
 * The input is streamed twice and never held in memory: a first pass reads
 * it through the streaming ingest and keeps only each resource's Type/id
 * and the fullUrl → Type/id map (needed to rewrite references that point
 * forward); a second pass reads it again and builds, compares and sends
 * one batch at a time. Memory is bounded by the batch size and the number
 * of resources (a few dozen bytes each), not by the size of the file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-fhir-client.h"

G_BEGIN_DECLS

typedef struct
{
  guint    batch_size;   /* entries per Bundle; 0: 50 (Medplum refuses more updates per transaction) */
  gboolean use_batch;    /* batch instead of transaction */
  gboolean dry_run;      /* only count creates/updates/unchanged */
  gboolean count_by_type; /* fill CsFhirPushResult.types */
  /* When set, each resource as the server holds it after its batch (read
   * back; in a dry run: as it holds it now, nothing for a resource it does
   * not have) is written to this file as NDJSON, so what was uploaded can be
   * loaded and compared. Written to a temporary file renamed into place at
   * the end; nothing is left after a failure. */
  const char *server_copies_path;
} CsFhirPushOptions;

/* The counts of one resource type (CsFhirPushResult.types). */
typedef struct
{
  char    *resource_type;
  guint64  created;
  guint64  updated;
  guint64  unchanged;
  guint64  failed;
} CsFhirPushTypeCounts;

typedef struct
{
  guint64 resources;
  guint64 created;
  guint64 updated;
  guint64 unchanged;
  guint64 failed;
  guint   batches_sent;
  guint   batches_skipped;
  /* CsFhirPushTypeCounts sorted by type, when options->count_by_type (also
   * after a failure: what was done so far); free with
   * cs_fhir_push_result_clear() */
  GArray *types;
} CsFhirPushResult;

void      cs_fhir_push_result_clear (CsFhirPushResult *result);

typedef struct
{
  guint        index;          /* 0-based position of the resource in the input */
  const char  *resource_type;
  const char  *id;             /* the id it was sent with */
  const char  *source;         /* input file */
  goffset      offset;         /* byte offset of the resource in source */
  const char  *message;
} CsFhirPushEntryError;

typedef void (*CsFhirPushErrorFunc) (const CsFhirPushEntryError *entry,
                                     gpointer                    user_data);

typedef enum
{
  CS_FHIR_PUSH_PHASE_READING,   /* first pass: reading ids and fullUrls */
  CS_FHIR_PUSH_PHASE_SENDING,   /* second pass: comparing with the server and sending batches */
  CS_FHIR_PUSH_PHASE_DONE,      /* the last report, also after an error or a cancel */
} CsFhirPushPhase;

typedef struct
{
  CsFhirPushPhase  phase;
  gboolean         dry_run;
  const char      *source;           /* file being read (READING), else NULL */
  guint64          bytes_read;       /* READING: bytes read so far (of all files of a folder) */
  guint64          bytes_total;      /* READING: size of the file or of all files of the folder
                                      * (0 if unknown) */
  guint64          resources_read;   /* resources read in the first pass so far */
  guint64          resources_total;  /* resources to upload; known from SENDING on, 0 before */
  guint64          resources_done;   /* resources compared with the server (and sent when
                                      * new or changed) so far */
  guint64          created;          /* accepted by the server so far (dry run: would be) */
  guint64          updated;
  guint64          unchanged;
  guint64          failed;
  guint            batches_total;    /* known from SENDING on */
  guint            batches_done;     /* compared (and sent or skipped) so far; also in a dry run */
  guint            batches_sent;
  guint            batches_skipped;
} CsFhirPushProgress;

/* Called on the thread that runs the push (a GUI hands it to its main
 * loop, e.g. with g_main_context_invoke): during READING at most ten times
 * a second, during SENDING after each batch, and once with
 * CS_FHIR_PUSH_PHASE_DONE at the end whatever the outcome. The struct is
 * only valid during the call. */
typedef void (*CsFhirPushProgressFunc) (const CsFhirPushProgress *progress,
                                        gpointer                  user_data);

/* Returns FALSE with error when the upload failed as a whole, was
 * cancelled, or any entry failed (each failed entry was reported through
 * error_func first). result holds what was done so far in every case:
 * created/updated count only resources the server accepted. result is
 * overwritten: clear one that holds types first (cs_fhir_push_result_clear). */
gboolean  cs_fhir_client_push_path  (CsFhirClient             *self,
                                     const char               *path,
                                     const CsFhirPushOptions  *options,
                                     CsFhirPushResult         *result,
                                     CsFhirPushErrorFunc       error_func,
                                     gpointer                  error_data,
                                     GCancellable             *cancellable,
                                     GError                  **error);

/* cs_fhir_client_push_path() with progress reports. */
gboolean  cs_fhir_client_push_path_full (CsFhirClient             *self,
                                         const char               *path,
                                         const CsFhirPushOptions  *options,
                                         CsFhirPushResult         *result,
                                         CsFhirPushErrorFunc       error_func,
                                         gpointer                  error_data,
                                         CsFhirPushProgressFunc    progress_func,
                                         gpointer                  progress_data,
                                         GCancellable             *cancellable,
                                         GError                  **error);

G_END_DECLS
