/* cs-mapping-check.c: the editor's Validate and Run over a whole table
 *
 * One CsMappingRun over one table in a thread: the problems are gathered
 * (as the preview's CsPreviewProblem), the latest progress is kept for the
 * caller to poll, and a Run's resources go to a CsMappingWriter that is
 * committed only when the whole table went through.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "cs-mapping-assist.h"
#include "cs-mapping-output.h"

struct _CsMappingCheck
{
  CsMappingRun      *run;
  CsMappingWriter   *writer;
  char              *output_path;

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
  if (!cs_mapping_run_add_input (self->run, role, reader, error))
    {
      cs_mapping_check_free (self);
      return NULL;
    }
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
  CsPreviewProblem *p = g_new0 (CsPreviewProblem, 1);

  p->severity = problem->severity;
  p->row = problem->row;
  p->column = g_strdup (problem->column);
  p->value = g_strdup (problem->value);
  p->resource = g_strdup (problem->resource);
  p->element = g_strdup (problem->element);
  p->message = cs_mapping_problem_to_string (problem);
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

/* ------------------------------------------------------------------ */
/* Running                                                             */

void
cs_mapping_check_run_async (CsMappingCheck      *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (self != NULL);

  cs_mapping_run_all_async (self->run, &check_sink, self, cancellable, callback, user_data);
}

gboolean
cs_mapping_check_run_finish (CsMappingCheck *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  gboolean ok;

  g_return_val_if_fail (self != NULL, FALSE);

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

  cs_mapping_run_get_stats (self->run, stats);
}

const char *
cs_mapping_check_get_output_path (CsMappingCheck *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->output_path;
}
