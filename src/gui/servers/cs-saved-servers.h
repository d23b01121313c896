/* cs-saved-servers.h: the servers the GUI knows and where their secrets are
 *
 * The saved server profiles (cs-server-profile.h) and the secret store that
 * holds their passwords and tokens: the desktop keyring, or an in-memory
 * one that tests set.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include "cs-server-profile.h"
#include "cs-window.h"

G_BEGIN_DECLS

/* The secret store the GUI uses: NULL (the default) is the desktop keyring.
 * Tests set an in-memory one; the caller keeps it alive. */
void             cs_gui_set_secret_backend             (CsSecretBackend  *backend);
CsSecretBackend *cs_gui_get_secret_backend             (void);
/* The saved profiles (CsServerProfile*), empty when there are none; NULL
 * with error when the file is damaged. */
GPtrArray       *cs_gui_load_server_profiles           (GError          **error);
/* The same, never NULL: when they cannot be read, none, and in *message
 * what to tell the user. */
GPtrArray       *cs_gui_load_server_profiles_or_message (char           **message);
/* The same, with the message as a toast in window (when not NULL). */
GPtrArray       *cs_gui_load_server_profiles_or_toast  (CsWindow         *window);
/* The image viewer URL template of the saved server whose base URL is
 * base_url (cs_fhir_base_url_equal), or NULL: none, no such server, or the
 * profiles cannot be read. */
char            *cs_gui_dup_viewer_template            (const char       *base_url);
/* "No authentication", "User name and password", "Bearer token" */
const char      *cs_gui_auth_kind_display              (CsFhirAuthKind    kind);

G_END_DECLS
