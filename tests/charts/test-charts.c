/* test-charts.c: chart renderers, ticks, layout and hit testing
 *
 * Every kind is rendered headless to PNG, SVG and PDF in a temporary
 * directory; pixels of the PNGs are checked where the drawing is known.
 * Set CS_CHARTS_KEEP=DIR to keep the rendered files for a look.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <fontconfig/fontconfig.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "cs-chart.h"
#include "cs-chart-private.h"

static char *tmpdir;

/* ---------------------------------------------------------------- data */

static guint64 rng_state;

static double
rng_unit (void)
{
  guint64 z = (rng_state += G_GUINT64_CONSTANT (0x9E3779B97F4A7C15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  z ^= z >> 31;
  return ((z >> 11) + 0.5) / (double) (G_GUINT64_CONSTANT (1) << 53);
}

static double
rng_normal (void)
{
  return sqrt (-2 * log (rng_unit ())) * cos (2 * G_PI * rng_unit ());
}

typedef struct
{
  double  x[300], y[300];
  gint32  cat[300];
  CsChartScatterModel model;
} ScatterData;

static const char *cat_labels[] = { "Adenocarcinoma", "Squamous cell", "Large cell" };

static void
scatter_data_init (ScatterData *d)
{
  rng_state = 1;
  for (guint i = 0; i < 300; i++)
    {
      d->x[i] = 2000 + 30000 * rng_unit ();
      d->y[i] = 0.4 + d->x[i] / 40000.0 + 0.1 * rng_normal ();
      d->cat[i] = i % 17 == 0 ? -1 : (gint32) (i % 3);
    }
  d->x[5] = NAN;
  memset (&d->model, 0, sizeof d->model);
  d->model.x = d->x;
  d->model.y = d->y;
  d->model.n = 300;
  d->model.category = d->cat;
  d->model.category_labels = cat_labels;
  d->model.n_categories = 3;
  d->model.regression = TRUE;
  d->model.title = "Tumour volume vs sphericity";
  d->model.x_label = "Volume (mm³)";
  d->model.y_label = "Sphericity";
}

typedef struct
{
  double  v[4][120];
  const double *ptrs[4];
  guint   n[4];
  CsChartBoxModel model;
} BoxData;

static const char *stage_labels[] = { "I", "II", "IIIa", "IIIb" };

static void
box_data_init (BoxData *d,
               gboolean violin)
{
  rng_state = 7;
  for (guint g = 0; g < 4; g++)
    {
      d->n[g] = 40 + 20 * g;
      for (guint i = 0; i < d->n[g]; i++)
        d->v[g][i] = 10 + 6 * g + 3 * rng_normal () + (i == 0 ? 15 : 0);
      d->ptrs[g] = d->v[g];
    }
  memset (&d->model, 0, sizeof d->model);
  d->model.n_groups = 4;
  d->model.group_labels = stage_labels;
  d->model.values = d->ptrs;
  d->model.n_values = d->n;
  d->model.violin = violin;
  d->model.points = TRUE;
  d->model.title = "Tumour diameter by stage";
  d->model.x_label = "Overall stage";
  d->model.y_label = "Diameter (mm)";
}

typedef struct
{
  double t[2][60], s[2][60], lo[2][60], hi[2][60], c[2][60];
  CsChartKmGroup groups[2];
  CsChartKmModel model;
} KmData;

/* A product-limit estimate from simulated times, with a log–log CI. */
static void
km_data_init (KmData *d)
{
  static const char *labels[] = { "Stage I–II", "Stage III" };

  rng_state = 11;
  memset (d, 0, sizeof *d);
  for (guint g = 0; g < 2; g++)
    {
      double times[60];
      gboolean ev[60];
      guint n = 60, risk = 60, ns = 0, nc = 0;
      double s = 1, var = 0;

      for (guint i = 0; i < n; i++)
        {
          times[i] = round (-log (rng_unit ()) * (g == 0 ? 900 : 350)) + 1;
          ev[i] = rng_unit () < 0.75;
          if (times[i] > 1500)
            {
              times[i] = 1500;
              ev[i] = FALSE;
            }
        }
      /* sort by time */
      for (guint i = 1; i < n; i++)
        for (guint j = i; j > 0 && times[j - 1] > times[j]; j--)
          {
            double tt = times[j];
            gboolean te = ev[j];

            times[j] = times[j - 1];
            ev[j] = ev[j - 1];
            times[j - 1] = tt;
            ev[j - 1] = te;
          }
      for (guint i = 0; i < n;)
        {
          guint j = i, events = 0, cens = 0;

          while (j < n && times[j] == times[i])
            {
              if (ev[j])
                events++;
              else
                cens++;
              j++;
            }
          if (events > 0)
            {
              double se, ll;

              s *= 1.0 - (double) events / risk;
              if (risk > events)
                var += (double) events / ((double) risk * (risk - events));
              d->t[g][ns] = times[i];
              d->s[g][ns] = s;
              se = sqrt (var) / fabs (log (s));
              ll = log (-log (s));
              d->lo[g][ns] = s > 0 && s < 1 ? exp (-exp (ll + 1.96 * se)) : NAN;
              d->hi[g][ns] = s > 0 && s < 1 ? exp (-exp (ll - 1.96 * se)) : NAN;
              ns++;
            }
          for (guint k = 0; k < cens; k++)
            d->c[g][nc++] = times[i];
          risk -= events + cens;
          i = j;
        }
      d->groups[g].label = labels[g];
      d->groups[g].n = n;
      d->groups[g].n_steps = ns;
      d->groups[g].time = d->t[g];
      d->groups[g].survival = d->s[g];
      d->groups[g].lower = d->lo[g];
      d->groups[g].upper = d->hi[g];
      d->groups[g].n_censor = nc;
      d->groups[g].censor_time = d->c[g];
    }
  d->model.n_groups = 2;
  d->model.groups = d->groups;
  d->model.ci = TRUE;
  d->model.at_risk_table = TRUE;
  d->model.title = "Overall survival";
  d->model.subtitle = "Log-rank p = 0.0004";
  d->model.x_label = "Time (days)";
}

typedef struct
{
  double r[12 * 4], q[12 * 4];
  char *row_labels[12];
  CsChartHeatmapModel model;
} HeatData;

static const char *clin_labels[] = { "Age (years)", "Overall stage", "Survival time (days)", "Smoking (pack-years)" };

static void
heat_data_init (HeatData *d)
{
  rng_state = 5;
  for (guint i = 0; i < 12; i++)
    {
      /* two families of features with opposite profiles, interleaved */
      double sign = i % 2 == 0 ? 1 : -1;

      d->row_labels[i] = g_strdup_printf ("original_%s_feature_%u", i % 2 == 0 ? "shape" : "glcm", i);
      for (guint c = 0; c < 4; c++)
        {
          double base[4] = { 0.7, -0.5, 0.2, 0.45 };

          d->r[i * 4 + c] = CLAMP (sign * base[c] * (0.6 + 0.4 * rng_unit ()), -1, 1);
          d->q[i * 4 + c] = fabs (d->r[i * 4 + c]) > 0.3 ? 0.01 : 0.4;
        }
    }
  memset (&d->model, 0, sizeof d->model);
  d->model.n_rows = 12;
  d->model.n_cols = 4;
  d->model.r = d->r;
  d->model.q = d->q;
  d->model.row_labels = (const char * const *) d->row_labels;
  d->model.col_labels = clin_labels;
  d->model.order = CS_CHART_ORDER_CLUSTER;
  d->model.title = "Radiomics × clinical (Spearman)";
  d->model.effect_label = "Spearman ρ";
}

static void
heat_data_clear (HeatData *d)
{
  for (guint i = 0; i < 12; i++)
    g_free (d->row_labels[i]);
}

/* -------------------------------------------------------------- helpers */

static cairo_surface_t *
render_image (CsChartKind   kind,
              gconstpointer model,
              int           width,
              int           height)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_t *cr = cairo_create (surface);

  cs_chart_draw (kind, model, cr, width, height, NULL);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

static guint32
pixel (cairo_surface_t *surface,
       int              x,
       int              y)
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);

  g_assert_cmpint (x, >=, 0);
  g_assert_cmpint (y, >=, 0);
  g_assert_cmpint (x, <, cairo_image_surface_get_width (surface));
  g_assert_cmpint (y, <, cairo_image_surface_get_height (surface));
  return *(const guint32 *) (const void *) (data + (gsize) y * stride + (gsize) x * 4);
}

static void
rgb_of (guint32 p,
        int    *r,
        int    *g,
        int    *b)
{
  *r = (p >> 16) & 0xff;
  *g = (p >> 8) & 0xff;
  *b = p & 0xff;
}

static gboolean
close_to (guint32      p,
          CsChartColor c,
          int          tolerance)
{
  int r, g, b;

  rgb_of (p, &r, &g, &b);
  return ABS (r - (int) round (c.r * 255)) <= tolerance &&
         ABS (g - (int) round (c.g * 255)) <= tolerance &&
         ABS (b - (int) round (c.b * 255)) <= tolerance;
}

static guint
count_distinct_colors (cairo_surface_t *surface)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  int w = cairo_image_surface_get_width (surface);
  int h = cairo_image_surface_get_height (surface);

  for (int y = 0; y < h; y += 2)
    for (int x = 0; x < w; x += 2)
      g_hash_table_add (seen, GUINT_TO_POINTER (pixel (surface, x, y) | 1u));
  return g_hash_table_size (seen);
}

static char *
out_path (const char *name)
{
  const char *keep = g_getenv ("CS_CHARTS_KEEP");

  return g_build_filename (keep && *keep ? keep : tmpdir, name, NULL);
}

static gsize
file_size (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_size;
}

/* Exports model as PNG, SVG and PDF and checks each file */
static void
export_all (CsChartKind   kind,
            gconstpointer model,
            const char   *name,
            gboolean      dark)
{
  const CsChartStyle *style = dark ? cs_chart_style_dark () : cs_chart_style_light ();
  static const char *exts[] = { "png", "svg", "pdf" };

  for (guint e = 0; e < G_N_ELEMENTS (exts); e++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *file = g_strdup_printf ("%s%s.%s", name, dark ? "-dark" : "", exts[e]);
      g_autofree char *path = out_path (file);
      g_autofree char *contents = NULL;
      gsize len;

      g_assert_true (cs_chart_export (kind, model, style, path, 800, 560, &error));
      g_assert_no_error (error);
      g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
      g_assert_cmpuint (len, ==, file_size (path));

      if (e == 0)
        {
          cairo_surface_t *png = cairo_image_surface_create_from_png (path);

          g_assert_cmpint (cairo_surface_status (png), ==, CAIRO_STATUS_SUCCESS);
          g_assert_cmpint (cairo_image_surface_get_width (png), ==, 800);
          g_assert_cmpint (cairo_image_surface_get_height (png), ==, 560);
          g_assert_true (memcmp (contents, "\x89PNG\r\n\x1a\n", 8) == 0);
          g_assert_cmpuint (len, >, 8000);
          /* axes, text, anti-aliasing and data colours */
          g_assert_cmpuint (count_distinct_colors (png), >, 20);
          /* the background colour is in a corner */
          g_assert_true (close_to (pixel (png, 1, 558), style->bg, 1));
          cairo_surface_destroy (png);
        }
      else if (e == 1)
        {
          g_assert_nonnull (strstr (contents, "<svg"));
          g_assert_nonnull (strstr (contents, "</svg>"));
          g_assert_cmpuint (len, >, 3000);
        }
      else
        {
          g_assert_true (g_str_has_prefix (contents, "%PDF-"));
          g_assert_nonnull (g_strstr_len (contents + len - MIN (len, 32), MIN (len, 32), "%%EOF"));
          g_assert_cmpuint (len, >, 2000);
        }
    }
}

/* ---------------------------------------------------------------- ticks */

static void
assert_nice_step (double step)
{
  double k = floor (log10 (step));
  double m = step / pow (10, k);

  g_assert_true (fabs (m - 1) < 1e-9 || fabs (m - 2) < 1e-9 || fabs (m - 5) < 1e-9 || fabs (m - 10) < 1e-9);
}

static void
assert_ticks_cover (const CsChartTicks *t,
                    double              lo,
                    double              hi)
{
  g_assert_cmpuint (t->n, >=, 2);
  g_assert_cmpuint (t->n, <=, 16);
  assert_nice_step (t->step);
  g_assert_cmpfloat (t->nice_min, <=, lo);
  g_assert_cmpfloat (t->nice_max, >=, hi);
  g_assert_cmpfloat (t->nice_max - t->nice_min, <, (hi - lo) + 2.0001 * t->step);
  for (guint i = 0; i < t->n; i++)
    {
      double k = t->value[i] / t->step;

      g_assert_cmpfloat (fabs (k - round (k)), <, 1e-6);
      g_assert_cmpfloat (t->value[i], >=, lo - 1e-9 * t->step);
      g_assert_cmpfloat (t->value[i], <=, hi + 1e-9 * t->step);
      if (i > 0)
        g_assert_cmpfloat (fabs (t->value[i] - t->value[i - 1] - t->step), <, 1e-6 * t->step);
    }
}

static void
test_ticks (void)
{
  CsChartTicks t;
  char *s;

  g_assert_true (cs_chart_ticks_compute (0, 1, 6, &t));
  assert_ticks_cover (&t, 0, 1);
  g_assert_cmpfloat (t.step, ==, 0.2);
  g_assert_cmpuint (t.n, ==, 6);
  s = cs_chart_ticks_format (&t, t.value[1]);
  g_assert_cmpstr (s, ==, "0.2");
  g_free (s);
  s = cs_chart_ticks_format (&t, 0.0);
  g_assert_cmpstr (s, ==, "0.0");
  g_free (s);

  g_assert_true (cs_chart_ticks_compute (0.0013, 0.0021, 5, &t));
  assert_ticks_cover (&t, 0.0013, 0.0021);
  g_assert_cmpfloat (fabs (t.step - 0.0002), <, 1e-12);
  g_assert_cmpuint (t.n, ==, 4);
  s = cs_chart_ticks_format (&t, t.value[0]);
  g_assert_cmpstr (s, ==, "0.0014");
  g_free (s);
  s = cs_chart_ticks_format (&t, t.value[3]);
  g_assert_cmpstr (s, ==, "0.0020");
  g_free (s);

  g_assert_true (cs_chart_ticks_compute (-5, 1e6, 6, &t));
  assert_ticks_cover (&t, -5, 1e6);
  g_assert_cmpfloat (t.step, ==, 200000);
  g_assert_cmpfloat (t.value[0], ==, 0);
  g_assert_cmpfloat (t.nice_min, ==, -200000);
  s = cs_chart_ticks_format (&t, 400000);
  g_assert_cmpstr (s, ==, "400000");
  g_free (s);

  /* negative values use the minus sign U+2212 */
  g_assert_true (cs_chart_ticks_compute (-3.3, 2.1, 5, &t));
  assert_ticks_cover (&t, -3.3, 2.1);
  g_assert_cmpfloat (t.step, ==, 1);
  s = cs_chart_ticks_format (&t, -3);
  g_assert_cmpstr (s, ==, "−3");
  g_free (s);

  /* large and tiny steps are written in scientific form */
  g_assert_true (cs_chart_ticks_compute (0, 1e7, 6, &t));
  g_assert_cmpfloat (t.step, ==, 2e6);
  s = cs_chart_ticks_format (&t, 4e6);
  g_assert_cmpstr (s, ==, "4×10⁶");
  g_free (s);
  s = cs_chart_ticks_format (&t, 1e7);
  g_assert_cmpstr (s, ==, "1.0×10⁷");
  g_free (s);
  g_assert_true (cs_chart_ticks_compute (1e-5, 5e-5, 5, &t));
  assert_ticks_cover (&t, 1e-5, 5e-5);
  s = cs_chart_ticks_format (&t, 2e-5);
  g_assert_cmpstr (s, ==, "2×10⁻⁵");
  g_free (s);

  /* degenerate and invalid ranges */
  g_assert_true (cs_chart_ticks_compute (3, 3, 5, &t));
  g_assert_cmpuint (t.n, >=, 2);
  g_assert_true (cs_chart_ticks_compute (0, 0, 5, &t));
  g_assert_cmpuint (t.n, >=, 2);
  g_assert_false (cs_chart_ticks_compute (0, NAN, 5, &t));
  g_assert_false (cs_chart_ticks_compute (-INFINITY, 1, 5, &t));

  /* many random ranges stay nice and bounded */
  rng_state = 99;
  for (guint i = 0; i < 2000; i++)
    {
      double a = (rng_unit () - 0.5) * pow (10, (int) (rng_unit () * 16) - 8);
      double b = a + rng_unit () * pow (10, (int) (rng_unit () * 16) - 8);

      if (b - a < fabs (a) * 1e-9)
        continue;
      g_assert_true (cs_chart_ticks_compute (a, b, 3 + i % 8, &t));
      assert_ticks_cover (&t, a, b);
    }
}

static void
test_format_number (void)
{
  static const struct { double v; int digits; const char *expected; } cases[] = {
    { 17723.4, 3, "17723" }, { 0.14413, 3, "0.144" }, { -0.00927, 3, "−0.00927" },
    { 2.426e-5, 3, "2.43×10⁻⁵" }, { 3.2e7, 2, "3.2×10⁷" }, { 0, 3, "0.00" }, { 1, 3, "1.00" },
    { 9.9999e6, 3, "1.00×10⁷" }, { NAN, 3, "–" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *s = cs_chart_format_number (cases[i].v, cases[i].digits);

      g_assert_cmpstr (s, ==, cases[i].expected);
    }
}

static void
test_date_ticks (void)
{
  CsChartTicks t;
  char *s;

  /* 2015-01-01 .. 2024-06-30: every second year on 1 January */
  g_assert_true (cs_chart_ticks_compute_dates (16436, 19904, 6, &t));
  g_assert_cmpint (t.date_unit, ==, 3);
  g_assert_cmpint (t.date_step, ==, 2);
  g_assert_cmpuint (t.n, ==, 5);
  g_assert_cmpfloat (t.value[0], ==, 16801);     /* 2016-01-01 */
  s = cs_chart_ticks_format (&t, t.value[0]);
  g_assert_cmpstr (s, ==, "2016");
  g_free (s);
  s = cs_chart_ticks_format (&t, t.value[4]);
  g_assert_cmpstr (s, ==, "2024");
  g_free (s);

  /* 2020-01-15 .. 2020-07-20: months */
  g_assert_true (cs_chart_ticks_compute_dates (18276, 18463, 6, &t));
  g_assert_cmpint (t.date_unit, ==, 2);
  g_assert_cmpint (t.date_step, ==, 1);
  g_assert_cmpfloat (t.value[0], ==, 18293);     /* 2020-02-01 */
  s = cs_chart_ticks_format (&t, t.value[0]);
  g_assert_cmpstr (s, ==, "2020-02");
  g_free (s);
  for (guint i = 1; i < t.n; i++)
    g_assert_cmpfloat (t.value[i], >, t.value[i - 1]);

  /* ten days: days */
  g_assert_true (cs_chart_ticks_compute_dates (18689, 18698, 5, &t));
  g_assert_cmpint (t.date_unit, ==, 1);
  s = cs_chart_ticks_format (&t, 18689);
  g_assert_cmpstr (s, ==, "2021-03-03");
  g_free (s);
  g_assert_cmpuint (t.n, >=, 3);

  /* centuries still give few ticks; bad input is refused */
  g_assert_true (cs_chart_ticks_compute_dates (-25000, 19000, 6, &t));
  g_assert_cmpint (t.date_unit, ==, 3);
  g_assert_cmpuint (t.n, <=, 12);
  g_assert_false (cs_chart_ticks_compute_dates (NAN, 1, 5, &t));
}

/* ---------------------------------------------------------------- stats */

static void
test_least_squares (void)
{
  double x[] = { 1, 2, 3, 4, NAN, 5 };
  double y[] = { 3, 5, 7, 9, 100, 11.5 };
  double a, b, r;

  g_assert_true (cs_chart_least_squares (x, y, 6, &a, &b, &r));
  /* numpy.polyfit([1,2,3,4,5],[3,5,7,9,11.5],1) = [2.1, 0.8] */
  g_assert_cmpfloat (fabs (b - 2.1), <, 1e-12);
  g_assert_cmpfloat (fabs (a - 0.8), <, 1e-12);
  g_assert_cmpfloat (r, >, 0.99);
  g_assert_false (cs_chart_least_squares (x, y, 1, &a, &b, &r));
  {
    double cx[] = { 2, 2, 2 }, cy[] = { 1, 2, 3 };

    g_assert_false (cs_chart_least_squares (cx, cy, 3, &a, &b, &r));
  }
}

static void
test_box_stats (void)
{
  /* R: quantile(c(1,2,3,4,5,6,7,8,9,100), type = 7) → 3.25, 5.5, 7.75 */
  double v[] = { 7, 1, 2, 3, 100, NAN, 4, 5, 6, 8, 9 };
  CsChartBoxStats st;

  g_assert_true (cs_chart_box_stats (v, G_N_ELEMENTS (v), &st));
  g_assert_cmpuint (st.n, ==, 10);
  g_assert_cmpfloat (fabs (st.q1 - 3.25), <, 1e-12);
  g_assert_cmpfloat (fabs (st.median - 5.5), <, 1e-12);
  g_assert_cmpfloat (fabs (st.q3 - 7.75), <, 1e-12);
  g_assert_cmpfloat (st.whisker_low, ==, 1);
  g_assert_cmpfloat (st.whisker_high, ==, 9);   /* 100 is beyond q3 + 1.5 IQR */
  g_assert_cmpfloat (st.max, ==, 100);
  {
    double none[] = { NAN, NAN };

    g_assert_false (cs_chart_box_stats (none, 2, &st));
  }
}

static void
test_histogram_bins (void)
{
  double v[1000];
  double start, width;
  guint n_bins;

  for (guint i = 0; i < 1000; i++)
    v[i] = i / 999.0;
  /* FD: IQR 0.5, width 2·0.5·1000^(-1/3) = 0.1 → 10 bins */
  g_assert_true (cs_chart_histogram_bins (v, 1000, CS_CHART_BINS_FREEDMAN_DIACONIS, 0, &start, &width, &n_bins));
  g_assert_cmpuint (n_bins, ==, 10);
  g_assert_cmpfloat (start, ==, 0);
  g_assert_cmpfloat (fabs (width - 0.1), <, 1e-12);
  /* Sturges: ceil(log2 1000) + 1 = 11 */
  g_assert_true (cs_chart_histogram_bins (v, 1000, CS_CHART_BINS_STURGES, 0, &start, &width, &n_bins));
  g_assert_cmpuint (n_bins, ==, 11);
  g_assert_true (cs_chart_histogram_bins (v, 1000, CS_CHART_BINS_FIXED, 7, &start, &width, &n_bins));
  g_assert_cmpuint (n_bins, ==, 7);
  /* IQR 0 falls back to Sturges */
  for (guint i = 0; i < 1000; i++)
    v[i] = i < 990 ? 5 : 6 + i;
  g_assert_true (cs_chart_histogram_bins (v, 1000, CS_CHART_BINS_FREEDMAN_DIACONIS, 0, &start, &width, &n_bins));
  g_assert_cmpuint (n_bins, ==, 11);
  /* one value */
  g_assert_true (cs_chart_histogram_bins (v, 1, CS_CHART_BINS_FREEDMAN_DIACONIS, 0, &start, &width, &n_bins));
  g_assert_cmpuint (n_bins, ==, 1);
  g_assert_cmpfloat (start, ==, 4.5);
  v[0] = NAN;
  g_assert_false (cs_chart_histogram_bins (v, 1, CS_CHART_BINS_STURGES, 0, &start, &width, &n_bins));
}

static void
test_km_at_risk (void)
{
  /* 7 patients: 1, 2+, 2+, 3, 3, 4+, 5. Steps at 1 (7 at risk, 1 event),
   * 3 (4 at risk, 2 events), 5 (1 at risk, 1 event). */
  double t[] = { 1, 3, 5 };
  double s[] = { 6.0 / 7, 3.0 / 7, 0 };
  double c[] = { 2, 4, 2 };
  guint risk[] = { 7, 4, 1 };
  CsChartKmGroup g = { "g", 7, 3, t, s, NULL, NULL, NULL, 3, c };

  g_assert_cmpuint (cs_chart_km_at_risk (&g, 0), ==, 7);
  g_assert_cmpuint (cs_chart_km_at_risk (&g, 1), ==, 7);
  g_assert_cmpuint (cs_chart_km_at_risk (&g, 1.5), ==, 6);
  g_assert_cmpuint (cs_chart_km_at_risk (&g, 2), ==, 6);
  g_assert_cmpuint (cs_chart_km_at_risk (&g, 2.5), ==, 4);
  g_assert_cmpuint (cs_chart_km_at_risk (&g, 3), ==, 4);
  g_assert_cmpuint (cs_chart_km_at_risk (&g, 3.5), ==, 2);
  g_assert_cmpuint (cs_chart_km_at_risk (&g, 4.5), ==, 1);
  g_assert_cmpuint (cs_chart_km_at_risk (&g, 6), ==, 0);

  /* the same from an explicit at-risk column */
  g.n_risk = risk;
  g_assert_cmpuint (cs_chart_km_at_risk (&g, 0), ==, 7);
  g_assert_cmpuint (cs_chart_km_at_risk (&g, 1.5), ==, 6);
  g_assert_cmpuint (cs_chart_km_at_risk (&g, 2.5), ==, 4);
  g_assert_cmpuint (cs_chart_km_at_risk (&g, 3.5), ==, 2);
  g_assert_cmpuint (cs_chart_km_at_risk (&g, 4.5), ==, 1);
  g_assert_cmpuint (cs_chart_km_at_risk (&g, 6), ==, 0);

  g_assert_cmpfloat (cs_chart_km_survival_at (&g, 0.5), ==, 1);
  g_assert_cmpfloat (cs_chart_km_survival_at (&g, 1), ==, s[0]);
  g_assert_cmpfloat (cs_chart_km_survival_at (&g, 4), ==, s[1]);
}

static void
test_heatmap_order (void)
{
  HeatData d;
  guint order[12];
  guint pos[12];

  heat_data_init (&d);

  cs_chart_heatmap_order_rows (&d.model, CS_CHART_ORDER_AS_GIVEN, order);
  for (guint i = 0; i < 12; i++)
    g_assert_cmpuint (order[i], ==, i);

  /* Max |r|: non-increasing */
  cs_chart_heatmap_order_rows (&d.model, CS_CHART_ORDER_MAX_ABS, order);
  for (guint i = 1; i < 12; i++)
    {
      double a = 0, b = 0;

      for (guint c = 0; c < 4; c++)
        {
          a = MAX (a, fabs (d.r[order[i - 1] * 4 + c]));
          b = MAX (b, fabs (d.r[order[i] * 4 + c]));
        }
      g_assert_cmpfloat (a, >=, b);
    }

  /* Clustering on 1 − |r| puts the two sign families… together (|r|
   * ignores the sign), so use three families with distinct profiles. */
  for (guint i = 0; i < 12; i++)
    for (guint c = 0; c < 4; c++)
      {
        static const double fam[3][4] = { { 0.9, 0.1, 0.1, 0.5 }, { 0.1, 0.9, 0.5, 0.1 }, { 0.3, 0.2, 0.9, 0.9 } };

        d.r[i * 4 + c] = fam[i % 3][c] + 0.03 * (rng_unit () - 0.5);
      }
  cs_chart_heatmap_order_rows (&d.model, CS_CHART_ORDER_CLUSTER, order);
  memset (pos, 0xff, sizeof pos);
  for (guint i = 0; i < 12; i++)
    {
      g_assert_cmpuint (order[i], <, 12);
      g_assert_cmpuint (pos[order[i]], ==, G_MAXUINT);   /* a permutation */
      pos[order[i]] = i;
    }
  /* each family occupies 4 consecutive display rows */
  for (guint f = 0; f < 3; f++)
    {
      guint lo = G_MAXUINT, hi = 0;

      for (guint i = f; i < 12; i += 3)
        {
          lo = MIN (lo, pos[i]);
          hi = MAX (hi, pos[i]);
        }
      g_assert_cmpuint (hi - lo, ==, 3);
    }

  /* An explicit feature–feature correlation overrides the profiles. */
  {
    double corr[12 * 12];

    for (guint i = 0; i < 12; i++)
      for (guint j = 0; j < 12; j++)
        corr[i * 12 + j] = i == j ? 1 : ((i < 6) == (j < 6) ? -0.8 : 0.05);
    d.model.row_corr = corr;
    cs_chart_heatmap_order_rows (&d.model, CS_CHART_ORDER_CLUSTER, order);
    for (guint i = 0; i < 12; i++)
      pos[order[i]] = i;
    for (guint i = 0; i < 6; i++)
      g_assert_cmpuint ((pos[i] < 6), ==, (pos[0] < 6));
    d.model.row_corr = NULL;
  }
  heat_data_clear (&d);

  /* many rows: still a permutation, drawn with thinned labels */
  {
    guint n = 1200, k = 6;
    g_autofree double *r = g_new (double, n * k);
    g_autofree guint *big = g_new (guint, n);
    g_autofree guint8 *seen = g_new0 (guint8, n);
    CsChartHeatmapModel m = { 0 };
    cairo_surface_t *img;

    for (guint i = 0; i < n * k; i++)
      r[i] = 2 * rng_unit () - 1;
    m.n_rows = n;
    m.n_cols = k;
    m.r = r;
    m.order = CS_CHART_ORDER_CLUSTER;
    cs_chart_heatmap_order_rows (&m, CS_CHART_ORDER_CLUSTER, big);
    for (guint i = 0; i < n; i++)
      {
        g_assert_cmpuint (big[i], <, n);
        g_assert_false (seen[big[i]]);
        seen[big[i]] = 1;
      }
    m.row_order = big;
    img = render_image (CS_CHART_HEATMAP, &m, 800, 600);
    cairo_surface_destroy (img);
  }
}

/* -------------------------------------------------------------- renders */

static void
test_scatter (void)
{
  ScatterData d;
  CsChartLayout layout;
  cairo_surface_t *img;
  int hit;
  double px, py;

  scatter_data_init (&d);
  export_all (CS_CHART_SCATTER, &d.model, "scatter", FALSE);
  export_all (CS_CHART_SCATTER, &d.model, "scatter", TRUE);

  /* Hit testing maps pixels back to the point */
  cs_chart_scatter_layout (&d.model, cs_chart_style_light (), 800, 560, &layout);
  g_assert_cmpfloat (layout.plot.width, >, 500);
  g_assert_cmpfloat (layout.legend.width, >, 0);
  px = cs_chart_layout_x_to_px (&layout, d.x[17]);
  py = cs_chart_layout_y_to_px (&layout, d.y[17]);
  g_assert_cmpfloat (fabs (cs_chart_layout_px_to_x (&layout, px) - d.x[17]), <, 1e-6);
  g_assert_cmpfloat (fabs (cs_chart_layout_px_to_y (&layout, py) - d.y[17]), <, 1e-9);
  hit = cs_chart_scatter_hit (&d.model, &layout, px + 0.5, py - 0.5, 4);
  g_assert_cmpint (hit, ==, 17);
  g_assert_cmpint (cs_chart_scatter_hit (&d.model, &layout, 2, 2, 4), ==, -1);
  /* the NAN point is never hit */
  g_assert_cmpint (cs_chart_scatter_hit (&d.model, &layout, cs_chart_layout_x_to_px (&layout, 0), py, 1e6), !=, 5);

  /* the point is drawn in its category's colour (or mixed with an overlap) */
  img = render_image (CS_CHART_SCATTER, &d.model, 800, 560);
  {
    guint32 p = pixel (img, (int) px, (int) py);
    int r, g, b;

    rgb_of (p, &r, &g, &b);
    /* not background white */
    g_assert_true (r < 240 || g < 240 || b < 240);
  }
  cairo_surface_destroy (img);
}

/* A narrow scatter with a regression line: its "y = a + b·x  r  n" line
 * stays inside the plot (dropping the equation, then shortening), instead
 * of running past the chart's right edge. */
static void
test_scatter_narrow_regression (void)
{
  double x[40], y[40];
  CsChartScatterModel m = { .x = x, .y = y, .n = G_N_ELEMENTS (x), .regression = TRUE,
                            .x_label = "VoxelVolume (mm³)", .y_label = "Age (years)" };
  CsChartStyle style = *cs_chart_style_light ();
  CsChartLayout layout;
  const int width = 240, height = 260;
  cairo_surface_t *img = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_t *cr = cairo_create (img);
  int ink = 0;

  for (guint i = 0; i < G_N_ELEMENTS (x); i++)
    {
      x[i] = 1000.0 + 9731.3 * i;
      y[i] = 66.9 + 1.36e-6 * x[i] + ((i * 7919) % 13) - 6.0;
    }
  style.bg.a = 0;   /* transparent: any ink outside the plot is the chart's */
  cs_chart_scatter_layout (&m, &style, width, height, &layout);
  cs_chart_scatter_draw (cr, width, height, &m, &style);
  cairo_destroy (cr);
  cairo_surface_flush (img);

  /* the band of the regression text, right of the plot */
  for (int py = (int) layout.plot.y; py < (int) (layout.plot.y + 4 + style.font_size * 1.5) + 1; py++)
    for (int px = (int) ceil (layout.plot.x + layout.plot.width) + 1; px < width; px++)
      ink += (pixel (img, px, py) >> 24) != 0;
  g_assert_cmpint (ink, ==, 0);
  cairo_surface_destroy (img);
}

/* A test too long for a narrow scatter keeps its n (and p): its name goes
 * first, then the rest but n; the middle of it is never cut out (it used to
 * be: "Spearman ρ = 0.0…= 385, p = 0.93" at 720 × 540) */
static void
test_fit_tail (void)
{
  cairo_surface_t *img = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 10, 10);
  cairo_t *cr = cairo_create (img);
  const char *test = "Spearman ρ = 0.00, n = 385, p = 0.93";
  g_autofree char *all = NULL, *np = NULL, *n = NULL, *none = NULL;

  cs_chart_set_font (cr, cs_chart_style_light (), 12, FALSE);
  all = cs_chart_fit_tail (cr, test, "n = 385", cs_chart_text_width (cr, test));
  g_assert_cmpstr (all, ==, test);
  np = cs_chart_fit_tail (cr, test, "n = 385", cs_chart_text_width (cr, test) - 1);
  g_assert_cmpstr (np, ==, "n = 385, p = 0.93");
  /* not "p = 0.93": a tail without n */
  n = cs_chart_fit_tail (cr, test, "n = 385", cs_chart_text_width (cr, "n = 385, p = 0.93") - 1);
  g_assert_cmpstr (n, ==, "n = 385");
  none = cs_chart_fit_tail (cr, test, "n = 385", cs_chart_text_width (cr, "n = 3"));
  g_assert_nonnull (strstr (none, "…"));
  g_assert_true (cs_chart_text_width (cr, none) <= cs_chart_text_width (cr, "n = 3"));
  cairo_destroy (cr);
  cairo_surface_destroy (img);
}

static void
test_scatter_selection (void)
{
  double x[] = { 0, 1, 2, 3 }, y[] = { 0, 3, 1, 2 };
  guint8 selected[] = { 1, 0, 1, 0 };
  CsChartScatterModel model = { 0 };
  CsChartLayout layout;
  cairo_surface_t *img;
  cairo_t *cr;

  model.x = x;
  model.y = y;
  model.n = 4;
  model.selected = selected;
  cs_chart_scatter_layout (&model, cs_chart_style_light (), 400, 300, &layout);
  img = render_image (CS_CHART_SCATTER, &model, 400, 300);
  for (guint i = 0; i < 4; i++)
    {
      int r, g, b;

      rgb_of (pixel (img, (int) cs_chart_layout_x_to_px (&layout, x[i]),
                     (int) cs_chart_layout_y_to_px (&layout, y[i])), &r, &g, &b);
      if (selected[i])
        g_assert_cmpint (b, >, r + 40);                      /* Okabe–Ito blue */
      else
        {
          g_assert_cmpint (ABS (r - b), <, 12);                /* muted grey */
          g_assert_cmpint (r, <, 245);
        }
    }

  /* the hover ring is drawn over the static chart */
  cr = cairo_create (img);
  cs_chart_scatter_draw_highlight (cr, &model, &layout, NULL, 2);
  cairo_destroy (cr);
  cairo_surface_flush (img);
  {
    int r, g, b;
    double px = cs_chart_layout_x_to_px (&layout, x[2]);
    double py = cs_chart_layout_y_to_px (&layout, y[2]);

    rgb_of (pixel (img, (int) round (px + MAX (4.0, cs_chart_style_light ()->point_size)), (int) py), &r, &g, &b);
    g_assert_cmpint (r, <, 90);
    g_assert_cmpint (g, <, 90);
  }
  cairo_surface_destroy (img);

  /* large sets take the mask path: same colours */
  {
    g_autofree double *bx = g_new (double, 5000);
    g_autofree double *by = g_new (double, 5000);
    g_autofree guint8 *bs = g_new (guint8, 5000);
    int r, g, b;

    for (guint i = 0; i < 5000; i++)
      {
        bx[i] = i % 100;
        by[i] = i / 100;
        bs[i] = i % 100 < 50;
      }
    model.x = bx;
    model.y = by;
    model.n = 5000;
    model.selected = bs;
    cs_chart_scatter_layout (&model, cs_chart_style_light (), 800, 600, &layout);
    img = render_image (CS_CHART_SCATTER, &model, 800, 600);
    rgb_of (pixel (img, (int) cs_chart_layout_x_to_px (&layout, 10), (int) cs_chart_layout_y_to_px (&layout, 20)),
            &r, &g, &b);
    g_assert_cmpint (b, >, r + 40);
    rgb_of (pixel (img, (int) cs_chart_layout_x_to_px (&layout, 80), (int) cs_chart_layout_y_to_px (&layout, 20)),
            &r, &g, &b);
    g_assert_cmpint (ABS (r - b), <, 12);
    g_assert_cmpint (r, <, 245);
    cairo_surface_destroy (img);
  }
}

static void
test_scatter_large (void)
{
  g_autofree double *x = g_new (double, 100000);
  g_autofree double *y = g_new (double, 100000);
  CsChartScatterModel model = { 0 };
  cairo_surface_t *img;
  CsChartLayout layout;
  guint coloured = 0;

  rng_state = 3;
  for (guint i = 0; i < 100000; i++)
    {
      x[i] = rng_normal ();
      y[i] = 0.5 * x[i] + rng_normal ();
    }
  model.x = x;
  model.y = y;
  model.n = 100000;
  model.regression = TRUE;
  model.x_label = "x";
  model.y_label = "y";

  img = render_image (CS_CHART_SCATTER, &model, 1600, 1000);
  cs_chart_scatter_layout (&model, cs_chart_style_light (), 1600, 1000, &layout);
  /* the centre of the cloud is densely covered with the point colour */
  for (int dy = -20; dy <= 20; dy += 4)
    for (int dx = -20; dx <= 20; dx += 4)
      {
        guint32 p = pixel (img, (int) cs_chart_layout_x_to_px (&layout, 0) + dx + 40,
                           (int) cs_chart_layout_y_to_px (&layout, 0) + dy + 40);
        int r, g, b;

        rgb_of (p, &r, &g, &b);
        if (b > r + 40)   /* Okabe–Ito blue */
          coloured++;
      }
  g_assert_cmpuint (coloured, >, 90);
  cairo_surface_destroy (img);

  /* PNG goes through the raster mask, SVG through deduplicated squares */
  export_all (CS_CHART_SCATTER, &model, "scatter-100k", FALSE);
}

static void
test_box (void)
{
  BoxData d;
  CsChartLayout layout;

  box_data_init (&d, FALSE);
  export_all (CS_CHART_BOX, &d.model, "box", FALSE);
  box_data_init (&d, TRUE);
  export_all (CS_CHART_BOX, &d.model, "violin", FALSE);
  export_all (CS_CHART_BOX, &d.model, "violin", TRUE);

  cs_chart_box_layout (&d.model, cs_chart_style_light (), 800, 560, &layout);
  g_assert_cmpuint (layout.n_bands, ==, 4);
  g_assert_cmpint (cs_chart_band_hit (&layout, layout.plot.x + layout.band_width * 2.5, layout.plot.y + 10), ==, 2);
  g_assert_cmpint (cs_chart_band_hit (&layout, layout.plot.x - 3, layout.plot.y + 10), ==, -1);
}

static void
test_histogram (void)
{
  double v[500];
  CsChartHistogramModel model = { 0 };
  CsChartLayout layout;
  cairo_surface_t *img;
  CsChartColor blue = cs_chart_style_category_color (cs_chart_style_light (), 0);

  rng_state = 8;
  for (guint i = 0; i < 500; i++)
    v[i] = exp (3 + 0.6 * rng_normal ());
  model.values = v;
  model.n = 500;
  model.rule = CS_CHART_BINS_FREEDMAN_DIACONIS;
  model.title = "Tumour volume";
  model.x_label = "Volume (cm³)";
  export_all (CS_CHART_HISTOGRAM, &model, "histogram", FALSE);

  /* hit testing gives the bin and its count */
  {
    double start, width, lo, hi;
    guint n_bins, count, expected = 0;
    int bin;

    cs_chart_histogram_layout (&model, cs_chart_style_light (), 800, 560, &layout);
    g_assert_true (cs_chart_histogram_bins (v, 500, model.rule, 0, &start, &width, &n_bins));
    bin = cs_chart_histogram_hit (&model, &layout, cs_chart_layout_x_to_px (&layout, start + width * 2.5),
                                  layout.plot.y + 20, &lo, &hi, &count);
    g_assert_cmpint (bin, ==, 2);
    g_assert_cmpfloat (fabs (lo - (start + 2 * width)), <, 1e-9);
    g_assert_cmpfloat (fabs (hi - (start + 3 * width)), <, 1e-9);
    for (guint i = 0; i < 500; i++)
      if (v[i] >= lo && v[i] < hi)
        expected++;
    g_assert_cmpuint (count, ==, expected);
    g_assert_cmpint (cs_chart_histogram_hit (&model, &layout, 1, 1, NULL, NULL, NULL), ==, -1);
  }

  /* the bar over the mode reaches above the bottom of the plot */
  cs_chart_histogram_layout (&model, cs_chart_style_light (), 800, 560, &layout);
  g_assert_cmpfloat (layout.y_min, ==, 0);
  img = render_image (CS_CHART_HISTOGRAM, &model, 800, 560);
  {
    CsChartColor bar = blue;
    CsChartColor white = { 1, 1, 1, 1 };
    guint32 p;
    int x = (int) cs_chart_layout_x_to_px (&layout, exp (3));

    /* 0.85 alpha over white */
    bar.r = bar.r * 0.85 + white.r * 0.15;
    bar.g = bar.g * 0.85 + white.g * 0.15;
    bar.b = bar.b * 0.85 + white.b * 0.15;
    p = pixel (img, x, (int) (layout.plot.y + layout.plot.height - 5));
    if (!close_to (p, bar, 3))
      p = pixel (img, x + 2, (int) (layout.plot.y + layout.plot.height - 5));   /* bin gap */
    g_assert_true (close_to (p, bar, 3));
  }
  cairo_surface_destroy (img);
}

/* Height in px of the bar coloured like c in column x, scanning up from the axis. */
static int
bar_height (cairo_surface_t     *img,
            const CsChartLayout *layout,
            int                  x,
            CsChartColor         c)
{
  int h = 0;

  for (int y = (int) (layout->plot.y + layout->plot.height) - 1; y > layout->plot.y; y--)
    {
      if (close_to (pixel (img, x, y), c, 4))
        h++;
      else if (h > 0)
        break;
    }
  return h;
}

static void
test_bar (void)
{
  static const char *labels[] = { "Never smoker", "Former smoker", "Current smoker", "Unknown" };
  double all[] = { 120, 60, 240, 30 };
  double sel[] = { 40, 20, 90, 0 };
  CsChartBarModel model = { 0 };
  CsChartLayout layout;
  cairo_surface_t *img;
  CsChartColor bar = cs_chart_style_category_color (cs_chart_style_light (), 0);
  int h[4];

  model.n_categories = 4;
  model.labels = labels;
  model.counts_all = all;
  model.title = "Smoking status";
  model.x_label = "Smoking status";
  export_all (CS_CHART_BAR, &model, "bar", FALSE);

  /* heights proportional to the counts */
  bar.r = bar.r * 0.9 + 0.1;
  bar.g = bar.g * 0.9 + 0.1;
  bar.b = bar.b * 0.9 + 0.1;
  cs_chart_bar_layout (&model, cs_chart_style_light (), 800, 560, &layout);
  img = render_image (CS_CHART_BAR, &model, 800, 560);
  for (guint i = 0; i < 4; i++)
    h[i] = bar_height (img, &layout, (int) (layout.plot.x + layout.band_width * (i + 0.5)), bar);
  for (guint i = 0; i < 4; i++)
    {
      double expected = (cs_chart_layout_y_to_px (&layout, 0) - cs_chart_layout_y_to_px (&layout, all[i]));

      g_assert_cmpfloat (fabs (h[i] - expected), <=, 2);
    }
  g_assert_cmpfloat (fabs ((double) h[2] / h[0] - 2.0), <, 0.05);
  g_assert_cmpfloat (fabs ((double) h[1] / h[0] - 0.5), <, 0.05);
  cairo_surface_destroy (img);

  /* filtered vs whole: the selection is drawn over a muted bar */
  model.counts_selected = sel;
  export_all (CS_CHART_BAR, &model, "bar-selection", FALSE);
  cs_chart_bar_layout (&model, cs_chart_style_light (), 800, 560, &layout);
  img = render_image (CS_CHART_BAR, &model, 800, 560);
  {
    int x = (int) (layout.plot.x + layout.band_width * 2.5);
    int hs = bar_height (img, &layout, x, bar);
    double expected = cs_chart_layout_y_to_px (&layout, 0) - cs_chart_layout_y_to_px (&layout, 90);
    guint32 above = pixel (img, x, (int) cs_chart_layout_y_to_px (&layout, 200));
    int r, g, b;

    g_assert_cmpfloat (fabs (hs - expected), <=, 2);
    /* muted grey above the selected part, not white, not blue */
    rgb_of (above, &r, &g, &b);
    g_assert_cmpint (ABS (r - b), <, 10);
    g_assert_cmpint (r, <, 235);
  }
  cairo_surface_destroy (img);
}

static void
test_km (void)
{
  KmData d;
  CsChartLayout layout;
  cairo_surface_t *img;
  CsChartColor c0 = cs_chart_style_category_color (cs_chart_style_light (), 0);

  km_data_init (&d);
  g_assert_cmpuint (d.groups[0].n_steps, >, 10);
  export_all (CS_CHART_KM, &d.model, "km", FALSE);
  export_all (CS_CHART_KM, &d.model, "km", TRUE);

  cs_chart_km_layout (&d.model, cs_chart_style_light (), 800, 560, &layout);
  g_assert_cmpfloat (layout.x_min, ==, 0);
  g_assert_cmpfloat (layout.y_max, ==, 1);
  g_assert_cmpfloat (layout.table.height, >, 0);
  g_assert_cmpfloat (layout.table.y, >, layout.plot.y + layout.plot.height);
  g_assert_cmpfloat (layout.table.y + layout.table.height, <=, 560);

  img = render_image (CS_CHART_KM, &d.model, 800, 560);
  /* Both curves start at S = 1 in the top-left corner: the pixel just
   * inside the plot's top-left is the first group's colour (drawn over
   * by the second, whose colour it may then be). */
  {
    CsChartColor c1 = cs_chart_style_category_color (cs_chart_style_light (), 1);
    guint32 p = pixel (img, (int) layout.plot.x + 2, (int) layout.plot.y);

    g_assert_true (close_to (p, c0, 8) || close_to (p, c1, 8));
    /* half way down, right at the start, is background (no curve) */
    p = pixel (img, (int) layout.plot.x + 3, (int) (layout.plot.y + layout.plot.height / 2));
    g_assert_false (close_to (p, c0, 30));
  }
  /* hit testing: on group 1's curve half way through its first plateau */
  {
    double t_mid = (d.t[1][12] + d.t[1][13]) / 2;
    double t, sv;
    int hit = cs_chart_km_hit (&d.model, &layout, cs_chart_layout_x_to_px (&layout, t_mid),
                               cs_chart_layout_y_to_px (&layout, d.s[1][12]) + 1, 3, &t, &sv);

    g_assert_cmpuint (d.groups[1].n_steps, >, 14);
    g_assert_cmpfloat (fabs (cs_chart_km_survival_at (&d.groups[0], t_mid) - d.s[1][12]), >, 0.05);
    g_assert_cmpint (hit, ==, 1);
    g_assert_cmpfloat (sv, ==, d.s[1][12]);
    g_assert_cmpfloat (fabs (t - t_mid), <, (layout.x_max - layout.x_min) / layout.plot.width);
    g_assert_cmpint (cs_chart_km_hit (&d.model, &layout, layout.plot.x - 5, layout.plot.y, 3, NULL, NULL), ==, -1);
  }
  /* After the last step of group 0 the curve sits at its final survival */
  {
    double t_end = d.t[0][d.groups[0].n_steps - 1];
    double s_end = d.s[0][d.groups[0].n_steps - 1];
    guint32 p = pixel (img, (int) cs_chart_layout_x_to_px (&layout, t_end) + 3,
                       (int) floor (cs_chart_layout_y_to_px (&layout, s_end)));

    if (t_end + 10 < layout.x_max)
      g_assert_true (close_to (p, c0, 40));
  }
  cairo_surface_destroy (img);
}

static void
test_heatmap (void)
{
  HeatData d;
  CsChartLayout layout;
  cairo_surface_t *img;
  guint order[12];

  heat_data_init (&d);
  export_all (CS_CHART_HEATMAP, &d.model, "heatmap", FALSE);
  export_all (CS_CHART_HEATMAP, &d.model, "heatmap", TRUE);

  cs_chart_heatmap_layout (&d.model, cs_chart_style_light (), 800, 560, &layout);
  g_assert_cmpuint (layout.n_rows, ==, 12);
  g_assert_cmpuint (layout.n_bands, ==, 4);
  cs_chart_heatmap_order_rows (&d.model, d.model.order, order);
  img = render_image (CS_CHART_HEATMAP, &d.model, 800, 560);

  for (guint dr = 0; dr < 12; dr++)
    for (guint c = 0; c < 4; c++)
      {
        /* sample a corner of the cell, away from the text */
        double x = layout.plot.x + c * layout.band_width + 3;
        double y = layout.plot.y + dr * layout.band_height + 3;
        guint row, col;
        double r;
        int pr, pg, pb;

        g_assert_true (cs_chart_heatmap_hit (&d.model, &layout, x, y, &row, &col));
        g_assert_cmpuint (row, ==, order[dr]);
        g_assert_cmpuint (col, ==, c);
        r = d.r[row * 4 + col];
        rgb_of (pixel (img, (int) x, (int) y), &pr, &pg, &pb);
        if (r > 0.15)
          g_assert_cmpint (pr, >, pb + 20);    /* red side */
        else if (r < -0.15)
          g_assert_cmpint (pb, >, pr + 20);    /* blue side */
        g_assert_true (close_to (pixel (img, (int) x, (int) y), cs_chart_diverging_color (r), 3));
      }
  g_assert_false (cs_chart_heatmap_hit (&d.model, &layout, layout.plot.x - 2, layout.plot.y + 2, NULL, NULL));
  cairo_surface_destroy (img);

  /* explicit row order is honoured by hit testing */
  {
    guint rev[12];
    guint row, col;

    for (guint i = 0; i < 12; i++)
      rev[i] = 11 - i;
    d.model.row_order = rev;
    g_assert_true (cs_chart_heatmap_hit (&d.model, &layout, layout.plot.x + 2, layout.plot.y + 2, &row, &col));
    g_assert_cmpuint (row, ==, 11);
  }
  heat_data_clear (&d);
}

static void
test_axis_label (void)
{
  static const struct { const char *unit, *expected; } cases[] = {
    { "mm3", "Volume (mm³)" }, { "kg/m2", "Volume (kg/m²)" }, { "mm-1", "Volume (mm⁻¹)" },
    { "a", "Volume (years)" }, { "{count}", "Volume" }, { NULL, "Volume" }, { "", "Volume" },
    { "1", "Volume" }, { "HU", "Volume (HU)" }, { "10*3/uL", "Volume (10³/µL)" }, { "Cel", "Volume (°C)" },
    { "[hnsf'U]", "Volume (HU)" }, { "[hnsf'U]2", "Volume (HU²)" }, { "/mm", "Volume (/mm)" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *s = cs_chart_axis_label ("Volume", cases[i].unit);

      g_assert_cmpstr (s, ==, cases[i].expected);
    }
}

static void
test_colors (void)
{
  CsChartColor pos = cs_chart_diverging_color (0.8);
  CsChartColor neg = cs_chart_diverging_color (-0.8);
  CsChartColor mid = cs_chart_diverging_color (0);

  g_assert_cmpfloat (pos.r, >, pos.b);
  g_assert_cmpfloat (neg.b, >, neg.r);
  g_assert_cmpfloat (mid.r, >, 0.9);
  g_assert_cmpfloat (mid.g, >, 0.9);
  g_assert_cmpfloat (mid.b, >, 0.9);
  /* Okabe–Ito blue first in the light style */
  pos = cs_chart_style_category_color (cs_chart_style_light (), 0);
  g_assert_cmpfloat (fabs (pos.r - 0x00 / 255.0) + fabs (pos.g - 0x72 / 255.0) + fabs (pos.b - 0xB2 / 255.0), <, 1e-9);
  /* wraps around */
  neg = cs_chart_style_category_color (cs_chart_style_light (), cs_chart_style_light ()->n_palette);
  g_assert_cmpfloat (neg.b, ==, pos.b);
}

static void
test_empty_and_errors (void)
{
  CsChartScatterModel scatter = { 0 };
  CsChartHistogramModel hist = { 0 };
  CsChartBoxModel box = { 0 };
  CsChartKmModel km = { 0 };
  CsChartHeatmapModel heat = { 0 };
  CsChartBarModel bar = { 0 };
  double nan_v[] = { NAN, NAN };
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (tmpdir, "chart.jpg", NULL);
  g_autofree char *bad_dir = g_build_filename (tmpdir, "no", "such", "dir", "chart.png", NULL);
  cairo_surface_t *img;

  scatter.x = scatter.y = nan_v;
  scatter.n = 2;
  hist.values = nan_v;
  hist.n = 2;

  /* nothing to draw still gives a frame, never a crash */
  img = render_image (CS_CHART_SCATTER, &scatter, 300, 200);
  cairo_surface_destroy (img);
  img = render_image (CS_CHART_HISTOGRAM, &hist, 300, 200);
  cairo_surface_destroy (img);
  img = render_image (CS_CHART_BOX, &box, 300, 200);
  cairo_surface_destroy (img);
  img = render_image (CS_CHART_KM, &km, 300, 200);
  cairo_surface_destroy (img);
  img = render_image (CS_CHART_HEATMAP, &heat, 300, 200);
  cairo_surface_destroy (img);
  img = render_image (CS_CHART_BAR, &bar, 300, 200);
  cairo_surface_destroy (img);
  /* tiny sizes */
  img = render_image (CS_CHART_SCATTER, &scatter, 20, 20);
  cairo_surface_destroy (img);

  g_assert_false (cs_chart_export (CS_CHART_SCATTER, &scatter, NULL, path, 300, 200, &error));
  g_assert_error (error, CS_CHART_ERROR, CS_CHART_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "chart.jpg"));
  g_clear_error (&error);

  g_assert_false (cs_chart_export (CS_CHART_SCATTER, &scatter, NULL, bad_dir, 300, 200, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "chart"));
  g_clear_error (&error);

  g_free (path);
  path = g_build_filename (tmpdir, "big.png", NULL);
  g_assert_false (cs_chart_export (CS_CHART_SCATTER, &scatter, NULL, path, 1e9, 200, &error));
  g_assert_error (error, CS_CHART_ERROR, CS_CHART_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_false (cs_chart_export (CS_CHART_SCATTER, &scatter, NULL, path, 15000, 15000, &error));
  g_assert_error (error, CS_CHART_ERROR, CS_CHART_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "big.png"));
  g_clear_error (&error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  {
    CsChartKind kind;

    g_assert_true (cs_chart_kind_from_string ("heatmap", &kind));
    g_assert_cmpint (kind, ==, CS_CHART_HEATMAP);
    g_assert_true (cs_chart_kind_from_string ("Forest", &kind));
    g_assert_cmpint (kind, ==, CS_CHART_FOREST);
    g_assert_cmpstr (cs_chart_kind_to_string (CS_CHART_FOREST), ==, "forest");
    g_assert_cmpstr (cs_chart_kind_to_string (CS_CHART_KM), ==, "km");
    g_assert_false (cs_chart_kind_from_string ("pie", &kind));
  }
}

/* Hostile numbers must give a drawing (or a clear empty chart), never a
 * crash or undefined behaviour (run under UBSan in the sanitizer build). */
static void
test_extreme_values (void)
{
  double huge[] = { -1e308, 1e308, 0, NAN, INFINITY, -INFINITY, 5e-324, 1 };
  double same[] = { 7, 7, 7, 7 };
  double one[] = { 3 };
  const double *groups[] = { huge, same, one };
  guint n_values[] = { G_N_ELEMENTS (huge), G_N_ELEMENTS (same), 0 };
  static const char *labels[] = { "a", "b", "c" };
  gint32 cats[] = { 0, 5, -3, 1, 0, 0, 1, 2 };
  CsChartScatterModel scatter = { .x = huge, .y = huge, .n = G_N_ELEMENTS (huge), .regression = TRUE,
                                  .category = cats, .category_labels = labels, .n_categories = 3 };
  CsChartHistogramModel hist = { .values = huge, .n = G_N_ELEMENTS (huge) };
  CsChartBoxModel box = { .n_groups = 3, .group_labels = labels, .values = groups, .n_values = n_values,
                          .violin = TRUE, .points = TRUE };
  double counts[] = { 0, NAN, 1e12 };
  CsChartBarModel bar = { .n_categories = 3, .labels = labels, .counts_all = counts, .counts_selected = counts };
  double t[] = { 0, 1e9 }, sv[] = { 0.5, 0 }, lo[] = { NAN, NAN }, c[] = { 1e12 };
  CsChartKmGroup g = { "g", 3, 2, t, sv, lo, lo, NULL, 1, c };
  CsChartKmModel km = { .n_groups = 1, .groups = &g, .ci = TRUE, .at_risk_table = TRUE };
  double r[] = { NAN, 2, -5, 0.5, INFINITY, -0.1 };
  CsChartHeatmapModel heat = { .n_rows = 3, .n_cols = 2, .r = r, .q = r, .order = CS_CHART_ORDER_CLUSTER };
  CsChartTicks ticks;
  cairo_surface_t *img;

  img = render_image (CS_CHART_SCATTER, &scatter, 400, 300);
  cairo_surface_destroy (img);
  hist.rule = CS_CHART_BINS_STURGES;
  img = render_image (CS_CHART_HISTOGRAM, &hist, 400, 300);
  cairo_surface_destroy (img);
  hist.rule = CS_CHART_BINS_FIXED;
  hist.n_bins = 100000;
  img = render_image (CS_CHART_HISTOGRAM, &hist, 400, 300);
  cairo_surface_destroy (img);
  img = render_image (CS_CHART_BOX, &box, 400, 300);
  cairo_surface_destroy (img);
  img = render_image (CS_CHART_BAR, &bar, 400, 300);
  cairo_surface_destroy (img);
  img = render_image (CS_CHART_KM, &km, 400, 300);
  cairo_surface_destroy (img);
  img = render_image (CS_CHART_HEATMAP, &heat, 400, 300);
  cairo_surface_destroy (img);

  /* A span a double cannot hold (±1e308) or divide into steps (two
   * denormals): no ticks, and the caller is told so. */
  g_assert_false (cs_chart_ticks_compute (-1e308, 1e308, 5, &ticks));
  g_assert_cmpuint (ticks.n, ==, 0);
  g_assert_false (cs_chart_ticks_compute (5e-324, 1e-323, 5, &ticks));
  g_assert_cmpuint (ticks.n, ==, 0);
  /* huge but representable: finite ticks, increasing, covering the range */
  g_assert_true (cs_chart_ticks_compute (1e300, 1e300 * 1.0000001, 5, &ticks));
  g_assert_cmpuint (ticks.n, >=, 2);
  g_assert_true (isfinite (ticks.step) && ticks.step > 0);
  g_assert_cmpfloat (ticks.nice_min, <=, 1e300);
  g_assert_cmpfloat (ticks.nice_max, >=, 1e300 * 1.0000001);
  for (guint i = 0; i < ticks.n; i++)
    {
      g_assert_true (isfinite (ticks.value[i]));
      if (i > 0)
        g_assert_cmpfloat (ticks.value[i], >, ticks.value[i - 1]);
    }
}

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_remove (path);
    }
  g_rmdir (dir);
}

/* KM curve → chart group: steps only at event times, one censor mark per
 * censored patient (ties included), at-risk counts carried over. */
static void
test_km_group_from_curve (void)
{
  /* times 1 (event), 2 (censored ×2), 3 (event ×2), 5 (censored), 8 (event) */
  static const double time[] = { 1, 2, 2, 3, 3, 5, 8, NAN };
  static const guint8 event[] = { 1, 0, 0, 1, 1, 0, 1, 1 };
  g_autoptr(GPtrArray) blocks = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(CsKmCurve) curve = cs_stats_kaplan_meier (time, event, NULL, 0, G_N_ELEMENTS (time));
  CsChartKmGroup group = { 0 };

  g_assert_false (cs_chart_km_group_from_curve (&group, NULL, "x", blocks));
  g_assert_cmpuint (blocks->len, ==, 0);

  g_assert_true (cs_chart_km_group_from_curve (&group, curve, "All", blocks));
  g_assert_cmpstr (group.label, ==, "All");
  g_assert_cmpuint (group.n, ==, 7);
  g_assert_cmpuint (group.n_steps, ==, 3);
  g_assert_cmpfloat (group.time[0], ==, 1);
  g_assert_cmpfloat (group.time[1], ==, 3);
  g_assert_cmpfloat (group.time[2], ==, 8);
  g_assert_cmpuint (group.n_risk[0], ==, 7);
  g_assert_cmpuint (group.n_risk[1], ==, 4);
  g_assert_cmpuint (group.n_risk[2], ==, 1);
  g_assert_cmpfloat_with_epsilon (group.survival[0], 6.0 / 7.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (group.survival[1], 6.0 / 7.0 * 2.0 / 4.0, 1e-12);
  g_assert_cmpfloat (group.survival[2], ==, 0);
  g_assert_cmpuint (group.n_censor, ==, 3);
  g_assert_cmpfloat (group.censor_time[0], ==, 2);
  g_assert_cmpfloat (group.censor_time[1], ==, 2);
  g_assert_cmpfloat (group.censor_time[2], ==, 5);
  g_assert_cmpuint (blocks->len, ==, 6);
}

/* Groups → chart groups: in order, an empty group left out, the labels
 * copied, a curve per group shown */
static void
test_km_groups_from_survival (void)
{
  static const double time[] = { 1, 2, 3, 4, 5, 6 };
  static const guint8 event[] = { 1, 0, 1, 1, 1, 0 };
  static const gint32 group[] = { 0, 2, 0, 2, 2, -1 };
  static const char *const names[] = { "a", "empty", "c" };
  g_autoptr(GPtrArray) blocks = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) curves = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_km_curve_free);
  char *labels[] = { g_strdup ("a"), g_strdup ("empty"), g_strdup ("c") };
  CsChartKmGroup groups[3] = { { 0 } };
  guint n;

  n = cs_chart_km_groups_from_survival (groups, time, event, group, G_N_ELEMENTS (time),
                                        (const char * const *) labels, G_N_ELEMENTS (labels), curves, blocks);
  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    g_free (labels[i]);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpuint (curves->len, ==, 2);
  g_assert_cmpstr (groups[0].label, ==, "a");
  g_assert_cmpuint (groups[0].n, ==, 2);
  g_assert_cmpuint (((CsKmCurve *) g_ptr_array_index (curves, 0))->n, ==, 2);
  g_assert_cmpstr (groups[1].label, ==, "c");
  g_assert_cmpuint (groups[1].n, ==, 3);
  g_assert_cmpuint (groups[1].n_censor, ==, 1);
  g_assert_cmpuint (((CsKmCurve *) g_ptr_array_index (curves, 1))->n_events, ==, 2);
  /* six arrays and a label per group */
  g_assert_cmpuint (blocks->len, ==, 14);

  /* Without curves: the same groups */
  g_ptr_array_set_size (blocks, 0);
  memset (groups, 0, sizeof groups);
  g_assert_cmpuint (cs_chart_km_groups_from_survival (groups, time, event, group, G_N_ELEMENTS (time),
                                                      names, G_N_ELEMENTS (names), NULL, blocks), ==, 2);
  g_assert_cmpstr (groups[1].label, ==, "c");
}


/* ---------------------------------------------------------------- forest */

/* colour c within tolerance at (x, y) or a pixel above or below (a thin
 * anti-aliased line) */
static gboolean
near_color (cairo_surface_t *img,
            int              x,
            int              y,
            CsChartColor     c,
            int              tolerance)
{
  for (int dy = -1; dy <= 1; dy++)
    if (close_to (pixel (img, x, y + dy), c, tolerance))
      return TRUE;
  return FALSE;
}

/* A fitted model by hand: age (estimated), stage with three levels (one
 * estimated, one infinite: separation), smoker (aliased), and a feature
 * with a CI wider than the axis. */
typedef struct
{
  CsCoxCoefState state[5];
  int            direction[5];
  double         hr[5], lo[5], hi[5], p[5];
  CsCoxFit       fit;
  CsChartForestCovariate covs[4];
  CsChartForestRow rows[5 + 8];
  CsChartForestModel model;
} ForestData;

static void
forest_data_init (ForestData *d)
{
  static const char *stage_levels[] = { "II", "III" };
  static const guint stage_n[] = { 30, 12 };
  static const char *smoker_levels[] = { "true" };
  static const guint smoker_n[] = { 55 };
  const CsCoxCoefState state[] = { CS_COX_COEF_ESTIMATED, CS_COX_COEF_ESTIMATED, CS_COX_COEF_INFINITE,
                                   CS_COX_COEF_ALIASED, CS_COX_COEF_ESTIMATED };
  const double hr[] = { 1.021, 2.6, NAN, NAN, 1.3 };
  const double lo[] = { 1.003, 1.4, NAN, NAN, 1e-5 };
  const double hi[] = { 1.04, 4.9, NAN, NAN, 4.0 };
  const double p[] = { 0.021, 0.0021, NAN, NAN, 0.9 };

  memset (d, 0, sizeof *d);
  memcpy (d->state, state, sizeof state);
  memcpy (d->hr, hr, sizeof hr);
  memcpy (d->lo, lo, sizeof lo);
  memcpy (d->hi, hi, sizeof hi);
  memcpy (d->p, p, sizeof p);
  d->direction[2] = 1;
  d->fit.n = 97;
  d->fit.p = 5;
  d->fit.state = d->state;
  d->fit.direction = d->direction;
  d->fit.hr = d->hr;
  d->fit.hr_lower = d->lo;
  d->fit.hr_upper = d->hi;
  d->fit.p_value = d->p;

  d->covs[0].label = "age";
  d->covs[0].n_terms = 1;
  d->covs[1].label = "stage";
  d->covs[1].reference = "I";
  d->covs[1].reference_n = 55;
  d->covs[1].n_terms = 2;
  d->covs[1].term_labels = stage_levels;
  d->covs[1].term_n = stage_n;
  d->covs[2].label = "smoker";
  d->covs[2].reference = "false";
  d->covs[2].reference_n = 42;
  d->covs[2].n_terms = 1;
  d->covs[2].term_labels = smoker_levels;
  d->covs[2].term_n = smoker_n;
  d->covs[3].label = "original_firstorder_energy";
  d->covs[3].n_terms = 1;

  d->model.rows = d->rows;
  d->model.n_rows = cs_chart_forest_rows_from_fit (&d->fit, d->covs, 4, d->rows);
  d->model.title = "Hazard ratios";
  d->model.subtitle = "n = 97, 40 events";
}

static void
test_forest_rows (void)
{
  ForestData d;
  static const struct { CsChartForestRowKind kind; const char *label; gboolean indent; guint n; const char *text; } want[] = {
    { CS_CHART_FOREST_TERM, "age", FALSE, 97, "1.02 (1.00–1.04)" },
    { CS_CHART_FOREST_HEADING, "stage", FALSE, 0, "" },
    { CS_CHART_FOREST_REFERENCE, "I", TRUE, 55, "1 (reference)" },
    { CS_CHART_FOREST_TERM, "II", TRUE, 30, "2.60 (1.40–4.90)" },
    { CS_CHART_FOREST_TERM, "III", TRUE, 12, "∞ (separation)" },
    { CS_CHART_FOREST_HEADING, "smoker", FALSE, 0, "" },
    { CS_CHART_FOREST_REFERENCE, "false", TRUE, 42, "1 (reference)" },
    { CS_CHART_FOREST_TERM, "true", TRUE, 55, "not estimable" },
    { CS_CHART_FOREST_TERM, "original_firstorder_energy", FALSE, 97, "1.30 (1.00×10⁻⁵–4.00)" },
  };

  forest_data_init (&d);
  g_assert_cmpuint (d.model.n_rows, ==, G_N_ELEMENTS (want));
  for (guint i = 0; i < G_N_ELEMENTS (want); i++)
    {
      g_autofree char *text = cs_chart_forest_row_text (&d.rows[i]);

      g_assert_cmpint (d.rows[i].kind, ==, want[i].kind);
      g_assert_cmpstr (d.rows[i].label, ==, want[i].label);
      g_assert_cmpint (d.rows[i].indent, ==, want[i].indent);
      g_assert_cmpuint (d.rows[i].n, ==, want[i].n);
      g_assert_cmpstr (text, ==, want[i].text);
    }
  g_assert_cmpint (d.rows[4].infinite, ==, 1);

  /* HR → 0, and numbers that need scientific notation */
  {
    CsChartForestRow row = { CS_CHART_FOREST_TERM, "x", FALSE, 1, NAN, NAN, NAN, NAN, -1 };
    g_autofree char *zero = cs_chart_forest_row_text (&row);
    g_autofree char *tiny = NULL;
    g_autofree char *no_ci = NULL;

    g_assert_cmpstr (zero, ==, "0 (separation)");
    row.infinite = 0;
    row.hr = 2e-5;
    row.lower = 1e-5;
    row.upper = 4e-5;
    tiny = cs_chart_forest_row_text (&row);
    g_assert_cmpstr (tiny, ==, "2.00×10⁻⁵ (1.00×10⁻⁵–4.00×10⁻⁵)");
    row.hr = 0.5;
    row.lower = NAN;
    no_ci = cs_chart_forest_row_text (&row);
    g_assert_cmpstr (no_ci, ==, "0.500");
  }
}

static void
test_forest (void)
{
  ForestData d;
  CsChartLayout layout;
  cairo_surface_t *img;
  CsChartColor c0 = cs_chart_style_category_color (cs_chart_style_light (), 0);

  forest_data_init (&d);
  export_all (CS_CHART_FOREST, &d.model, "forest", FALSE);
  export_all (CS_CHART_FOREST, &d.model, "forest", TRUE);

  cs_chart_forest_layout (&d.model, NULL, 800, 560, &layout);
  /* a log axis around 1, bounded at 10^±3 (the 1e-5 bound is clipped) */
  g_assert_cmpfloat (layout.x_min, <, 0);
  g_assert_cmpfloat (layout.x_max, >, log10 (4.9));
  g_assert_cmpfloat (layout.x_min, >=, -3.4);
  g_assert_cmpfloat (layout.x_min, <=, -3.0);
  g_assert_cmpuint (layout.x_ticks.n, >=, 2);
  for (guint t = 0; t < layout.x_ticks.n; t++)
    {
      double m = pow (10, layout.x_ticks.value[t] - floor (layout.x_ticks.value[t] + 1e-9));

      g_assert_true (fabs (m - 1) < 1e-9 || fabs (m - 2) < 1e-9 || fabs (m - 5) < 1e-9);
      g_assert_cmpfloat (layout.x_ticks.value[t], >=, layout.x_min);
      g_assert_cmpfloat (layout.x_ticks.value[t], <=, layout.x_max);
    }
  g_assert_cmpuint (layout.n_rows, ==, d.model.n_rows);
  g_assert_cmpfloat (layout.plot.x + layout.plot.width, <, 800);
  g_assert_cmpfloat (layout.plot.y + layout.plot.height, <, 560);

  /* hit testing: rows from the top, anywhere across */
  {
    double y3 = layout.plot.y + 3.5 * layout.band_height;

    g_assert_cmpint (cs_chart_forest_hit (&d.model, &layout, 20, y3), ==, 3);
    g_assert_cmpint (cs_chart_forest_hit (&d.model, &layout, 790, y3), ==, 3);
    g_assert_cmpint (cs_chart_forest_hit (&d.model, &layout, 20, layout.plot.y - 2), ==, -1);
    g_assert_cmpint (cs_chart_forest_hit (&d.model, &layout, 20, layout.plot.y + layout.plot.height + 1), ==, -1);
  }

  img = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 800, 560);
  {
    cairo_t *cr = cairo_create (img);

    cs_chart_forest_draw (cr, 800, 560, &d.model, NULL);
    g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
    cairo_destroy (cr);
    cairo_surface_flush (img);
  }
#define ROW_Y(i) ((int) (layout.plot.y + ((i) + 0.5) * layout.band_height))
  /* the square of stage II at HR 2.6, its CI line at 2 */
  g_assert_true (close_to (pixel (img, (int) cs_chart_layout_x_to_px (&layout, log10 (2.6)), ROW_Y (3)), c0, 10));
  g_assert_true (near_color (img, (int) cs_chart_layout_x_to_px (&layout, log10 (2.0)), ROW_Y (3), c0, 40));
  /* the reference: a hollow square at 1 (its left edge drawn, its centre not) */
  g_assert_true (near_color (img, (int) round (cs_chart_layout_x_to_px (&layout, 0)) - 3, ROW_Y (2), c0, 60));
  g_assert_false (close_to (pixel (img, (int) round (cs_chart_layout_x_to_px (&layout, 0)) + 2, ROW_Y (2) + 1), c0, 60));
  /* separation: an arrow to the right edge of the plot */
  g_assert_true (near_color (img, (int) (layout.plot.x + layout.plot.width) - 4, ROW_Y (4), c0, 40));
  /* the clipped CI of the feature ends in an arrow at the left edge */
  g_assert_true (near_color (img, (int) layout.plot.x + 4, ROW_Y (8), c0, 40));
  /* not estimable: nothing drawn in its row but the line at 1 */
  for (int x = (int) layout.plot.x; x < (int) (layout.plot.x + layout.plot.width); x++)
    if (fabs (x - cs_chart_layout_x_to_px (&layout, 0)) > 2)
      g_assert_false (close_to (pixel (img, x, ROW_Y (7)), c0, 60));
#undef ROW_Y
  cairo_surface_destroy (img);

  /* nothing to draw: still a chart, no crash */
  {
    CsChartForestModel empty = { 0 };
    cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 300, 200);
    cairo_t *cr = cairo_create (s);

    cs_chart_forest_draw (cr, 300, 200, &empty, cs_chart_style_dark ());
    g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
    cairo_destroy (cr);
    cairo_surface_destroy (s);
  }
}

/* The text chunks of a PNG file, keyword → text, each chunk's CRC checked
 * (bit by bit, independently of the writer's table) */
static GHashTable *
read_png_text (const char *path)
{
  g_autofree guint8 *data = NULL;
  gsize len = 0, pos = 8;
  GHashTable *texts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  g_assert_true (g_file_get_contents (path, (char **) &data, &len, NULL));
  g_assert_cmpuint (len, >, 8);
  g_assert_cmpmem (data, 8, "\x89PNG\r\n\x1a\n", 8);
  while (pos + 12 <= len)
    {
      guint32 length = (guint32) data[pos] << 24 | data[pos + 1] << 16 | data[pos + 2] << 8 | data[pos + 3];
      const guint8 *type = data + pos + 4, *body = data + pos + 8;
      guint32 crc = 0xffffffffu, stored;

      g_assert_cmpuint (pos + 12 + length, <=, len);
      for (guint32 i = 0; i < length + 4; i++)
        {
          crc ^= type[i];
          for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
        }
      stored = (guint32) body[length] << 24 | body[length + 1] << 16 | body[length + 2] << 8 | body[length + 3];
      g_assert_cmphex (crc ^ 0xffffffffu, ==, stored);
      if (memcmp (type, "tEXt", 4) == 0 || memcmp (type, "iTXt", 4) == 0)
        {
          const guint8 *nul = memchr (body, 0, length);
          const guint8 *text;

          g_assert_nonnull (nul);
          text = nul + 1;
          if (type[0] == 'i')
            {
              g_assert_cmpint (text[0], ==, 0);      /* not compressed */
              text += 2;
              text = (const guint8 *) memchr (text, 0, body + length - text) + 1;   /* language */
              text = (const guint8 *) memchr (text, 0, body + length - text) + 1;   /* translated keyword */
              g_assert_true (g_utf8_validate ((const char *) text, body + length - text, NULL));
            }
          g_assert_false (g_hash_table_contains (texts, body));
          g_hash_table_insert (texts, g_strndup ((const char *) body, nul - body),
                               g_strndup ((const char *) text, body + length - text));
        }
      if (memcmp (type, "IEND", 4) == 0)
        break;
      pos += 12 + length;
    }
  return texts;
}

/* The caption's text, the SVG's <title>/<desc> and the file names */
static void
test_caption (void)
{
  const CsChartCaption caption = {
    .title = "Survival by JointEntropy",
    .test = "Log-rank χ² = 12.3, df = 1, n = 113, p < 0.001",
    .variables = "time: Overall survival (months, UCUM mo; key os)",
    .cohort = "113 of 400 patients: stage IIIA/IIIB & age 55–75",
    .source = "lung1.ndjson",
    .date = "2026-12-07",
  };
  const CsChartCaption partial = { .cohort = "All 3 patients", .date = "" };
  g_autofree char *all = cs_chart_caption_cohort (400, 400, NULL);
  g_autofree char *some = cs_chart_caption_cohort (113, 400, "");
  g_autofree char *filtered = cs_chart_caption_cohort (113, 400, "stage IIIA/IIIB and age 55–75");
  g_autofree char *text = cs_chart_caption_text (&caption);
  g_autofree char *partial_text = cs_chart_caption_text (&partial);
  g_autofree char *dir = g_dir_make_tmp ("cs-caption-XXXXXX", NULL);
  g_autofree char *svg_path = g_build_filename (dir, "km.svg", NULL);
  g_autofree char *pdf_path = g_build_filename (dir, "km.pdf", NULL);
  g_autofree char *png_path = g_build_filename (dir, "km.png", NULL);
  g_autofree char *svg = NULL;
  g_autoptr(GError) error = NULL;
  KmData km;

  g_assert_cmpstr (all, ==, "All 400 patients");
  g_assert_cmpstr (some, ==, "113 of 400 patients");
  g_assert_cmpstr (filtered, ==, "113 of 400 patients: stage IIIA/IIIB and age 55–75");
  g_assert_cmpstr (text, ==,
                   "Log-rank χ² = 12.3, df = 1, n = 113, p < 0.001\n"
                   "time: Overall survival (months, UCUM mo; key os)\n"
                   "113 of 400 patients: stage IIIA/IIIB & age 55–75 · Source: lung1.ndjson · 2026-12-07");
  g_assert_cmpstr (partial_text, ==, "All 3 patients");
  /* the filter expression goes into the metadata's text, never under the chart */
  {
    const CsChartCaption filtered_caption = { .cohort = "1 of 3 patients: Age 55–75 years", .date = "",
                                              .filter = "age >= 55 and age <= 75" };
    const CsChartCaption only_filter = { .date = "", .filter = "smoker" };
    g_autofree char *with_filter = cs_chart_caption_text (&filtered_caption);
    g_autofree char *alone = cs_chart_caption_text (&only_filter);
    g_auto(GStrv) drawn = cs_chart_caption_lines (&filtered_caption);

    g_assert_cmpstr (with_filter, ==, "1 of 3 patients: Age 55–75 years\nFilter: age >= 55 and age <= 75");
    g_assert_cmpstr (alone, ==, "Filter: smoker");
    g_assert_cmpuint (g_strv_length (drawn), ==, 1);
    g_assert_cmpstr (drawn[0], ==, "1 of 3 patients: Age 55–75 years");
  }
  g_assert_cmpfloat (cs_chart_caption_height (&caption, NULL, 960), >, 3 * 10.0);
  /* narrower: the lines wrap */
  g_assert_cmpfloat (cs_chart_caption_height (&caption, NULL, 200), >, cs_chart_caption_height (&caption, NULL, 960));
  g_assert_cmpfloat (cs_chart_caption_height (NULL, NULL, 960), ==, 0);

  /* the SVG keeps the caption as text, escaped */
  km_data_init (&km);
  g_assert_true (cs_chart_export_captioned (CS_CHART_KM, &km.model, &caption, NULL, svg_path, 640, 480, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (svg_path, &svg, NULL, NULL));
  g_assert_nonnull (strstr (svg, "<title>Survival by JointEntropy</title>"));
  g_assert_nonnull (strstr (svg, "<desc>Log-rank χ² = 12.3, df = 1, n = 113, p &lt; 0.001\n"));
  g_assert_nonnull (strstr (svg, "stage IIIA/IIIB &amp; age 55–75 · Source: lung1.ndjson · 2026-12-07</desc>"));
  /* inside the root element, after its opening tag */
  g_assert_true (strstr (svg, "<svg") < strstr (svg, "<title>"));
  g_assert_true (cs_chart_export_captioned (CS_CHART_KM, &km.model, &caption, NULL, pdf_path, 640, 480, &error));
  g_assert_no_error (error);
  g_assert_true (cs_chart_export_captioned (CS_CHART_KM, &km.model, &caption, NULL, png_path, 640, 480, &error));
  g_assert_no_error (error);
  /* the PNG carries the same text in tEXt/iTXt chunks and still reads as a PNG */
  {
    g_autoptr(GHashTable) texts = read_png_text (png_path);
    cairo_surface_t *image = cairo_image_surface_create_from_png (png_path);

    g_assert_cmpint (cairo_surface_status (image), ==, CAIRO_STATUS_SUCCESS);
    g_assert_cmpint (cairo_image_surface_get_width (image), ==, 640);
    g_assert_cmpint (cairo_image_surface_get_height (image), ==, 480);
    cairo_surface_destroy (image);
    g_assert_cmpstr (g_hash_table_lookup (texts, "Title"), ==, "Survival by JointEntropy");
    g_assert_cmpstr (g_hash_table_lookup (texts, "Description"), ==, text);
    g_assert_true (g_str_has_prefix (g_hash_table_lookup (texts, "Software"), "Cohortscope "));
    g_assert_cmpstr (g_hash_table_lookup (texts, "Source"), ==, "lung1.ndjson");
    g_assert_cmpstr (g_hash_table_lookup (texts, "Creation Time"), ==, "2026-12-07");
    g_assert_cmpuint (g_hash_table_size (texts), ==, 5);
  }
  /* no date in the caption: the creation time is SOURCE_DATE_EPOCH's day; empty parts are left out */
  {
    const CsChartCaption undated = { .title = "ASCII only", .source = "" };
    g_autoptr(GHashTable) texts = NULL;
    g_autofree char *old_epoch = g_strdup (g_getenv ("SOURCE_DATE_EPOCH"));

    g_setenv ("SOURCE_DATE_EPOCH", "1796643000", TRUE);   /* 2026-12-07 11:30 UTC */
    g_assert_true (cs_chart_export_captioned (CS_CHART_KM, &km.model, &undated, NULL, png_path, 320, 240, &error));
    g_assert_no_error (error);
    if (old_epoch != NULL)
      g_setenv ("SOURCE_DATE_EPOCH", old_epoch, TRUE);
    else
      g_unsetenv ("SOURCE_DATE_EPOCH");
    texts = read_png_text (png_path);
    g_assert_cmpstr (g_hash_table_lookup (texts, "Title"), ==, "ASCII only");
    g_assert_cmpstr (g_hash_table_lookup (texts, "Creation Time"), ==, "2026-12-07");
    g_assert_false (g_hash_table_contains (texts, "Source"));
    g_assert_nonnull (g_hash_table_lookup (texts, "Description"));   /* the date line */
  }
  /* no caption (--no-caption): no text chunks */
  g_assert_true (cs_chart_export (CS_CHART_KM, &km.model, NULL, png_path, 320, 240, &error));
  g_assert_no_error (error);
  {
    g_autoptr(GHashTable) texts = read_png_text (png_path);

    g_assert_cmpuint (g_hash_table_size (texts), ==, 0);
  }
  /* bytes that are no PNG come back unchanged */
  {
    static const guint8 junk[] = "GIF89a, not a PNG at all, long enough to pass for one";
    gsize out_len = 0;
    g_autofree guint8 *out = cs_chart_png_add_metadata (junk, sizeof junk, &caption, &out_len);

    g_assert_cmpmem (out, out_len, junk, sizeof junk);
    g_free (g_steal_pointer (&out));
    out = cs_chart_png_add_metadata (junk, 5, &caption, &out_len);
    g_assert_cmpmem (out, out_len, junk, 5);
  }
  g_remove (svg_path);
  g_remove (pdf_path);
  g_remove (png_path);
  g_rmdir (dir);
}

static void
test_file_name (void)
{
  static const struct { const char *kind, *subject, *relation, *other, *ext, *expected; } cases[] = {
    { "km", "os", "by", "JointEntropy", "pdf", "km-os-by-jointentropy.pdf" },
    { "scatter", "Age at diagnosis (years)", "vs", "Volume (mm³)", ".svg", "scatter-age-at-diagnosis-years-vs-volume-mm.svg" },
    { "histogram", "ldh", "by", NULL, "png", "histogram-ldh.png" },
    { "box", "Größe", "by", "", "png", "box-grosse.png" },
    { NULL, "—", NULL, NULL, "png", "chart.png" },
    { "heatmap", "original_shape_*", "vs", "clinical", NULL, "heatmap-original-shape-vs-clinical" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = cs_chart_file_name (cases[i].kind, cases[i].subject, cases[i].relation,
                                                  cases[i].other, cases[i].ext);

      g_assert_cmpstr (name, ==, cases[i].expected);
    }
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  tmpdir = g_dir_make_tmp ("cs-charts-XXXXXX", NULL);
  g_assert_nonnull (tmpdir);

  g_test_add_func ("/charts/ticks", test_ticks);
  g_test_add_func ("/charts/km-group-from-curve", test_km_group_from_curve);
  g_test_add_func ("/charts/km-groups-from-survival", test_km_groups_from_survival);
  g_test_add_func ("/charts/date-ticks", test_date_ticks);
  g_test_add_func ("/charts/format-number", test_format_number);
  g_test_add_func ("/charts/colors", test_colors);
  g_test_add_func ("/charts/axis-label", test_axis_label);
  g_test_add_func ("/charts/least-squares", test_least_squares);
  g_test_add_func ("/charts/box-stats", test_box_stats);
  g_test_add_func ("/charts/histogram-bins", test_histogram_bins);
  g_test_add_func ("/charts/km-at-risk", test_km_at_risk);
  g_test_add_func ("/charts/heatmap-order", test_heatmap_order);
  g_test_add_func ("/charts/scatter", test_scatter);
  g_test_add_func ("/charts/scatter-narrow-regression", test_scatter_narrow_regression);
  g_test_add_func ("/charts/fit-tail", test_fit_tail);
  g_test_add_func ("/charts/scatter-selection", test_scatter_selection);
  g_test_add_func ("/charts/scatter-large", test_scatter_large);
  g_test_add_func ("/charts/box", test_box);
  g_test_add_func ("/charts/histogram", test_histogram);
  g_test_add_func ("/charts/bar", test_bar);
  g_test_add_func ("/charts/km", test_km);
  g_test_add_func ("/charts/heatmap", test_heatmap);
  g_test_add_func ("/charts/forest-rows", test_forest_rows);
  g_test_add_func ("/charts/forest", test_forest);
  g_test_add_func ("/charts/empty-and-errors", test_empty_and_errors);
  g_test_add_func ("/charts/extreme-values", test_extreme_values);
  g_test_add_func ("/charts/caption", test_caption);
  g_test_add_func ("/charts/file-name", test_file_name);

  ret = g_test_run ();

  remove_tree (tmpdir);
  g_free (tmpdir);
  /* release the font caches so that LeakSanitizer sees only our memory */
  cairo_debug_reset_static_data ();
  FcFini ();
  return ret;
}
