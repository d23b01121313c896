/* cs-chart-histogram.c: histogram (Freedman–Diaconis bins) and bar chart
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "cs-chart-private.h"

#define MAX_BINS 200

static guint
sturges (guint n)
{
  return (guint) ceil (log2 ((double) MAX (n, 1))) + 1;
}

gboolean
cs_chart_histogram_bins (const double   *values,
                         guint           n,
                         CsChartBinRule  rule,
                         guint           n_bins_fixed,
                         double         *start,
                         double         *bin_width,
                         guint          *n_bins)
{
  g_autofree double *sorted = NULL;
  double lo, hi, span;
  guint m, k = 0;

  sorted = cs_chart_sorted_finite (values, n, &m);
  if (m == 0)
    return FALSE;
  lo = sorted[0];
  hi = sorted[m - 1];
  span = hi - lo;

  if (span <= 0)
    {
      *start = lo - 0.5;
      *bin_width = 1.0;
      *n_bins = 1;
      return TRUE;
    }

  switch (rule)
    {
    case CS_CHART_BINS_FIXED:
      k = n_bins_fixed;
      break;
    case CS_CHART_BINS_FREEDMAN_DIACONIS:
      {
        double iqr = cs_chart_quantile_sorted (sorted, m, 0.75) - cs_chart_quantile_sorted (sorted, m, 0.25);
        double w = 2.0 * iqr * pow (m, -1.0 / 3.0);

        if (w > 0)
          k = (guint) MIN (ceil (span / w), (double) MAX_BINS);
      }
      break;
    case CS_CHART_BINS_STURGES:
    default:
      break;
    }
  if (k == 0)
    k = sturges (m);
  k = CLAMP (k, 1, MAX_BINS);

  *start = lo;
  *bin_width = span / k;
  *n_bins = k;
  return TRUE;
}

double *
cs_chart_histogram_counts (const CsChartHistogramModel *model,
                           double                      *start,
                           double                      *bin_width,
                           guint                       *n_bins,
                           double                      *max_count)
{
  double *counts;

  *max_count = 0;
  if (model->counts_all != NULL)
    {
      *start = model->bin_start;
      *bin_width = model->bin_width > 0 ? model->bin_width : 1;
      *n_bins = model->n_bins;
      if (model->n_bins == 0)
        return NULL;
      counts = g_memdup2 (model->counts_all, sizeof (double) * model->n_bins);
      for (guint b = 0; b < *n_bins; b++)
        {
          if (isfinite (counts[b]))
            *max_count = MAX (*max_count, counts[b]);
          if (model->counts_selected != NULL && isfinite (model->counts_selected[b]))
            *max_count = MAX (*max_count, model->counts_selected[b]);
        }
      return counts;
    }
  if (!cs_chart_histogram_bins (model->values, model->n, model->rule, model->n_bins,
                                start, bin_width, n_bins))
    {
      *start = 0;
      *bin_width = 1;
      *n_bins = 0;
      return NULL;
    }

  counts = g_new0 (double, *n_bins);
  for (guint i = 0; i < model->n; i++)
    {
      double v = model->values[i];
      gint64 b;

      if (!isfinite (v))
        continue;
      {
        double q = floor ((v - *start) / *bin_width);

        /* the last bin is closed; NAN (inf / inf) only happens at the ends */
        if (!(q >= 0))
          q = isnan (q) && v > *start ? *n_bins - 1 : 0;
        b = (gint64) MIN (q, (double) *n_bins - 1);
      }
      counts[b] += 1;
    }
  for (guint b = 0; b < *n_bins; b++)
    *max_count = MAX (*max_count, counts[b]);
  return counts;
}

static void
histogram_frame (const CsChartHistogramModel *model,
                 double                       start,
                 double                       bin_width,
                 guint                        n_bins,
                 double                       max_count,
                 CsChartFrame                *frame)
{
  memset (frame, 0, sizeof *frame);
  frame->title = model->title;
  frame->x_label = model->x_label;
  frame->y_label = model->y_label ? model->y_label : _("Patients");
  frame->x_numeric = TRUE;
  frame->x_date = model->is_date;
  frame->x_lo = start;
  frame->x_hi = start + bin_width * MAX (n_bins, 1);
  frame->y_lo = 0;
  frame->y_hi = MAX (max_count, 1);
  frame->y_nice = TRUE;
}

void
cs_chart_histogram_layout (const CsChartHistogramModel *model,
                           const CsChartStyle          *style,
                           double                       width,
                           double                       height,
                           CsChartLayout               *layout)
{
  cairo_t *cr;
  g_autofree double *counts = NULL;
  double start, bin_width, max_count;
  guint n_bins;
  CsChartFrame frame;

  if (model->compact)
    {
      cs_chart_histogram_compact_layout (model, style, width, height, layout);
      return;
    }
  cr = cs_chart_measure_cr_new ();
  counts = cs_chart_histogram_counts (model, &start, &bin_width, &n_bins, &max_count);
  histogram_frame (model, start, bin_width, n_bins, max_count, &frame);
  layout->n_bands = 0;
  cs_chart_frame_layout (cr, style, &frame, width, height, layout);
  cairo_destroy (cr);
}

/* The bars of counts (n_bins from start) in one path, from base (NULL: 0)
 * up. */
static void
histogram_bars (cairo_t             *cr,
                const CsChartLayout *layout,
                const double        *counts,
                const double        *base,
                double               start,
                double               bin_width,
                guint                n_bins)
{
  for (guint b = 0; b < n_bins; b++)
    {
      double x0 = cs_chart_layout_x_to_px (layout, start + bin_width * b);
      double x1 = cs_chart_layout_x_to_px (layout, start + bin_width * (b + 1));
      double from = base != NULL && isfinite (base[b]) ? MAX (base[b], 0) : 0;
      double y0 = cs_chart_layout_y_to_px (layout, from);
      double y1 = cs_chart_layout_y_to_px (layout, counts[b]);
      double gap = x1 - x0 > 4 ? 1.0 : 0.0;

      if (!(counts[b] > from))
        continue;
      cairo_rectangle (cr, x0 + gap / 2, y1, MAX (0.5, x1 - x0 - gap), y0 - y1);
    }
}

void
cs_chart_histogram_draw (cairo_t                     *cr,
                         double                       width,
                         double                       height,
                         const CsChartHistogramModel *model,
                         const CsChartStyle          *style)
{
  g_autofree double *counts = NULL;
  const double *shown;
  double start, bin_width, max_count, n_finite = 0;
  guint n_bins;
  CsChartLayout layout;
  CsChartFrame frame;
  CsChartColor color;

  g_return_if_fail (cr != NULL && model != NULL);
  if (style == NULL)
    style = cs_chart_style_light ();
  if (model->compact)
    {
      cs_chart_histogram_compact_draw (cr, width, height, model, style);
      return;
    }

  cs_chart_histogram_layout (model, style, width, height, &layout);
  counts = cs_chart_histogram_counts (model, &start, &bin_width, &n_bins, &max_count);
  histogram_frame (model, start, bin_width, n_bins, max_count, &frame);
  color = cs_chart_style_category_color (style, 0);
  shown = model->counts_all != NULL && model->counts_selected != NULL ? model->counts_selected : counts;

  cairo_save (cr);
  cs_chart_paint_background (cr, style, width, height);
  cs_chart_frame_draw (cr, style, &frame, &layout);

  if (shown != counts)
    {
      /* The rest of the whole table as muted bars over the cohort's */
      histogram_bars (cr, &layout, counts, shown, start, bin_width, n_bins);
      cs_chart_set_color (cr, style->muted, 0.35);
      cairo_fill (cr);
    }
  histogram_bars (cr, &layout, shown, NULL, start, bin_width, n_bins);
  cs_chart_set_color (cr, color, 0.85);
  cairo_fill (cr);
  for (guint b = 0; b < n_bins; b++)
    if (isfinite (shown[b]))
      n_finite += shown[b];

  {
    g_autofree char *text = NULL;
    char sw[32];

    g_ascii_formatd (sw, sizeof sw, "%.3g", bin_width);
    /* TRANSLATORS: histogram annotation: number of values, bins and bin width */
    if (model->is_date)
      text = g_strdup_printf (_("n = %u    %u bins of %s days"), (guint) n_finite, n_bins, sw);
    else
      text = g_strdup_printf (_("n = %u    %u bins of %s"), (guint) n_finite, n_bins, sw);
    cs_chart_set_font (cr, style, style->font_size, FALSE);
    cs_chart_set_color (cr, style->muted, 1.0);
    cs_chart_draw_text (cr, text, layout.plot.x + layout.plot.width - 4,
                        layout.plot.y + style->font_size * 0.75, 1.0, 0.5, 0);
  }

  cairo_restore (cr);
}

int
cs_chart_histogram_hit (const CsChartHistogramModel *model,
                        const CsChartLayout         *layout,
                        double                       x,
                        double                       y,
                        double                      *lo,
                        double                      *hi,
                        guint                       *count)
{
  g_autofree double *counts = NULL;
  double start, bin_width, max_count, v, q;
  guint n_bins;
  int b;

  if (!cs_chart_rect_contains (&layout->plot, x, y))
    return -1;
  counts = cs_chart_histogram_counts (model, &start, &bin_width, &n_bins, &max_count);
  if (counts == NULL || n_bins == 0)
    return -1;
  v = cs_chart_layout_px_to_x (layout, x);
  q = floor ((v - start) / bin_width);
  if (!(q >= 0 && q < n_bins))
    return -1;
  b = (int) q;
  if (lo)
    *lo = start + bin_width * b;
  if (hi)
    *hi = start + bin_width * (b + 1);
  if (count)
    *count = (guint) counts[b];
  return b;
}

/* ------------------------------------------------------------------ bar */

static double
bar_max (const CsChartBarModel *model)
{
  double m = 0;

  for (guint i = 0; i < model->n_categories; i++)
    {
      if (model->counts_all && isfinite (model->counts_all[i]))
        m = MAX (m, model->counts_all[i]);
      if (model->counts_selected && isfinite (model->counts_selected[i]))
        m = MAX (m, model->counts_selected[i]);
    }
  return m;
}

/* Category labels rotate by 40° when the widest does not fit its band. */
static gboolean
bar_rotate_labels (cairo_t               *cr,
                   const CsChartStyle    *style,
                   const CsChartBarModel *model,
                   double                 band,
                   double                *max_width)
{
  double w = 0;

  cs_chart_set_font (cr, style, style->font_size, FALSE);
  for (guint i = 0; i < model->n_categories; i++)
    w = MAX (w, cs_chart_text_width (cr, model->labels ? model->labels[i] : ""));
  *max_width = MIN (w, 180);
  return w > band - 6;
}

static void
bar_frame (const CsChartBarModel *model,
           const CsChartStyle    *style,
           double                 label_height,
           CsChartFrame          *frame)
{
  memset (frame, 0, sizeof *frame);
  frame->title = model->title;
  frame->x_label = model->x_label;
  frame->y_label = model->y_label ? model->y_label : _("Patients");
  frame->x_numeric = FALSE;
  frame->y_lo = 0;
  frame->y_hi = MAX (1, bar_max (model) * 1.08);  /* room for value labels */
  frame->y_nice = TRUE;
  frame->x_tick_height = label_height;
  if (model->counts_selected)
    frame->extra_right = 0;
}

static void
bar_layout_full (const CsChartBarModel *model,
                 const CsChartStyle    *style,
                 double                 width,
                 double                 height,
                 CsChartLayout         *layout,
                 CsChartFrame          *frame,
                 gboolean              *rotate,
                 double                *label_h)
{
  cairo_t *cr = cs_chart_measure_cr_new ();
  double max_w;

  *label_h = 0;
  bar_frame (model, style, 0, frame);
  layout->n_bands = MAX (1, model->n_categories);
  cs_chart_frame_layout (cr, style, frame, width, height, layout);
  *rotate = bar_rotate_labels (cr, style, model, layout->band_width, &max_w);
  if (*rotate)
    {
      *label_h = max_w * sin (G_PI * 40 / 180) + style->font_size * 1.2;
      bar_frame (model, style, *label_h, frame);
      layout->n_bands = MAX (1, model->n_categories);
      cs_chart_frame_layout (cr, style, frame, width, height, layout);
    }
  cairo_destroy (cr);
}

void
cs_chart_bar_layout (const CsChartBarModel *model,
                     const CsChartStyle    *style,
                     double                 width,
                     double                 height,
                     CsChartLayout         *layout)
{
  CsChartFrame frame;
  gboolean rotate;
  double label_h;

  if (model->horizontal)
    {
      cs_chart_bar_compact_layout (model, style, width, height, layout);
      return;
    }
  bar_layout_full (model, style, width, height, layout, &frame, &rotate, &label_h);
}

void
cs_chart_bar_draw (cairo_t               *cr,
                   double                 width,
                   double                 height,
                   const CsChartBarModel *model,
                   const CsChartStyle    *style)
{
  CsChartLayout layout;
  CsChartFrame frame;
  CsChartColor color;
  gboolean rotate;
  double label_h;

  g_return_if_fail (cr != NULL && model != NULL);
  if (style == NULL)
    style = cs_chart_style_light ();
  if (model->horizontal)
    {
      cs_chart_bar_compact_draw (cr, width, height, model, style);
      return;
    }

  bar_layout_full (model, style, width, height, &layout, &frame, &rotate, &label_h);
  color = cs_chart_style_category_color (style, 0);

  cairo_save (cr);
  cs_chart_paint_background (cr, style, width, height);
  cs_chart_frame_draw (cr, style, &frame, &layout);

  if (model->highlighted != NULL)
    {
      /* Marked categories: a band behind the column */
      for (guint i = 0; i < model->n_categories; i++)
        if (model->highlighted[i])
          cairo_rectangle (cr, layout.plot.x + layout.band_width * i, layout.plot.y,
                           layout.band_width, layout.plot.height);
      cs_chart_set_color (cr, color, 0.15);
      cairo_fill (cr);
    }

  for (guint i = 0; i < model->n_categories; i++)
    {
      double cx = layout.plot.x + layout.band_width * (i + 0.5);
      double bw = MIN (layout.band_width * 0.72, 120);
      double y0 = cs_chart_layout_y_to_px (&layout, 0);
      double all = model->counts_all ? model->counts_all[i] : 0;
      double shown = model->counts_selected ? model->counts_selected[i] : all;
      const char *label = model->labels ? model->labels[i] : "";
      char num[32];

      if (!isfinite (all))
        all = 0;
      if (!isfinite (shown))
        shown = 0;

      if (model->counts_selected)
        {
          /* The whole cohort as a muted bar, the selection over it. */
          double y1 = cs_chart_layout_y_to_px (&layout, all);
          double ys = cs_chart_layout_y_to_px (&layout, MIN (shown, all));

          cairo_rectangle (cr, cx - bw / 2, y1, bw, ys - y1);
          cs_chart_set_color (cr, style->muted, 0.35);
          cairo_fill (cr);
        }
      {
        double y1 = cs_chart_layout_y_to_px (&layout, shown);

        cairo_rectangle (cr, cx - bw / 2, y1, bw, y0 - y1);
        cs_chart_set_color (cr, color, 0.9);
        cairo_fill (cr);
      }

      /* Value above the bar */
      cs_chart_set_font (cr, style, style->font_size, FALSE);
      cs_chart_set_color (cr, style->fg, 1.0);
      if (model->counts_selected)
        {
          g_autofree char *text = NULL;
          char s_all[32];

          g_ascii_formatd (num, sizeof num, "%.0f", shown);
          g_ascii_formatd (s_all, sizeof s_all, "%.0f", all);
          text = g_strdup_printf ("%s / %s", num, s_all);
          if (cs_chart_text_width (cr, text) > layout.band_width - 2)
            {
              g_free (text);
              text = g_strdup (num);
            }
          cs_chart_draw_text (cr, text, cx, cs_chart_layout_y_to_px (&layout, MAX (all, shown)) - 4, 0.5, 1.0, 0);
        }
      else
        {
          g_ascii_formatd (num, sizeof num, "%.0f", shown);
          if (cs_chart_text_width (cr, num) <= layout.band_width - 2)
            cs_chart_draw_text (cr, num, cx, cs_chart_layout_y_to_px (&layout, shown) - 4, 0.5, 1.0, 0);
        }

      /* Category label */
      cs_chart_set_color (cr, style->fg, 1.0);
      if (rotate)
        {
          g_autofree char *text = cs_chart_ellipsize (cr, label, 180);

          cs_chart_draw_text (cr, text, cx + style->font_size * 0.3,
                              layout.plot.y + layout.plot.height + CS_CHART_TICK_LEN + 4,
                              1.0, 0.0, -G_PI * 40 / 180);
        }
      else
        cs_chart_draw_text (cr, label, cx, layout.plot.y + layout.plot.height + CS_CHART_TICK_LEN + 4, 0.5, 0, 0);
    }

  cs_chart_draw_x_label (cr, style, &layout, model->x_label,
                         layout.plot.y + layout.plot.height + CS_CHART_TICK_LEN + 4
                         + (rotate ? label_h : style->font_size * 1.3) + style->label_size * 0.6);

  if (model->counts_selected)
    {
      const char *labels[2] = { _("Selection"), _("All patients") };
      CsChartColor colors[2] = { color, style->muted };

      colors[1].a = 0.35;
      cs_chart_set_font (cr, style, style->font_size, FALSE);
      cs_chart_draw_legend (cr, style,
                            layout.plot.x + layout.plot.width
                            - cs_chart_legend_width (cr, style, labels, 2) - 4,
                            layout.plot.y, labels, colors, 2, 0);
    }

  cairo_restore (cr);
}

int
cs_chart_bar_hit (const CsChartBarModel *model,
                  const CsChartLayout   *layout,
                  double                 x,
                  double                 y)
{
  int index;

  g_return_val_if_fail (model != NULL && layout != NULL, -1);

  if (!model->horizontal)
    return model->n_categories > 0 ? cs_chart_band_hit (layout, x, y) : -1;

  if (model->n_categories == 0 || layout->band_height <= 0
      || x < 0 || x >= layout->width || y < layout->plot.y)
    return -1;
  index = (int) floor ((y - layout->plot.y) / layout->band_height);
  return index < (int) model->n_categories ? index : -1;
}
