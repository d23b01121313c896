/* cs-group-upload-dialog-private.h: test hooks of "Upload as FHIR Group…"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-group-upload-dialog.h"

G_BEGIN_DECLS

/* The confirmation shown before uploading a cohort loaded from elsewhere,
 * while it is open, else NULL. */
AdwMessageDialog *_cs_group_upload_dialog_get_confirmation (CsGroupUploadDialog *self);
/* The URL of the Group after a successful upload, else NULL. */
const char       *_cs_group_upload_dialog_get_group_url    (CsGroupUploadDialog *self);

G_END_DECLS
