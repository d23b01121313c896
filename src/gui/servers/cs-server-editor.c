/* cs-server-editor.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cs-saved-servers.h"
#include "cs-server-editor.h"

struct _CsServerEditor
{
  GtkBox               parent_instance;

  /* Template */
  AdwWindowTitle      *window_title;
  GtkWidget           *save_button;
  AdwEntryRow         *name_row;
  AdwEntryRow         *url_row;
  AdwComboRow         *auth_row;
  AdwEntryRow         *username_row;
  AdwEntryRow         *viewer_row;
  AdwPasswordEntryRow *secret_row;
  GtkWidget           *test_button;
  GtkLabel            *test_label;
  GtkWidget           *remove_group;

  CsServerProfile     *profile;           /* NULL: a new server */
  GCancellable        *test_cancellable;
  char                *test_result;
  gboolean             testing;
};

G_DEFINE_FINAL_TYPE (CsServerEditor, cs_server_editor, GTK_TYPE_BOX)

/* The auth row's items (AdwEnumListItem of CsFhirAuthKind) by name */
static char *
auth_kind_name (AdwEnumListItem *item)
{
  return g_strdup (cs_gui_auth_kind_display (adw_enum_list_item_get_value (item)));
}

static CsFhirAuthKind
editor_auth_kind (CsServerEditor *self)
{
  AdwEnumListItem *item = adw_combo_row_get_selected_item (self->auth_row);

  return item != NULL ? (CsFhirAuthKind) adw_enum_list_item_get_value (item) : CS_FHIR_AUTH_NONE;
}

static void
update_auth_rows (CsServerEditor *self)
{
  CsFhirAuthKind kind;
  gboolean has_secret;

  /* the template is gone */
  if (self->auth_row == NULL)
    return;

  kind = editor_auth_kind (self);
  has_secret = self->profile != NULL && kind != CS_FHIR_AUTH_NONE &&
               cs_server_profile_get_auth_kind (self->profile) == kind;
  gtk_widget_set_visible (GTK_WIDGET (self->username_row), kind == CS_FHIR_AUTH_BASIC);
  gtk_widget_set_visible (GTK_WIDGET (self->secret_row), kind != CS_FHIR_AUTH_NONE);

  if (kind == CS_FHIR_AUTH_BASIC)
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->secret_row),
                                   has_secret ? _("Password (saved; type to replace)") : _("Password"));
  else if (kind == CS_FHIR_AUTH_BEARER)
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->secret_row),
                                   has_secret ? _("Token (saved; type to replace)") : _("Token"));
}

/* The secret the editor stands for: the one typed, else the saved one when
 * the profile is being edited. */
static char *
editor_secret (CsServerEditor  *self,
               GError         **error)
{
  const char *typed = gtk_editable_get_text (GTK_EDITABLE (self->secret_row));

  if (typed[0] != '\0')
    return g_strdup (typed);

  if (self->profile != NULL && cs_server_profile_get_auth_kind (self->profile) != CS_FHIR_AUTH_NONE)
    return cs_server_profile_lookup_secret (self->profile, cs_gui_get_secret_backend (), error);

  return NULL;
}

/* ------------------------------------------------------------------------ */
/* Test connection */

static void
read_metadata_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  CsFhirClient *client = task_data;
  g_autoptr(CsFhirCapabilities) caps = NULL;
  GError *error = NULL;

  if (!(caps = cs_fhir_client_read_metadata (client, cancellable, &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, cs_fhir_capabilities_to_string (caps), g_free);
}

static void
set_test_result (CsServerEditor *self,
                 const char     *text,
                 gboolean        is_error)
{
  g_free (self->test_result);
  self->test_result = g_strdup (text);

  gtk_label_set_text (self->test_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->test_label), text[0] != '\0');
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->test_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->test_label), "error");
}

static void
set_testing (CsServerEditor *self,
             gboolean        testing)
{
  self->testing = !!testing;
  gtk_widget_set_sensitive (self->test_button, !testing);
  gtk_button_set_label (GTK_BUTTON (self->test_button), testing ? _("Testing…") : _("_Test Connection"));
}

static void
cancel_test (CsServerEditor *self)
{
  if (self->test_cancellable != NULL)
    g_cancellable_cancel (self->test_cancellable);
  g_clear_object (&self->test_cancellable);
  self->testing = FALSE;
}

static void
on_metadata_read (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  CsServerEditor *self = CS_SERVER_EDITOR (source);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  text = g_task_propagate_pointer (G_TASK (result), &error);

  /* another test, or the editor closed, meanwhile */
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

void
cs_server_editor_test_connection (CsServerEditor *self)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(CsFhirClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  CsFhirAuthKind kind;

  g_return_if_fail (CS_IS_SERVER_EDITOR (self));

  cancel_test (self);

  url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->url_row))));
  if (!(client = cs_fhir_client_new (url, &error)))
    {
      set_test_result (self, error->message, TRUE);
      return;
    }

  kind = editor_auth_kind (self);
  if (kind != CS_FHIR_AUTH_NONE)
    {
      g_autofree char *secret = editor_secret (self, &error);

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

  task = g_task_new (self, self->test_cancellable, on_metadata_read, NULL);
  g_task_set_source_tag (task, cs_server_editor_test_connection);
  g_task_set_task_data (task, g_steal_pointer (&client), g_object_unref);
  g_task_run_in_thread (task, read_metadata_thread);
}

/* ------------------------------------------------------------------------ */
/* Save */

static CsServerProfile *
find_profile (GPtrArray  *profiles,
              const char *name)
{
  for (guint i = 0; i < profiles->len; i++)
    {
      CsServerProfile *profile = g_ptr_array_index (profiles, i);

      if (g_strcmp0 (cs_server_profile_get_name (profile), name) == 0)
        return profile;
    }

  return NULL;
}

/* What is wrong with row's text: message, and the focus on it */
static gboolean
refuse (GError    **error,
        gpointer    row,
        const char *message)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, message);
  gtk_widget_grab_focus (GTK_WIDGET (row));
  return FALSE;
}

gboolean
cs_server_editor_save (CsServerEditor  *self,
                       GPtrArray       *profiles,
                       GError         **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(CsFhirClient) check = NULL;
  g_autoptr(CsServerProfile) profile = NULL;
  g_autofree char *name = NULL;
  g_autofree char *url = NULL;
  g_autofree char *username = NULL;
  g_autofree char *viewer = NULL;
  g_autofree char *old_secret = NULL;
  g_autofree char *old_url = NULL;
  g_autofree char *old_username = NULL;
  const char *typed;
  CsFhirAuthKind kind;
  CsFhirAuthKind old_kind = CS_FHIR_AUTH_NONE;
  CsServerProfile *same_name;

  g_return_val_if_fail (CS_IS_SERVER_EDITOR (self), FALSE);
  g_return_val_if_fail (profiles != NULL, FALSE);

  name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->url_row))));
  username = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->username_row))));
  viewer = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->viewer_row))));
  typed = gtk_editable_get_text (GTK_EDITABLE (self->secret_row));
  kind = editor_auth_kind (self);

  if (name[0] == '\0')
    return refuse (error, self->name_row, _("Give the server a name"));
  same_name = find_profile (profiles, name);
  if (same_name != NULL && same_name != self->profile)
    return refuse (error, self->name_row, _("Another server already has this name; choose a different one"));
  if (!(check = cs_fhir_client_new (url, &local_error)))
    return refuse (error, self->url_row, local_error->message);
  if (kind == CS_FHIR_AUTH_BASIC && username[0] == '\0')
    return refuse (error, self->username_row, _("Enter the user name for the password"));
  if (viewer[0] != '\0' && !cs_viewer_template_check (viewer, &local_error))
    return refuse (error, self->viewer_row, local_error->message);

  /* Keep the saved secret when none was typed, also if the URL or the user
   * name changed (the keyring entry is found by those). */
  if (self->profile != NULL)
    {
      old_kind = cs_server_profile_get_auth_kind (self->profile);
      old_url = g_strdup (cs_server_profile_get_base_url (self->profile));
      old_username = g_strdup (cs_server_profile_get_username (self->profile));
      if (old_kind != CS_FHIR_AUTH_NONE && typed[0] == '\0' && old_kind == kind)
        {
          old_secret = cs_server_profile_lookup_secret (self->profile, cs_gui_get_secret_backend (), &local_error);
          if (local_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
        }
    }

  if (kind != CS_FHIR_AUTH_NONE && typed[0] == '\0' && old_secret == NULL)
    return refuse (error, self->secret_row, kind == CS_FHIR_AUTH_BASIC ? _("Enter the password") : _("Enter the token"));

  profile = self->profile != NULL ? g_object_ref (self->profile) : cs_server_profile_new (name, url);
  cs_server_profile_set_name (profile, name);
  cs_server_profile_set_base_url (profile, cs_fhir_client_get_base_url (check));
  cs_server_profile_set_auth_kind (profile, kind);
  cs_server_profile_set_username (profile, kind == CS_FHIR_AUTH_BASIC ? username : NULL);
  cs_server_profile_set_viewer_template (profile, viewer);

  if (kind != CS_FHIR_AUTH_NONE)
    {
      const char *secret = typed[0] != '\0' ? typed : old_secret;

      if (!cs_server_profile_store_secret (profile, cs_gui_get_secret_backend (), secret, &local_error))
        {
          g_set_error (error, local_error->domain, local_error->code,
                       _("Cannot save the secret in the keyring: %s"), local_error->message);
          return FALSE;
        }
    }

  /* Forget the secret stored under the old URL or user name */
  if (self->profile != NULL && old_kind != CS_FHIR_AUTH_NONE &&
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

  if (self->profile == NULL)
    g_ptr_array_add (profiles, g_object_ref (profile));

  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* The object */

/* While the editor is shown, Enter saves */
static void
cs_server_editor_root (GtkWidget *widget)
{
  CsServerEditor *self = CS_SERVER_EDITOR (widget);

  GTK_WIDGET_CLASS (cs_server_editor_parent_class)->root (widget);
  gtk_window_set_default_widget (GTK_WINDOW (gtk_widget_get_root (widget)), self->save_button);
}

static void
cs_server_editor_unroot (GtkWidget *widget)
{
  CsServerEditor *self = CS_SERVER_EDITOR (widget);
  GtkWindow *window = GTK_WINDOW (gtk_widget_get_root (widget));

  if (gtk_window_get_default_widget (window) == self->save_button)
    gtk_window_set_default_widget (window, NULL);
  GTK_WIDGET_CLASS (cs_server_editor_parent_class)->unroot (widget);
}

/* The focus goes to the first field */
static gboolean
cs_server_editor_grab_focus (GtkWidget *widget)
{
  return gtk_widget_grab_focus (GTK_WIDGET (CS_SERVER_EDITOR (widget)->name_row));
}

static void
cs_server_editor_dispose (GObject *object)
{
  CsServerEditor *self = CS_SERVER_EDITOR (object);

  cancel_test (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), CS_TYPE_SERVER_EDITOR);
  g_clear_object (&self->profile);

  G_OBJECT_CLASS (cs_server_editor_parent_class)->dispose (object);
}

static void
cs_server_editor_finalize (GObject *object)
{
  CsServerEditor *self = CS_SERVER_EDITOR (object);

  g_free (self->test_result);

  G_OBJECT_CLASS (cs_server_editor_parent_class)->finalize (object);
}

static void
cs_server_editor_class_init (CsServerEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cs_server_editor_dispose;
  object_class->finalize = cs_server_editor_finalize;
  widget_class->root = cs_server_editor_root;
  widget_class->unroot = cs_server_editor_unroot;
  widget_class->grab_focus = cs_server_editor_grab_focus;

  g_type_ensure (CS_TYPE_FHIR_AUTH_KIND);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/cohortscope/Cohortscope/cs-server-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, CsServerEditor, window_title);
  gtk_widget_class_bind_template_child (widget_class, CsServerEditor, save_button);
  gtk_widget_class_bind_template_child (widget_class, CsServerEditor, name_row);
  gtk_widget_class_bind_template_child (widget_class, CsServerEditor, url_row);
  gtk_widget_class_bind_template_child (widget_class, CsServerEditor, auth_row);
  gtk_widget_class_bind_template_child (widget_class, CsServerEditor, username_row);
  gtk_widget_class_bind_template_child (widget_class, CsServerEditor, viewer_row);
  gtk_widget_class_bind_template_child (widget_class, CsServerEditor, secret_row);
  gtk_widget_class_bind_template_child (widget_class, CsServerEditor, test_button);
  gtk_widget_class_bind_template_child (widget_class, CsServerEditor, test_label);
  gtk_widget_class_bind_template_child (widget_class, CsServerEditor, remove_group);
  gtk_widget_class_bind_template_callback (widget_class, auth_kind_name);
  gtk_widget_class_bind_template_callback (widget_class, update_auth_rows);
}

static void
cs_server_editor_init (CsServerEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->test_result = g_strdup ("");
}

GtkWidget *
cs_server_editor_new (CsServerProfile *profile)
{
  CsServerEditor *self;

  g_return_val_if_fail (profile == NULL || CS_IS_SERVER_PROFILE (profile), NULL);

  self = g_object_new (CS_TYPE_SERVER_EDITOR, NULL);
  if (profile != NULL)
    {
      self->profile = g_object_ref (profile);
      adw_window_title_set_title (self->window_title, _("Edit Server"));
      adw_window_title_set_subtitle (self->window_title, cs_server_profile_get_name (profile));
      gtk_editable_set_text (GTK_EDITABLE (self->name_row), cs_server_profile_get_name (profile));
      gtk_editable_set_text (GTK_EDITABLE (self->url_row), cs_server_profile_get_base_url (profile));
      if (cs_server_profile_get_username (profile) != NULL)
        gtk_editable_set_text (GTK_EDITABLE (self->username_row), cs_server_profile_get_username (profile));
      if (cs_server_profile_get_viewer_template (profile) != NULL)
        gtk_editable_set_text (GTK_EDITABLE (self->viewer_row), cs_server_profile_get_viewer_template (profile));
      adw_combo_row_set_selected (self->auth_row, cs_server_profile_get_auth_kind (profile));
      gtk_widget_set_visible (self->remove_group, TRUE);
    }
  update_auth_rows (self);

  return GTK_WIDGET (self);
}

CsServerProfile *
cs_server_editor_get_profile (CsServerEditor *self)
{
  g_return_val_if_fail (CS_IS_SERVER_EDITOR (self), NULL);

  return self->profile;
}

const char *
cs_server_editor_get_test_result (CsServerEditor *self)
{
  g_return_val_if_fail (CS_IS_SERVER_EDITOR (self), NULL);

  return self->test_result;
}

gboolean
cs_server_editor_get_testing (CsServerEditor *self)
{
  g_return_val_if_fail (CS_IS_SERVER_EDITOR (self), FALSE);

  return self->testing;
}
