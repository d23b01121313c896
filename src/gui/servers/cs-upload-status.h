/* cs-upload-status.h: the progress bar and status line of an upload dialog
 *
 * A progress bar ("progress"), shown while a job runs, and the line below
 * it ("status") that says what the dialog is doing or what came of it, as
 * an error or not. A job starts with a pulsing bar; the first fraction
 * stops the pulse.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CS_TYPE_UPLOAD_STATUS (cs_upload_status_get_type ())
G_DECLARE_FINAL_TYPE (CsUploadStatus, cs_upload_status, CS, UPLOAD_STATUS, GtkBox)

/* The status line ("text"). */
const char *cs_upload_status_get_text           (CsUploadStatus *self);
void        cs_upload_status_set_text           (CsUploadStatus *self,
                                                 const char     *text,
                                                 gboolean        error);
/* Whether the bar shows a text ("show-progress-text"). */
void        cs_upload_status_set_show_progress_text (CsUploadStatus *self,
                                                 gboolean        show);
/* A job starts: text in the status line, the bar shown, at 0, pulsing. */
void        cs_upload_status_begin              (CsUploadStatus *self,
                                                 const char     *text);
/* The job's progress: fraction 0..1 (stops the pulse) and the bar's text
 * (NULL keeps it). */
void        cs_upload_status_set_progress       (CsUploadStatus *self,
                                                 double          fraction,
                                                 const char     *text);
void        cs_upload_status_set_progress_text  (CsUploadStatus *self,
                                                 const char     *text);
/* Stops the pulse, so that the bar stays as it is. */
void        cs_upload_status_stop               (CsUploadStatus *self);
/* The job ended: no pulse, the bar hidden (its fraction and text kept). */
void        cs_upload_status_end                (CsUploadStatus *self);

G_END_DECLS
