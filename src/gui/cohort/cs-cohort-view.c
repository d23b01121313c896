/* cs-cohort-view.c
 *
 * The table is a GtkColumnView over CsPatientListModel (row objects made on
 * demand), which also sorts: when the column view's sorter changes, the view
 * works out the primary column and direction and the model orders an index
 * array once with qsort over that column's values (one items-changed). The
 * GtkSortListModel in between has no sorter and passes everything through;
 * the column sorters exist for the header arrows and the probes. Columns are
 * added and removed as the user ticks variables in the list on the left;
 * only shown variables have a column, so a store with hundreds of radiomics
 * features costs nothing until they are asked for.
 *
 * Missing values sort last in both directions. GTK 4.8 has no API to read a
 * GtkColumnViewSorter's primary column or direction, so the view asks the
 * sorter itself: every column sorter orders two "probe" rows (rows without a
 * store) low < high and notes that it was asked; the view sorter only asks
 * its primary column (the probes never tie), and its verdict on (low, high)
 * tells whether that column is inverted.
 *
 * Cells are one GtkInscription each. GTK 4.8 makes new cell widgets for the
 * rows a scrollbar jump or a sort brings into view, so a bind must be cheap:
 * the text is formatted into a stack buffer and set only when it changed,
 * and there is no unbind handler (clearing the text of a cell about to be
 * destroyed cost more than binding it: GtkInscription updates its
 * accessible label and Pango layout on every set_text).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "cs-cohort-view.h"
#include "cs-gui-util.h"
#include "cs-patient-detail.h"
#include "cs-patient-list-model.h"
#include "cs-saved-servers.h"
#include "cs-ucum-display.h"
#include "cs-variable-item.h"

#define COLUMN_INDEX_KEY "cs-variable-index"

struct _CsCohortView
{
  GtkWidget           parent_instance;

  /* Template */
  GtkPaned           *paned;
  GtkLabel           *variable_count_label;
  GtkSearchEntry     *variable_search;
  GtkStack           *variable_stack;
  GtkListView        *variable_list;
  GtkLabel           *count_label;
  GtkLabel           *summary_label;
  GtkColumnView      *patient_table;

  CsStore            *store;
  CsPatientListModel *patients;
  GtkSortListModel   *sorted;
  GListStore         *variables;
  GtkCustomFilter    *variable_filter;
  GtkFilterListModel *filtered_variables;
  GSettings          *settings;
  char               *needle;
  CsPatientRow       *probe_low;
  CsPatientRow       *probe_high;
  gpointer            probe_column;  /* ColumnData of the column sorter the probe reached */
  gpointer            sort_column;   /* ColumnData the model is sorted by, NULL: store order */

  GtkWidget          *row_menu;      /* a patient row's context menu */

  guint               sort_descending : 1;
  guint               restoring : 1;
};

G_DEFINE_FINAL_TYPE (CsCohortView, cs_cohort_view, GTK_TYPE_WIDGET)

typedef struct
{
  CsCohortView *view;   /* unowned: columns never outlive the view */
  CsVariable   *var;    /* NULL for the patient id column */
  gint32       *rank;   /* CATEGORICAL: sort rank of each level */
} ColumnData;

static void
column_data_clear (gpointer data)
{
  ColumnData *cd = data;

  g_clear_pointer (&cd->rank, g_free);
}

static void
column_data_unref (gpointer data)
{
  g_rc_box_release_full (data, column_data_clear);
}

static void
column_data_closure_notify (gpointer  data,
                            GClosure *closure)
{
  column_data_unref (data);
}

static int
compare_rows (gconstpointer a,
              gconstpointer b,
              gpointer      user_data)
{
  ColumnData *cd = user_data;
  CsPatientRow *row_a = (CsPatientRow *)a;
  CsPatientRow *row_b = (CsPatientRow *)b;
  CsStore *store = cs_patient_row_get_store (row_a);
  guint ia = cs_patient_row_get_row (row_a);
  guint ib = cs_patient_row_get_row (row_b);
  GtkOrdering missing_a;
  const CsVariable *var = cd->var;

  /* Probe rows, see the comment at the top */
  if (store == NULL || cs_patient_row_get_store (row_b) == NULL)
    {
      cd->view->probe_column = cd;
      return ia < ib ? GTK_ORDERING_SMALLER : ia > ib ? GTK_ORDERING_LARGER : GTK_ORDERING_EQUAL;
    }

  if (var == NULL)
    return gtk_ordering_from_cmpfunc (cs_patient_id_compare (cs_store_get_patient_id (store, ia),
                                                             cs_store_get_patient_id (store, ib)));

  /* The order of "a missing, b present" so that missing values end up last
   * whichever way the column is sorted. */
  missing_a = cd->view->sort_descending ? GTK_ORDERING_SMALLER : GTK_ORDERING_LARGER;

  if (var->type == CS_VARIABLE_CATEGORICAL)
    {
      gint32 la = var->cat[ia];
      gint32 lb = var->cat[ib];

      if (la < 0 || lb < 0)
        return la < 0 && lb < 0 ? GTK_ORDERING_EQUAL : la < 0 ? missing_a : -missing_a;

      return gtk_ordering_from_cmpfunc (cd->rank[la] - cd->rank[lb]);
    }
  else
    {
      double va = var->num[ia];
      double vb = var->num[ib];
      gboolean na = isnan (va);
      gboolean nb = isnan (vb);

      if (na || nb)
        return na && nb ? GTK_ORDERING_EQUAL : na ? missing_a : -missing_a;
      if (va < vb)
        return GTK_ORDERING_SMALLER;
      if (va > vb)
        return GTK_ORDERING_LARGER;
      if (var->type == CS_VARIABLE_SURVIVAL && var->event != NULL)
        return gtk_ordering_from_cmpfunc ((int)var->event[ib] - (int)var->event[ia]);
      return GTK_ORDERING_EQUAL;
    }
}

static int
compare_levels (gconstpointer a,
                gconstpointer b,
                gpointer      user_data)
{
  const CsVariable *var = user_data;
  const CsLevel *la = g_ptr_array_index (var->levels, *(const guint *)a);
  const CsLevel *lb = g_ptr_array_index (var->levels, *(const guint *)b);
  const char *sa = la->display != NULL ? la->display : la->code;
  const char *sb = lb->display != NULL ? lb->display : lb->code;

  return g_utf8_collate (sa != NULL ? sa : "", sb != NULL ? sb : "");
}

static gboolean
variable_is_numeric (const CsVariable *var)
{
  return var != NULL
         && (var->type == CS_VARIABLE_NUMERIC || var->type == CS_VARIABLE_SURVIVAL);
}

static void
cell_setup (GtkSignalListItemFactory *factory,
            GtkListItem              *list_item,
            ColumnData               *cd)
{
  GtkWidget *inscription = gtk_inscription_new (NULL);

  gtk_inscription_set_min_chars (GTK_INSCRIPTION (inscription), 4);
  gtk_inscription_set_nat_chars (GTK_INSCRIPTION (inscription), 10);
  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (inscription),
                                     GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  if (variable_is_numeric (cd->var))
    gtk_inscription_set_xalign (GTK_INSCRIPTION (inscription), 1.0);

  gtk_list_item_set_child (list_item, inscription);
}

/* Which store row a cell shows (+1; 0: none), for the context menu: a
 * quark is cheap enough for a bind */
static GQuark row_quark;

static void
cell_bind (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           ColumnData               *cd)
{
  GtkInscription *inscription = (GtkInscription *)gtk_list_item_get_child (list_item);
  CsPatientRow *row = gtk_list_item_get_item (list_item);
  guint index = cs_patient_row_get_row (row);
  const char *old_text = gtk_inscription_get_text (inscription);
  const char *text;
  char buf[256];

  if (cd->var == NULL)
    text = cs_store_get_patient_id (cs_patient_row_get_store (row), index);
  else
    {
      cs_gui_format_cell (cd->var, index, buf, sizeof buf);
      text = buf;
    }

  g_object_set_qdata (G_OBJECT (inscription), row_quark, GUINT_TO_POINTER (index + 1));
  /* A new cell has no text, an empty cell "" */
  if (old_text == NULL ? (text != NULL && text[0] != '\0') : g_strcmp0 (old_text, text) != 0)
    gtk_inscription_set_text (inscription, text);
}

static int
estimate_column_width (const CsVariable *var,
                       const char       *title)
{
  guint title_chars = MIN (g_utf8_strlen (title, -1), 20);
  guint content_chars = 10;

  if (var == NULL)
    return 140;

  switch (var->type)
    {
    case CS_VARIABLE_CATEGORICAL:
      content_chars = 4;
      for (guint i = 0; var->levels != NULL && i < var->levels->len; i++)
        {
          const CsLevel *level = g_ptr_array_index (var->levels, i);
          const char *text = level->display != NULL ? level->display : level->code;

          if (text != NULL)
            content_chars = MAX (content_chars, g_utf8_strlen (text, -1));
        }
      content_chars = MIN (content_chars, 26);
      break;

    case CS_VARIABLE_BOOLEAN:
      content_chars = 4;
      break;

    case CS_VARIABLE_DATE:
      content_chars = 10;
      break;

    case CS_VARIABLE_NUMERIC:
    case CS_VARIABLE_SURVIVAL:
    default:
      content_chars = 9;
      break;
    }

  /* About 7.5 px a character at the default font, plus cell padding and
   * the sort arrow. */
  return CLAMP ((int)(MAX (content_chars, title_chars) * 7.5) + 32, 80, 320);
}

static GtkColumnViewColumn *
create_column (CsCohortView *self,
               CsVariable   *var,
               guint         index)
{
  g_autoptr(GtkSorter) sorter = NULL;
  g_autofree char *title = NULL;
  GtkListItemFactory *factory;
  GtkColumnViewColumn *column;
  ColumnData *cd;
  int width;

  cd = g_rc_box_new0 (ColumnData);
  cd->view = self;
  cd->var = var;

  if (var != NULL && var->type == CS_VARIABLE_CATEGORICAL && var->levels != NULL)
    {
      g_autofree guint *order = g_new (guint, var->levels->len + 1);

      cd->rank = g_new0 (gint32, var->levels->len + 1);
      for (guint i = 0; i < var->levels->len; i++)
        order[i] = i;
      g_qsort_with_data (order, var->levels->len, sizeof (guint), compare_levels, var);
      for (guint i = 0; i < var->levels->len; i++)
        cd->rank[order[i]] = i;
    }

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect_data (factory, "setup", G_CALLBACK (cell_setup),
                         g_rc_box_acquire (cd), column_data_closure_notify, 0);
  g_signal_connect (factory, "bind", G_CALLBACK (cell_bind), cd);

  sorter = GTK_SORTER (gtk_custom_sorter_new (compare_rows, g_rc_box_acquire (cd), column_data_unref));

  title = var != NULL ? cs_gui_variable_title (var) : g_strdup (_("Patient"));
  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_sorter (column, sorter);
  gtk_column_view_column_set_resizable (column, TRUE);

  /* Fixed widths keep scrolling smooth: cells need not be measured. */
  width = estimate_column_width (var, title);
  gtk_column_view_column_set_fixed_width (column, width);

  g_object_set_data (G_OBJECT (column), COLUMN_INDEX_KEY, GUINT_TO_POINTER (var != NULL ? index + 1 : 0));

  column_data_unref (cd);

  return column;
}

static GtkColumnViewColumn *
find_column (CsCohortView *self,
             guint         index)
{
  GListModel *columns = gtk_column_view_get_columns (self->patient_table);
  guint n = g_list_model_get_n_items (columns);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      guint ci = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (column), COLUMN_INDEX_KEY));

      if (ci == index + 1)
        return column;
    }

  return NULL;
}

static void
add_column (CsCohortView *self,
            guint         index)
{
  g_autoptr(GtkColumnViewColumn) column = NULL;
  GListModel *columns;
  guint n, position;

  if (find_column (self, index) != NULL)
    return;

  columns = gtk_column_view_get_columns (self->patient_table);
  n = g_list_model_get_n_items (columns);
  position = n;

  /* Keep the store's variable order for columns the user has not moved. */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkColumnViewColumn) other = g_list_model_get_item (columns, i);
      guint ci = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (other), COLUMN_INDEX_KEY));

      if (ci > 0 && ci - 1 > index)
        {
          position = i;
          break;
        }
    }

  column = create_column (self, cs_store_get_variable (self->store, index), index);
  gtk_column_view_insert_column (self->patient_table, position, column);
}

static void
remove_column (CsCohortView *self,
               guint         index)
{
  GtkColumnViewColumn *column = find_column (self, index);

  if (column != NULL)
    gtk_column_view_remove_column (self->patient_table, column);
}

char **
cs_cohort_view_dup_column_keys (CsCohortView *self)
{
  g_autoptr(GStrvBuilder) builder = NULL;
  GListModel *columns;
  guint n;

  g_return_val_if_fail (CS_IS_COHORT_VIEW (self), NULL);

  builder = g_strv_builder_new ();
  columns = gtk_column_view_get_columns (self->patient_table);
  n = g_list_model_get_n_items (columns);

  for (guint i = 0; self->store != NULL && i < n; i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      guint ci = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (column), COLUMN_INDEX_KEY));

      if (ci > 0)
        g_strv_builder_add (builder, cs_store_get_variable (self->store, ci - 1)->key);
    }

  return g_strv_builder_end (builder);
}

static void
save_columns (CsCohortView *self)
{
  g_auto(GStrv) keys = NULL;

  if (self->settings == NULL || self->restoring || self->store == NULL)
    return;

  keys = cs_cohort_view_dup_column_keys (self);
  g_settings_set_strv (self->settings, "table-columns", (const char * const *)keys);
}

static void
on_variable_shown_changed (CsVariableItem *item,
                           GParamSpec     *pspec,
                           CsCohortView   *self)
{
  guint index = cs_variable_item_get_index (item);

  if (cs_variable_item_get_shown (item))
    add_column (self, index);
  else
    remove_column (self, index);

  save_columns (self);
}

static void
show_default_columns (CsCohortView *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->variables));
  guint n_condition = 0, n_observation = 0, n_survival = 0, n_radiomics = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CsVariableItem) item = g_list_model_get_item (G_LIST_MODEL (self->variables), i);
      const CsVariable *var = cs_variable_item_get_variable (item);
      const char *group = var->group != NULL ? var->group : "";
      gboolean show = FALSE;

      if (g_str_equal (group, "Patient"))
        show = g_strcmp0 (var->key, "gender") == 0 || g_strcmp0 (var->key, "birth_date") == 0;
      else if (!cs_gui_variable_is_informative (var))
        show = FALSE;
      else if (g_str_equal (group, "Condition"))
        show = n_condition++ < 2;
      else if (g_str_equal (group, "Observation"))
        show = n_observation++ < 3;
      else if (g_str_equal (group, "Survival"))
        show = n_survival++ < 1;
      else if (g_str_equal (group, "Radiomics"))
        show = n_radiomics++ < 1;

      if (show)
        cs_variable_item_set_shown (item, TRUE);
    }
}

static void
restore_columns (CsCohortView *self)
{
  g_auto(GStrv) keys = NULL;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->variables));
  gboolean any = FALSE;

  self->restoring = TRUE;

  if (self->settings != NULL)
    keys = g_settings_get_strv (self->settings, "table-columns");

  for (guint i = 0; keys != NULL && i < n; i++)
    {
      g_autoptr(CsVariableItem) item = g_list_model_get_item (G_LIST_MODEL (self->variables), i);

      if (g_strv_contains ((const char * const *)keys, cs_variable_item_get_variable (item)->key))
        {
          cs_variable_item_set_shown (item, TRUE);
          any = TRUE;
        }
    }

  if (!any)
    show_default_columns (self);

  self->restoring = FALSE;
}

static void
update_labels (CsCohortView *self)
{
  guint n_total = cs_patient_list_model_get_n_total (self->patients);
  guint n_shown = g_list_model_get_n_items (G_LIST_MODEL (self->patients));
  guint n_variables = g_list_model_get_n_items (G_LIST_MODEL (self->variables));
  guint n_matching = g_list_model_get_n_items (G_LIST_MODEL (self->filtered_variables));
  g_autofree char *shown_str = cs_gui_format_count (n_shown);
  g_autofree char *total_str = cs_gui_format_count (n_total);
  g_autofree char *count = NULL;
  g_autofree char *variables_str = cs_gui_format_count (n_variables);
  g_autofree char *matching_str = cs_gui_format_count (n_matching);
  g_autofree char *variable_count = NULL;
  g_autofree char *summary = NULL;

  /* Translators: "400 of 400 patients"; the numbers are already formatted */
  count = g_strdup_printf (ngettext ("%s of %s patient", "%s of %s patients", n_total),
                           shown_str, total_str);
  gtk_label_set_text (self->count_label, count);

  if (self->store != NULL)
    {
      guint n_resources = cs_store_get_n_resources (self->store);
      g_autofree char *resources_str = cs_gui_format_count (n_resources);
      g_autofree char *variables_part = NULL;
      g_autofree char *resources_part = NULL;

      /* Translators: part of "215 variables · 52,000 resources" */
      variables_part = g_strdup_printf (ngettext ("%s variable", "%s variables", n_variables), variables_str);
      resources_part = g_strdup_printf (ngettext ("%s resource", "%s resources", n_resources), resources_str);
      summary = g_strdup_printf ("%s · %s", variables_part, resources_part);
    }
  gtk_label_set_text (self->summary_label, summary != NULL ? summary : "");

  if (n_matching != n_variables)
    /* Translators: shown variables of all variables, e.g. "12 of 215" */
    variable_count = g_strdup_printf (_("%s of %s"), matching_str, variables_str);
  else
    variable_count = g_strdup (variables_str);
  gtk_label_set_text (self->variable_count_label, variable_count);

  gtk_stack_set_visible_child_name (self->variable_stack,
                                    n_matching == 0 && n_variables > 0 ? "no-match" : "list");
}

static gboolean
variable_filter_func (gpointer item,
                      gpointer user_data)
{
  CsCohortView *self = user_data;

  return cs_variable_item_matches (item, self->needle);
}

static void
on_search_changed (CsCohortView   *self,
                   GtkSearchEntry *entry)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  g_autofree char *stripped = g_strstrip (g_strdup (text));

  g_clear_pointer (&self->needle, g_free);
  if (stripped[0] != '\0')
    self->needle = g_utf8_casefold (stripped, -1);

  gtk_filter_changed (GTK_FILTER (self->variable_filter), GTK_FILTER_CHANGE_DIFFERENT);
  update_labels (self);
}

static void
on_stop_search (CsCohortView   *self,
                GtkSearchEntry *entry)
{
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
}

/* Variable list rows */

typedef struct
{
  GtkCheckButton *check;
  GtkLabel       *label;
  GtkLabel       *type;
  GtkLabel       *key;
  GtkLabel       *coverage;
  GtkLevelBar    *bar;
} VariableRow;

static GtkLabel *
add_label (GtkWidget  *box,
           float       xalign,
           const char *css_class,
           const char *css_class2)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), xalign);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  if (css_class2 != NULL)
    gtk_widget_add_css_class (label, css_class2);
  gtk_box_append (GTK_BOX (box), label);

  return GTK_LABEL (label);
}

static void
variable_row_setup (GtkSignalListItemFactory *factory,
                    GtkListItem              *list_item,
                    gpointer                  user_data)
{
  VariableRow *row = g_new0 (VariableRow, 1);
  GtkWidget *box, *text_box, *line, *coverage_box;

  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
  row->check = GTK_CHECK_BUTTON (gtk_check_button_new ());
  gtk_widget_set_valign (GTK_WIDGET (row->check), GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (GTK_WIDGET (row->check), _("Show as a column of the patient table"));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (row->check));

  /* The label on the first line; key and type on the second */
  text_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_hexpand (text_box, TRUE);
  gtk_widget_set_valign (text_box, GTK_ALIGN_CENTER);
  row->label = add_label (text_box, 0, NULL, NULL);
  gtk_label_set_ellipsize (row->label, PANGO_ELLIPSIZE_MIDDLE);
  line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  row->key = add_label (line, 0, "dim-label", "cs-variable-key");
  gtk_label_set_ellipsize (row->key, PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_set_hexpand (GTK_WIDGET (row->key), TRUE);
  row->type = add_label (line, 1, "dim-label", "caption");
  gtk_box_append (GTK_BOX (text_box), line);
  gtk_box_append (GTK_BOX (box), text_box);

  coverage_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  gtk_widget_set_valign (coverage_box, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (coverage_box, "cs-coverage");
  row->coverage = add_label (coverage_box, 1, "dim-label", "caption");
  gtk_widget_add_css_class (GTK_WIDGET (row->coverage), "numeric");
  row->bar = GTK_LEVEL_BAR (gtk_level_bar_new_for_interval (0, 1));
  gtk_level_bar_remove_offset_value (row->bar, GTK_LEVEL_BAR_OFFSET_LOW);
  gtk_level_bar_remove_offset_value (row->bar, GTK_LEVEL_BAR_OFFSET_HIGH);
  gtk_level_bar_remove_offset_value (row->bar, GTK_LEVEL_BAR_OFFSET_FULL);
  gtk_box_append (GTK_BOX (coverage_box), GTK_WIDGET (row->bar));
  gtk_box_append (GTK_BOX (box), coverage_box);

  g_object_set_data_full (G_OBJECT (list_item), "cs-variable-row", row, g_free);
  gtk_list_item_set_child (list_item, box);
}

static void
variable_row_bind (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   gpointer                  user_data)
{
  VariableRow *row = g_object_get_data (G_OBJECT (list_item), "cs-variable-row");
  CsVariableItem *item = gtk_list_item_get_item (list_item);
  const CsVariable *var = cs_variable_item_get_variable (item);
  g_autofree char *n_str = cs_gui_format_count (var->n);
  g_autofree char *m_str = cs_gui_format_count (var->n_rows);
  g_autofree char *coverage = NULL;
  g_autofree char *type_text = NULL;
  g_autofree char *check_label = NULL;
  g_autofree char *codes = NULL;
  g_autofree char *unit = NULL;
  GBinding *binding;
  const char *type = cs_variable_type_to_label (var->type);

  gtk_label_set_text (row->label, var->label != NULL ? var->label : var->key);

  unit = cs_ucum_display (var->unit);
  if (*unit != '\0')
    type_text = g_strdup_printf ("%s · %s", type, unit);
  else
    type_text = g_strdup (type);
  gtk_label_set_text (row->type, type_text);
  gtk_label_set_text (row->key, var->key);

  /* Translators: coverage of a variable, e.g. "398 of 400" patients */
  coverage = g_strdup_printf (_("%s of %s"), n_str, m_str);
  gtk_label_set_text (row->coverage, coverage);
  gtk_level_bar_set_value (row->bar, var->n_rows > 0 ? (double)var->n / var->n_rows : 0);

  /* the full label, key, codes and unit (a long label is ellipsised in the middle) */
  codes = cs_variable_describe (var);
  gtk_widget_set_tooltip_text (gtk_list_item_get_child (list_item), codes);

  check_label = g_strdup_printf (_("Show “%s” in the table"), var->label != NULL ? var->label : var->key);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row->check),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, check_label,
                                  -1);

  binding = g_object_bind_property (item, "shown", row->check, "active",
                                    G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_set_data (G_OBJECT (list_item), "cs-binding", binding);
}

static void
variable_row_unbind (GtkSignalListItemFactory *factory,
                     GtkListItem              *list_item,
                     gpointer                  user_data)
{
  GBinding *binding = g_object_steal_data (G_OBJECT (list_item), "cs-binding");

  if (binding != NULL)
    g_binding_unbind (binding);
}

static void
on_variable_activate (CsCohortView *self,
                      guint         position,
                      GtkListView  *list_view)
{
  g_autoptr(CsVariableItem) item = g_list_model_get_item (G_LIST_MODEL (self->filtered_variables), position);

  if (item != NULL)
    cs_variable_item_set_shown (item, !cs_variable_item_get_shown (item));
}

/* The patient model's row objects stand for positions (see
 * cs-patient-list-model.h), so the selection would stay on a position while
 * another patient moves there: keep it on the patient instead. Unselecting
 * first also spares GtkSingleSelection a search for its item. */
static guint
take_selected_patient_row (CsCohortView *self)
{
  GtkSingleSelection *model = GTK_SINGLE_SELECTION (gtk_column_view_get_model (self->patient_table));
  CsPatientRow *row = gtk_single_selection_get_selected_item (model);
  guint index = row != NULL ? cs_patient_row_get_row (row) : G_MAXUINT;

  if (row != NULL)
    gtk_single_selection_set_selected (model, GTK_INVALID_LIST_POSITION);

  return index;
}

static void
select_patient_row (CsCohortView *self,
                    guint         row)
{
  GtkSelectionModel *model = gtk_column_view_get_model (self->patient_table);
  guint position = row != G_MAXUINT ? cs_patient_list_model_find_row (self->patients, row) : G_MAXUINT;

  gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (model),
                                     position != G_MAXUINT ? position : GTK_INVALID_LIST_POSITION);
}

static void
on_table_sorter_changed (GtkSorter       *sorter,
                         GtkSorterChange  change,
                         CsCohortView    *self)
{
  guint selected_row;
  GtkOrdering ordering;
  ColumnData *cd;
  gboolean descending;

  /* The columns go away with the template in dispose */
  if (self->patient_table == NULL)
    return;

  /* See the comment at the top */
  self->probe_column = NULL;
  ordering = gtk_sorter_compare (sorter, self->probe_low, self->probe_high);
  cd = ordering != GTK_ORDERING_EQUAL ? self->probe_column : NULL;
  descending = ordering == GTK_ORDERING_LARGER;

  /* Removing a column the table is not sorted by changes nothing */
  if (cd == self->sort_column && descending == self->sort_descending)
    return;

  self->sort_column = cd;
  self->sort_descending = descending;
  selected_row = take_selected_patient_row (self);

  if (cd == NULL)
    cs_patient_list_model_sort (self->patients, CS_PATIENT_SORT_NONE, NULL, NULL, FALSE);
  else if (cd->var == NULL)
    cs_patient_list_model_sort (self->patients, CS_PATIENT_SORT_ID, NULL, NULL, descending);
  else
    cs_patient_list_model_sort (self->patients, CS_PATIENT_SORT_VARIABLE, cd->var, cd->rank, descending);

  select_patient_row (self, selected_row);
}

static void
on_table_activate (CsCohortView  *self,
                   guint          position,
                   GtkColumnView *column_view)
{
  cs_cohort_view_open_patient (self, position);
}

static void
reset_columns_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  CsCohortView *self = CS_COHORT_VIEW (widget);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->variables));

  self->restoring = TRUE;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CsVariableItem) item = g_list_model_get_item (G_LIST_MODEL (self->variables), i);

      cs_variable_item_set_shown (item, FALSE);
    }
  show_default_columns (self);
  self->restoring = FALSE;

  if (self->settings != NULL)
    g_settings_reset (self->settings, "table-columns");
}

/* cohort.open-patient-row / cohort.open-images (u: the store row) */
static void
open_row_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  cs_cohort_view_open_patient_row (CS_COHORT_VIEW (widget), g_variant_get_uint32 (parameter),
                                   g_str_equal (action_name, "cohort.open-images"));
}

/* A secondary click on a patient's row: Open Patient, Open Images */
static void
on_table_secondary_pressed (GtkGestureClick *gesture,
                            int              n_press,
                            double           x,
                            double           y,
                            CsCohortView    *self)
{
  GtkWidget *table = GTK_WIDGET (self->patient_table);
  GtkWidget *picked = gtk_widget_pick (table, x, y, GTK_PICK_DEFAULT);
  guint row = 0;
  double vx, vy;
  g_autoptr(GMenu) menu = NULL;
  g_autoptr(GMenuItem) patient = NULL, images = NULL;
  GdkRectangle at;

  for (GtkWidget *w = picked; w != NULL && w != table && row == 0; w = gtk_widget_get_parent (w))
    row = GPOINTER_TO_UINT (g_object_get_qdata (G_OBJECT (w), row_quark));
  if (row == 0 || !gtk_widget_translate_coordinates (table, GTK_WIDGET (self), x, y, &vx, &vy))
    return;
  menu = g_menu_new ();
  patient = g_menu_item_new (_("Open _Patient"), NULL);
  g_menu_item_set_action_and_target_value (patient, "cohort.open-patient-row", g_variant_new_uint32 (row - 1));
  images = g_menu_item_new (_("Open _Images"), NULL);
  g_menu_item_set_action_and_target_value (images, "cohort.open-images", g_variant_new_uint32 (row - 1));
  g_menu_append_item (menu, patient);
  g_menu_append_item (menu, images);
  gtk_popover_menu_set_menu_model (GTK_POPOVER_MENU (self->row_menu), G_MENU_MODEL (menu));
  at = (GdkRectangle) { (int) vx, (int) vy, 1, 1 };
  gtk_popover_set_pointing_to (GTK_POPOVER (self->row_menu), &at);
  gtk_popover_popup (GTK_POPOVER (self->row_menu));
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
cs_cohort_view_dispose (GObject *object)
{
  CsCohortView *self = (CsCohortView *)object;
  guint n = self->variables != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->variables)) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CsVariableItem) item = g_list_model_get_item (G_LIST_MODEL (self->variables), i);

      g_signal_handlers_disconnect_by_data (item, self);
    }

  if (self->sorted != NULL)
    gtk_sort_list_model_set_sorter (self->sorted, NULL);

  g_clear_pointer (&self->row_menu, gtk_widget_unparent);
  gtk_widget_dispose_template (GTK_WIDGET (self), CS_TYPE_COHORT_VIEW);

  g_clear_object (&self->sorted);
  g_clear_object (&self->patients);
  g_clear_object (&self->filtered_variables);
  g_clear_object (&self->variable_filter);
  g_clear_object (&self->variables);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_object (&self->probe_low);
  g_clear_object (&self->probe_high);
  g_clear_pointer (&self->needle, g_free);

  G_OBJECT_CLASS (cs_cohort_view_parent_class)->dispose (object);
}

static void
cs_cohort_view_class_init (CsCohortViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cs_cohort_view_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/cohortscope/Cohortscope/cs-cohort-view.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, CsCohortView, paned);
  gtk_widget_class_bind_template_child (widget_class, CsCohortView, variable_count_label);
  gtk_widget_class_bind_template_child (widget_class, CsCohortView, variable_search);
  gtk_widget_class_bind_template_child (widget_class, CsCohortView, variable_stack);
  gtk_widget_class_bind_template_child (widget_class, CsCohortView, variable_list);
  gtk_widget_class_bind_template_child (widget_class, CsCohortView, count_label);
  gtk_widget_class_bind_template_child (widget_class, CsCohortView, summary_label);
  gtk_widget_class_bind_template_child (widget_class, CsCohortView, patient_table);

  gtk_widget_class_install_action (widget_class, "cohort.reset-columns", NULL, reset_columns_action);
  gtk_widget_class_install_action (widget_class, "cohort.open-patient-row", "u", open_row_action);
  gtk_widget_class_install_action (widget_class, "cohort.open-images", "u", open_row_action);
  row_quark = g_quark_from_static_string ("cs-cohort-view-row");
}

static void
cs_cohort_view_init (CsCohortView *self)
{
  g_autoptr(GtkListItemFactory) variable_factory = NULL;
  g_autoptr(GtkColumnViewColumn) id_column = NULL;
  GtkSorter *table_sorter;
  GtkSingleSelection *selection;

  gtk_widget_init_template (GTK_WIDGET (self));
  cs_gui_list_tab_leaves (GTK_WIDGET (self->variable_list));
  cs_gui_list_tab_leaves (GTK_WIDGET (self->patient_table));

  self->settings = cs_gui_settings_new ();
  if (self->settings != NULL)
    g_settings_bind (self->settings, "sidebar-width", self->paned, "position", G_SETTINGS_BIND_DEFAULT);

  self->probe_low = cs_patient_row_new (NULL, 0);
  self->probe_high = cs_patient_row_new (NULL, 1);

  /* Variables */
  self->variables = g_list_store_new (CS_TYPE_VARIABLE_ITEM);
  self->variable_filter = gtk_custom_filter_new (variable_filter_func, self, NULL);
  self->filtered_variables = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->variables)),
                                                        g_object_ref (GTK_FILTER (self->variable_filter)));
  variable_factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (variable_factory, "setup", G_CALLBACK (variable_row_setup), NULL);
  g_signal_connect (variable_factory, "bind", G_CALLBACK (variable_row_bind), NULL);
  g_signal_connect (variable_factory, "unbind", G_CALLBACK (variable_row_unbind), NULL);
  gtk_list_view_set_factory (self->variable_list, variable_factory);
  gtk_list_view_set_model (self->variable_list,
                           GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->filtered_variables)))));
  g_signal_connect_object (self->variable_list, "activate", G_CALLBACK (on_variable_activate), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->variable_search, "search-changed", G_CALLBACK (on_search_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->variable_search, "stop-search", G_CALLBACK (on_stop_search), self, G_CONNECT_SWAPPED);

  /* Patients */
  self->patients = cs_patient_list_model_new ();
  table_sorter = gtk_column_view_get_sorter (self->patient_table);
  g_signal_connect_object (table_sorter, "changed", G_CALLBACK (on_table_sorter_changed), self, 0);
  /* No sorter: the patient model sorts itself (see the top). A
   * GtkSortListModel with a custom sorter made all 100,000 row objects and
   * compared them through three levels of sorters: 0.2–0.7 s a sort. */
  self->sorted = gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (self->patients)), NULL);
  selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->sorted)));
  gtk_single_selection_set_autoselect (selection, FALSE);
  gtk_single_selection_set_can_unselect (selection, TRUE);
  gtk_column_view_set_model (self->patient_table, GTK_SELECTION_MODEL (selection));
  g_object_unref (selection);
  g_signal_connect_object (self->patient_table, "activate", G_CALLBACK (on_table_activate), self, G_CONNECT_SWAPPED);
  {
    GtkGesture *secondary = gtk_gesture_click_new ();

    gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (secondary), GDK_BUTTON_SECONDARY);
    g_signal_connect (secondary, "pressed", G_CALLBACK (on_table_secondary_pressed), self);
    gtk_widget_add_controller (GTK_WIDGET (self->patient_table), GTK_EVENT_CONTROLLER (secondary));
    self->row_menu = gtk_popover_menu_new_from_model (NULL);
    gtk_popover_set_has_arrow (GTK_POPOVER (self->row_menu), FALSE);
    gtk_widget_set_halign (self->row_menu, GTK_ALIGN_START);
    gtk_widget_set_parent (self->row_menu, GTK_WIDGET (self));
  }

  id_column = create_column (self, NULL, 0);
  gtk_column_view_append_column (self->patient_table, id_column);

  update_labels (self);
}

GtkWidget *
cs_cohort_view_new (void)
{
  return g_object_new (CS_TYPE_COHORT_VIEW, NULL);
}

CsStore *
cs_cohort_view_get_store (CsCohortView *self)
{
  g_return_val_if_fail (CS_IS_COHORT_VIEW (self), NULL);

  return self->store;
}

/* A derived variable (a signature score) joined the store: the table can
 * show it as a column */
static void
on_variable_added (CsStore      *store,
                   guint         index,
                   CsCohortView *self)
{
  CsVariableItem *item;

  if (index != g_list_model_get_n_items (G_LIST_MODEL (self->variables)))
    return;
  item = cs_variable_item_new (store, index);
  g_signal_connect_object (item, "notify::shown", G_CALLBACK (on_variable_shown_changed), self, 0);
  g_list_store_append (self->variables, item);
  g_object_unref (item);
}

void
cs_cohort_view_set_store (CsCohortView *self,
                          CsStore      *store)
{
  GListModel *columns;
  guint n;

  g_return_if_fail (CS_IS_COHORT_VIEW (self));
  g_return_if_fail (!store || CS_IS_STORE (store));

  if (self->store == store)
    return;

  /* Forget the old store's columns and variables */
  n = g_list_model_get_n_items (G_LIST_MODEL (self->variables));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CsVariableItem) item = g_list_model_get_item (G_LIST_MODEL (self->variables), i);

      g_signal_handlers_disconnect_by_data (item, self);
    }

  columns = gtk_column_view_get_columns (self->patient_table);
  for (guint i = g_list_model_get_n_items (columns); i > 0; i--)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i - 1);

      if (GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (column), COLUMN_INDEX_KEY)) > 0)
        gtk_column_view_remove_column (self->patient_table, column);
    }

  g_list_store_remove_all (self->variables);

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_func (self->store, on_variable_added, self);
  g_set_object (&self->store, store);
  if (store != NULL)
    g_signal_connect_object (store, "variable-added", G_CALLBACK (on_variable_added), self, 0);
  cs_patient_list_model_set_store (self->patients, store);

  if (store != NULL)
    {
      guint n_variables = cs_store_get_n_variables (store);
      g_autoptr(GPtrArray) items = g_ptr_array_new_full (n_variables, g_object_unref);

      for (guint i = 0; i < n_variables; i++)
        {
          CsVariableItem *item = cs_variable_item_new (store, i);

          g_signal_connect_object (item, "notify::shown", G_CALLBACK (on_variable_shown_changed), self, 0);
          g_ptr_array_add (items, item);
        }
      g_list_store_splice (self->variables, 0, 0, items->pdata, items->len);

      restore_columns (self);
    }

  update_labels (self);
}

void
cs_cohort_view_set_selection (CsCohortView   *self,
                              const CsBitset *rows)
{
  g_return_if_fail (CS_IS_COHORT_VIEW (self));

  if (self->store == NULL)
    return;

  {
    guint selected_row = take_selected_patient_row (self);

    cs_patient_list_model_set_selection (self->patients, rows);
    select_patient_row (self, selected_row);
  }
  update_labels (self);
}

GListModel *
cs_cohort_view_get_patient_model (CsCohortView *self)
{
  g_return_val_if_fail (CS_IS_COHORT_VIEW (self), NULL);

  return G_LIST_MODEL (self->sorted);
}

const char *
cs_cohort_view_get_count_text (CsCohortView *self)
{
  g_return_val_if_fail (CS_IS_COHORT_VIEW (self), NULL);

  return gtk_label_get_text (self->count_label);
}

GtkWindow *
cs_cohort_view_open_patient (CsCohortView *self,
                             guint         position)
{
  g_autoptr(CsPatientRow) row = NULL;

  g_return_val_if_fail (CS_IS_COHORT_VIEW (self), NULL);

  row = g_list_model_get_item (G_LIST_MODEL (self->sorted), position);
  if (row == NULL)
    return NULL;
  return cs_cohort_view_open_patient_row (self, cs_patient_row_get_row (row), FALSE);
}

GtkWindow *
cs_cohort_view_open_patient_row (CsCohortView *self,
                                 guint         row,
                                 gboolean      images)
{
  GtkWidget *detail;
  GtkRoot *root;

  g_return_val_if_fail (CS_IS_COHORT_VIEW (self), NULL);

  if (self->store == NULL || row >= cs_store_get_n_patients (self->store))
    return NULL;
  detail = cs_patient_detail_new (self->store, row);
  root = gtk_widget_get_root (GTK_WIDGET (self));
  if (GTK_IS_WINDOW (root))
    {
      gtk_window_set_transient_for (GTK_WINDOW (detail), GTK_WINDOW (root));
      gtk_window_set_application (GTK_WINDOW (detail), gtk_window_get_application (GTK_WINDOW (root)));
    }
  if (CS_IS_WINDOW (root))
    {
      g_autofree char *viewer = cs_gui_dup_viewer_template (cs_window_get_source_url (CS_WINDOW (root)));

      cs_patient_detail_set_viewer_template (CS_PATIENT_DETAIL (detail), viewer);
    }
  gtk_window_present (GTK_WINDOW (detail));
  if (images)
    cs_patient_detail_popup_images (CS_PATIENT_DETAIL (detail));

  return GTK_WINDOW (detail);
}

gboolean
cs_cohort_view_set_column_shown (CsCohortView *self,
                                 const char   *key,
                                 gboolean      shown)
{
  guint n;

  g_return_val_if_fail (CS_IS_COHORT_VIEW (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->variables));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CsVariableItem) item = g_list_model_get_item (G_LIST_MODEL (self->variables), i);

      if (g_strcmp0 (cs_variable_item_get_variable (item)->key, key) == 0)
        {
          cs_variable_item_set_shown (item, shown);
          return TRUE;
        }
    }

  return FALSE;
}

void
cs_cohort_view_focus_search (CsCohortView *self)
{
  g_return_if_fail (CS_IS_COHORT_VIEW (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->variable_search));
}

gboolean
cs_cohort_view_sort_by_key (CsCohortView *self,
                            const char   *key,
                            GtkSortType   direction)
{
  GtkColumnViewColumn *column = NULL;

  g_return_val_if_fail (CS_IS_COHORT_VIEW (self), FALSE);

  if (key == NULL)
    {
      GListModel *columns = gtk_column_view_get_columns (self->patient_table);
      guint n = g_list_model_get_n_items (columns);

      for (guint i = 0; i < n && column == NULL; i++)
        {
          g_autoptr(GtkColumnViewColumn) other = g_list_model_get_item (columns, i);

          if (g_object_get_data (G_OBJECT (other), COLUMN_INDEX_KEY) == NULL)
            column = other;
        }
    }
  else
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (self->variables));

      if (!cs_cohort_view_set_column_shown (self, key, TRUE))
        return FALSE;

      for (guint i = 0; i < n && column == NULL; i++)
        {
          g_autoptr(CsVariableItem) item = g_list_model_get_item (G_LIST_MODEL (self->variables), i);

          if (g_strcmp0 (cs_variable_item_get_variable (item)->key, key) == 0)
            column = find_column (self, cs_variable_item_get_index (item));
        }
    }

  if (column == NULL)
    return FALSE;

  gtk_column_view_sort_by_column (self->patient_table, column, direction);

  return TRUE;
}
