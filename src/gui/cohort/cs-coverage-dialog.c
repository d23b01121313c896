/* cs-coverage-dialog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "cs-coverage-dialog.h"

struct _CsCoverageDialog
{
  GtkWindow        parent_instance;

  /* Template */
  GtkLabel        *intro_label;
  GtkGrid         *grid;

  CsCohortBuilder *builder;
  GPtrArray       *checks;    /* GtkCheckButton per variable */
  GPtrArray       *keys;      /* the variables' keys, as checks */
};

G_DEFINE_FINAL_TYPE (CsCoverageDialog, cs_coverage_dialog, GTK_TYPE_WINDOW)

static void
on_keep_clicked (CsCoverageDialog *self,
                 GtkButton        *button)
{
  CsFilterState *state = cs_cohort_builder_get_filter_state (self->builder);

  cs_filter_state_begin_group (state);
  for (guint i = 0; i < self->checks->len; i++)
    if (gtk_check_button_get_active (g_ptr_array_index (self->checks, i)))
      cs_filter_state_set_missing (state, g_ptr_array_index (self->keys, i), FALSE);
  cs_filter_state_end_group (state);
}

/* A row: the variable to tick, its coverage as a bar and as text */
static void
add_variable (CsCoverageDialog *self,
              const CsVariable *var,
              guint             present,
              guint             unknown,
              guint             total)
{
  int row = (int) self->checks->len;
  /* a condition flag: its false for patients without any Condition is no knowledge */
  double fraction = total > 0 ? (double) (present - unknown) / total : 0;
  g_autofree char *text = unknown == 0 ? g_strdup_printf ("%.0f%% (%u)", 100 * fraction, present)
                          /* Translators: coverage of a Condition flag: "93% (372), 28 unknown" */
                          : g_strdup_printf (_("%.0f%% (%u), %u unknown"), 100 * fraction, present - unknown, unknown);
  GtkWidget *check = gtk_check_button_new_with_label (var->label != NULL ? var->label : var->key);
  GtkWidget *bar = gtk_level_bar_new_for_interval (0, 1);
  GtkWidget *label = gtk_label_new (text);
  g_autofree char *tooltip = cs_variable_describe (var);

  if (unknown > 0)
    {
      g_autofree char *more = g_strdup_printf (ngettext ("%s\n\n%u patient has no Condition in the sources: false for "
                                                         "them means unknown, not “no such Condition”",
                                                         "%s\n\n%u patients have no Condition in the sources: false for "
                                                         "them means unknown, not “no such Condition”",
                                                         unknown),
                                               tooltip, unknown);

      g_free (tooltip);
      tooltip = g_steal_pointer (&more);
      gtk_widget_set_tooltip_text (label, tooltip);
    }

  gtk_widget_set_tooltip_text (check, tooltip);
  gtk_level_bar_set_value (GTK_LEVEL_BAR (bar), fraction);
  gtk_widget_set_size_request (bar, 120, -1);
  gtk_widget_set_valign (bar, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (bar), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
  gtk_widget_add_css_class (label, "numeric");
  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_grid_attach (self->grid, check, 0, row, 1, 1);
  gtk_grid_attach (self->grid, bar, 1, row, 1, 1);
  gtk_grid_attach (self->grid, label, 2, row, 1, 1);
  g_ptr_array_add (self->checks, check);
  g_ptr_array_add (self->keys, g_strdup (var->key));
}

static void
cs_coverage_dialog_dispose (GObject *object)
{
  CsCoverageDialog *self = CS_COVERAGE_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CS_TYPE_COVERAGE_DIALOG);
  g_clear_object (&self->builder);
  g_clear_pointer (&self->checks, g_ptr_array_unref);
  g_clear_pointer (&self->keys, g_ptr_array_unref);

  G_OBJECT_CLASS (cs_coverage_dialog_parent_class)->dispose (object);
}

static void
cs_coverage_dialog_class_init (CsCoverageDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cs_coverage_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/cohortscope/Cohortscope/cs-coverage-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CsCoverageDialog, intro_label);
  gtk_widget_class_bind_template_child (widget_class, CsCoverageDialog, grid);
  gtk_widget_class_bind_template_callback (widget_class, on_keep_clicked);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cs_coverage_dialog_init (CsCoverageDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->checks = g_ptr_array_new ();
  self->keys = g_ptr_array_new_with_free_func (g_free);
}

GtkWidget *
cs_coverage_dialog_new (CsCohortBuilder *builder)
{
  CsCoverageDialog *self;
  CsStore *store;
  g_autoptr(CsBitset) rows = NULL;
  g_autofree char *intro = NULL;
  g_autofree guint8 *with_conditions = NULL;
  GtkRoot *root;
  guint total;

  g_return_val_if_fail (CS_IS_COHORT_BUILDER (builder), NULL);
  g_return_val_if_fail (cs_cohort_builder_get_store (builder) != NULL, NULL);

  self = g_object_new (CS_TYPE_COVERAGE_DIALOG, NULL);
  self->builder = g_object_ref (builder);
  root = gtk_widget_get_root (GTK_WIDGET (builder));
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (self), GTK_WINDOW (root));

  store = cs_cohort_builder_get_store (builder);
  rows = cs_cohort_builder_dup_rows (builder);
  total = cs_bitset_count (rows);
  intro = g_strdup_printf (ngettext ("Values present among the %u patient of the current cohort. "
                                     "Tick variables and keep only the patients that have all of them.",
                                     "Values present among the %u patients of the current cohort. "
                                     "Tick variables and keep only the patients that have all of them.",
                                     total), total);
  gtk_label_set_text (self->intro_label, intro);

  with_conditions = cs_store_dup_rows_with_conditions (store);
  for (guint i = 0; i < cs_store_get_n_variables (store); i++)
    {
      const CsVariable *var = cs_store_get_variable (store, i);
      gboolean flag = var->type == CS_VARIABLE_BOOLEAN && g_strcmp0 (var->group, "Condition") == 0;
      guint present = 0, unknown = 0;

      CS_BITSET_FOREACH (rows, row)
        {
          present += !cs_variable_is_missing (var, row);
          unknown += flag && !with_conditions[row];
        }
      add_variable (self, var, present, unknown, total);
    }

  return GTK_WIDGET (self);
}
