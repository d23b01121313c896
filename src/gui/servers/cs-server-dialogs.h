/* cs-server-dialogs.h: loading cohorts from FHIR servers and uploading to them
 *
 * The application actions app.open-server ("Open from Server…"),
 * app.open-cached ("Open Cached Cohort…"), app.upload-to-server ("Upload to
 * Server…") and app.servers (the Servers preferences), their dialogs, and
 * the loads they start in a CsWindow with its progress bar and Cancel.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include "cs-server-profile.h"
#include "cs-window.h"

G_BEGIN_DECLS

/* Adds the actions above to app (call once, at startup). */
void       cs_server_actions_add          (GtkApplication          *app);

/* Loads the cohort spec describes from profile's server into window (the
 * open cohort stays until it has loaded); it is cached for offline use. */
void       cs_server_load_into_window     (CsWindow                *window,
                                           CsServerProfile         *profile,
                                           const CsFhirCohortSpec  *spec);
/* Opens the offline copy of base_url's last cohort; name labels it (NULL:
 * the URL). The window's subtitle reads "<name> · Cached — <date>". */
void       cs_server_open_cache_in_window (CsWindow                *window,
                                           const char              *base_url,
                                           const char              *name);

/* The dialogs (not yet shown). Their widgets have names for tests:
 * open: "server", "cohort-kind", "group-id", "patient-search", "load";
 * cached: one "cache-row" per cache; upload: "server", "file", "dry-run",
 * "upload", "status", "errors". */
GtkWindow *cs_open_server_dialog_new      (CsWindow                *window);
GtkWindow *cs_open_cached_dialog_new      (CsWindow                *window);
GtkWindow *cs_upload_dialog_new           (GtkWindow               *parent);
/* Sets the upload dialog's file (what the file chooser does). */
void       cs_upload_dialog_set_path      (GtkWindow               *dialog,
                                           const char              *path);
/* Whether the upload dialog is checking or uploading. */
gboolean   cs_upload_dialog_get_busy      (GtkWindow               *dialog);

G_END_DECLS
