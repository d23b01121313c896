/* cs-mini-chart.h: a small chart of one variable that filters the cohort
 *
 * The charts of the cohort builder's dashboard and filter cards: bars for a
 * categorical or boolean variable, a histogram for a numeric or date one,
 * both with the whole table muted and the cohort over it, drawn by the core
 * renderers (the compact forms of cs_chart_bar_draw() and
 * cs_chart_histogram_draw(), hit-tested through their layout).
 *
 * Clicking a bar (or Left/Right and Space or Enter) toggles its value in the
 * filter state; dragging on a histogram sets a range (the whole drag is one
 * undo step) and a click clears it; Delete or Backspace removes the
 * variable's clauses. The chart redraws itself when the filter state
 * changes; the owner gives it the cohort's rows after each evaluation.
 *
 * Accessible name: "Chart <key>", description: the variable's label.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "cs-bitset.h"
#include "cs-filter-state.h"
#include "cs-variable.h"

G_BEGIN_DECLS

#define CS_TYPE_MINI_CHART (cs_mini_chart_get_type ())
G_DECLARE_FINAL_TYPE (CsMiniChart, cs_mini_chart, CS, MINI_CHART, GtkWidget)

GtkWidget  *cs_mini_chart_new           (void);
/* Charts var (of the store, not owned) against the clauses of state, with
 * the variable's label as a title when titled. FALSE (and an empty chart)
 * when var has nothing to chart: a time-to-event variable, or a numeric one
 * without a value. */
gboolean    cs_mini_chart_set_variable  (CsMiniChart    *self,
                                         CsFilterState  *state,
                                         CsVariable     *var,
                                         gboolean        titled);
/* The variable's key, or NULL. */
const char *cs_mini_chart_get_key       (CsMiniChart    *self);
/* Counts the cohort (NULL: every patient) and redraws. */
void        cs_mini_chart_set_selection (CsMiniChart    *self,
                                         const CsBitset *rows);

G_END_DECLS
