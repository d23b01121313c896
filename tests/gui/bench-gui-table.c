/* bench-gui-table.c: load, sort and scroll time of the patient table
 *
 * Not a test (timings vary); a tool to check that the table stays smooth
 * with large cohorts:
 *   cohortscope-cli demo --patients 20000 -o big.json   (1.1 GB; 100,000: 6 GB)
 *   GSETTINGS_SCHEMA_DIR=build/data GSK_RENDERER=cairo \
 *     run-with-xvfb.sh build/tests/gui/bench-gui-table [--columns N] big.json
 *
 * Every step is timed until the frame that shows it has been painted (the
 * frame clock's "after-paint"), so layout, binding and drawing count, not
 * only the synchronous part. "cpu" is the process CPU time of the same span
 * (the frame clock's pacing and waiting for Xvfb do not count there).
 * --columns N shows the first N informative variables as extra columns.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <math.h>
#include <stdlib.h>
#include <time.h>

#include "cs-cohort-view.h"
#include "cs-gui-util.h"
#include "cs-window.h"

static gboolean painted;

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
on_after_paint (GdkFrameClock *clock,
                gpointer       data)
{
  painted = TRUE;
}

/* Waits until the next frame of widget has been painted. */
static void
wait_for_frame (GtkWidget *widget)
{
  painted = FALSE;
  gtk_widget_queue_draw (widget);
  while (!painted)
    g_main_context_iteration (NULL, TRUE);
}

static guint
count_widgets (GtkWidget *widget)
{
  guint n = 1;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += count_widgets (child);

  return n;
}

static double
cpu_now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

typedef struct
{
  gint64 wall_start;
  double cpu_start;
} Clock;

static void
clock_start (Clock *c)
{
  c->wall_start = g_get_monotonic_time ();
  c->cpu_start = cpu_now ();
}

static double
clock_wall_ms (const Clock *c)
{
  return (g_get_monotonic_time () - c->wall_start) / 1000.0;
}

static double
clock_cpu_ms (const Clock *c)
{
  return (cpu_now () - c->cpu_start) * 1000.0;
}

static int
compare_double (const void *a,
                const void *b)
{
  double da = *(const double *)a, db = *(const double *)b;

  return da < db ? -1 : da > db;
}

static void
print_stats (const char *what,
             GArray     *wall,
             GArray     *cpu)
{
  double sum_wall = 0, sum_cpu = 0;
  guint n = wall->len;

  if (n == 0)
    return;
  for (guint i = 0; i < n; i++)
    {
      sum_wall += g_array_index (wall, double, i);
      sum_cpu += g_array_index (cpu, double, i);
    }
  qsort (wall->data, n, sizeof (double), compare_double);
  qsort (cpu->data, n, sizeof (double), compare_double);
  g_print ("%s: %u steps; wall mean %.1f ms, median %.1f, p95 %.1f, max %.1f; "
           "cpu mean %.1f ms, p95 %.1f, max %.1f\n",
           what, n, sum_wall / n, g_array_index (wall, double, n / 2),
           g_array_index (wall, double, MIN (n - 1, n * 95 / 100)), g_array_index (wall, double, n - 1),
           sum_cpu / n, g_array_index (cpu, double, MIN (n - 1, n * 95 / 100)), g_array_index (cpu, double, n - 1));
}

static void
timed_sort (CsCohortView *view,
            GtkWidget    *table,
            const char   *key,
            GtkSortType   direction,
            const char   *label)
{
  Clock c;

  clock_start (&c);
  cs_cohort_view_sort_by_key (view, key, direction);
  g_print ("sort by %s%s: %.1f ms until sorted", label,
           direction == GTK_SORT_ASCENDING ? " ascending" : " descending", clock_wall_ms (&c));
  wait_for_frame (table);
  g_print (", %.1f ms until painted (cpu %.1f ms)\n", clock_wall_ms (&c), clock_cpu_ms (&c));
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
  GdkFrameClock *frame_clock;
  g_autoptr(GArray) wall = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) cpu = g_array_new (FALSE, FALSE, sizeof (double));
  guint n_columns = 0;
  int first_file = 1;
  double upper, page;
  Clock c;

  if (argc > 3 && g_str_equal (argv[1], "--columns"))
    {
      n_columns = (guint)atoi (argv[2]);
      first_file = 3;
    }
  if (first_file >= argc)
    {
      g_printerr ("usage: %s [--columns N] FILE…\n", argv[0]);
      return 2;
    }

  gtk_init ();
  adw_init ();

  window = cs_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1400, 900);
  gtk_window_present (GTK_WINDOW (window));
  drain ();

  clock_start (&c);
  cs_window_open_paths (window, (const char * const *)&argv[first_file], NULL);
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
           clock_wall_ms (&c) / 1000, cs_store_get_n_patients (store),
           cs_store_get_n_resources (store), cs_store_get_n_variables (store));

  view = cs_window_get_cohort_view (window);
  for (guint i = 0; i < cs_store_get_n_variables (store); i++)
    {
      CsVariable *var = cs_store_get_variable (store, i);

      if (key == NULL && var->type == CS_VARIABLE_NUMERIC && var->n < var->n_rows)
        key = var->key;
      if (n_columns > 0 && cs_gui_variable_is_informative (var))
        {
          cs_cohort_view_set_column_shown (view, var->key, TRUE);
          n_columns--;
        }
    }

  table = find_widget (GTK_WIDGET (view), GTK_TYPE_COLUMN_VIEW);
  scroller = gtk_widget_get_parent (table);
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  frame_clock = gtk_widget_get_frame_clock (table);
  g_signal_connect (frame_clock, "after-paint", G_CALLBACK (on_after_paint), NULL);
  wait_for_frame (table);
  wait_for_frame (table);
  {
    g_auto(GStrv) keys = cs_cohort_view_dup_column_keys (view);

    g_print ("columns: patient id + %u variables; %u widgets in the table\n",
             g_strv_length (keys), count_widgets (table));
  }

  if (key != NULL)
    {
      timed_sort (view, table, key, GTK_SORT_ASCENDING, key);
      timed_sort (view, table, key, GTK_SORT_DESCENDING, key);
    }
  timed_sort (view, table, NULL, GTK_SORT_DESCENDING, "patient id");
  timed_sort (view, table, NULL, GTK_SORT_ASCENDING, "patient id");

  /* Scrollbar drags: 200 jumps of 1/200 of the table each */
  upper = gtk_adjustment_get_upper (adjustment);
  page = gtk_adjustment_get_page_size (adjustment);
  for (guint i = 0; i < 200; i++)
    {
      double value = (upper - page) * (i % 2 == 0 ? i : 199 - i) / 199.0;
      double w, u;

      clock_start (&c);
      gtk_adjustment_set_value (adjustment, value);
      wait_for_frame (table);
      w = clock_wall_ms (&c);
      u = clock_cpu_ms (&c);
      g_array_append_val (wall, w);
      g_array_append_val (cpu, u);
    }
  print_stats ("scrollbar jumps across the table", wall, cpu);

  /* Wheel-like scrolling: three rows a step */
  g_array_set_size (wall, 0);
  g_array_set_size (cpu, 0);
  for (double value = (upper - page) / 2; wall->len < 200; value += 3 * 20)
    {
      double w, u;

      clock_start (&c);
      gtk_adjustment_set_value (adjustment, value);
      wait_for_frame (table);
      w = clock_wall_ms (&c);
      u = clock_cpu_ms (&c);
      g_array_append_val (wall, w);
      g_array_append_val (cpu, u);
    }
  print_stats ("steps of three rows", wall, cpu);

  g_signal_handlers_disconnect_by_func (frame_clock, on_after_paint, NULL);
  gtk_window_destroy (GTK_WINDOW (window));

  return 0;
}
