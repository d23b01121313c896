/* cs-server-preferences.h: the "Servers" preferences (FHIR server profiles)
 *
 * Lists the saved server profiles (cs-server-profile.h) and edits them in a
 * subpage: name, base URL, authentication (none, basic, bearer) and the
 * password or token, which goes to the secret store (the desktop keyring),
 * never to the profile file or GSettings. "Test Connection" reads /metadata
 * in a thread and shows the server software, FHIR version and search
 * features, or the error.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include "cs-server-profile.h"

G_BEGIN_DECLS

/* The secret store the GUI uses: NULL (the default) is the desktop keyring.
 * Tests set an in-memory one; the caller keeps it alive. */
void                 cs_gui_set_secret_backend          (CsSecretBackend     *backend);
CsSecretBackend     *cs_gui_get_secret_backend          (void);
/* The saved profiles (CsServerProfile*), empty when there are none; NULL
 * with error when the file is damaged. */
GPtrArray           *cs_gui_load_server_profiles        (GError             **error);

#define CS_TYPE_SERVER_PREFERENCES (cs_server_preferences_get_type ())
G_DECLARE_FINAL_TYPE (CsServerPreferences, cs_server_preferences, CS, SERVER_PREFERENCES, AdwPreferencesWindow)

CsServerPreferences *cs_server_preferences_new          (GtkWindow           *parent);
/* Opens the editor for a new profile, or for the profile called name. */
void                 cs_server_preferences_add_server   (CsServerPreferences *self);
gboolean             cs_server_preferences_edit_server  (CsServerPreferences *self,
                                                         const char          *name);
/* The profiles as listed (CsServerProfile*, owned by the window). */
GPtrArray           *cs_server_preferences_get_profiles (CsServerPreferences *self);
/* The editor's last "Test Connection" text ("" before one ended) and
 * whether a test is running: for tests. */
const char          *cs_server_preferences_get_test_result (CsServerPreferences *self);
gboolean             cs_server_preferences_get_testing  (CsServerPreferences *self);

G_END_DECLS
