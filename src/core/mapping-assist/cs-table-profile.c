/* cs-table-profile.c: one streaming pass over a CSV for the mapping editor
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "cs-mapping-assist.h"

#define PROGRESS_EVERY_BYTES (1024 * 1024)
#define CANCEL_EVERY_ROWS    1024

G_DEFINE_QUARK (cs-mapping-assist-error-quark, cs_mapping_assist_error)

CsTableProfile *
cs_table_profile_new_for_path (const char          *path,
                               const CsCsvDialect  *dialect,
                               CsTableProfileFlags  flags,
                               CsCsvProgressFunc    progress,
                               gpointer             progress_data,
                               GCancellable        *cancellable,
                               GError             **error)
{
  g_autoptr(CsCsvReader) reader = NULL;
  g_autoptr(CsTableProfile) self = NULL;
  CsCsvRecord record;
  guint64 last_progress = 0;
  guint64 rows = 0;
  GError *read_error = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  if ((reader = cs_csv_reader_new_for_path (path, dialect, error)) == NULL)
    return NULL;

  self = g_new0 (CsTableProfile, 1);
  self->path = g_strdup (path);
  self->name = g_path_get_basename (path);
  self->profile = cs_csv_profile_new (reader);
  if (flags & CS_TABLE_PROFILE_KEEP_ROWS)
    {
      self->rows = g_ptr_array_new_with_free_func (g_free);
      self->strings = g_string_chunk_new (256 * 1024);
    }

  while (cs_csv_reader_next (reader, &record, &read_error))
    {
      guint64 done;

      cs_csv_profile_add (self->profile, &record);
      if (self->rows != NULL && self->rows->len < CS_TABLE_PROFILE_MAX_KEPT_ROWS)
        {
          char **fields = g_new (char *, record.n_fields);

          for (guint i = 0; i < record.n_fields; i++)
            fields[i] = g_string_chunk_insert_len (self->strings, record.fields[i], (gssize) record.lengths[i]);
          g_ptr_array_add (self->rows, fields);
        }
      else if (self->rows != NULL)
        self->rows_capped = TRUE;
      if (++rows % CANCEL_EVERY_ROWS == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      done = cs_csv_reader_get_bytes_read (reader);
      if (progress != NULL && done - last_progress >= PROGRESS_EVERY_BYTES)
        {
          last_progress = done;
          progress (done, cs_csv_reader_get_total_bytes (reader), progress_data);
        }
    }
  if (read_error != NULL)
    {
      g_propagate_error (error, read_error);
      return NULL;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  cs_csv_profile_finish (self->profile);
  if (progress != NULL)
    progress (cs_csv_reader_get_bytes_read (reader), cs_csv_reader_get_total_bytes (reader), progress_data);

  cs_csv_dialect_copy (cs_csv_reader_get_dialect (reader), &self->dialect);
  self->had_bom = cs_csv_reader_had_bom (reader);
  self->line_end = g_strdup (cs_csv_reader_get_line_end (reader));
  return g_steal_pointer (&self);
}

void
cs_table_profile_free (CsTableProfile *self)
{
  if (self == NULL)
    return;
  g_free (self->path);
  g_free (self->name);
  g_free (self->line_end);
  cs_csv_dialect_clear (&self->dialect);
  g_clear_pointer (&self->profile, cs_csv_profile_free);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->strings, g_string_chunk_free);
  g_free (self);
}

const char * const *
cs_table_profile_get_row (const CsTableProfile *self,
                          guint64               index)
{
  if (self->rows == NULL || index >= self->rows->len)
    return NULL;
  return (const char * const *) self->rows->pdata[index];
}

char *
cs_table_profile_describe_dialect (const CsTableProfile *self)
{
  const char *delimiter;
  g_autofree char *other = NULL;
  GString *out = g_string_new (NULL);

  switch (self->dialect.delimiter)
    {
    case ',': delimiter = _("comma"); break;
    case ';': delimiter = _("semicolon"); break;
    case '\t': delimiter = _("tab"); break;
    default:
      other = g_strdup_printf (_("“%c”"), self->dialect.delimiter);
      delimiter = other;
      break;
    }
  g_string_append (out, delimiter);
  g_string_append (out, ", ");
  g_string_append (out, self->dialect.encoding != NULL ? self->dialect.encoding : "UTF-8");
  if (self->had_bom)
    g_string_append (out, _(" with BOM"));
  if (self->line_end != NULL)
    g_string_append_printf (out, ", %s", self->line_end);
  if (self->dialect.decimal_comma)
    g_string_append_printf (out, ", %s", _("decimal comma"));
  return g_string_free (out, FALSE);
}

char *
cs_table_profile_sample (const CsCsvColumnProfile *column,
                         guint                     max_values)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < column->values->len && i < max_values; i++)
    {
      if (i > 0)
        g_string_append (out, ", ");
      g_string_append (out, column->values->pdata[i]);
    }
  if (column->values->len > max_values || column->distinct_capped)
    g_string_append (out, ", …");
  return g_string_free (out, FALSE);
}

/* ------------------------------------------------------------------ */

typedef struct
{
  char               *path;
  CsTableProfileFlags flags;
  CsCsvProgressFunc  progress;
  gpointer           progress_data;
  GMainContext      *context;
} AsyncData;

typedef struct
{
  CsCsvProgressFunc progress;
  gpointer          progress_data;
  guint64           done, total;
} ProgressIdle;

static void
async_data_free (AsyncData *data)
{
  g_free (data->path);
  g_main_context_unref (data->context);
  g_free (data);
}

static gboolean
progress_idle (gpointer user_data)
{
  ProgressIdle *p = user_data;

  p->progress (p->done, p->total, p->progress_data);
  return G_SOURCE_REMOVE;
}

static void
progress_in_thread (guint64  done,
                    guint64  total,
                    gpointer user_data)
{
  AsyncData *data = user_data;
  ProgressIdle *p;

  if (data->progress == NULL)
    return;
  p = g_new0 (ProgressIdle, 1);
  p->progress = data->progress;
  p->progress_data = data->progress_data;
  p->done = done;
  p->total = total;
  g_main_context_invoke_full (data->context, G_PRIORITY_DEFAULT, progress_idle, p, g_free);
}

static void
profile_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  AsyncData *data = task_data;
  GError *error = NULL;
  CsTableProfile *profile;

  (void) source_object;
  profile = cs_table_profile_new_for_path (data->path, NULL, data->flags, progress_in_thread, data, cancellable, &error);
  if (profile == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, profile, (GDestroyNotify) cs_table_profile_free);
}

void
cs_table_profile_new_async (const char          *path,
                            CsTableProfileFlags  flags,
                            CsCsvProgressFunc    progress,
                            gpointer             progress_data,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  AsyncData *data = g_new0 (AsyncData, 1);

  data->path = g_strdup (path);
  data->flags = flags;
  data->progress = progress;
  data->progress_data = progress_data;
  data->context = g_main_context_ref_thread_default ();
  g_task_set_source_tag (task, cs_table_profile_new_async);
  g_task_set_task_data (task, data, (GDestroyNotify) async_data_free);
  g_task_run_in_thread (task, profile_thread);
}

CsTableProfile *
cs_table_profile_new_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
