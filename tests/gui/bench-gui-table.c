/* bench-gui-table.c: load, sort and scroll time of the patient table
 *
 * Not a test (timings vary); a tool to check that the table stays smooth
 * with large cohorts:
 *   cohortscope-cli demo --patients 100000 -o big.json
 *   run-with-xvfb.sh build/tests/gui/bench-gui-table big.json
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <math.h>

#include "cs-cohort-view.h"
#include "cs-window.h"

static GtkWidget *
find_widget (GtkWidget *widget,
             GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
drain (void)
{
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

static void
wait_for_sort (CsCohortView *view)
{
  GtkSortListModel *model = GTK_SORT_LIST_MODEL (cs_cohort_view_get_patient_model (view));

  while (gtk_sort_list_model_get_pending (model) > 0)
    g_main_context_iteration (NULL, TRUE);
  drain ();
}

static double
elapsed (gint64 start)
{
  return (g_get_monotonic_time () - start) / (double)G_USEC_PER_SEC;
}

int
main (int   argc,
      char *argv[])
{
  CsWindow *window;
  CsCohortView *view;
  CsStore *store;
  const char *key = NULL;
  GtkWidget *table, *scroller;
  GtkAdjustment *adjustment;
  gint64 start;
  guint n_steps = 0;

  if (argc < 2)
    {
      g_printerr ("usage: %s FILE…\n", argv[0]);
      return 2;
    }

  gtk_init ();
  adw_init ();

  window = cs_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1400, 900);
  gtk_window_present (GTK_WINDOW (window));
  drain ();

  start = g_get_monotonic_time ();
  cs_window_open_paths (window, (const char * const *)&argv[1], NULL);
  while (cs_window_get_loading (window))
    g_main_context_iteration (NULL, TRUE);
  drain ();
  store = cs_window_get_store (window);
  if (store == NULL)
    {
      g_printerr ("loading failed\n");
      return 1;
    }
  g_print ("load: %.2f s for %u patients, %u resources, %u variables\n",
           elapsed (start), cs_store_get_n_patients (store),
           cs_store_get_n_resources (store), cs_store_get_n_variables (store));

  view = cs_window_get_cohort_view (window);
  for (guint i = 0; i < cs_store_get_n_variables (store); i++)
    {
      CsVariable *var = cs_store_get_variable (store, i);

      if (var->type == CS_VARIABLE_NUMERIC && var->n < var->n_rows)
        {
          key = var->key;
          break;
        }
    }

  if (key != NULL)
    {
      start = g_get_monotonic_time ();
      cs_cohort_view_sort_by_key (view, key, GTK_SORT_ASCENDING);
      wait_for_sort (view);
      g_print ("sort by %s ascending: %.2f s\n", key, elapsed (start));
      start = g_get_monotonic_time ();
      cs_cohort_view_sort_by_key (view, key, GTK_SORT_DESCENDING);
      wait_for_sort (view);
      g_print ("sort by %s descending: %.2f s\n", key, elapsed (start));
    }
  start = g_get_monotonic_time ();
  cs_cohort_view_sort_by_key (view, NULL, GTK_SORT_ASCENDING);
  wait_for_sort (view);
  g_print ("sort by patient id: %.2f s\n", elapsed (start));

  table = find_widget (GTK_WIDGET (view), GTK_TYPE_COLUMN_VIEW);
  scroller = gtk_widget_get_parent (table);
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));

  start = g_get_monotonic_time ();
  for (double value = 0;
       value + gtk_adjustment_get_page_size (adjustment) < gtk_adjustment_get_upper (adjustment) && n_steps < 400;
       value += gtk_adjustment_get_upper (adjustment) / 400)
    {
      gtk_adjustment_set_value (adjustment, value);
      drain ();
      gtk_widget_queue_draw (table);
      n_steps++;
    }
  g_print ("scroll: %u jumps across the table, %.1f ms each\n",
           n_steps, n_steps > 0 ? elapsed (start) * 1000 / n_steps : 0);

  /* Wheel-like scrolling: three rows a step */
  n_steps = 0;
  start = g_get_monotonic_time ();
  for (double value = gtk_adjustment_get_upper (adjustment) / 2; n_steps < 400; value += 3 * 20)
    {
      gtk_adjustment_set_value (adjustment, value);
      drain ();
      n_steps++;
    }
  g_print ("scroll: %u steps of three rows, %.1f ms each\n",
           n_steps, elapsed (start) * 1000 / n_steps);

  gtk_window_destroy (GTK_WINDOW (window));

  return 0;
}
