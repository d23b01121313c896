/* cs-server-preferences-private.h: test hooks of the Servers preferences
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-server-preferences.h"

G_BEGIN_DECLS

/* The profiles as listed (CsServerProfile*, owned by the window). */
GPtrArray  *_cs_server_preferences_get_profiles    (CsServerPreferences *self);
/* The open editor's last "Test Connection" text ("" before one ended, or
 * without an editor) and whether a test is running. */
const char *_cs_server_preferences_get_test_result (CsServerPreferences *self);
gboolean    _cs_server_preferences_get_testing     (CsServerPreferences *self);

G_END_DECLS
