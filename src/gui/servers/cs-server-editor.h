/* cs-server-editor.h: adding or editing one FHIR server
 *
 * The subpage of the Servers preferences: name, base URL, authentication
 * (none, basic, bearer) with the user name and the password or token, a
 * "Test Connection" that reads /metadata in a thread and shows the server
 * software, FHIR version and search features (or the error), and Remove
 * for a saved server. Its buttons activate the preferences window's
 * servers.* actions (close-editor, save, test, remove-editing); while it is
 * shown, Enter saves.
 *
 * Widgets have names for tests: "server-name", "server-url", "server-auth",
 * "server-username", "server-secret", "test-connection", "test-result",
 * "save-server".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include "cs-server-profile.h"

G_BEGIN_DECLS

#define CS_TYPE_SERVER_EDITOR (cs_server_editor_get_type ())
G_DECLARE_FINAL_TYPE (CsServerEditor, cs_server_editor, CS, SERVER_EDITOR, GtkBox)

/* An editor for profile, or for a new server (NULL). */
GtkWidget       *cs_server_editor_new             (CsServerProfile  *profile);
/* The profile being edited; NULL for a new server. */
CsServerProfile *cs_server_editor_get_profile     (CsServerEditor   *self);
/* Checks what was typed, stores the secret in the secret store (a saved
 * one is kept when none was typed) and applies it all to the profile,
 * which is appended to profiles when it is new. FALSE with a message for
 * the user (the focus on the field to correct) when something is wrong;
 * profiles are not saved to disk here. */
gboolean         cs_server_editor_save            (CsServerEditor   *self,
                                                   GPtrArray        *profiles,
                                                   GError          **error);
/* Reads /metadata with the settings typed; the result shows below. */
void             cs_server_editor_test_connection (CsServerEditor   *self);
/* The last test's text ("" before one ended), and whether one runs. */
const char      *cs_server_editor_get_test_result (CsServerEditor   *self);
gboolean         cs_server_editor_get_testing     (CsServerEditor   *self);

G_END_DECLS
