/* cs-server-preferences.h: the "Servers" preferences (FHIR server profiles)
 *
 * Lists the saved server profiles (cs-server-profile.h), each with Remove,
 * and adds or edits one in a CsServerEditor subpage. Passwords and tokens
 * go to the secret store (cs-saved-servers.h), never to the profile file
 * or GSettings. Actions: servers.add (Ctrl+N), servers.save (Ctrl+S),
 * servers.test (Ctrl+T), servers.remove-editing, servers.close-editor.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include "cs-saved-servers.h"

G_BEGIN_DECLS

#define CS_TYPE_SERVER_PREFERENCES (cs_server_preferences_get_type ())
G_DECLARE_FINAL_TYPE (CsServerPreferences, cs_server_preferences, CS, SERVER_PREFERENCES, AdwPreferencesWindow)

CsServerPreferences *cs_server_preferences_new          (GtkWindow           *parent);
/* Opens the editor for a new profile, or for the profile called name. */
void                 cs_server_preferences_add_server   (CsServerPreferences *self);
gboolean             cs_server_preferences_edit_server  (CsServerPreferences *self,
                                                         const char          *name);

G_END_DECLS
