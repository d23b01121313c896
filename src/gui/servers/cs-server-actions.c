/* cs-server-actions.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cs-file-upload-dialog.h"
#include "cs-open-cached-dialog.h"
#include "cs-open-server-dialog.h"
#include "cs-server-actions.h"
#include "cs-server-preferences.h"
#include "cs-window.h"

/* The window a dialog belongs to: the active one, another of the
 * application's, or a new one. */
static CsWindow *
get_window (GtkApplication *app)
{
  GtkWindow *active = gtk_application_get_active_window (app);
  CsWindow *window;

  if (CS_IS_WINDOW (active))
    return CS_WINDOW (active);

  for (GList *l = gtk_application_get_windows (app); l != NULL; l = l->next)
    if (CS_IS_WINDOW (l->data))
      return l->data;

  window = cs_window_new (app);
  gtk_window_present (GTK_WINDOW (window));

  return window;
}

static void
open_server_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  gtk_window_present (cs_open_server_dialog_new (get_window (user_data)));
}

static void
open_cached_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  gtk_window_present (cs_open_cached_dialog_new (get_window (user_data)));
}

static void
upload_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  gtk_window_present (cs_file_upload_dialog_new (GTK_WINDOW (get_window (user_data))));
}

static void
servers_action (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  gtk_window_present (GTK_WINDOW (cs_server_preferences_new (GTK_WINDOW (get_window (user_data)))));
}

static const GActionEntry server_actions[] = {
  { "open-server", open_server_action },
  { "open-cached", open_cached_action },
  { "upload-to-server", upload_action },
  { "servers", servers_action },
};

void
cs_server_actions_add (GtkApplication *app)
{
  g_return_if_fail (GTK_IS_APPLICATION (app));

  g_action_map_add_action_entries (G_ACTION_MAP (app), server_actions, G_N_ELEMENTS (server_actions), app);
}
