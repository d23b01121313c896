/* cs-server-form.h: what the server dialogs share
 *
 * The dialog window (modal, a header bar without title buttons, Escape
 * closes), the saved servers in a "server" row, and the flow of the two
 * upload dialogs, "Upload to Server…" (cs-server-dialogs.c) and "Upload as
 * FHIR Group…" (cs-group-upload-dialog.c): Close, Dry Run ("dry-run") and
 * Upload ("upload") in the header bar; a progress bar and a "status" line;
 * Upload sensitive only after a clean dry run of the same thing (the same
 * key); Close stops a running job, and closes the dialog otherwise.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include "cs-server-profile.h"
#include "cs-window.h"

G_BEGIN_DECLS

/* A dialog for parent: modal, destroyed with it, 560 wide; its content a
 * vertical box (cs_server_form_dialog_get_box) that starts with the header
 * bar, returned in header_out. */
GtkWidget       *cs_server_form_dialog_new          (GtkWindow       *parent,
                                                     const char      *title,
                                                     GtkWidget      **header_out);
GtkBox          *cs_server_form_dialog_get_box      (GtkWidget       *dialog);

/* The saved servers (CsServerProfile*); when they cannot be read, a toast
 * in window (when not NULL) and none. */
GPtrArray       *cs_server_form_load_profiles       (CsWindow        *window);
/* The "_Server" combo row ("server") listing profiles by name. */
GtkWidget       *cs_server_form_server_row_new      (GPtrArray       *profiles);

/* Whether error means the job was cancelled. */
gboolean         cs_server_form_is_cancelled        (const GError    *error);
void             cs_server_form_set_accessible_label (GtkWidget      *widget,
                                                      const char     *label);

/* The upload flow's state, kept in the dialog's own struct. */
typedef struct
{
  GtkWindow      *dialog;
  GPtrArray      *profiles;        /* CsServerProfile* */
  AdwComboRow    *server_row;      /* "server" */
  GtkWidget      *close_button;
  GtkWidget      *dry_run_button;  /* "dry-run" */
  GtkWidget      *upload_button;   /* "upload" */
  GtkProgressBar *progress;
  GtkLabel       *status;          /* "status" */
  GCancellable   *cancellable;     /* the running job's */
  char           *checked_key;     /* what the last clean dry run was for */
  guint           pulse;
  gboolean        busy;
} CsServerForm;

/* Fills in the dialog, loads the profiles (toasts in window, may be NULL)
 * and adds Close, Upload and Dry Run (the default) to header; the two
 * tooltips say what Upload and Dry Run do, and the callbacks (GtkButton
 * ::clicked) get user_data. */
void             cs_server_form_init                (CsServerForm    *form,
                                                     GtkWidget       *dialog,
                                                     GtkWidget       *header,
                                                     CsWindow        *window,
                                                     const char      *upload_tooltip,
                                                     GCallback        upload_clicked,
                                                     const char      *dry_run_tooltip,
                                                     GCallback        dry_run_clicked,
                                                     gpointer         user_data);
/* The server row of form->profiles, kept in form (the caller adds it). */
GtkWidget       *cs_server_form_create_server_row   (CsServerForm    *form);
/* Appends the progress bar and the status line (showing text) to box. */
void             cs_server_form_add_status          (CsServerForm    *form,
                                                     GtkBox          *box,
                                                     const char      *text);
/* The chosen server, or NULL. */
CsServerProfile *cs_server_form_get_profile         (CsServerForm    *form);
/* Dry Run needs a key (something to run on), Upload the key of the last
 * clean dry run; the progress bar shows while busy. */
void             cs_server_form_update              (CsServerForm    *form,
                                                     const char      *key);
/* Starts a job: busy, a new cancellable, text in the status line, a
 * pulsing progress bar. Call cs_server_form_update then. */
void             cs_server_form_begin               (CsServerForm    *form,
                                                     const char      *text);
/* Ends the running job: not busy, no cancellable, no pulse. */
void             cs_server_form_end                 (CsServerForm    *form);
/* Shows text in the status line, as an error or not. */
void             cs_server_form_set_status          (CsServerForm    *form,
                                                     const char      *text,
                                                     gboolean         error);
/* Remembers key as the last clean dry run's. */
void             cs_server_form_set_checked         (CsServerForm    *form,
                                                     const char      *key);
/* Cancels a running job and stops the pulse. */
void             cs_server_form_stop                (CsServerForm    *form);
/* Stops and frees what form holds (not form itself). */
void             cs_server_form_clear               (CsServerForm    *form);

G_END_DECLS
