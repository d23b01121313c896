/* cs-explore-view-private.h: CsExploreView's insides and test hooks
 *
 * The view is split by role: cs-explore-view.c (the store, the rows of the
 * cohort, the roll-up, when to recompute), cs-explore-export.c (the Export
 * menu's actions), and one widget per page (cs-explore-heatmap.c,
 * cs-explore-pair.c, cs-explore-survival.c, cs-explore-model.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-chart-widget.h"
#include "cs-explore-heatmap.h"
#include "cs-explore-model.h"
#include "cs-explore-pair.h"
#include "cs-explore-survival.h"
#include "cs-explore-view.h"

G_BEGIN_DECLS

struct _CsExploreView
{
  GtkWidget          parent_instance;

  /* Template */
  GtkStack          *outer_stack;
  GtkStack          *mode_stack;
  GtkLabel          *cohort_label;
  GtkLabel          *caption_label;  /* the test and the cohort under the charts */
  GtkDropDown       *rollup_dropdown;
  CsExploreHeatmap  *heatmap;
  CsExplorePair     *pair;
  CsExploreSurvival *survival;
  CsExploreModel    *model;

  CsStore           *store;
  CsBitset          *selection;
  GArray            *rows;           /* guint store rows in use; replaced, never changed in place */
  guint              updating;

  /* Selection changes are coalesced: hidden, the view only marks itself
   * dirty; shown, a burst of changes gives one recomputation in an idle. */
  gboolean           dirty;
  guint              recompute_id;
  gulong             variable_added_id;
  guint              n_recomputes;   /* recompute_all() calls, for tests */

  int                export_width;
  int                export_height;

  /* what an exported chart's caption names besides the chart */
  char              *filter_text;    /* the cohort's filter, "" for none */
  char              *source_label;   /* the open source */
};

/* cs-explore-export.c: the explore.export-* actions */
void           _cs_explore_view_class_actions_init (GtkWidgetClass *widget_class);

/* Test hooks. TRUE while the heat map is being computed or a recomputation
 * is scheduled (not while the view is hidden and only marked dirty). */
gboolean       _cs_explore_view_get_busy           (CsExploreView  *self);
/* How often everything was recomputed (a new store, roll-up or selection),
 * and whether a selection change still waits to be applied. */
guint          _cs_explore_view_get_n_recomputes   (CsExploreView  *self);
gboolean       _cs_explore_view_get_dirty          (CsExploreView  *self);
CsChartWidget *_cs_explore_view_get_heatmap        (CsExploreView  *self);
CsChartWidget *_cs_explore_view_get_pair_chart     (CsExploreView  *self);
CsChartWidget *_cs_explore_view_get_km_chart       (CsExploreView  *self);
/* The heat map's feature (row) and clinical (column) keys */
const char    *_cs_explore_view_get_heat_row_key   (CsExploreView  *self,
                                                    guint           row);
const char    *_cs_explore_view_get_heat_col_key   (CsExploreView  *self,
                                                    guint           col);
/* The test of the pair chart; FALSE when none was run. */
gboolean       _cs_explore_view_get_pair_result    (CsExploreView  *self,
                                                    CsStatsResult  *result);
/* The texts beside the pair and survival charts */
const char    *_cs_explore_view_get_stats_text     (CsExploreView  *self);
const char    *_cs_explore_view_get_survival_text  (CsExploreView  *self);
CsExploreModel *_cs_explore_view_get_model         (CsExploreView  *self);
/* The line under the charts (the test and the cohort), "" when hidden */
const char    *_cs_explore_view_get_caption_text   (CsExploreView  *self);
/* The filter expression of the current scatter brush (NULL if none). */
char          *_cs_explore_view_dup_brush_filter   (CsExploreView  *self);

G_END_DECLS
