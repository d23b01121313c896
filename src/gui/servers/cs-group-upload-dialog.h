/* cs-group-upload-dialog.h: "Upload as FHIR Group…"
 *
 * Uploads the current cohort, or a saved one, to a FHIR server as a Group
 * with a stable id (cs_saved_cohort_dup_group_id: the saved cohort's id, or
 * one derived from its name), so uploading it again updates that Group. The
 * server defaults to the one the cohort was loaded from. A dry run says
 * whether the Group would be created, updated or left unchanged; Upload
 * needs one. When the cohort was not loaded from the chosen server, the
 * dialog says so, the dry run counts the members that server does not
 * have, and Upload asks before sending a Group whose references may dangle.
 * After the upload the window shows a toast with the Group's URL.
 *
 * Widgets have names for tests: "cohort", "name", "server", "group-id",
 * "dry-run", "upload", "status", "warning".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include "cs-cohort-builder.h"
#include "cs-upload-dialog.h"
#include "cs-window.h"

G_BEGIN_DECLS

#define CS_TYPE_GROUP_UPLOAD_DIALOG (cs_group_upload_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CsGroupUploadDialog, cs_group_upload_dialog, CS, GROUP_UPLOAD_DIALOG, CsUploadDialog)

/* The dialog (not yet shown) for builder's cohorts in window. saved_index
 * preselects a saved cohort (-1: the current cohort). */
GtkWindow *cs_group_upload_dialog_new (CsWindow        *window,
                                       CsCohortBuilder *builder,
                                       int              saved_index);

G_END_DECLS
