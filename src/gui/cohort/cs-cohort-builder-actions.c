/* cs-cohort-builder-actions.c: the builder's "filter" actions
 *
 * Undo, redo and clear of the filter; saving a cohort (name it, then a
 * file), opening a saved cohort, a FHIR Group or a list of ids, exporting
 * and uploading the cohort as a FHIR Group; the Compare and Coverage
 * dialogs; focusing the expression. Each action does nothing without data.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <string.h>

#include "cs-cohort-builder-private.h"
#include "cs-compare-dialog.h"
#include "cs-coverage-dialog.h"
#include "cs-cox-model.h"
#include "cs-group-upload-dialog.h"
#include "cs-gui-util.h"
#include "cs-window.h"

static GtkWindow *
parent_window (CsCohortBuilder *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

/* Closure notifies for the handlers below */
static void
unref_data (gpointer  data,
            GClosure *closure)
{
  g_object_unref (data);
}

static void
free_cohort_data (gpointer  data,
                  GClosure *closure)
{
  cs_saved_cohort_free (data);
}

/* Shows a modal file chooser; on_response (data, freed by notify, as its
 * last argument) unrefs it. */
static void
show_file_chooser (CsCohortBuilder      *self,
                   const char           *title,
                   GtkFileChooserAction  action,
                   const char           *accept,
                   const char           *name,
                   GCallback             on_response,
                   gpointer              data,
                   GClosureNotify        notify)
{
  GtkFileChooserNative *native = gtk_file_chooser_native_new (title, parent_window (self), action, accept,
                                                              _("_Cancel"));

  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  if (name != NULL)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), name);
  g_signal_connect_data (native, "response", on_response, data, notify, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

/* ------------------------------------------------------------ undo, clear */

static void
undo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  cs_filter_state_undo (CS_COHORT_BUILDER (widget)->state);
}

static void
redo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  cs_filter_state_redo (CS_COHORT_BUILDER (widget)->state);
}

static void
clear_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  CsCohortBuilder *self = CS_COHORT_BUILDER (widget);

  _cs_cohort_builder_set_members (self, NULL, NULL);
  cs_filter_state_clear (self->state);
}

static void
focus_expression_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  gtk_widget_grab_focus (GTK_WIDGET (CS_COHORT_BUILDER (widget)->expression_entry));
}

/* ------------------------------------------------------------------ save */

typedef struct
{
  CsCohortBuilder *builder;
  GtkEditable     *name;
  GtkEditable     *description;
} SaveDialog;

static void
save_dialog_free (gpointer  data,
                  GClosure *closure)
{
  SaveDialog *save = data;

  g_clear_object (&save->builder);
  g_free (save);
}

/* The file chosen for a saved cohort (a copy of it) */
static void
on_save_file_response (GtkNativeDialog *native,
                       int              response,
                       CsSavedCohort   *cohort)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
      g_autofree char *path = g_file_get_path (file);
      g_autoptr(GError) error = NULL;
      GtkWindow *parent = gtk_native_dialog_get_transient_for (native);

      if (path == NULL || !cs_saved_cohort_save (cohort, path, &error))
        cs_gui_toast (GTK_WIDGET (parent), error != NULL ? error->message
                                                         : _("Choose a local file to save the cohort in"));
      else
        {
          g_autofree char *message = g_strdup_printf (_("Saved “%s”"), cohort->name);

          cs_gui_toast (GTK_WIDGET (parent), message);
        }
    }
  g_object_unref (native);
}

static void
on_save_dialog_response (AdwMessageDialog *dialog,
                         const char       *response,
                         SaveDialog       *save)
{
  CsCohortBuilder *self = save->builder;
  const char *name = gtk_editable_get_text (save->name);
  const CsSavedCohort *cohort;
  g_autofree char *file_name = NULL;

  if (g_strcmp0 (response, "save") != 0 || self->store == NULL)
    return;

  cohort = cs_cohort_builder_save_current (self, name[0] != '\0' ? name : _("Cohort"),
                                           gtk_editable_get_text (save->description));
  file_name = g_strdup_printf ("%s.cohort.json", cohort->name);
  show_file_chooser (self, _("Save Cohort"), GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), file_name,
                     G_CALLBACK (on_save_file_response), cs_saved_cohort_copy (cohort), free_cohort_data);
}

static GtkEditable *
save_entry (GtkBox     *box,
            const char *placeholder,
            const char *accessible_name)
{
  GtkWidget *entry = gtk_entry_new ();

  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), placeholder);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_name, -1);
  gtk_box_append (box, entry);

  return GTK_EDITABLE (entry);
}

/* Asks for a name and a description, then for a file */
static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CsCohortBuilder *self = CS_COHORT_BUILDER (widget);
  SaveDialog *save;
  GtkWidget *dialog, *box;

  if (self->store == NULL)
    return;

  dialog = adw_message_dialog_new (parent_window (self), _("Save Cohort"),
                                   _("The cohort is saved with its filter (or its patients) as a JSON file and listed under Saved Cohorts."));
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  save = g_new0 (SaveDialog, 1);
  save->builder = g_object_ref (self);
  save->name = save_entry (GTK_BOX (box), _("Name"), _("Cohort name"));
  save->description = save_entry (GTK_BOX (box), _("Description (optional)"), _("Cohort description"));
  gtk_entry_set_activates_default (GTK_ENTRY (save->name), TRUE);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "save", _("_Save…"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_save_dialog_response), save, save_dialog_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (GTK_WIDGET (save->name));
}

/* ------------------------------------------------------------------ open */

static void
on_open_response (GtkNativeDialog *native,
                  int              response,
                  CsCohortBuilder *self)
{
  if (response == GTK_RESPONSE_ACCEPT && self->store != NULL)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
      g_autofree char *path = g_file_get_path (file);
      g_autoptr(GError) error = NULL;
      CsSavedCohort *cohort = path != NULL ? cs_saved_cohort_load (path, &error) : NULL;

      if (cohort == NULL)
        cs_gui_toast (GTK_WIDGET (self), error != NULL ? error->message : _("Choose a local file"));
      else
        {
          _cs_cohort_builder_add_saved (self, cohort);
          _cs_cohort_builder_apply_saved (self, cohort);
        }
    }
  g_object_unref (native);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CsCohortBuilder *self = CS_COHORT_BUILDER (widget);

  if (self->store != NULL)
    show_file_chooser (self, _("Open a Cohort, FHIR Group or List of Patient Ids"), GTK_FILE_CHOOSER_ACTION_OPEN,
                       _("_Open"), NULL, G_CALLBACK (on_open_response), g_object_ref (self), unref_data);
}

/* -------------------------------------------------------- export, upload */

static void
on_export_response (GtkNativeDialog *native,
                    int              response,
                    CsCohortBuilder *self)
{
  if (response == GTK_RESPONSE_ACCEPT && self->store != NULL)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
      g_autofree char *base = g_file_get_basename (file);
      g_autoptr(CsSavedCohort) cohort = _cs_cohort_builder_current_cohort (self, base, NULL);
      g_autoptr(CsBitset) rows = cs_cohort_builder_dup_rows (self);
      g_autoptr(GPtrArray) ids = g_ptr_array_new ();
      g_autoptr(GError) error = NULL;
      g_autofree char *json = NULL;

      CS_BITSET_FOREACH (rows, row)
        g_ptr_array_add (ids, (gpointer) cs_store_get_patient_id (self->store, row));
      json = cs_saved_cohort_to_group (cohort, (const char * const *) ids->pdata, ids->len);
      if (!g_file_replace_contents (file, json, strlen (json), NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                    NULL, NULL, &error))
        cs_gui_toast (GTK_WIDGET (self), error->message);
      else
        {
          g_autofree char *message = g_strdup_printf (ngettext ("Exported a Group of %u patient",
                                                                "Exported a Group of %u patients", ids->len),
                                                      ids->len);

          cs_gui_toast (GTK_WIDGET (self), message);
        }
    }
  g_object_unref (native);
}

static void
export_group_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  CsCohortBuilder *self = CS_COHORT_BUILDER (widget);

  if (self->store != NULL)
    show_file_chooser (self, _("Export FHIR Group"), GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), "cohort-group.json",
                       G_CALLBACK (on_export_response), g_object_ref (self), unref_data);
}

/* The current cohort, or the saved cohort selected in the sidebar's list
 * when the focus is there */
static void
upload_group_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  CsCohortBuilder *self = CS_COHORT_BUILDER (widget);
  GtkWidget *list = GTK_WIDGET (self->saved_list);
  GtkWindow *window = parent_window (self);
  int saved_index = -1;

  if (self->store == NULL || !CS_IS_WINDOW (window))
    return;

  if (gtk_widget_has_focus (list) || gtk_widget_get_focus_child (list) != NULL)
    {
      GtkListBoxRow *row = gtk_list_box_get_selected_row (self->saved_list);

      if (row != NULL)
        saved_index = gtk_list_box_row_get_index (row);
    }

  cs_cohort_builder_flush (self);
  gtk_window_present (cs_group_upload_dialog_new (CS_WINDOW (window), self, saved_index));
}

/* ------------------------------------------------------ compare, coverage */

static void
compare_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  CsCohortBuilder *self = CS_COHORT_BUILDER (widget);

  if (self->store == NULL)
    return;
  cs_cohort_builder_flush (self);
  gtk_window_present (GTK_WINDOW (cs_compare_dialog_new (self)));
}

static void
coverage_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  CsCohortBuilder *self = CS_COHORT_BUILDER (widget);

  if (self->store == NULL)
    return;
  cs_cohort_builder_flush (self);
  gtk_window_present (GTK_WINDOW (cs_coverage_dialog_new (self)));
}

/* ---------------------------------------------------------------- models */

static void add_model_scores_action (GtkWidget  *widget,
                                     const char *action_name,
                                     GVariant   *parameter);

static void
on_add_scores_clicked (CsCohortBuilder *self)
{
  add_model_scores_action (GTK_WIDGET (self), "filter.add-model-scores", NULL);
}

void
_cs_cohort_builder_offer_models (CsCohortBuilder     *self,
                                 const CsSavedCohort *cohort)
{
  GtkWidget *overlay;
  AdwToast *toast;
  g_autofree char *title = NULL;

  g_clear_pointer (&self->offered_models, g_ptr_array_unref);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "filter.add-model-scores", FALSE);
  if (cohort->models == NULL || cohort->models->len == 0)
    return;
  self->offered_models = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < cohort->models->len; i++)
    g_ptr_array_add (self->offered_models, g_strdup (g_ptr_array_index (cohort->models, i)));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "filter.add-model-scores", TRUE);

  title = g_strdup_printf (ngettext ("“%s” has %u model fitted on it", "“%s” has %u models fitted on it",
                                     cohort->models->len), cohort->name, cohort->models->len);
  overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  if (overlay == NULL)
    return;
  toast = adw_toast_new (title);
  adw_toast_set_button_label (toast, _("Add _Scores"));
  /* the toast is above the builder: its button cannot reach filter.* */
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (on_add_scores_clicked), self, G_CONNECT_SWAPPED);
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
}

int
cs_cohort_builder_add_model_scores (CsCohortBuilder *self,
                                    GError         **error)
{
  int added = 0;

  g_return_val_if_fail (CS_IS_COHORT_BUILDER (self), -1);

  if (self->store == NULL || self->offered_models == NULL)
    return 0;
  for (guint i = 0; i < self->offered_models->len; i++)
    {
      const char *json = g_ptr_array_index (self->offered_models, i);
      g_autofree char *where = g_strdup_printf ("models[%u]", i);
      g_autoptr(CsCoxModel) model = cs_cox_model_from_json (json, -1, where, error);

      if (model == NULL || cs_cox_model_add_score (model, self->store, error) == NULL)
        return -1;
      added++;
    }
  return added;
}

static void
add_model_scores_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  g_autoptr(GError) error = NULL;
  int added = cs_cohort_builder_add_model_scores (CS_COHORT_BUILDER (widget), &error);
  g_autofree char *msg = NULL;

  if (added < 0)
    cs_gui_toast (widget, error->message);
  else
    {
      msg = g_strdup_printf (ngettext ("Added %d score as a variable", "Added %d scores as variables", added), added);
      cs_gui_toast (widget, msg);
    }
}

void
_cs_cohort_builder_class_actions_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "filter.undo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "filter.redo", NULL, redo_action);
  gtk_widget_class_install_action (widget_class, "filter.clear", NULL, clear_action);
  gtk_widget_class_install_action (widget_class, "filter.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "filter.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "filter.add-model-scores", NULL, add_model_scores_action);
  gtk_widget_class_install_action (widget_class, "filter.export-group", NULL, export_group_action);
  gtk_widget_class_install_action (widget_class, "filter.upload-group", NULL, upload_group_action);
  gtk_widget_class_install_action (widget_class, "filter.compare", NULL, compare_action);
  gtk_widget_class_install_action (widget_class, "filter.coverage", NULL, coverage_action);
  gtk_widget_class_install_action (widget_class, "filter.focus-expression", NULL, focus_expression_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "filter.undo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "filter.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Z, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "filter.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "filter.focus-expression", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "filter.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_g, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "filter.upload-group", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_G, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "filter.upload-group", NULL);
}
