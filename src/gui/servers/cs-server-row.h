/* cs-server-row.h: the "Server" row of the server dialogs
 *
 * An AdwComboRow titled "_Server" (widget name "server") that lists the
 * saved servers by name; Open from Server and the two upload dialogs put
 * one in their templates.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include "cs-server-profile.h"
#include "cs-window.h"

G_BEGIN_DECLS

#define CS_TYPE_SERVER_ROW (cs_server_row_get_type ())
G_DECLARE_FINAL_TYPE (CsServerRow, cs_server_row, CS, SERVER_ROW, AdwComboRow)

/* Lists the saved servers; when they cannot be read, a toast in window
 * (when not NULL) and none. */
void             cs_server_row_load            (CsServerRow     *self,
                                                CsWindow        *window);
guint            cs_server_row_get_n_profiles  (CsServerRow     *self);
/* The chosen server, or NULL. */
CsServerProfile *cs_server_row_get_profile     (CsServerRow     *self);
/* Chooses the first server whose base URL is url (cs_fhir_base_url_equal);
 * FALSE, and the choice unchanged, when there is none. */
gboolean         cs_server_row_select_url      (CsServerRow     *self,
                                                const char      *url);

G_END_DECLS
