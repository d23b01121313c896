/* cs-patient-list-model.h: the patient rows of a store as a GListModel
 *
 * Items are CsPatientRow objects created on demand by get_item(): a model over
 * 100,000 patients holds an array of row indices, not 100,000 objects.
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

G_END_DECLS
