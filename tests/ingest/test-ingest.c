/* test-ingest.c: streaming FHIR ingest (push API, files, folders, errors, real data)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "cs-ingest.h"

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */

typedef struct
{
  GPtrArray  *lines;       /* one summary line per record */
  GHashTable *by_type;     /* resourceType -> count (GUINT_TO_POINTER) */
  const char *data;        /* when set: the source bytes, to check offsets */
  gsize       data_len;
  guint       stop_after;  /* > 0: fail after that many records */
  GCancellable *cancel_after_first;
} Collect;

static void
collect_init (Collect *c)
{
  memset (c, 0, sizeof *c);
  c->lines = g_ptr_array_new_with_free_func (g_free);
  c->by_type = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

static void
collect_clear (Collect *c)
{
  g_ptr_array_unref (c->lines);
  g_hash_table_unref (c->by_type);
}

static guint
type_count (Collect    *c,
            const char *type)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (c->by_type, type));
}

static gboolean
collect_cb (const CsResourceRecord *record,
            gpointer                user_data,
            GError                **error)
{
  Collect *c = user_data;
  g_autofree char *json = cs_json_to_string (record->resource, FALSE);

  g_assert_nonnull (record->resource_type);
  g_assert_cmpstr (record->resource_type, ==, cs_json_get_string (record->resource, "resourceType"));
  g_assert_cmpstr (record->id, ==, cs_json_get_string (record->resource, "id"));
  g_assert_nonnull (record->source);
  g_assert_cmpuint (record->length, >=, 2);

  if (c->data != NULL)
    {
      /* the span [offset, offset+length) is exactly the resource's JSON */
      g_autoptr(GError) local_error = NULL;
      g_autoptr(CsJsonDocument) doc = NULL;
      g_autofree char *again = NULL;

      g_assert_cmpint (record->offset, >=, 0);
      g_assert_cmpuint ((gsize) record->offset + record->length, <=, c->data_len);
      g_assert_cmpint (c->data[record->offset], ==, '{');
      g_assert_cmpint (c->data[record->offset + record->length - 1], ==, '}');
      doc = cs_json_document_parse (c->data + record->offset, (gssize) record->length, &local_error);
      g_assert_no_error (local_error);
      again = cs_json_to_string (cs_json_document_get_root (doc), FALSE);
      g_assert_cmpstr (again, ==, json);
    }

  g_ptr_array_add (c->lines,
                   g_strdup_printf ("%s|%s|%s|%s|%u|%" G_GINT64_FORMAT "|%" G_GSIZE_FORMAT "|%s",
                                    record->resource_type,
                                    record->id ? record->id : "-",
                                    record->full_url ? record->full_url : "-",
                                    record->request_method ? record->request_method : "-",
                                    record->source_index, (gint64) record->offset,
                                    record->length, json));
  g_hash_table_insert (c->by_type, g_strdup (record->resource_type),
                       GUINT_TO_POINTER (type_count (c, record->resource_type) + 1));

  if (c->cancel_after_first != NULL)
    g_cancellable_cancel (c->cancel_after_first);
  if (c->stop_after > 0 && c->lines->len >= c->stop_after)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "stop requested by the test");
      return FALSE;
    }
  return TRUE;
}

/* Feeds text in pieces of `step` bytes (0: one piece). */
static gboolean
ingest_text (const char *text,
             gsize       len,
             gsize       step,
             Collect    *c,
             GError    **error)
{
  g_autoptr(CsIngest) ingest = cs_ingest_new (collect_cb, c);

  cs_ingest_begin_source (ingest, "test.json");
  if (step == 0)
    step = MAX (len, 1);
  for (gsize at = 0; at < len; at += step)
    if (!cs_ingest_feed (ingest, text + at, MIN (step, len - at), error))
      return FALSE;
  return cs_ingest_end_source (ingest, error);
}

static char *
join_lines (GPtrArray *lines)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < lines->len; i++)
    {
      g_string_append (s, g_ptr_array_index (lines, i));
      g_string_append_c (s, '\n');
    }
  return g_string_free (s, FALSE);
}

static char *
write_temp (const char *dir,
            const char *name,
            const char *text,
            gssize      len)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);

  g_file_set_contents (path, text, len, &error);
  g_assert_no_error (error);
  return path;
}

static void
remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          remove_tree (child);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

static const char *transaction =
  "{\n"
  "  \"resourceType\": \"Bundle\",\n"
  "  \"id\": \"b1\",\n"
  "  \"type\": \"transaction\",\n"
  "  \"meta\": {\"tag\": [{\"code\": \"x\"}]},\n"
  "  \"entry\": [\n"
  "    {\"fullUrl\": \"urn:uuid:p1\",\n"
  "     \"resource\": {\"resourceType\": \"Patient\", \"id\": \"p1\", \"gender\": \"female\",\n"
  "                  \"name\": [{\"family\": \"Ch\\u00e4lmers \\\"PJ\\\"\"}]},\n"
  "     \"request\": {\"method\": \"POST\", \"url\": \"Patient\"}},\n"
  "    {\"request\": {\"method\": \"DELETE\", \"url\": \"Patient/old\"}},\n"
  "    {\"fullUrl\": \"urn:uuid:o1\",\n"
  "     \"resource\": {\"resourceType\": \"Observation\", \"id\": \"o1\",\n"
  "                  \"valueQuantity\": {\"value\": 1.5e2, \"unit\": \"mm\"},\n"
  "                  \"subject\": {\"reference\": \"urn:uuid:p1\"}, \"x-unknown\": [null, true, {}]},\n"
  "     \"request\": {\"method\": \"PUT\", \"url\": \"Observation/o1\"}},\n"
  "    {\"resource\": {\"resourceType\": \"Bundle\", \"type\": \"collection\", \"entry\": [\n"
  "       {\"fullUrl\": \"http://x/Condition/c1\", \"resource\": {\"resourceType\": \"Condition\", \"id\": \"c1\"}},\n"
  "       {\"resource\": {\"resourceType\": \"Bundle\", \"entry\": [\n"
  "          {\"resource\": {\"resourceType\": \"FutureThing\", \"id\": \"f1\", \"deep\": [[[{\"a\": 1}]]]}}]}}]}},\n"
  "    {\"response\": {\"status\": \"201 Created\"}},\n"
  "    {\"resource\": {\"resourceType\": \"Encounter\"}}\n"
  "  ],\n"
  "  \"link\": [{\"relation\": \"next\", \"url\": \"http://x?page=2\"}]\n"
  "}\n";

/* ------------------------------------------------------------------------ */
/* Forms                                                                    */

static void
test_bundle (void)
{
  g_autoptr(GError) error = NULL;
  Collect c;

  collect_init (&c);
  c.data = transaction;
  c.data_len = strlen (transaction);
  g_assert_true (ingest_text (transaction, strlen (transaction), 0, &c, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (c.lines->len, ==, 5);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (c.lines, 0), "Patient|p1|urn:uuid:p1|POST|0|"));
  g_assert_true (g_str_has_prefix (g_ptr_array_index (c.lines, 1), "Observation|o1|urn:uuid:o1|PUT|0|"));
  g_assert_true (g_str_has_prefix (g_ptr_array_index (c.lines, 2), "Condition|c1|http://x/Condition/c1|-|0|"));
  g_assert_true (g_str_has_prefix (g_ptr_array_index (c.lines, 3), "FutureThing|f1|-|-|0|"));
  g_assert_true (g_str_has_prefix (g_ptr_array_index (c.lines, 4), "Encounter|-|-|-|0|"));
  g_assert_nonnull (strstr (g_ptr_array_index (c.lines, 0), "\"family\":\"Ch\xc3\xa4lmers \\\"PJ\\\"\""));
  g_assert_nonnull (strstr (g_ptr_array_index (c.lines, 1), "\"x-unknown\":[null,true,{}]"));
  g_assert_nonnull (strstr (g_ptr_array_index (c.lines, 3), "\"deep\":[[[{\"a\":1}]]]"));
  collect_clear (&c);
}

/* Every way of cutting the input into chunks gives the same records. */
static void
test_chunk_splits (void)
{
  g_autofree char *whole = NULL;
  gsize len = strlen (transaction);
  const gsize steps[] = { 1, 2, 3, 5, 7, 8, 13, 64, 100 };
  Collect c;

  collect_init (&c);
  g_assert_true (ingest_text (transaction, len, 0, &c, NULL));
  whole = join_lines (c.lines);
  collect_clear (&c);

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *split = NULL;

      collect_init (&c);
      g_assert_true (ingest_text (transaction, len, steps[i], &c, &error));
      g_assert_no_error (error);
      split = join_lines (c.lines);
      g_assert_cmpstr (split, ==, whole);
      collect_clear (&c);
    }

  /* two cuts at every pair of positions (a sample) */
  for (gsize a = 0; a < len; a += 3)
    for (gsize b = a; b < len; b += 17)
      {
        g_autoptr(CsIngest) ingest = NULL;
        g_autoptr(GError) error = NULL;
        g_autofree char *split = NULL;

        collect_init (&c);
        ingest = cs_ingest_new (collect_cb, &c);
        cs_ingest_begin_source (ingest, "test.json");
        g_assert_true (cs_ingest_feed (ingest, transaction, a, &error));
        g_assert_true (cs_ingest_feed (ingest, transaction + a, b - a, &error));
        g_assert_true (cs_ingest_feed (ingest, transaction + b, len - b, &error));
        g_assert_true (cs_ingest_end_source (ingest, &error));
        g_assert_no_error (error);
        split = join_lines (c.lines);
        g_assert_cmpstr (split, ==, whole);
        collect_clear (&c);
      }
}

static void
test_entry_before_type (void)
{
  const char *text =
    "{\"entry\": [{\"fullUrl\": \"u1\", \"resource\": {\"resourceType\": \"Patient\", \"id\": \"a\"}},"
    "             {\"resource\": {\"resourceType\": \"Patient\", \"id\": \"b\"}, \"request\": {\"method\": \"GET\"}}],"
    " \"type\": \"searchset\", \"resourceType\": \"Bundle\"}";
  g_autoptr(GError) error = NULL;
  Collect c;

  collect_init (&c);
  c.data = text;
  c.data_len = strlen (text);
  g_assert_true (ingest_text (text, strlen (text), 0, &c, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (c.lines->len, ==, 2);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (c.lines, 0), "Patient|a|u1|-|"));
  g_assert_true (g_str_has_prefix (g_ptr_array_index (c.lines, 1), "Patient|b|-|GET|"));
  collect_clear (&c);
}

static void
test_single_and_ndjson (void)
{
  const char *single = "\xef\xbb\xbf  {\"resourceType\": \"Patient\", \"id\": \"s\"}\n\n";
  const char *ndjson =
    "{\"resourceType\":\"Patient\",\"id\":\"1\"}\n"
    "{\"resourceType\":\"Observation\",\"id\":\"2\"}\r\n"
    "\n"
    "{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":{\"resourceType\":\"Condition\",\"id\":\"3\"}}]}"
    "  {\"resourceType\":\"Patient\",\"id\":\"4\"}";
  g_autoptr(GError) error = NULL;
  Collect c;

  collect_init (&c);
  c.data = single;
  c.data_len = strlen (single);
  g_assert_true (ingest_text (single, strlen (single), 0, &c, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (c.lines->len, ==, 1);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (c.lines, 0), "Patient|s|-|-|0|5|"));
  collect_clear (&c);

  for (gsize step = 0; step < 4; step++)
    {
      collect_init (&c);
      c.data = ndjson;
      c.data_len = strlen (ndjson);
      g_assert_true (ingest_text (ndjson, strlen (ndjson), step, &c, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (c.lines->len, ==, 4);
      g_assert_cmpuint (type_count (&c, "Patient"), ==, 2);
      g_assert_cmpuint (type_count (&c, "Observation"), ==, 1);
      g_assert_cmpuint (type_count (&c, "Condition"), ==, 1);
      g_assert_true (g_str_has_prefix (g_ptr_array_index (c.lines, 3), "Patient|4|"));
      collect_clear (&c);
    }
}

/* cs_ingest_set_keep_json(): each record carries its exact source bytes,
 * however the input is cut into chunks. */
typedef struct
{
  const char *data;
  gsize       data_len;
  gboolean    keep;
  guint       n;
} KeepCheck;

static gboolean
keep_cb (const CsResourceRecord *record,
         gpointer                user_data,
         GError                **error)
{
  KeepCheck *k = user_data;

  k->n++;
  if (!k->keep)
    {
      g_assert_null (record->json);
      return TRUE;
    }
  g_assert_nonnull (record->json);
  g_assert_cmpuint ((gsize) record->offset + record->length, <=, k->data_len);
  g_assert_cmpmem (record->json, record->length, k->data + record->offset, record->length);
  return TRUE;
}

static guint
keep_feed (const char *text,
           gsize       a,
           gsize       b,
           gboolean    keep)
{
  g_autoptr(CsIngest) ingest = NULL;
  g_autoptr(GError) error = NULL;
  gsize len = strlen (text);
  KeepCheck k = { text, len, keep, 0 };

  ingest = cs_ingest_new (keep_cb, &k);
  cs_ingest_set_keep_json (ingest, keep);
  cs_ingest_begin_source (ingest, "test.json");
  g_assert_true (cs_ingest_feed (ingest, text, a, &error));
  g_assert_true (cs_ingest_feed (ingest, text + a, b - a, &error));
  g_assert_true (cs_ingest_feed (ingest, text + b, len - b, &error));
  g_assert_true (cs_ingest_end_source (ingest, &error));
  g_assert_no_error (error);
  return k.n;
}

static void
test_keep_json (void)
{
  const char *searchset =
    "{\"resourceType\" : \"Bundle\", \"type\": \"searchset\", \"total\": 3,\n"
    " \"link\": [{\"relation\": \"next\", \"url\": \"http://x/Patient?page=2\"}],\n"
    " \"entry\": [\n"
    "  {\"fullUrl\": \"http://x/Patient/p1\", \"resource\": {\"id\": \"p1\",  \"resourceType\":\"Patient\",\n"
    "     \"name\": [{\"text\": \"Z\\u00fcrich \\/ \\\"x\\\" \\\\\"}], \"multipleBirthInteger\": 1.50e0},\n"
    "   \"search\": {\"mode\": \"match\"}},\n"
    "  {\"resource\": {\"resourceType\": \"Observation\", \"id\": \"o1\", \"valueQuantity\": {\"value\": -0.0}},\n"
    "   \"search\": {\"mode\": \"include\"}},\n"
    "  {\"search\": {\"mode\": \"outcome\"}, \"resource\": {\"resourceType\": \"OperationOutcome\",\n"
    "     \"issue\": [{\"severity\": \"information\", \"code\": \"informational\"}]}}\n"
    " ]}\n";
  const char *entry_first =
    "{\"entry\": [{\"resource\": {\"resourceType\": \"Patient\", \"id\": \"a\"}}], \"resourceType\": \"Bundle\"}";
  const char *ndjson =
    "\xef\xbb\xbf{\"resourceType\":\"Patient\",\"id\":\"1\"}\r\n"
    "{ \"resourceType\" : \"Observation\" , \"id\" : \"2\" }\n"
    "{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":{\"resourceType\":\"Condition\",\"id\":\"3\"}}]}\n";
  const struct { const char *text; guint n; } docs[] = {
    { transaction, 5 }, { searchset, 3 }, { entry_first, 1 }, { ndjson, 3 },
  };

  for (guint d = 0; d < G_N_ELEMENTS (docs); d++)
    {
      gsize len = strlen (docs[d].text);

      g_assert_cmpuint (keep_feed (docs[d].text, 0, 0, FALSE), ==, docs[d].n);
      /* every single cut, and pairs of cuts (a sample) */
      for (gsize a = 0; a <= len; a++)
        g_assert_cmpuint (keep_feed (docs[d].text, a, a, TRUE), ==, docs[d].n);
      for (gsize a = 0; a < len; a += 3)
        for (gsize b = a; b <= len; b += 7)
          g_assert_cmpuint (keep_feed (docs[d].text, a, b, TRUE), ==, docs[d].n);
    }
}

static void
test_push_sources (void)
{
  g_autoptr(CsIngest) ingest = NULL;
  g_autoptr(GError) error = NULL;
  const char *a = "{\"resourceType\":\"Patient\",\"id\":\"a\"}";
  const char *b = "{\"resourceType\":\"Patient\",\"id\":\"b\"}";
  Collect c;

  collect_init (&c);
  ingest = cs_ingest_new (collect_cb, &c);
  cs_ingest_begin_source (ingest, "one");
  g_assert_true (cs_ingest_feed (ingest, a, 10, &error));
  /* a new source forgets the unfinished one */
  cs_ingest_begin_source (ingest, "two");
  g_assert_true (cs_ingest_feed (ingest, b, strlen (b), &error));
  g_assert_true (cs_ingest_end_source (ingest, &error));
  cs_ingest_begin_source (ingest, "three");
  g_assert_true (cs_ingest_feed (ingest, a, strlen (a), &error));
  g_assert_true (cs_ingest_end_source (ingest, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (cs_ingest_get_n_resources (ingest), ==, 2);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (c.lines, 0), "Patient|b|-|-|1|0|"));
  g_assert_true (g_str_has_prefix (g_ptr_array_index (c.lines, 1), "Patient|a|-|-|2|0|"));
  collect_clear (&c);
}

static void
test_callback_error (void)
{
  g_autoptr(GError) error = NULL;
  Collect c;

  collect_init (&c);
  c.stop_after = 2;
  g_assert_false (ingest_text (transaction, strlen (transaction), 0, &c, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_cmpstr (error->message, ==, "stop requested by the test");
  g_assert_cmpuint (c.lines->len, ==, 2);
  collect_clear (&c);
}

/* ------------------------------------------------------------------------ */
/* Files and folders                                                        */

static char *
big_bundle (guint n_entries)
{
  GString *s = g_string_new ("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[\n");

  for (guint i = 0; i < n_entries; i++)
    g_string_append_printf (s,
                            "%s{\"fullUrl\":\"urn:uuid:%08u\",\"resource\":{\"resourceType\":\"Observation\","
                            "\"id\":\"obs-%u\",\"status\":\"final\",\"code\":{\"coding\":[{\"system\":"
                            "\"http://loinc.org\",\"code\":\"%u-%u\",\"display\":\"caf\xc3\xa9 \\\"%u\\\"\"}]},"
                            "\"valueQuantity\":{\"value\":%u.%03u,\"unit\":\"mm\"},\"flag\":%s}}\n",
                            i ? "," : "", i, i, i % 97, i % 7, i, i, i % 1000,
                            i % 2 ? "true" : "null");
  g_string_append (s, "]}\n");
  return g_string_free (s, FALSE);
}

static void
test_path_file (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cs-ingest-XXXXXX", NULL);
  g_autofree char *text = big_bundle (4000);
  g_autofree char *path = write_temp (dir, "big.json", text, -1);
  g_autofree char *from_path = NULL;
  g_autofree char *from_push = NULL;
  g_autoptr(GError) error = NULL;
  Collect c;

  g_assert_cmpuint (strlen (text), >, 3 * 256 * 1024);

  collect_init (&c);
  c.data = text;
  c.data_len = strlen (text);
  g_assert_true (cs_ingest_path (path, collect_cb, &c, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (c.lines->len, ==, 4000);
  from_path = join_lines (c.lines);
  collect_clear (&c);

  collect_init (&c);
  g_assert_true (ingest_text (text, strlen (text), 4093, &c, &error));
  from_push = join_lines (c.lines);
  collect_clear (&c);
  /* same records, apart from the source name which is not in the summary */
  g_assert_cmpstr (from_path, ==, from_push);

  remove_tree (dir);
}

typedef struct
{
  guint   calls;
  guint64 last_done;
  guint64 total;
  guint64 last_n;
} Progress;

static void
progress_cb (guint64  bytes_done,
             guint64  bytes_total,
             guint64  n_resources,
             gpointer user_data)
{
  Progress *p = user_data;

  g_assert_cmpuint (bytes_done, <=, bytes_total);
  p->calls++;
  p->last_done = bytes_done;
  p->total = bytes_total;
  p->last_n = n_resources;
}

/* progress_cb, and bytes_done never decreases */
static void
folder_progress_cb (guint64  bytes_done,
                    guint64  bytes_total,
                    guint64  n_resources,
                    gpointer user_data)
{
  Progress *p = user_data;

  g_assert_cmpuint (bytes_done, >=, p->last_done);
  g_assert_cmpuint (bytes_total, >=, p->total);
  progress_cb (bytes_done, bytes_total, n_resources, user_data);
}

static void
test_path_progress_cancel (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cs-ingest-XXXXXX", NULL);
  g_autofree char *text = big_bundle (4000);
  g_autofree char *path = write_temp (dir, "big.json", text, -1);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  Progress progress = { 0, 0, 0, 0 };
  Collect c;

  collect_init (&c);
  g_assert_true (cs_ingest_path (path, collect_cb, &c, progress_cb, &progress, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (progress.calls, >=, 3);
  g_assert_cmpuint (progress.last_done, ==, strlen (text));
  g_assert_cmpuint (progress.total, ==, strlen (text));
  g_assert_cmpuint (progress.last_n, ==, 4000);
  collect_clear (&c);

  /* cancelled while running: stops between chunks */
  collect_init (&c);
  c.cancel_after_first = cancellable;
  g_assert_false (cs_ingest_path (path, collect_cb, &c, NULL, NULL, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (c.lines->len, >, 0);
  g_assert_cmpuint (c.lines->len, <, 4000);
  collect_clear (&c);

  remove_tree (dir);
}

static void
test_path_folder (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cs-ingest-XXXXXX", NULL);
  g_autofree char *sub = g_build_filename (dir, "b-sub", NULL);
  g_autofree char *empty_dir = g_dir_make_tmp ("cs-ingest-XXXXXX", NULL);
  g_autofree char *f1 = NULL, *f2 = NULL, *f3 = NULL, *f4 = NULL, *f5 = NULL, *f6 = NULL;
  g_autoptr(GError) error = NULL;
  Progress folder_progress = { 0, 0, 0, 0 };
  guint64 folder_size = 0;
  Collect c;

  g_assert_cmpint (g_mkdir (sub, 0700), ==, 0);
  f1 = write_temp (dir, "c.ndjson", "{\"resourceType\":\"Patient\",\"id\":\"c1\"}\n"
                                    "{\"resourceType\":\"Patient\",\"id\":\"c2\"}\n", -1);
  f2 = write_temp (dir, "a.json", "{\"resourceType\":\"Patient\",\"id\":\"a\"}", -1);
  f3 = write_temp (sub, "x.jsonl", "{\"resourceType\":\"Patient\",\"id\":\"x\"}", -1);
  f4 = write_temp (dir, "notes.txt", "not json at all", -1);
  f5 = write_temp (dir, ".hidden.json", "not json either", -1);
  f6 = write_temp (dir, "d.json", "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"total\":0}", -1);
  for (const char *const *f = (const char *const[]) { f1, f2, f3, f6, NULL }; *f != NULL; f++)
    {
      GStatBuf st;

      g_assert_cmpint (g_stat (*f, &st), ==, 0);
      folder_size += (guint64) st.st_size;
    }

  collect_init (&c);
  g_assert_true (cs_ingest_path (dir, collect_cb, &c, folder_progress_cb, &folder_progress, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (c.lines->len, ==, 4);
  /* a folder's progress counts all its data files together and never goes back */
  g_assert_cmpuint (folder_progress.calls, >=, 4);
  g_assert_cmpuint (folder_progress.total, ==, folder_size);
  g_assert_cmpuint (folder_progress.last_done, ==, folder_size);
  g_assert_cmpuint (folder_progress.last_n, ==, 4);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (c.lines, 0), "Patient|a|-|-|0|"));
  g_assert_true (g_str_has_prefix (g_ptr_array_index (c.lines, 1), "Patient|x|-|-|1|"));
  g_assert_true (g_str_has_prefix (g_ptr_array_index (c.lines, 2), "Patient|c1|-|-|2|"));
  g_assert_true (g_str_has_prefix (g_ptr_array_index (c.lines, 3), "Patient|c2|-|-|2|"));
  collect_clear (&c);

  /* a folder without data files, a Bundle without entries, an empty file */
  collect_init (&c);
  g_assert_false (cs_ingest_path (empty_dir, collect_cb, &c, NULL, NULL, NULL, &error));
  g_assert_error (error, CS_INGEST_ERROR, CS_INGEST_ERROR_EMPTY);
  g_assert_nonnull (strstr (error->message, "contains no FHIR resources"));
  g_clear_error (&error);
  g_assert_false (cs_ingest_path (f6, collect_cb, &c, NULL, NULL, NULL, &error));
  g_assert_error (error, CS_INGEST_ERROR, CS_INGEST_ERROR_EMPTY);
  g_assert_nonnull (strstr (error->message, "d.json contains no FHIR resources"));
  g_clear_error (&error);
  {
    g_autofree char *empty = write_temp (empty_dir, "empty.json", "", 0);

    g_assert_false (cs_ingest_path (empty, collect_cb, &c, NULL, NULL, NULL, &error));
    g_assert_error (error, CS_INGEST_ERROR, CS_INGEST_ERROR_EMPTY);
    g_clear_error (&error);
  }
  {
    g_autofree char *missing = g_build_filename (empty_dir, "missing.json", NULL);

    g_assert_false (cs_ingest_path (missing, collect_cb, &c, NULL, NULL, NULL, &error));
    g_assert_error (error, CS_INGEST_ERROR, CS_INGEST_ERROR_IO);
    g_assert_nonnull (strstr (error->message, "missing.json"));
    g_clear_error (&error);
  }
  g_assert_cmpuint (c.lines->len, ==, 0);
  collect_clear (&c);

  remove_tree (dir);
  remove_tree (empty_dir);
}

/* ------------------------------------------------------------------------ */
/* Errors                                                                   */

typedef struct
{
  const char *text;
  GQuark      domain;
  int         code;
  const char *message;
} BadInput;

static void
check_bad (const BadInput *bad,
           guint           i)
{
  /* whole, and byte by byte: same error */
  for (gsize step = 0; step <= 1; step++)
    {
      g_autoptr(GError) error = NULL;
      Collect c;

      collect_init (&c);
      if (ingest_text (bad->text, strlen (bad->text), step, &c, &error) ||
          error == NULL || error->domain != bad->domain || error->code != bad->code ||
          strstr (error->message, bad->message) == NULL)
        g_error ("case %u (step %" G_GSIZE_FORMAT ") %s: expected error %s/%d containing \"%s\", got %s/%d \"%s\"",
                 i, step, bad->text, g_quark_to_string (bad->domain), bad->code, bad->message,
                 error ? g_quark_to_string (error->domain) : "none", error ? error->code : -1,
                 error ? error->message : "");
      collect_clear (&c);
    }
}

static void
test_errors (void)
{
  const BadInput cases[] = {
    /* wrong types */
    { "{\"resourceType\":\"Bundle\",\"entry\":{}}", CS_INGEST_ERROR, CS_INGEST_ERROR_NOT_FHIR,
      "test.json: byte 33 at entry: Bundle.entry must be an array but is an object" },
    { "{\"entry\":7,\"resourceType\":\"Bundle\"}", CS_INGEST_ERROR, CS_INGEST_ERROR_NOT_FHIR,
      "at entry: Bundle.entry must be an array but is a number" },
    { "{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":{\"resourceType\":\"Patient\"}}, 3]}",
      CS_INGEST_ERROR, CS_INGEST_ERROR_NOT_FHIR,
      "byte 75 at entry[1]: a Bundle entry must be an object but is a number" },
    { "{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":[]}]}",
      CS_INGEST_ERROR, CS_INGEST_ERROR_NOT_FHIR,
      "at entry[0].resource: entry.resource must be an object but is an array" },
    { "{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":{\"resourceType\":5}}]}",
      CS_INGEST_ERROR, CS_INGEST_ERROR_NOT_FHIR,
      "byte 46 at entry[0].resource: resourceType must be a non-empty string but is a number" },
    { "{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":{\"id\":\"x\"}}]}",
      CS_INGEST_ERROR, CS_INGEST_ERROR_NOT_FHIR,
      "at entry[0].resource: the object has no resourceType" },
    { "{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":{}}]}}]}",
      CS_INGEST_ERROR, CS_INGEST_ERROR_NOT_FHIR,
      "at entry[0].resource.entry[0].resource: the object has no resourceType" },
    { "{\"id\":\"x\"}", CS_INGEST_ERROR, CS_INGEST_ERROR_NOT_FHIR,
      "test.json: byte 0: the object has no resourceType" },
    { "{\"resourceType\":\"\"}", CS_INGEST_ERROR, CS_INGEST_ERROR_NOT_FHIR, "an empty string" },
    { "[{\"resourceType\":\"Patient\"}]", CS_INGEST_ERROR, CS_INGEST_ERROR_NOT_FHIR,
      "expected a FHIR resource (a JSON object) but found an array" },
    { "{\"resourceType\":\"Patient\"}\n42\n", CS_INGEST_ERROR, CS_INGEST_ERROR_NOT_FHIR,
      "byte 27: expected a FHIR resource (a JSON object) but found a number" },
    /* syntax */
    { "garbage{\"resourceType\":\"Patient\"}", CS_JSON_ERROR, CS_JSON_ERROR_SYNTAX,
      "test.json: byte 0: the input does not start with JSON: found 'g'" },
    { "{\"resourceType\":\"Patient\"} trailing", CS_JSON_ERROR, CS_JSON_ERROR_SYNTAX,
      "byte 27: unexpected data after the end of a JSON value: found 'trailing'" },
    { "{\"resourceType\":\"Patient\"}]", CS_JSON_ERROR, CS_JSON_ERROR_SYNTAX,
      "unexpected data after the end of a JSON value: found ']'" },
    { "{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":{\"resourceType\":\"Observation\","
      "\"code\":{\"coding\":[{\"code\":\"x\"]}}}]}", CS_JSON_ERROR, CS_JSON_ERROR_SYNTAX,
      "test.json: byte 105 at entry[0].resource.code.coding[0]: expected ',' or '}' but found ']'" },
    { "{\"resourceType\":\"Observation\",\"valueInteger\":01}", CS_JSON_ERROR, CS_JSON_ERROR_SYNTAX,
      "at valueInteger: numbers must not have leading zeros" },
    { "{\"resourceType\":\"Observation\",\"valueInteger\":1.}", CS_JSON_ERROR, CS_JSON_ERROR_SYNTAX,
      "expected a digit after '.'" },
    { "{\"resourceType\":\"Observation\",\"valueInteger\":-}", CS_JSON_ERROR, CS_JSON_ERROR_SYNTAX,
      "expected a digit after '-'" },
    { "{\"resourceType\":\"Observation\",\"valueInteger\":NaN}", CS_JSON_ERROR, CS_JSON_ERROR_SYNTAX,
      "at valueInteger: expected a value but found 'N'" },
    { "{\"resourceType\":\"Observation\",\"valueInteger\":-Infinity}", CS_JSON_ERROR, CS_JSON_ERROR_SYNTAX,
      "expected a digit after '-'" },
    /* strings */
    { "{\"resourceType\":\"Patient\",\"name\":\"a\xff\"}", CS_JSON_ERROR, CS_JSON_ERROR_UTF8,
      "at name: invalid UTF-8 in a string" },
    { "{\"resourceType\":\"Patient\",\"name\":\"a\xe2\x82\"}", CS_JSON_ERROR, CS_JSON_ERROR_UTF8,
      "invalid UTF-8" },
    { "{\"resourceType\":\"Patient\",\"name\":\"\\q\"}", CS_JSON_ERROR, CS_JSON_ERROR_SYNTAX,
      "invalid escape sequence" },
    { "{\"resourceType\":\"Patient\",\"name\":\"\\ud83d!\"}", CS_JSON_ERROR, CS_JSON_ERROR_UTF8,
      "high surrogate" },
    { "{\"resourceType\":\"Patient\",\"name\":\"\\ude00\"}", CS_JSON_ERROR, CS_JSON_ERROR_UTF8,
      "lone low surrogate" },
    { "{\"resourceType\":\"Patient\",\"name\":\"\\u00zz\"}", CS_JSON_ERROR, CS_JSON_ERROR_UTF8,
      "four hexadecimal digits" },
    { "{\"resourceType\":\"Patient\",\"name\":\"a\x01\"}", CS_JSON_ERROR, CS_JSON_ERROR_SYNTAX,
      "control character 0x01" },
    /* truncated */
    { "{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":{\"resourceType\":\"Patient\"", CS_JSON_ERROR,
      CS_JSON_ERROR_TRUNCATED, "byte 71 at entry[0].resource: the input ends inside an object" },
    { "{\"resourceType\":\"Patient\",\"active\":tr", CS_JSON_ERROR, CS_JSON_ERROR_TRUNCATED,
      "at active: the input ends inside 'tr'" },
    /* ids by the FHIR rule: two ids that differ after a NUL must not become one */
    { "{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"p1\"}},"
      "{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"p\\u00001\"}}]}",
      CS_INGEST_ERROR, CS_INGEST_ERROR_NOT_FHIR,
      "test.json: byte 96 at entry[1].resource: the id \"p\\u00001\" is not a FHIR id: 1 to 64 characters, "
      "each a letter (A–Z, a–z), a digit, “-” or “.”" },
    { "{\"resourceType\":\"Patient\",\"id\":\"\"}", CS_INGEST_ERROR, CS_INGEST_ERROR_NOT_FHIR,
      "test.json: byte 0: the id \"\" is not a FHIR id" },
    { "{\"resourceType\":\"Patient\",\"id\":\"a_b\"}", CS_INGEST_ERROR, CS_INGEST_ERROR_NOT_FHIR,
      "the id \"a_b\" is not a FHIR id" },
    { "{\"resourceType\":\"Patient\",\"id\":\"Patient/1\"}", CS_INGEST_ERROR, CS_INGEST_ERROR_NOT_FHIR,
      "the id \"Patient/1\" is not a FHIR id" },
    { "{\"resourceType\":\"Patient\",\"id\":\"pat ient\"}", CS_INGEST_ERROR, CS_INGEST_ERROR_NOT_FHIR,
      "the id \"pat ient\" is not a FHIR id" },
    { "{\"resourceType\":\"Patient\",\"id\":\"\u00e9\"}", CS_INGEST_ERROR, CS_INGEST_ERROR_NOT_FHIR,
      "the id \"\u00e9\" is not a FHIR id" },
    { "{\"resourceType\":\"Patient\",\"id\":\"0123456789012345678901234567890123456789012345678901234567890123"
      "4\"}", CS_INGEST_ERROR, CS_INGEST_ERROR_NOT_FHIR,
      "the id \"01234567890123456789012345678901234567890123456789012345678901234\" is not a FHIR id" },
    { "{\"resourceType\":\"Patient\",\"id\":7}", CS_INGEST_ERROR, CS_INGEST_ERROR_NOT_FHIR,
      "test.json: byte 0: id must be a string but is a number" },
    { "{\"resourceType\":\"Patient\",\"id\":null}", CS_INGEST_ERROR, CS_INGEST_ERROR_NOT_FHIR,
      "id must be a string but is null" },
    /* numbers a double cannot hold, named where they are */
    { "{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":{\"resourceType\":\"Observation\","
      "\"valueQuantity\":{\"value\":1.0e-400}}}]}", CS_JSON_ERROR, CS_JSON_ERROR_RANGE,
      "test.json: byte 101 at entry[0].resource.valueQuantity.value: the number 1.0e-400 is out of range: "
      "it is not zero, but its magnitude is below the smallest double (about 4.9e-324) and would be read as 0" },
    { "{\"resourceType\":\"Observation\",\"valueInteger\":-1e999}", CS_JSON_ERROR, CS_JSON_ERROR_RANGE,
      "byte 45 at valueInteger: the number -1e999 is out of range: its magnitude is above the largest double" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    check_bad (&cases[i], i);
}

/* Cutting a valid Bundle anywhere gives a truncation error, never a crash or
 * a silent success. */
static void
test_truncated (void)
{
  gsize len = strlen (transaction);
  gsize end = len;

  /* the Bundle is complete once the final '}' is there */
  while (transaction[end - 1] != '}')
    end--;

  for (gsize cut = 1; cut < end; cut++)
    {
      g_autoptr(GError) error = NULL;
      Collect c;

      collect_init (&c);
      g_assert_false (ingest_text (transaction, cut, 0, &c, &error));
      g_assert_nonnull (error);
      if (!g_error_matches (error, CS_JSON_ERROR, CS_JSON_ERROR_TRUNCATED))
        g_error ("cut at %" G_GSIZE_FORMAT ": %s", cut, error->message);
      g_assert_true (g_str_has_prefix (error->message, "test.json: byte "));
      collect_clear (&c);
    }
}

static void
test_deep (void)
{
  g_autoptr(GString) text = g_string_new ("{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":"
                                          "{\"resourceType\":\"Basic\",\"x\":");
  g_autoptr(GError) error = NULL;
  Collect c;

  for (guint i = 0; i < 200000; i++)
    g_string_append_c (text, '[');
  collect_init (&c);
  g_assert_false (ingest_text (text->str, text->len, 4096, &c, &error));
  g_assert_error (error, CS_JSON_ERROR, CS_JSON_ERROR_TOO_DEEP);
  g_assert_nonnull (strstr (error->message, "test.json: byte "));
  g_assert_nonnull (strstr (error->message, "at entry[0].resource.x[0][0]"));
  collect_clear (&c);
}

static void
test_huge_string (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cs-ingest-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "huge.json", NULL);
  const char *head = "{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":"
                     "{\"resourceType\":\"Binary\",\"data\":\"";
  gsize n = 50 * 1000 * 1000;
  g_autoptr(GString) text = g_string_sized_new (n + 200);
  g_autoptr(GError) error = NULL;
  Collect c;

  g_string_append (text, head);
  g_string_set_size (text, strlen (head) + n);
  memset (text->str + strlen (head), 'A', n);
  g_string_append (text, "\"}}]}");
  g_file_set_contents (path, text->str, (gssize) text->len, &error);
  g_assert_no_error (error);

  collect_init (&c);
  g_assert_false (cs_ingest_path (path, collect_cb, &c, NULL, NULL, NULL, &error));
  g_assert_error (error, CS_JSON_ERROR, CS_JSON_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "huge.json: byte 78 at entry[0].resource.data"));
  g_assert_cmpuint (c.lines->len, ==, 0);
  collect_clear (&c);

  remove_tree (dir);
}

/* ------------------------------------------------------------------------ */
/* Real data                                                                */

static const char *
shared_data (void)
{
  const char *dir = g_getenv ("CS_SHARED_DATA");

  if (dir == NULL || !g_file_test (dir, G_FILE_TEST_IS_DIR))
    return NULL;
  return dir;
}

/* Independent count with json-glib's DOM: entries with a resource, by type. */
static void
count_with_json_glib (JsonNode   *node,
                      GHashTable *counts)
{
  JsonObject *object;
  const char *type;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return;
  object = json_node_get_object (node);
  type = json_object_get_string_member_with_default (object, "resourceType", NULL);
  g_assert_nonnull (type);
  if (strcmp (type, "Bundle") == 0)
    {
      JsonArray *entries = json_object_has_member (object, "entry")
                           ? json_object_get_array_member (object, "entry") : NULL;

      for (guint i = 0; entries != NULL && i < json_array_get_length (entries); i++)
        {
          JsonObject *entry = json_array_get_object_element (entries, i);

          if (json_object_has_member (entry, "resource"))
            count_with_json_glib (json_object_get_member (entry, "resource"), counts);
        }
      return;
    }
  g_hash_table_insert (counts, g_strdup (type),
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (counts, type)) + 1));
}

static void
check_folder_against_json_glib (const char *dir)
{
  g_autoptr(GDir) gdir = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n_files = 0;

  g_assert_nonnull (gdir);
  while ((name = g_dir_read_name (gdir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *text = NULL;
      gsize len;
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GHashTable) expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_autoptr(GError) error = NULL;
      GHashTableIter iter;
      gpointer key, value;
      Collect c;

      if (!g_str_has_suffix (name, ".json"))
        continue;
      n_files++;
      g_assert_true (g_file_get_contents (path, &text, &len, NULL));
      g_assert_true (json_parser_load_from_data (parser, text, (gssize) len, &error));
      g_assert_no_error (error);
      count_with_json_glib (json_parser_get_root (parser), expected);

      collect_init (&c);
      c.data = text;
      c.data_len = len;
      if (g_hash_table_size (expected) == 0)
        {
          /* e.g. a batch of GET requests: nothing to load is an error of its own */
          g_assert_false (cs_ingest_path (path, collect_cb, &c, NULL, NULL, NULL, &error));
          g_assert_error (error, CS_INGEST_ERROR, CS_INGEST_ERROR_EMPTY);
          g_clear_error (&error);
        }
      else if (!cs_ingest_path (path, collect_cb, &c, NULL, NULL, NULL, &error))
        g_error ("%s: %s", path, error->message);
      g_assert_cmpuint (g_hash_table_size (c.by_type), ==, g_hash_table_size (expected));
      g_hash_table_iter_init (&iter, expected);
      while (g_hash_table_iter_next (&iter, &key, &value))
        if (type_count (&c, key) != GPOINTER_TO_UINT (value))
          g_error ("%s: %u %s expected, %u found", name, GPOINTER_TO_UINT (value),
                   (const char *) key, type_count (&c, key));
      collect_clear (&c);
    }
  g_assert_cmpuint (n_files, >, 0);
}

/* ------------------------------------------------------------------------ */
/* Folders with files that are not FHIR, files that are not files          */

static void
collect_warning (const char *message,
                 gpointer    user_data)
{
  g_ptr_array_add (user_data, g_strdup (message));
}

/* A bulk export's folder may hold a log or manifest that is not FHIR: it is
 * skipped with a warning naming it; given directly it is still an error. */
static void
test_folder_not_fhir (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cs-ingest-XXXXXX", NULL);
  g_autofree char *only_dir = g_dir_make_tmp ("cs-ingest-XXXXXX", NULL);
  g_autofree char *broken_dir = g_dir_make_tmp ("cs-ingest-XXXXXX", NULL);
  g_autofree char *log = NULL, *manifest = NULL, *text_log = NULL, *array = NULL, *patients = NULL;
  g_autofree char *broken = NULL, *late = NULL;
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  Progress progress = { 0, 0, 0, 0 };
  guint64 folder_size = 0;
  Collect c;

  log = write_temp (dir, "log.ndjson",
                    "{\"time\":\"2024-05-01T10:00:00Z\",\"level\":\"info\",\"message\":\"export started\"}\n"
                    "{\"time\":\"2024-05-01T10:00:09Z\",\"level\":\"info\",\"message\":\"export done\"}\n", -1);
  manifest = write_temp (dir, "manifest.json",
                         "{\"transactionTime\":\"2024-05-01T10:00:00Z\",\"output\":"
                         "[{\"type\":\"Patient\",\"url\":\"Patient.ndjson\"}]}", -1);
  text_log = write_temp (dir, "export-log.ndjson", "2024-05-01 10:00:00 INFO export started\n", -1);
  array = write_temp (dir, "list.json", "[1, 2, 3]", -1);
  patients = write_temp (dir, "Patient.ndjson",
                         "{\"resourceType\":\"Patient\",\"id\":\"a\"}\n"
                         "{\"resourceType\":\"Patient\",\"id\":\"b\"}\n", -1);
  for (const char *const *f = (const char *const[]) { log, manifest, text_log, array, patients, NULL }; *f; f++)
    {
      GStatBuf st;

      g_assert_cmpint (g_stat (*f, &st), ==, 0);
      folder_size += (guint64) st.st_size;
    }

  /* the folder: the Patients load, each other file gives one warning */
  collect_init (&c);
  {
    g_autoptr(CsIngest) ingest = cs_ingest_new (collect_cb, &c);

    cs_ingest_set_warning_func (ingest, collect_warning, warnings);
    g_assert_true (cs_ingest_read_path (ingest, dir, folder_progress_cb, &progress, NULL, &error));
    g_assert_no_error (error);
  }
  g_assert_cmpuint (c.lines->len, ==, 2);
  g_assert_cmpuint (type_count (&c, "Patient"), ==, 2);
  g_assert_cmpuint (progress.last_done, ==, folder_size);
  g_assert_cmpuint (warnings->len, ==, 4);
  /* sorted by name: export-log.ndjson, list.json, log.ndjson, manifest.json */
  {
    g_autofree char *w0 = g_strdup_printf ("skipped a file that is not FHIR: %s: byte 4: unexpected '-' in a "
                                           "number", text_log);
    g_autofree char *w1 = g_strdup_printf ("skipped a file that is not FHIR: %s: byte 0: expected a FHIR "
                                           "resource (a JSON object) but found an array", array);
    g_autofree char *w2 = g_strdup_printf ("skipped a file that is not FHIR: %s: byte 0: the object has no "
                                           "resourceType, so it is not a FHIR resource", log);
    g_autofree char *w3 = g_strdup_printf ("skipped a file that is not FHIR: %s: byte 0: the object has no "
                                           "resourceType, so it is not a FHIR resource", manifest);

    g_assert_cmpstr (g_ptr_array_index (warnings, 0), ==, w0);
    g_assert_cmpstr (g_ptr_array_index (warnings, 1), ==, w1);
    g_assert_cmpstr (g_ptr_array_index (warnings, 2), ==, w2);
    g_assert_cmpstr (g_ptr_array_index (warnings, 3), ==, w3);
  }
  collect_clear (&c);

  /* given directly, a file that is not FHIR is an error */
  collect_init (&c);
  g_assert_false (cs_ingest_path (log, collect_cb, &c, NULL, NULL, NULL, &error));
  g_assert_error (error, CS_INGEST_ERROR, CS_INGEST_ERROR_NOT_FHIR);
  g_assert_true (g_str_has_prefix (error->message, log));
  g_clear_error (&error);
  g_assert_false (cs_ingest_path (text_log, collect_cb, &c, NULL, NULL, NULL, &error));
  g_assert_error (error, CS_JSON_ERROR, CS_JSON_ERROR_SYNTAX);
  g_clear_error (&error);
  collect_clear (&c);

  /* a folder with nothing but such files says so */
  g_ptr_array_set_size (warnings, 0);
  g_free (write_temp (only_dir, "log.ndjson", "{\"level\":\"info\"}\n", -1));
  collect_init (&c);
  {
    g_autoptr(CsIngest) ingest = cs_ingest_new (collect_cb, &c);

    cs_ingest_set_warning_func (ingest, collect_warning, warnings);
    g_assert_false (cs_ingest_read_path (ingest, only_dir, NULL, NULL, NULL, &error));
  }
  g_assert_error (error, CS_INGEST_ERROR, CS_INGEST_ERROR_EMPTY);
  g_assert_nonnull (strstr (error->message, "contains no FHIR resources (1 file is not FHIR and was skipped)"));
  g_assert_cmpuint (warnings->len, ==, 1);
  g_clear_error (&error);
  collect_clear (&c);

  /* FHIR with a fault is never skipped: broken JSON in a Bundle, and a file
   * whose first resources were already read */
  broken = write_temp (broken_dir, "a.json", "{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":{\"id\":\"x\"}}]}", -1);
  late = write_temp (broken_dir, "b.ndjson", "{\"resourceType\":\"Patient\",\"id\":\"a\"}\n{\"level\":\"info\"}\n", -1);
  collect_init (&c);
  g_assert_false (cs_ingest_path (broken_dir, collect_cb, &c, NULL, NULL, NULL, &error));
  g_assert_error (error, CS_INGEST_ERROR, CS_INGEST_ERROR_NOT_FHIR);
  g_assert_nonnull (strstr (error->message, "a.json: byte 46 at entry[0].resource: the object has no resourceType"));
  g_clear_error (&error);
  g_unlink (broken);
  g_assert_false (cs_ingest_path (broken_dir, collect_cb, &c, NULL, NULL, NULL, &error));
  g_assert_error (error, CS_INGEST_ERROR, CS_INGEST_ERROR_NOT_FHIR);
  g_assert_nonnull (strstr (error->message, "b.ndjson: byte 36: the object has no resourceType"));
  g_clear_error (&error);
  collect_clear (&c);

  remove_tree (dir);
  remove_tree (only_dir);
  remove_tree (broken_dir);
}

/* A FIFO, socket or device given as a source is refused at once (opening a
 * FIFO used to wait forever for a writer); in a folder it is skipped with a
 * warning. */
static void
test_not_regular (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cs-ingest-XXXXXX", NULL);
  g_autofree char *fifo = g_build_filename (dir, "pipe.ndjson", NULL);
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  Collect c;

  if (mkfifo (fifo, 0600) != 0)
    {
      /* a file system without FIFOs: nothing of the project's to test */
      g_test_skip_printf ("cannot make a FIFO in %s: %s", dir, g_strerror (errno));
      remove_tree (dir);
      return;
    }

  /* in a child, so that a blocking open fails the test instead of hanging it */
  if (g_test_subprocess ())
    {
      collect_init (&c);
      g_assert_false (cs_ingest_path (g_getenv ("CS_TEST_FIFO"), collect_cb, &c, NULL, NULL, NULL, &error));
      g_assert_error (error, CS_INGEST_ERROR, CS_INGEST_ERROR_IO);
      g_print ("%s\n", error->message);
      collect_clear (&c);
      return;
    }
  g_setenv ("CS_TEST_FIFO", fifo, TRUE);
  g_test_trap_subprocess (NULL, 20 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  {
    g_autofree char *expected = g_strdup_printf ("Cannot read %s: it is a named pipe (FIFO), not a file or "
                                                 "folder; save the data to a file and open that\n", fifo);

    g_test_trap_assert_stdout (expected);
  }

  /* a device */
  collect_init (&c);
  g_assert_false (cs_ingest_path ("/dev/null", collect_cb, &c, NULL, NULL, NULL, &error));
  g_assert_error (error, CS_INGEST_ERROR, CS_INGEST_ERROR_IO);
  g_assert_cmpstr (error->message, ==, "Cannot read /dev/null: it is a character device, not a file or folder; "
                                       "save the data to a file and open that");
  g_clear_error (&error);
  collect_clear (&c);

  /* in a folder: skipped with a warning, the rest loads */
  g_free (write_temp (dir, "a.json", "{\"resourceType\":\"Patient\",\"id\":\"a\"}", -1));
  collect_init (&c);
  {
    g_autoptr(CsIngest) ingest = cs_ingest_new (collect_cb, &c);
    g_autofree char *expected = g_strdup_printf ("skipped %s: it is a named pipe (FIFO), not a file", fifo);

    cs_ingest_set_warning_func (ingest, collect_warning, warnings);
    g_assert_true (cs_ingest_read_path (ingest, dir, NULL, NULL, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (c.lines->len, ==, 1);
    g_assert_cmpuint (warnings->len, ==, 1);
    g_assert_cmpstr (g_ptr_array_index (warnings, 0), ==, expected);
  }
  collect_clear (&c);

  remove_tree (dir);
}

/* Ids: the FHIR rule holds at its edges, in every form of input */
static void
test_ids (void)
{
  g_autofree char *id64 = g_strnfill (64, 'a');
  g_autofree char *ok = g_strdup_printf ("{\"resourceType\":\"Patient\",\"id\":\"A-z.09\"}\n"
                                         "{\"resourceType\":\"Patient\",\"id\":\"%s\"}\n"
                                         "{\"resourceType\":\"Patient\"}\n"
                                         "{\"resourceType\":\"Patient\",\"id\":\"1\"}\n", id64);
  g_autoptr(GString) long_id = g_string_new ("{\"resourceType\":\"Patient\",\"id\":\"");
  g_autoptr(GError) error = NULL;
  Collect c;

  collect_init (&c);
  g_assert_true (ingest_text (ok, strlen (ok), 0, &c, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (c.lines->len, ==, 4);
  collect_clear (&c);

  /* a long bad id is shown cut */
  for (guint i = 0; i < 500; i++)
    g_string_append (long_id, "x_");
  g_string_append (long_id, "\"}");
  collect_init (&c);
  g_assert_false (ingest_text (long_id->str, long_id->len, 0, &c, &error));
  g_assert_error (error, CS_INGEST_ERROR, CS_INGEST_ERROR_NOT_FHIR);
  g_assert_nonnull (strstr (error->message, "the id \"x_x_x_x_"));
  g_assert_nonnull (strstr (error->message, "x_x…\" is not a FHIR id"));
  g_assert_cmpuint (strlen (error->message), <, 250);
  collect_clear (&c);
}

static gboolean
count_cb (const CsResourceRecord *record,
          gpointer                user_data,
          GError                **error)
{
  (*(guint *) user_data)++;
  return TRUE;
}

/* What one resource may cost (docs/INGEST.md): a Patient with millions of
 * array elements is refused at the limit with the usual message, not built
 * at ~50 bytes an element. */
static void
test_resource_limits (void)
{
  const char *head = "{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":{\"resourceType\":\"Patient\","
                     "\"id\":\"p\",\"x\":[";
  g_autoptr(GString) text = g_string_new (head);
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  guint64 element;
  guint n = 0;

  /* the default limit: the Bundle, its resourceType and entry array are
   * held (3); the entry, its resource, resourceType, id and x (5) leave
   * CS_JSON_MAX_VALUES - 8 elements */
  for (guint i = 0; i < CS_JSON_MAX_VALUES; i++)
    g_string_append (text, i == 0 ? "0" : ",0");
  g_string_append (text, "]}}]}");
  element = strlen (head) + 2 * (guint64) (CS_JSON_MAX_VALUES - 8);
  {
    g_autoptr(CsIngest) ingest = cs_ingest_new (count_cb, &n);

    cs_ingest_begin_source (ingest, "hostile.json");
    g_assert_false (cs_ingest_feed (ingest, text->str, text->len, &error));
  }
  g_assert_error (error, CS_JSON_ERROR, CS_JSON_ERROR_TOO_LARGE);
  expected = g_strdup_printf ("hostile.json: byte %" G_GUINT64_FORMAT " at entry[0].resource.x[%u]: entry[0] "
                              "(from byte 34) holds more than %u JSON values, the limit for one resource",
                              element, CS_JSON_MAX_VALUES - 8, CS_JSON_MAX_VALUES);
  g_assert_cmpstr (error->message, ==, expected);
  g_assert_cmpuint (n, ==, 0);
  g_clear_error (&error);

  /* other limits; the entries of a streamed Bundle count one by one */
  {
    const char *bundle = "{\"resourceType\":\"Bundle\",\"entry\":["
                         "{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"a\"}},"
                         "{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"b\"}},"
                         "{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"c\",\"x\":[1]}}]}";
    const char *sorted = "{\"entry\":["
                         "{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"a\"}},"
                         "{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"b\"}}],"
                         "\"resourceType\":\"Bundle\"}";

    for (gsize step = 0; step <= 1; step++)
      {
        g_autoptr(CsIngest) ingest = cs_ingest_new (count_cb, &n);
        gsize len = strlen (bundle);

        /* the Bundle, its resourceType and entry array, the entry, its
         * resource, resourceType and id: 7, "a" and "b" pass; "c" needs 9 */
        n = 0;
        cs_ingest_set_limits (ingest, 8, 0);
        cs_ingest_begin_source (ingest, "limits.json");
        for (gsize at = 0; at < len && error == NULL; at += step ? 1 : len)
          cs_ingest_feed (ingest, bundle + at, step ? 1 : len, &error);
        g_assert_error (error, CS_JSON_ERROR, CS_JSON_ERROR_TOO_LARGE);
        g_assert_cmpstr (error->message, ==, "limits.json: byte 184 at entry[2].resource.x[0]: entry[2] "
                                             "(from byte 132) holds more than 8 JSON values, the limit for "
                                             "one resource");
        g_assert_cmpuint (n, ==, 2);
        g_clear_error (&error);
      }

    /* a Bundle whose entry comes before its resourceType is one value: the
     * message says why */
    {
      g_autoptr(CsIngest) ingest = cs_ingest_new (count_cb, &n);

      n = 0;
      cs_ingest_set_limits (ingest, 8, 0);
      cs_ingest_begin_source (ingest, "sorted.json");
      g_assert_false (cs_ingest_feed (ingest, sorted, strlen (sorted), &error));
      g_assert_error (error, CS_JSON_ERROR, CS_JSON_ERROR_TOO_LARGE);
      g_assert_nonnull (strstr (error->message, "the resource starting at byte 0 holds more than 8 JSON values, "
                                                "the limit for one resource (this Bundle’s entry comes before its "
                                                "resourceType, so the whole Bundle is read as one resource"));
      g_clear_error (&error);
    }
    {
      g_autoptr(CsIngest) ingest = cs_ingest_new (count_cb, &n);

      /* bytes: the Bundle up to '[' is 34, the first entries 49 each, the
       * third 56: 34 + 49 passes, 34 + 56 does not */
      n = 0;
      cs_ingest_set_limits (ingest, 0, 85);
      cs_ingest_begin_source (ingest, "bytes.json");
      g_assert_false (cs_ingest_feed (ingest, bundle, strlen (bundle), &error));
      g_assert_error (error, CS_JSON_ERROR, CS_JSON_ERROR_TOO_LARGE);
      g_assert_cmpstr (error->message, ==, "bytes.json: byte 184 at entry[2].resource.x[0]: entry[2] (from byte "
                                           "132) is longer than 85 bytes, the limit for one resource");
      g_assert_cmpuint (n, ==, 2);
      g_clear_error (&error);
    }
  }
}

static void
test_real_hl7 (void)
{
  g_autofree char *dir = NULL;

  if (shared_data () == NULL)
    {
      g_test_skip ("CS_SHARED_DATA is not available");
      return;
    }
  dir = g_build_filename (shared_data (), "hl7-r4-examples", NULL);
  check_folder_against_json_glib (dir);
}

static void
test_real_synthea (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *austin = NULL;
  g_autoptr(GError) error = NULL;
  Collect c;

  if (shared_data () == NULL)
    {
      g_test_skip ("CS_SHARED_DATA is not available");
      return;
    }
  dir = g_build_filename (shared_data (), "synthea-r4", NULL);
  check_folder_against_json_glib (dir);

  /* the whole folder: 9 patients, one per file */
  collect_init (&c);
  g_assert_true (cs_ingest_path (dir, collect_cb, &c, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (type_count (&c, "Patient"), ==, 9);
  collect_clear (&c);

  /* Austin Franecki: 705 entries, 188 Observations (MANIFEST.md) */
  {
    g_autoptr(GDir) gdir = g_dir_open (dir, 0, NULL);
    const char *name;

    while ((name = g_dir_read_name (gdir)) != NULL)
      if (g_str_has_prefix (name, "Austin_Franecki"))
        austin = g_build_filename (dir, name, NULL);
  }
  g_assert_nonnull (austin);
  collect_init (&c);
  g_assert_true (cs_ingest_path (austin, collect_cb, &c, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (c.lines->len, ==, 705);
  g_assert_cmpuint (type_count (&c, "Observation"), ==, 188);
  g_assert_cmpuint (type_count (&c, "Patient"), ==, 1);
  for (guint i = 0; i < c.lines->len; i++)
    g_assert_nonnull (strstr (g_ptr_array_index (c.lines, i), "|urn:uuid:"));
  collect_clear (&c);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ingest/bundle", test_bundle);
  g_test_add_func ("/ingest/chunk-splits", test_chunk_splits);
  g_test_add_func ("/ingest/entry-before-type", test_entry_before_type);
  g_test_add_func ("/ingest/single-and-ndjson", test_single_and_ndjson);
  g_test_add_func ("/ingest/keep-json", test_keep_json);
  g_test_add_func ("/ingest/push-sources", test_push_sources);
  g_test_add_func ("/ingest/callback-error", test_callback_error);
  g_test_add_func ("/ingest/path-file", test_path_file);
  g_test_add_func ("/ingest/path-progress-cancel", test_path_progress_cancel);
  g_test_add_func ("/ingest/path-folder", test_path_folder);
  g_test_add_func ("/ingest/errors", test_errors);
  g_test_add_func ("/ingest/truncated", test_truncated);
  g_test_add_func ("/ingest/deep", test_deep);
  g_test_add_func ("/ingest/huge-string", test_huge_string);
  g_test_add_func ("/ingest/folder-not-fhir", test_folder_not_fhir);
  g_test_add_func ("/ingest/not-regular", test_not_regular);
  g_test_add_func ("/ingest/ids", test_ids);
  g_test_add_func ("/ingest/resource-limits", test_resource_limits);
  g_test_add_func ("/ingest/real-hl7", test_real_hl7);
  g_test_add_func ("/ingest/real-synthea", test_real_synthea);

  return g_test_run ();
}
