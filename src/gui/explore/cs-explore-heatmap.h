/* cs-explore-heatmap.h: the Explore view's heat map page
 *
 * The Spearman correlations (Benjamini–Hochberg q) of the Radiomics
 * features × the numeric, boolean and ordinal clinical variables that are
 * not constant in the cohort, computed on a worker thread over copies of
 * the columns it makes itself, so the main thread copies nothing. While it
 * computes: a spinner and Cancel. Activating a cell emits
 * "pair-activated" (feature key, clinical key).
 *
 * A lesion roll-up rewrites the store's Radiomics columns in place: do it
 * through cs_explore_heatmap_set_store_rollup(), which waits for workers
 * that are copying them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include "cs-chart-widget.h"
#include "cs-store.h"

G_BEGIN_DECLS

#define CS_TYPE_EXPLORE_HEATMAP (cs_explore_heatmap_get_type ())
G_DECLARE_FINAL_TYPE (CsExploreHeatmap, cs_explore_heatmap, CS, EXPLORE_HEATMAP, GtkBox)

/* Computes the heat map of store's rows (a reference is kept; the array
 * is never changed in place) on a worker; a running one is cancelled.
 * NULL store clears the page. */
void           cs_explore_heatmap_start              (CsExploreHeatmap *self,
                                                      CsStore          *store,
                                                      GArray           *rows);
/* Cancels a running computation (its rows are stale); the page keeps its
 * last map. */
void           cs_explore_heatmap_cancel             (CsExploreHeatmap *self);
gboolean       cs_explore_heatmap_get_busy           (CsExploreHeatmap *self);
CsChartWidget *cs_explore_heatmap_get_chart          (CsExploreHeatmap *self);
/* The feature (row) and clinical (column) keys of the map shown, or NULL. */
const char    *cs_explore_heatmap_get_row_key        (CsExploreHeatmap *self,
                                                      guint             row);
const char    *cs_explore_heatmap_get_col_key        (CsExploreHeatmap *self,
                                                      guint             col);
/* Appends the cells ("feature,clinical,rho,p,q,n" CSV, or JSON with the
 * method) to out; FALSE when no map has been computed. */
gboolean       cs_explore_heatmap_write              (CsExploreHeatmap *self,
                                                      gboolean          json,
                                                      GString          *out,
                                                      GError          **error);
/* Sets store's lesion roll-up while no heat map worker copies its columns;
 * TRUE when it changed. */
gboolean       cs_explore_heatmap_set_store_rollup   (CsStore          *store,
                                                      CsRollup          rollup);

G_END_DECLS
