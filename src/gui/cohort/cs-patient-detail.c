/* cs-patient-detail.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cs-gui-util.h"
#include "cs-patient-detail.h"
#include "cs-server-profile.h"
#include "cs-ucum-display.h"

struct _CsPatientDetail
{
  AdwWindow       parent_instance;

  /* Template */
  AdwWindowTitle *window_title;
  GtkListBox     *resource_list;
  GtkStack       *json_stack;
  GtkTextView    *json_view;
  AdwStatusPage  *json_error_page;
  GtkMenuButton  *images_button;
  GtkBox         *images_box;
  GtkExpander    *derivation_expander;
  GtkBox         *derivation_box;

  CsStore        *store;
  GArray         *resources;  /* guint resource indices, the Patient first */
  guint           row;
  char           *viewer_template;
};

G_DEFINE_FINAL_TYPE (CsPatientDetail, cs_patient_detail, ADW_TYPE_WINDOW)

#define RESOURCE_INDEX_KEY "cs-resource-index"

static void
show_resource (CsPatientDetail *self,
               guint            resource)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->json_view);

  json = cs_store_get_resource_json (self->store, resource, &error);

  if (json == NULL)
    {
      g_autofree char *description = NULL;

      /* Translators: the error message names the file and byte offset */
      description = g_strdup_printf (_("%s\n\nThe patient table is still correct; only this view needs the source file. "
                                       "Open the files again if they were moved."),
                                     error->message);
      adw_status_page_set_description (self->json_error_page, description);
      gtk_text_buffer_set_text (buffer, "", 0);
      gtk_stack_set_visible_child_name (self->json_stack, "error");
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "detail.copy-json", FALSE);
      return;
    }

  gtk_text_buffer_set_text (buffer, json, -1);
  gtk_stack_set_visible_child_name (self->json_stack, "json");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "detail.copy-json", TRUE);
}

static void
on_row_selected (CsPatientDetail *self,
                 GtkListBoxRow   *row,
                 GtkListBox      *list_box)
{
  if (row == NULL)
    return;

  show_resource (self, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), RESOURCE_INDEX_KEY)));
}

static void
copy_json_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  CsPatientDetail *self = CS_PATIENT_DETAIL (widget);
  g_autofree char *text = cs_patient_detail_dup_json_text (self);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
}

/* ------------------------------------------------------------ images */

GPtrArray *
cs_patient_detail_get_study_uids (CsPatientDetail *self)
{
  g_return_val_if_fail (CS_IS_PATIENT_DETAIL (self), NULL);

  return cs_store_get_patient_study_uids (self->store, self->row);
}

gboolean
cs_patient_detail_open_study (CsPatientDetail *self,
                              guint            n)
{
  GPtrArray *uids;
  const char *uid;
  g_autofree char *url = NULL;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (CS_IS_PATIENT_DETAIL (self), FALSE);

  uids = cs_patient_detail_get_study_uids (self);
  if (uids == NULL || n >= uids->len)
    return FALSE;
  uid = g_ptr_array_index (uids, n);
  if (self->viewer_template == NULL)
    {
      g_autofree char *msg = g_strdup_printf (_("Copied the StudyInstanceUID %s"), uid);

      gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), uid);
      cs_gui_toast (GTK_WIDGET (self), msg);
      return TRUE;
    }
  if ((url = cs_viewer_template_expand (self->viewer_template, uid, &error)) == NULL)
    {
      cs_gui_toast (GTK_WIDGET (self), error->message);
      return TRUE;
    }
  cs_gui_launch_uri (GTK_WINDOW (self), url);
  return TRUE;
}

static void
open_study_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  CsPatientDetail *self = CS_PATIENT_DETAIL (widget);

  gtk_menu_button_popdown (self->images_button);
  cs_patient_detail_open_study (self, g_variant_get_uint32 (parameter));
}

static void
copy_uids_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  CsPatientDetail *self = CS_PATIENT_DETAIL (widget);
  GPtrArray *uids = cs_patient_detail_get_study_uids (self);
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; uids != NULL && i < uids->len; i++)
    g_string_append_printf (text, "%s\n", (const char *) g_ptr_array_index (uids, i));
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text->str);
  gtk_menu_button_popdown (self->images_button);
  cs_gui_toast (widget, _("Copied the StudyInstanceUIDs"));
}

/* The popover of "Open Images": one row per study (open it, or copy its
 * UID without a viewer), and what to do without a viewer */
static void
fill_images (CsPatientDetail *self)
{
  GPtrArray *uids = cs_patient_detail_get_study_uids (self);
  guint n = uids != NULL ? uids->len : 0;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->images_box))) != NULL)
    gtk_box_remove (self->images_box, child);
  gtk_widget_set_sensitive (GTK_WIDGET (self->images_button), n > 0);
  if (n == 0)
    {
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->images_button), _("The patient has no imaging study"));
      return;
    }
  if (self->viewer_template == NULL)
    {
      GtkWidget *note = gtk_label_new (_("No image viewer is set for this server (Servers → Edit → Viewer URL). "
                                         "Copy a StudyInstanceUID into your viewer:"));

      gtk_label_set_wrap (GTK_LABEL (note), TRUE);
      gtk_label_set_max_width_chars (GTK_LABEL (note), 44);
      gtk_label_set_xalign (GTK_LABEL (note), 0);
      gtk_box_append (self->images_box, note);
    }
  for (guint i = 0; i < n; i++)
    {
      const char *uid = g_ptr_array_index (uids, i);
      GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      GtkWidget *label = gtk_label_new (uid);
      GtkWidget *button = gtk_button_new_with_label (self->viewer_template != NULL ? _("Open") : _("Copy"));
      g_autofree char *name = g_strdup_printf (self->viewer_template != NULL ? _("Open study %s") : _("Copy %s"), uid);

      gtk_label_set_selectable (GTK_LABEL (label), TRUE);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_set_hexpand (label, TRUE);
      gtk_widget_add_css_class (label, "monospace");
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "detail.open-study");
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), g_variant_new_uint32 (i));
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
      gtk_box_append (GTK_BOX (row), label);
      gtk_box_append (GTK_BOX (row), button);
      gtk_box_append (self->images_box, row);
    }
  if (self->viewer_template == NULL && n > 1)
    {
      GtkWidget *all = gtk_button_new_with_mnemonic (_("Copy _All"));

      gtk_actionable_set_action_name (GTK_ACTIONABLE (all), "detail.copy-study-uids");
      gtk_box_append (self->images_box, all);
    }
}

void
cs_patient_detail_popup_images (CsPatientDetail *self)
{
  g_return_if_fail (CS_IS_PATIENT_DETAIL (self));

  if (gtk_widget_get_sensitive (GTK_WIDGET (self->images_button)))
    gtk_menu_button_popup (self->images_button);
  else
    cs_gui_toast (GTK_WIDGET (self), _("The patient has no imaging study"));
}

void
cs_patient_detail_set_viewer_template (CsPatientDetail *self,
                                       const char      *viewer_template)
{
  g_return_if_fail (CS_IS_PATIENT_DETAIL (self));

  g_free (self->viewer_template);
  self->viewer_template = g_strdup (viewer_template);
  fill_images (self);
}

static void
cs_patient_detail_dispose (GObject *object)
{
  CsPatientDetail *self = (CsPatientDetail *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), CS_TYPE_PATIENT_DETAIL);

  g_clear_object (&self->store);
  g_clear_pointer (&self->resources, g_array_unref);
  g_clear_pointer (&self->viewer_template, g_free);

  G_OBJECT_CLASS (cs_patient_detail_parent_class)->dispose (object);
}

static void
cs_patient_detail_class_init (CsPatientDetailClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cs_patient_detail_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/cohortscope/Cohortscope/cs-patient-detail.ui");
  gtk_widget_class_bind_template_child (widget_class, CsPatientDetail, window_title);
  gtk_widget_class_bind_template_child (widget_class, CsPatientDetail, resource_list);
  gtk_widget_class_bind_template_child (widget_class, CsPatientDetail, json_stack);
  gtk_widget_class_bind_template_child (widget_class, CsPatientDetail, json_view);
  gtk_widget_class_bind_template_child (widget_class, CsPatientDetail, json_error_page);
  gtk_widget_class_bind_template_child (widget_class, CsPatientDetail, images_button);
  gtk_widget_class_bind_template_child (widget_class, CsPatientDetail, images_box);
  gtk_widget_class_bind_template_child (widget_class, CsPatientDetail, derivation_expander);
  gtk_widget_class_bind_template_child (widget_class, CsPatientDetail, derivation_box);

  gtk_widget_class_install_action (widget_class, "detail.copy-json", NULL, copy_json_action);
  gtk_widget_class_install_action (widget_class, "detail.open-study", "u", open_study_action);
  gtk_widget_class_install_action (widget_class, "detail.copy-study-uids", NULL, copy_uids_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
cs_patient_detail_init (CsPatientDetail *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  cs_gui_list_tab_leaves (GTK_WIDGET (self->resource_list));

  g_signal_connect_object (self->resource_list, "row-selected", G_CALLBACK (on_row_selected), self, G_CONNECT_SWAPPED);
}

/* ------------------------------------------------------------ how derived */

static void
add_derivation (CsPatientDetail *self,
                const char      *title,
                const char      *text)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *heading = gtk_label_new (title);
  GtkWidget *body = gtk_label_new (text);
  g_autofree char *spoken = g_strdup_printf ("%s: %s", title, text);

  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_label_set_wrap (GTK_LABEL (heading), TRUE);
  gtk_widget_add_css_class (heading, "heading");
  gtk_label_set_xalign (GTK_LABEL (body), 0);
  gtk_label_set_wrap (GTK_LABEL (body), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (body), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (body), TRUE);
  gtk_widget_add_css_class (body, "caption");
  gtk_box_append (GTK_BOX (box), heading);
  gtk_box_append (GTK_BOX (box), body);
  gtk_accessible_update_property (GTK_ACCESSIBLE (box), GTK_ACCESSIBLE_PROPERTY_LABEL, spoken, -1);
  gtk_box_append (self->derivation_box, box);
}

/* One entry per derived variable ("Age at diagnosis: 69.8", then where it
 * came from); condition flags only where true, and the others in one entry:
 * their false means the same for all ("no such Condition" or "unknown"). */
static void
fill_derivations (CsPatientDetail *self)
{
  g_autofree char *other_flags = NULL;
  guint n_shown = 0, n_false = 0;

  for (guint i = 0; i < cs_store_get_n_variables (self->store); i++)
    {
      CsVariable *var = cs_store_get_variable (self->store, i);
      g_autofree char *how = cs_store_explain_cell (self->store, var, self->row);
      g_autofree char *value = NULL;
      g_autofree char *title = NULL;

      if (how == NULL)
        continue;
      if (var->type == CS_VARIABLE_BOOLEAN && g_strcmp0 (var->group, "Condition") == 0
          && !cs_variable_is_missing (var, self->row) && var->num[self->row] == 0.0)
        {
          if (other_flags == NULL)
            other_flags = g_steal_pointer (&how);
          n_false++;
          continue;
        }
      if ((var->type == CS_VARIABLE_NUMERIC || var->type == CS_VARIABLE_SURVIVAL)
          && !cs_variable_is_missing (var, self->row))
        {
          /* for reading: 69.75 years, 51 days (the full value is in the table) */
          g_autofree char *unit = cs_ucum_display (var->unit);

          value = g_strdup_printf ("%.4g%s%s", var->num[self->row], *unit != '\0' ? " " : "", unit);
        }
      else
        value = cs_variable_format_cell (var, self->row, TRUE);
      /* Translators: a derived variable and the patient's value: "Age at diagnosis: 69.75" */
      title = g_strdup_printf (_("%s: %s"), var->label != NULL ? var->label : var->key,
                               *value != '\0' ? value : _("missing"));
      add_derivation (self, title, how);
      n_shown++;
    }
  if (other_flags != NULL)
    {
      g_autofree char *title = g_strdup_printf (ngettext ("%u other Condition flag", "%u other Condition flags", n_false),
                                                n_false);

      add_derivation (self, title, other_flags);
      n_shown++;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->derivation_expander), n_shown > 0);
}

char *
cs_patient_detail_dup_derivation_text (CsPatientDetail *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_return_val_if_fail (CS_IS_PATIENT_DETAIL (self), NULL);

  for (GtkWidget *box = gtk_widget_get_first_child (GTK_WIDGET (self->derivation_box)); box != NULL;
       box = gtk_widget_get_next_sibling (box))
    {
      GtkWidget *heading = gtk_widget_get_first_child (box);
      GtkWidget *body = gtk_widget_get_next_sibling (heading);

      g_string_append_printf (text, "%s\n%s\n", gtk_label_get_text (GTK_LABEL (heading)),
                              gtk_label_get_text (GTK_LABEL (body)));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static GtkWidget *
create_resource_row (CsPatientDetail *self,
                     guint            resource)
{
  g_autofree char *description = cs_store_describe_resource (self->store, resource);
  g_autofree char *reference = NULL;
  const char *type = cs_store_get_resource_type (self->store, resource);
  const char *id = cs_store_get_resource_id (self->store, resource);
  GtkWidget *row, *box, *title, *subtitle;

  if (id != NULL)
    reference = g_strdup_printf ("%s/%s", type, id);
  else
    reference = g_strdup (type);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 4);
  /* The subtitle names the type; the title need not repeat it */
  if (description != NULL && type != NULL && g_str_has_prefix (description, type)
      && description[strlen (type)] == ' ')
    title = gtk_label_new (description + strlen (type) + 1);
  else
    title = gtk_label_new (description != NULL ? description : reference);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  subtitle = gtk_label_new (reference);
  gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
  gtk_label_set_ellipsize (GTK_LABEL (subtitle), PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_add_css_class (subtitle, "dim-label");
  gtk_widget_add_css_class (subtitle, "caption");
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), subtitle);

  row = gtk_list_box_row_new ();
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_widget_set_tooltip_text (row, description);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, description != NULL ? description : reference,
                                  -1);
  g_object_set_data (G_OBJECT (row), RESOURCE_INDEX_KEY, GUINT_TO_POINTER (resource));

  return row;
}

GtkWidget *
cs_patient_detail_new (CsStore *store,
                       guint    row)
{
  CsPatientDetail *self;
  GArray *resources;
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *count = NULL;
  const char *patient_id;
  guint patient_position = 0;

  g_return_val_if_fail (CS_IS_STORE (store), NULL);
  g_return_val_if_fail (row < cs_store_get_n_patients (store), NULL);

  self = g_object_new (CS_TYPE_PATIENT_DETAIL, NULL);
  self->store = g_object_ref (store);
  self->row = row;

  /* The Patient resource first, then the rest in store order. The array
   * belongs to the store. */
  resources = cs_store_get_patient_resources (store, row);
  self->resources = g_array_sized_new (FALSE, FALSE, sizeof (guint), resources != NULL ? resources->len : 0);
  for (guint i = 0; resources != NULL && i < resources->len; i++)
    {
      guint resource = g_array_index (resources, guint, i);

      if (g_strcmp0 (cs_store_get_resource_type (store, resource), "Patient") == 0)
        g_array_insert_val (self->resources, patient_position++, resource);
      else
        g_array_append_val (self->resources, resource);
    }

  for (guint i = 0; i < self->resources->len; i++)
    gtk_list_box_append (self->resource_list,
                         create_resource_row (self, g_array_index (self->resources, guint, i)));

  patient_id = cs_store_get_patient_id (store, row);
  /* Translators: window title of the patient detail, %s is the Patient id */
  title = g_strdup_printf (_("Patient %s"), patient_id);
  count = cs_gui_format_count (self->resources->len);
  subtitle = g_strdup_printf (ngettext ("%s resource", "%s resources", self->resources->len), count);
  adw_window_title_set_title (self->window_title, title);
  adw_window_title_set_subtitle (self->window_title, subtitle);
  gtk_window_set_title (GTK_WINDOW (self), title);

  fill_images (self);
  fill_derivations (self);
  if (self->resources->len > 0)
    cs_patient_detail_select_resource (self, 0);
  else
    gtk_widget_action_set_enabled (GTK_WIDGET (self), "detail.copy-json", FALSE);

  return GTK_WIDGET (self);
}

guint
cs_patient_detail_get_n_resources (CsPatientDetail *self)
{
  g_return_val_if_fail (CS_IS_PATIENT_DETAIL (self), 0);

  return self->resources->len;
}

void
cs_patient_detail_select_resource (CsPatientDetail *self,
                                   guint            n)
{
  GtkListBoxRow *row;

  g_return_if_fail (CS_IS_PATIENT_DETAIL (self));

  row = gtk_list_box_get_row_at_index (self->resource_list, n);
  if (row != NULL)
    gtk_list_box_select_row (self->resource_list, row);
}

char *
cs_patient_detail_dup_json_text (CsPatientDetail *self)
{
  GtkTextBuffer *buffer;
  GtkTextIter begin, end;

  g_return_val_if_fail (CS_IS_PATIENT_DETAIL (self), NULL);

  buffer = gtk_text_view_get_buffer (self->json_view);
  gtk_text_buffer_get_bounds (buffer, &begin, &end);

  return gtk_text_buffer_get_text (buffer, &begin, &end, FALSE);
}
