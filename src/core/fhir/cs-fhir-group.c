/* cs-fhir-group.c: uploading a cohort to a FHIR server as a Group
 *
 * The Group is written to a temporary file and uploaded with the public
 * cs_fhir_client_push_path, so it gets exactly the idempotent PUT and the
 * "unchanged" comparison every other upload gets.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-fhir"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "cs-fhir-group.h"
#include "cs-fhir-push.h"

#define ID_CHUNK 50

/* scheme://host:port/path/ in lower case where case does not matter, or NULL */
static char *
canonical_base (const char *url)
{
  g_autoptr(GUri) uri = NULL;
  g_autofree char *scheme = NULL;
  g_autofree char *host = NULL;
  const char *path;
  int port;

  if (url == NULL || !(uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL)))
    return NULL;

  scheme = g_ascii_strdown (g_uri_get_scheme (uri), -1);
  if (!g_str_equal (scheme, "http") && !g_str_equal (scheme, "https"))
    return NULL;
  if (g_uri_get_host (uri) == NULL)
    return NULL;
  host = g_ascii_strdown (g_uri_get_host (uri), -1);
  port = g_uri_get_port (uri);
  if (port < 0)
    port = g_str_equal (scheme, "https") ? 443 : 80;
  path = g_uri_get_path (uri);

  return g_strdup_printf ("%s://%s:%d%s%s", scheme, host, port, path,
                          g_str_has_suffix (path, "/") ? "" : "/");
}

gboolean
cs_fhir_base_url_equal (const char *a,
                        const char *b)
{
  g_autofree char *ca = canonical_base (a);
  g_autofree char *cb = canonical_base (b);

  return ca != NULL && cb != NULL && g_str_equal (ca, cb);
}

static gboolean
collect_id (const CsResourceRecord  *record,
            gpointer                 data,
            GError                 **error)
{
  GHashTable *found = data;

  if (record->id != NULL && g_str_equal (record->resource_type, "Patient"))
    g_hash_table_add (found, g_strdup (record->id));

  return TRUE;
}

gboolean
cs_fhir_client_find_missing_patients (CsFhirClient        *self,
                                      const char * const  *ids,
                                      guint                n_ids,
                                      GPtrArray           *missing,
                                      GCancellable        *cancellable,
                                      GError             **error)
{
  g_autoptr(GHashTable) found = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_return_val_if_fail (CS_IS_FHIR_CLIENT (self), FALSE);
  g_return_val_if_fail (ids != NULL || n_ids == 0, FALSE);
  g_return_val_if_fail (missing != NULL, FALSE);

  for (guint start = 0; start < n_ids; start += ID_CHUNK)
    {
      guint end = MIN (start + ID_CHUNK, n_ids);
      g_autoptr(GString) query = g_string_new ("_id=");

      for (guint i = start; i < end; i++)
        {
          if (i > start)
            g_string_append_c (query, ',');
          g_string_append_uri_escaped (query, ids[i], "-.", FALSE);
        }
      g_string_append_printf (query, "&_elements=id&_count=%u", end - start);

      if (!cs_fhir_client_search (self, "Patient", query->str, collect_id, found,
                                  NULL, NULL, cancellable, error))
        return FALSE;
    }

  for (guint i = 0; i < n_ids; i++)
    if (!g_hash_table_contains (found, ids[i]))
      g_ptr_array_add (missing, g_strdup (ids[i]));

  return TRUE;
}

typedef struct
{
  char *message;
} EntryErrors;

static void
on_entry_error (const CsFhirPushEntryError *entry,
                gpointer                    user_data)
{
  EntryErrors *errors = user_data;

  if (errors->message == NULL && entry->message != NULL)
    errors->message = g_strdup (entry->message);
}

gboolean
cs_fhir_client_push_group (CsFhirClient        *self,
                           const CsSavedCohort *cohort,
                           const char * const  *member_ids,
                           guint                n_members,
                           gboolean             dry_run,
                           CsFhirGroupChange   *change,
                           char               **group_url,
                           GCancellable        *cancellable,
                           GError             **error)
{
  g_autofree char *id = NULL;
  g_autofree char *json = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) local_error = NULL;
  EntryErrors errors = { NULL };
  CsFhirPushOptions options = { 1, FALSE, FALSE };
  CsFhirPushResult result = { 0 };
  gboolean ok;
  int fd;

  g_return_val_if_fail (CS_IS_FHIR_CLIENT (self), FALSE);
  g_return_val_if_fail (cohort != NULL, FALSE);
  g_return_val_if_fail (member_ids != NULL || n_members == 0, FALSE);

  id = cs_saved_cohort_dup_group_id (cohort);
  json = cs_saved_cohort_to_group (cohort, member_ids, n_members);

  fd = g_file_open_tmp ("cohortscope-group-XXXXXX.json", &path, &local_error);
  if (fd < 0)
    {
      g_set_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_FAILED,
                   _("Group/%s: could not write a temporary file: %s"), id, local_error->message);
      return FALSE;
    }
  close (fd);
  if (!g_file_set_contents (path, json, -1, &local_error))
    {
      g_set_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_FAILED,
                   _("Group/%s: could not write a temporary file: %s"), id, local_error->message);
      g_unlink (path);
      return FALSE;
    }

  options.dry_run = !!dry_run;
  ok = cs_fhir_client_push_path (self, path, &options, &result, on_entry_error, &errors,
                                 cancellable, &local_error);
  g_unlink (path);

  if (!ok)
    {
      if (errors.message != NULL && !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        /* The server refused the Group: its own words, not the batch summary */
        g_set_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_HTTP, "Group/%s: %s", id, errors.message);
      else
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          g_prefix_error (error, "Group/%s: ", id);
        }
      g_free (errors.message);
      return FALSE;
    }
  g_free (errors.message);

  if (change != NULL)
    *change = result.created > 0 ? CS_FHIR_GROUP_CREATED
            : result.updated > 0 ? CS_FHIR_GROUP_UPDATED
            : CS_FHIR_GROUP_UNCHANGED;
  if (group_url != NULL)
    *group_url = g_strconcat (cs_fhir_client_get_base_url (self), "Group/", id, NULL);

  return TRUE;
}
