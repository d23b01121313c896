/* cs-server-load.h: loading a cohort from a FHIR server into a window
 *
 * The loads behind Open from Server and Open Cached Cohort: they run in
 * threads and report through the window's external-load API (its progress
 * bar and Cancel), and say what went wrong in words a user can act on.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include "cs-server-profile.h"
#include "cs-window.h"

G_BEGIN_DECLS

/* Loads the cohort spec describes from profile's server into window (the
 * open cohort stays until it has loaded); it is cached for offline use. */
void      cs_server_load_into_window     (CsWindow                *window,
                                          CsServerProfile         *profile,
                                          const CsFhirCohortSpec  *spec);
/* Opens the offline copy of base_url's last cohort; name labels it (NULL:
 * the URL). The window's subtitle reads "<name> · Cached — <date>". */
void      cs_server_open_cache_in_window (CsWindow                *window,
                                          const char              *base_url,
                                          const char              *name);

/* Whether error means a server job was cancelled. */
gboolean  cs_server_error_is_cancelled   (const GError            *error);
/* "2026-11-28 14:05" in local time: how the dialogs show a cache's date. */
char     *cs_server_format_local_date    (GDateTime               *date);

G_END_DECLS
