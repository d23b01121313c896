/* bench-mapping-page.c: opening and scrolling a large table on the Mapping page
 *
 * Not a test (timings vary); a tool to check that the Mapping page stays
 * smooth with 100,000 rows. It writes two Lung1-shaped tables in a
 * temporary folder, a baseline of 1,000 rows and a large one (100,000, or
 * the number given), opens each on the page (read, profile, suggestion,
 * first preview), then jumps the rows grid's scrollbar 200 times, each step
 * timed until the frame that shows it was painted. It prints the times and
 * the large/baseline ratios: a virtualised grid scrolls 100,000 rows at
 * about the cost of 1,000.
 *   GSETTINGS_SCHEMA_DIR=build/data GSK_RENDERER=cairo \
 *     tests/gui/run-with-xvfb.sh build/tests/gui/bench-mapping-page [ROWS]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <stdlib.h>

#include "cs-mapping-page-private.h"
#include "cs-window.h"

static gboolean painted;

static void
on_after_paint (GdkFrameClock *clock,
                gpointer       data)
{
  painted = TRUE;
}

static void
wait_for_frame (GtkWidget *widget)
{
  painted = FALSE;
  gtk_widget_queue_draw (widget);
  while (!painted)
    g_main_context_iteration (NULL, TRUE);
}

/* Shows the Mapping page: the window opens on the Cohort page */
static gboolean
show_mapping_view (GtkWidget *widget)
{
  if (ADW_IS_VIEW_STACK (widget))
    {
      adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (widget), "mapping");
      return TRUE;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    if (show_mapping_view (child))
      return TRUE;
  return FALSE;
}

static char *
write_table (const char *dir,
             guint       rows)
{
  static const char * const stages[] = { "I", "II", "IIIa", "IIIb" };
  static const char * const histology[] = { "adenocarcinoma", "squamous cell carcinoma", "large cell", "nos", "NA" };
  g_autofree char *name = g_strdup_printf ("table-%u.csv", rows);
  char *path = g_build_filename (dir, name, NULL);
  GString *csv = g_string_new ("PatientID,age,clinical.T.Stage,Clinical.N.Stage,Clinical.M.Stage,Overall.Stage,"
                               "Histology,gender,Survival.time,deadstatus.event\n");
  GRand *rand = g_rand_new_with_seed (42);

  for (guint i = 0; i < rows; i++)
    g_string_append_printf (csv, "CASE-%06u,%.2f,%d,%d,%d,%s,%s,%s,%d,%d\n", i + 1,
                            g_rand_double_range (rand, 35, 90), g_rand_int_range (rand, 1, 6),
                            g_rand_int_range (rand, 0, 5), g_rand_int_range (rand, 0, 2),
                            stages[g_rand_int_range (rand, 0, 4)], histology[g_rand_int_range (rand, 0, 5)],
                            g_rand_boolean (rand) ? "male" : "female", g_rand_int_range (rand, 10, 4000),
                            g_rand_int_range (rand, 0, 2));
  g_assert_true (g_file_set_contents (path, csv->str, (gssize) csv->len, NULL));
  g_string_free (csv, TRUE);
  g_rand_free (rand);
  return path;
}

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

typedef struct
{
  double open_ms;
  double median_ms;
  double p95_ms;
} Result;

static Result
measure (CsMappingPage *page,
         const char    *path)
{
  Result r = { 0 };
  gint64 start = g_get_monotonic_time ();
  GtkWidget *grid;
  GtkAdjustment *adjustment;
  GdkFrameClock *clock;
  double steps[200];
  double upper, size;

  cs_mapping_page_open_table (page, path, NULL);
  while (cs_mapping_page_get_busy (page))
    g_main_context_iteration (NULL, TRUE);
  r.open_ms = (g_get_monotonic_time () - start) / 1000.0;
  if (cs_mapping_page_get_last_error (page) != NULL)
    g_error ("%s: %s", path, cs_mapping_page_get_last_error (page));

  grid = cs_mapping_page_show_rows (page);
  /* a frame for the tab just shown, so that the grid has a frame clock */
  while (gtk_widget_get_frame_clock (grid) == NULL || !gtk_widget_get_mapped (grid))
    g_main_context_iteration (NULL, TRUE);
  clock = gtk_widget_get_frame_clock (grid);
  g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), NULL);
  wait_for_frame (grid);
  wait_for_frame (grid);
  adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (grid));
  upper = gtk_adjustment_get_upper (adjustment);
  size = gtk_adjustment_get_page_size (adjustment);
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      gint64 t = g_get_monotonic_time ();

      gtk_adjustment_set_value (adjustment, (upper - size) * (i % 2 == 0 ? i : 199 - i) / 199.0);
      wait_for_frame (grid);
      steps[i] = (g_get_monotonic_time () - t) / 1000.0;
    }
  g_signal_handlers_disconnect_by_func (clock, on_after_paint, NULL);
  qsort (steps, G_N_ELEMENTS (steps), sizeof (double), compare_double);
  r.median_ms = steps[G_N_ELEMENTS (steps) / 2];
  r.p95_ms = steps[G_N_ELEMENTS (steps) * 95 / 100];
  return r;
}

int
main (int   argc,
      char *argv[])
{
  guint rows = argc > 1 ? (guint) atoi (argv[1]) : 100000;
  g_autofree char *dir = g_dir_make_tmp ("cs-bench-mapping-XXXXXX", NULL);
  g_autofree char *small = NULL;
  g_autofree char *large = NULL;
  CsWindow *window;
  CsMappingPage *page;
  Result base, big;

  gtk_init ();
  adw_init ();
  small = write_table (dir, 1000);
  large = write_table (dir, rows);
  window = cs_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1400, 860);
  gtk_window_present (GTK_WINDOW (window));
  page = cs_window_get_mapping_page (window);
  g_assert_true (show_mapping_view (GTK_WIDGET (window)));

  base = measure (page, small);
  big = measure (page, large);
  g_print ("%-34s %12s %12s %8s\n", "", "1,000 rows", "large", "ratio");
  g_print ("%-34s %12.1f %12.1f %8.1f\n", "open (read, profile, suggest) ms", base.open_ms, big.open_ms,
           big.open_ms / base.open_ms);
  g_print ("%-34s %12.2f %12.2f %8.2f\n", "scrollbar jump, median frame ms", base.median_ms, big.median_ms,
           big.median_ms / base.median_ms);
  g_print ("%-34s %12.2f %12.2f %8.2f\n", "scrollbar jump, 95th pct frame ms", base.p95_ms, big.p95_ms,
           big.p95_ms / base.p95_ms);
  g_print ("(large: %u rows)\n", rows);

  gtk_window_destroy (GTK_WINDOW (window));
  g_remove (small);
  g_remove (large);
  g_rmdir (dir);
  return 0;
}
