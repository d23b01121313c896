/* test-chart-compact.c: the compact bar chart and histogram of the cohort
 * builder (CsChartBarModel.horizontal, CsChartHistogramModel.compact), the
 * marked categories, and the focus and range overlays
 *
 * Drawn on a white image surface; pixels are checked where the layout says
 * the bars, bands and overlays are.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <fontconfig/fontconfig.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "cs-chart.h"

#define WIDTH  230
#define HEIGHT 150

static const char *levels[] = { "I", "II", "IIIA", "A long histology name that cannot fit" };
static const double all[] = { 80, 40, 120, 20 };
static const double sel[] = { 20, 0, 120, 10 };

typedef struct
{
  guint8 r, g, b;
} Rgb;

static cairo_surface_t *
canvas_new (cairo_t **cr)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, WIDTH, HEIGHT);

  *cr = cairo_create (surface);
  cairo_set_source_rgb (*cr, 1, 1, 1);
  cairo_paint (*cr);
  return surface;
}

static Rgb
rgb_at (cairo_surface_t *surface,
        double           x,
        double           y)
{
  const guint8 *data;
  guint32 p;
  int ix = (int) floor (x), iy = (int) floor (y);

  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  g_assert_cmpint (ix, >=, 0);
  g_assert_cmpint (iy, >=, 0);
  g_assert_cmpint (ix, <, cairo_image_surface_get_width (surface));
  g_assert_cmpint (iy, <, cairo_image_surface_get_height (surface));
  p = *(const guint32 *) (const void *) (data + (gsize) iy * cairo_image_surface_get_stride (surface) + (gsize) ix * 4);
  return (Rgb) { (p >> 16) & 0xff, (p >> 8) & 0xff, p & 0xff };
}

/* color at alpha over white */
static gboolean
is_color (Rgb          p,
          CsChartColor c,
          double       alpha)
{
  double r = 255 * (c.r * alpha + (1 - alpha));
  double g = 255 * (c.g * alpha + (1 - alpha));
  double b = 255 * (c.b * alpha + (1 - alpha));

  return fabs (p.r - r) <= 3 && fabs (p.g - g) <= 3 && fabs (p.b - b) <= 3;
}

static gboolean
is_white (Rgb p)
{
  return p.r == 255 && p.g == 255 && p.b == 255;
}

static CsChartBarModel
bar_model (void)
{
  CsChartBarModel model = { 0 };

  model.n_categories = G_N_ELEMENTS (levels);
  model.labels = levels;
  model.counts_all = all;
  model.counts_selected = sel;
  model.title = "Stage group";
  model.horizontal = TRUE;
  return model;
}

static void
test_bar_layout_hit (void)
{
  CsChartBarModel model = bar_model ();
  CsChartLayout layout;

  cs_chart_bar_layout (&model, NULL, WIDTH, HEIGHT, &layout);
  g_assert_cmpuint (layout.n_bands, ==, 4);
  g_assert_cmpfloat (layout.band_height, ==, 20);
  g_assert_cmpfloat (layout.plot.y, ==, 22);               /* under the title */
  g_assert_cmpfloat (layout.plot.x, >, WIDTH * 0.4);       /* after the labels */
  g_assert_cmpfloat (layout.plot.x + layout.plot.width, <, WIDTH - 40);  /* room for "120 / 120" */
  g_assert_cmpfloat (layout.x_max, ==, 120);
  g_assert_cmpfloat (cs_chart_layout_x_to_px (&layout, 120), ==, layout.plot.x + layout.plot.width);
  g_assert_cmpfloat (cs_chart_layout_y_to_px (&layout, 2), ==, layout.plot.y + 2 * layout.band_height);

  /* A row is hit anywhere across the chart */
  for (guint i = 0; i < 4; i++)
    {
      double y = cs_chart_layout_y_to_px (&layout, i + 0.5);

      g_assert_cmpint (cs_chart_bar_hit (&model, &layout, 1, y), ==, (int) i);
      g_assert_cmpint (cs_chart_bar_hit (&model, &layout, WIDTH - 1, y), ==, (int) i);
    }
  g_assert_cmpint (cs_chart_bar_hit (&model, &layout, 50, 10), ==, -1);      /* the title */
  g_assert_cmpint (cs_chart_bar_hit (&model, &layout, 50, 22 + 80), ==, -1); /* under the rows */
  g_assert_cmpint (cs_chart_bar_hit (&model, &layout, -1, 30), ==, -1);
  g_assert_cmpint (cs_chart_bar_hit (&model, &layout, WIDTH, 30), ==, -1);

  /* Many levels share the height; without a title the rows start at the top */
  {
    const char *many[12];
    double counts[12];
    CsChartBarModel crowded = { 0 };

    for (guint i = 0; i < 12; i++)
      {
        many[i] = "x";
        counts[i] = i;
      }
    crowded.n_categories = 12;
    crowded.labels = many;
    crowded.counts_all = counts;
    crowded.horizontal = TRUE;
    cs_chart_bar_layout (&crowded, NULL, WIDTH, 90, &layout);
    g_assert_cmpfloat (layout.plot.y, ==, 2);
    g_assert_cmpfloat (fabs (layout.band_height - 86.0 / 12), <, 1e-9);
    g_assert_cmpint (cs_chart_bar_hit (&crowded, &layout, 10, 87), ==, 11);
  }

  /* Vertical charts hit by column, like cs_chart_band_hit */
  model.horizontal = FALSE;
  cs_chart_bar_layout (&model, cs_chart_style_light (), 600, 400, &layout);
  g_assert_cmpint (cs_chart_bar_hit (&model, &layout, layout.plot.x + layout.band_width * 2.5,
                                     layout.plot.y + 5), ==, 2);
  g_assert_cmpint (cs_chart_bar_hit (&model, &layout, layout.plot.x - 1, layout.plot.y + 5), ==, -1);
}

/* Length in px of the run of color (at alpha over white) along row y from x0 */
static double
run_length (cairo_surface_t *surface,
            double           x0,
            double           y,
            CsChartColor     color,
            double           alpha)
{
  double x = x0;

  while (x < WIDTH && is_color (rgb_at (surface, x, y), color, alpha))
    x++;
  return x - x0;
}

static void
test_bar_draw (void)
{
  CsChartBarModel model = bar_model ();
  const CsChartStyle *style = cs_chart_style_light ();
  CsChartColor accent = cs_chart_style_category_color (style, 0);
  guint8 marked[4] = { 0, 0, 1, 0 };
  CsChartLayout layout;
  cairo_surface_t *surface;
  cairo_t *cr;

  model.highlighted = marked;
  surface = canvas_new (&cr);
  cs_chart_bar_draw (cr, WIDTH, HEIGHT, &model, style);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cs_chart_bar_layout (&model, style, WIDTH, HEIGHT, &layout);

  for (guint i = 0; i < 4; i++)
    {
      double y = cs_chart_layout_y_to_px (&layout, i + 0.5);
      /* from the first whole pixel (plot.x has a fraction) */
      double selected = run_length (surface, ceil (layout.plot.x), y, accent, 1.0) + ceil (layout.plot.x) - layout.plot.x;
      double scale = layout.plot.width / 120;

      /* the cohort's bar in the accent colour, then the rest of the whole in grey */
      g_assert_cmpfloat (fabs (selected - sel[i] * scale), <=, 1.0);
      if (all[i] > sel[i])
        {
          Rgb grey = rgb_at (surface, layout.plot.x + (sel[i] + all[i]) / 2 * scale, y);

          g_assert_true (is_color (grey, style->muted, 0.35));
        }
      /* past the whole count: the row's background */
      if (i == 2)
        g_assert_true (is_color (rgb_at (surface, layout.plot.x + layout.plot.width - 0.5, y - 8), accent, 0.15)
                       || is_color (rgb_at (surface, layout.plot.x + layout.plot.width - 0.5, y - 8), accent, 1.0));
      else
        g_assert_true (is_white (rgb_at (surface, layout.plot.x + all[i] * scale + 2, y)));
    }

  /* the marked row has a band across the chart, the others none */
  g_assert_true (is_color (rgb_at (surface, WIDTH - 1, cs_chart_layout_y_to_px (&layout, 2) + 1), accent, 0.15));
  g_assert_true (is_white (rgb_at (surface, WIDTH - 1, cs_chart_layout_y_to_px (&layout, 1) + 1)));

  /* a label too long for its column does not reach the bars */
  for (double y = cs_chart_layout_y_to_px (&layout, 3); y < cs_chart_layout_y_to_px (&layout, 4); y++)
    g_assert_true (is_white (rgb_at (surface, layout.plot.x - 3, y)));

  /* the focus outline of row 1 */
  cs_chart_bar_draw_focus (cr, &model, &layout, style, 1);
  {
    double top = cs_chart_layout_y_to_px (&layout, 1);
    guint inked = 0;

    for (double x = 0; x < WIDTH; x++)
      inked += !is_white (rgb_at (surface, x, top + 0.5));
    g_assert_cmpuint (inked, >, WIDTH / 3);
    g_assert_cmpuint (inked, <, WIDTH);   /* dashed */
  }
  cs_chart_bar_draw_focus (cr, &model, &layout, style, 9);   /* no such row: nothing */
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);

  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

static void
test_bar_vertical_marked (void)
{
  const CsChartStyle *style = cs_chart_style_light ();
  CsChartColor accent = cs_chart_style_category_color (style, 0);
  CsChartBarModel model = bar_model ();
  guint8 marked[4] = { 1, 0, 0, 0 };
  CsChartLayout layout;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 600, 400);
  cairo_t *cr = cairo_create (surface);
  double top;
  const guint8 *data;
  int stride;
  guint32 band, plain;

  model.horizontal = FALSE;
  model.highlighted = marked;
  cs_chart_bar_draw (cr, 600, 400, &model, style);
  cs_chart_bar_layout (&model, style, 600, 400, &layout);
  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);

  /* above the bars of column 0 and 1, away from grid lines and labels */
  top = cs_chart_layout_y_to_px (&layout, layout.y_max) + 3;
  band = *(const guint32 *) (const void *) (data + (gsize) top * stride + (gsize) (layout.plot.x + layout.band_width * 0.1) * 4);
  plain = *(const guint32 *) (const void *) (data + (gsize) top * stride + (gsize) (layout.plot.x + layout.band_width * 1.1) * 4);
  g_assert_true (is_color ((Rgb) { (band >> 16) & 0xff, (band >> 8) & 0xff, band & 0xff }, accent, 0.15));
  g_assert_cmphex (plain & 0xffffff, ==, 0xffffff);

  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

static void
test_histogram_compact (void)
{
  static const double hall[] = { 2, 4, 8, 4, 2, 0, 1 };
  static const double hsel[] = { 0, 2, 8, 1, 0, 0, 0 };
  const CsChartStyle *style = cs_chart_style_light ();
  CsChartColor accent = cs_chart_style_category_color (style, 0);
  CsChartHistogramModel model = { 0 };
  CsChartLayout layout;
  cairo_surface_t *surface;
  cairo_t *cr;
  double lo, hi;
  guint count;

  model.counts_all = hall;
  model.counts_selected = hsel;
  model.n_bins = G_N_ELEMENTS (hall);
  model.bin_start = 40;
  model.bin_width = 5;
  model.compact = TRUE;

  cs_chart_histogram_layout (&model, style, WIDTH, 90, &layout);
  g_assert_cmpfloat (layout.x_min, ==, 40);
  g_assert_cmpfloat (layout.x_max, ==, 75);
  g_assert_cmpfloat (layout.plot.y, ==, 4);
  g_assert_cmpfloat (layout.plot.x, ==, 10);
  g_assert_cmpfloat (layout.plot.width, ==, WIDTH - 20);
  g_assert_cmpfloat (layout.plot.y + layout.plot.height, ==, 90 - 18);
  g_assert_cmpuint (layout.n_bands, ==, 7);
  /* pointer ↔ value through the layout (a brush) */
  g_assert_cmpfloat (fabs (cs_chart_layout_px_to_x (&layout, layout.plot.x + layout.plot.width / 2) - 57.5), <, 1e-9);
  g_assert_cmpint (cs_chart_histogram_hit (&model, &layout, cs_chart_layout_x_to_px (&layout, 51), 30,
                                           &lo, &hi, &count), ==, 2);
  g_assert_cmpfloat (lo, ==, 50);
  g_assert_cmpfloat (hi, ==, 55);
  g_assert_cmpuint (count, ==, 8);

  model.title = "Age at diagnosis";
  cs_chart_histogram_layout (&model, style, WIDTH, HEIGHT, &layout);
  g_assert_cmpfloat (layout.plot.y, ==, 22);

  surface = canvas_new (&cr);
  cs_chart_histogram_draw (cr, WIDTH, HEIGHT, &model, style);
  {
    double bottom = layout.plot.y + layout.plot.height - 0.5;
    double per_count = layout.plot.height / 8;

    for (guint b = 0; b < model.n_bins; b++)
      {
        double x = layout.plot.x + layout.band_width * (b + 0.5);
        double y_sel = bottom - hsel[b] * per_count / 2;
        double y_all = bottom - (hsel[b] + hall[b]) / 2 * per_count;

        if (hsel[b] > 0)
          g_assert_true (is_color (rgb_at (surface, x, y_sel), accent, 1.0));
        if (hall[b] > hsel[b])
          g_assert_true (is_color (rgb_at (surface, x, y_all), style->muted, 0.35));
        else if (hall[b] == 0)
          g_assert_true (is_white (rgb_at (surface, x, bottom - 2)));
      }
  }

  /* a range from 45 to the open right end: the band and two handles */
  cs_chart_histogram_draw_range (cr, &layout, style, 45, NAN);
  {
    double x0 = cs_chart_layout_x_to_px (&layout, 45);
    double y = layout.plot.y + 2;   /* above every bar */

    g_assert_true (is_color (rgb_at (surface, x0, y), accent, 1.0));
    g_assert_true (is_color (rgb_at (surface, layout.plot.x + layout.plot.width - 1, y), accent, 1.0));
    g_assert_true (is_color (rgb_at (surface, (x0 + layout.plot.x + layout.plot.width) / 2, y), accent, 0.15));
    g_assert_true (is_white (rgb_at (surface, layout.plot.x + 3, y)));
  }
  cairo_destroy (cr);
  cairo_surface_destroy (surface);

  /* a range beyond the data is clamped to the plot */
  surface = canvas_new (&cr);
  cs_chart_histogram_draw_range (cr, &layout, style, -1000, 1000);
  g_assert_true (is_color (rgb_at (surface, layout.plot.x + 5, layout.plot.y + 5), accent, 0.15));
  g_assert_true (is_white (rgb_at (surface, 3, layout.plot.y + 5)));
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

/* The full histogram takes counts as well: the cohort over the muted table */
static void
test_histogram_counts_full (void)
{
  static const double hall[] = { 10, 20, 30 };
  static const double hsel[] = { 5, 0, 30 };
  const CsChartStyle *style = cs_chart_style_light ();
  CsChartColor color = cs_chart_style_category_color (style, 0);
  CsChartHistogramModel model = { 0 };
  CsChartLayout layout;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 600, 400);
  cairo_t *cr = cairo_create (surface);
  double x, y;
  const guint8 *data;
  guint32 p;

  model.counts_all = hall;
  model.counts_selected = hsel;
  model.n_bins = 3;
  model.bin_start = 0;
  model.bin_width = 10;
  cs_chart_histogram_draw (cr, 600, 400, &model, style);
  cs_chart_histogram_layout (&model, style, 600, 400, &layout);
  g_assert_cmpfloat (layout.x_min, <=, 0);
  g_assert_cmpfloat (layout.x_max, >=, 30);
  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);

  /* bin 1: nothing selected, the muted bar of 20 */
  x = cs_chart_layout_x_to_px (&layout, 15);
  y = cs_chart_layout_y_to_px (&layout, 10);
  p = *(const guint32 *) (const void *) (data + (gsize) y * cairo_image_surface_get_stride (surface) + (gsize) x * 4);
  g_assert_true (is_color ((Rgb) { (p >> 16) & 0xff, (p >> 8) & 0xff, p & 0xff }, style->muted, 0.35));
  /* bin 2: all selected */
  x = cs_chart_layout_x_to_px (&layout, 25);
  y = cs_chart_layout_y_to_px (&layout, 15);
  p = *(const guint32 *) (const void *) (data + (gsize) y * cairo_image_surface_get_stride (surface) + (gsize) x * 4);
  g_assert_true (is_color ((Rgb) { (p >> 16) & 0xff, (p >> 8) & 0xff, p & 0xff }, color, 0.85));

  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

/* Nothing to draw, non-finite counts, tiny sizes: no crash, no ink where
 * there is no data, and every output format */
static void
test_degenerate (void)
{
  static const double odd[] = { NAN, INFINITY, -3, 5 };
  const char *names[] = { "a", NULL, "c", "d" };
  CsChartBarModel bar = { 0 };
  CsChartHistogramModel hist = { 0 };
  CsChartLayout layout;
  cairo_surface_t *surface;
  cairo_t *cr;
  g_autofree char *dir = g_dir_make_tmp ("cs-compact-XXXXXX", NULL);
  g_autoptr(GError) error = NULL;

  bar.horizontal = TRUE;
  cs_chart_bar_layout (&bar, NULL, WIDTH, HEIGHT, &layout);
  g_assert_cmpint (cs_chart_bar_hit (&bar, &layout, 10, 10), ==, -1);
  surface = canvas_new (&cr);
  cs_chart_bar_draw (cr, WIDTH, HEIGHT, &bar, NULL);
  g_assert_true (is_white (rgb_at (surface, WIDTH / 2, HEIGHT / 2)));
  cairo_destroy (cr);
  cairo_surface_destroy (surface);

  bar.n_categories = 4;
  bar.labels = names;
  bar.counts_all = odd;
  bar.counts_selected = odd;
  hist.compact = TRUE;
  hist.counts_all = odd;
  hist.n_bins = 4;
  hist.bin_width = 0;           /* taken as 1 */
  for (guint size = 1; size < 400; size *= 3)
    {
      surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, size, size);
      cr = cairo_create (surface);
      cs_chart_bar_draw (cr, size, size, &bar, NULL);
      cs_chart_histogram_draw (cr, size, size, &hist, NULL);
      cs_chart_bar_layout (&bar, NULL, size, size, &layout);
      cs_chart_bar_draw_focus (cr, &bar, &layout, NULL, 0);
      cs_chart_histogram_layout (&hist, NULL, size, size, &layout);
      cs_chart_histogram_draw_range (cr, &layout, NULL, NAN, NAN);
      g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
      cairo_destroy (cr);
      cairo_surface_destroy (surface);
    }

  /* no bins: only the baseline */
  hist.n_bins = 0;
  cs_chart_histogram_layout (&hist, NULL, WIDTH, 90, &layout);
  g_assert_cmpint (cs_chart_histogram_hit (&hist, &layout, 100, 30, NULL, NULL, NULL), ==, -1);

  /* the compact forms export like any chart */
  hist.n_bins = 4;
  hist.is_date = TRUE;
  for (guint i = 0; i < 3; i++)
    {
      static const char *ext[] = { "png", "svg", "pdf" };
      g_autofree char *name = g_strdup_printf ("compact.%s", ext[i]);
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_assert_true (cs_chart_export (CS_CHART_BAR, &bar, NULL, path, WIDTH, HEIGHT, &error));
      g_assert_no_error (error);
      g_assert_true (cs_chart_export (CS_CHART_HISTOGRAM, &hist, NULL, path, WIDTH, HEIGHT, &error));
      g_assert_no_error (error);
      g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
      g_remove (path);
    }
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/charts/compact/bar-layout-hit", test_bar_layout_hit);
  g_test_add_func ("/charts/compact/bar-draw", test_bar_draw);
  g_test_add_func ("/charts/compact/bar-vertical-marked", test_bar_vertical_marked);
  g_test_add_func ("/charts/compact/histogram", test_histogram_compact);
  g_test_add_func ("/charts/compact/histogram-counts-full", test_histogram_counts_full);
  g_test_add_func ("/charts/compact/degenerate", test_degenerate);

  ret = g_test_run ();
  FcFini ();
  return ret;
}
