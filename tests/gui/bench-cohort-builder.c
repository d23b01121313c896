/* bench-cohort-builder.c: frame times while dragging a range filter
 *
 * Not a test (timings vary); a tool to check that the Cohort view stays
 * responsive while a histogram range is dragged over a large cohort:
 *   tests/gui/make-large-cohort.py 100000 big.ndjson
 *   run-with-xvfb.sh build/tests/gui/bench-cohort-builder [--cohort-only] big.ndjson
 *
 * A drag is simulated on the age_at_diagnosis (or first numeric) chart:
 * on each frame the range moves three times, as pointer motion arriving
 * faster than frames would. Filter work is coalesced to one evaluation per
 * frame (the builder's tick callback), so the report shows edits, evaluations
 * and the frame intervals (median, 95th percentile, maximum), plus the time
 * of one synchronous evaluation with the dashboard and table update.
 * --cohort-only blocks the other listeners of the selection (the Explore
 * view), measuring the Cohort view alone. Otherwise the report also counts
 * the Explore view's recomputations during the drag (it is not the visible
 * page, so it should only mark itself dirty).
 * "cpu" is this process's CPU time per frame over the drag: on a loaded
 * machine the wall-clock frame intervals also count waiting for a core.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <math.h>
#include <stdlib.h>
#include <time.h>

#include "cs-cohort-builder.h"
#include "cs-explore-view-private.h"
#include "cs-window.h"
#include "gui-test-util.h"

#define N_FRAMES        180
#define EDITS_PER_FRAME 3

static CsWindow *window;
static CsCohortBuilder *builder;
static const char *key;
static double lo, hi;
static guint frame;
static guint n_edits;
static guint n_evaluations;
static GArray *frame_times;
static gboolean finished;

static double
cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static gboolean
wake_up (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
percentile (GArray *values,
            double  p)
{
  g_array_sort (values, compare_doubles);
  return g_array_index (values, double, MIN (values->len - 1, (guint) floor (p * (values->len - 1) + 0.5)));
}

static double signal_time;

/* CPU time of the main thread: the machine may be busy with other work */
static double
thread_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void
on_selection_changed (CsCohortBuilder *self,
                      gpointer         user_data)
{
  n_evaluations++;
  signal_time = thread_ms ();
}

static gboolean
drag_tick (GtkWidget     *widget,
           GdkFrameClock *clock,
           gpointer       user_data)
{
  CsFilterState *state = cs_cohort_builder_get_filter_state (builder);
  double now = g_get_monotonic_time () / 1000.0;

  g_array_append_val (frame_times, now);
  if (frame == 0)
    cs_filter_state_begin_group (state);
  if (frame == N_FRAMES)
    {
      cs_filter_state_end_group (state);
      finished = TRUE;
      return G_SOURCE_REMOVE;
    }
  for (guint i = 0; i < EDITS_PER_FRAME; i++)
    {
      double t = (frame * EDITS_PER_FRAME + i) / (double) (N_FRAMES * EDITS_PER_FRAME);
      /* The upper handle sweeps down and back up */
      double upper = hi - (hi - lo) * 0.8 * sin (G_PI * t);

      cs_filter_state_set_range (state, key, lo + (hi - lo) * 0.1, round (upper * 10) / 10, FALSE);
      n_edits++;
    }
  frame++;

  return G_SOURCE_CONTINUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GArray) intervals = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) sync_times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) filter_times = g_array_new (FALSE, FALSE, sizeof (double));
  const char *paths[2] = { NULL, NULL };
  CsStore *store;
  CsVariable *var;
  guint source;
  gint64 start;
  double cpu_start, cpu_end;
  CsExploreView *explore;
  guint explore_before;

  gboolean cohort_only = argc == 3 && g_strcmp0 (argv[1], "--cohort-only") == 0;

  if (argc != 2 && !cohort_only)
    {
      g_printerr ("usage: %s [--cohort-only] COHORT.ndjson\n", argv[0]);
      return 2;
    }
  gtk_init ();
  adw_init ();
  frame_times = g_array_new (FALSE, FALSE, sizeof (double));

  window = cs_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1400, 900);
  gtk_window_present (GTK_WINDOW (window));
  paths[0] = argv[argc - 1];
  start = g_get_monotonic_time ();
  cs_window_open_paths (window, paths, NULL);
  source = g_timeout_add (50, wake_up, NULL);
  while (cs_window_get_loading (window))
    g_main_context_iteration (NULL, TRUE);
  store = cs_window_get_store (window);
  if (store == NULL)
    {
      g_printerr ("could not load %s\n", argv[1]);
      return 1;
    }
  g_print ("loaded %u patients in %.1f s\n", cs_store_get_n_patients (store),
           (g_get_monotonic_time () - start) / 1e6);

  builder = CS_COHORT_BUILDER (gtk_widget_get_ancestor (GTK_WIDGET (cs_window_get_cohort_view (window)),
                                                        CS_TYPE_COHORT_BUILDER));
  key = cs_store_lookup_variable (store, "age_at_diagnosis") != NULL ? "age_at_diagnosis" : NULL;
  for (guint i = 0; key == NULL && i < cs_store_get_n_variables (store); i++)
    if (cs_store_get_variable (store, i)->type == CS_VARIABLE_NUMERIC)
      key = cs_store_get_variable (store, i)->key;
  if (key == NULL)
    {
      g_printerr ("no numeric variable\n");
      return 1;
    }
  var = cs_store_lookup_variable (store, key);
  lo = INFINITY;
  hi = -INFINITY;
  for (guint row = 0; row < var->n_rows; row++)
    if (!isnan (var->num[row]))
      {
        lo = MIN (lo, var->num[row]);
        hi = MAX (hi, var->num[row]);
      }
  cs_cohort_builder_pin (builder, key);
  cs_cohort_builder_add_control (builder, key);
  if (cohort_only)
    g_signal_handlers_block_matched (builder, G_SIGNAL_MATCH_ID,
                                     g_signal_lookup ("selection-changed", CS_TYPE_COHORT_BUILDER),
                                     0, NULL, NULL, NULL);
  g_signal_connect (builder, "selection-changed", G_CALLBACK (on_selection_changed), NULL);

  /* Let the dashboard settle */
  for (guint i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);

  /* One synchronous evaluation (filter, dashboard counts, table filter),
   * in main-thread CPU time */
  for (guint i = 0; i < 15; i++)
    {
      double t0 = thread_ms ();
      double ms;

      cs_filter_state_set_range (cs_cohort_builder_get_filter_state (builder), key,
                                 lo + (hi - lo) * (0.1 + 0.02 * i), hi - (hi - lo) * 0.1, FALSE);
      cs_cohort_builder_flush (builder);
      ms = thread_ms () - t0;
      g_array_append_val (sync_times, ms);
      ms = signal_time - t0;
      g_array_append_val (filter_times, ms);
    }
  n_evaluations = 0;

  explore = CS_EXPLORE_VIEW (test_find_of_type (GTK_WIDGET (window), CS_TYPE_EXPLORE_VIEW));
  explore_before = explore != NULL ? _cs_explore_view_get_n_recomputes (explore) : 0;
  gtk_widget_add_tick_callback (GTK_WIDGET (builder), drag_tick, NULL, NULL);
  cpu_start = cpu_ms ();
  while (!finished)
    g_main_context_iteration (NULL, TRUE);
  cpu_end = cpu_ms ();
  g_source_remove (source);

  for (guint i = 2; i < frame_times->len; i++)
    {
      double d = g_array_index (frame_times, double, i) - g_array_index (frame_times, double, i - 1);

      g_array_append_val (intervals, d);
    }
  g_print ("%u patients, %s: filter + count + charts + sidebar: median %.1f ms, max %.1f ms cpu; "
           "with the table: median %.1f ms, max %.1f ms\n",
           cs_store_get_n_patients (store), key, percentile (filter_times, 0.5), percentile (filter_times, 1.0),
           percentile (sync_times, 0.5), percentile (sync_times, 1.0));
  g_print ("drag: %u frames, %u edits, %u evaluations; cpu %.1f ms per frame; "
           "frame interval median %.1f ms, p95 %.1f ms, max %.1f ms\n",
           frame, n_edits, n_evaluations, (cpu_end - cpu_start) / MAX (frame, 1),
           percentile (intervals, 0.5), percentile (intervals, 0.95), percentile (intervals, 1.0));

  if (explore != NULL && !cohort_only)
    g_print ("Explore view (hidden): %u recomputations during the drag, dirty %s\n",
             _cs_explore_view_get_n_recomputes (explore) - explore_before,
             _cs_explore_view_get_dirty (explore) ? "yes" : "no");

  gtk_window_destroy (GTK_WINDOW (window));
  g_array_unref (frame_times);

  return 0;
}
