/* fuzz-ingest.c: libFuzzer target for the JSON parser and the streaming ingest
 *
 * Each input is fed to the push API three times: in one piece, cut at two
 * split points derived from the input, and byte by byte (short inputs only);
 * all of that twice, with the default limits of what one resource may hold
 * and with small ones derived from the input (so the fuzzer reaches the
 * limit checks). The three must agree (same records, same error message), every record's
 * byte span must re-parse to the same tree and be the bytes the record
 * carries (cs_ingest_set_keep_json), and cs_json_document_parse must accept
 * exactly the inputs that are one complete JSON value.
 *
 * Build: CC=clang meson setup build-fuzz -Dfuzzing=true -Dgui=false
 * Run:   build-fuzz/fuzz/ingest/fuzz-ingest -max_total_time=60 fuzz/ingest/corpus
 * The corpus (seeds and fixed crashers) is replayed by tests/ingest in every build.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs-ingest.h"
#include "cs-json-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

typedef struct
{
  const char *data;
  gsize       size;
  GString    *log;
} Run;

#define CHECK(cond) \
  G_STMT_START { \
    if (!(cond)) \
      { \
        fprintf (stderr, "fuzz-ingest: check failed at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
        abort (); \
      } \
  } G_STMT_END

static gboolean
record_cb (const CsResourceRecord *record,
           gpointer                user_data,
           GError                **error)
{
  Run *run = user_data;
  g_autofree char *json = cs_json_to_string (record->resource, FALSE);
  g_autoptr(CsJsonDocument) slice = NULL;
  g_autoptr(CsJsonDocument) again = NULL;
  g_autofree char *slice_json = NULL;

  CHECK (record->resource_type != NULL && record->resource_type[0] != '\0');
  CHECK (record->resource != NULL && record->resource->type == CS_JSON_OBJECT);
  CHECK (record->offset >= 0);
  CHECK ((gsize) record->offset + record->length <= run->size);
  CHECK (run->data[record->offset] == '{');
  CHECK (run->data[record->offset + record->length - 1] == '}');
  CHECK (record->json != NULL && memcmp (record->json, run->data + record->offset, record->length) == 0);

  /* the span is the resource */
  slice = cs_json_document_parse (run->data + record->offset, (gssize) record->length, NULL);
  CHECK (slice != NULL);
  slice_json = cs_json_to_string (cs_json_document_get_root (slice), FALSE);
  CHECK (strcmp (slice_json, json) == 0);

  /* serialisation parses back */
  again = cs_json_document_parse (json, -1, NULL);
  CHECK (again != NULL);

  g_string_append_printf (run->log, "%s|%s|%s|%s|%" G_GINT64_FORMAT "|%" G_GSIZE_FORMAT "|%s\n",
                          record->resource_type, record->id ? record->id : "",
                          record->full_url ? record->full_url : "",
                          record->request_method ? record->request_method : "",
                          (gint64) record->offset, record->length, json);
  return TRUE;
}

/* Feeds the input cut at the given points (sorted, <= size) with the given
 * limits (0: the default); returns the log. */
static char *
ingest (const char  *data,
        gsize        size,
        const gsize *cuts,
        guint        n_cuts,
        guint64      max_values,
        guint64      max_bytes)
{
  g_autoptr(CsIngest) ingest = NULL;
  g_autoptr(GError) error = NULL;
  Run run = { data, size, g_string_new (NULL) };
  gsize at = 0;
  gboolean ok = TRUE;

  ingest = cs_ingest_new (record_cb, &run);
  cs_ingest_set_keep_json (ingest, TRUE);
  cs_ingest_set_limits (ingest, max_values, max_bytes);
  cs_ingest_begin_source (ingest, "fuzz.json");
  for (guint i = 0; ok && i <= n_cuts; i++)
    {
      gsize next = i < n_cuts ? cuts[i] : size;

      ok = cs_ingest_feed (ingest, data + at, next - at, &error);
      at = next;
    }
  if (ok)
    ok = cs_ingest_end_source (ingest, &error);

  if (!ok)
    {
      CHECK (error != NULL);
      CHECK (error->domain == CS_JSON_ERROR || error->domain == CS_INGEST_ERROR);
      CHECK (g_str_has_prefix (error->message, "fuzz.json: byte "));
      g_string_append_printf (run.log, "error %s %d %s\n", g_quark_to_string (error->domain),
                              error->code, error->message);
    }
  else
    CHECK (error == NULL);
  return g_string_free (run.log, FALSE);
}

/* Whole, at two cuts and byte by byte: the same log. */
static void
check_splits (const char *text,
              gsize       size,
              guint32     hash,
              guint64     max_values,
              guint64     max_bytes)
{
  g_autofree char *whole = NULL;
  g_autofree char *split = NULL;
  gsize cuts[2];

  whole = ingest (text, size, NULL, 0, max_values, max_bytes);

  /* two split points from a hash of the input: reproducible */
  cuts[0] = size > 0 ? hash % (size + 1) : 0;
  cuts[1] = size > 0 ? (hash >> 16) % (size + 1) : 0;
  if (cuts[0] > cuts[1])
    {
      gsize t = cuts[0];

      cuts[0] = cuts[1];
      cuts[1] = t;
    }
  split = ingest (text, size, cuts, 2, max_values, max_bytes);
  if (strcmp (whole, split) != 0)
    {
      fprintf (stderr, "whole:\n%s\nsplit at %zu, %zu:\n%s\n", whole, cuts[0], cuts[1], split);
      abort ();
    }

  if (size <= 512)
    {
      gsize *bytes = g_new (gsize, size + 1);
      g_autofree char *by_byte = NULL;

      for (gsize i = 0; i < size; i++)
        bytes[i] = i + 1;
      by_byte = ingest (text, size, bytes, (guint) size, max_values, max_bytes);
      g_free (bytes);
      if (strcmp (whole, by_byte) != 0)
        {
          fprintf (stderr, "whole:\n%s\nbyte by byte:\n%s\n", whole, by_byte);
          abort ();
        }
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *text = (const char *) data;
  g_autoptr(CsJsonDocument) doc = NULL;
  guint32 hash = 2166136261u;

  if (size > 1024 * 1024)
    return 0;

  for (gsize i = 0; i < size; i++)
    hash = (hash ^ data[i]) * 16777619u;

  check_splits (text, size, hash, 0, 0);
  /* small limits: 1 to 48 values, 1 to 2048 bytes */
  check_splits (text, size, hash, 1 + hash % 48, 1 + (hash >> 8) % 2048);

  /* the whole-document parser, and its serialisation round trip */
  doc = cs_json_document_parse (text, (gssize) size, NULL);
  if (doc != NULL)
    {
      g_autofree char *compact = cs_json_to_string (cs_json_document_get_root (doc), FALSE);
      g_autofree char *pretty = cs_json_to_string (cs_json_document_get_root (doc), TRUE);
      g_autoptr(CsJsonDocument) doc2 = cs_json_document_parse (pretty, -1, NULL);
      g_autofree char *compact2 = NULL;

      CHECK (doc2 != NULL);
      compact2 = cs_json_to_string (cs_json_document_get_root (doc2), FALSE);
      CHECK (strcmp (compact, compact2) == 0);
    }
  return 0;
}
