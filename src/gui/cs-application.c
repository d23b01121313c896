/* cs-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cs-application.h"
#include "cs-gui-util.h"
#include "cs-server-actions.h"
#include "cs-window.h"

#define RESOURCE_BASE_PATH "/io/github/cohortscope/Cohortscope"

struct _CsApplication
{
  AdwApplication  parent_instance;
  GSettings      *settings;
  char           *open_mapping;   /* --mapping given to this instance */
  GStrv           open_inputs;    /* its --input ROLE=FILE */
  guint           open_demo : 1;   /* --demo given to this instance */
};

G_DEFINE_FINAL_TYPE (CsApplication, cs_application, ADW_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "demo", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Open the synthetic demo cohort"), NULL },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Show the version and exit"), NULL },
  { "mapping", 0, 0, G_OPTION_ARG_FILENAME, NULL, N_("Open a mapping file on the Mapping page"), N_("MAPPING.json") },
  { "input", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, NULL, N_("A table of the mapping (with --mapping)"), N_("ROLE=FILE") },
  { NULL }
};

static CsWindow *
get_window (CsApplication *self,
            gboolean       create)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    {
      if (CS_IS_WINDOW (l->data))
        return l->data;
    }

  if (!create)
    return NULL;

  return cs_window_new (GTK_APPLICATION (self));
}

static CsWindow *
get_active_window (CsApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (CS_IS_WINDOW (window))
    return CS_WINDOW (window);

  return get_window (self, TRUE);
}

static gboolean
all_paths_exist (char **paths)
{
  if (paths == NULL || paths[0] == NULL)
    return FALSE;

  for (guint i = 0; paths[i] != NULL; i++)
    {
      if (!g_file_test (paths[i], G_FILE_TEST_EXISTS))
        return FALSE;
    }

  return TRUE;
}

static void
cs_application_activate (GApplication *app)
{
  CsApplication *self = CS_APPLICATION (app);
  CsWindow *window = get_window (self, FALSE);
  gboolean first_run = FALSE;
  g_auto(GStrv) last_sources = NULL;

  if (window != NULL)
    {
      gtk_window_present (GTK_WINDOW (window));
      if (self->open_demo)
        cs_window_open_demo (window);
      self->open_demo = FALSE;
      return;
    }

  window = get_window (self, TRUE);
  gtk_window_present (GTK_WINDOW (window));

  if (self->settings != NULL)
    {
      first_run = g_settings_get_boolean (self->settings, "first-run");
      last_sources = g_settings_get_strv (self->settings, "last-sources");
      g_settings_set_boolean (self->settings, "first-run", FALSE);
    }

  if (self->open_mapping != NULL)
    {
      cs_window_open_mapping (window, self->open_mapping, (const char * const *) self->open_inputs);
      g_clear_pointer (&self->open_mapping, g_free);
      g_clear_pointer (&self->open_inputs, g_strfreev);
    }
  else if (self->open_demo || first_run)
    cs_window_open_demo (window);
  else if (all_paths_exist (last_sources))
    cs_window_open_paths (window, (const char * const *)last_sources, NULL);

  self->open_demo = FALSE;
}

static void
cs_application_open (GApplication  *app,
                     GFile        **files,
                     int            n_files,
                     const char    *hint)
{
  CsApplication *self = CS_APPLICATION (app);
  CsWindow *window = get_window (self, TRUE);

  gtk_window_present (GTK_WINDOW (window));

  if (self->settings != NULL)
    g_settings_set_boolean (self->settings, "first-run", FALSE);

  cs_window_open_files (window, files, n_files);
}

static int
cs_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  CsApplication *self = CS_APPLICATION (app);
  g_autoptr(GError) error = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("cohortscope %s\n", PACKAGE_VERSION);
      return 0;
    }

  if (g_variant_dict_contains (options, "input") && !g_variant_dict_contains (options, "mapping"))
    {
      g_printerr ("cohortscope: %s\n", _("--input needs --mapping"));
      return 2;
    }

  if (g_variant_dict_contains (options, "mapping"))
    {
      const char *mapping = NULL;
      g_autofree const char **inputs = NULL;
      g_autoptr(GPtrArray) absolute = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GFile) mapping_file = NULL;

      g_variant_dict_lookup (options, "mapping", "^&ay", &mapping);
      g_variant_dict_lookup (options, "input", "^a&ay", &inputs);
      mapping_file = g_file_new_for_commandline_arg (mapping);
      for (guint i = 0; inputs != NULL && inputs[i] != NULL; i++)
        {
          const char *eq = strchr (inputs[i], '=');
          g_autoptr(GFile) file = NULL;
          g_autofree char *path = NULL;

          if (eq == NULL || eq == inputs[i])
            {
              g_printerr ("cohortscope: %s\n", _("--input takes ROLE=FILE, such as clinical=table.csv"));
              return 2;
            }
          file = g_file_new_for_commandline_arg (eq + 1);
          path = g_file_get_path (file);
          g_ptr_array_add (absolute, g_strdup_printf ("%.*s=%s", (int) (eq - inputs[i]), inputs[i], path));
        }
      g_ptr_array_add (absolute, NULL);
      if (!g_application_register (app, NULL, &error))
        {
          g_printerr ("cohortscope: %s\n", error->message);
          return 1;
        }
      if (g_application_get_is_remote (app))
        {
          g_autofree char *path = g_file_get_path (mapping_file);

          g_action_group_activate_action (G_ACTION_GROUP (app), "open-mapping",
                                          g_variant_new ("(s^as)", path, (char **) absolute->pdata));
          return 0;
        }
      g_free (self->open_mapping);
      self->open_mapping = g_file_get_path (mapping_file);
      g_strfreev (self->open_inputs);
      self->open_inputs = g_strdupv ((GStrv) absolute->pdata);
      return -1;
    }

  if (g_variant_dict_contains (options, "demo"))
    {
      if (!g_application_register (app, NULL, &error))
        {
          g_printerr ("cohortscope: %s\n", error->message);
          return 1;
        }

      if (g_application_get_is_remote (app))
        {
          g_action_group_activate_action (G_ACTION_GROUP (app), "open-demo", NULL);
          return 0;
        }

      self->open_demo = TRUE;
    }

  return -1;
}

static void
open_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  CsWindow *window = get_active_window (user_data);

  gtk_window_present (GTK_WINDOW (window));
  cs_window_show_open_dialog (window, FALSE);
}

static void
open_folder_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  CsWindow *window = get_active_window (user_data);

  gtk_window_present (GTK_WINDOW (window));
  cs_window_show_open_dialog (window, TRUE);
}

static void
open_demo_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  CsWindow *window = get_active_window (user_data);

  gtk_window_present (GTK_WINDOW (window));
  cs_window_open_demo (window);
}

static void
new_window_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  gtk_window_present (GTK_WINDOW (cs_window_new (GTK_APPLICATION (user_data))));
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  GtkApplication *app = user_data;
  GList *windows;

  /* Destroying the windows cancels their loads */
  while ((windows = gtk_application_get_windows (app)) != NULL)
    gtk_window_destroy (windows->data);

  g_application_quit (G_APPLICATION (app));
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  static const char *developers[] = { "The Cohortscope developers", NULL };
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (user_data));

  adw_show_about_window (parent,
                         "application-icon", "io.github.cohortscope.Cohortscope",
                         "application-name", _("Cohortscope"),
                         "developer-name", _("The Cohortscope developers"),
                         "version", PACKAGE_VERSION,
                         "comments", _("Explore radiomics and clinical data from FHIR servers together"),
                         "website", "https://github.com/cohortscope/cohortscope",
                         "issue-url", "https://github.com/cohortscope/cohortscope/issues",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "copyright", "© 2026 The Cohortscope developers",
                         "developers", developers,
                         /* Translators: put your names here, one a line */
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
shortcuts_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  g_autoptr(GtkBuilder) builder = NULL;
  GtkWindow *window;

  builder = gtk_builder_new_from_resource (RESOURCE_BASE_PATH "/cs-shortcuts-window.ui");
  window = GTK_WINDOW (gtk_builder_get_object (builder, "shortcuts_window"));
  gtk_window_set_transient_for (window, gtk_application_get_active_window (GTK_APPLICATION (user_data)));
  gtk_window_set_application (window, GTK_APPLICATION (user_data));
  gtk_window_present (window);
}

static void
open_mapping_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  CsApplication *self = CS_APPLICATION (user_data);
  CsWindow *window = get_window (self, TRUE);
  const char *path = NULL;
  g_autofree const char **inputs = NULL;

  g_variant_get (parameter, "(&s^a&s)", &path, &inputs);
  gtk_window_present (GTK_WINDOW (window));
  cs_window_open_mapping (window, path, inputs);
}

static void
help_shown (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!gtk_show_uri_full_finish (GTK_WINDOW (source), result, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *message = NULL;

      /* Translators: %s is the system's reason, e.g. "No application is registered as handling this file" */
      message = g_strdup_printf (_("Could not open the help (install the Yelp help viewer): %s"),
                                 error->message);
      cs_gui_toast (GTK_WIDGET (source), message);
    }
}

/* The Mallard pages installed under share/help/<lang>/cohortscope; help: URIs
 * go through the OpenURI portal inside Flatpak. */
static void
help_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  CsWindow *window = get_active_window (user_data);

  gtk_show_uri_full (GTK_WINDOW (window), "help:cohortscope", GDK_CURRENT_TIME,
                     NULL, help_shown, NULL);
}

static const GActionEntry app_actions[] = {
  { "open-mapping", open_mapping_action, "(sas)" },
  { "open", open_action },
  { "open-folder", open_folder_action },
  { "open-demo", open_demo_action },
  { "new-window", new_window_action },
  { "quit", quit_action },
  { "about", about_action },
  { "shortcuts", shortcuts_action },
  { "help", help_action },
};

static void
cs_application_startup (GApplication *app)
{
  static const struct {
    const char *action;
    const char *accels[2];
  } accels[] = {
    { "app.open", { "<Control>o", NULL } },
    { "app.open-folder", { "<Control><Shift>o", NULL } },
    { "app.open-demo", { "<Control>d", NULL } },
    { "app.new-window", { "<Control>n", NULL } },
    { "app.quit", { "<Control>q", NULL } },
    { "app.shortcuts", { "<Control>question", NULL } },
    { "app.help", { "F1", NULL } },
  };
  CsApplication *self = CS_APPLICATION (app);

  G_APPLICATION_CLASS (cs_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions), app);
  cs_server_actions_add (GTK_APPLICATION (app));
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (app), accels[i].action, accels[i].accels);

  self->settings = cs_gui_settings_new ();
}

static void
cs_application_finalize (GObject *object)
{
  CsApplication *self = (CsApplication *)object;

  g_clear_object (&self->settings);
  g_free (self->open_mapping);
  g_strfreev (self->open_inputs);

  G_OBJECT_CLASS (cs_application_parent_class)->finalize (object);
}

static void
cs_application_class_init (CsApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = cs_application_finalize;

  app_class->activate = cs_application_activate;
  app_class->open = cs_application_open;
  app_class->startup = cs_application_startup;
  app_class->handle_local_options = cs_application_handle_local_options;
}

static void
cs_application_init (CsApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), _("[FILE…]"));
  g_application_set_option_context_summary (G_APPLICATION (self),
                                             _("Open FHIR R4 Bundles, NDJSON files or folders of them."));
}

CsApplication *
cs_application_new (void)
{
  return g_object_new (CS_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", RESOURCE_BASE_PATH,
                       NULL);
}
