/* cs-server-form.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "cs-server-form.h"
#include "cs-server-preferences.h"

GtkWidget *
cs_server_form_dialog_new (GtkWindow   *parent,
                           const char  *title,
                           GtkWidget  **header_out)
{
  GtkWidget *dialog = adw_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkEventController *keys;

  g_return_val_if_fail (header_out != NULL, NULL);

  gtk_window_set_title (GTK_WINDOW (dialog), title);
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), parent);
  gtk_window_set_default_size (GTK_WINDOW (dialog), 560, -1);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (dialog), TRUE);
  gtk_window_set_hide_on_close (GTK_WINDOW (dialog), FALSE);

  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_set_show_start_title_buttons (ADW_HEADER_BAR (header), FALSE);
  gtk_box_append (GTK_BOX (box), header);
  adw_window_set_content (ADW_WINDOW (dialog), box);

  /* Escape closes */
  keys = GTK_EVENT_CONTROLLER (gtk_shortcut_controller_new ());
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (keys),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Escape, 0),
                                                          gtk_named_action_new ("window.close")));
  gtk_widget_add_controller (dialog, keys);

  *header_out = header;

  return dialog;
}

GtkBox *
cs_server_form_dialog_get_box (GtkWidget *dialog)
{
  return GTK_BOX (adw_window_get_content (ADW_WINDOW (dialog)));
}

GPtrArray *
cs_server_form_load_profiles (CsWindow *window)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *profiles = cs_gui_load_server_profiles (&error);

  if (profiles == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The saved servers could not be read: %s"), error->message);

      if (window != NULL)
        cs_window_add_toast (window, message);
      profiles = g_ptr_array_new_with_free_func (g_object_unref);
    }

  return profiles;
}

GtkWidget *
cs_server_form_server_row_new (GPtrArray *profiles)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  GtkWidget *row;

  for (guint i = 0; i < profiles->len; i++)
    gtk_string_list_append (names, cs_server_profile_get_name (g_ptr_array_index (profiles, i)));

  row = adw_combo_row_new ();
  gtk_widget_set_name (row, "server");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("_Server"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (names));

  return row;
}

gboolean
cs_server_form_is_cancelled (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
         g_error_matches (error, CS_FHIR_ERROR, CS_FHIR_ERROR_CANCELLED);
}

void
cs_server_form_set_accessible_label (GtkWidget  *widget,
                                     const char *label)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

/* ------------------------------------------------------------------------ */
/* The upload flow */

static void
on_close_clicked (GtkButton    *button,
                  CsServerForm *form)
{
  if (form->busy && form->cancellable != NULL)
    g_cancellable_cancel (form->cancellable);
  else
    gtk_window_destroy (form->dialog);
}

void
cs_server_form_init (CsServerForm *form,
                     GtkWidget    *dialog,
                     GtkWidget    *header,
                     CsWindow     *window,
                     const char   *upload_tooltip,
                     GCallback     upload_clicked,
                     const char   *dry_run_tooltip,
                     GCallback     dry_run_clicked,
                     gpointer      user_data)
{
  GtkWidget *button;

  g_return_if_fail (form != NULL);
  g_return_if_fail (GTK_IS_WINDOW (dialog));
  g_return_if_fail (ADW_IS_HEADER_BAR (header));

  form->dialog = GTK_WINDOW (dialog);
  form->profiles = cs_server_form_load_profiles (window);

  button = gtk_button_new_with_mnemonic (_("_Close"));
  gtk_widget_set_tooltip_text (button, _("Stops a running check or upload; closes the dialog otherwise"));
  g_signal_connect (button, "clicked", G_CALLBACK (on_close_clicked), form);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), button);
  form->close_button = button;

  button = gtk_button_new_with_mnemonic (_("_Upload"));
  gtk_widget_set_name (button, "upload");
  gtk_widget_add_css_class (button, "suggested-action");
  gtk_widget_set_tooltip_text (button, upload_tooltip);
  g_signal_connect (button, "clicked", upload_clicked, user_data);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), button);
  form->upload_button = button;

  button = gtk_button_new_with_mnemonic (_("_Dry Run"));
  gtk_widget_set_name (button, "dry-run");
  gtk_widget_set_tooltip_text (button, dry_run_tooltip);
  g_signal_connect (button, "clicked", dry_run_clicked, user_data);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), button);
  gtk_window_set_default_widget (GTK_WINDOW (dialog), button);
  form->dry_run_button = button;
}

GtkWidget *
cs_server_form_create_server_row (CsServerForm *form)
{
  GtkWidget *row = cs_server_form_server_row_new (form->profiles);

  form->server_row = ADW_COMBO_ROW (row);

  return row;
}

void
cs_server_form_add_status (CsServerForm *form,
                           GtkBox       *box,
                           const char   *text)
{
  form->progress = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  cs_server_form_set_accessible_label (GTK_WIDGET (form->progress), _("Upload progress"));
  gtk_box_append (box, GTK_WIDGET (form->progress));

  form->status = GTK_LABEL (gtk_label_new (text));
  gtk_widget_set_name (GTK_WIDGET (form->status), "status");
  gtk_label_set_xalign (form->status, 0);
  gtk_label_set_wrap (form->status, TRUE);
  gtk_label_set_selectable (form->status, TRUE);
  cs_server_form_set_accessible_label (GTK_WIDGET (form->status), _("Upload status"));
  gtk_box_append (box, GTK_WIDGET (form->status));
}

CsServerProfile *
cs_server_form_get_profile (CsServerForm *form)
{
  guint index = adw_combo_row_get_selected (form->server_row);

  return index < form->profiles->len ? g_ptr_array_index (form->profiles, index) : NULL;
}

void
cs_server_form_update (CsServerForm *form,
                       const char   *key)
{
  gtk_widget_set_sensitive (form->dry_run_button, !form->busy && key != NULL);
  /* Upload after a dry run of the same thing to the same server */
  gtk_widget_set_sensitive (form->upload_button,
                            !form->busy && key != NULL && g_strcmp0 (key, form->checked_key) == 0);
  gtk_widget_set_visible (GTK_WIDGET (form->progress), form->busy);
}

static gboolean
pulse_cb (gpointer data)
{
  CsServerForm *form = data;

  gtk_progress_bar_pulse (form->progress);

  return G_SOURCE_CONTINUE;
}

void
cs_server_form_begin (CsServerForm *form,
                      const char   *text)
{
  form->busy = TRUE;
  form->cancellable = g_cancellable_new ();
  cs_server_form_set_status (form, text, FALSE);
  gtk_progress_bar_set_fraction (form->progress, 0);
  if (form->pulse == 0)
    form->pulse = g_timeout_add (100, pulse_cb, form);
}

void
cs_server_form_end (CsServerForm *form)
{
  g_clear_object (&form->cancellable);
  g_clear_handle_id (&form->pulse, g_source_remove);
  form->busy = FALSE;
}

void
cs_server_form_set_status (CsServerForm *form,
                           const char   *text,
                           gboolean      error)
{
  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (form->status), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (form->status), "error");
  gtk_label_set_text (form->status, text);
}

void
cs_server_form_set_checked (CsServerForm *form,
                            const char   *key)
{
  g_free (form->checked_key);
  form->checked_key = g_strdup (key);
}

void
cs_server_form_stop (CsServerForm *form)
{
  if (form->cancellable != NULL)
    g_cancellable_cancel (form->cancellable);
  g_clear_handle_id (&form->pulse, g_source_remove);
}

void
cs_server_form_clear (CsServerForm *form)
{
  cs_server_form_stop (form);
  g_clear_object (&form->cancellable);
  g_clear_pointer (&form->profiles, g_ptr_array_unref);
  g_clear_pointer (&form->checked_key, g_free);
}
