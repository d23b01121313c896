/* cs-open-cached-dialog.h: "Open Cached Cohort…"
 *
 * Lists the offline copies of the last cohort loaded from each server
 * (newest first, named after the saved server with the same base URL) and
 * opens the one activated (cs_server_open_cache_in_window).
 *
 * Widgets have names for tests: one "cache-row" per offline copy.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include "cs-window.h"

G_BEGIN_DECLS

#define CS_TYPE_OPEN_CACHED_DIALOG (cs_open_cached_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CsOpenCachedDialog, cs_open_cached_dialog, CS, OPEN_CACHED_DIALOG, AdwWindow)

/* The dialog for window (not yet shown). */
GtkWindow *cs_open_cached_dialog_new (CsWindow *window);

G_END_DECLS
