/* cs-mapping-upload.c: a mapping's output to a server (dry run, upload,
 * read back), through the CLI's run and push code
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-mapping-assist"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "cs-mapping-upload.h"

static void
issue_free (gpointer data)
{
  CsMappingUploadIssue *issue = data;

  g_free (issue->resource_type);
  g_free (issue->id);
  g_free (issue->message);
  g_free (issue);
}

void
cs_mapping_upload_result_clear (CsMappingUploadResult *result)
{
  cs_fhir_push_result_clear (&result->push);
  g_clear_pointer (&result->issues, g_ptr_array_unref);
  g_clear_pointer (&result->problems, g_ptr_array_unref);
  g_clear_pointer (&result->output_path, g_free);
  g_clear_pointer (&result->server_path, g_free);
}

typedef struct
{
  CsMappingUploadResult       *result;
  CsMappingUploadProgressFunc  progress;
  gpointer                     progress_data;
} Upload;

static void
upload_problem (const CsMappingProblem *problem,
                gpointer                user_data)
{
  Upload *up = user_data;

  g_ptr_array_add (up->result->problems, cs_mapping_problem_to_string (problem));
}

static void
upload_mapping_progress (const CsMappingProgress *progress,
                         gpointer                 user_data)
{
  Upload *up = user_data;
  CsMappingUploadProgress p = { CS_MAPPING_UPLOAD_MAPPING, progress, NULL };

  if (up->progress != NULL)
    up->progress (&p, up->progress_data);
}

static void
upload_push_progress (const CsFhirPushProgress *progress,
                      gpointer                  user_data)
{
  Upload *up = user_data;
  CsMappingUploadProgress p = { CS_MAPPING_UPLOAD_PUSHING, NULL, progress };

  if (up->progress != NULL)
    up->progress (&p, up->progress_data);
}

static void
upload_entry_error (const CsFhirPushEntryError *entry,
                    gpointer                    user_data)
{
  Upload *up = user_data;
  CsMappingUploadIssue *issue = g_new0 (CsMappingUploadIssue, 1);

  issue->resource_type = g_strdup (entry->resource_type);
  issue->id = g_strdup (entry->id);
  issue->message = g_strdup (entry->message);
  g_ptr_array_add (up->result->issues, issue);
}

gboolean
cs_mapping_upload (CsMappingProgram              *program,
                   const CsMappingInputFile      *inputs,
                   guint                          n_inputs,
                   CsFhirClient                  *client,
                   const CsMappingUploadOptions  *options,
                   const char                    *work_dir,
                   CsMappingUploadResult         *result,
                   CsMappingUploadProgressFunc    progress,
                   gpointer                       progress_data,
                   GCancellable                  *cancellable,
                   GError                       **error)
{
  CsMappingUploadOptions defaults = { 0 };
  CsMappingExecuteOptions exec = { 0 };
  CsFhirPushOptions push = { 0 };
  CsMappingSink sink = { NULL, upload_problem, upload_mapping_progress };
  g_autoptr(CsMappingRun) run = NULL;
  g_autofree char *server_path = NULL;
  Upload up = { result, progress, progress_data };
  gboolean ok;

  g_return_val_if_fail (program != NULL, FALSE);
  g_return_val_if_fail (CS_IS_FHIR_CLIENT (client), FALSE);
  g_return_val_if_fail (work_dir != NULL, FALSE);
  g_return_val_if_fail (result != NULL, FALSE);

  if (options == NULL)
    options = &defaults;
  memset (result, 0, sizeof *result);
  result->dry_run = options->dry_run;
  result->issues = g_ptr_array_new_with_free_func (issue_free);
  result->problems = g_ptr_array_new_with_free_func (g_free);
  result->output_path = g_build_filename (work_dir, "mapping.ndjson", NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  /* the same bytes `cohortscope-cli map --format ndjson` writes */
  exec.format = CS_MAPPING_OUTPUT_NDJSON;
  exec.keep_going = options->keep_going;
  ok = cs_mapping_execute (program, inputs, n_inputs, result->output_path, &exec, &sink, &up, &run,
                           cancellable, error);
  if (run != NULL)
    cs_mapping_run_get_stats (run, &result->mapping);
  if (!ok)
    return FALSE;

  server_path = g_build_filename (work_dir, "server.ndjson", NULL);
  push.batch_size = options->batch_size;
  push.dry_run = options->dry_run;
  push.count_by_type = TRUE;
  push.server_copies_path = server_path;
  ok = cs_fhir_client_push_path_full (client, result->output_path, &push, &result->push,
                                      upload_entry_error, &up, upload_push_progress, &up, cancellable, error);
  if (ok)
    result->server_path = g_steal_pointer (&server_path);
  /* one error for a cancel, whichever stage it came in */
  if (!ok && error != NULL && g_error_matches (*error, CS_FHIR_ERROR, CS_FHIR_ERROR_CANCELLED))
    {
      g_clear_error (error);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled"));
    }
  return ok;
}

typedef struct
{
  CsMappingProgram            *program;
  CsMappingInputFile          *inputs;
  guint                        n_inputs;
  CsFhirClient                *client;
  CsMappingUploadOptions       options;
  char                        *work_dir;
  CsMappingUploadResult        result;
  CsMappingUploadProgressFunc  progress;
  gpointer                     progress_data;
} UploadData;

static void
upload_data_free (gpointer data)
{
  UploadData *d = data;

  cs_mapping_input_files_free (d->inputs, d->n_inputs);
  g_free (d->work_dir);
  cs_mapping_upload_result_clear (&d->result);
  g_object_unref (d->client);
  cs_mapping_program_unref (d->program);
  g_free (d);
}

static void
upload_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  UploadData *d = task_data;
  GError *error = NULL;

  if (cs_mapping_upload (d->program, d->inputs, d->n_inputs, d->client, &d->options, d->work_dir, &d->result,
                         d->progress, d->progress_data, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
cs_mapping_upload_async (CsMappingProgram              *program,
                         const CsMappingInputFile      *inputs,
                         guint                          n_inputs,
                         CsFhirClient                  *client,
                         const CsMappingUploadOptions  *options,
                         const char                    *work_dir,
                         CsMappingUploadProgressFunc    progress,
                         gpointer                       progress_data,
                         GCancellable                  *cancellable,
                         GAsyncReadyCallback            callback,
                         gpointer                       user_data)
{
  g_autoptr(GTask) task = NULL;
  UploadData *d = g_new0 (UploadData, 1);

  d->program = cs_mapping_program_ref (program);
  d->inputs = cs_mapping_input_files_copy (inputs, n_inputs);
  d->n_inputs = n_inputs;
  d->client = g_object_ref (client);
  if (options != NULL)
    d->options = *options;
  d->work_dir = g_strdup (work_dir);
  d->progress = progress;
  d->progress_data = progress_data;
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, cs_mapping_upload_async);
  g_task_set_task_data (task, d, upload_data_free);
  g_task_run_in_thread (task, upload_thread);
}

gboolean
cs_mapping_upload_finish (GAsyncResult           *result,
                          CsMappingUploadResult  *out,
                          GError                **error)
{
  UploadData *d;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  d = g_task_get_task_data (G_TASK (result));
  *out = d->result;
  memset (&d->result, 0, sizeof d->result);
  return g_task_propagate_boolean (G_TASK (result), error);
}
