/* cs-explore-pair.h: the Explore view's pair chart page
 *
 * Two variables (X, and Y or none) as a scatter, box, violin, histogram or
 * bar chart, with the test that fits their types (or the one chosen) in
 * the stats panel, as `cohortscope-cli stats` runs it (src/core/analysis).
 * Dragging on a scatter plot selects points; "Create Filter from
 * Selection" emits gboolean "filter-requested" (const char *expression)
 * with "x >= a and x <= b and y >= c and y <= d", and copies it to the
 * clipboard when no handler applied it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include "cs-chart-widget.h"
#include "cs-stats.h"
#include "cs-store.h"

G_BEGIN_DECLS

#define CS_TYPE_EXPLORE_PAIR (cs_explore_pair_get_type ())
G_DECLARE_FINAL_TYPE (CsExplorePair, cs_explore_pair, CS, EXPLORE_PAIR, GtkBox)

/* Lists store's variables (NULL clears) and chooses the first Radiomics
 * feature for X and the first numeric clinical variable for Y; the chart
 * follows with cs_explore_pair_update(). */
void           cs_explore_pair_set_store         (CsExplorePair  *self,
                                                  CsStore        *store);
/* Lists the store's variables again, keeping the two chosen, and updates
 * (after a derived variable was added). */
void           cs_explore_pair_refresh_variables (CsExplorePair  *self);
/* The store rows to chart (a reference is kept; the array is never
 * changed in place). Nothing is recomputed until an update. */
void           cs_explore_pair_set_rows          (CsExplorePair  *self,
                                                  GArray         *rows);
/* Draws the chart and runs the test for the rows. */
void           cs_explore_pair_update            (CsExplorePair  *self);
/* Chooses x_key and y_key (NULL: none) with the automatic chart and test,
 * and updates; FALSE when a key is unknown. */
gboolean       cs_explore_pair_show              (CsExplorePair  *self,
                                                  const char     *x_key,
                                                  const char     *y_key);
CsChartWidget *cs_explore_pair_get_chart         (CsExplorePair  *self);
/* The test shown; FALSE when none was run. */
gboolean       cs_explore_pair_get_result        (CsExplorePair  *self,
                                                  CsStatsResult  *result);
/* The text of the stats panel */
const char    *cs_explore_pair_get_stats_text    (CsExplorePair  *self);
/* The filter expression of the current brush, or NULL */
char          *cs_explore_pair_dup_brush_filter  (CsExplorePair  *self);
/* What "Create Filter from Selection" does; TRUE when a handler applied it. */
gboolean       cs_explore_pair_request_filter    (CsExplorePair  *self);
/* Updates for the current rows, then appends the rows behind the chart
 * (patient_id and the cells of X and Y as `table` prints them) / the test
 * (JSON or CSV; nothing without one) to out. */
void           cs_explore_pair_write_data        (CsExplorePair  *self,
                                                  GString        *out);
void           cs_explore_pair_write_stats       (CsExplorePair  *self,
                                                  gboolean        json,
                                                  GString        *out);

G_END_DECLS
