/* cs-patient-detail.h: a window with one patient's resources and their JSON
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include "cs-store.h"

G_BEGIN_DECLS

#define CS_TYPE_PATIENT_DETAIL (cs_patient_detail_get_type ())
G_DECLARE_FINAL_TYPE (CsPatientDetail, cs_patient_detail, CS, PATIENT_DETAIL, AdwWindow)

GtkWidget *cs_patient_detail_new               (CsStore         *store,
                                                guint            row);
guint      cs_patient_detail_get_n_resources   (CsPatientDetail *self);
/* Shows the JSON of the patient's n-th resource (0 is the Patient). */
void       cs_patient_detail_select_resource   (CsPatientDetail *self,
                                                guint            n);
/* The JSON text shown (empty when the resource could not be read). */
char      *cs_patient_detail_dup_json_text     (CsPatientDetail *self);

G_END_DECLS
