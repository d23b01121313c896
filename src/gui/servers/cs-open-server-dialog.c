/* cs-open-server-dialog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cs-fhir-id.h"
#include "cs-open-server-dialog.h"
#include "cs-saved-cohort.h"
#include "cs-server-load.h"
#include "cs-server-preferences.h"
#include "cs-server-row.h"

struct _CsOpenServerDialog
{
  AdwWindow     parent_instance;

  /* Template */
  CsServerRow  *server_row;
  AdwActionRow *no_servers_row;
  AdwComboRow  *kind_row;
  AdwEntryRow  *group_row;
  AdwEntryRow  *search_row;
  AdwEntryRow  *types_row;
  GtkWidget    *load_button;
  GtkLabel     *error_label;   /* why the last Load was refused, under the rows */
};

G_DEFINE_FINAL_TYPE (CsOpenServerDialog, cs_open_server_dialog, ADW_TYPE_WINDOW)

static CsWindow *
get_window (CsOpenServerDialog *self)
{
  return CS_WINDOW (gtk_window_get_transient_for (GTK_WINDOW (self)));
}

static void
update (CsOpenServerDialog *self)
{
  CsFhirCohortKind kind;
  gboolean ok;

  /* the template is gone (rows may still notify while they are destroyed) */
  if (self->kind_row == NULL)
    return;

  kind = adw_combo_row_get_selected (self->kind_row);
  ok = cs_server_row_get_n_profiles (self->server_row) > 0;

  gtk_widget_set_visible (GTK_WIDGET (self->group_row), kind == CS_FHIR_COHORT_GROUP);
  gtk_widget_set_visible (GTK_WIDGET (self->search_row), kind == CS_FHIR_COHORT_SEARCH);

  if (kind == CS_FHIR_COHORT_GROUP)
    {
      g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->group_row))));

      ok = ok && text[0] != '\0';
    }
  else if (kind == CS_FHIR_COHORT_SEARCH)
    ok = ok && gtk_editable_get_text (GTK_EDITABLE (self->search_row))[0] != '\0';

  gtk_widget_set_sensitive (self->load_button, ok);
}

static void
on_text_changed (GtkEditable        *editable,
                 CsOpenServerDialog *self)
{
  if (self->error_label == NULL)
    return;

  /* a fix in progress is no longer the error that was marked */
  gtk_widget_remove_css_class (GTK_WIDGET (editable), "error");
  gtk_widget_set_tooltip_text (GTK_WIDGET (editable), NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  update (self);
}

/* Load refused because of row: marked, the reason under the rows and in
 * its tooltip, the focus on it. */
static void
refuse (CsOpenServerDialog *self,
        AdwEntryRow        *row,
        const char         *reason)
{
  gtk_widget_add_css_class (GTK_WIDGET (row), "error");
  gtk_widget_set_tooltip_text (GTK_WIDGET (row), reason);
  gtk_label_set_text (self->error_label, reason);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (row));
}

static void
on_load_clicked (CsOpenServerDialog *self)
{
  CsFhirCohortSpec spec = { 0 };
  g_autofree char *group_id = NULL;
  g_autofree char *query = NULL;
  g_auto(GStrv) types = NULL;
  CsServerProfile *profile = cs_server_row_get_profile (self->server_row);

  if (profile == NULL)
    return;

  spec.kind = (CsFhirCohortKind)adw_combo_row_get_selected (self->kind_row);
  if (spec.kind == CS_FHIR_COHORT_GROUP)
    {
      group_id = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->group_row))));
      /* "Group/abc" is fine too */
      if (g_str_has_prefix (group_id, "Group/"))
        memmove (group_id, group_id + 6, strlen (group_id + 6) + 1);
      /* the same rule as the command line's --server-group: a FHIR id */
      if (!cs_fhir_id_check (group_id, -1, NULL))
        {
          refuse (self, self->group_row, _("A Group id is 1 to 64 letters, digits, “-” or “.”"));
          return;
        }
      spec.group_id = group_id;
    }
  else if (spec.kind == CS_FHIR_COHORT_SEARCH)
    {
      const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_row));

      /* "Patient?birthdate=lt1960" and "?birthdate=lt1960" mean the same */
      if (g_str_has_prefix (text, "Patient?"))
        text += strlen ("Patient?");
      else if (text[0] == '?')
        text++;
      query = g_strstrip (g_strdup (text));
      if (query[0] == '\0' || strchr (query, '=') == NULL)
        {
          refuse (self, self->search_row, _("A search is name=value pairs joined by “&”, e.g. birthdate=lt1960"));
          return;
        }
      spec.patient_query = query;
    }
  if (gtk_editable_get_text (GTK_EDITABLE (self->types_row))[0] != '\0')
    {
      g_autoptr(GError) error = NULL;

      if (!(types = cs_fhir_parse_type_list (gtk_editable_get_text (GTK_EDITABLE (self->types_row)), &error)))
        {
          refuse (self, self->types_row, error->message);
          return;
        }
      spec.resource_types = (const char * const *) types;
    }
  spec.write_cache = TRUE;

  cs_server_load_into_window (get_window (self), profile, &spec);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
on_add_server_clicked (CsOpenServerDialog *self)
{
  CsServerPreferences *prefs = cs_server_preferences_new (GTK_WINDOW (get_window (self)));

  gtk_window_destroy (GTK_WINDOW (self));
  gtk_window_present (GTK_WINDOW (prefs));
  cs_server_preferences_add_server (prefs);
}

static void
cs_open_server_dialog_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), CS_TYPE_OPEN_SERVER_DIALOG);

  G_OBJECT_CLASS (cs_open_server_dialog_parent_class)->dispose (object);
}

static void
cs_open_server_dialog_class_init (CsOpenServerDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = cs_open_server_dialog_dispose;

  g_type_ensure (CS_TYPE_SERVER_ROW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/cohortscope/Cohortscope/cs-open-server-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CsOpenServerDialog, server_row);
  gtk_widget_class_bind_template_child (widget_class, CsOpenServerDialog, no_servers_row);
  gtk_widget_class_bind_template_child (widget_class, CsOpenServerDialog, kind_row);
  gtk_widget_class_bind_template_child (widget_class, CsOpenServerDialog, group_row);
  gtk_widget_class_bind_template_child (widget_class, CsOpenServerDialog, search_row);
  gtk_widget_class_bind_template_child (widget_class, CsOpenServerDialog, types_row);
  gtk_widget_class_bind_template_child (widget_class, CsOpenServerDialog, load_button);
  gtk_widget_class_bind_template_child (widget_class, CsOpenServerDialog, error_label);
  gtk_widget_class_bind_template_callback (widget_class, update);
  gtk_widget_class_bind_template_callback (widget_class, on_text_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_load_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_add_server_clicked);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cs_open_server_dialog_init (CsOpenServerDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWindow *
cs_open_server_dialog_new (CsWindow *window)
{
  CsOpenServerDialog *self;

  g_return_val_if_fail (CS_IS_WINDOW (window), NULL);

  self = g_object_new (CS_TYPE_OPEN_SERVER_DIALOG, "transient-for", window, NULL);
  cs_server_row_load (self->server_row, window);
  if (cs_server_row_get_n_profiles (self->server_row) == 0)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->server_row), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->no_servers_row), TRUE);
    }
  update (self);

  return GTK_WINDOW (self);
}
