/* cs-mapping-value-maps-pane.c: the Mapping page's value maps
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "cs-mapping-common.h"
#include "cs-mapping-value-maps-pane.h"

struct _CsMappingValueMapsPane
{
  GtkBox                parent_instance;

  /* template */
  GtkDropDown          *value_map_dropdown;
  GtkLabel             *coverage_label;
  GtkListBox           *values_list;

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
      gtk_list_box_append (self->values_list, row);
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
}
