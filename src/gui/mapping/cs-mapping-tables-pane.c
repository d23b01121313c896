/* cs-mapping-tables-pane.c: the Mapping page's table side
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cs-gui-util.h"
#include "cs-mapping-row-model.h"
#include "cs-mapping-tables-pane.h"

#define SAMPLE_VALUES 5

typedef enum
{
  COL_NAME,
  COL_TYPE,
  COL_MISSING,
  COL_DISTINCT,
  COL_ROLE,
  COL_SAMPLE,
  N_PROFILE_COLUMNS
} ProfileColumn;

struct _CsMappingTablesPane
{
  GtkBox                  parent_instance;

  /* template */
  GtkDropDown            *table_switcher;
  GtkLabel               *table_label;
  GtkStack               *table_stack;
  GtkColumnView          *columns_view;
  GtkColumnView          *rows_view;
  CsMappingValueMapsPane *value_maps;
  CsMappingProblemsPane  *problems;

  const CsTableProfile   *table;          /* borrowed */
  GHashTable             *marks;          /* cell key → Mark: the problems at a cell */
  GHashTable             *bound;          /* GtkListItem of the grid that are bound */
  CsMappingRowModel      *rows_model;
  GtkMultiSelection      *rows_selection;
  GtkSingleSelection     *columns_selection;
};

G_DEFINE_FINAL_TYPE (CsMappingTablesPane, cs_mapping_tables_pane, GTK_TYPE_BOX)

enum
{
  PROP_0,
  PROP_SELECTED_ROW,
  PROP_SELECTED_COLUMN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_SWITCH_TABLE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ------------------------------------------------------------------ */
/* Problem marks                                                       */

typedef struct
{
  CsMappingSeverity severity;   /* the worst */
  GString          *text;       /* the messages, one a line */
} Mark;

static void
mark_free (gpointer data)
{
  Mark *mark = data;

  g_string_free (mark->text, TRUE);
  g_free (mark);
}

/* A cell's key; column n_columns stands for the row's number */
static guint64 *
cell_key (guint64 row,
          guint   column)
{
  guint64 *key = g_new (guint64, 1);

  *key = (row << 20) | column;
  return key;
}

static const Mark *
find_mark (CsMappingTablesPane *self,
           guint64              row,
           guint                column)
{
  guint64 key = (row << 20) | column;

  return g_hash_table_lookup (self->marks, &key);
}

static void
add_mark (CsMappingTablesPane    *self,
          guint64                 row,
          guint                   column,
          const CsPreviewProblem *problem)
{
  guint64 *key = cell_key (row, column);
  Mark *mark = g_hash_table_lookup (self->marks, key);

  if (mark == NULL)
    {
      mark = g_new0 (Mark, 1);
      mark->severity = problem->severity;
      mark->text = g_string_new (NULL);
      g_hash_table_insert (self->marks, key, mark);
    }
  else
    {
      g_free (key);
      if (problem->severity == CS_MAPPING_SEVERITY_ERROR)
        mark->severity = CS_MAPPING_SEVERITY_ERROR;
      /* the same problem from the validation and the preview once */
      if (strstr (mark->text->str, problem->message) != NULL)
        return;
    }
  if (mark->text->len > 0)
    g_string_append_c (mark->text, '\n');
  g_string_append (mark->text, problem->message);
}

/* Shows a grid cell's mark: a colour, the messages as its tooltip and
 * accessible description. */
static void
show_mark (CsMappingTablesPane *self,
           GtkListItem         *item)
{
  GtkWidget *cell = gtk_list_item_get_child (item);
  guint column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (cell), "column"));
  guint position = gtk_list_item_get_position (item);
  const Mark *mark = NULL;

  if (self->table != NULL && position != GTK_INVALID_LIST_POSITION)
    mark = find_mark (self, position,
                      column == G_MAXUINT ? cs_csv_profile_get_n_columns (self->table->profile) : column);
  gtk_widget_remove_css_class (cell, "error");
  gtk_widget_remove_css_class (cell, "warning");
  if (mark != NULL)
    gtk_widget_add_css_class (cell, mark->severity == CS_MAPPING_SEVERITY_ERROR ? "error" : "warning");
  gtk_widget_set_tooltip_text (cell, mark != NULL ? mark->text->str : NULL);
  if (mark != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (cell), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, mark->text->str, -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (cell), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}

void
cs_mapping_tables_pane_set_problems (CsMappingTablesPane *self,
                                     const char          *role,
                                     GPtrArray           *validation,
                                     GPtrArray           *row_problems)
{
  g_autoptr(GHashTable) columns = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *lists[] = { validation, row_problems };
  GHashTableIter iter;
  gpointer item;

  g_return_if_fail (CS_IS_MAPPING_TABLES_PANE (self));

  g_hash_table_remove_all (self->marks);
  for (guint i = 0; self->table != NULL && i < cs_csv_profile_get_n_columns (self->table->profile); i++)
    g_hash_table_insert (columns, cs_csv_profile_get_column (self->table->profile, i)->name, GUINT_TO_POINTER (i + 1));
  for (guint l = 0; self->table != NULL && l < G_N_ELEMENTS (lists); l++)
    for (guint i = 0; lists[l] != NULL && i < lists[l]->len; i++)
      {
        const CsPreviewProblem *p = lists[l]->pdata[i];
        guint column = p->column != NULL ? GPOINTER_TO_UINT (g_hash_table_lookup (columns, p->column)) : 0;

        /* a row of another input (Validate goes through them all) is not this table's */
        if (p->row == 0 || (p->input != NULL && g_strcmp0 (p->input, role) != 0))
          continue;
        add_mark (self, p->row - 1, cs_csv_profile_get_n_columns (self->table->profile), p);
        if (column > 0)
          add_mark (self, p->row - 1, column - 1, p);
      }
  g_hash_table_iter_init (&iter, self->bound);
  while (g_hash_table_iter_next (&iter, &item, NULL))
    show_mark (self, item);
}

const char *
cs_mapping_tables_pane_get_cell_problem (CsMappingTablesPane *self,
                                         guint64              row,
                                         guint                column)
{
  const Mark *mark;

  g_return_val_if_fail (CS_IS_MAPPING_TABLES_PANE (self), NULL);

  mark = find_mark (self, row, column);
  return mark != NULL ? mark->text->str : NULL;
}

/* ------------------------------------------------------------------ */
/* Cells                                                               */

static void
setup_label (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  user_data)
{
  GtkWidget *label = gtk_inscription_new (NULL);

  gtk_inscription_set_min_chars (GTK_INSCRIPTION (label), 4);
  gtk_inscription_set_nat_chars (GTK_INSCRIPTION (label), 12);
  gtk_list_item_set_child (item, label);
}

/* The profile has few rows: labels, which screen readers read */
static void
setup_profile_label (GtkSignalListItemFactory *factory,
                     GtkListItem              *item,
                     gpointer                  user_data)
{
  ProfileColumn kind = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "kind"));
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_width_chars (GTK_LABEL (label), kind == COL_NAME ? 16 : kind == COL_ROLE ? 14 : 4);
  gtk_list_item_set_child (item, label);
}

static void
bind_profile_cell (GtkSignalListItemFactory *factory,
                   GtkListItem              *item,
                   CsMappingTablesPane      *self)
{
  ProfileColumn kind = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "kind"));
  guint position = gtk_list_item_get_position (item);
  const CsCsvColumnProfile *col;
  g_autofree char *text = NULL;

  if (self->table == NULL || position >= cs_csv_profile_get_n_columns (self->table->profile))
    return;
  col = cs_csv_profile_get_column (self->table->profile, position);
  switch (kind)
    {
    case COL_NAME:
      text = g_strdup (col->name);
      break;
    case COL_TYPE:
      text = g_strdup (cs_csv_type_to_string (col->type));
      break;
    case COL_MISSING:
      text = g_strdup_printf ("%" G_GUINT64_FORMAT, col->n_missing);
      break;
    case COL_DISTINCT:
      text = g_strdup_printf (col->distinct_capped ? "≥ %u" : "%u", col->n_distinct);
      break;
    case COL_ROLE:
      {
        CsColumnRole role = cs_column_role_guess (col);

        text = g_strdup (role == CS_COLUMN_ROLE_NONE ? "" : cs_column_role_get_label (role));
      }
      break;
    case COL_SAMPLE:
      text = cs_table_profile_sample (col, SAMPLE_VALUES);
      break;
    case N_PROFILE_COLUMNS:
    default:
      g_assert_not_reached ();
    }
  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (item)), text);
  gtk_widget_set_tooltip_text (gtk_list_item_get_child (item), kind == COL_SAMPLE || kind == COL_NAME ? text : NULL);
}

static void
bind_row_cell (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               CsMappingTablesPane      *self)
{
  guint column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "column"));
  const char * const *fields;

  if (self->table == NULL)
    return;
  g_object_set_data (G_OBJECT (gtk_list_item_get_child (item)), "column", GUINT_TO_POINTER (column));
  g_hash_table_add (self->bound, item);
  show_mark (self, item);
  if (column == G_MAXUINT)
    {
      g_autofree char *number = g_strdup_printf ("%u", gtk_list_item_get_position (item) + 1);

      gtk_inscription_set_text (GTK_INSCRIPTION (gtk_list_item_get_child (item)), number);
      return;
    }
  fields = cs_table_profile_get_row (self->table, gtk_list_item_get_position (item));
  gtk_inscription_set_text (GTK_INSCRIPTION (gtk_list_item_get_child (item)), fields != NULL ? fields[column] : NULL);
}

static void
unbind_row_cell (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 CsMappingTablesPane      *self)
{
  g_hash_table_remove (self->bound, item);
}

static GtkColumnViewColumn *
make_column (CsMappingTablesPane *self,
             const char          *title,
             GCallback            bind,
             const char          *key,
             guint                value,
             gboolean             expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *column;

  g_object_set_data (G_OBJECT (factory), key, GUINT_TO_POINTER (value));
  g_signal_connect (factory, "setup",
                    bind == G_CALLBACK (bind_profile_cell) ? G_CALLBACK (setup_profile_label) : G_CALLBACK (setup_label),
                    NULL);
  g_signal_connect_object (factory, "bind", bind, self, 0);
  if (bind == G_CALLBACK (bind_row_cell))
    g_signal_connect_object (factory, "unbind", G_CALLBACK (unbind_row_cell), self, 0);
  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_resizable (column, TRUE);
  gtk_column_view_column_set_expand (column, expand);
  return column;
}

static void
remove_columns (GtkColumnView *view)
{
  GListModel *columns = gtk_column_view_get_columns (view);

  while (g_list_model_get_n_items (columns) > 0)
    {
      g_autoptr(GtkColumnViewColumn) c = g_list_model_get_item (columns, 0);

      gtk_column_view_remove_column (view, c);
    }
}

/* ------------------------------------------------------------------ */
/* API                                                                 */

void
cs_mapping_tables_pane_set_table (CsMappingTablesPane  *self,
                                  const CsTableProfile *table)
{
  guint n_columns;
  g_autofree char *dialect = NULL;
  g_autofree char *label = NULL;
  g_autofree char *rows = NULL;
  GtkColumnViewColumn *column;

  g_return_if_fail (CS_IS_MAPPING_TABLES_PANE (self));
  g_return_if_fail (table != NULL);

  self->table = table;
  g_hash_table_remove_all (self->marks);
  n_columns = cs_csv_profile_get_n_columns (table->profile);
  dialect = cs_table_profile_describe_dialect (table);
  rows = g_strdup_printf ("%" G_GUINT64_FORMAT, cs_csv_profile_get_n_rows (table->profile));
  /* Translators: "clinical.csv — 422 rows, 10 columns — comma, UTF-8, LF" */
  label = g_strdup_printf (_("%s — %s rows, %u columns — %s%s"), table->name, rows, n_columns, dialect,
                           table->rows_capped ? _(" (only the first rows are shown)") : "");
  gtk_label_set_label (self->table_label, label);

  /* the profile: one item per column */
  gtk_single_selection_set_model (self->columns_selection, NULL);
  {
    g_autoptr(CsMappingRowModel) model = cs_mapping_row_model_new ();

    cs_mapping_row_model_set_n_items (model, n_columns);
    gtk_single_selection_set_model (self->columns_selection, G_LIST_MODEL (model));
  }
  gtk_single_selection_set_selected (self->columns_selection, GTK_INVALID_LIST_POSITION);

  /* the rows */
  remove_columns (self->rows_view);
  g_hash_table_remove_all (self->bound);
  column = make_column (self, "#", G_CALLBACK (bind_row_cell), "column", G_MAXUINT, FALSE);
  gtk_column_view_append_column (self->rows_view, column);
  g_object_unref (column);
  for (guint i = 0; i < n_columns; i++)
    {
      column = make_column (self, cs_csv_profile_get_column (table->profile, i)->name,
                            G_CALLBACK (bind_row_cell), "column", i, FALSE);
      gtk_column_view_append_column (self->rows_view, column);
      g_object_unref (column);
    }
  cs_mapping_row_model_set_n_items (self->rows_model, table->rows != NULL ? table->rows->len : 0);
  if (table->rows != NULL && table->rows->len > 0)
    gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->rows_selection), 0, TRUE);
}

static void
on_switcher_selected (CsMappingTablesPane *self)
{
  GtkStringObject *item = gtk_drop_down_get_selected_item (self->table_switcher);

  if (item != NULL)
    g_signal_emit (self, signals[SIGNAL_SWITCH_TABLE], 0, gtk_string_object_get_string (item));
}

void
cs_mapping_tables_pane_set_roles (CsMappingTablesPane *self,
                                  const char * const  *roles,
                                  const char          *current)
{
  g_autoptr(GtkStringList) list = gtk_string_list_new (roles);
  guint n = roles != NULL ? g_strv_length ((char **) roles) : 0;

  g_return_if_fail (CS_IS_MAPPING_TABLES_PANE (self));

  g_signal_handlers_block_by_func (self->table_switcher, on_switcher_selected, self);
  gtk_drop_down_set_model (self->table_switcher, G_LIST_MODEL (list));
  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (roles[i], current) == 0)
      gtk_drop_down_set_selected (self->table_switcher, i);
  g_signal_handlers_unblock_by_func (self->table_switcher, on_switcher_selected, self);
  gtk_widget_set_visible (GTK_WIDGET (self->table_switcher), n > 1);
}

GtkDropDown *
cs_mapping_tables_pane_get_table_switcher (CsMappingTablesPane *self)
{
  return self->table_switcher;
}

void
cs_mapping_tables_pane_set_message (CsMappingTablesPane *self,
                                    const char          *message)
{
  g_return_if_fail (CS_IS_MAPPING_TABLES_PANE (self));

  gtk_label_set_label (self->table_label, message);
}

guint
cs_mapping_tables_pane_get_selected_row (CsMappingTablesPane *self)
{
  g_autoptr(GtkBitset) selected = NULL;

  g_return_val_if_fail (CS_IS_MAPPING_TABLES_PANE (self), GTK_INVALID_LIST_POSITION);

  selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->rows_selection));
  return gtk_bitset_is_empty (selected) ? GTK_INVALID_LIST_POSITION : gtk_bitset_get_minimum (selected);
}

/* Scrolls a column view's list to a row (GTK 4.8 has no scroll_to). */
static void
scroll_to_row (GtkColumnView *view,
               guint          row)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (view)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_VIEW (child))
      gtk_widget_activate_action (child, "list.scroll-to-item", "u", row);
}

void
cs_mapping_tables_pane_set_selected_row (CsMappingTablesPane *self,
                                         guint                row)
{
  g_return_if_fail (CS_IS_MAPPING_TABLES_PANE (self));

  if (row == GTK_INVALID_LIST_POSITION)
    {
      gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (self->rows_selection));
      return;
    }
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->rows_selection), row, TRUE);
  scroll_to_row (self->rows_view, row);
}

GArray *
cs_mapping_tables_pane_get_selected_rows (CsMappingTablesPane *self,
                                          guint                max_rows)
{
  g_autoptr(GtkBitset) selected = NULL;
  GArray *rows = g_array_new (FALSE, FALSE, sizeof (guint));
  GtkBitsetIter iter;
  guint row;

  g_return_val_if_fail (CS_IS_MAPPING_TABLES_PANE (self), rows);

  selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->rows_selection));
  for (gboolean more = gtk_bitset_iter_init_first (&iter, selected, &row); more && rows->len < max_rows;
       more = gtk_bitset_iter_next (&iter, &row))
    g_array_append_val (rows, row);
  return rows;
}

void
cs_mapping_tables_pane_select_rows (CsMappingTablesPane *self,
                                    guint                first,
                                    guint                n_rows)
{
  g_return_if_fail (CS_IS_MAPPING_TABLES_PANE (self));

  gtk_selection_model_select_range (GTK_SELECTION_MODEL (self->rows_selection), first, n_rows, TRUE);
}

guint
cs_mapping_tables_pane_get_selected_column (CsMappingTablesPane *self)
{
  g_return_val_if_fail (CS_IS_MAPPING_TABLES_PANE (self), GTK_INVALID_LIST_POSITION);

  return gtk_single_selection_get_selected (self->columns_selection);
}

void
cs_mapping_tables_pane_set_selected_column (CsMappingTablesPane *self,
                                            guint                column)
{
  g_return_if_fail (CS_IS_MAPPING_TABLES_PANE (self));

  gtk_single_selection_set_selected (self->columns_selection, column);
}

int
cs_mapping_tables_pane_find_column (CsMappingTablesPane *self,
                                    const char          *name)
{
  g_return_val_if_fail (CS_IS_MAPPING_TABLES_PANE (self), -1);

  for (guint i = 0; self->table != NULL && i < cs_csv_profile_get_n_columns (self->table->profile); i++)
    if (g_str_equal (cs_csv_profile_get_column (self->table->profile, i)->name, name))
      return (int) i;
  return -1;
}

void
cs_mapping_tables_pane_show_tab (CsMappingTablesPane *self,
                                 const char          *name)
{
  g_return_if_fail (CS_IS_MAPPING_TABLES_PANE (self));

  gtk_stack_set_visible_child_name (self->table_stack, name);
}

const char *
cs_mapping_tables_pane_get_tab (CsMappingTablesPane *self)
{
  g_return_val_if_fail (CS_IS_MAPPING_TABLES_PANE (self), NULL);

  return gtk_stack_get_visible_child_name (self->table_stack);
}

GtkWidget *
cs_mapping_tables_pane_get_rows_view (CsMappingTablesPane *self)
{
  g_return_val_if_fail (CS_IS_MAPPING_TABLES_PANE (self), NULL);

  return GTK_WIDGET (self->rows_view);
}

CsMappingValueMapsPane *
cs_mapping_tables_pane_get_value_maps (CsMappingTablesPane *self)
{
  g_return_val_if_fail (CS_IS_MAPPING_TABLES_PANE (self), NULL);

  return self->value_maps;
}

CsMappingProblemsPane *
cs_mapping_tables_pane_get_problems (CsMappingTablesPane *self)
{
  g_return_val_if_fail (CS_IS_MAPPING_TABLES_PANE (self), NULL);

  return self->problems;
}

/* ------------------------------------------------------------------ */
/* GObject                                                             */

static void
on_row_selected (CsMappingTablesPane *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_ROW]);
}

static void
on_column_selected (CsMappingTablesPane *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_COLUMN]);
}

static void
cs_mapping_tables_pane_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  CsMappingTablesPane *self = CS_MAPPING_TABLES_PANE (object);

  switch (prop_id)
    {
    case PROP_SELECTED_ROW:
      g_value_set_uint (value, cs_mapping_tables_pane_get_selected_row (self));
      break;
    case PROP_SELECTED_COLUMN:
      g_value_set_uint (value, cs_mapping_tables_pane_get_selected_column (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_mapping_tables_pane_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  CsMappingTablesPane *self = CS_MAPPING_TABLES_PANE (object);

  switch (prop_id)
    {
    case PROP_SELECTED_ROW:
      cs_mapping_tables_pane_set_selected_row (self, g_value_get_uint (value));
      break;
    case PROP_SELECTED_COLUMN:
      cs_mapping_tables_pane_set_selected_column (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_mapping_tables_pane_dispose (GObject *object)
{
  CsMappingTablesPane *self = CS_MAPPING_TABLES_PANE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CS_TYPE_MAPPING_TABLES_PANE);
  g_clear_object (&self->rows_model);
  g_clear_object (&self->rows_selection);
  g_clear_object (&self->columns_selection);
  self->table = NULL;
  G_OBJECT_CLASS (cs_mapping_tables_pane_parent_class)->dispose (object);
}

static void
cs_mapping_tables_pane_finalize (GObject *object)
{
  CsMappingTablesPane *self = CS_MAPPING_TABLES_PANE (object);

  g_clear_pointer (&self->marks, g_hash_table_unref);
  g_clear_pointer (&self->bound, g_hash_table_unref);
  G_OBJECT_CLASS (cs_mapping_tables_pane_parent_class)->finalize (object);
}

static void
cs_mapping_tables_pane_class_init (CsMappingTablesPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = cs_mapping_tables_pane_get_property;
  object_class->set_property = cs_mapping_tables_pane_set_property;
  object_class->dispose = cs_mapping_tables_pane_dispose;
  object_class->finalize = cs_mapping_tables_pane_finalize;

  properties[PROP_SELECTED_ROW] =
    g_param_spec_uint ("selected-row", NULL, NULL, 0, G_MAXUINT, GTK_INVALID_LIST_POSITION,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SELECTED_COLUMN] =
    g_param_spec_uint ("selected-column", NULL, NULL, 0, G_MAXUINT, GTK_INVALID_LIST_POSITION,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* the user chose another input table in the switcher (its role) */
  signals[SIGNAL_SWITCH_TABLE] =
    g_signal_new ("switch-table", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (CS_TYPE_MAPPING_VALUE_MAPS_PANE);
  g_type_ensure (CS_TYPE_MAPPING_PROBLEMS_PANE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/cohortscope/Cohortscope/cs-mapping-tables-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, CsMappingTablesPane, table_switcher);
  gtk_widget_class_bind_template_child (widget_class, CsMappingTablesPane, table_label);
  gtk_widget_class_bind_template_child (widget_class, CsMappingTablesPane, table_stack);
  gtk_widget_class_bind_template_child (widget_class, CsMappingTablesPane, columns_view);
  gtk_widget_class_bind_template_child (widget_class, CsMappingTablesPane, rows_view);
  gtk_widget_class_bind_template_child (widget_class, CsMappingTablesPane, value_maps);
  gtk_widget_class_bind_template_child (widget_class, CsMappingTablesPane, problems);
}

static void
cs_mapping_tables_pane_init (CsMappingTablesPane *self)
{
  static const struct { const char *title; ProfileColumn kind; gboolean expand; } profile_columns[] = {
    { N_("Column"), COL_NAME, FALSE },
    { N_("Type"), COL_TYPE, FALSE },
    { N_("Missing"), COL_MISSING, FALSE },
    { N_("Distinct"), COL_DISTINCT, FALSE },
    { N_("Suggested as"), COL_ROLE, FALSE },
    { N_("Sample"), COL_SAMPLE, TRUE },
  };

  self->marks = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, mark_free);
  self->bound = g_hash_table_new (NULL, NULL);
  gtk_widget_init_template (GTK_WIDGET (self));
  cs_gui_list_tab_leaves (GTK_WIDGET (self->columns_view));
  cs_gui_list_tab_leaves (GTK_WIDGET (self->rows_view));
  g_signal_connect_swapped (self->table_switcher, "notify::selected", G_CALLBACK (on_switcher_selected), self);

  /* the column profile */
  self->columns_selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->columns_selection, FALSE);
  gtk_single_selection_set_can_unselect (self->columns_selection, TRUE);
  gtk_column_view_set_model (self->columns_view, GTK_SELECTION_MODEL (self->columns_selection));
  for (guint i = 0; i < G_N_ELEMENTS (profile_columns); i++)
    {
      GtkColumnViewColumn *column = make_column (self, _(profile_columns[i].title), G_CALLBACK (bind_profile_cell),
                                                 "kind", profile_columns[i].kind, profile_columns[i].expand);

      gtk_column_view_append_column (self->columns_view, column);
      g_object_unref (column);
    }
  g_signal_connect_object (self->columns_selection, "notify::selected", G_CALLBACK (on_column_selected), self,
                           G_CONNECT_SWAPPED);

  /* the rows */
  self->rows_model = cs_mapping_row_model_new ();
  self->rows_selection = gtk_multi_selection_new (G_LIST_MODEL (g_object_ref (self->rows_model)));
  gtk_column_view_set_model (self->rows_view, GTK_SELECTION_MODEL (self->rows_selection));
  g_signal_connect_object (self->rows_selection, "selection-changed", G_CALLBACK (on_row_selected), self,
                           G_CONNECT_SWAPPED);
}
