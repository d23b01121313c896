/* cs-server-actions.h: the application's FHIR server actions
 *
 * app.open-server ("Open from Server…"), app.open-cached ("Open Cached
 * Cohort…"), app.upload-to-server ("Upload to Server…") and app.servers
 * (the Servers preferences): each opens its dialog for the active window.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Adds the actions above to app (call once, at startup). */
void cs_server_actions_add (GtkApplication *app);

G_END_DECLS
