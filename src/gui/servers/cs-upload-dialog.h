/* cs-upload-dialog.h: what "Upload to Server…" and "Upload as FHIR Group…" share
 *
 * An abstract window: Close, Dry Run ("dry-run", the default) and Upload
 * ("upload") in the header bar, and a page that the subclass's template
 * fills with preferences groups. That template names its CsServerRow
 * ("server-row") and its CsUploadStatus ("status"); the tooltips of the two
 * buttons are properties too ("dry-run-tooltip", "upload-tooltip").
 *
 * The flow: Dry Run needs something to run on (a key, from dup_key); Upload
 * needs a clean dry run of the same key; while a job runs ("busy") both are
 * insensitive, the status shows its progress and Close cancels it; Close
 * closes the dialog otherwise, and closing the dialog cancels its job.
 *
 * A subclass implements dup_key and start; start builds the job, calls
 * cs_upload_dialog_begin() for the job's cancellable and runs it in a
 * GTask; the job's callback calls cs_upload_dialog_end() first and does
 * nothing more when it returns FALSE (the dialog was closed or another job
 * replaced it).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include "cs-fhir-push.h"
#include "cs-server-profile.h"
#include "cs-server-row.h"
#include "cs-upload-status.h"

G_BEGIN_DECLS

#define CS_TYPE_UPLOAD_DIALOG (cs_upload_dialog_get_type ())
G_DECLARE_DERIVABLE_TYPE (CsUploadDialog, cs_upload_dialog, CS, UPLOAD_DIALOG, AdwWindow)

struct _CsUploadDialogClass
{
  AdwWindowClass parent_class;

  /* What a dry run is of (the server and what is uploaded), or NULL when
   * there is nothing to run. */
  char *(*dup_key) (CsUploadDialog  *self);
  /* Starts a dry run or the upload to profile (not busy, key not NULL). */
  void  (*start)   (CsUploadDialog  *self,
                    CsServerProfile *profile,
                    gboolean         dry_run);
  /* Upload was clicked; the default starts the upload. A subclass that
   * asks first calls cs_upload_dialog_run (self, FALSE) when told to. */
  void  (*upload)  (CsUploadDialog  *self);
  /* Brings the widgets in line with the state; a subclass that has its
   * own chains up. */
  void  (*update)  (CsUploadDialog  *self);
};

/* Fills the server row (toasts in the transient parent, when it is a
 * CsWindow, if the saved servers cannot be read) and says to add a server
 * when there is none. Call once, after setting the transient parent. */
void             cs_upload_dialog_load_servers  (CsUploadDialog  *self);
CsServerRow     *cs_upload_dialog_get_server_row (CsUploadDialog *self);
CsUploadStatus  *cs_upload_dialog_get_status    (CsUploadDialog  *self);
/* The chosen server, or NULL. */
CsServerProfile *cs_upload_dialog_get_profile   (CsUploadDialog  *self);
/* Whether a dry run or an upload is running ("busy"). */
gboolean         cs_upload_dialog_get_busy      (CsUploadDialog  *self);
/* Starts a dry run or the upload, unless one runs or there is nothing to
 * run (what Dry Run does, and Upload by default). */
void             cs_upload_dialog_run           (CsUploadDialog  *self,
                                                 gboolean         dry_run);
void             cs_upload_dialog_update        (CsUploadDialog  *self);

/* For subclasses: a job starts (busy, text in the status line, a pulsing
 * bar); returns its cancellable (owned by the dialog). */
GCancellable    *cs_upload_dialog_begin         (CsUploadDialog  *self,
                                                 const char      *text);
/* Whether the job of cancellable is the one running in an open dialog:
 * when not, its results are stale. */
gboolean         cs_upload_dialog_owns_job      (CsUploadDialog  *self,
                                                 GCancellable    *cancellable);
/* The job of cancellable ended: FALSE when it is stale (see above), else
 * not busy any more (call cs_upload_dialog_update after the results). */
gboolean         cs_upload_dialog_end           (CsUploadDialog  *self,
                                                 GCancellable    *cancellable);
/* A push's progress while it compares and sends (SENDING): "120 of 5,000
 * resources compared" (dry run) or "uploaded", and the bar's fraction. */
void             cs_upload_dialog_show_push_progress (CsUploadDialog           *self,
                                                      const CsFhirPushProgress *progress);
void             cs_upload_dialog_set_status    (CsUploadDialog  *self,
                                                 const char      *text,
                                                 gboolean         error);
/* key had a clean dry run: Upload is allowed while the key stays. */
void             cs_upload_dialog_set_checked   (CsUploadDialog  *self,
                                                 const char      *key);
gboolean         cs_upload_dialog_is_checked    (CsUploadDialog  *self,
                                                 const char      *key);

G_END_DECLS
