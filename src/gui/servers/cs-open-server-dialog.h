/* cs-open-server-dialog.h: "Open from Server…"
 *
 * Chooses a saved server and which patients to load (all, a Group's
 * members, a Patient search; optionally only some resource types), checks
 * what was typed as the command line does, and starts the load in the
 * window (cs_server_load_into_window). Without saved servers it offers to
 * add one.
 *
 * Widgets have names for tests: "server", "cohort-kind", "group-id",
 * "patient-search", "resource-types", "load", "load-error".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include "cs-window.h"

G_BEGIN_DECLS

#define CS_TYPE_OPEN_SERVER_DIALOG (cs_open_server_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CsOpenServerDialog, cs_open_server_dialog, CS, OPEN_SERVER_DIALOG, AdwWindow)

/* The dialog for window (not yet shown). */
GtkWindow *cs_open_server_dialog_new (CsWindow *window);

G_END_DECLS
