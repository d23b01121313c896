/* cs-patient-list-model.h: the patient rows of a store as a GListModel
 *
 * Items are CsPatientRow objects created on demand by get_item(): a model over
 * 100,000 patients holds an array of row indices, not 100,000 objects.
 * A row object stands for its position while someone holds it: get_item()
 * returns the same object again, and after items-changed (a sort, a new
 * selection or store) it shows the patient now at that position. This lets
 * GTK 4.8 keep the widgets of the visible rows across a sort instead of
 * destroying and making ~200 rows of cells. Copy cs_patient_row_get_row()
 * to remember a patient.
 *
 * The model sorts itself: cs_patient_list_model_sort() orders every store row
 * once (qsort over the column's values, an index array) and shows the
 * selected rows in that order with a single items-changed. Changing the
 * selection keeps the order without sorting again.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include "cs-store.h"
#include "cs-bitset.h"

G_BEGIN_DECLS

#define CS_TYPE_PATIENT_ROW (cs_patient_row_get_type ())
G_DECLARE_FINAL_TYPE (CsPatientRow, cs_patient_row, CS, PATIENT_ROW, GObject)

CsPatientRow *cs_patient_row_new        (CsStore      *store,
                                         guint         row);
CsStore      *cs_patient_row_get_store  (CsPatientRow *self);
guint         cs_patient_row_get_row    (CsPatientRow *self);

#define CS_TYPE_PATIENT_LIST_MODEL (cs_patient_list_model_get_type ())
G_DECLARE_FINAL_TYPE (CsPatientListModel, cs_patient_list_model, CS, PATIENT_LIST_MODEL, GObject)

CsPatientListModel *cs_patient_list_model_new           (void);
CsStore            *cs_patient_list_model_get_store     (CsPatientListModel *self);
/* Shows every patient of store (NULL: empty model). */
void                cs_patient_list_model_set_store     (CsPatientListModel *self,
                                                         CsStore            *store);
/* Shows only the rows set in rows (NULL: all rows). rows must have
 * cs_store_get_n_patients() bits. */
void                cs_patient_list_model_set_selection (CsPatientListModel *self,
                                                         const CsBitset     *rows);
guint               cs_patient_list_model_get_n_total   (CsPatientListModel *self);

typedef enum
{
  CS_PATIENT_SORT_NONE,      /* store order */
  CS_PATIENT_SORT_ID,        /* patient id, digit runs by value ("p9" < "p10") */
  CS_PATIENT_SORT_VARIABLE,  /* a variable's values; missing values last either way */
} CsPatientSort;

/* Orders the rows by patient id or by var (a variable of the model's store;
 * it must stay valid while the model shows that store). level_rank gives the
 * sort rank of each level of a CATEGORICAL var (copied; NULL: level order).
 * Ties keep store order. Survival times that tie put events before censored
 * times (ascending). Setting another store keeps an id sort and drops a
 * variable sort. */
void                cs_patient_list_model_sort          (CsPatientListModel *self,
                                                         CsPatientSort       by,
                                                         const CsVariable   *var,
                                                         const gint32       *level_rank,
                                                         gboolean            descending);
/* Position of store row row in the model, or G_MAXUINT if it is not shown. */
guint               cs_patient_list_model_find_row      (CsPatientListModel *self,
                                                         guint               row);
/* Compares patient ids with digit runs by value. */
int                 cs_patient_id_compare               (const char         *a,
                                                         const char         *b);

G_END_DECLS
