/* cs-mapping-value-maps-pane.c: the Mapping page's value maps
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "cs-code-picker.h"
#include "cs-mapping-common.h"
#include "cs-mapping-structure.h"
#include "cs-mapping-value-maps-pane.h"

struct _CsMappingValueMapsPane
{
  GtkBox                parent_instance;

  /* template */
  GtkDropDown          *value_map_dropdown;
  GtkLabel             *coverage_label;
  GtkListBox           *values_list;
  GtkLabel             *selected_label;
  GtkMenuButton        *code_button;
  GtkWidget            *no_code_button;
  GtkWidget            *remove_entry_button;
  GtkDropDown          *unmapped_dropdown;

  GtkWidget            *code_picker;
  char                 *selected_value;
  gboolean              updating_unmapped;

  GtkTextBuffer        *buffer;
  CsMapping            *mapping;        /* borrowed */
  const CsTableProfile *table;          /* borrowed */
  char                 *base_dir;
  GStrv                 value_map_ids;
  char                 *coverage_text;
};

G_DEFINE_FINAL_TYPE (CsMappingValueMapsPane, cs_mapping_value_maps_pane, GTK_TYPE_BOX)

enum
{
  SIGNAL_REPLACE_MAPPING,
  SIGNAL_SHOW_ERROR,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void update_entry_controls (CsMappingValueMapsPane *self);

static char *
mapping_text (CsMappingValueMapsPane *self)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (self->buffer, &start, &end);
  return gtk_text_buffer_get_text (self->buffer, &start, &end, FALSE);
}

static void
show_error (CsMappingValueMapsPane *self,
            const char             *heading,
            const char             *message,
            const char             *hint)
{
  g_signal_emit (self, signals[SIGNAL_SHOW_ERROR], 0, heading, message, hint);
}

void
cs_mapping_value_maps_pane_set_buffer (CsMappingValueMapsPane *self,
                                       GtkTextBuffer          *buffer)
{
  g_return_if_fail (CS_IS_MAPPING_VALUE_MAPS_PANE (self));

  g_set_object (&self->buffer, buffer);
}

void
cs_mapping_value_maps_pane_set_mapping (CsMappingValueMapsPane *self,
                                        CsMapping              *mapping,
                                        const CsTableProfile   *table,
                                        const char             *base_dir)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GtkStringList) list = gtk_string_list_new (NULL);

  g_return_if_fail (CS_IS_MAPPING_VALUE_MAPS_PANE (self));

  self->mapping = mapping;
  self->table = table;
  g_free (self->base_dir);
  self->base_dir = g_strdup (base_dir);
  if (mapping == NULL)
    return;
  for (guint i = 0; i < cs_mapping_get_n_concept_maps (mapping); i++)
    {
      CsConceptMap *map = cs_mapping_get_concept_map (mapping, i);
      const char *id = cs_concept_map_get_id (map) != NULL ? cs_concept_map_get_id (map) : cs_concept_map_get_url (map);

      g_ptr_array_add (ids, g_strdup (id));
      gtk_string_list_append (list, id);
    }
  g_ptr_array_add (ids, NULL);
  if (self->value_map_ids != NULL && ids->len == g_strv_length (self->value_map_ids) + 1
      && g_strv_equal ((const char * const *) ids->pdata, (const char * const *) self->value_map_ids))
    return;
  g_strfreev (self->value_map_ids);
  self->value_map_ids = (GStrv) g_ptr_array_free (g_steal_pointer (&ids), FALSE);
  gtk_drop_down_set_model (self->value_map_dropdown, G_LIST_MODEL (list));
}

void
cs_mapping_value_maps_pane_refresh (CsMappingValueMapsPane *self)
{
  guint index = gtk_drop_down_get_selected (self->value_map_dropdown);
  g_autofree char *text = NULL;
  g_autofree char *column_name = NULL;
  g_autoptr(CsMappingCoverage) coverage = NULL;
  const CsCsvColumnProfile *column = NULL;

  g_return_if_fail (CS_IS_MAPPING_VALUE_MAPS_PANE (self));

  cs_mapping_clear_list_box (self->values_list);
  g_clear_pointer (&self->coverage_text, g_free);
  gtk_label_set_label (self->coverage_label, "");
  if (self->mapping == NULL || self->table == NULL || index == GTK_INVALID_LIST_POSITION
      || index >= cs_mapping_get_n_concept_maps (self->mapping))
    return;
  text = mapping_text (self);
  {
    static const char * const policies[] = { "error", "keep", "omit" };
    g_autoptr(CsMappingStructure) structure = cs_mapping_structure_new (text, NULL);
    const char *policy = structure != NULL ? cs_mapping_structure_get_map_unmapped (structure, self->value_map_ids[index])
                                           : NULL;
    guint selected = 0;

    for (guint i = 0; i < G_N_ELEMENTS (policies); i++)
      if (g_strcmp0 (policy, policies[i]) == 0)
        selected = i + 1;
    self->updating_unmapped = TRUE;
    gtk_drop_down_set_selected (self->unmapped_dropdown, selected);
    self->updating_unmapped = FALSE;
  }
  update_entry_controls (self);
  column_name = cs_mapping_text_find_map_column (text, self->value_map_ids[index]);
  for (guint i = 0; column_name != NULL && i < cs_csv_profile_get_n_columns (self->table->profile); i++)
    if (g_str_equal (cs_csv_profile_get_column (self->table->profile, i)->name, column_name))
      column = cs_csv_profile_get_column (self->table->profile, i);
  if (column == NULL)
    {
      gtk_label_set_label (self->coverage_label, _("No column of this table uses the value map."));
      return;
    }
  coverage = cs_mapping_coverage_new (cs_mapping_get_concept_map (self->mapping, index), column);
  {
    g_autofree char *describe = cs_mapping_coverage_describe (coverage);

    self->coverage_text = g_strdup_printf ("%s: %s", column->name, describe);
  }
  gtk_label_set_label (self->coverage_label, self->coverage_text);
  for (guint i = 0; i < coverage->values->len; i++)
    {
      const CsValueCoverage *v = &g_array_index (coverage->values, CsValueCoverage, i);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *number = g_strdup_printf ("%" G_GUINT64_FORMAT, v->count);
      g_autofree char *count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s row", "%s rows",
                                                             (gulong) MIN (v->count, G_MAXULONG)), number);
      g_autofree char *target = v->mapped ? g_strdup_printf ("%s%s%s", v->code, v->display != NULL ? " — " : "",
                                                             v->display != NULL ? v->display : "")
                                          : g_strdup (v->listed ? _("listed without a code") : _("unmapped"));
      g_autofree char *title = g_markup_escape_text (v->value, -1);
      g_autofree char *subtitle = g_markup_escape_text (target, -1);
      GtkWidget *count_label = gtk_label_new (count);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      if (!v->mapped)
        gtk_widget_add_css_class (row, "warning");
      gtk_widget_add_css_class (count_label, "dim-label");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), count_label);
      g_object_set_data_full (G_OBJECT (row), "value", g_strdup (v->value), g_free);
      gtk_list_box_append (self->values_list, row);
      if (g_strcmp0 (v->value, self->selected_value) == 0)
        gtk_list_box_select_row (self->values_list, GTK_LIST_BOX_ROW (row));
    }
}

void
cs_mapping_value_maps_pane_show (CsMappingValueMapsPane *self,
                                 guint                   index)
{
  g_return_if_fail (CS_IS_MAPPING_VALUE_MAPS_PANE (self));

  if (gtk_drop_down_get_selected (self->value_map_dropdown) == index)
    cs_mapping_value_maps_pane_refresh (self);
  else
    gtk_drop_down_set_selected (self->value_map_dropdown, index);
}

const char *
cs_mapping_value_maps_pane_get_coverage (CsMappingValueMapsPane *self)
{
  g_return_val_if_fail (CS_IS_MAPPING_VALUE_MAPS_PANE (self), NULL);

  return self->coverage_text;
}

/* The id of the value map chosen, or NULL. */
static const char *
chosen_id (CsMappingValueMapsPane *self)
{
  guint index = gtk_drop_down_get_selected (self->value_map_dropdown);

  if (self->buffer == NULL || self->value_map_ids == NULL || index >= g_strv_length (self->value_map_ids))
    return NULL;
  return self->value_map_ids[index];
}

static void
import_chosen (GtkWidget  *widget,
               const char *path,
               gpointer    data)
{
  CsMappingValueMapsPane *self = CS_MAPPING_VALUE_MAPS_PANE (widget);
  const char *id = chosen_id (self);
  g_autoptr(GError) error = NULL;
  g_autoptr(CsValueMap) map = NULL;
  g_autofree char *text = NULL;
  g_autofree char *json = NULL;
  g_autofree char *replaced = NULL;
  g_autofree char *lower = NULL;

  if (path == NULL || id == NULL)
    return;
  lower = g_ascii_strdown (path, -1);
  text = mapping_text (self);
  if (g_str_has_suffix (lower, ".csv"))
    {
      g_autofree char *old = cs_mapping_text_get_concept_map (text, self->base_dir, id, NULL);
      g_autoptr(CsValueMap) old_map = old != NULL ? cs_value_map_from_concept_map (old, -1, id, NULL) : NULL;

      map = cs_value_map_from_csv (path, id, old_map != NULL ? old_map->target_system : NULL, &error);
      if (map != NULL && old_map != NULL)
        {
          map->url = g_strdup (old_map->url);
          map->source_system = g_strdup (old_map->source_system);
        }
    }
  else
    {
      g_autofree char *contents = NULL;

      if (g_file_get_contents (path, &contents, NULL, &error))
        {
          g_autofree char *name = g_path_get_basename (path);

          map = cs_value_map_from_concept_map (contents, -1, name, &error);
        }
    }
  if (map != NULL)
    {
      json = cs_value_map_to_concept_map (map);
      replaced = cs_mapping_text_replace_concept_map (text, self->base_dir, id, json, &error);
    }
  if (replaced == NULL)
    {
      show_error (self, _("Cannot Import the Value Map"), error->message, _("The mapping is unchanged."));
      return;
    }
  g_signal_emit (self, signals[SIGNAL_REPLACE_MAPPING], 0, replaced);
  cs_mapping_value_maps_pane_refresh (self);
}

static void
export_chosen (GtkWidget  *widget,
               const char *path,
               gpointer    data)
{
  CsMappingValueMapsPane *self = CS_MAPPING_VALUE_MAPS_PANE (widget);
  gboolean csv = GPOINTER_TO_INT (data);
  const char *id = chosen_id (self);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *out = NULL;

  if (path == NULL || id == NULL)
    return;
  text = mapping_text (self);
  json = cs_mapping_text_get_concept_map (text, self->base_dir, id, &error);
  if (json != NULL && csv)
    {
      g_autoptr(CsValueMap) map = cs_value_map_from_concept_map (json, -1, id, &error);

      out = map != NULL ? cs_value_map_to_csv (map) : NULL;
    }
  else if (json != NULL)
    out = g_strdup_printf ("%s\n", json);
  if (out == NULL || !g_file_set_contents (path, out, -1, &error))
    show_error (self, _("Cannot Export the Value Map"), error->message, NULL);
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  static const char * const patterns[] = { "*.json", "*.csv", NULL };

  cs_mapping_choose_file (widget, GTK_FILE_CHOOSER_ACTION_OPEN, _("Import a Value Map"), NULL, patterns,
                          _("ConceptMap (JSON) or source_code,target_code,target_display (CSV)"), import_chosen, NULL);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CsMappingValueMapsPane *self = CS_MAPPING_VALUE_MAPS_PANE (widget);
  gboolean csv = g_str_equal (g_variant_get_string (parameter, NULL), "csv");
  const char *id = chosen_id (self);
  g_autofree char *name = NULL;

  if (id == NULL)
    return;
  name = g_strdup_printf ("%s.%s", id, csv ? "csv" : "json");
  cs_mapping_choose_file (widget, GTK_FILE_CHOOSER_ACTION_SAVE, _("Export the Value Map"), name, NULL, NULL,
                          export_chosen, GINT_TO_POINTER (csv));
}

/* ------------------------------------------------------------------ */
/* Editing the entries                                                 */

static void
update_entry_controls (CsMappingValueMapsPane *self)
{
  gboolean any = self->selected_value != NULL && chosen_id (self) != NULL;
  g_autofree char *label = any ? g_strdup_printf (_("Value “%s”"), self->selected_value) : NULL;

  gtk_label_set_label (self->selected_label, any ? label : _("Select a value to code it"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->code_button), any);
  gtk_widget_set_sensitive (self->no_code_button, any);
  gtk_widget_set_sensitive (self->remove_entry_button, any);
}

static void
on_value_selected (CsMappingValueMapsPane *self,
                   GtkListBoxRow          *row)
{
  /* a refresh empties the list: keep the value to select it again */
  if (row == NULL)
    return;
  g_free (self->selected_value);
  self->selected_value = g_strdup (g_object_get_data (G_OBJECT (row), "value"));
  update_entry_controls (self);
}

/* Takes text (NULL: error) */
static void
apply_edit (CsMappingValueMapsPane *self,
            char                   *text,
            GError                 *error)
{
  g_autofree char *owned = text;

  if (owned == NULL)
    {
      show_error (self, _("Cannot Change the Value Map"), error->message, _("The mapping is unchanged."));
      return;
    }
  g_signal_emit (self, signals[SIGNAL_REPLACE_MAPPING], 0, owned);
}

gboolean
cs_mapping_value_maps_pane_select_value (CsMappingValueMapsPane *self,
                                         const char             *value)
{
  g_return_val_if_fail (CS_IS_MAPPING_VALUE_MAPS_PANE (self), FALSE);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->values_list)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (g_strcmp0 (g_object_get_data (G_OBJECT (child), "value"), value) == 0)
      {
        gtk_list_box_select_row (self->values_list, GTK_LIST_BOX_ROW (child));
        return TRUE;
      }
  return FALSE;
}

GtkWidget *
cs_mapping_value_maps_pane_get_code_picker (CsMappingValueMapsPane *self)
{
  g_return_val_if_fail (CS_IS_MAPPING_VALUE_MAPS_PANE (self), NULL);

  return self->code_picker;
}

/* The chosen map's id and the mapping text, when a value is selected. */
static const char *
entry_to_edit (CsMappingValueMapsPane  *self,
               char                   **text)
{
  const char *id = chosen_id (self);

  if (id == NULL || self->selected_value == NULL)
    return NULL;
  *text = mapping_text (self);
  return id;
}

static void
on_code_picked (CsMappingValueMapsPane *self,
                const char             *system,
                const char             *code,
                const char             *display)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  const char *id = entry_to_edit (self, &text);
  CsCoding coding = { (char *) system, (char *) code, (char *) display };

  if (id != NULL)
    apply_edit (self, cs_mapping_text_add_map_target (text, self->base_dir, id, self->selected_value, &coding, &error),
                error);
}

static void
on_no_code (CsMappingValueMapsPane *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  const char *id = entry_to_edit (self, &text);

  if (id != NULL)
    apply_edit (self, cs_mapping_text_set_map_entry (text, self->base_dir, id, self->selected_value, NULL, 0,
                                                     _("No code for this value (set in Cohortscope’s editor)."),
                                                     &error), error);
}

static void
on_remove_entry (CsMappingValueMapsPane *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  const char *id = entry_to_edit (self, &text);

  if (id != NULL)
    apply_edit (self, cs_mapping_text_remove_map_entry (text, self->base_dir, id, self->selected_value, &error),
                error);
}

static void
on_unmapped_changed (CsMappingValueMapsPane *self)
{
  static const char * const policies[] = { NULL, "error", "keep", "omit" };
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  const char *id = chosen_id (self);
  guint index = gtk_drop_down_get_selected (self->unmapped_dropdown);

  if (self->updating_unmapped || id == NULL || index >= G_N_ELEMENTS (policies))
    return;
  text = mapping_text (self);
  apply_edit (self, cs_mapping_text_set_map_unmapped (text, id, policies[index], &error), error);
}

void
cs_mapping_value_maps_pane_set_unmapped (CsMappingValueMapsPane *self,
                                         const char             *policy)
{
  static const char * const policies[] = { "", "error", "keep", "omit" };

  g_return_if_fail (CS_IS_MAPPING_VALUE_MAPS_PANE (self));

  for (guint i = 0; i < G_N_ELEMENTS (policies); i++)
    if (g_strcmp0 (policies[i], policy != NULL ? policy : "") == 0)
      {
        if (gtk_drop_down_get_selected (self->unmapped_dropdown) == i)
          on_unmapped_changed (self);
        else
          gtk_drop_down_set_selected (self->unmapped_dropdown, i);
      }
}

static void
cs_mapping_value_maps_pane_dispose (GObject *object)
{
  CsMappingValueMapsPane *self = CS_MAPPING_VALUE_MAPS_PANE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CS_TYPE_MAPPING_VALUE_MAPS_PANE);
  g_clear_object (&self->buffer);
  G_OBJECT_CLASS (cs_mapping_value_maps_pane_parent_class)->dispose (object);
}

static void
cs_mapping_value_maps_pane_finalize (GObject *object)
{
  CsMappingValueMapsPane *self = CS_MAPPING_VALUE_MAPS_PANE (object);

  g_free (self->base_dir);
  g_free (self->coverage_text);
  g_free (self->selected_value);
  g_strfreev (self->value_map_ids);
  G_OBJECT_CLASS (cs_mapping_value_maps_pane_parent_class)->finalize (object);
}

static void
cs_mapping_value_maps_pane_class_init (CsMappingValueMapsPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cs_mapping_value_maps_pane_dispose;
  object_class->finalize = cs_mapping_value_maps_pane_finalize;

  signals[SIGNAL_REPLACE_MAPPING] =
    g_signal_new ("replace-mapping", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_SHOW_ERROR] = cs_mapping_add_error_signal (G_TYPE_FROM_CLASS (klass));

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/cohortscope/Cohortscope/cs-mapping-value-maps-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, CsMappingValueMapsPane, value_map_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CsMappingValueMapsPane, selected_label);
  gtk_widget_class_bind_template_child (widget_class, CsMappingValueMapsPane, code_button);
  gtk_widget_class_bind_template_child (widget_class, CsMappingValueMapsPane, no_code_button);
  gtk_widget_class_bind_template_child (widget_class, CsMappingValueMapsPane, remove_entry_button);
  gtk_widget_class_bind_template_child (widget_class, CsMappingValueMapsPane, unmapped_dropdown);
  gtk_widget_class_bind_template_callback (widget_class, on_value_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_no_code);
  gtk_widget_class_bind_template_callback (widget_class, on_remove_entry);
  gtk_widget_class_bind_template_callback (widget_class, on_unmapped_changed);
  gtk_widget_class_bind_template_child (widget_class, CsMappingValueMapsPane, coverage_label);
  gtk_widget_class_bind_template_child (widget_class, CsMappingValueMapsPane, values_list);
  gtk_widget_class_bind_template_callback (widget_class, cs_mapping_value_maps_pane_refresh);

  gtk_widget_class_install_action (widget_class, "mapping.import-value-map", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "mapping.export-value-map", "s", export_action);
}

static void
cs_mapping_value_maps_pane_init (CsMappingValueMapsPane *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->code_picker = cs_code_picker_new ();
  gtk_menu_button_set_popover (self->code_button, self->code_picker);
  g_signal_connect_object (self->code_picker, "picked", G_CALLBACK (on_code_picked), self, G_CONNECT_SWAPPED);
}
