/* cs-server-preferences.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "cs-server-editor.h"
#include "cs-server-preferences-private.h"

struct _CsServerPreferences
{
  AdwPreferencesWindow  parent_instance;

  /* Template */
  AdwPreferencesGroup  *servers_group;
  AdwActionRow         *empty_row;

  GPtrArray            *profiles;   /* CsServerProfile* */
  GPtrArray            *rows;       /* the row of each profile, GtkWidget* (unowned) */
  CsServerEditor       *editor;     /* the subpage, while it is open */
};

G_DEFINE_FINAL_TYPE (CsServerPreferences, cs_server_preferences, ADW_TYPE_PREFERENCES_WINDOW)

static void rebuild_rows (CsServerPreferences *self);

static void
toast (CsServerPreferences *self,
       const char          *message)
{
  AdwToast *t = adw_toast_new (message);

  adw_toast_set_timeout (t, 8);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), t);
}

/* ------------------------------------------------------------------------ */
/* The editor */

static void
close_editor (CsServerPreferences *self)
{
  if (self->editor != NULL)
    {
      self->editor = NULL;
      adw_preferences_window_close_subpage (ADW_PREFERENCES_WINDOW (self));
    }
}

static void
on_editor_destroy (GtkWidget           *editor,
                   CsServerPreferences *self)
{
  /* closed some other way than through close_editor() */
  if (self->editor == CS_SERVER_EDITOR (editor))
    self->editor = NULL;
}

static void
open_editor (CsServerPreferences *self,
             CsServerProfile     *profile)
{
  close_editor (self);

  self->editor = CS_SERVER_EDITOR (cs_server_editor_new (profile));
  g_signal_connect_object (self->editor, "destroy", G_CALLBACK (on_editor_destroy), self, 0);
  adw_preferences_window_present_subpage (ADW_PREFERENCES_WINDOW (self), GTK_WIDGET (self->editor));
  gtk_widget_grab_focus (GTK_WIDGET (self->editor));
}

static void
remove_profile (CsServerPreferences *self,
                CsServerProfile     *profile)
{
  g_autoptr(GError) error = NULL;
  /* profile stays alive while it is taken out of the list */
  G_GNUC_UNUSED g_autoptr(CsServerProfile) hold = g_object_ref (profile);

  if (!g_ptr_array_remove (self->profiles, profile))
    return;

  if (cs_server_profile_get_auth_kind (profile) != CS_FHIR_AUTH_NONE)
    cs_server_profile_clear_secret (profile, cs_gui_get_secret_backend (), NULL);

  if (!cs_server_profiles_save (self->profiles, NULL, &error))
    toast (self, error->message);
  else
    {
      /* Translators: %s is a server's name */
      g_autofree char *message = g_strdup_printf (_("Removed “%s”"), cs_server_profile_get_name (profile));

      toast (self, message);
    }

  rebuild_rows (self);
}

static void
save_server_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  CsServerPreferences *self = CS_SERVER_PREFERENCES (widget);
  g_autoptr(GError) error = NULL;

  if (self->editor == NULL)
    return;

  if (!cs_server_editor_save (self->editor, self->profiles, &error) ||
      !cs_server_profiles_save (self->profiles, NULL, &error))
    {
      toast (self, error->message);
      return;
    }

  close_editor (self);
  rebuild_rows (self);
}

static void
test_connection_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  CsServerPreferences *self = CS_SERVER_PREFERENCES (widget);

  if (self->editor != NULL)
    cs_server_editor_test_connection (self->editor);
}

static void
remove_editing_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  CsServerPreferences *self = CS_SERVER_PREFERENCES (widget);
  g_autoptr(CsServerProfile) profile = NULL;

  if (self->editor == NULL || cs_server_editor_get_profile (self->editor) == NULL)
    return;

  profile = g_object_ref (cs_server_editor_get_profile (self->editor));
  close_editor (self);
  remove_profile (self, profile);
}

static void
close_editor_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  close_editor (CS_SERVER_PREFERENCES (widget));
}

static void
add_server_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  cs_server_preferences_add_server (CS_SERVER_PREFERENCES (widget));
}

/* ------------------------------------------------------------------------ */
/* The list */

/* The profile a row of the list (or a widget in it) stands for */
static CsServerProfile *
profile_of_row (CsServerPreferences *self,
                GtkWidget           *widget)
{
  GtkWidget *row = gtk_widget_get_ancestor (widget, ADW_TYPE_ACTION_ROW);
  guint index;

  if (row == NULL || !g_ptr_array_find (self->rows, row, &index) || index >= self->profiles->len)
    return NULL;

  return g_ptr_array_index (self->profiles, index);
}

static void
on_row_activated (AdwActionRow        *row,
                  CsServerPreferences *self)
{
  CsServerProfile *profile = profile_of_row (self, GTK_WIDGET (row));

  if (profile != NULL)
    open_editor (self, profile);
}

static void
on_remove_clicked (GtkButton           *button,
                   CsServerPreferences *self)
{
  CsServerProfile *profile = profile_of_row (self, GTK_WIDGET (button));

  if (profile != NULL)
    remove_profile (self, profile);
}

static void
rebuild_rows (CsServerPreferences *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (self->servers_group, g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);

  gtk_widget_set_visible (GTK_WIDGET (self->empty_row), self->profiles->len == 0);

  for (guint i = 0; i < self->profiles->len; i++)
    {
      CsServerProfile *profile = g_ptr_array_index (self->profiles, i);
      g_autofree char *subtitle = NULL;
      g_autofree char *remove_label = NULL;
      GtkWidget *row, *remove, *arrow;

      /* Translators: "https://host/fhir · Bearer token" */
      subtitle = g_strdup_printf (_("%s · %s"), cs_server_profile_get_base_url (profile),
                                  cs_gui_auth_kind_display (cs_server_profile_get_auth_kind (profile)));
      row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), cs_server_profile_get_name (profile));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_signal_connect_object (row, "activated", G_CALLBACK (on_row_activated), self, 0);

      remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
      gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (remove, "flat");
      gtk_widget_set_tooltip_text (remove, _("Remove"));
      /* Translators: accessible name of a button; %s is a server's name */
      remove_label = g_strdup_printf (_("Remove %s"), cs_server_profile_get_name (profile));
      gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, remove_label, -1);
      g_signal_connect_object (remove, "clicked", G_CALLBACK (on_remove_clicked), self, 0);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);

      arrow = gtk_image_new_from_icon_name ("go-next-symbolic");
      gtk_accessible_update_state (GTK_ACCESSIBLE (arrow), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE, -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), arrow);

      adw_preferences_group_add (self->servers_group, row);
      g_ptr_array_add (self->rows, row);
    }
}

/* ------------------------------------------------------------------------ */
/* The object */

static void
cs_server_preferences_dispose (GObject *object)
{
  CsServerPreferences *self = (CsServerPreferences *)object;

  self->editor = NULL;
  gtk_widget_dispose_template (GTK_WIDGET (self), CS_TYPE_SERVER_PREFERENCES);
  g_clear_pointer (&self->profiles, g_ptr_array_unref);
  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (cs_server_preferences_parent_class)->dispose (object);
}

static void
cs_server_preferences_class_init (CsServerPreferencesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cs_server_preferences_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/cohortscope/Cohortscope/cs-server-preferences.ui");
  gtk_widget_class_bind_template_child (widget_class, CsServerPreferences, servers_group);
  gtk_widget_class_bind_template_child (widget_class, CsServerPreferences, empty_row);

  gtk_widget_class_install_action (widget_class, "servers.add", NULL, add_server_action);
  gtk_widget_class_install_action (widget_class, "servers.save", NULL, save_server_action);
  gtk_widget_class_install_action (widget_class, "servers.test", NULL, test_connection_action);
  gtk_widget_class_install_action (widget_class, "servers.remove-editing", NULL, remove_editing_action);
  gtk_widget_class_install_action (widget_class, "servers.close-editor", NULL, close_editor_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "servers.add", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "servers.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_t, GDK_CONTROL_MASK, "servers.test", NULL);
}

static void
cs_server_preferences_init (CsServerPreferences *self)
{
  g_autofree char *message = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->rows = g_ptr_array_new ();
  self->profiles = cs_gui_load_server_profiles_or_message (&message);
  if (message != NULL)
    toast (self, message);

  rebuild_rows (self);
}

CsServerPreferences *
cs_server_preferences_new (GtkWindow *parent)
{
  return g_object_new (CS_TYPE_SERVER_PREFERENCES,
                       "transient-for", parent,
                       NULL);
}

void
cs_server_preferences_add_server (CsServerPreferences *self)
{
  g_return_if_fail (CS_IS_SERVER_PREFERENCES (self));

  open_editor (self, NULL);
}

gboolean
cs_server_preferences_edit_server (CsServerPreferences *self,
                                   const char          *name)
{
  g_return_val_if_fail (CS_IS_SERVER_PREFERENCES (self), FALSE);

  for (guint i = 0; i < self->profiles->len; i++)
    {
      CsServerProfile *profile = g_ptr_array_index (self->profiles, i);

      if (g_strcmp0 (cs_server_profile_get_name (profile), name) == 0)
        {
          open_editor (self, profile);
          return TRUE;
        }
    }

  return FALSE;
}

GPtrArray *
_cs_server_preferences_get_profiles (CsServerPreferences *self)
{
  g_return_val_if_fail (CS_IS_SERVER_PREFERENCES (self), NULL);

  return self->profiles;
}

const char *
_cs_server_preferences_get_test_result (CsServerPreferences *self)
{
  g_return_val_if_fail (CS_IS_SERVER_PREFERENCES (self), NULL);

  return self->editor != NULL ? cs_server_editor_get_test_result (self->editor) : "";
}

gboolean
_cs_server_preferences_get_testing (CsServerPreferences *self)
{
  g_return_val_if_fail (CS_IS_SERVER_PREFERENCES (self), FALSE);

  return self->editor != NULL && cs_server_editor_get_testing (self->editor);
}
