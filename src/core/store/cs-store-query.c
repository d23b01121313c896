/* cs-store-query.c: loading entry points and read access to the store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <inttypes.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "cs-store-private.h"

void
cs_store_finish (CsStore *self)
{
  g_return_if_fail (CS_IS_STORE (self));

  if (self->finished)
    return;
  cs_store_build (self);
  cs_spill_flush (&self->spill);
  self->finished = TRUE;
}

void
_cs_store_set_load_time (CsStore *self,
                         double   days)
{
  g_return_if_fail (CS_IS_STORE (self));
  g_return_if_fail (!self->finished);

  self->load_time = days;
}

gboolean
cs_store_is_finished (CsStore *self)
{
  g_return_val_if_fail (CS_IS_STORE (self), FALSE);

  return self->finished;
}

/* The ingest's warnings (files of a folder that are not FHIR and were
 * skipped) join the store's, which the CLI and the GUI show. */
static void
ingest_warning (const char *message,
                gpointer    user_data)
{
  cs_store_add_warning (user_data, CS_STORE_WARNING_FILE_SKIPPED, "%s", message);
}

gboolean
cs_store_load_path (CsStore               *self,
                    const char            *path,
                    CsIngestProgressFunc   progress,
                    gpointer               progress_data,
                    GCancellable          *cancellable,
                    GError               **error)
{
  g_autoptr(CsIngest) ingest = NULL;

  g_return_val_if_fail (CS_IS_STORE (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (self->finished)
    {
      g_set_error (error, CS_STORE_ERROR, CS_STORE_ERROR_FAILED,
                   _("Cannot load “%s”: the table was already built"), path);
      return FALSE;
    }

  ingest = cs_ingest_new (cs_store_add_resource, self);
  cs_ingest_set_warning_func (ingest, ingest_warning, self);
  return cs_ingest_read_path (ingest, path, progress, progress_data, cancellable, error);
}

/* ---------------------------------------------------------------- async */

typedef struct
{
  char                **paths;
  CsIngestProgressFunc  progress;
  gpointer              progress_data;
  GMainContext         *context;

  guint64               total;      /* bytes over all paths */
  guint64               base;       /* bytes of the sources already done */
  guint64               last_done;
  guint64               last_total;
} LoadData;

typedef struct
{
  CsIngestProgressFunc progress;
  gpointer             progress_data;
  guint64              done;
  guint64              total;
  guint64              n_resources;
} ProgressCall;

static void
load_data_free (gpointer data)
{
  LoadData *load = data;

  g_strfreev (load->paths);
  g_main_context_unref (load->context);
  g_free (load);
}

static gboolean
deliver_progress (gpointer data)
{
  ProgressCall *call = data;

  call->progress (call->done, call->total, call->n_resources, call->progress_data);
  return G_SOURCE_REMOVE;
}

static void
thread_progress (guint64  bytes_done,
                 guint64  bytes_total,
                 guint64  n_resources,
                 gpointer user_data)
{
  LoadData *load = user_data;
  ProgressCall *call;

  /* The ingest reports per source: a new source starts when done goes back. */
  if (bytes_done < load->last_done || bytes_total != load->last_total)
    {
      if (load->last_done > 0)
        load->base += MAX (load->last_total, load->last_done);
      load->last_done = 0;
    }
  load->last_done = bytes_done;
  load->last_total = bytes_total;

  call = g_new0 (ProgressCall, 1);
  call->progress = load->progress;
  call->progress_data = load->progress_data;
  call->done = MIN (load->base + bytes_done, MAX (load->total, load->base + bytes_done));
  call->total = MAX (load->total, call->done);
  call->n_resources = n_resources;
  /* Always through a source on the caller's context, never g_main_context_invoke():
   * that runs the function right here, on the loading thread, whenever this thread
   * can acquire the context (a GTask thread's default is the global one, free
   * while the main thread is between iterations). */
  {
    g_autoptr(GSource) source = g_idle_source_new ();

    g_source_set_priority (source, G_PRIORITY_DEFAULT);
    g_source_set_callback (source, deliver_progress, call, g_free);
    g_source_set_static_name (source, "[cohortscope] load progress");
    g_source_attach (source, load->context);
  }
}

static guint64
path_size (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  GStatBuf st;
  const char *name;
  guint64 total = 0;

  if (g_stat (path, &st) != 0)
    return 0;
  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    return (guint64) st.st_size;
  if ((dir = g_dir_open (path, 0, NULL)) == NULL)
    return 0;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR)
          || g_str_has_suffix (name, ".json") || g_str_has_suffix (name, ".ndjson")
          || g_str_has_suffix (name, ".jsonl"))
        total += path_size (child);
    }
  return total;
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadData *load = task_data;
  g_autoptr(CsStore) store = cs_store_new ();
  GError *error = NULL;

  for (guint i = 0; load->paths[i] != NULL; i++)
    load->total += path_size (load->paths[i]);

  for (guint i = 0; load->paths[i] != NULL; i++)
    {
      if (!cs_store_load_path (store, load->paths[i],
                               load->progress != NULL ? thread_progress : NULL, load,
                               cancellable, &error))
        {
          g_task_return_error (task, error);
          return;
        }
      if (load->last_done > 0)
        load->base += MAX (load->last_total, load->last_done);
      load->last_done = 0;
      load->last_total = 0;
    }

  if (g_task_return_error_if_cancelled (task))
    return;

  cs_store_finish (store);
  g_task_return_pointer (task, g_steal_pointer (&store), g_object_unref);
}

void
cs_store_load_async (char                **paths,
                     CsIngestProgressFunc  progress,
                     gpointer              progress_data,
                     GCancellable         *cancellable,
                     GAsyncReadyCallback   callback,
                     gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  LoadData *load;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, cs_store_load_async);
  g_task_set_return_on_cancel (task, FALSE);

  load = g_new0 (LoadData, 1);
  load->paths = g_strdupv (paths);
  if (load->paths == NULL)
    load->paths = g_new0 (char *, 1);
  load->progress = progress;
  load->progress_data = progress_data;
  load->context = g_main_context_ref_thread_default ();
  g_task_set_task_data (task, load, load_data_free);

  g_task_run_in_thread (task, load_thread);
}

CsStore *
cs_store_load_finish (GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cs_store_load_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---------------------------------------------------------------- resources */

guint
cs_store_get_n_resources (CsStore *self)
{
  g_return_val_if_fail (CS_IS_STORE (self), 0);

  return self->resources->len;
}

GPtrArray *
cs_store_get_resource_types (CsStore *self)
{
  g_return_val_if_fail (CS_IS_STORE (self), NULL);

  if (!self->finished)
    {
      GHashTableIter iter;
      gpointer key;

      /* Before finish: an unsorted snapshot, valid until the next call. */
      g_clear_pointer (&self->type_names, g_ptr_array_unref);
      self->type_names = g_ptr_array_new ();
      g_hash_table_iter_init (&iter, self->types);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_ptr_array_add (self->type_names, key);
    }
  return self->type_names;
}

guint
cs_store_count_resources (CsStore    *self,
                          const char *resource_type)
{
  g_return_val_if_fail (CS_IS_STORE (self), 0);

  if (resource_type == NULL)
    return 0;
  return GPOINTER_TO_UINT (g_hash_table_lookup (self->types, resource_type));
}

static CsResource *
get_resource (CsStore *self,
              guint    resource)
{
  if (resource >= self->resources->len)
    return NULL;
  return &g_array_index (self->resources, CsResource, resource);
}

const char *
cs_store_get_resource_type (CsStore *self,
                            guint    resource)
{
  CsResource *res;

  g_return_val_if_fail (CS_IS_STORE (self), NULL);

  res = get_resource (self, resource);
  return res != NULL ? res->type : NULL;
}

const char *
cs_store_get_resource_id (CsStore *self,
                          guint    resource)
{
  CsResource *res;

  g_return_val_if_fail (CS_IS_STORE (self), NULL);

  res = get_resource (self, resource);
  return res != NULL ? res->id : NULL;
}

int
cs_store_get_resource_row (CsStore *self,
                           guint    resource)
{
  CsResource *res;

  g_return_val_if_fail (CS_IS_STORE (self), -1);

  res = get_resource (self, resource);
  return res != NULL && self->finished ? res->row : -1;
}

guint
cs_store_get_n_unresolved (CsStore *self)
{
  g_return_val_if_fail (CS_IS_STORE (self), 0);

  return self->n_unresolved;
}

static char *
read_resource_bytes (CsStore     *self,
                     CsResource  *res,
                     gsize       *out_len,
                     GError     **error)
{
  CsSource *source = g_ptr_array_index (self->sources, res->source);
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) stream = NULL;
  g_autofree char *buf = NULL;
  gsize n_read = 0;

  if (!source->is_file)
    {
      char *bytes = cs_spill_read (&self->spill, res->offset, res->length, error);

      if (bytes == NULL)
        {
          g_prefix_error (error, _("The JSON of %s/%s is not available: "), res->type, res->id ? res->id : "?");
          return NULL;
        }
      *out_len = res->length;
      return bytes;
    }

  file = g_file_new_for_path (source->path);
  if ((stream = g_file_read (file, NULL, error)) == NULL)
    return NULL;
  if (!g_seekable_seek (G_SEEKABLE (stream), (goffset) res->offset, G_SEEK_SET, NULL, error))
    return NULL;
  buf = g_malloc (res->length + 1);
  if (!g_input_stream_read_all (G_INPUT_STREAM (stream), buf, res->length, &n_read, NULL, error))
    return NULL;
  if (n_read != res->length)
    {
      g_set_error (error, CS_STORE_ERROR, CS_STORE_ERROR_NO_SUCH_RESOURCE,
                   _("%s: the file is shorter than when it was loaded (byte %" PRIu64 "); load it again"),
                   source->path, res->offset);
      return NULL;
    }
  buf[n_read] = '\0';
  *out_len = n_read;
  return g_steal_pointer (&buf);
}

static CsJsonDocument *
parse_resource (CsStore     *self,
                guint        resource,
                GError     **error)
{
  CsResource *res = get_resource (self, resource);
  g_autofree char *bytes = NULL;
  g_autoptr(CsJsonDocument) doc = NULL;
  g_autoptr(GError) local_error = NULL;
  const CsJsonNode *root;
  gsize len = 0;
  CsSource *source;

  if (res == NULL)
    {
      g_set_error (error, CS_STORE_ERROR, CS_STORE_ERROR_NO_SUCH_RESOURCE,
                   _("No resource number %u (the store holds %u)"), resource, self->resources->len);
      return NULL;
    }
  source = g_ptr_array_index (self->sources, res->source);
  if ((bytes = read_resource_bytes (self, res, &len, error)) == NULL)
    return NULL;
  if ((doc = cs_json_document_parse (bytes, (gssize) len, &local_error)) == NULL)
    {
      g_set_error (error, CS_STORE_ERROR, CS_STORE_ERROR_NO_SUCH_RESOURCE,
                   _("%s: byte %" PRIu64 ": the resource cannot be read again (%s); the file may have changed since it was loaded"),
                   source->path, res->offset, local_error->message);
      return NULL;
    }
  root = cs_json_document_get_root (doc);
  if (g_strcmp0 (cs_json_get_string (root, "resourceType"), res->type) != 0
      || (res->id != NULL && g_strcmp0 (cs_json_get_string (root, "id"), res->id) != 0))
    {
      g_set_error (error, CS_STORE_ERROR, CS_STORE_ERROR_NO_SUCH_RESOURCE,
                   _("%s: byte %" PRIu64 ": expected %s/%s there; the file changed since it was loaded"),
                   source->path, res->offset, res->type, res->id != NULL ? res->id : "?");
      return NULL;
    }
  return g_steal_pointer (&doc);
}

char *
cs_store_get_resource_json (CsStore  *self,
                            guint     resource,
                            GError  **error)
{
  g_autoptr(CsJsonDocument) doc = NULL;

  g_return_val_if_fail (CS_IS_STORE (self), NULL);

  if ((doc = parse_resource (self, resource, error)) == NULL)
    return NULL;
  return cs_json_to_string (cs_json_document_get_root (doc), TRUE);
}

char *
cs_store_get_resource_source (CsStore  *self,
                              guint     resource,
                              gsize    *length,
                              GError  **error)
{
  CsResource *res;
  gsize len = 0;
  char *bytes;

  g_return_val_if_fail (CS_IS_STORE (self), NULL);

  if ((res = get_resource (self, resource)) == NULL)
    {
      g_set_error (error, CS_STORE_ERROR, CS_STORE_ERROR_NO_SUCH_RESOURCE,
                   _("No resource number %u (the store holds %u)"), resource, self->resources->len);
      return NULL;
    }
  if ((bytes = read_resource_bytes (self, res, &len, error)) != NULL && length != NULL)
    *length = len;
  return bytes;
}

static void
describe_codeable (GString          *out,
                   const CsJsonNode *codeable)
{
  const CsJsonNode *coding = NULL;
  const char *text;

  for (const CsJsonNode *c = cs_json_first (cs_json_get (codeable, "coding")); c != NULL; c = c->next)
    {
      if (cs_json_get_string (c, "code") != NULL)
        {
          coding = c;
          break;
        }
    }
  if (coding != NULL)
    g_string_append_printf (out, " %s", cs_json_get_string (coding, "code"));
  text = cs_json_get_string (coding, "display");
  if (text == NULL)
    text = cs_json_get_string (codeable, "text");
  if (text != NULL)
    g_string_append_printf (out, " %s", text);
}

static void
describe_value (GString          *out,
                const CsJsonNode *holder)
{
  const CsJsonNode *node;
  double value;
  gboolean b;
  char buf[32];

  if ((node = cs_json_get (holder, "valueQuantity")) != NULL && cs_json_get_number (node, "value", &value))
    {
      const char *unit = cs_json_get_string (node, "unit");

      cs_format_double_buf (value, buf);
      if (unit == NULL)
        unit = cs_json_get_string (node, "code");
      g_string_append_printf (out, ": %s%s%s", buf, unit != NULL ? " " : "", unit != NULL ? unit : "");
    }
  else if (cs_json_get_number (holder, "valueInteger", &value))
    {
      cs_format_double_buf (value, buf);
      g_string_append_printf (out, ": %s", buf);
    }
  else if ((node = cs_json_get (holder, "valueCodeableConcept")) != NULL)
    {
      g_string_append_c (out, ':');
      describe_codeable (out, node);
    }
  else if (cs_json_get_boolean (holder, "valueBoolean", &b))
    g_string_append (out, b ? ": true" : ": false");
  else if (cs_json_get_string (holder, "valueString") != NULL)
    g_string_append_printf (out, ": %s", cs_json_get_string (holder, "valueString"));
  else if (cs_json_get_string (holder, "valueDateTime") != NULL)
    g_string_append_printf (out, ": %s", cs_json_get_string (holder, "valueDateTime"));
}

char *
cs_store_describe_resource (CsStore *self,
                            guint    resource)
{
  CsResource *res;
  g_autoptr(CsJsonDocument) doc = NULL;
  const CsJsonNode *root;
  GString *out;
  const char *date = NULL;
  static const char *date_keys[] = {
    "effectiveDateTime", "onsetDateTime", "started", "recordedDate", "issued", "date", "authoredOn",
  };

  g_return_val_if_fail (CS_IS_STORE (self), NULL);

  if ((res = get_resource (self, resource)) == NULL)
    return NULL;

  out = g_string_new (res->type);
  if ((doc = parse_resource (self, resource, NULL)) == NULL)
    {
      if (res->id != NULL)
        g_string_append_printf (out, " %s", res->id);
      return g_string_free (out, FALSE);
    }
  root = cs_json_document_get_root (doc);

  if (g_str_equal (res->type, "Patient"))
    {
      const char *gender = cs_json_get_string (root, "gender");
      const char *birth = cs_json_get_string (root, "birthDate");

      g_string_append_printf (out, " %s", res->id != NULL ? res->id : "");
      if (gender != NULL)
        g_string_append_printf (out, ", %s", gender);
      if (birth != NULL)
        g_string_append_printf (out, ", %s", birth);
      return g_string_free (out, FALSE);
    }

  if (cs_json_get (root, "code") != NULL)
    describe_codeable (out, cs_json_get (root, "code"));
  else if (res->id != NULL)
    g_string_append_printf (out, " %s", res->id);
  describe_value (out, root);
  if (cs_json_get (root, "component") != NULL)
    {
      guint n = 0;

      for (const CsJsonNode *c = cs_json_first (cs_json_get (root, "component")); c != NULL; c = c->next)
        n++;
      g_string_append_printf (out, g_dngettext (GETTEXT_PACKAGE, " (%u component)", " (%u components)", n), n);
    }

  for (guint i = 0; i < G_N_ELEMENTS (date_keys) && date == NULL; i++)
    date = cs_json_get_string (root, date_keys[i]);
  if (date == NULL)
    date = cs_json_get_string (cs_json_get (root, "effectivePeriod"), "start");
  if (date != NULL)
    g_string_append_printf (out, ", %.10s", date);

  return g_string_free (out, FALSE);
}

/* ---------------------------------------------------------------- patients */

guint
cs_store_get_n_patients (CsStore *self)
{
  g_return_val_if_fail (CS_IS_STORE (self), 0);

  return self->rows != NULL ? self->rows->len : 0;
}

const char *
cs_store_get_patient_id (CsStore *self,
                         guint    row)
{
  g_return_val_if_fail (CS_IS_STORE (self), NULL);

  if (self->rows == NULL || row >= self->rows->len)
    return NULL;
  return g_array_index (self->rows, CsPatientRow, row).id;
}

int
cs_store_find_patient (CsStore    *self,
                       const char *patient_id)
{
  gpointer found;

  g_return_val_if_fail (CS_IS_STORE (self), -1);

  if (self->row_index == NULL || patient_id == NULL)
    return -1;
  if ((found = g_hash_table_lookup (self->row_index, patient_id)) == NULL)
    return -1;
  return (int) GPOINTER_TO_UINT (found) - 1;
}

GArray *
cs_store_get_patient_resources (CsStore *self,
                                guint    row)
{
  g_return_val_if_fail (CS_IS_STORE (self), NULL);

  if (self->row_resources == NULL || row >= self->row_resources->len)
    return NULL;
  return g_ptr_array_index (self->row_resources, row);
}

GPtrArray *
cs_store_get_patient_study_uids (CsStore *self,
                                 guint    row)
{
  g_return_val_if_fail (CS_IS_STORE (self), NULL);

  if (self->row_uids == NULL || row >= self->row_uids->len)
    return NULL;
  return g_ptr_array_index (self->row_uids, row);
}

/* ---------------------------------------------------------------- variables */

guint
cs_store_get_n_variables (CsStore *self)
{
  g_return_val_if_fail (CS_IS_STORE (self), 0);

  return self->variables != NULL ? self->variables->len : 0;
}

CsVariable *
cs_store_get_variable (CsStore *self,
                       guint    index)
{
  g_return_val_if_fail (CS_IS_STORE (self), NULL);

  if (self->variables == NULL || index >= self->variables->len)
    return NULL;
  return g_ptr_array_index (self->variables, index);
}

CsVariable *
cs_store_lookup_variable (CsStore    *self,
                          const char *key)
{
  g_return_val_if_fail (CS_IS_STORE (self), NULL);

  if (self->var_index == NULL || key == NULL)
    return NULL;
  return g_hash_table_lookup (self->var_index, key);
}

CsVariable *
cs_store_find_variable (CsStore    *self,
                        const char *key_or_code)
{
  CsVariable *var;

  g_return_val_if_fail (CS_IS_STORE (self), NULL);

  if ((var = cs_store_lookup_variable (self, key_or_code)) != NULL || self->variables == NULL)
    return var;

  for (guint i = 0; i < self->variables->len; i++)
    {
      var = g_ptr_array_index (self->variables, i);
      for (guint j = 0; j < var->codes->len; j++)
        {
          const char *code = g_ptr_array_index (var->codes, j);
          const char *bar = strchr (code, '|');

          if (g_str_equal (code, key_or_code) || (bar != NULL && g_str_equal (bar + 1, key_or_code)))
            return var;
        }
    }
  return NULL;
}

gboolean
cs_store_set_rollup (CsStore  *self,
                     CsRollup  rollup)
{
  g_return_val_if_fail (CS_IS_STORE (self), FALSE);
  g_return_val_if_fail (rollup <= CS_ROLLUP_COUNT, FALSE);

  if (self->rollup == rollup)
    return FALSE;
  self->rollup = rollup;
  if (self->finished)
    cs_store_apply_rollup (self);
  return TRUE;
}

CsRollup
cs_store_get_rollup (CsStore *self)
{
  g_return_val_if_fail (CS_IS_STORE (self), CS_ROLLUP_LATEST);

  return self->rollup;
}

static const char *rollup_names[] = {
  "latest", "largest-lesion", "max", "mean", "sum", "count",
};

const char *
cs_rollup_to_string (CsRollup rollup)
{
  if ((guint) rollup >= G_N_ELEMENTS (rollup_names))
    return NULL;
  return rollup_names[rollup];
}

gboolean
cs_rollup_from_string (const char *str,
                       CsRollup   *out_rollup)
{
  for (guint i = 0; i < G_N_ELEMENTS (rollup_names); i++)
    {
      if (g_strcmp0 (str, rollup_names[i]) == 0)
        {
          *out_rollup = (CsRollup) i;
          return TRUE;
        }
    }
  return FALSE;
}
