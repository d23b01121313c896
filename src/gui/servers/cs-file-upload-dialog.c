/* cs-file-upload-dialog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <inttypes.h>
#include <glib/gi18n.h>

#include "cs-file-upload-dialog.h"
#include "cs-fhir-push.h"
#include "cs-gui-util.h"
#include "cs-saved-servers.h"
#include "cs-server-load.h"

struct _CsFileUploadDialog
{
  CsUploadDialog   parent_instance;

  /* Template */
  CsServerRow     *server_row;
  AdwActionRow    *file_row;
  CsUploadStatus  *status;
  GtkLabel        *errors_label;

  GtkNativeDialog *chooser;
  char            *path;
};

G_DEFINE_FINAL_TYPE (CsFileUploadDialog, cs_file_upload_dialog, CS_TYPE_UPLOAD_DIALOG)

/* A dry run or an upload, in a thread */
typedef struct
{
  GWeakRef           dialog;   /* closing it cancels the job */
  CsServerProfile   *profile;
  CsFhirClient      *client;
  char              *path;
  CsFhirPushOptions  options;
  CsFhirPushResult   result;
  GPtrArray         *errors;   /* char* */
  char              *key;
  GMainContext      *context;  /* the dialog's, for progress */
  GMutex             mutex;    /* guards progress and progress_pending */
  CsFhirPushProgress progress; /* latest report; source not kept */
  gboolean           progress_pending;
} PushJob;

static void
push_job_free (gpointer data)
{
  PushJob *job = data;

  g_weak_ref_clear (&job->dialog);
  g_clear_object (&job->profile);
  g_clear_object (&job->client);
  g_free (job->path);
  g_free (job->key);
  g_ptr_array_unref (job->errors);
  g_clear_pointer (&job->context, g_main_context_unref);
  g_mutex_clear (&job->mutex);
  g_free (job);
}

/* Push thread: one line per entry that failed (at most 200) */
static void
push_error_cb (const CsFhirPushEntryError *entry,
               gpointer                    user_data)
{
  PushJob *job = user_data;
  g_autofree char *base = entry->source != NULL ? g_path_get_basename (entry->source) : NULL;

  if (job->errors->len >= 200)
    return;

  /* Translators: "Entry 3 (Observation/o1, obs.ndjson byte 1234): <message>" */
  g_ptr_array_add (job->errors,
                   g_strdup_printf (_("Entry %u (%s/%s, %s byte %" PRId64 "): %s"),
                                    entry->index + 1,
                                    entry->resource_type != NULL ? entry->resource_type : "?",
                                    entry->id != NULL ? entry->id : "?",
                                    base != NULL ? base : "?",
                                    (gint64)entry->offset,
                                    entry->message != NULL ? entry->message : ""));
}

/* Main thread: shows the latest progress report of task's job. */
static gboolean
push_progress_idle (gpointer data)
{
  GTask *task = data;
  PushJob *job = g_task_get_task_data (task);
  g_autoptr(CsFileUploadDialog) self = g_weak_ref_get (&job->dialog);
  CsFhirPushProgress p;
  g_autofree char *text = NULL;

  g_mutex_lock (&job->mutex);
  p = job->progress;
  job->progress_pending = FALSE;
  g_mutex_unlock (&job->mutex);

  /* closed, finished or another run meanwhile */
  if (self == NULL || !cs_upload_dialog_owns_job (CS_UPLOAD_DIALOG (self), g_task_get_cancellable (task)))
    return G_SOURCE_REMOVE;

  if (p.phase == CS_FHIR_PUSH_PHASE_READING)
    {
      g_autofree char *count = cs_gui_format_count (p.resources_read);

      if (p.bytes_total > 0)
        cs_upload_status_set_progress (self->status, (double) p.bytes_read / (double) p.bytes_total, NULL);
      /* Translators: while the file is read before the upload */
      text = g_strdup_printf (ngettext ("Reading the file: %s resource", "Reading the file: %s resources",
                                        p.resources_read), count);
    }
  else
    cs_upload_dialog_show_push_progress (CS_UPLOAD_DIALOG (self), &p);

  if (text != NULL)
    cs_upload_status_set_progress_text (self->status, text);
  return G_SOURCE_REMOVE;
}

/* Push thread: keeps the latest report and wakes the main thread once */
static void
push_progress_cb (const CsFhirPushProgress *progress,
                  gpointer                  user_data)
{
  GTask *task = user_data;
  PushJob *job = g_task_get_task_data (task);
  gboolean schedule;

  g_mutex_lock (&job->mutex);
  job->progress = *progress;
  job->progress.source = NULL;
  schedule = !job->progress_pending;
  job->progress_pending = TRUE;
  g_mutex_unlock (&job->mutex);

  if (schedule)
    g_main_context_invoke_full (job->context, G_PRIORITY_DEFAULT, push_progress_idle,
                                g_object_ref (task), g_object_unref);
}

static void
push_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  PushJob *job = task_data;
  GError *error = NULL;

  /* The keyring lookup can be slow too */
  if (!(job->client = cs_server_profile_create_client (job->profile, cs_gui_get_secret_backend (), &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  if (!cs_fhir_client_push_path_full (job->client, job->path, &job->options, &job->result,
                                      push_error_cb, job, push_progress_cb, task, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

/* The status after a job: its counts, and how it ended */
static char *
describe_result (PushJob      *job,
                 const GError *error)
{
  g_autofree char *created = cs_gui_format_count (job->result.created);
  g_autofree char *updated = cs_gui_format_count (job->result.updated);
  g_autofree char *unchanged = cs_gui_format_count (job->result.unchanged);
  g_autofree char *text = NULL;

  if (job->options.dry_run)
    /* Translators: the counts of a dry run */
    text = g_strdup_printf (_("Dry run: %s to create, %s to update, %s unchanged. Nothing was sent."),
                            created, updated, unchanged);
  else
    {
      g_autofree char *failed = cs_gui_format_count (job->result.failed);

      /* Translators: the counts of an upload */
      text = g_strdup_printf (_("Uploaded: %s created, %s updated, %s unchanged, %s failed."),
                              created, updated, unchanged, failed);
    }

  if (error == NULL)
    return g_steal_pointer (&text);

  if (cs_server_error_is_cancelled (error))
    {
      guint64 done, total;
      g_autofree char *done_text = NULL;
      g_autofree char *total_text = NULL;

      g_mutex_lock (&job->mutex);
      done = job->progress.resources_done;
      total = job->progress.resources_total;
      g_mutex_unlock (&job->mutex);
      done_text = cs_gui_format_count (done);
      total_text = cs_gui_format_count (total);
      if (total > 0)
        /* Translators: "Cancelled after 100 of 5,000 resources." then the counts */
        return g_strdup_printf (ngettext ("Cancelled after %s of %s resource. Uploading again resumes where it stopped.\n%s",
                                          "Cancelled after %s of %s resources. Uploading again resumes where it stopped.\n%s",
                                          total),
                                done_text, total_text, text);
      return g_strdup_printf ("%s\n%s", _("Cancelled. Uploading again resumes where it stopped."), text);
    }

  /* Translators: "<what failed> then the counts so far" */
  return g_strdup_printf (_("%s\n%s Uploading again resumes where it stopped."), error->message, text);
}

static void
on_push_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  PushJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(CsFileUploadDialog) self = g_weak_ref_get (&job->dialog);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gboolean ok;

  ok = g_task_propagate_boolean (G_TASK (result), &error);

  /* The dialog was closed meanwhile */
  if (self == NULL || !cs_upload_dialog_end (CS_UPLOAD_DIALOG (self), g_task_get_cancellable (G_TASK (result))))
    return;

  text = describe_result (job, ok ? NULL : error);
  if (ok && job->options.dry_run)
    cs_upload_dialog_set_checked (CS_UPLOAD_DIALOG (self), job->key);
  cs_upload_dialog_set_status (CS_UPLOAD_DIALOG (self), text, !ok);

  if (job->errors->len > 0)
    {
      g_autofree char *lines = NULL;

      g_ptr_array_add (job->errors, NULL);
      lines = g_strjoinv ("\n", (char **) job->errors->pdata);
      g_ptr_array_set_size (job->errors, job->errors->len - 1);
      gtk_label_set_text (self->errors_label, lines);
      gtk_widget_set_visible (GTK_WIDGET (self->errors_label), TRUE);
    }

  cs_upload_dialog_update (CS_UPLOAD_DIALOG (self));
}

static char *
cs_file_upload_dialog_dup_key (CsUploadDialog *dialog)
{
  CsFileUploadDialog *self = CS_FILE_UPLOAD_DIALOG (dialog);
  CsServerProfile *profile = cs_upload_dialog_get_profile (dialog);

  if (profile == NULL || self->path == NULL)
    return NULL;

  return g_strdup_printf ("%s\n%s", cs_server_profile_get_name (profile), self->path);
}

static void
cs_file_upload_dialog_start (CsUploadDialog  *dialog,
                             CsServerProfile *profile,
                             gboolean         dry_run)
{
  CsFileUploadDialog *self = CS_FILE_UPLOAD_DIALOG (dialog);
  g_autoptr(GTask) task = NULL;
  GCancellable *cancellable;
  PushJob *job;

  job = g_new0 (PushJob, 1);
  g_weak_ref_init (&job->dialog, self);
  job->profile = g_object_ref (profile);
  job->path = g_strdup (self->path);
  job->options.dry_run = !!dry_run;
  job->errors = g_ptr_array_new_with_free_func (g_free);
  job->key = cs_file_upload_dialog_dup_key (dialog);
  job->context = g_main_context_ref_thread_default ();
  g_mutex_init (&job->mutex);

  gtk_label_set_text (self->errors_label, "");
  gtk_widget_set_visible (GTK_WIDGET (self->errors_label), FALSE);
  cancellable = cs_upload_dialog_begin (dialog, dry_run ? _("Comparing the file with the server…") : _("Uploading…"));
  cs_upload_status_set_progress_text (self->status, _("Reading the file"));

  /* not the dialog's: it goes when it is closed, which cancels the job */
  task = g_task_new (NULL, cancellable, on_push_done, NULL);
  g_task_set_source_tag (task, cs_file_upload_dialog_start);
  g_task_set_task_data (task, job, push_job_free);
  g_task_run_in_thread (task, push_thread);
}

static void
on_chooser_response (GtkNativeDialog    *chooser,
                     int                 response,
                     CsFileUploadDialog *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (path != NULL)
        cs_file_upload_dialog_set_path (self, path);
    }

  gtk_native_dialog_destroy (chooser);
  g_clear_object (&self->chooser);
}

static void
on_choose_file_clicked (CsFileUploadDialog *self)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = NULL;

  if (self->chooser != NULL)
    {
      gtk_native_dialog_show (self->chooser);
      return;
    }

  chooser = gtk_file_chooser_native_new (_("Choose a Bundle or NDJSON File"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Choose"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);

  filter = cs_gui_fhir_file_filter_new ();
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);

  self->chooser = GTK_NATIVE_DIALOG (chooser);
  g_signal_connect (chooser, "response", G_CALLBACK (on_chooser_response), self);
  gtk_native_dialog_show (self->chooser);
}

static void
cs_file_upload_dialog_dispose (GObject *object)
{
  CsFileUploadDialog *self = CS_FILE_UPLOAD_DIALOG (object);

  if (self->chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->chooser, self);
      gtk_native_dialog_destroy (self->chooser);
      g_clear_object (&self->chooser);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), CS_TYPE_FILE_UPLOAD_DIALOG);

  G_OBJECT_CLASS (cs_file_upload_dialog_parent_class)->dispose (object);
}

static void
cs_file_upload_dialog_finalize (GObject *object)
{
  CsFileUploadDialog *self = CS_FILE_UPLOAD_DIALOG (object);

  g_free (self->path);

  G_OBJECT_CLASS (cs_file_upload_dialog_parent_class)->finalize (object);
}

static void
cs_file_upload_dialog_class_init (CsFileUploadDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  CsUploadDialogClass *dialog_class = CS_UPLOAD_DIALOG_CLASS (klass);

  object_class->dispose = cs_file_upload_dialog_dispose;
  object_class->finalize = cs_file_upload_dialog_finalize;
  dialog_class->dup_key = cs_file_upload_dialog_dup_key;
  dialog_class->start = cs_file_upload_dialog_start;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/cohortscope/Cohortscope/cs-file-upload-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CsFileUploadDialog, server_row);
  gtk_widget_class_bind_template_child (widget_class, CsFileUploadDialog, file_row);
  gtk_widget_class_bind_template_child (widget_class, CsFileUploadDialog, status);
  gtk_widget_class_bind_template_child (widget_class, CsFileUploadDialog, errors_label);
  gtk_widget_class_bind_template_callback_full (widget_class, "update", G_CALLBACK (cs_upload_dialog_update));
  gtk_widget_class_bind_template_callback (widget_class, on_choose_file_clicked);
}

static void
cs_file_upload_dialog_init (CsFileUploadDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWindow *
cs_file_upload_dialog_new (GtkWindow *parent)
{
  CsFileUploadDialog *self = g_object_new (CS_TYPE_FILE_UPLOAD_DIALOG, "transient-for", parent, NULL);

  cs_upload_dialog_load_servers (CS_UPLOAD_DIALOG (self));
  cs_upload_dialog_update (CS_UPLOAD_DIALOG (self));

  return GTK_WINDOW (self);
}

void
cs_file_upload_dialog_set_path (CsFileUploadDialog *self,
                                const char         *path)
{
  g_autofree char *base = NULL;

  g_return_if_fail (CS_IS_FILE_UPLOAD_DIALOG (self));
  g_return_if_fail (path != NULL);

  g_free (self->path);
  self->path = g_strdup (path);
  base = g_path_get_basename (path);
  adw_action_row_set_subtitle (self->file_row, base);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->file_row), path);
  cs_upload_dialog_update (CS_UPLOAD_DIALOG (self));
}
