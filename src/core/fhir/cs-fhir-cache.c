/* cs-fhir-cache.c: the offline copy of the last cohort loaded from a server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-fhir"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "cs-fhir-cache.h"
#include "cs-fhir-client.h"
#include "cs-fhir-private.h"
#include "cs-json.h"

struct _CsFhirCacheWriter
{
  char          *url;
  char          *dir;
  char          *tmp_path;
  GOutputStream *out;
  GHashTable    *counts;    /* type -> GUINT_TO_POINTER (n) */
  guint64        n;
  gboolean       committed;
};

char *
cs_fhir_cache_dir_for_url (const char *base_url)
{
  g_autofree char *clean = cs_fhir_redact_url (base_url);
  GString *name = g_string_new (NULL);
  const char *p = clean;
  g_autofree char *leaf = NULL;

  /* http://127.0.0.1:8080/fhir/ -> http_127.0.0.1_8080_fhir */
  for (; *p != '\0' && *p != '?' && *p != '#'; p++)
    {
      char c = *p;

      if (g_ascii_isalnum (c) || c == '.' || c == '-')
        g_string_append_c (name, c);
      else if (name->len > 0 && name->str[name->len - 1] != '_')
        g_string_append_c (name, '_');
    }
  while (name->len > 0 && name->str[name->len - 1] == '_')
    g_string_truncate (name, name->len - 1);
  if (name->len > 200)
    g_string_truncate (name, 200);
  leaf = g_string_free (name, FALSE);

  return g_build_filename (g_get_user_cache_dir (), "cohortscope", "servers", leaf, NULL);
}

static char *
normalised_url (const char *base_url)
{
  g_autoptr(CsFhirClient) client = cs_fhir_client_new (base_url, NULL);

  if (client == NULL)
    return g_strdup (base_url);
  return g_strdup (cs_fhir_client_get_base_url (client));
}

CsFhirCacheWriter *
cs_fhir_cache_writer_new (const char  *base_url,
                          GError     **error)
{
  g_autoptr(CsFhirCacheWriter) writer = g_new0 (CsFhirCacheWriter, 1);
  g_autoptr(GFile) file = NULL;
  GFileOutputStream *out;

  writer->url = normalised_url (base_url);
  writer->dir = cs_fhir_cache_dir_for_url (writer->url);
  writer->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (g_mkdir_with_parents (writer->dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_FAILED,
                   _("Cannot create the cache folder %s: %s"), writer->dir, g_strerror (saved));
      return NULL;
    }
  writer->tmp_path = g_build_filename (writer->dir, "cohort.ndjson.part", NULL);
  file = g_file_new_for_path (writer->tmp_path);
  out = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_PRIVATE, NULL, error);
  if (out == NULL)
    {
      g_prefix_error (error, _("Cannot write the offline cache: "));
      return NULL;
    }
  writer->out = g_buffered_output_stream_new_sized (G_OUTPUT_STREAM (out), 256 * 1024);
  g_object_unref (out);
  return g_steal_pointer (&writer);
}

gboolean
cs_fhir_cache_writer_add (CsFhirCacheWriter       *writer,
                          const CsResourceRecord  *record,
                          GError                 **error)
{
  g_autofree char *json = NULL;
  const char *bytes = record->json;
  gsize len = record->length;
  gpointer n;

  /* the bytes as received, unless they break the one-resource-per-line form */
  if (bytes == NULL || memchr (bytes, '\n', len) != NULL || memchr (bytes, '\r', len) != NULL)
    {
      json = cs_json_to_string (record->resource, FALSE);
      bytes = json;
      len = strlen (json);
    }
  if (!g_output_stream_write_all (writer->out, bytes, len, NULL, NULL, error) ||
      !g_output_stream_write_all (writer->out, "\n", 1, NULL, NULL, error))
    {
      g_prefix_error (error, _("Cannot write the offline cache %s: "), writer->tmp_path);
      return FALSE;
    }
  n = g_hash_table_lookup (writer->counts, record->resource_type);
  g_hash_table_replace (writer->counts, g_strdup (record->resource_type),
                        GUINT_TO_POINTER (GPOINTER_TO_UINT (n) + 1));
  writer->n++;
  return TRUE;
}

gboolean
cs_fhir_cache_writer_commit (CsFhirCacheWriter  *writer,
                             GError            **error)
{
  g_autofree char *final_path = g_build_filename (writer->dir, "cohort.ndjson", NULL);
  g_autofree char *meta_path = g_build_filename (writer->dir, "cohort.json", NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *date = g_date_time_format_iso8601 (now);
  g_autoptr(GString) meta = g_string_new ("{\"format\":1,\"url\":");
  g_autoptr(GList) types = NULL;

  if (!g_output_stream_close (writer->out, NULL, error))
    {
      g_prefix_error (error, _("Cannot write the offline cache %s: "), writer->tmp_path);
      return FALSE;
    }
  if (g_rename (writer->tmp_path, final_path) != 0)
    {
      int saved = errno;

      g_set_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_FAILED,
                   _("Cannot write the offline cache %s: %s"), final_path, g_strerror (saved));
      return FALSE;
    }

  cs_json_append_escaped (meta, writer->url, -1);
  g_string_append_printf (meta, ",\"date\":\"%s\",\"resources\":%" G_GUINT64_FORMAT ",\"types\":{", date, writer->n);
  types = g_list_sort (g_hash_table_get_keys (writer->counts), (GCompareFunc) g_strcmp0);
  for (GList *l = types; l != NULL; l = l->next)
    {
      if (l != types)
        g_string_append_c (meta, ',');
      cs_json_append_escaped (meta, l->data, -1);
      g_string_append_printf (meta, ":%u", GPOINTER_TO_UINT (g_hash_table_lookup (writer->counts, l->data)));
    }
  g_string_append (meta, "}}\n");

  if (!g_file_set_contents_full (meta_path, meta->str, meta->len, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error))
    {
      g_prefix_error (error, _("Cannot write the offline cache: "));
      return FALSE;
    }
  writer->committed = TRUE;
  return TRUE;
}

void
cs_fhir_cache_writer_free (CsFhirCacheWriter *writer)
{
  if (writer == NULL)
    return;
  if (writer->out != NULL)
    {
      if (!g_output_stream_is_closed (writer->out))
        g_output_stream_close (writer->out, NULL, NULL);
      g_object_unref (writer->out);
    }
  if (!writer->committed && writer->tmp_path != NULL)
    g_unlink (writer->tmp_path);
  g_clear_pointer (&writer->counts, g_hash_table_unref);
  g_free (writer->url);
  g_free (writer->dir);
  g_free (writer->tmp_path);
  g_free (writer);
}

gboolean
cs_fhir_cache_get_info (const char  *base_url,
                        GDateTime  **cached_at,
                        guint64     *n_resources,
                        GError     **error)
{
  g_autofree char *url = normalised_url (base_url);
  g_autofree char *dir = cs_fhir_cache_dir_for_url (url);
  g_autofree char *meta_path = g_build_filename (dir, "cohort.json", NULL);
  g_autofree char *data_path = g_build_filename (dir, "cohort.ndjson", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(CsJsonDocument) doc = NULL;
  g_autoptr(GError) local_error = NULL;
  const CsJsonNode *root;
  const char *date;
  gsize len;
  double n = 0;

  if (!g_file_get_contents (meta_path, &contents, &len, NULL) ||
      !g_file_test (data_path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_FAILED,
                   _("No offline copy of %s: load the cohort once while the server is reachable"), url);
      return FALSE;
    }
  if (!(doc = cs_json_document_parse (contents, len, &local_error)))
    {
      g_set_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_FAILED,
                   _("The offline copy’s description %s is damaged: %s"), meta_path, local_error->message);
      return FALSE;
    }
  root = cs_json_document_get_root (doc);
  date = cs_json_get_string (root, "date");
  if (cached_at != NULL)
    *cached_at = date != NULL ? g_date_time_new_from_iso8601 (date, NULL) : NULL;
  if (cached_at != NULL && *cached_at == NULL)
    {
      g_set_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_FAILED,
                   _("The offline copy’s description %s has no valid date"), meta_path);
      return FALSE;
    }
  cs_json_get_number (root, "resources", &n);
  if (n_resources != NULL)
    *n_resources = (guint64) n;
  return TRUE;
}

gboolean
cs_fhir_cache_open (const char    *base_url,
                    CsStore       *store,
                    GDateTime    **cached_at,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autofree char *url = normalised_url (base_url);
  g_autofree char *dir = cs_fhir_cache_dir_for_url (url);
  g_autofree char *data_path = g_build_filename (dir, "cohort.ndjson", NULL);
  g_autoptr(GDateTime) date = NULL;

  if (!cs_fhir_cache_get_info (url, &date, NULL, error))
    return FALSE;
  if (!cs_store_load_path (store, data_path, NULL, NULL, cancellable, error))
    return FALSE;
  if (cached_at != NULL)
    *cached_at = g_steal_pointer (&date);
  return TRUE;
}
