/* cs-explore-survival.h: the Explore view's survival page
 *
 * Kaplan–Meier curves of a time-to-event variable, for all patients or by
 * a grouping variable (its levels, or a numeric one split at the median,
 * the tertiles or a typed cut: the rules of `cohortscope-cli survival`,
 * src/core/analysis), with the medians and the log-rank test.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include "cs-chart-widget.h"
#include "cs-store.h"

G_BEGIN_DECLS

#define CS_TYPE_EXPLORE_SURVIVAL (cs_explore_survival_get_type ())
G_DECLARE_FINAL_TYPE (CsExploreSurvival, cs_explore_survival, CS, EXPLORE_SURVIVAL, GtkBox)

/* Lists store's time-to-event and grouping variables (NULL clears); the
 * chart follows with cs_explore_survival_update(). */
void           cs_explore_survival_set_store   (CsExploreSurvival *self,
                                                CsStore           *store);
/* Lists the store's variables again, keeping the choices, and updates
 * (after a derived variable was added). */
void           cs_explore_survival_refresh_variables (CsExploreSurvival *self);
/* The store rows to use (a reference is kept; the array is never changed
 * in place). Nothing is recomputed until an update. */
void           cs_explore_survival_set_rows    (CsExploreSurvival *self,
                                                GArray            *rows);
void           cs_explore_survival_update      (CsExploreSurvival *self);
/* Chooses time_key, group_key (NULL: none) and split ("median",
 * "tertiles", a number; NULL: the median) and updates; FALSE when a key is
 * unknown. */
gboolean       cs_explore_survival_show        (CsExploreSurvival *self,
                                                const char        *time_key,
                                                const char        *group_key,
                                                const char        *split);
CsChartWidget *cs_explore_survival_get_chart   (CsExploreSurvival *self);
/* The text beside the chart (medians, log-rank, or why there is no chart) */
const char    *cs_explore_survival_get_text    (CsExploreSurvival *self);
/* Updates for the current rows, then appends the rows behind the chart
 * ("patient_id,time,event,group") / the statistics (JSON, or the medians
 * as CSV) to out; nothing when there is no chart. */
void           cs_explore_survival_write_data  (CsExploreSurvival *self,
                                                GString           *out);
void           cs_explore_survival_write_stats (CsExploreSurvival *self,
                                                gboolean           json,
                                                GString           *out);

G_END_DECLS
