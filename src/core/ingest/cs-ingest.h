/* cs-ingest.h: streaming ingest of FHIR R4 JSON
 *
 * Accepts, in any mix: a Bundle of any type (entries are streamed one by one;
 * nested Bundles are expanded), a single resource, NDJSON (one resource per
 * line, or any whitespace-separated sequence of top-level values), and
 * directories of such files (*.json, *.ndjson, *.jsonl; recursive, sorted).
 *
 * Memory is bounded by the largest single resource, not by the document, and
 * one resource may hold at most CS_JSON_MAX_VALUES values and
 * CS_JSON_MAX_VALUE_BYTES bytes (cs_ingest_set_limits()). Resource ids must
 * follow the FHIR id rule (1 to 64 of A-Z a-z 0-9 - .). Only regular files
 * and folders are read. In a folder, a file that is not FHIR at all is
 * skipped with a warning (CsIngestWarningFunc); given directly it is an
 * error.
 * Errors name the source, the byte offset (0-based) and the JSON path, e.g.
 *   "bundle.json: byte 10532 at entry[3].resource.code.coding[0]: expected ',' or '}' but found ']'"
 * Malformed JSON keeps its CS_JSON_ERROR code (SYNTAX, TRUNCATED, UTF8,
 * TOO_DEEP, TOO_LARGE) with the source prepended; valid JSON that is not FHIR
 * gives CS_INGEST_ERROR_NOT_FHIR. Errors set by the record callback are passed
 * on unchanged. See docs/INGEST.md.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include "cs-json.h"

G_BEGIN_DECLS

#define CS_INGEST_ERROR (cs_ingest_error_quark ())

typedef enum
{
  CS_INGEST_ERROR_PARSE,       /* unused: malformed JSON keeps its CS_JSON_ERROR code */
  CS_INGEST_ERROR_NOT_FHIR,    /* valid JSON but not FHIR: no resourceType where one is needed,
                                * an id that breaks the FHIR id rule */
  CS_INGEST_ERROR_IO,          /* cannot read the file, or it is not a regular file (a FIFO…) */
  CS_INGEST_ERROR_EMPTY,       /* nothing to load (empty file, Bundle with no entries where an error is wanted) */
} CsIngestError;

GQuark      cs_ingest_error_quark       (void);

typedef struct
{
  const CsJsonNode *resource;      /* the resource object; valid only during the callback */
  const char       *resource_type; /* never NULL */
  const char       *id;            /* Resource.id or NULL */
  const char       *full_url;      /* Bundle.entry.fullUrl or NULL */
  const char       *source;        /* file path or URL the bytes came from */
  guint             source_index;  /* index of the source in this ingest run (0-based) */
  goffset           offset;        /* byte offset of the resource's '{' in the source */
  gsize             length;        /* bytes up to and including the matching '}' */
  const char       *request_method; /* Bundle.entry.request.method or NULL */
  const char       *json;          /* the length bytes from offset exactly as read (not
                                    * NUL-terminated), valid only during the callback; NULL
                                    * unless cs_ingest_set_keep_json() was called */
} CsResourceRecord;

/* Return FALSE and set error to stop the ingest. */
typedef gboolean (*CsIngestResourceFunc) (const CsResourceRecord *record,
                                          gpointer                user_data,
                                          GError                **error);

/* Called now and then (at most every 64 KiB or so) with bytes consumed, the
 * total size (0 if unknown) and resources seen so far. cs_ingest_path()
 * counts the bytes over all files of a folder together. */
typedef void     (*CsIngestProgressFunc) (guint64   bytes_done,
                                          guint64   bytes_total,
                                          guint64   n_resources,
                                          gpointer  user_data);

/* Something the user should know that does not stop the ingest (a file of a
 * folder that is not FHIR and was skipped); message names the file. */
typedef void     (*CsIngestWarningFunc)  (const char *message,
                                          gpointer    user_data);

typedef struct _CsIngest CsIngest;

/* Push interface: feed bytes as they arrive (network) and finish at the end. */
CsIngest   *cs_ingest_new               (CsIngestResourceFunc  func,
                                         gpointer              user_data);
void        cs_ingest_free              (CsIngest             *self);
void        cs_ingest_begin_source      (CsIngest             *self,
                                         const char           *source_name);
gboolean    cs_ingest_feed              (CsIngest             *self,
                                         const char           *data,
                                         gsize                 len,
                                         GError              **error);
gboolean    cs_ingest_end_source        (CsIngest             *self,
                                         GError              **error);
guint64     cs_ingest_get_n_resources   (CsIngest             *self);
/* Hand each resource's bytes to the callback (CsResourceRecord.json). Costs
 * a copy of the part of an entry that is cut by the end of a fed chunk (and
 * of a whole top-level value that is not a streamed Bundle). Off by default:
 * files can be re-read at record.offset instead. */
void        cs_ingest_set_keep_json     (CsIngest             *self,
                                         gboolean              keep_json);
/* Without a warning function, warnings go to g_message(). */
void        cs_ingest_set_warning_func  (CsIngest             *self,
                                         CsIngestWarningFunc   func,
                                         gpointer              user_data);
/* What one resource may hold (values, bytes of JSON text); 0 keeps the
 * default (CS_JSON_MAX_VALUES, CS_JSON_MAX_VALUE_BYTES). Set before feeding. */
void        cs_ingest_set_limits        (CsIngest             *self,
                                         guint64               max_values,
                                         guint64               max_bytes);

/* A file or a folder (recursively) through self: its callback, warnings,
 * limits. Fails with CS_INGEST_ERROR_EMPTY when path yields no resource. */
gboolean    cs_ingest_read_path         (CsIngest             *self,
                                         const char           *path,
                                         CsIngestProgressFunc  progress,
                                         gpointer              progress_data,
                                         GCancellable         *cancellable,
                                         GError              **error);

/* Convenience: cs_ingest_read_path() with a new CsIngest (warnings go to
 * g_message()). */
gboolean    cs_ingest_path              (const char           *path,
                                         CsIngestResourceFunc  func,
                                         gpointer              user_data,
                                         CsIngestProgressFunc  progress,
                                         gpointer              progress_data,
                                         GCancellable         *cancellable,
                                         GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsIngest, cs_ingest_free)

G_END_DECLS
