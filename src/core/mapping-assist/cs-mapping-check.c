/* cs-mapping-check.c: the editor's Validate and Run over a whole table
 *
 * One CsMappingRun over one table in a thread: the problems are gathered
 * (as the preview's CsPreviewProblem), the latest progress is kept for the
 * caller to poll, and a Run's resources go to a CsMappingWriter that is
 * committed only when the whole table went through. A Run of the editor
 * goes through cs_mapping_execute() instead (cs_mapping_check_new_run()),
 * so it writes what `cohortscope-cli map` writes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "cs-mapping-assist.h"
#include "cs-mapping-output.h"

struct _CsMappingCheck
{
  CsMappingRun      *run;
  CsMappingWriter   *writer;
  char              *output_path;

  /* a Run through cs_mapping_execute() (cs_mapping_check_new_run()) */
  CsMappingProgram  *program;
  CsMappingInputFile *inputs;
  guint              n_inputs;

  CsMapping         *mapping;       /* of a Validate's program, for cs_mapping_check_add_input() */
  GMutex             lock;
  GPtrArray         *problems;      /* CsPreviewProblem, filled by the worker */
  CsMappingProgress  progress;
  gboolean           has_progress;
};

CsMappingCheck *
cs_mapping_check_new (CsMappingProgram *program,
                      const char       *role,
                      CsCsvReader      *reader,
                      gboolean          validate_all,
                      GError          **error)
{
  CsMappingCheck *self;

  g_return_val_if_fail (program != NULL, NULL);
  g_return_val_if_fail (reader != NULL, NULL);

  self = g_new0 (CsMappingCheck, 1);
  g_mutex_init (&self->lock);
  self->problems = cs_preview_problem_array_new ();
  self->run = cs_mapping_run_new (program, validate_all ? CS_MAPPING_RUN_VALIDATE_ALL : 0);
  self->mapping = cs_mapping_ref (cs_mapping_program_get_mapping (program));
  if (!cs_mapping_run_add_input (self->run, role, reader, error))
    {
      cs_mapping_check_free (self);
      return NULL;
    }
  return self;
}

gboolean
cs_mapping_check_add_input (CsMappingCheck *self,
                            const char     *role,
                            const char     *path,
                            GError        **error)
{
  CsMapping *mapping;
  CsCsvReader *reader;
  int input;

  g_return_val_if_fail (self != NULL && self->run != NULL, FALSE);

  mapping = self->mapping;
  if ((input = cs_mapping_find_input (mapping, role)) < 0)
    return TRUE;
  if ((reader = cs_csv_reader_new_for_path (path, cs_mapping_get_input_dialect (mapping, (guint) input), error)) == NULL)
    return FALSE;
  return cs_mapping_run_add_input (self->run, role, reader, error);
}

CsMappingCheck *
cs_mapping_check_new_run (CsMappingProgram         *program,
                          const CsMappingInputFile *inputs,
                          guint                     n_inputs,
                          const char               *output)
{
  CsMappingCheck *self;

  g_return_val_if_fail (program != NULL, NULL);
  g_return_val_if_fail (output != NULL, NULL);

  self = g_new0 (CsMappingCheck, 1);
  g_mutex_init (&self->lock);
  self->problems = cs_preview_problem_array_new ();
  self->program = cs_mapping_program_ref (program);
  self->inputs = cs_mapping_input_files_copy (inputs, n_inputs);
  self->n_inputs = n_inputs;
  self->output_path = g_strdup (output);
  return self;
}

gboolean
cs_mapping_check_set_output (CsMappingCheck *self,
                             const char     *path,
                             GError        **error)
{
  CsMappingOutputFormat format;

  g_return_val_if_fail (self != NULL && self->writer == NULL, FALSE);

  format = g_str_has_suffix (path, ".ndjson") ? CS_MAPPING_OUTPUT_NDJSON : CS_MAPPING_OUTPUT_TRANSACTION;
  if ((self->writer = cs_mapping_writer_new (path, format, error)) == NULL)
    return FALSE;
  self->output_path = g_strdup (path);
  return TRUE;
}

void
cs_mapping_check_free (CsMappingCheck *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->run, cs_mapping_run_free);
  g_clear_pointer (&self->writer, cs_mapping_writer_free);
  g_clear_pointer (&self->problems, g_ptr_array_unref);
  g_clear_pointer (&self->program, cs_mapping_program_unref);
  g_clear_pointer (&self->mapping, cs_mapping_unref);
  cs_mapping_input_files_free (self->inputs, self->n_inputs);
  g_mutex_clear (&self->lock);
  g_free (self->output_path);
  g_free (self);
}

/* ------------------------------------------------------------------ */
/* The sink (called on the worker thread)                              */

static gboolean
sink_resource (const CsMappingResource *resource,
               gpointer                 user_data,
               GError                 **error)
{
  CsMappingCheck *self = user_data;

  if (self->writer == NULL)
    return TRUE;
  return cs_mapping_writer_add (self->writer, resource->resource_type, resource->id, resource->json,
                                resource->length, error);
}

static void
sink_problem (const CsMappingProblem *problem,
              gpointer                user_data)
{
  CsMappingCheck *self = user_data;
  CsPreviewProblem *p = cs_preview_problem_new (problem);

  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->problems, p);
  g_mutex_unlock (&self->lock);
}

static void
sink_progress (const CsMappingProgress *progress,
               gpointer                 user_data)
{
  CsMappingCheck *self = user_data;

  g_mutex_lock (&self->lock);
  self->progress = *progress;
  self->has_progress = TRUE;
  g_mutex_unlock (&self->lock);
}

static const CsMappingSink check_sink = { sink_resource, sink_problem, sink_progress };
/* cs_mapping_execute() writes the resources itself */
static const CsMappingSink execute_sink = { NULL, sink_problem, sink_progress };

/* ------------------------------------------------------------------ */
/* Running                                                             */

void
cs_mapping_check_run_async (CsMappingCheck      *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (self != NULL);

  if (self->program != NULL)
    {
      CsMappingExecuteOptions options = { 0 };

      options.format = g_str_has_suffix (self->output_path, ".ndjson") ? CS_MAPPING_OUTPUT_NDJSON
                                                                      : CS_MAPPING_OUTPUT_TRANSACTION;
      cs_mapping_execute_async (self->program, self->inputs, self->n_inputs, self->output_path, &options,
                                &execute_sink, self, cancellable, callback, user_data);
      return;
    }
  cs_mapping_run_all_async (self->run, &check_sink, self, cancellable, callback, user_data);
}

gboolean
cs_mapping_check_run_finish (CsMappingCheck *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  gboolean ok;

  g_return_val_if_fail (self != NULL, FALSE);

  if (self->program != NULL)
    {
      g_clear_pointer (&self->run, cs_mapping_run_free);
      ok = cs_mapping_execute_finish (result, &self->run, error);
      if (!ok)
        g_clear_pointer (&self->output_path, g_free);
      return ok;
    }
  ok = cs_mapping_run_all_finish (self->run, result, error);
  if (self->writer != NULL)
    {
      if (ok && !cs_mapping_writer_commit (self->writer, error))
        ok = FALSE;
      if (!ok)
        cs_mapping_writer_abort (self->writer);
      g_clear_pointer (&self->writer, cs_mapping_writer_free);
      if (!ok)
        g_clear_pointer (&self->output_path, g_free);
    }
  return ok;
}

gboolean
cs_mapping_check_get_progress (CsMappingCheck    *self,
                               CsMappingProgress *progress)
{
  gboolean has;

  g_return_val_if_fail (self != NULL, FALSE);

  g_mutex_lock (&self->lock);
  has = self->has_progress;
  *progress = self->progress;
  g_mutex_unlock (&self->lock);
  return has;
}

GPtrArray *
cs_mapping_check_steal_problems (CsMappingCheck *self)
{
  GPtrArray *problems;

  g_return_val_if_fail (self != NULL, NULL);

  g_mutex_lock (&self->lock);
  problems = g_steal_pointer (&self->problems);
  self->problems = cs_preview_problem_array_new ();
  g_mutex_unlock (&self->lock);
  return problems;
}

void
cs_mapping_check_get_stats (CsMappingCheck *self,
                            CsMappingStats *stats)
{
  g_return_if_fail (self != NULL);

  if (self->run == NULL)
    {
      memset (stats, 0, sizeof *stats);
      return;
    }
  cs_mapping_run_get_stats (self->run, stats);
}

const char *
cs_mapping_check_get_output_path (CsMappingCheck *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->output_path;
}
