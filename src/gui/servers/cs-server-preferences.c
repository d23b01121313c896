/* cs-server-preferences.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cs-server-preferences.h"

static CsSecretBackend *gui_secret_backend;

void
cs_gui_set_secret_backend (CsSecretBackend *backend)
{
  gui_secret_backend = backend;
}

CsSecretBackend *
cs_gui_get_secret_backend (void)
{
  return gui_secret_backend;
}

GPtrArray *
cs_gui_load_server_profiles (GError **error)
{
  return cs_server_profiles_load (NULL, error);
}

struct _CsServerPreferences
{
  AdwPreferencesWindow  parent_instance;

  /* Template */
  AdwPreferencesGroup  *servers_group;
  AdwActionRow         *empty_row;

  GPtrArray            *profiles;        /* CsServerProfile* */
  GPtrArray            *rows;            /* listed rows, GtkWidget* (unowned) */

  /* The editor subpage */
  GtkWidget            *editor;
  CsServerProfile      *editing;         /* NULL: a new profile */
  AdwWindowTitle       *editor_title;
  AdwEntryRow          *name_row;
  AdwEntryRow          *url_row;
  AdwComboRow          *auth_row;
  AdwEntryRow          *username_row;
  AdwPasswordEntryRow  *secret_row;
  GtkWidget            *test_button;
  GtkLabel             *test_label;
  GtkWidget            *remove_group;
  GCancellable         *test_cancellable;
  char                 *test_result;
  guint                 testing : 1;
};

G_DEFINE_FINAL_TYPE (CsServerPreferences, cs_server_preferences, ADW_TYPE_PREFERENCES_WINDOW)

static void rebuild_rows (CsServerPreferences *self);

static const char *
auth_display (CsFhirAuthKind kind)
{
  switch (kind)
    {
    case CS_FHIR_AUTH_BASIC:
      return _("User name and password");

    case CS_FHIR_AUTH_BEARER:
      return _("Bearer token");

    case CS_FHIR_AUTH_NONE:
    default:
      return _("No authentication");
    }
}

static void
toast (CsServerPreferences *self,
       const char          *message)
{
  AdwToast *t = adw_toast_new (message);

  adw_toast_set_timeout (t, 8);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), t);
}

static gboolean
save_profiles (CsServerPreferences  *self,
               GError              **error)
{
  return cs_server_profiles_save (self->profiles, NULL, error);
}

/* ------------------------------------------------------------------------ */
/* Test connection */

typedef struct
{
  CsServerPreferences *self;
  CsFhirClient        *client;
} TestData;

static void
test_data_free (TestData *data)
{
  g_clear_object (&data->self);
  g_clear_object (&data->client);
  g_free (data);
}

static void
read_metadata_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  TestData *data = task_data;
  g_autoptr(CsFhirCapabilities) caps = NULL;
  GError *error = NULL;

  if (!(caps = cs_fhir_client_read_metadata (data->client, cancellable, &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, cs_fhir_capabilities_to_string (caps), g_free);
}

static void
set_test_result (CsServerPreferences *self,
                 const char          *text,
                 gboolean             is_error)
{
  g_free (self->test_result);
  self->test_result = g_strdup (text);

  if (self->test_label == NULL)
    return;

  gtk_label_set_text (self->test_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->test_label), text[0] != '\0');
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->test_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->test_label), "error");
}

static void
set_testing (CsServerPreferences *self,
             gboolean             testing)
{
  self->testing = !!testing;
  if (self->test_button != NULL)
    {
      gtk_widget_set_sensitive (self->test_button, !testing);
      gtk_button_set_label (GTK_BUTTON (self->test_button),
                            testing ? _("Testing…") : _("_Test Connection"));
    }
}

static void
on_metadata_read (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  CsServerPreferences *self = CS_SERVER_PREFERENCES (source);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  text = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_task_get_cancellable (G_TASK (result)) != self->test_cancellable)
    return;
  g_clear_object (&self->test_cancellable);
  set_testing (self, FALSE);

  if (text == NULL)
    {
      /* Translators: %s is the error, e.g. an OperationOutcome's text */
      g_autofree char *message = g_strdup_printf (_("Connection failed: %s"), error->message);

      set_test_result (self, message, TRUE);
      return;
    }

  set_test_result (self, text, FALSE);
}

static CsFhirAuthKind
editor_auth_kind (CsServerPreferences *self)
{
  guint selected = adw_combo_row_get_selected (self->auth_row);

  return selected <= CS_FHIR_AUTH_BEARER ? (CsFhirAuthKind)selected : CS_FHIR_AUTH_NONE;
}

/* The secret the editor stands for: the one typed, else the saved one when
 * the profile is being edited. */
static char *
editor_secret (CsServerPreferences  *self,
               GError              **error)
{
  const char *typed = gtk_editable_get_text (GTK_EDITABLE (self->secret_row));

  if (typed[0] != '\0')
    return g_strdup (typed);

  if (self->editing != NULL && cs_server_profile_get_auth_kind (self->editing) != CS_FHIR_AUTH_NONE)
    return cs_server_profile_lookup_secret (self->editing, cs_gui_get_secret_backend (), error);

  return NULL;
}

static void
test_connection_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  CsServerPreferences *self = CS_SERVER_PREFERENCES (widget);
  g_autoptr(GTask) task = NULL;
  g_autoptr(CsFhirClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *secret = NULL;
  CsFhirAuthKind kind;
  g_autofree char *url = NULL;
  TestData *data;

  if (self->editor == NULL)
    return;

  if (self->test_cancellable != NULL)
    g_cancellable_cancel (self->test_cancellable);
  g_clear_object (&self->test_cancellable);

  url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->url_row))));
  if (!(client = cs_fhir_client_new (url, &error)))
    {
      set_test_result (self, error->message, TRUE);
      return;
    }

  kind = editor_auth_kind (self);
  if (kind != CS_FHIR_AUTH_NONE)
    {
      secret = editor_secret (self, &error);
      if (error != NULL)
        {
          set_test_result (self, error->message, TRUE);
          return;
        }
      if (secret == NULL)
        {
          set_test_result (self, kind == CS_FHIR_AUTH_BASIC
                                 ? _("Enter the password to test the connection")
                                 : _("Enter the token to test the connection"),
                           TRUE);
          return;
        }
      if (kind == CS_FHIR_AUTH_BASIC)
        cs_fhir_client_set_auth_basic (client, gtk_editable_get_text (GTK_EDITABLE (self->username_row)), secret);
      else
        cs_fhir_client_set_auth_bearer (client, secret);
      explicit_bzero (secret, strlen (secret));
    }
  cs_fhir_client_set_timeout (client, 30);

  self->test_cancellable = g_cancellable_new ();
  set_testing (self, TRUE);
  set_test_result (self, "", FALSE);

  data = g_new0 (TestData, 1);
  data->self = g_object_ref (self);
  data->client = g_steal_pointer (&client);

  task = g_task_new (self, self->test_cancellable, on_metadata_read, NULL);
  g_task_set_source_tag (task, test_connection_action);
  g_task_set_task_data (task, data, (GDestroyNotify)test_data_free);
  g_task_run_in_thread (task, read_metadata_thread);
}

/* ------------------------------------------------------------------------ */
/* The editor */

static void
close_editor (CsServerPreferences *self)
{
  if (self->test_cancellable != NULL)
    g_cancellable_cancel (self->test_cancellable);
  g_clear_object (&self->test_cancellable);
  set_testing (self, FALSE);

  self->test_button = NULL;
  self->test_label = NULL;
  g_clear_object (&self->editing);
  /* The Save button goes with the editor */
  gtk_window_set_default_widget (GTK_WINDOW (self), NULL);
  if (self->editor != NULL)
    {
      self->editor = NULL;
      adw_preferences_window_close_subpage (ADW_PREFERENCES_WINDOW (self));
    }
}

static void
update_auth_rows (CsServerPreferences *self)
{
  CsFhirAuthKind kind = editor_auth_kind (self);
  gboolean has_secret = FALSE;

  gtk_widget_set_visible (GTK_WIDGET (self->username_row), kind == CS_FHIR_AUTH_BASIC);
  gtk_widget_set_visible (GTK_WIDGET (self->secret_row), kind != CS_FHIR_AUTH_NONE);

  if (self->editing != NULL && cs_server_profile_get_auth_kind (self->editing) == kind && kind != CS_FHIR_AUTH_NONE)
    has_secret = TRUE;

  if (kind == CS_FHIR_AUTH_BASIC)
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->secret_row),
                                   has_secret ? _("Password (saved; type to replace)") : _("Password"));
  else if (kind == CS_FHIR_AUTH_BEARER)
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->secret_row),
                                   has_secret ? _("Token (saved; type to replace)") : _("Token"));
}

static void
on_auth_selected (CsServerPreferences *self)
{
  update_auth_rows (self);
}

static CsServerProfile *
find_profile (CsServerPreferences *self,
              const char          *name)
{
  for (guint i = 0; i < self->profiles->len; i++)
    {
      CsServerProfile *profile = g_ptr_array_index (self->profiles, i);

      if (g_strcmp0 (cs_server_profile_get_name (profile), name) == 0)
        return profile;
    }

  return NULL;
}

static void
save_server_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  CsServerPreferences *self = CS_SERVER_PREFERENCES (widget);
  g_autoptr(GError) error = NULL;
  g_autoptr(CsFhirClient) check = NULL;
  g_autoptr(CsServerProfile) profile = NULL;
  g_autofree char *name = NULL;
  g_autofree char *url = NULL;
  g_autofree char *username = NULL;
  g_autofree char *old_secret = NULL;
  g_autofree char *old_url = NULL;
  g_autofree char *old_username = NULL;
  const char *typed;
  CsFhirAuthKind kind;
  CsFhirAuthKind old_kind = CS_FHIR_AUTH_NONE;
  CsServerProfile *same_name;

  if (self->editor == NULL)
    return;

  name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->url_row))));
  username = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->username_row))));
  typed = gtk_editable_get_text (GTK_EDITABLE (self->secret_row));
  kind = editor_auth_kind (self);

  if (name[0] == '\0')
    {
      toast (self, _("Give the server a name"));
      gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
      return;
    }
  same_name = find_profile (self, name);
  if (same_name != NULL && same_name != self->editing)
    {
      toast (self, _("Another server already has this name; choose a different one"));
      gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
      return;
    }
  if (!(check = cs_fhir_client_new (url, &error)))
    {
      toast (self, error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->url_row));
      return;
    }
  if (kind == CS_FHIR_AUTH_BASIC && username[0] == '\0')
    {
      toast (self, _("Enter the user name for the password"));
      gtk_widget_grab_focus (GTK_WIDGET (self->username_row));
      return;
    }

  /* Keep the saved secret when none was typed, also if the URL or the user
   * name changed (the keyring entry is found by those). */
  if (self->editing != NULL)
    {
      old_kind = cs_server_profile_get_auth_kind (self->editing);
      old_url = g_strdup (cs_server_profile_get_base_url (self->editing));
      old_username = g_strdup (cs_server_profile_get_username (self->editing));
      if (old_kind != CS_FHIR_AUTH_NONE && typed[0] == '\0' && old_kind == kind)
        {
          old_secret = cs_server_profile_lookup_secret (self->editing, cs_gui_get_secret_backend (), &error);
          if (error != NULL)
            {
              toast (self, error->message);
              return;
            }
        }
    }

  if (kind != CS_FHIR_AUTH_NONE && typed[0] == '\0' && old_secret == NULL)
    {
      toast (self, kind == CS_FHIR_AUTH_BASIC ? _("Enter the password") : _("Enter the token"));
      gtk_widget_grab_focus (GTK_WIDGET (self->secret_row));
      return;
    }

  profile = self->editing != NULL ? g_object_ref (self->editing) : cs_server_profile_new (name, url);
  cs_server_profile_set_name (profile, name);
  cs_server_profile_set_base_url (profile, cs_fhir_client_get_base_url (check));
  cs_server_profile_set_auth_kind (profile, kind);
  cs_server_profile_set_username (profile, kind == CS_FHIR_AUTH_BASIC ? username : NULL);

  if (kind != CS_FHIR_AUTH_NONE)
    {
      const char *secret = typed[0] != '\0' ? typed : old_secret;

      if (!cs_server_profile_store_secret (profile, cs_gui_get_secret_backend (), secret, &error))
        {
          g_autofree char *message = g_strdup_printf (_("Cannot save the secret in the keyring: %s"), error->message);

          toast (self, message);
          return;
        }
    }

  /* Forget the secret stored under the old URL or user name */
  if (self->editing != NULL && old_kind != CS_FHIR_AUTH_NONE &&
      (kind == CS_FHIR_AUTH_NONE ||
       g_strcmp0 (old_url, cs_server_profile_get_base_url (profile)) != 0 ||
       g_strcmp0 (old_username, cs_server_profile_get_username (profile)) != 0))
    {
      g_autoptr(CsServerProfile) old = cs_server_profile_new (name, old_url);

      cs_server_profile_set_auth_kind (old, old_kind);
      cs_server_profile_set_username (old, old_username);
      cs_server_profile_clear_secret (old, cs_gui_get_secret_backend (), NULL);
    }
  if (old_secret != NULL)
    explicit_bzero (old_secret, strlen (old_secret));

  if (self->editing == NULL)
    g_ptr_array_add (self->profiles, g_object_ref (profile));

  if (!save_profiles (self, &error))
    {
      toast (self, error->message);
      return;
    }

  close_editor (self);
  rebuild_rows (self);
}

static void
remove_profile (CsServerPreferences *self,
                CsServerProfile     *profile)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsServerProfile) hold = g_object_ref (profile);
  g_autofree char *message = NULL;

  if (!g_ptr_array_remove (self->profiles, profile))
    return;

  if (cs_server_profile_get_auth_kind (profile) != CS_FHIR_AUTH_NONE)
    cs_server_profile_clear_secret (profile, cs_gui_get_secret_backend (), NULL);

  if (!save_profiles (self, &error))
    toast (self, error->message);
  else
    {
      /* Translators: %s is a server's name */
      message = g_strdup_printf (_("Removed “%s”"), cs_server_profile_get_name (profile));
      toast (self, message);
    }

  rebuild_rows (self);
}

static void
remove_editing_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  CsServerPreferences *self = CS_SERVER_PREFERENCES (widget);
  g_autoptr(CsServerProfile) profile = NULL;

  if (self->editing == NULL)
    return;

  profile = g_object_ref (self->editing);
  close_editor (self);
  remove_profile (self, profile);
}

static GtkWidget *
add_group (AdwPreferencesPage *page,
           const char         *title)
{
  GtkWidget *group = adw_preferences_group_new ();

  if (title != NULL)
    adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  adw_preferences_page_add (page, ADW_PREFERENCES_GROUP (group));

  return group;
}

static void
set_accessible_label (GtkWidget  *widget,
                      const char *label)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
}

static void
on_editor_destroy (GtkWidget           *editor,
                   CsServerPreferences *self)
{
  if (self->editor != editor)
    return;

  /* Closed some other way than through close_editor() */
  if (self->test_cancellable != NULL)
    g_cancellable_cancel (self->test_cancellable);
  g_clear_object (&self->test_cancellable);
  self->testing = FALSE;
  self->editor = NULL;
  gtk_window_set_default_widget (GTK_WINDOW (self), NULL);
  self->test_button = NULL;
  self->test_label = NULL;
  g_clear_object (&self->editing);
}

static void
back_clicked (CsServerPreferences *self)
{
  close_editor (self);
}

static void
open_editor (CsServerPreferences *self,
             CsServerProfile     *profile)
{
  GtkWidget *box, *header, *back, *save, *page, *group, *row, *button;
  g_autoptr(GtkStringList) auth_model = NULL;
  const char *auth_names[] = { auth_display (CS_FHIR_AUTH_NONE), auth_display (CS_FHIR_AUTH_BASIC),
                               auth_display (CS_FHIR_AUTH_BEARER), NULL };

  if (self->editor != NULL)
    close_editor (self);

  self->editing = profile != NULL ? g_object_ref (profile) : NULL;
  g_clear_pointer (&self->test_result, g_free);
  self->test_result = g_strdup ("");

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  header = adw_header_bar_new ();
  self->editor_title = ADW_WINDOW_TITLE (adw_window_title_new (profile != NULL ? _("Edit Server") : _("Add Server"),
                                                               profile != NULL ? cs_server_profile_get_name (profile) : NULL));
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), GTK_WIDGET (self->editor_title));
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_set_show_start_title_buttons (ADW_HEADER_BAR (header), FALSE);

  back = gtk_button_new_from_icon_name ("go-previous-symbolic");
  gtk_widget_set_tooltip_text (back, _("Back"));
  set_accessible_label (back, _("Back to the server list"));
  g_signal_connect_object (back, "clicked", G_CALLBACK (back_clicked), self, G_CONNECT_SWAPPED);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), back);

  save = gtk_button_new_with_mnemonic (_("_Save"));
  gtk_widget_set_name (save, "save-server");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (save), "servers.save");
  gtk_widget_add_css_class (save, "suggested-action");
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), save);
  gtk_box_append (GTK_BOX (box), header);

  page = adw_preferences_page_new ();
  gtk_widget_set_vexpand (page, TRUE);
  gtk_box_append (GTK_BOX (box), page);

  group = add_group (ADW_PREFERENCES_PAGE (page), NULL);

  row = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Name"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  gtk_widget_set_name (row, "server-name");
  adw_entry_row_set_activates_default (ADW_ENTRY_ROW (row), TRUE);
  if (profile != NULL)
    gtk_editable_set_text (GTK_EDITABLE (row), cs_server_profile_get_name (profile));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  self->name_row = ADW_ENTRY_ROW (row);

  row = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("FHIR Base URL, e.g. https://hapi.example.org/fhir"));
  gtk_widget_set_name (row, "server-url");
  adw_entry_row_set_input_purpose (ADW_ENTRY_ROW (row), GTK_INPUT_PURPOSE_URL);
  adw_entry_row_set_activates_default (ADW_ENTRY_ROW (row), TRUE);
  if (profile != NULL)
    gtk_editable_set_text (GTK_EDITABLE (row), cs_server_profile_get_base_url (profile));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  self->url_row = ADW_ENTRY_ROW (row);

  group = add_group (ADW_PREFERENCES_PAGE (page), _("Authentication"));

  auth_model = gtk_string_list_new (auth_names);
  row = adw_combo_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Method"));
  gtk_widget_set_name (row, "server-auth");
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (auth_model));
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), profile != NULL ? cs_server_profile_get_auth_kind (profile)
                                                                    : CS_FHIR_AUTH_NONE);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  self->auth_row = ADW_COMBO_ROW (row);

  row = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("User Name"));
  gtk_widget_set_name (row, "server-username");
  adw_entry_row_set_activates_default (ADW_ENTRY_ROW (row), TRUE);
  if (profile != NULL && cs_server_profile_get_username (profile) != NULL)
    gtk_editable_set_text (GTK_EDITABLE (row), cs_server_profile_get_username (profile));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  self->username_row = ADW_ENTRY_ROW (row);

  row = adw_password_entry_row_new ();
  gtk_widget_set_name (row, "server-secret");
  adw_entry_row_set_activates_default (ADW_ENTRY_ROW (row), TRUE);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  self->secret_row = ADW_PASSWORD_ENTRY_ROW (row);

  g_signal_connect_object (self->auth_row, "notify::selected", G_CALLBACK (on_auth_selected), self, G_CONNECT_SWAPPED);
  update_auth_rows (self);

  group = add_group (ADW_PREFERENCES_PAGE (page), _("Connection"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("Reads the server’s CapabilityStatement (/metadata) with the settings above."));
  button = gtk_button_new_with_mnemonic (_("_Test Connection"));
  gtk_widget_set_name (button, "test-connection");
  gtk_widget_set_halign (button, GTK_ALIGN_START);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "servers.test");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), button);
  self->test_button = button;

  self->test_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_set_name (GTK_WIDGET (self->test_label), "test-result");
  gtk_label_set_xalign (self->test_label, 0);
  gtk_label_set_wrap (self->test_label, TRUE);
  gtk_label_set_selectable (self->test_label, TRUE);
  gtk_widget_set_margin_top (GTK_WIDGET (self->test_label), 12);
  gtk_widget_set_visible (GTK_WIDGET (self->test_label), FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (self->test_label), "monospace");
  set_accessible_label (GTK_WIDGET (self->test_label), _("Connection test result"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->test_label));

  if (profile != NULL)
    {
      group = add_group (ADW_PREFERENCES_PAGE (page), NULL);
      button = gtk_button_new_with_mnemonic (_("_Remove Server"));
      gtk_widget_set_halign (button, GTK_ALIGN_START);
      gtk_widget_add_css_class (button, "destructive-action");
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "servers.remove-editing");
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), button);
    }

  self->editor = box;
  g_signal_connect_object (box, "destroy", G_CALLBACK (on_editor_destroy), self, 0);
  adw_preferences_window_present_subpage (ADW_PREFERENCES_WINDOW (self), box);
  gtk_window_set_default_widget (GTK_WINDOW (self), save);
  gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
}

/* ------------------------------------------------------------------------ */
/* The list */

static void
on_row_activated (AdwActionRow        *row,
                  CsServerPreferences *self)
{
  CsServerProfile *profile = g_object_get_data (G_OBJECT (row), "cs-profile");

  if (profile != NULL)
    open_editor (self, profile);
}

static void
on_remove_clicked (GtkButton           *button,
                   CsServerPreferences *self)
{
  CsServerProfile *profile = g_object_get_data (G_OBJECT (button), "cs-profile");

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
                                  auth_display (cs_server_profile_get_auth_kind (profile)));
      row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), cs_server_profile_get_name (profile));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data_full (G_OBJECT (row), "cs-profile", g_object_ref (profile), g_object_unref);
      g_signal_connect_object (row, "activated", G_CALLBACK (on_row_activated), self, 0);

      remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
      gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (remove, "flat");
      gtk_widget_set_tooltip_text (remove, _("Remove"));
      /* Translators: accessible name of a button; %s is a server's name */
      remove_label = g_strdup_printf (_("Remove %s"), cs_server_profile_get_name (profile));
      set_accessible_label (remove, remove_label);
      g_object_set_data_full (G_OBJECT (remove), "cs-profile", g_object_ref (profile), g_object_unref);
      g_signal_connect_object (remove, "clicked", G_CALLBACK (on_remove_clicked), self, 0);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);

      arrow = gtk_image_new_from_icon_name ("go-next-symbolic");
      gtk_accessible_update_state (GTK_ACCESSIBLE (arrow), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE, -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), arrow);

      adw_preferences_group_add (self->servers_group, row);
      g_ptr_array_add (self->rows, row);
    }
}

static void
add_server_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  cs_server_preferences_add_server (CS_SERVER_PREFERENCES (widget));
}

static void
cs_server_preferences_dispose (GObject *object)
{
  CsServerPreferences *self = (CsServerPreferences *)object;

  if (self->test_cancellable != NULL)
    g_cancellable_cancel (self->test_cancellable);
  g_clear_object (&self->test_cancellable);
  g_clear_object (&self->editing);
  if (self->editor != NULL)
    gtk_window_set_default_widget (GTK_WINDOW (self), NULL);
  self->editor = NULL;
  self->test_button = NULL;
  self->test_label = NULL;

  gtk_widget_dispose_template (GTK_WIDGET (self), CS_TYPE_SERVER_PREFERENCES);

  g_clear_pointer (&self->profiles, g_ptr_array_unref);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->test_result, g_free);

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

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "servers.add", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "servers.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_t, GDK_CONTROL_MASK, "servers.test", NULL);
}

static void
cs_server_preferences_init (CsServerPreferences *self)
{
  g_autoptr(GError) error = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->rows = g_ptr_array_new ();
  self->profiles = cs_gui_load_server_profiles (&error);
  if (self->profiles == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The saved servers could not be read: %s"), error->message);

      self->profiles = g_ptr_array_new_with_free_func (g_object_unref);
      toast (self, message);
    }

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
  CsServerProfile *profile;

  g_return_val_if_fail (CS_IS_SERVER_PREFERENCES (self), FALSE);

  if (!(profile = find_profile (self, name)))
    return FALSE;

  open_editor (self, profile);
  return TRUE;
}

GPtrArray *
cs_server_preferences_get_profiles (CsServerPreferences *self)
{
  g_return_val_if_fail (CS_IS_SERVER_PREFERENCES (self), NULL);

  return self->profiles;
}

const char *
cs_server_preferences_get_test_result (CsServerPreferences *self)
{
  g_return_val_if_fail (CS_IS_SERVER_PREFERENCES (self), NULL);

  return self->test_result != NULL ? self->test_result : "";
}

gboolean
cs_server_preferences_get_testing (CsServerPreferences *self)
{
  g_return_val_if_fail (CS_IS_SERVER_PREFERENCES (self), FALSE);

  return self->testing;
}
