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
/* The image viewer URL template of the server the patient came from
 * (cs-server-profile.h; NULL: none): "Open Images" opens each study with
 * it; without one, it offers the StudyInstanceUIDs to copy. */
void       cs_patient_detail_set_viewer_template (CsPatientDetail *self,
                                                  const char      *viewer_template);
/* Shows the "Open Images" list (when the patient has a study) */
void       cs_patient_detail_popup_images      (CsPatientDetail *self);
/* The patient's StudyInstanceUIDs (owned by the store; may be NULL) */
GPtrArray *cs_patient_detail_get_study_uids    (CsPatientDetail *self);
/* What "Open Images" does for study n: opens it in the viewer
 * (cs_gui_launch_uri) with a template, else copies its UID; FALSE when
 * there is no study n. */
gboolean   cs_patient_detail_open_study        (CsPatientDetail *self,
                                                guint            n);
/* The JSON text shown (empty when the resource could not be read). */
char      *cs_patient_detail_dup_json_text     (CsPatientDetail *self);
/* The "How derived" section as text: per entry its heading and its line */
char      *cs_patient_detail_dup_derivation_text (CsPatientDetail *self);

G_END_DECLS
