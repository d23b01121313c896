/* cs-cohort-builder-private.h: what the builder's files share, and the
 * test hooks
 *
 * cs-cohort-builder.c holds the layout, the evaluation and the saved
 * cohorts; cs-cohort-builder-actions.c the "filter" actions and the file
 * dialogs they open.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "cs-cohort-builder.h"
#include "cs-filter-chips.h"
#include "cs-variable-picker.h"

G_BEGIN_DECLS

struct _CsCohortBuilder
{
  GtkWidget         parent_instance;

  /* Template */
  AdwFlap          *flap;
  CsVariablePicker *variable_picker;
  GtkBox           *cards_box;        /* CsFilterCard */
  GtkListBox       *saved_list;
  GtkBox           *content_box;
  CsFilterChips    *chips;
  GtkEntry         *expression_entry;
  GtkLabel         *expression_error;
  GtkLabel         *count_label;
  GtkBox           *dashboard_box;    /* CsMiniChart */
  GtkFlowBox       *saved_actions;    /* the Saved Cohorts buttons */

  CsCohortView     *cohort_view;
  CsStore          *store;
  CsFilterState    *state;
  CsBitset         *selection;        /* NULL = every patient */
  CsBitset         *members;          /* restriction to a frozen cohort, or NULL */
  char             *members_name;
  GPtrArray        *saved;            /* CsSavedCohort*, as in saved_list */
  GPtrArray        *offered_models;   /* char* model JSON of the cohort applied last, or NULL */
  guint             tick_id;
  guint             idle_id;
  guint             push_id;          /* deferred update of the table */
  gint64            last_evaluation;
};

/* cs-cohort-builder-actions.c */
void           _cs_cohort_builder_class_actions_init (GtkWidgetClass      *widget_class);

/* Restricts the cohort to members (taken; NULL: no restriction), named name. */
void           _cs_cohort_builder_set_members        (CsCohortBuilder     *self,
                                                      CsBitset            *members,
                                                      const char          *name);
/* Lists cohort (taken) under Saved Cohorts. */
void           _cs_cohort_builder_add_saved          (CsCohortBuilder     *self,
                                                      CsSavedCohort       *cohort);
/* Makes cohort the current one: its filter, or its patients as members. */
void           _cs_cohort_builder_apply_saved        (CsCohortBuilder     *self,
                                                      const CsSavedCohort *cohort);
/* Offers the models of cohort (applied) in a toast: "Add Scores". */
void           _cs_cohort_builder_offer_models       (CsCohortBuilder     *self,
                                                      const CsSavedCohort *cohort);
/* The current cohort (after a pending evaluation) as a new saved cohort,
 * with the models of a saved cohort of the same name. */
CsSavedCohort *_cs_cohort_builder_current_cohort     (CsCohortBuilder     *self,
                                                      const char          *name,
                                                      const char          *description);

/* Test hooks */
/* The dashboard chart of key (a CsMiniChart), or NULL. */
GtkWidget     *_cs_cohort_builder_get_chart          (CsCohortBuilder     *self,
                                                      const char          *key);
/* The filter card of key (a CsFilterCard), or NULL. */
GtkWidget     *_cs_cohort_builder_get_card           (CsCohortBuilder     *self,
                                                      const char          *key);
/* The chips (buttons) of the active clauses, in order; g_list_free() it. */
GList         *_cs_cohort_builder_get_chips          (CsCohortBuilder     *self);
GtkEditable   *_cs_cohort_builder_get_expression_entry (CsCohortBuilder   *self);
/* The box of the dashboard's charts (CsMiniChart children) */
GtkWidget     *_cs_cohort_builder_get_dashboard        (CsCohortBuilder   *self);
/* The inline message under the expression entry ("" when fine). */
const char    *_cs_cohort_builder_get_expression_error (CsCohortBuilder   *self);
/* The AdwFlap whose flap is the filter sidebar. */
AdwFlap       *_cs_cohort_builder_get_flap           (CsCohortBuilder     *self);

G_END_DECLS
