/* cs-mapping-problems-pane.h: Validate and Run, and the problems they found
 *
 * Runs the mapping over every row of the table off the main thread
 * (CsMappingCheck in src/core/mapping-assist): a validation, or a run that
 * writes NDJSON or a transaction Bundle. While it runs, "progress" (double
 * fraction, < 0 when unknown; const char *text) at most ten times a second
 * and the "running" property; Cancel keeps the problems found so far. At
 * the end the summary and every problem (table, row, column, value,
 * message) in a list that stays smooth for any number of them; activating
 * one emits "problem-activated" (guint index). "finished" when a job ended
 * (done, failed or cancelled); errors through "show-error" (heading,
 * message, hint).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "cs-mapping-assist.h"

G_BEGIN_DECLS

#define CS_TYPE_MAPPING_PROBLEMS_PANE (cs_mapping_problems_pane_get_type ())
G_DECLARE_FINAL_TYPE (CsMappingProblemsPane, cs_mapping_problems_pane, CS, MAPPING_PROBLEMS_PANE, GtkBox)

/* Validates (output NULL) or writes output: the program's input role read
 * by reader (taken). FALSE, after "show-error", when it cannot start. */
gboolean                cs_mapping_problems_pane_start           (CsMappingProblemsPane *self,
                                                                  CsMappingProgram      *program,
                                                                  const char            *role,
                                                                  CsCsvReader           *reader,
                                                                  const CsMappingInputFile *others,
                                                                  guint                  n_others,
                                                                  const char            *output);
/* A Run through cs_mapping_execute() (the CLI's run): program compiled
 * against the inputs' files. */
void                    cs_mapping_problems_pane_start_run       (CsMappingProblemsPane    *self,
                                                                  CsMappingProgram         *program,
                                                                  const CsMappingInputFile *inputs,
                                                                  guint                     n_inputs,
                                                                  const char               *output);
void                    cs_mapping_problems_pane_cancel          (CsMappingProblemsPane *self);
gboolean                cs_mapping_problems_pane_get_running     (CsMappingProblemsPane *self);
/* The file the last successful run wrote, or NULL. */
const char             *cs_mapping_problems_pane_get_output_path (CsMappingProblemsPane *self);
/* The problems of the last job (CsPreviewProblem), or NULL. */
GPtrArray              *cs_mapping_problems_pane_get_problems    (CsMappingProblemsPane *self);
guint                   cs_mapping_problems_pane_get_n_problems  (CsMappingProblemsPane *self);
const CsPreviewProblem *cs_mapping_problems_pane_get_problem     (CsMappingProblemsPane *self,
                                                                  guint                  index);

G_END_DECLS
