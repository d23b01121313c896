/* cs-mapping-upload-dialog.c: the Mapping page's "Upload…"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "cs-gui-util.h"
#include "cs-mapping-upload-dialog.h"
#include "cs-round-trip-dialog.h"
#include "cs-saved-servers.h"

/* lines of the refused resources shown (all are counted) */
#define MAX_ISSUES_SHOWN 100

struct _CsMappingUploadDialog
{
  CsUploadDialog      parent_instance;

  /* Template */
  CsServerRow        *server_row;
  AdwActionRow       *table_row;
  GtkSpinButton      *batch_spin;
  CsUploadStatus     *status;
  GtkGrid            *types_grid;
  GtkLabel           *issues_label;
  GtkWidget          *after_box;

  CsMappingProgram   *program;
  CsMappingInputFile *inputs;
  guint               n_inputs;
  char               *work_dir;     /* the last upload's files */
  char               *server_path;  /* after a successful upload */
  gboolean            opened;       /* server_path went to the Cohort view: keep it */
};

G_DEFINE_FINAL_TYPE (CsMappingUploadDialog, cs_mapping_upload_dialog, CS_TYPE_UPLOAD_DIALOG)

enum
{
  SIGNAL_OPEN_IN_COHORT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* A dry run or an upload, in a thread */
typedef struct
{
  GWeakRef               dialog;     /* closing it cancels the job */
  CsServerProfile       *profile;
  CsFhirClient          *client;
  CsMappingProgram      *program;
  CsMappingInputFile    *inputs;     /* the dialog's: it outlives the job's thread */
  guint                  n_inputs;
  gboolean               dry_run;
  guint                  batch_size;
  char                  *key;
  char                  *work_dir;
  GMainContext          *context;
  GMutex                 mutex;      /* guards progress and progress_pending */
  CsMappingUploadStage   stage;
  CsMappingProgress      mapping;
  CsFhirPushProgress     push;
  gboolean               progress_pending;
  CsMappingUploadResult  result;
} UploadJob;

static void
upload_job_free (gpointer data)
{
  UploadJob *job = data;

  g_weak_ref_clear (&job->dialog);
  g_clear_object (&job->profile);
  g_clear_object (&job->client);
  g_clear_pointer (&job->program, cs_mapping_program_unref);
  cs_mapping_input_files_free (job->inputs, job->n_inputs);
  g_free (job->key);
  g_free (job->work_dir);
  g_clear_pointer (&job->context, g_main_context_unref);
  cs_mapping_upload_result_clear (&job->result);
  g_mutex_clear (&job->mutex);
  g_free (job);
}

static void
remove_work_dir (const char *dir)
{
  const char *names[] = { "mapping.ndjson", "server.ndjson" };

  if (dir == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

/* Main thread: the latest progress of task's job */
static gboolean
upload_progress_idle (gpointer data)
{
  GTask *task = data;
  UploadJob *job = g_task_get_task_data (task);
  g_autoptr(CsMappingUploadDialog) self = g_weak_ref_get (&job->dialog);
  CsMappingUploadStage stage;
  CsMappingProgress m;
  CsFhirPushProgress p;
  g_autofree char *text = NULL;

  g_mutex_lock (&job->mutex);
  stage = job->stage;
  m = job->mapping;
  p = job->push;
  job->progress_pending = FALSE;
  g_mutex_unlock (&job->mutex);

  if (self == NULL || !cs_upload_dialog_owns_job (CS_UPLOAD_DIALOG (self), g_task_get_cancellable (task)))
    return G_SOURCE_REMOVE;

  if (stage == CS_MAPPING_UPLOAD_MAPPING)
    {
      g_autofree char *rows = cs_gui_format_count (m.rows_done);

      if (m.bytes_total > 0)
        cs_upload_status_set_progress (self->status, (double) m.bytes_done / (double) m.bytes_total, NULL);
      /* Translators: while the table is mapped before an upload */
      text = g_strdup_printf (ngettext ("Mapping the table: %s row", "Mapping the table: %s rows", m.rows_done), rows);
    }
  else if (p.phase == CS_FHIR_PUSH_PHASE_READING)
    {
      g_autofree char *count = cs_gui_format_count (p.resources_read);

      /* Translators: the push reads the mapped resources before it compares them with the server */
      text = g_strdup_printf (ngettext ("Reading the mapped resources: %s", "Reading the mapped resources: %s",
                                        p.resources_read), count);
    }
  else
    cs_upload_dialog_show_push_progress (CS_UPLOAD_DIALOG (self), &p);
  if (text != NULL)
    cs_upload_status_set_progress_text (self->status, text);
  return G_SOURCE_REMOVE;
}

/* Upload thread: keeps the latest report and wakes the main thread once */
static void
upload_progress_cb (const CsMappingUploadProgress *progress,
                    gpointer                       user_data)
{
  GTask *task = user_data;
  UploadJob *job = g_task_get_task_data (task);
  gboolean schedule;

  g_mutex_lock (&job->mutex);
  job->stage = progress->stage;
  if (progress->mapping != NULL)
    job->mapping = *progress->mapping;
  if (progress->push != NULL)
    {
      job->push = *progress->push;
      job->push.source = NULL;
    }
  schedule = !job->progress_pending;
  job->progress_pending = TRUE;
  g_mutex_unlock (&job->mutex);

  if (schedule)
    g_main_context_invoke_full (job->context, G_PRIORITY_DEFAULT, upload_progress_idle,
                                g_object_ref (task), g_object_unref);
}

static void
upload_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  UploadJob *job = task_data;
  CsMappingUploadOptions options = { 0 };
  GError *error = NULL;

  /* the keyring lookup can be slow too */
  if (!(job->client = cs_server_profile_create_client (job->profile, cs_gui_get_secret_backend (), &error)))
    {
      g_task_return_error (task, error);
      return;
    }
  options.dry_run = job->dry_run;
  options.batch_size = job->batch_size;
  if (!cs_mapping_upload (job->program, job->inputs, job->n_inputs, job->client, &options, job->work_dir, &job->result,
                          upload_progress_cb, task, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
grid_label (GtkGrid    *grid,
            const char *text,
            int         column,
            int         row,
            gboolean    heading)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), column == 0 ? 0.0f : 1.0f);
  gtk_label_set_selectable (GTK_LABEL (label), !heading);
  if (heading)
    gtk_widget_add_css_class (label, "heading");
  else if (column > 0)
    gtk_widget_add_css_class (label, "numeric");
  gtk_grid_attach (grid, label, column, row, 1, 1);
}

static void
grid_count (GtkGrid *grid,
            guint64  count,
            int      column,
            int      row)
{
  g_autofree char *text = cs_gui_format_count (count);

  grid_label (grid, text, column, row, FALSE);
}

/* The table of counts per resource type */
static void
show_types (CsMappingUploadDialog       *self,
            const CsMappingUploadResult *result)
{
  GtkWidget *child;
  int row = 1;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->types_grid))) != NULL)
    gtk_grid_remove (self->types_grid, child);
  if (result->push.types == NULL || result->push.types->len == 0)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->types_grid), FALSE);
      return;
    }

  grid_label (self->types_grid, _("Resource type"), 0, 0, TRUE);
  grid_label (self->types_grid, result->dry_run ? _("To create") : _("Created"), 1, 0, TRUE);
  grid_label (self->types_grid, result->dry_run ? _("To update") : _("Updated"), 2, 0, TRUE);
  grid_label (self->types_grid, _("Unchanged"), 3, 0, TRUE);
  if (!result->dry_run)
    grid_label (self->types_grid, _("Failed"), 4, 0, TRUE);
  for (guint i = 0; i < result->push.types->len; i++, row++)
    {
      const CsFhirPushTypeCounts *c = &g_array_index (result->push.types, CsFhirPushTypeCounts, i);

      grid_label (self->types_grid, c->resource_type, 0, row, FALSE);
      grid_count (self->types_grid, c->created, 1, row);
      grid_count (self->types_grid, c->updated, 2, row);
      grid_count (self->types_grid, c->unchanged, 3, row);
      if (!result->dry_run)
        grid_count (self->types_grid, c->failed, 4, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->types_grid), TRUE);
}

/* The refused resources with the server's OperationOutcome, and the
 * mapping's problems when it rejected rows */
static void
show_issues (CsMappingUploadDialog       *self,
             const CsMappingUploadResult *result)
{
  g_autoptr(GString) text = g_string_new (NULL);
  guint n = 0;

  if (result->issues != NULL && result->issues->len > 0)
    {
      g_autofree char *count = cs_gui_format_count (result->issues->len);

      g_string_append_printf (text, ngettext ("The server refused %s resource:", "The server refused %s resources:",
                                              result->issues->len), count);
      for (guint i = 0; i < result->issues->len && n < MAX_ISSUES_SHOWN; i++, n++)
        {
          const CsMappingUploadIssue *issue = g_ptr_array_index (result->issues, i);

          g_string_append_printf (text, "\n%s/%s: %s", issue->resource_type, issue->id, issue->message);
        }
    }
  if (result->mapping.rows_rejected > 0 && result->problems != NULL)
    {
      g_autofree char *count = cs_gui_format_count (result->mapping.rows_rejected);

      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append_printf (text, ngettext ("The mapping rejected %s row, so nothing was sent:",
                                              "The mapping rejected %s rows, so nothing was sent:",
                                              result->mapping.rows_rejected), count);
      for (guint i = 0; i < result->problems->len && n < MAX_ISSUES_SHOWN; i++, n++)
        g_string_append_printf (text, "\n%s", (const char *) g_ptr_array_index (result->problems, i));
    }
  gtk_label_set_text (self->issues_label, text->str);
  gtk_widget_set_visible (GTK_WIDGET (self->issues_label), text->len > 0);
}

static char *
describe_result (const CsMappingUploadResult *result,
                 const GError                *error)
{
  g_autofree char *created = cs_gui_format_count (result->push.created);
  g_autofree char *updated = cs_gui_format_count (result->push.updated);
  g_autofree char *unchanged = cs_gui_format_count (result->push.unchanged);
  g_autofree char *rows = cs_gui_format_count (result->mapping.rows);
  g_autofree char *text = NULL;

  if (result->dry_run)
    /* Translators: the counts of a dry run of the mapping's output */
    text = g_strdup_printf (_("Dry run of %s rows: %s to create, %s to update, %s unchanged. Nothing was sent."),
                            rows, created, updated, unchanged);
  else
    {
      g_autofree char *failed = cs_gui_format_count (result->push.failed);
      g_autofree char *sent = cs_gui_format_count (result->push.batches_sent);

      /* Translators: the counts of an upload of the mapping's output; the
       * last is how many transaction Bundles were sent */
      text = g_strdup_printf (ngettext ("Uploaded %s rows: %s created, %s updated, %s unchanged, %s failed; "
                                        "%s transaction sent.",
                                        "Uploaded %s rows: %s created, %s updated, %s unchanged, %s failed; "
                                        "%s transactions sent.", result->push.batches_sent),
                              rows, created, updated, unchanged, failed, sent);
    }
  if (error == NULL)
    return g_steal_pointer (&text);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_strdup_printf ("%s\n%s", _("Cancelled. Uploading again resumes where it stopped."), text);
  if (g_error_matches (error, CS_MAPPING_ERROR, CS_MAPPING_ERROR_REJECTED))
    return g_strdup_printf (_("The mapping rejected rows, so nothing was sent: %s."), error->message);
  /* Translators: "<what failed> then the counts so far" */
  return g_strdup_printf (_("%s\n%s Uploading again resumes where it stopped."), error->message, text);
}

static void
on_upload_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  UploadJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(CsMappingUploadDialog) self = g_weak_ref_get (&job->dialog);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);

  if (self == NULL || !cs_upload_dialog_end (CS_UPLOAD_DIALOG (self), g_task_get_cancellable (G_TASK (result))))
    {
      remove_work_dir (job->work_dir);
      return;
    }

  text = describe_result (&job->result, ok ? NULL : error);
  if (ok && job->dry_run)
    cs_upload_dialog_set_checked (CS_UPLOAD_DIALOG (self), job->key);
  cs_upload_dialog_set_status (CS_UPLOAD_DIALOG (self), text, !ok);
  show_types (self, &job->result);
  show_issues (self, &job->result);

  /* keep the files of the last upload, for Open and Compare (and those the
   * Cohort view reads resources from) */
  if (!self->opened)
    remove_work_dir (self->work_dir);
  self->opened = FALSE;
  g_clear_pointer (&self->work_dir, g_free);
  g_clear_pointer (&self->server_path, g_free);
  if (ok && !job->dry_run)
    {
      self->work_dir = g_steal_pointer (&job->work_dir);
      self->server_path = g_strdup (job->result.server_path);
    }
  else
    remove_work_dir (job->work_dir);
  gtk_widget_set_visible (self->after_box, self->server_path != NULL);
  cs_upload_dialog_update (CS_UPLOAD_DIALOG (self));
}

static char *
cs_mapping_upload_dialog_dup_key (CsUploadDialog *dialog)
{
  CsMappingUploadDialog *self = CS_MAPPING_UPLOAD_DIALOG (dialog);
  CsServerProfile *profile = cs_upload_dialog_get_profile (dialog);
  g_autoptr(GString) key = NULL;

  if (profile == NULL || self->n_inputs == 0)
    return NULL;
  /* the mapping, its tables and the server */
  key = g_string_new (cs_server_profile_get_name (profile));
  g_string_append_printf (key, "\n%s", cs_mapping_get_sha256 (cs_mapping_program_get_mapping (self->program)));
  for (guint i = 0; i < self->n_inputs; i++)
    g_string_append_printf (key, "\n%s=%s", self->inputs[i].role, self->inputs[i].path);
  return g_string_free (g_steal_pointer (&key), FALSE);
}

static void
cs_mapping_upload_dialog_start (CsUploadDialog  *dialog,
                                CsServerProfile *profile,
                                gboolean         dry_run)
{
  CsMappingUploadDialog *self = CS_MAPPING_UPLOAD_DIALOG (dialog);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;
  UploadJob *job;
  char *work_dir;

  if (!(work_dir = g_dir_make_tmp ("cohortscope-upload-XXXXXX", &error)))
    {
      cs_upload_dialog_set_status (dialog, error->message, TRUE);
      return;
    }
  job = g_new0 (UploadJob, 1);
  g_weak_ref_init (&job->dialog, self);
  job->profile = g_object_ref (profile);
  job->program = cs_mapping_program_ref (self->program);
  job->inputs = cs_mapping_input_files_copy (self->inputs, self->n_inputs);
  job->n_inputs = self->n_inputs;
  job->dry_run = !!dry_run;
  job->batch_size = (guint) gtk_spin_button_get_value_as_int (self->batch_spin);
  job->key = cs_mapping_upload_dialog_dup_key (dialog);
  job->work_dir = work_dir;
  job->context = g_main_context_ref_thread_default ();
  g_mutex_init (&job->mutex);

  gtk_widget_set_visible (GTK_WIDGET (self->issues_label), FALSE);
  gtk_widget_set_visible (self->after_box, FALSE);
  cancellable = cs_upload_dialog_begin (dialog, dry_run ? _("Mapping the table and comparing with the server…")
                                                        : _("Mapping the table and uploading…"));
  cs_upload_status_set_progress_text (self->status, _("Mapping the table"));

  task = g_task_new (NULL, cancellable, on_upload_done, NULL);
  g_task_set_source_tag (task, cs_mapping_upload_dialog_start);
  g_task_set_task_data (task, job, upload_job_free);
  g_task_run_in_thread (task, upload_thread);
}

static void
on_open_clicked (CsMappingUploadDialog *self)
{
  if (self->server_path == NULL)
    return;
  /* the Cohort view re-reads resources from the file (a patient's JSON) */
  self->opened = TRUE;
  g_signal_emit (self, signals[SIGNAL_OPEN_IN_COHORT], 0, self->server_path);
}

static void
on_compare_clicked (CsMappingUploadDialog *self)
{
  GtkWindow *dialog;

  if (self->server_path == NULL)
    return;
  dialog = cs_round_trip_dialog_new (GTK_WINDOW (self), self->program, self->inputs, self->n_inputs,
                                     self->server_path);
  gtk_window_present (dialog);
}

static void
cs_mapping_upload_dialog_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), CS_TYPE_MAPPING_UPLOAD_DIALOG);

  G_OBJECT_CLASS (cs_mapping_upload_dialog_parent_class)->dispose (object);
}

static void
cs_mapping_upload_dialog_finalize (GObject *object)
{
  CsMappingUploadDialog *self = CS_MAPPING_UPLOAD_DIALOG (object);

  if (!self->opened)
    remove_work_dir (self->work_dir);
  g_free (self->work_dir);
  g_free (self->server_path);
  cs_mapping_input_files_free (self->inputs, self->n_inputs);
  g_clear_pointer (&self->program, cs_mapping_program_unref);

  G_OBJECT_CLASS (cs_mapping_upload_dialog_parent_class)->finalize (object);
}

static void
cs_mapping_upload_dialog_class_init (CsMappingUploadDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  CsUploadDialogClass *dialog_class = CS_UPLOAD_DIALOG_CLASS (klass);

  object_class->dispose = cs_mapping_upload_dialog_dispose;
  object_class->finalize = cs_mapping_upload_dialog_finalize;
  dialog_class->dup_key = cs_mapping_upload_dialog_dup_key;
  dialog_class->start = cs_mapping_upload_dialog_start;

  /* The file of the resources as the server holds them */
  signals[SIGNAL_OPEN_IN_COHORT] =
    g_signal_new ("open-in-cohort", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/cohortscope/Cohortscope/cs-mapping-upload-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CsMappingUploadDialog, server_row);
  gtk_widget_class_bind_template_child (widget_class, CsMappingUploadDialog, table_row);
  gtk_widget_class_bind_template_child (widget_class, CsMappingUploadDialog, batch_spin);
  gtk_widget_class_bind_template_child (widget_class, CsMappingUploadDialog, status);
  gtk_widget_class_bind_template_child (widget_class, CsMappingUploadDialog, types_grid);
  gtk_widget_class_bind_template_child (widget_class, CsMappingUploadDialog, issues_label);
  gtk_widget_class_bind_template_child (widget_class, CsMappingUploadDialog, after_box);
  gtk_widget_class_bind_template_callback_full (widget_class, "update", G_CALLBACK (cs_upload_dialog_update));
  gtk_widget_class_bind_template_callback (widget_class, on_open_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_compare_clicked);
}

static void
cs_mapping_upload_dialog_init (CsMappingUploadDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWindow *
cs_mapping_upload_dialog_new (GtkWindow                *parent,
                              CsMappingProgram         *program,
                              const CsMappingInputFile *inputs,
                              guint                     n_inputs)
{
  CsMappingUploadDialog *self;
  g_autoptr(GString) tables = g_string_new (NULL);

  g_return_val_if_fail (program != NULL, NULL);

  self = g_object_new (CS_TYPE_MAPPING_UPLOAD_DIALOG, "transient-for", parent, NULL);
  self->program = cs_mapping_program_ref (program);
  self->inputs = cs_mapping_input_files_copy (inputs, n_inputs);
  for (guint i = 0; i < n_inputs; i++)
    {
      g_autofree char *base = g_path_get_basename (inputs[i].path);

      g_string_append_printf (tables, "%s%s (%s)", i > 0 ? ", " : "", base, inputs[i].role);
    }
  self->n_inputs = n_inputs;
  /* Translators: "clinical.csv (clinical), mapped by clinical.mapping.json" */
  {
    g_autofree char *subtitle = g_strdup_printf (_("%s, mapped by %s"), tables->str,
                                                 cs_mapping_get_name (cs_mapping_program_get_mapping (program)));

    adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (self->table_row), FALSE);
    adw_action_row_set_subtitle (self->table_row, subtitle);
  }
  cs_upload_dialog_load_servers (CS_UPLOAD_DIALOG (self));
  cs_upload_dialog_update (CS_UPLOAD_DIALOG (self));
  return GTK_WINDOW (self);
}

const char *
cs_mapping_upload_dialog_get_server_path (CsMappingUploadDialog *self)
{
  g_return_val_if_fail (CS_IS_MAPPING_UPLOAD_DIALOG (self), NULL);

  return self->server_path;
}
