/* cs-file-upload-dialog.h: "Upload to Server…"
 *
 * Uploads a Bundle or NDJSON file to a saved server with stable ids (PUT),
 * so that uploading it again creates nothing new: a dry run counts what
 * would be created, updated or left unchanged, and Upload needs one for
 * the same file and server. Progress, counts, the entries that failed
 * ("errors") and Cancel (Close) as CsUploadDialog shows them.
 *
 * Widgets have names for tests: "server", "file", "dry-run", "upload",
 * "cancel", "progress", "status", "errors".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-upload-dialog.h"

G_BEGIN_DECLS

#define CS_TYPE_FILE_UPLOAD_DIALOG (cs_file_upload_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CsFileUploadDialog, cs_file_upload_dialog, CS, FILE_UPLOAD_DIALOG, CsUploadDialog)

/* The dialog for parent (not yet shown). */
GtkWindow *cs_file_upload_dialog_new      (GtkWindow          *parent);
/* Sets the file to upload (what the file chooser does). */
void       cs_file_upload_dialog_set_path (CsFileUploadDialog *self,
                                           const char         *path);

G_END_DECLS
