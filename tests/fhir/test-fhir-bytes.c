/* test-fhir-bytes.c: a server load keeps each resource's bytes as sent
 *
 * A SoupServer (tests/common/cs-test-server.h: own thread, 127.0.0.1) serves a Patient search page
 * whose JSON is laid out the way no serialiser of ours would write it
 * (indentation, member order, escapes, number spellings), in two HTTP
 * chunks sent 150 ms apart: the cut falls inside a resource, and a 300 kB
 * resource before it also spans the client's 256 KiB reads. The page has
 * search.mode match, include and outcome entries. After the load every
 * stored resource's source JSON must be exactly the bytes the server sent,
 * and the offline cache (NDJSON) keeps them too where they fit on a line.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "cs-fhir-cache.h"
#include "cs-fhir-client.h"
#include "cs-store.h"
#include "cs-test-server.h"
#include "fhir-test-mode.h"

/* The resources as the server writes them; id -> exact text. */
static GHashTable *expected;
static char *page_first;   /* the Patient page, up to the cut */
static char *page_rest;

static void
add_resource (GString    *page,
              const char *id,
              const char *text)
{
  g_hash_table_insert (expected, g_strdup (id), g_strdup (text));
  g_string_append (page, text);
}

static void
build_page (void)
{
  g_autoptr(GString) page = g_string_new ("{\n  \"resourceType\" : \"Bundle\",\n  \"type\" : \"searchset\",\n  \"entry\" : [ {\n");
  g_autofree char *filler = g_strnfill (300 * 1024, 'a');
  g_autofree char *big = g_strdup_printf ("{\n      \"resourceType\" : \"Patient\",\n      \"id\" : \"big\",\n"
                                          "      \"text\" : { \"status\" : \"generated\", \"div\" : \"<div>%s</div>\" },\n"
                                          "      \"birthDate\" : \"1960-01-02\"\n    }", filler);
  const char *p2 = "{\"id\":\"p2\",   \"gender\":\"female\",\"resourceType\":\"Patient\",\"name\":[{\"family\":"
                   "\"M\\u00fcller \\/ \\\"Mo\\\" \\\\\",\"given\":[\"J\\u00e9r\\u00f4me\"]}],"
                   "\"birthDate\":\"1971-12-31\",\"multipleBirthInteger\":2E0}";
  const char *o1 = "{ \"resourceType\": \"Observation\", \"id\": \"o1\", \"status\": \"final\",\n"
                   "\t\"code\": {\"coding\": [{\"system\": \"http://loinc.org\", \"code\": \"8302-2\"}]},\n"
                   "\t\"subject\": {\"reference\": \"Patient/p2\"},\n"
                   "\t\"valueQuantity\": {\"value\": 1.70e2, \"unit\": \"cm\"} }";
  const char *outcome = "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"warning\","
                        "\"code\":\"processing\",\"diagnostics\":\"include capped\"}]}";
  const char *cut;

  g_string_append (page, "    \"fullUrl\" : \"http://x/Patient/big\",\n    \"resource\" : ");
  add_resource (page, "big", big);
  g_string_append (page, ",\n    \"search\" : { \"mode\" : \"match\" }\n  }, {\n"
                   "    \"search\" : { \"mode\" : \"match\" }, \"resource\" : ");
  add_resource (page, "p2", p2);
  g_string_append (page, "\n  }, {\"resource\": ");
  add_resource (page, "o1", o1);
  g_string_append (page, ", \"search\": {\"mode\": \"include\"}}, {\"search\":{\"mode\":\"outcome\"},\"resource\":");
  g_string_append (page, outcome);
  g_string_append (page, "} ],\n  \"link\" : [ { \"relation\" : \"self\", \"url\" : \"x\" } ]\n}\n");

  /* cut inside p2, in the middle of an escape */
  cut = strstr (page->str, "\\u00e9");
  g_assert_nonnull (cut);
  cut += 3;
  page_first = g_strndup (page->str, cut - page->str);
  page_rest = g_strdup (cut);
}

static gboolean
send_rest_cb (gpointer data)
{
  SoupServerMessage *msg = data;
  SoupMessageBody *body = soup_server_message_get_response_body (msg);

  soup_message_body_append (body, SOUP_MEMORY_COPY, page_rest, strlen (page_rest));
  soup_message_body_complete (body);
  soup_server_message_unpause (msg);
  return G_SOURCE_REMOVE;
}

static void
handler (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           data)
{
  if (g_str_equal (path, "/metadata"))
    test_respond (msg, 200, NULL, "{\"resourceType\":\"CapabilityStatement\",\"rest\":[{\"mode\":\"server\",\"resource\":["
                  "{\"type\":\"Patient\"},{\"type\":\"Observation\"}]}]}");
  else if (g_str_equal (path, "/Patient"))
    {
      SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
      SoupMessageBody *body = soup_server_message_get_response_body (msg);
      GSource *later = g_timeout_source_new (150);

      soup_server_message_set_status (msg, 200, NULL);
      soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
      soup_message_headers_set_content_type (headers, "application/fhir+json", NULL);
      soup_message_body_append (body, SOUP_MEMORY_COPY, page_first, strlen (page_first));
      g_source_set_callback (later, send_rest_cb, g_object_ref (msg), g_object_unref);
      g_source_attach (later, g_main_context_get_thread_default ());   /* the server's */
      g_source_unref (later);
    }
  else if (g_str_equal (path, "/Observation"))
    test_respond (msg, 200, NULL, "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[]}");
  else
    {
      soup_server_message_set_status (msg, 404, NULL);
      soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "no", 2);
    }
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

/* The offline copy: a one-line resource as sent, the others re-written on one line. */
static void
check_cache (const char *base)
{
  g_autoptr(CsStore) cached = cs_store_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (cs_fhir_cache_open (base, cached, NULL, NULL, &error));
  g_assert_no_error (error);
  cs_store_finish (cached);
  g_assert_cmpuint (cs_store_get_n_resources (cached), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      const char *id = cs_store_get_resource_id (cached, i);
      const char *sent = g_hash_table_lookup (expected, id);
      g_autofree char *bytes = cs_store_get_resource_source (cached, i, NULL, &error);

      g_assert_no_error (error);
      g_assert_null (strchr (bytes, '\n'));
      if (strchr (sent, '\n') == NULL)
        g_assert_cmpstr (bytes, ==, sent);
      else
        g_assert_cmpuint (strlen (bytes), <, strlen (sent));
    }
}

static void
test_bytes_as_sent (void)
{
  TestServer *ts = test_server_start (handler, NULL, NULL);
  g_autoptr(CsFhirClient) client = NULL;
  g_autoptr(CsStore) store = cs_store_new ();
  g_autoptr(GError) error = NULL;
  CsFhirCohortSpec spec = { .kind = CS_FHIR_COHORT_ALL, .write_cache = TRUE };
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  client = cs_fhir_client_new (ts->base, &error);
  g_assert_no_error (error);
  g_assert_true (cs_fhir_client_load_cohort (client, &spec, store, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  cs_store_finish (store);

  /* the outcome entry is not a resource of the cohort */
  g_assert_cmpuint (cs_store_get_n_resources (store), ==, 3);
  g_assert_cmpuint (cs_store_count_resources (store, "OperationOutcome"), ==, 0);
  for (guint i = 0; i < cs_store_get_n_resources (store); i++)
    {
      const char *id = cs_store_get_resource_id (store, i);
      const char *sent = g_hash_table_lookup (expected, id);
      g_autofree char *bytes = NULL;
      gsize len = 0;

      g_assert_nonnull (sent);
      bytes = cs_store_get_resource_source (store, i, &len, &error);
      g_assert_no_error (error);
      g_assert_cmpmem (bytes, len, sent, strlen (sent));
      g_hash_table_add (seen, (gpointer) id);
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, 3);
  g_assert_cmpint (cs_store_find_patient (store, "p2"), >=, 0);
  g_assert_cmpint (cs_store_find_patient (store, "big"), >=, 0);
  check_cache (ts->base);
  test_server_stop (ts);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *cache_dir = g_dir_make_tmp ("cs-fhir-bytes-XXXXXX", NULL);
  int status;

  /* the offline cache goes to a fresh XDG_CACHE_HOME */
  g_assert_nonnull (cache_dir);
  g_setenv ("XDG_CACHE_HOME", cache_dir, TRUE);
  fhir_test_choose_parse_mode (&argc, argv);
  g_test_init (&argc, &argv, NULL);
  expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  build_page ();

  g_test_add_func ("/fhir/bytes/as-sent", test_bytes_as_sent);

  status = g_test_run ();
  g_hash_table_unref (expected);
  g_free (page_first);
  g_free (page_rest);
  remove_tree (cache_dir);
  return status;
}
