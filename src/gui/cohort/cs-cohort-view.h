/* cs-cohort-view.h: the Cohort page: variables, patient count and table
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include "cs-store.h"
#include "cs-bitset.h"

G_BEGIN_DECLS

#define CS_TYPE_COHORT_VIEW (cs_cohort_view_get_type ())
G_DECLARE_FINAL_TYPE (CsCohortView, cs_cohort_view, CS, COHORT_VIEW, GtkWidget)

GtkWidget  *cs_cohort_view_new               (void);
CsStore    *cs_cohort_view_get_store         (CsCohortView   *self);
/* Shows every patient of store; NULL clears the view. */
void        cs_cohort_view_set_store         (CsCohortView   *self,
                                              CsStore        *store);
/* Restricts the table to the rows set in rows (cs_store_get_n_patients() bits);
 * NULL shows every patient. The header then reads "N of M patients". */
void        cs_cohort_view_set_selection     (CsCohortView   *self,
                                              const CsBitset *rows);
/* The table's rows as shown: a GtkSortListModel of CsPatientRow. Should it
 * ever sort incrementally, gtk_sort_list_model_get_pending() is 0 once sorted. */
GListModel *cs_cohort_view_get_patient_model (CsCohortView   *self);
/* "400 of 400 patients" */
const char *cs_cohort_view_get_count_text    (CsCohortView   *self);
/* Opens the detail window of the patient at position in the table. */
GtkWindow  *cs_cohort_view_open_patient      (CsCohortView   *self,
                                              guint           position);
/* Opens the detail window of the patient of store row row; with images,
 * its "Open Images" list too (a chart point's menu). */
GtkWindow  *cs_cohort_view_open_patient_row  (CsCohortView   *self,
                                              guint           row,
                                              gboolean        images);
/* Shows or hides the table column of a variable; FALSE if there is no such key. */
gboolean    cs_cohort_view_set_column_shown  (CsCohortView   *self,
                                              const char     *key,
                                              gboolean        shown);
/* NULL-terminated keys of the variable columns in display order. */
char      **cs_cohort_view_dup_column_keys   (CsCohortView   *self);
/* Sorts the table by a variable's column (shown if needed); NULL key sorts
 * by patient id. Missing values sort last in both directions. */
gboolean    cs_cohort_view_sort_by_key       (CsCohortView   *self,
                                              const char     *key,
                                              GtkSortType     direction);
void        cs_cohort_view_focus_search      (CsCohortView   *self);

G_END_DECLS
