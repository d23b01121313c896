/* cs-fhir-push.h: idempotent upload of Bundles and NDJSON to a FHIR server
 *
 * Every resource gets a deterministic id (its own when it has a valid one,
 * else "cs-" + SHA-256 of its first identifier, else of its content) and
 * is sent as `PUT Type/id` inside transaction (or batch) Bundles of
 * batch_size entries. `urn:uuid:` (and other fullUrl) references are
 * rewritten to `Type/id`. Before each batch the client reads the batch's
 * resources back (`Type?_id=…`) and sends only new or changed ones, so a
 * re-run creates nothing and an interrupted upload resumes where it failed
 * (batches whose resources are all unchanged are skipped).
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
} CsFhirPushOptions;

typedef struct
{
  guint64 resources;
  guint64 created;
  guint64 updated;
  guint64 unchanged;
  guint64 failed;
  guint   batches_sent;
  guint   batches_skipped;
} CsFhirPushResult;

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

/* Returns FALSE with error when the upload failed as a whole or any entry
 * failed (each failed entry was reported through error_func first). */
gboolean  cs_fhir_client_push_path  (CsFhirClient             *self,
                                     const char               *path,
                                     const CsFhirPushOptions  *options,
                                     CsFhirPushResult         *result,
                                     CsFhirPushErrorFunc       error_func,
                                     gpointer                  error_data,
                                     GCancellable             *cancellable,
                                     GError                  **error);

/* The deterministic id a resource without a valid id gets (exposed for tests). */
char     *cs_fhir_push_make_id      (const char               *resource_type,
                                     const char               *identifier_system,
                                     const char               *identifier_value,
                                     const char               *content);

G_END_DECLS
