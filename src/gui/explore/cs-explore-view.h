/* cs-explore-view.h: the Explore page: heat map, pair charts, survival
 *
 * The landing page is the correlation heat map of the Radiomics features ×
 * the numeric and boolean clinical variables (Spearman, Benjamini–Hochberg
 * q), computed on a worker thread over copies of the columns. Clicking a
 * cell opens its pair chart (scatter or box) with the stats panel; the
 * third page is survival. The pages are CsExploreHeatmap, CsExplorePair
 * and CsExploreSurvival; the Export menu saves the current page's chart,
 * data or statistics.
 *
 * Signals: gboolean "filter-requested" (const char *expression) when the
 * user asks for a cohort filter from a scatter brush ("k >= a and k <= b and
 * …"); return TRUE when applied, else the view copies it to the clipboard.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include "cs-bitset.h"
#include "cs-store.h"

G_BEGIN_DECLS

#define CS_TYPE_EXPLORE_VIEW (cs_explore_view_get_type ())
G_DECLARE_FINAL_TYPE (CsExploreView, cs_explore_view, CS, EXPLORE_VIEW, GtkWidget)

GtkWidget     *cs_explore_view_new             (void);
/* NULL clears the view. Starts the heat map computation. */
void           cs_explore_view_set_store       (CsExploreView  *self,
                                                CsStore        *store);
/* Only these rows (copied; NULL: every patient). The rows apply at once;
 * the charts, statistics and heat map are recomputed once per burst of
 * changes in an idle while the view is shown, and only when it is shown
 * again while it is hidden (a running heat map for the old rows is
 * cancelled). */
void           cs_explore_view_set_selection   (CsExploreView  *self,
                                                const CsBitset *rows);
/* What exported charts name in their caption: the cohort's filter text
 * (NULL or "" for none) and the open source ("Demo cohort", a file, a
 * server). */
void           cs_explore_view_set_context     (CsExploreView  *self,
                                                const char     *filter_text,
                                                const char     *source_label);
/* The caption's cohort, the filter in words: "113 of 400 patients: Clinical
 * stage group IIIA or IIIB" (cs_filter_describe()) */
char          *cs_explore_view_dup_cohort_text (CsExploreView  *self);
/* The filter expression set with the context ("" for none) */
const char    *cs_explore_view_get_filter_text (CsExploreView  *self);
/* "heatmap", "pair", "survival" or "model" */
const char    *cs_explore_view_get_mode        (CsExploreView  *self);
void           cs_explore_view_set_mode        (CsExploreView  *self,
                                                const char     *mode);
/* Opens the pair chart of two variables (keys; y_key NULL: none); FALSE if
 * one is unknown. */
gboolean       cs_explore_view_show_pair       (CsExploreView  *self,
                                                const char     *x_key,
                                                const char     *y_key);
/* Survival: time variable key, grouping key (NULL: none) and split
 * ("median", "tertiles", a number, or NULL for the levels). */
gboolean       cs_explore_view_show_survival   (CsExploreView  *self,
                                                const char     *time_key,
                                                const char     *group_key,
                                                const char     *split);
/* Model: a Cox model of time_key on covariates (NULL-terminated keys), with
 * references ("KEY=LEVEL, …"; NULL: the most frequent levels) and
 * strata_key (NULL: none), fitted off the main thread. */
gboolean       cs_explore_view_show_model      (CsExploreView      *self,
                                                const char         *time_key,
                                                const char * const *covariates,
                                                const char         *references,
                                                const char         *strata_key);
/* Lesion roll-up of the store's Radiomics columns (as the Lesions menu);
 * recomputes everything. FALSE when it did not change. */
gboolean       cs_explore_view_set_rollup      (CsExploreView  *self,
                                                CsRollup        rollup);
/* What "Create Filter from Selection" does: emits filter-requested with the
 * brush's expression. TRUE when a handler applied it. */
gboolean       cs_explore_view_request_filter  (CsExploreView  *self);
/* Writes the rows behind the current page's chart / its statistics (JSON
 * or CSV), computed for the current rows (cs-explore-export.c). */
gboolean       cs_explore_view_write_data_csv  (CsExploreView  *self,
                                                const char     *path,
                                                GError        **error);
gboolean       cs_explore_view_write_stats     (CsExploreView  *self,
                                                const char     *path,
                                                gboolean        json,
                                                GError        **error);

G_END_DECLS
