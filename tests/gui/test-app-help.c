/* test-app-help.c: the Help entry points of the application (Xvfb)
 *
 * app.help exists, F1 is its accelerator, the main menu has a Help item for
 * it and the shortcuts window lists F1. (The action itself hands
 * help:cohortscope to gtk_show_uri_full, which would start Yelp; it is not
 * activated here.)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>

#include "cs-application.h"
#include "cs-window.h"
#include "gui-test-util.h"

static CsApplication *app;

static gboolean
menu_has_action (GMenuModel *model,
                 const char *action)
{
  for (int i = 0; i < g_menu_model_get_n_items (model); i++)
    {
      g_autofree char *item_action = NULL;
      g_autoptr(GMenuModel) section = NULL;

      if (g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_ACTION, "s", &item_action) &&
          g_strcmp0 (item_action, action) == 0)
        return TRUE;
      if ((section = g_menu_model_get_item_link (model, i, G_MENU_LINK_SECTION)) != NULL &&
          menu_has_action (section, action))
        return TRUE;
      g_clear_object (&section);
      if ((section = g_menu_model_get_item_link (model, i, G_MENU_LINK_SUBMENU)) != NULL &&
          menu_has_action (section, action))
        return TRUE;
    }
  return FALSE;
}

/* The primary menu button's model (the one with primary = TRUE) */
static GMenuModel *
find_primary_menu (GtkWidget *widget)
{
  if (GTK_IS_MENU_BUTTON (widget) && gtk_menu_button_get_primary (GTK_MENU_BUTTON (widget)))
    return gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (widget));

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GMenuModel *model = find_primary_menu (child);

      if (model != NULL)
        return model;
    }
  return NULL;
}

static void
test_action_and_accel (void)
{
  g_auto(GStrv) accels = NULL;

  g_assert_nonnull (g_action_map_lookup_action (G_ACTION_MAP (app), "help"));
  accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "app.help");
  g_assert_nonnull (accels);
  g_assert_true (g_strv_contains ((const char * const *)accels, "F1"));
}

static void
test_main_menu (void)
{
  CsWindow *window = cs_window_new (GTK_APPLICATION (app));
  GMenuModel *menu;

  menu = find_primary_menu (GTK_WIDGET (window));
  g_assert_nonnull (menu);
  g_assert_true (menu_has_action (menu, "app.help"));
  /* the menu's other entries are found the same way: the search can fail */
  g_assert_false (menu_has_action (menu, "app.no-such-action"));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_shortcuts_window (void)
{
  g_autoptr(GtkBuilder) builder =
    gtk_builder_new_from_resource ("/io/github/cohortscope/Cohortscope/cs-shortcuts-window.ui");
  GtkWidget *window = GTK_WIDGET (gtk_builder_get_object (builder, "shortcuts_window"));
  g_autoptr(GSList) objects = gtk_builder_get_objects (builder);
  gboolean found = FALSE;

  g_assert_nonnull (window);
  for (GSList *l = objects; l != NULL; l = l->next)
    {
      g_autofree char *accel = NULL;

      if (!GTK_IS_SHORTCUTS_SHORTCUT (l->data))
        continue;
      g_object_get (l->data, "accelerator", &accel, NULL);
      if (g_strcmp0 (accel, "F1") == 0)
        found = TRUE;
    }
  g_assert_true (found);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  char *tmp_dir;
  int ret;

  tmp_dir = test_gui_init (&argc, &argv, "cohortscope-help-XXXXXX");
  if (tmp_dir == NULL)
    return 0;

  app = cs_application_new ();
  /* no D-Bus name: startup runs in this process whatever else is running */
  g_application_set_flags (G_APPLICATION (app),
                           g_application_get_flags (G_APPLICATION (app)) | G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  g_test_add_func ("/gui/help/action", test_action_and_accel);
  g_test_add_func ("/gui/help/main-menu", test_main_menu);
  g_test_add_func ("/gui/help/shortcuts", test_shortcuts_window);

  ret = g_test_run ();

  g_clear_object (&app);
  test_gui_cleanup (tmp_dir);

  return ret;
}
