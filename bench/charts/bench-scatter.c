/* bench-scatter.c: 100,000-point scatter at 1600×1000
 *
 * Renders the same data with cs_chart_scatter_draw() and with a naive
 * baseline (one cairo_arc + cairo_fill per point) to image surfaces and
 * prints the best of several runs for each.
 *
 *   bench-scatter [N_POINTS [RUNS]]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "cs-chart.h"

#define WIDTH  1600
#define HEIGHT 1000

static guint64 state = 12345;

static double
unit (void)
{
  guint64 z = (state += G_GUINT64_CONSTANT (0x9E3779B97F4A7C15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  z ^= z >> 31;
  return ((z >> 11) + 0.5) / (double) (G_GUINT64_CONSTANT (1) << 53);
}

static double
normal (void)
{
  return sqrt (-2 * log (unit ())) * cos (2 * G_PI * unit ());
}

/* Baseline: the same layout and frame, then one arc and fill per point. */
static void
naive_draw (cairo_t                   *cr,
            const CsChartScatterModel *model)
{
  CsChartScatterModel frame_only = *model;
  CsChartLayout layout;

  frame_only.n = 0;
  cs_chart_scatter_draw (cr, WIDTH, HEIGHT, &frame_only, NULL);
  cs_chart_scatter_layout (model, cs_chart_style_light (), WIDTH, HEIGHT, &layout);

  cairo_set_source_rgba (cr, 0, 0.447, 0.698, 0.75);
  for (guint i = 0; i < model->n; i++)
    {
      cairo_arc (cr, cs_chart_layout_x_to_px (&layout, model->x[i]),
                 cs_chart_layout_y_to_px (&layout, model->y[i]), 1.5, 0, 2 * G_PI);
      cairo_fill (cr);
    }
}

static double
run (gboolean                   naive,
     const CsChartScatterModel *model)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, WIDTH, HEIGHT);
  cairo_t *cr = cairo_create (surface);
  gint64 t0, t1;

  t0 = g_get_monotonic_time ();
  if (naive)
    naive_draw (cr, model);
  else
    cs_chart_scatter_draw (cr, WIDTH, HEIGHT, model, NULL);
  cairo_surface_flush (surface);
  t1 = g_get_monotonic_time ();

  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  return (t1 - t0) / 1000.0;
}

int
main (int   argc,
      char *argv[])
{
  guint n = argc > 1 ? (guint) strtoul (argv[1], NULL, 10) : 100000;
  guint runs = argc > 2 ? (guint) strtoul (argv[2], NULL, 10) : 5;
  g_autofree double *x = g_new (double, MAX (n, 1));
  g_autofree double *y = g_new (double, MAX (n, 1));
  CsChartScatterModel model = { 0 };
  double best = G_MAXDOUBLE, best_naive = G_MAXDOUBLE;

  for (guint i = 0; i < n; i++)
    {
      x[i] = normal ();
      y[i] = 0.6 * x[i] + 0.8 * normal ();
    }
  model.x = x;
  model.y = y;
  model.n = n;
  model.regression = TRUE;
  model.x_label = "Feature A (mm³)";
  model.y_label = "Feature B";

  /* warm up fonts and caches */
  run (FALSE, &model);
  for (guint r = 0; r < MAX (runs, 1); r++)
    {
      best = MIN (best, run (FALSE, &model));
      best_naive = MIN (best_naive, run (TRUE, &model));
    }

  printf ("scatter %u points %dx%d: cs_chart_scatter_draw %.1f ms, naive arc+fill %.1f ms, speed-up %.1f×\n",
          n, WIDTH, HEIGHT, best, best_naive, best_naive / best);
  return 0;
}
