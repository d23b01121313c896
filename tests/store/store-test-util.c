/* store-test-util.c: inline FHIR fixtures fed to a CsStore, and cell checks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "store-test-util.h"

void
loaded_free (Loaded *loaded)
{
  if (loaded->path != NULL)
    {
      g_unlink (loaded->path);
      g_free (loaded->path);
    }
  g_clear_object (&loaded->store);
}

void
load_fixtures (Loaded        *loaded,
               const Fixture *fixtures,
               guint          n,
               gboolean       finish)
{
  g_autoptr(GString) file = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree goffset *offsets = g_new (goffset, n);
  int fd;

  fd = g_file_open_tmp ("cs-store-XXXXXX.ndjson", &loaded->path, &error);
  g_assert_no_error (error);
  close (fd);

  for (guint i = 0; i < n; i++)
    {
      offsets[i] = (goffset) file->len;
      g_string_append (file, fixtures[i].json);
      g_string_append_c (file, '\n');
    }
  g_file_set_contents (loaded->path, file->str, (gssize) file->len, &error);
  g_assert_no_error (error);

  loaded->store = cs_store_new ();
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CsJsonDocument) doc = cs_json_document_parse (fixtures[i].json, -1, &error);
      const CsJsonNode *root;
      CsResourceRecord record = { 0 };

      g_assert_no_error (error);
      root = cs_json_document_get_root (doc);
      record.resource = root;
      record.resource_type = cs_json_get_string (root, "resourceType");
      record.id = cs_json_get_string (root, "id");
      record.full_url = fixtures[i].full_url;
      record.source = loaded->path;
      record.source_index = 0;
      record.offset = offsets[i];
      record.length = strlen (fixtures[i].json);
      g_assert_true (cs_store_add_resource (&record, loaded->store, &error));
      g_assert_no_error (error);
    }
  if (finish)
    cs_store_finish (loaded->store);
}

char *
cell (CsStore    *store,
      const char *key,
      const char *patient_id)
{
  CsVariable *var = cs_store_lookup_variable (store, key);
  int row = cs_store_find_patient (store, patient_id);

  if (var == NULL)
    g_error ("no variable “%s”", key);
  g_assert_cmpint (row, >=, 0);
  return cs_variable_format_cell (var, (guint) row, FALSE);
}

gboolean
has_warning (CsStore    *store,
             const char *needle)
{
  GPtrArray *warnings = cs_store_get_warnings (store);

  for (guint i = 0; i < warnings->len; i++)
    {
      if (strstr (g_ptr_array_index (warnings, i), needle) != NULL)
        return TRUE;
    }
  return FALSE;
}
