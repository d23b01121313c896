/* cs-compare-dialog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "cs-compare-dialog.h"
#include "cs-date.h"
#include "cs-gui-util.h"

/* The first choices of both drop-downs; the saved cohorts follow */
enum
{
  CHOICE_CURRENT,
  CHOICE_REST,
  CHOICE_SAVED,
};

/* Values of a categorical variable shown, and rows of the table at most */
#define MAX_LEVELS 8
#define MAX_ROWS   400

struct _CsCompareDialog
{
  GtkWindow        parent_instance;

  /* Template */
  GtkDropDown     *first_dropdown;
  GtkDropDown     *second_dropdown;
  GtkGrid         *grid;

  CsCohortBuilder *builder;
  gboolean         ready;     /* the drop-downs are set up */
};

G_DEFINE_FINAL_TYPE (CsCompareDialog, cs_compare_dialog, GTK_TYPE_WINDOW)

/* The rows of a choice of the drop-downs, and its name */
static CsBitset *
choice_rows (CsCompareDialog  *self,
             guint             choice,
             char            **name)
{
  CsStore *store = cs_cohort_builder_get_store (self->builder);
  GPtrArray *saved = cs_cohort_builder_get_saved (self->builder);
  const CsSavedCohort *cohort;
  g_autoptr(GError) error = NULL;
  CsBitset *rows;

  if (choice == CHOICE_CURRENT || choice == CHOICE_REST)
    {
      rows = cs_cohort_builder_dup_rows (self->builder);
      if (choice == CHOICE_REST)
        {
          CsBitset *rest = cs_bitset_new_full (rows->n_bits);

          cs_bitset_andnot (rest, rows);
          cs_bitset_free (rows);
          rows = rest;
        }
      *name = g_strdup (choice == CHOICE_CURRENT ? _("Current cohort") : _("Rest of patients"));
      return rows;
    }

  cohort = g_ptr_array_index (saved, MIN (choice - CHOICE_SAVED, saved->len - 1));
  *name = g_strdup (cohort->name);
  if (!(rows = cs_saved_cohort_select (cohort, store, NULL, &error)))
    {
      cs_gui_toast (GTK_WIDGET (self), error->message);
      rows = cs_bitset_new (cs_store_get_n_patients (store));
    }
  return rows;
}

static void
add_cell (CsCompareDialog *self,
          int              column,
          int              row,
          const char      *text,
          gboolean         heading)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), column == 0 ? 0 : 1);
  if (column == 0)
    {
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 48);
    }
  gtk_widget_add_css_class (label, heading ? "heading" : "numeric");
  gtk_grid_attach (self->grid, label, column, row, 1, 1);
}

static void
add_row (CsCompareDialog *self,
         int             *row,
         const char      *name,
         const char      *a,
         const char      *b)
{
  add_cell (self, 0, *row, name, FALSE);
  add_cell (self, 1, *row, a, FALSE);
  add_cell (self, 2, *row, b, FALSE);
  (*row)++;
}

/* "65.49 ± 5.26 (n = 148)", "mean 1949-08-21 (n = 148)", "120 yes of 148 (81%)" */
static char *
describe_values (const CsVariable *var,
                 const CsBitset   *rows)
{
  double sum = 0, sum2 = 0, mean, sd;
  guint n = 0;

  CS_BITSET_FOREACH (rows, row)
    {
      double v = var->num[row];

      if (isnan (v))
        continue;
      sum += v;
      sum2 += v * v;
      n++;
    }
  if (n == 0)
    return g_strdup ("—");

  mean = sum / n;
  sd = n > 1 ? sqrt (MAX (0, (sum2 - n * mean * mean) / (n - 1))) : 0;
  if (var->type == CS_VARIABLE_DATE)
    {
      g_autofree char *date = cs_date_format (mean);

      return g_strdup_printf (_("mean %s (n = %u)"), date, n);
    }
  if (var->type == CS_VARIABLE_BOOLEAN)
    return g_strdup_printf (_("%.0f yes of %u (%.0f%%)"), sum, n, 100.0 * sum / n);
  return g_strdup_printf (_("%.4g ± %.3g (n = %u)"), mean, sd, n);
}

/* Patients of rows per level (the first MAX_LEVELS) */
static void
count_levels (const CsVariable *var,
              const CsBitset   *rows,
              guint            *counts)
{
  CS_BITSET_FOREACH (rows, row)
    if (var->cat[row] >= 0 && var->cat[row] < MAX_LEVELS)
      counts[var->cat[row]]++;
}

static void
add_levels (CsCompareDialog *self,
            int             *row,
            const CsVariable *var,
            const CsBitset  *a,
            const CsBitset  *b)
{
  const char *label = var->label != NULL ? var->label : var->key;
  guint count_a[MAX_LEVELS] = { 0 }, count_b[MAX_LEVELS] = { 0 };
  guint na = cs_bitset_count (a), nb = cs_bitset_count (b);

  count_levels (var, a, count_a);
  count_levels (var, b, count_b);
  for (guint l = 0; var->levels != NULL && l < MIN (var->levels->len, MAX_LEVELS); l++)
    {
      const CsLevel *level = g_ptr_array_index (var->levels, l);
      g_autofree char *name = g_strdup_printf ("%s = %s", label, level->display != NULL ? level->display : level->code);
      g_autofree char *ta = g_strdup_printf ("%u (%.0f%%)", count_a[l], na > 0 ? 100.0 * count_a[l] / na : 0);
      g_autofree char *tb = g_strdup_printf ("%u (%.0f%%)", count_b[l], nb > 0 ? 100.0 * count_b[l] / nb : 0);

      add_row (self, row, name, ta, tb);
    }
}

static void
fill (CsCompareDialog *self)
{
  CsStore *store = cs_cohort_builder_get_store (self->builder);
  GtkWidget *child;
  g_autofree char *name_a = NULL;
  g_autofree char *name_b = NULL;
  g_autoptr(CsBitset) a = NULL;
  g_autoptr(CsBitset) b = NULL;
  g_autoptr(CsBitset) both = NULL;
  int row = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->grid))) != NULL)
    gtk_grid_remove (self->grid, child);
  if (store == NULL)
    return;

  a = choice_rows (self, gtk_drop_down_get_selected (self->first_dropdown), &name_a);
  b = choice_rows (self, gtk_drop_down_get_selected (self->second_dropdown), &name_b);
  both = cs_bitset_copy (a);
  cs_bitset_and (both, b);

  add_cell (self, 0, row, _("Variable"), TRUE);
  add_cell (self, 1, row, name_a, TRUE);
  add_cell (self, 2, row, name_b, TRUE);
  row++;
  {
    g_autofree char *na = g_strdup_printf ("%u", cs_bitset_count (a));
    g_autofree char *nb = g_strdup_printf ("%u", cs_bitset_count (b));
    g_autofree char *overlap = g_strdup_printf (_("%u in both"), cs_bitset_count (both));

    add_row (self, &row, _("Patients"), na, nb);
    add_row (self, &row, _("Overlap"), overlap, overlap);
  }

  for (guint i = 0; i < cs_store_get_n_variables (store) && row < MAX_ROWS; i++)
    {
      CsVariable *var = cs_store_get_variable (store, i);

      if (var->type == CS_VARIABLE_CATEGORICAL)
        add_levels (self, &row, var, a, b);
      else if (var->type != CS_VARIABLE_SURVIVAL)
        {
          g_autofree char *ta = describe_values (var, a);
          g_autofree char *tb = describe_values (var, b);

          add_row (self, &row, var->label != NULL ? var->label : var->key, ta, tb);
        }
    }
}

static void
on_choice_changed (CsCompareDialog *self,
                   GParamSpec      *pspec,
                   GtkDropDown     *dropdown)
{
  if (self->ready)
    fill (self);
}

static void
cs_compare_dialog_dispose (GObject *object)
{
  CsCompareDialog *self = CS_COMPARE_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CS_TYPE_COMPARE_DIALOG);
  g_clear_object (&self->builder);

  G_OBJECT_CLASS (cs_compare_dialog_parent_class)->dispose (object);
}

static void
cs_compare_dialog_class_init (CsCompareDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cs_compare_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/cohortscope/Cohortscope/cs-compare-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CsCompareDialog, first_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CsCompareDialog, second_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CsCompareDialog, grid);
  gtk_widget_class_bind_template_callback (widget_class, on_choice_changed);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cs_compare_dialog_init (CsCompareDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
cs_compare_dialog_new (CsCohortBuilder *builder)
{
  CsCompareDialog *self;
  g_autoptr(GtkStringList) choices = NULL;
  GPtrArray *saved;
  GtkRoot *root;

  g_return_val_if_fail (CS_IS_COHORT_BUILDER (builder), NULL);
  g_return_val_if_fail (cs_cohort_builder_get_store (builder) != NULL, NULL);

  self = g_object_new (CS_TYPE_COMPARE_DIALOG, NULL);
  self->builder = g_object_ref (builder);
  root = gtk_widget_get_root (GTK_WIDGET (builder));
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (self), GTK_WINDOW (root));

  saved = cs_cohort_builder_get_saved (builder);
  choices = gtk_string_list_new (NULL);
  gtk_string_list_append (choices, _("Current cohort"));
  gtk_string_list_append (choices, _("Rest of patients"));
  for (guint i = 0; i < saved->len; i++)
    gtk_string_list_append (choices, ((CsSavedCohort *) g_ptr_array_index (saved, i))->name);
  gtk_drop_down_set_model (self->first_dropdown, G_LIST_MODEL (choices));
  gtk_drop_down_set_model (self->second_dropdown, G_LIST_MODEL (choices));
  gtk_drop_down_set_selected (self->first_dropdown, CHOICE_CURRENT);
  gtk_drop_down_set_selected (self->second_dropdown, saved->len > 0 ? CHOICE_SAVED : CHOICE_REST);

  self->ready = TRUE;
  fill (self);

  return GTK_WIDGET (self);
}
