/* cs-cohort-builder.h: filter sidebar, chips, advanced expression and
 * crossfilter dashboard around the Cohort view's table
 *
 * The builder takes a CsCohortView as its child (GtkBuildable <child>) and
 * places it under the chips, the expression entry and the dashboard of
 * small charts, with the filter sidebar on its left. Filter edits go to a
 * CsFilterState; evaluation is coalesced to one per frame and its result
 * goes to cs_cohort_view_set_selection() and the "selection-changed" signal.
 *
 * Actions (widget group "filter", cs-cohort-builder-actions.c): filter.undo
 * (Ctrl+Z), filter.redo (Ctrl+Shift+Z), filter.clear, filter.save (Ctrl+S),
 * filter.open, filter.export-group, filter.upload-group (Ctrl+Shift+G;
 * enabled with data), filter.compare, filter.coverage, filter.focus-expression
 * (Ctrl+E).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include "cs-bitset.h"
#include "cs-cohort-view.h"
#include "cs-filter-state.h"
#include "cs-saved-cohort.h"
#include "cs-store.h"

G_BEGIN_DECLS

#define CS_TYPE_COHORT_BUILDER (cs_cohort_builder_get_type ())
G_DECLARE_FINAL_TYPE (CsCohortBuilder, cs_cohort_builder, CS, COHORT_BUILDER, GtkWidget)

GtkWidget      *cs_cohort_builder_new            (void);
/* NULL clears. Resets the filter, its undo history and the dashboard. */
void            cs_cohort_builder_set_store      (CsCohortBuilder *self,
                                                  CsStore         *store);
CsStore        *cs_cohort_builder_get_store      (CsCohortBuilder *self);
CsCohortView   *cs_cohort_builder_get_cohort_view (CsCohortBuilder *self);
CsFilterState  *cs_cohort_builder_get_filter_state (CsCohortBuilder *self);
/* The rows of the current cohort (NULL: every patient); owned by the builder. */
const CsBitset *cs_cohort_builder_get_selection  (CsCohortBuilder *self);
/* The rows of the current cohort as a new bitset (every patient set when
 * there is no filter); NULL without a store. */
CsBitset       *cs_cohort_builder_dup_rows       (CsCohortBuilder *self);
/* "148 of 400 patients", updated every frame (during a drag the table
 * follows every TABLE_DELAY ms, at most). */
const char     *cs_cohort_builder_get_count_text (CsCohortBuilder *self);
/* Runs a pending evaluation now (it otherwise runs on the next frame) and
 * brings the table up to date. */
void            cs_cohort_builder_flush          (CsCohortBuilder *self);

/* Dashboard: pinned variables (default stage_group, histology,
 * smoking_status, gender, age_at_diagnosis, when present). */
void            cs_cohort_builder_pin            (CsCohortBuilder *self,
                                                  const char      *key);
/* Filter sidebar: adds the control card of a variable (or focuses it);
 * FALSE when the store has no such variable. */
gboolean        cs_cohort_builder_add_control    (CsCohortBuilder *self,
                                                  const char      *key);

/* Adds the scores of the models of the saved cohort applied last (its
 * "models") to the store as derived variables; the number added, or -1 and
 * error naming the model that failed (those before it stay). */
int             cs_cohort_builder_add_model_scores (CsCohortBuilder *self,
                                                    GError         **error);
/* Saved cohorts of this session (CsSavedCohort*, owned by the builder). */
GPtrArray      *cs_cohort_builder_get_saved      (CsCohortBuilder *self);
/* Adds the current filter as a saved cohort of the session; returns it. */
const CsSavedCohort *cs_cohort_builder_save_current (CsCohortBuilder *self,
                                                  const char      *name,
                                                  const char      *description);

/* The current cohort as a new saved cohort named name: its filter, or its
 * patients when a frozen cohort (a list or Group) is applied. */
CsSavedCohort  *cs_cohort_builder_dup_current    (CsCohortBuilder *self,
                                                  const char      *name);
/* The name of the applied frozen cohort, or NULL. */
const char     *cs_cohort_builder_get_members_name (CsCohortBuilder *self);

G_END_DECLS
