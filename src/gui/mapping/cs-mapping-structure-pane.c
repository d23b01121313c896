/* cs-mapping-structure-pane.c: the mapping as a tree, edited
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "cs-code-picker.h"
#include "cs-mapping-common.h"
#include "cs-mapping-structure-node.h"
#include "cs-mapping-structure-pane.h"

struct _CsMappingStructurePane
{
  GtkBox              parent_instance;

  /* template */
  GtkListView        *tree_view;
  GtkLabel           *status_label;
  GtkLabel           *selection_label;
  GtkWidget          *element_box;
  GtkDropDown        *column_dropdown;
  GtkEntry           *constant_entry;
  GtkDropDown        *map_dropdown;
  GtkMenuButton      *code_button;
  GtkMenuButton      *new_map_button;
  GtkEntry           *add_name_entry;
  GtkWidget          *condition_box;
  GtkEntry           *condition_entry;
  GtkWidget          *resource_box;
  GtkDropDown        *id_dropdown;
  GtkEntry           *id_entry;
  GtkWidget          *input_box;
  GtkEntry           *key_entry;
  GtkEntry           *join_input_entry;
  GtkEntry           *join_on_entry;
  GtkEntry           *new_name_entry;
  GtkEntry           *new_type_entry;
  GtkWidget          *remove_button;

  GtkWidget          *code_picker;
  GtkWidget          *new_map_picker;
  GListStore         *roots;
  GtkTreeListModel   *tree;
  GtkSingleSelection *selection;
  GtkStringList      *columns;
  GPtrArray          *first_values;  /* char *: each column's first value, or NULL */
  GtkStringList      *maps;
  char               *text;
  char               *base_dir;
  char               *selected_path;
  CsMappingStructure *structure;
};

G_DEFINE_FINAL_TYPE (CsMappingStructurePane, cs_mapping_structure_pane, GTK_TYPE_BOX)

enum
{
  SIGNAL_REPLACE_MAPPING,
  SIGNAL_SHOW_ERROR,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ------------------------------------------------------------------ */
/* The tree                                                            */

static GListModel *
create_children (gpointer item,
                 gpointer user_data)
{
  GListModel *children = cs_mapping_structure_node_get_children (item);

  return children != NULL ? g_object_ref (children) : NULL;
}

static CsMappingStructureNode *
element_node (const CsTemplateElement *e)
{
  g_autofree char *detail = cs_template_element_describe (e);
  CsMappingStructureNode *node = cs_mapping_structure_node_new (CS_STRUCTURE_NODE_ELEMENT, e->path, e->name, detail);

  cs_mapping_structure_node_set_value_kind (node, e->kind);
  for (guint i = 0; e->children != NULL && i < e->children->len; i++)
    {
      g_autoptr(CsMappingStructureNode) child = element_node (e->children->pdata[i]);

      cs_mapping_structure_node_add_child (node, child);
    }
  return node;
}

static char *
join_strv (char **strv)
{
  return strv != NULL && strv[0] != NULL ? g_strjoinv (", ", strv) : g_strdup (_("none"));
}

static void
rebuild (CsMappingStructurePane *self)
{
  g_list_store_remove_all (self->roots);
  gtk_string_list_splice (self->maps, 0, g_list_model_get_n_items (G_LIST_MODEL (self->maps)), NULL);
  if (self->structure == NULL)
    return;
  for (guint i = 0; i < self->structure->inputs->len; i++)
    {
      const CsMappingInputInfo *in = self->structure->inputs->pdata[i];
      g_autofree char *key = join_strv (in->key);
      g_autoptr(GString) detail = g_string_new (NULL);
      g_autoptr(CsMappingStructureNode) node = NULL;
      g_autofree char *name = g_strdup_printf (_("Input “%s”"), in->role != NULL ? in->role : "");

      g_string_append_printf (detail, _("key: %s"), key);
      for (guint j = 0; j < in->joins->len; j++)
        {
          const CsMappingJoinInfo *join = in->joins->pdata[j];

          g_string_append (detail, " · ");
          g_string_append_printf (detail, _("joins %s on %s"), join->input != NULL ? join->input : "?",
                                  join->on != NULL ? join->on : "?");
        }
      node = cs_mapping_structure_node_new (CS_STRUCTURE_NODE_INPUT, in->path, name, detail->str);
      g_list_store_append (self->roots, node);
    }
  for (guint i = 0; i < self->structure->resources->len; i++)
    {
      const CsMappingResourceInfo *r = self->structure->resources->pdata[i];
      g_autoptr(GString) detail = g_string_new (r->type != NULL ? r->type : _("no resourceType"));
      g_autoptr(CsMappingStructureNode) node = NULL;

      switch (r->id_policy)
        {
        case CS_MAPPING_ID_TEMPLATE:
          g_string_append_printf (detail, " · %s", _("id: "));
          g_string_append (detail, r->id_template != NULL ? r->id_template : "");
          break;
        case CS_MAPPING_ID_KEY:
          {
            g_autofree char *key = join_strv (r->id_key);

            g_string_append_printf (detail, " · %s", _("id from: "));
            g_string_append (detail, key);
          }
          break;
        case CS_MAPPING_ID_DEFAULT:
        default:
          break;
        }
      if (r->condition != NULL)
        g_string_append_printf (detail, " · %s %s", _("when"), r->condition);
      if (r->for_each_column != NULL)
        g_string_append_printf (detail, " · %s", _("one per column"));
      node = cs_mapping_structure_node_new (CS_STRUCTURE_NODE_RESOURCE, r->path, r->name, detail->str);
      for (guint j = 0; r->template != NULL && r->template->children != NULL && j < r->template->children->len; j++)
        {
          g_autoptr(CsMappingStructureNode) child = element_node (r->template->children->pdata[j]);

          cs_mapping_structure_node_add_child (node, child);
        }
      g_list_store_append (self->roots, node);
    }
  for (guint i = 0; i < self->structure->maps->len; i++)
    gtk_string_list_append (self->maps, ((CsMappingMapInfo *) self->structure->maps->pdata[i])->id);
}

static CsMappingStructureNode *
selected_node (CsMappingStructurePane *self)
{
  GtkTreeListRow *row = gtk_single_selection_get_selected_item (self->selection);

  return row != NULL ? gtk_tree_list_row_get_item (row) : NULL;
}

static const CsMappingResourceInfo *
resource_of (CsMappingStructurePane *self,
             const char             *path)
{
  for (guint i = 0; self->structure != NULL && i < self->structure->resources->len; i++)
    {
      const CsMappingResourceInfo *r = self->structure->resources->pdata[i];
      gsize len = strlen (r->path);

      if (g_str_has_prefix (path, r->path) && (path[len] == '\0' || path[len] == '.'))
        return r;
    }
  return NULL;
}

static const CsMappingInputInfo *
input_of (CsMappingStructurePane *self,
          const char             *path)
{
  for (guint i = 0; self->structure != NULL && i < self->structure->inputs->len; i++)
    {
      const CsMappingInputInfo *in = self->structure->inputs->pdata[i];

      if (g_str_equal (path, in->path))
        return in;
    }
  return NULL;
}

static void
update_controls (CsMappingStructurePane *self)
{
  g_autoptr(CsMappingStructureNode) node = selected_node (self);
  CsStructureNodeKind kind = node != NULL ? cs_mapping_structure_node_get_kind (node) : CS_STRUCTURE_NODE_INPUT;
  gboolean element = node != NULL && kind == CS_STRUCTURE_NODE_ELEMENT;
  gboolean object = element && cs_mapping_structure_node_get_value_kind (node) == CS_MAPPING_VALUE_OBJECT;

  g_clear_pointer (&self->selected_path, g_free);
  if (node != NULL)
    self->selected_path = g_strdup (cs_mapping_structure_node_get_path (node));
  gtk_label_set_label (self->selection_label, node != NULL ? cs_mapping_structure_node_get_path (node)
                                                           : _("Select an input, a resource or an element"));
  gtk_widget_set_visible (self->element_box, element);
  gtk_widget_set_visible (self->condition_box, object || (node != NULL && kind == CS_STRUCTURE_NODE_RESOURCE));
  gtk_widget_set_visible (self->resource_box, node != NULL && kind == CS_STRUCTURE_NODE_RESOURCE);
  gtk_widget_set_visible (self->input_box, node != NULL && kind == CS_STRUCTURE_NODE_INPUT);
  gtk_widget_set_sensitive (self->remove_button, node != NULL && kind != CS_STRUCTURE_NODE_INPUT);
  if (node == NULL)
    return;

  /* fill the controls with what the row holds */
  if (kind == CS_STRUCTURE_NODE_RESOURCE)
    {
      const CsMappingResourceInfo *r = resource_of (self, self->selected_path);
      g_autofree char *key = r != NULL && r->id_key != NULL ? g_strjoinv (", ", r->id_key) : NULL;

      gtk_editable_set_text (GTK_EDITABLE (self->condition_entry), r != NULL && r->condition != NULL ? r->condition : "");
      gtk_drop_down_set_selected (self->id_dropdown, r != NULL ? (guint) r->id_policy : 0);
      gtk_editable_set_text (GTK_EDITABLE (self->id_entry),
                             r == NULL ? "" : r->id_policy == CS_MAPPING_ID_TEMPLATE ? r->id_template
                                            : key != NULL ? key : "");
    }
  else if (kind == CS_STRUCTURE_NODE_INPUT)
    {
      const CsMappingInputInfo *in = input_of (self, self->selected_path);
      g_autofree char *key = in != NULL && in->key != NULL ? g_strjoinv (", ", in->key) : NULL;

      gtk_editable_set_text (GTK_EDITABLE (self->key_entry), key != NULL ? key : "");
      if (in != NULL && in->joins->len > 0)
        {
          const CsMappingJoinInfo *join = in->joins->pdata[0];

          gtk_editable_set_text (GTK_EDITABLE (self->join_input_entry), join->input != NULL ? join->input : "");
        }
    }
  else if (self->structure != NULL)
    {
      const CsTemplateElement *e = cs_mapping_structure_find_element (self->structure, self->selected_path);

      if (e == NULL)
        return;
      gtk_editable_set_text (GTK_EDITABLE (self->condition_entry), e->condition != NULL ? e->condition : "");
      if (e->kind == CS_MAPPING_VALUE_CONSTANT || e->kind == CS_MAPPING_VALUE_TEXT)
        {
          g_autoptr(JsonNode) value = json_from_string (e->value, NULL);

          gtk_editable_set_text (GTK_EDITABLE (self->constant_entry),
                                 value != NULL && json_node_get_value_type (value) == G_TYPE_STRING
                                 ? json_node_get_string (value) : e->value);
        }
      if (e->column != NULL)
        for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->columns)); i++)
          if (g_str_equal (gtk_string_list_get_string (self->columns, i), e->column))
            gtk_drop_down_set_selected (self->column_dropdown, i);
      if (e->kind == CS_MAPPING_VALUE_MAP && e->map != NULL)
        for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->maps)); i++)
          if (g_str_equal (gtk_string_list_get_string (self->maps, i), e->map))
            gtk_drop_down_set_selected (self->map_dropdown, i);
    }
}

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  GtkWidget *expander = gtk_tree_expander_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *name = gtk_label_new (NULL);
  GtkWidget *detail = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_widget_add_css_class (name, "heading");
  gtk_label_set_xalign (GTK_LABEL (detail), 0);
  gtk_label_set_ellipsize (GTK_LABEL (detail), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (detail, TRUE);
  gtk_widget_add_css_class (detail, "dim-label");
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), detail);
  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), box);
  gtk_list_item_set_child (item, expander);
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          gpointer                  user_data)
{
  GtkTreeListRow *row = gtk_list_item_get_item (item);
  CsMappingStructureNode *node = gtk_tree_list_row_get_item (row);
  GtkWidget *expander = gtk_list_item_get_child (item);
  GtkWidget *box = gtk_tree_expander_get_child (GTK_TREE_EXPANDER (expander));
  GtkWidget *name = gtk_widget_get_first_child (box);
  GtkWidget *detail = gtk_widget_get_next_sibling (name);
  g_autofree char *accessible = g_strdup_printf ("%s: %s", cs_mapping_structure_node_get_name (node),
                                                 cs_mapping_structure_node_get_detail (node));

  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (expander), row);
  gtk_label_set_label (GTK_LABEL (name), cs_mapping_structure_node_get_name (node));
  gtk_label_set_label (GTK_LABEL (detail), cs_mapping_structure_node_get_detail (node));
  gtk_accessible_update_property (GTK_ACCESSIBLE (expander), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  g_object_unref (node);
}

gboolean
cs_mapping_structure_pane_select_path (CsMappingStructurePane *self,
                                       const char             *path)
{
  g_return_val_if_fail (CS_IS_MAPPING_STRUCTURE_PANE (self), FALSE);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->tree)); i++)
    {
      g_autoptr(GtkTreeListRow) row = gtk_tree_list_model_get_row (self->tree, i);
      g_autoptr(CsMappingStructureNode) node = gtk_tree_list_row_get_item (row);
      const char *node_path = cs_mapping_structure_node_get_path (node);
      gsize len = strlen (node_path);

      if (g_str_equal (node_path, path))
        {
          gtk_single_selection_set_selected (self->selection, i);
          gtk_widget_activate_action (GTK_WIDGET (self->tree_view), "list.scroll-to-item", "u", i);
          update_controls (self);
          return TRUE;
        }
      if (g_str_has_prefix (path, node_path) && (path[len] == '.' || path[len] == '['))
        gtk_tree_list_row_set_expanded (row, TRUE);
    }
  return FALSE;
}

const char *
cs_mapping_structure_pane_get_selected_path (CsMappingStructurePane *self)
{
  g_return_val_if_fail (CS_IS_MAPPING_STRUCTURE_PANE (self), NULL);

  return self->selected_path;
}

void
cs_mapping_structure_pane_set_text (CsMappingStructurePane *self,
                                    const char             *text,
                                    const char             *base_dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *keep = NULL;

  g_return_if_fail (CS_IS_MAPPING_STRUCTURE_PANE (self));

  if (g_strcmp0 (text, self->text) == 0 && g_strcmp0 (base_dir, self->base_dir) == 0)
    return;
  keep = g_strdup (self->selected_path);
  g_free (self->text);
  self->text = g_strdup (text);
  g_free (self->base_dir);
  self->base_dir = g_strdup (base_dir);
  g_clear_pointer (&self->structure, cs_mapping_structure_free);
  self->structure = cs_mapping_structure_new (text, &error);
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), self->structure == NULL);
  if (self->structure == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The structure cannot be shown until the JSON is fixed: %s"),
                                                   error->message);

      gtk_label_set_label (self->status_label, message);
    }
  rebuild (self);
  if (keep == NULL || !cs_mapping_structure_pane_select_path (self, keep))
    update_controls (self);
}

void
cs_mapping_structure_pane_set_columns (CsMappingStructurePane *self,
                                       const CsTableProfile   *table)
{
  guint n_old;

  g_return_if_fail (CS_IS_MAPPING_STRUCTURE_PANE (self));

  n_old = g_list_model_get_n_items (G_LIST_MODEL (self->columns));
  gtk_string_list_splice (self->columns, 0, n_old, NULL);
  g_ptr_array_set_size (self->first_values, 0);
  for (guint i = 0; table != NULL && i < cs_csv_profile_get_n_columns (table->profile); i++)
    {
      const CsCsvColumnProfile *column = cs_csv_profile_get_column (table->profile, i);

      gtk_string_list_append (self->columns, column->name);
      g_ptr_array_add (self->first_values, g_strdup (column->values->len > 0 ? column->values->pdata[0] : NULL));
    }
}

GtkWidget *
cs_mapping_structure_pane_get_code_picker (CsMappingStructurePane *self)
{
  g_return_val_if_fail (CS_IS_MAPPING_STRUCTURE_PANE (self), NULL);

  return self->code_picker;
}

/* ------------------------------------------------------------------ */
/* Edits                                                               */

/* Takes text: the new mapping, or NULL and error. */
static gboolean
apply (CsMappingStructurePane *self,
       char                   *text,
       GError                 *error)
{
  g_autofree char *owned = text;

  if (owned == NULL)
    {
      g_signal_emit (self, signals[SIGNAL_SHOW_ERROR], 0, _("Cannot Change the Mapping"), error->message,
                     _("The mapping is unchanged."));
      return FALSE;
    }
  g_signal_emit (self, signals[SIGNAL_REPLACE_MAPPING], 0, owned);
  return TRUE;
}

static const char *
selected_column (CsMappingStructurePane *self)
{
  guint index = gtk_drop_down_get_selected (self->column_dropdown);

  return index != GTK_INVALID_LIST_POSITION ? gtk_string_list_get_string (self->columns, index) : NULL;
}

/* Columns typed as "a, b" */
static GStrv
split_columns (const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *part = g_strstrip (parts[i]);

      if (*part != '\0')
        g_ptr_array_add (out, g_strdup (part));
    }
  g_ptr_array_add (out, NULL);
  return (GStrv) g_ptr_array_free (out, FALSE);
}

static GError *
no_selection_error (void)
{
  return g_error_new_literal (CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_EDIT,
                              _("Select an element of a template first."));
}

/* The path of the selected element of a template, or NULL. */
static const char *
element_path (CsMappingStructurePane *self)
{
  g_autoptr(CsMappingStructureNode) node = selected_node (self);

  if (self->text == NULL || node == NULL || cs_mapping_structure_node_get_kind (node) != CS_STRUCTURE_NODE_ELEMENT)
    return NULL;
  return self->selected_path;
}

gboolean
cs_mapping_structure_pane_use_column (CsMappingStructurePane *self,
                                      const char             *column)
{
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (CS_IS_MAPPING_STRUCTURE_PANE (self), FALSE);

  if (element_path (self) == NULL)
    return apply (self, NULL, error = no_selection_error ());
  for (guint i = 0; column != NULL && i < g_list_model_get_n_items (G_LIST_MODEL (self->columns)); i++)
    if (g_str_equal (gtk_string_list_get_string (self->columns, i), column))
      gtk_drop_down_set_selected (self->column_dropdown, i);
  column = selected_column (self);
  if (column == NULL)
    {
      error = g_error_new_literal (CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_EDIT,
                                   _("Open a table to choose one of its columns."));
      return apply (self, NULL, error);
    }
  return apply (self, cs_mapping_text_set_element_column (self->text, self->selected_path, column, NULL, &error), error);
}

static void
on_use_column (CsMappingStructurePane *self)
{
  cs_mapping_structure_pane_use_column (self, NULL);
}

static void
on_set_constant (CsMappingStructurePane *self)
{
  g_autoptr(GError) error = NULL;

  if (element_path (self) == NULL)
    return;
  apply (self, cs_mapping_text_set_element_constant (self->text, self->selected_path,
                                                     gtk_editable_get_text (GTK_EDITABLE (self->constant_entry)),
                                                     TRUE, &error), error);
}

static void
on_use_map (CsMappingStructurePane *self)
{
  g_autoptr(GError) error = NULL;
  guint index = gtk_drop_down_get_selected (self->map_dropdown);
  const char *column = selected_column (self);

  if (element_path (self) == NULL)
    return;
  if (index == GTK_INVALID_LIST_POSITION || column == NULL)
    {
      error = g_error_new_literal (CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_EDIT,
                                   _("Choose a value map and the column it translates."));
      apply (self, NULL, error);
      return;
    }
  apply (self, cs_mapping_text_set_element_map (self->text, self->selected_path,
                                                gtk_string_list_get_string (self->maps, index), column, NULL, &error),
         error);
}

/* New Value Map…: the code picked is the first value's (a ConceptMap lists
 * at least one value); the map is named after the column. */
static void
on_new_map_picked (CsMappingStructurePane *self,
                   const char             *system,
                   const char             *code,
                   const char             *display)
{
  g_autoptr(GError) error = NULL;
  const char *column = selected_column (self);
  guint index = gtk_drop_down_get_selected (self->column_dropdown);
  const char *first = index < self->first_values->len ? self->first_values->pdata[index] : NULL;
  CsCoding coding = { (char *) system, (char *) code, (char *) display };
  g_autofree char *id = NULL;
  g_autofree char *with_map = NULL;

  if (element_path (self) == NULL || column == NULL || first == NULL)
    {
      error = g_error_new_literal (CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_EDIT,
                                   _("Select an element and a column with values first."));
      apply (self, NULL, error);
      return;
    }
  id = g_strcanon (g_ascii_strdown (column, -1), "abcdefghijklmnopqrstuvwxyz0123456789-.", '-');
  with_map = cs_mapping_text_add_concept_map (self->text, id, system, first, &coding, 1, &error);
  if (with_map == NULL)
    {
      apply (self, NULL, error);
      return;
    }
  apply (self, cs_mapping_text_set_element_map (with_map, self->selected_path, id, column, NULL, &error), error);
}

/* The new map's picker says which value it codes. */
static void
on_new_map_shown (CsMappingStructurePane *self)
{
  guint index = gtk_drop_down_get_selected (self->column_dropdown);
  const char *first = index < self->first_values->len ? self->first_values->pdata[index] : NULL;
  g_autofree char *query = g_strdup (first != NULL ? first : "");

  cs_code_picker_search (CS_CODE_PICKER (self->new_map_picker), query);
}

GtkWidget *
cs_mapping_structure_pane_get_new_map_picker (CsMappingStructurePane *self)
{
  g_return_val_if_fail (CS_IS_MAPPING_STRUCTURE_PANE (self), NULL);

  return self->new_map_picker;
}

static void
on_code_picked (CsMappingStructurePane *self,
                const char             *system,
                const char             *code,
                const char             *display)
{
  g_autoptr(GError) error = NULL;
  CsCoding coding = { (char *) system, (char *) code, (char *) display };

  if (element_path (self) == NULL)
    return;
  apply (self, cs_mapping_text_put_coding (self->text, self->selected_path, &coding, &error), error);
}

static void
on_set_condition (CsMappingStructurePane *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *condition = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->condition_entry))));
  g_autoptr(CsMappingStructureNode) node = selected_node (self);

  if (self->text == NULL || node == NULL)
    return;
  apply (self, cs_mapping_text_set_condition (self->text, cs_mapping_structure_node_get_path (node),
                                              *condition != '\0' ? condition : NULL, &error), error);
}

static void
on_set_id (CsMappingStructurePane *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsMappingStructureNode) node = selected_node (self);
  const CsMappingResourceInfo *r;
  CsMappingIdPolicy policy = (CsMappingIdPolicy) gtk_drop_down_get_selected (self->id_dropdown);
  g_auto(GStrv) values = NULL;

  if (node == NULL || (r = resource_of (self, cs_mapping_structure_node_get_path (node))) == NULL)
    return;
  if (policy == CS_MAPPING_ID_TEMPLATE)
    {
      values = g_new0 (char *, 2);
      values[0] = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->id_entry))));
    }
  else
    values = split_columns (gtk_editable_get_text (GTK_EDITABLE (self->id_entry)));
  apply (self, cs_mapping_text_set_id_policy (self->text, r->name, policy, (const char * const *) values, &error),
         error);
}

static void
on_set_key (CsMappingStructurePane *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsMappingStructureNode) node = selected_node (self);
  const CsMappingInputInfo *in;
  g_auto(GStrv) columns = split_columns (gtk_editable_get_text (GTK_EDITABLE (self->key_entry)));

  if (node == NULL || (in = input_of (self, cs_mapping_structure_node_get_path (node))) == NULL)
    return;
  apply (self, cs_mapping_text_set_input_key (self->text, in->role, (const char * const *) columns, &error), error);
}

static void
on_set_join (CsMappingStructurePane *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsMappingStructureNode) node = selected_node (self);
  const CsMappingInputInfo *in;
  g_autofree char *other = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->join_input_entry))));
  g_auto(GStrv) on = split_columns (gtk_editable_get_text (GTK_EDITABLE (self->join_on_entry)));

  if (node == NULL || (in = input_of (self, cs_mapping_structure_node_get_path (node))) == NULL)
    return;
  apply (self, cs_mapping_text_set_input_join (self->text, in->role, other, (const char * const *) on, &error), error);
}

static void
on_add_element (CsMappingStructurePane *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->add_name_entry))));
  g_autoptr(CsMappingStructureNode) node = selected_node (self);
  const char *column = selected_column (self);
  g_autofree char *value = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  gboolean array;

  if (self->text == NULL || node == NULL)
    return;
  array = cs_mapping_structure_node_get_value_kind (node) == CS_MAPPING_VALUE_ARRAY;
  /* the new element's value: the column chosen (edit it afterwards) */
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "$column");
  json_builder_add_string_value (b, column != NULL ? column : "");
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  value = json_to_string (root, FALSE);
  apply (self, cs_mapping_text_add_element (self->text, cs_mapping_structure_node_get_path (node),
                                            array ? NULL : name, value, &error), error);
}

static void
on_remove (CsMappingStructurePane *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsMappingStructureNode) node = selected_node (self);

  if (self->text == NULL || node == NULL)
    return;
  if (cs_mapping_structure_node_get_kind (node) == CS_STRUCTURE_NODE_RESOURCE)
    apply (self, cs_mapping_text_remove_resource (self->text, cs_mapping_structure_node_get_name (node), &error), error);
  else if (cs_mapping_structure_node_get_kind (node) == CS_STRUCTURE_NODE_ELEMENT)
    apply (self, cs_mapping_text_remove_element (self->text, cs_mapping_structure_node_get_path (node), &error), error);
}

static void
on_add_resource (CsMappingStructurePane *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->new_name_entry))));
  g_autofree char *type = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->new_type_entry))));
  g_autoptr(CsMappingStructureNode) node = selected_node (self);
  const char *input = NULL;

  if (self->text == NULL || self->structure == NULL)
    return;
  /* from the input selected, or the first one */
  if (node != NULL && cs_mapping_structure_node_get_kind (node) == CS_STRUCTURE_NODE_INPUT)
    input = input_of (self, cs_mapping_structure_node_get_path (node))->role;
  else if (self->structure->inputs->len > 0)
    input = ((CsMappingInputInfo *) self->structure->inputs->pdata[0])->role;
  if (*type == '\0')
    {
      error = g_error_new_literal (CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_EDIT,
                                   _("Type the new resource's type, such as Observation."));
      apply (self, NULL, error);
      return;
    }
  apply (self, cs_mapping_text_add_resource (self->text, name, input != NULL ? input : "", type, &error), error);
}

static void
on_selection_changed (CsMappingStructurePane *self)
{
  update_controls (self);
}

/* ------------------------------------------------------------------ */

static void
cs_mapping_structure_pane_dispose (GObject *object)
{
  CsMappingStructurePane *self = CS_MAPPING_STRUCTURE_PANE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CS_TYPE_MAPPING_STRUCTURE_PANE);
  g_clear_object (&self->selection);
  g_clear_object (&self->tree);
  g_clear_object (&self->roots);
  g_clear_object (&self->columns);
  g_clear_object (&self->maps);
  G_OBJECT_CLASS (cs_mapping_structure_pane_parent_class)->dispose (object);
}

static void
cs_mapping_structure_pane_finalize (GObject *object)
{
  CsMappingStructurePane *self = CS_MAPPING_STRUCTURE_PANE (object);

  g_free (self->text);
  g_free (self->base_dir);
  g_free (self->selected_path);
  g_clear_pointer (&self->structure, cs_mapping_structure_free);
  g_clear_pointer (&self->first_values, g_ptr_array_unref);
  G_OBJECT_CLASS (cs_mapping_structure_pane_parent_class)->finalize (object);
}

static void
cs_mapping_structure_pane_class_init (CsMappingStructurePaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cs_mapping_structure_pane_dispose;
  object_class->finalize = cs_mapping_structure_pane_finalize;

  signals[SIGNAL_REPLACE_MAPPING] =
    g_signal_new ("replace-mapping", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_SHOW_ERROR] = cs_mapping_add_error_signal (G_TYPE_FROM_CLASS (klass));

  g_type_ensure (CS_TYPE_CODE_PICKER);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/cohortscope/Cohortscope/cs-mapping-structure-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, CsMappingStructurePane, tree_view);
  gtk_widget_class_bind_template_child (widget_class, CsMappingStructurePane, status_label);
  gtk_widget_class_bind_template_child (widget_class, CsMappingStructurePane, selection_label);
  gtk_widget_class_bind_template_child (widget_class, CsMappingStructurePane, element_box);
  gtk_widget_class_bind_template_child (widget_class, CsMappingStructurePane, column_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CsMappingStructurePane, constant_entry);
  gtk_widget_class_bind_template_child (widget_class, CsMappingStructurePane, map_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CsMappingStructurePane, code_button);
  gtk_widget_class_bind_template_child (widget_class, CsMappingStructurePane, new_map_button);
  gtk_widget_class_bind_template_child (widget_class, CsMappingStructurePane, add_name_entry);
  gtk_widget_class_bind_template_child (widget_class, CsMappingStructurePane, condition_box);
  gtk_widget_class_bind_template_child (widget_class, CsMappingStructurePane, condition_entry);
  gtk_widget_class_bind_template_child (widget_class, CsMappingStructurePane, resource_box);
  gtk_widget_class_bind_template_child (widget_class, CsMappingStructurePane, id_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CsMappingStructurePane, id_entry);
  gtk_widget_class_bind_template_child (widget_class, CsMappingStructurePane, input_box);
  gtk_widget_class_bind_template_child (widget_class, CsMappingStructurePane, key_entry);
  gtk_widget_class_bind_template_child (widget_class, CsMappingStructurePane, join_input_entry);
  gtk_widget_class_bind_template_child (widget_class, CsMappingStructurePane, join_on_entry);
  gtk_widget_class_bind_template_child (widget_class, CsMappingStructurePane, new_name_entry);
  gtk_widget_class_bind_template_child (widget_class, CsMappingStructurePane, new_type_entry);
  gtk_widget_class_bind_template_child (widget_class, CsMappingStructurePane, remove_button);
  gtk_widget_class_bind_template_callback (widget_class, on_use_column);
  gtk_widget_class_bind_template_callback (widget_class, on_set_constant);
  gtk_widget_class_bind_template_callback (widget_class, on_use_map);
  gtk_widget_class_bind_template_callback (widget_class, on_set_condition);
  gtk_widget_class_bind_template_callback (widget_class, on_set_id);
  gtk_widget_class_bind_template_callback (widget_class, on_set_key);
  gtk_widget_class_bind_template_callback (widget_class, on_set_join);
  gtk_widget_class_bind_template_callback (widget_class, on_add_element);
  gtk_widget_class_bind_template_callback (widget_class, on_remove);
  gtk_widget_class_bind_template_callback (widget_class, on_add_resource);
}

static void
cs_mapping_structure_pane_init (CsMappingStructurePane *self)
{
  GtkListItemFactory *factory;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->roots = g_list_store_new (CS_TYPE_MAPPING_STRUCTURE_NODE);
  self->tree = gtk_tree_list_model_new (g_object_ref (G_LIST_MODEL (self->roots)), FALSE, FALSE,
                                        create_children, NULL, NULL);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->tree)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_object (self->selection, "notify::selected", G_CALLBACK (on_selection_changed), self,
                           G_CONNECT_SWAPPED);
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), NULL);
  gtk_list_view_set_factory (self->tree_view, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->tree_view, GTK_SELECTION_MODEL (self->selection));

  self->columns = gtk_string_list_new (NULL);
  self->first_values = g_ptr_array_new_with_free_func (g_free);
  gtk_drop_down_set_model (self->column_dropdown, G_LIST_MODEL (self->columns));
  self->maps = gtk_string_list_new (NULL);
  gtk_drop_down_set_model (self->map_dropdown, G_LIST_MODEL (self->maps));

  self->code_picker = cs_code_picker_new ();
  gtk_menu_button_set_popover (self->code_button, self->code_picker);
  g_signal_connect_object (self->code_picker, "picked", G_CALLBACK (on_code_picked), self, G_CONNECT_SWAPPED);
  self->new_map_picker = cs_code_picker_new ();
  gtk_menu_button_set_popover (self->new_map_button, self->new_map_picker);
  g_signal_connect_object (self->new_map_picker, "picked", G_CALLBACK (on_new_map_picked), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->new_map_picker, "show", G_CALLBACK (on_new_map_shown), self,
                           G_CONNECT_SWAPPED | G_CONNECT_AFTER);
  update_controls (self);
}
