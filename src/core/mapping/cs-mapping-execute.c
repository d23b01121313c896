/* cs-mapping-execute.c: a mapping run from input files to an output file
 *
 * The one way `cohortscope-cli map` and the GUI's Mapping page write what a
 * mapping produces: compile against the files' headers, map every row,
 * write through CsMappingWriter, add the run's Device and Provenance,
 * commit. Same mapping and inputs, same bytes, whichever front end ran it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-mapping"

#include "config.h"

#include <inttypes.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "cs-mapping-output.h"

CsMapping *
cs_mapping_load_text_for_file (const char  *text,
                               gssize       length,
                               const char  *path,
                               GError     **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *name = NULL;
  g_autofree char *dir = NULL;
  gsize n = 0;

  g_return_val_if_fail (text != NULL, NULL);

  if (length < 0)
    length = strlen (text);
  if (path == NULL)
    return cs_mapping_load_data (text, length, _("the mapping"), NULL, error);
  /* the saved file itself: exactly what cs_mapping_load_file() gives */
  if (g_file_get_contents (path, &contents, &n, NULL) && n == (gsize) length &&
      memcmp (contents, text, n) == 0)
    return cs_mapping_load_file (path, error);
  name = g_path_get_basename (path);
  dir = g_path_get_dirname (path);
  return cs_mapping_load_data (text, length, name, dir, error);
}

CsMappingInputFile *
cs_mapping_input_files_copy (const CsMappingInputFile *inputs,
                             guint                     n_inputs)
{
  CsMappingInputFile *copy = g_new0 (CsMappingInputFile, MAX (n_inputs, 1));

  for (guint i = 0; i < n_inputs; i++)
    {
      copy[i].role = g_strdup (inputs[i].role);
      copy[i].path = g_strdup (inputs[i].path);
      copy[i].name = g_strdup (inputs[i].name);
    }
  return copy;
}

void
cs_mapping_input_files_free (CsMappingInputFile *inputs,
                             guint               n_inputs)
{
  if (inputs == NULL)
    return;
  for (guint i = 0; i < n_inputs; i++)
    {
      g_free ((char *) inputs[i].role);
      g_free ((char *) inputs[i].path);
      g_free ((char *) inputs[i].name);
    }
  g_free (inputs);
}

/* A reader for an input file, with the dialect the mapping asks for; errors
 * name the input */
static CsCsvReader *
open_input (CsMapping                *mapping,
            const CsMappingInputFile *file,
            GError                  **error)
{
  int input = cs_mapping_find_input (mapping, file->role);
  g_autoptr(GError) local = NULL;
  CsCsvReader *reader;

  if (input < 0)
    {
      g_set_error (error, CS_MAPPING_ERROR, CS_MAPPING_ERROR_INPUT, _("the mapping has no input “%s”"), file->role);
      return NULL;
    }
  reader = cs_csv_reader_new_for_path_named (file->path, file->name, cs_mapping_get_input_dialect (mapping, input),
                                             &local);
  if (reader == NULL)
    /* Translators: "input clinical: clinical.csv: row 2 …" */
    g_set_error (error, CS_MAPPING_ERROR, CS_MAPPING_ERROR_INPUT, _("input %s: %s"), file->role, local->message);
  return reader;
}

CsMappingProgram *
cs_mapping_compile_files (CsMapping                *mapping,
                          const CsMappingInputFile *inputs,
                          guint                     n_inputs,
                          GError                  **error)
{
  g_autoptr(GPtrArray) readers = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_csv_reader_free);
  g_autoptr(GArray) tables = g_array_new (FALSE, TRUE, sizeof (CsMappingTableInfo));

  for (guint i = 0; i < n_inputs; i++)
    {
      CsMappingTableInfo info = { 0 };
      CsCsvReader *reader = open_input (mapping, &inputs[i], error);

      if (reader == NULL)
        return NULL;
      g_ptr_array_add (readers, reader);
      info.role = inputs[i].role;
      info.name = cs_csv_reader_get_name (reader);
      info.header = cs_csv_reader_get_header (reader);
      g_array_append_val (tables, info);
    }
  return cs_mapping_compile (mapping, (CsMappingTableInfo *) (gpointer) tables->data, tables->len, error);
}

typedef struct
{
  CsMappingWriter     *writer;
  CsMappingTrace      *trace;
  const CsMappingSink *sink;
  gpointer             user_data;
} Execute;

static gboolean
execute_resource (const CsMappingResource *res,
                  gpointer                 user_data,
                  GError                 **error)
{
  Execute *ex = user_data;

  if (!cs_mapping_writer_add (ex->writer, res->resource_type, res->id, res->json, res->length, error))
    return FALSE;
  if (ex->trace != NULL && !cs_mapping_trace_add (ex->trace, res, error))
    return FALSE;
  if (ex->sink != NULL && ex->sink->resource != NULL)
    return ex->sink->resource (res, ex->user_data, error);
  return TRUE;
}

static void
execute_problem (const CsMappingProblem *problem,
                 gpointer                user_data)
{
  Execute *ex = user_data;

  if (ex->sink != NULL && ex->sink->problem != NULL)
    ex->sink->problem (problem, ex->user_data);
}

static void
execute_progress (const CsMappingProgress *progress,
                  gpointer                 user_data)
{
  Execute *ex = user_data;

  if (ex->sink != NULL && ex->sink->progress != NULL)
    ex->sink->progress (progress, ex->user_data);
}

/* The run's Provenance: the inputs' and the mapping's bytes */
static gboolean
set_provenance (CsMappingWriter          *writer,
                CsMapping                *mapping,
                const CsMappingInputFile *inputs,
                guint                     n_inputs,
                guint64                   limit,
                GError                  **error)
{
  g_autoptr(GArray) prov_inputs = g_array_new (FALSE, TRUE, sizeof (CsMappingProvenanceInput));
  g_autoptr(GPtrArray) sums = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) files = g_ptr_array_new ();
  CsMappingProvenanceInfo info = { 0 };

  for (const char * const *f = cs_mapping_get_files (mapping); *f != NULL; f++)
    g_ptr_array_add (files, (gpointer) *f);
  for (guint i = 0; i < n_inputs; i++)
    {
      /* named as the user knows it (a copy of stdin is "stdin") */
      CsMappingProvenanceInput in = { inputs[i].role, inputs[i].name != NULL ? inputs[i].name : inputs[i].path, NULL };
      char *sum = cs_mapping_sha256_file (inputs[i].path, error);

      if (sum == NULL)
        return FALSE;
      g_ptr_array_add (sums, sum);
      in.sha256 = sum;
      g_array_append_val (prov_inputs, in);
      g_ptr_array_add (files, (gpointer) inputs[i].path);
    }
  g_ptr_array_add (files, NULL);
  info.recorded = cs_mapping_provenance_time ((const char * const *) files->pdata, error);
  if (info.recorded < 0 || (error != NULL && *error != NULL))
    return FALSE;
  info.mapping = mapping;
  info.inputs = (const CsMappingProvenanceInput *) (gpointer) prov_inputs->data;
  info.n_inputs = prov_inputs->len;
  info.limit = limit;
  cs_mapping_writer_set_provenance (writer, &info);
  return TRUE;
}

gboolean
cs_mapping_execute (CsMappingProgram              *program,
                    const CsMappingInputFile      *inputs,
                    guint                          n_inputs,
                    const char                    *output,
                    const CsMappingExecuteOptions *options,
                    const CsMappingSink           *sink,
                    gpointer                       user_data,
                    CsMappingRun                 **out_run,
                    GCancellable                  *cancellable,
                    GError                       **error)
{
  CsMapping *mapping = cs_mapping_program_get_mapping (program);
  CsMappingExecuteOptions defaults = { 0 };
  CsMappingSink own = { execute_resource, execute_problem, execute_progress };
  g_autoptr(CsMappingRun) run = NULL;
  g_autoptr(CsMappingWriter) writer = NULL;
  g_autoptr(CsMappingTrace) trace = NULL;
  CsMappingRunFlags flags;
  CsMappingStats stats;
  Execute ex = { 0 };
  gboolean ok = FALSE;

  g_return_val_if_fail (program != NULL, FALSE);
  g_return_val_if_fail (output != NULL, FALSE);

  if (options == NULL)
    options = &defaults;
  flags = options->flags | (options->trace_path != NULL ? CS_MAPPING_RUN_TRACE : 0);
  run = cs_mapping_run_new (program, flags);
  cs_mapping_run_set_limit (run, options->limit);
  if (options->set_memory_limit)
    cs_mapping_run_set_memory_limit (run, options->memory_limit);

  for (guint i = 0; i < n_inputs; i++)
    {
      CsCsvReader *reader = open_input (mapping, &inputs[i], error);

      if (reader == NULL || !cs_mapping_run_add_input (run, inputs[i].role, reader, error))
        goto out;
    }

  if (!(writer = cs_mapping_writer_new (output, options->format, error)) ||
      (options->trace_path != NULL && !(trace = cs_mapping_trace_new (options->trace_path, program, error))))
    goto out;

  ex.writer = writer;
  ex.trace = trace;
  ex.sink = sink;
  ex.user_data = user_data;
  if (!cs_mapping_run_all (run, &own, &ex, cancellable, error))
    goto out;

  cs_mapping_run_get_stats (run, &stats);
  if (stats.rows_rejected > 0 && !options->keep_going)
    {
      g_set_error (error, CS_MAPPING_ERROR, CS_MAPPING_ERROR_REJECTED,
                   g_dngettext (GETTEXT_PACKAGE,
                                "%" PRIu64 " row was rejected, so nothing was written",
                                "%" PRIu64 " rows were rejected, so nothing was written",
                                stats.rows_rejected), stats.rows_rejected);
      goto out;
    }
  if (!set_provenance (writer, mapping, inputs, n_inputs, options->limit, error))
    goto out;
  if (!cs_mapping_writer_commit (writer, error) || (trace != NULL && !cs_mapping_trace_commit (trace, error)))
    goto out;
  ok = TRUE;

out:
  if (!ok && writer != NULL)
    cs_mapping_writer_abort (writer);
  if (out_run != NULL)
    *out_run = g_steal_pointer (&run);
  return ok;
}

typedef struct
{
  CsMappingProgram        *program;
  CsMappingInputFile      *inputs;
  guint                    n_inputs;
  char                    *output;
  CsMappingExecuteOptions  options;
  const CsMappingSink     *sink;
  gpointer                 user_data;
  CsMappingRun            *run;
} ExecuteData;

static void
execute_data_free (gpointer data)
{
  ExecuteData *d = data;

  cs_mapping_input_files_free (d->inputs, d->n_inputs);
  g_free (d->output);
  g_free ((char *) d->options.trace_path);
  g_clear_pointer (&d->run, cs_mapping_run_free);
  cs_mapping_program_unref (d->program);
  g_free (d);
}

static void
execute_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  ExecuteData *d = task_data;
  GError *error = NULL;

  if (cs_mapping_execute (d->program, d->inputs, d->n_inputs, d->output, &d->options, d->sink, d->user_data,
                          &d->run, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
cs_mapping_execute_async (CsMappingProgram              *program,
                          const CsMappingInputFile      *inputs,
                          guint                          n_inputs,
                          const char                    *output,
                          const CsMappingExecuteOptions *options,
                          const CsMappingSink           *sink,
                          gpointer                       user_data,
                          GCancellable                  *cancellable,
                          GAsyncReadyCallback            callback,
                          gpointer                       callback_data)
{
  g_autoptr(GTask) task = NULL;
  ExecuteData *d = g_new0 (ExecuteData, 1);

  d->program = cs_mapping_program_ref (program);
  d->inputs = cs_mapping_input_files_copy (inputs, n_inputs);
  d->n_inputs = n_inputs;
  d->output = g_strdup (output);
  if (options != NULL)
    d->options = *options;
  d->options.trace_path = g_strdup (d->options.trace_path);
  d->sink = sink;
  d->user_data = user_data;
  task = g_task_new (NULL, cancellable, callback, callback_data);
  g_task_set_source_tag (task, cs_mapping_execute_async);
  g_task_set_task_data (task, d, execute_data_free);
  g_task_run_in_thread (task, execute_thread);
}

gboolean
cs_mapping_execute_finish (GAsyncResult  *result,
                           CsMappingRun **out_run,
                           GError       **error)
{
  ExecuteData *d;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  d = g_task_get_task_data (G_TASK (result));
  if (out_run != NULL)
    *out_run = g_steal_pointer (&d->run);
  return g_task_propagate_boolean (G_TASK (result), error);
}
