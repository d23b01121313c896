/* cs-chart-box.c: box plots (Tukey) with jittered points and violins
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "cs-chart-private.h"

#define KDE_STEPS 80

gboolean
cs_chart_box_stats (const double    *values,
                    guint            n,
                    CsChartBoxStats *stats)
{
  g_autofree double *sorted = NULL;
  double iqr, lo_fence, hi_fence;
  guint m;

  memset (stats, 0, sizeof *stats);
  sorted = cs_chart_sorted_finite (values, n, &m);
  if (m == 0)
    return FALSE;

  stats->n = m;
  stats->min = sorted[0];
  stats->max = sorted[m - 1];
  stats->q1 = cs_chart_quantile_sorted (sorted, m, 0.25);
  stats->median = cs_chart_quantile_sorted (sorted, m, 0.5);
  stats->q3 = cs_chart_quantile_sorted (sorted, m, 0.75);
  iqr = stats->q3 - stats->q1;
  lo_fence = stats->q1 - 1.5 * iqr;
  hi_fence = stats->q3 + 1.5 * iqr;
  stats->whisker_low = stats->q1;
  stats->whisker_high = stats->q3;
  for (guint i = 0; i < m; i++)
    if (sorted[i] >= lo_fence)
      {
        stats->whisker_low = MIN (sorted[i], stats->q1);
        break;
      }
  for (guint i = m; i > 0; i--)
    if (sorted[i - 1] <= hi_fence)
      {
        stats->whisker_high = MAX (sorted[i - 1], stats->q3);
        break;
      }
  return TRUE;
}

/* Silverman's rule of thumb: 0.9 · min(sd, IQR / 1.34) · n^(-1/5). */
static double
silverman_bandwidth (const double *sorted,
                     guint         n)
{
  double mean = 0, var = 0, sd, iqr, s;

  for (guint i = 0; i < n; i++)
    mean += sorted[i];
  mean /= n;
  for (guint i = 0; i < n; i++)
    var += (sorted[i] - mean) * (sorted[i] - mean);
  sd = n > 1 ? sqrt (var / (n - 1)) : 0;
  iqr = cs_chart_quantile_sorted (sorted, n, 0.75) - cs_chart_quantile_sorted (sorted, n, 0.25);
  s = iqr > 0 ? MIN (sd, iqr / 1.34) : sd;
  if (s <= 0)
    return 0;
  return 0.9 * s * pow (n, -0.2);
}

/* Gaussian KDE of sorted values at KDE_STEPS points over [min, max]. */
static gboolean
kde (const double *sorted,
     guint         n,
     double       *density,
     double       *at)
{
  double h, lo, hi;

  if (n < 3)
    return FALSE;
  h = silverman_bandwidth (sorted, n);
  lo = sorted[0];
  hi = sorted[n - 1];
  if (!(h > 0) || !isfinite (h) || !(hi > lo) || !isfinite (hi - lo))
    return FALSE;

  for (guint s = 0; s < KDE_STEPS; s++)
    {
      double x = lo + (hi - lo) * s / (KDE_STEPS - 1);
      double sum = 0;

      for (guint i = 0; i < n; i++)
        {
          double u = (x - sorted[i]) / h;

          if (fabs (u) < 6)
            sum += exp (-0.5 * u * u);
        }
      at[s] = x;
      density[s] = sum / (n * h * sqrt (2 * G_PI));
    }
  return TRUE;
}

static void
frame_for (const CsChartBoxModel *model,
           const CsChartStyle    *style,
           CsChartFrame          *frame)
{
  gboolean any = FALSE;

  memset (frame, 0, sizeof *frame);
  frame->title = model->title;
  frame->x_label = model->x_label;
  frame->y_label = model->y_label;
  frame->x_numeric = FALSE;
  frame->y_pad = TRUE;
  frame->y_date = model->y_is_date;
  frame->y_lo = INFINITY;
  frame->y_hi = -INFINITY;
  for (guint g = 0; g < model->n_groups; g++)
    for (guint i = 0; i < model->n_values[g]; i++)
      {
        double v = model->values[g][i];

        if (!isfinite (v))
          continue;
        frame->y_lo = MIN (frame->y_lo, v);
        frame->y_hi = MAX (frame->y_hi, v);
        any = TRUE;
      }
  if (!any)
    {
      frame->y_lo = 0;
      frame->y_hi = 1;
    }
  /* Group label and "n = …" under it */
  frame->x_tick_height = style->font_size * 2.6;
}

void
cs_chart_box_layout (const CsChartBoxModel *model,
                     const CsChartStyle    *style,
                     double                 width,
                     double                 height,
                     CsChartLayout         *layout)
{
  cairo_t *cr = cs_chart_measure_cr_new ();
  CsChartFrame frame;

  frame_for (model, style, &frame);
  layout->n_bands = MAX (1, model->n_groups);
  cs_chart_frame_layout (cr, style, &frame, width, height, layout);
  cairo_destroy (cr);
}

void
cs_chart_box_draw (cairo_t               *cr,
                   double                 width,
                   double                 height,
                   const CsChartBoxModel *model,
                   const CsChartStyle    *style)
{
  CsChartLayout layout;
  CsChartFrame frame;
  double max_density = 0;
  g_autofree double *densities = NULL;
  g_autofree double *ats = NULL;
  g_autofree gboolean *has_kde = NULL;
  double label_size;

  g_return_if_fail (cr != NULL && model != NULL);
  if (style == NULL)
    style = cs_chart_style_light ();

  cs_chart_box_layout (model, style, width, height, &layout);
  frame_for (model, style, &frame);

  cairo_save (cr);
  cs_chart_paint_background (cr, style, width, height);
  cs_chart_frame_draw (cr, style, &frame, &layout);

  if (model->violin && model->n_groups > 0)
    {
      densities = g_new0 (double, (gsize) model->n_groups * KDE_STEPS);
      ats = g_new0 (double, (gsize) model->n_groups * KDE_STEPS);
      has_kde = g_new0 (gboolean, model->n_groups);
      for (guint g = 0; g < model->n_groups; g++)
        {
          g_autofree double *sorted = NULL;
          guint m;

          sorted = cs_chart_sorted_finite (model->values[g], model->n_values[g], &m);
          has_kde[g] = kde (sorted, m, densities + g * KDE_STEPS, ats + g * KDE_STEPS);
          if (has_kde[g])
            for (guint s = 0; s < KDE_STEPS; s++)
              max_density = MAX (max_density, densities[g * KDE_STEPS + s]);
        }
    }

  /* Fit group labels into the band: shrink the font, then ellipsize. */
  label_size = style->font_size;

  for (guint g = 0; g < model->n_groups; g++)
    {
      double cx = layout.plot.x + layout.band_width * (g + 0.5);
      double bw = layout.band_width;
      CsChartColor color = cs_chart_style_category_color (style, g);
      CsChartBoxStats st;
      double box_half = model->violin ? MIN (bw * 0.07, 10) : MIN (bw * 0.22, 60);
      const char *label = model->group_labels ? model->group_labels[g] : NULL;
      g_autofree char *n_text = NULL;

      if (!cs_chart_box_stats (model->values[g], model->n_values[g], &st))
        st.n = 0;

      /* Violin */
      if (has_kde && has_kde[g] && max_density > 0)
        {
          const double *d = densities + g * KDE_STEPS;
          const double *at = ats + g * KDE_STEPS;
          double scale = bw * 0.42 / max_density;

          cairo_move_to (cr, cx - d[0] * scale, cs_chart_layout_y_to_px (&layout, at[0]));
          for (guint s = 1; s < KDE_STEPS; s++)
            cairo_line_to (cr, cx - d[s] * scale, cs_chart_layout_y_to_px (&layout, at[s]));
          for (guint s = KDE_STEPS; s > 0; s--)
            cairo_line_to (cr, cx + d[s - 1] * scale, cs_chart_layout_y_to_px (&layout, at[s - 1]));
          cairo_close_path (cr);
          cs_chart_set_color (cr, color, 0.3);
          cairo_fill_preserve (cr);
          cs_chart_set_color (cr, color, 1.0);
          cairo_set_line_width (cr, 1.2);
          cairo_stroke (cr);
        }

      /* Jittered points behind the box */
      if (model->points && st.n > 0)
        {
          double spread = model->violin ? bw * 0.12 : bw * 0.3;
          double rad = st.n > 500 ? 1.4 : 2.2;

          for (guint i = 0; i < model->n_values[g]; i++)
            {
              double v = model->values[g][i];
              double jx;

              if (!isfinite (v))
                continue;
              jx = cx + (cs_chart_hash_unit (i, g) - 0.5) * spread;
              cairo_new_sub_path (cr);
              cairo_arc (cr, jx, cs_chart_layout_y_to_px (&layout, v), rad, 0, 2 * G_PI);
            }
          cs_chart_set_color (cr, model->violin ? style->fg : color, model->violin ? 0.35 : 0.5);
          cairo_fill (cr);
        }

      if (st.n > 0)
        {
          double y_q1 = cs_chart_layout_y_to_px (&layout, st.q1);
          double y_q3 = cs_chart_layout_y_to_px (&layout, st.q3);
          double y_med = cs_chart_layout_y_to_px (&layout, st.median);
          double y_lo = cs_chart_layout_y_to_px (&layout, st.whisker_low);
          double y_hi = cs_chart_layout_y_to_px (&layout, st.whisker_high);
          CsChartColor line = model->violin ? style->fg : color;

          cairo_set_line_width (cr, 1.5);
          /* whiskers */
          cs_chart_set_color (cr, line, 1.0);
          cairo_move_to (cr, cx, y_q3);
          cairo_line_to (cr, cx, y_hi);
          cairo_move_to (cr, cx, y_q1);
          cairo_line_to (cr, cx, y_lo);
          if (!model->violin)
            {
              cairo_move_to (cr, cx - box_half * 0.5, y_hi);
              cairo_line_to (cr, cx + box_half * 0.5, y_hi);
              cairo_move_to (cr, cx - box_half * 0.5, y_lo);
              cairo_line_to (cr, cx + box_half * 0.5, y_lo);
            }
          cairo_stroke (cr);

          /* box */
          cairo_rectangle (cr, cx - box_half, y_q3, 2 * box_half, MAX (1.0, y_q1 - y_q3));
          if (model->violin)
            cs_chart_set_color (cr, style->fg, 0.85);
          else
            cs_chart_set_color (cr, color, 0.25);
          cairo_fill_preserve (cr);
          cs_chart_set_color (cr, line, 1.0);
          cairo_stroke (cr);

          /* median */
          cairo_set_line_width (cr, 2.5);
          if (model->violin)
            {
              cs_chart_set_color (cr, style->bg, 1.0);
              cairo_new_sub_path (cr);
              cairo_arc (cr, cx, y_med, MAX (2.5, box_half * 0.45), 0, 2 * G_PI);
              cairo_fill (cr);
            }
          else
            {
              cs_chart_set_color (cr, line, 1.0);
              cairo_move_to (cr, cx - box_half, y_med);
              cairo_line_to (cr, cx + box_half, y_med);
              cairo_stroke (cr);
            }
        }

      /* Category label and n */
      cs_chart_set_font (cr, style, label_size, FALSE);
      cs_chart_set_color (cr, style->fg, 1.0);
      if (label != NULL)
        {
          g_autofree char *shown = cs_chart_ellipsize (cr, label, bw - 4);

          cs_chart_draw_text (cr, shown, cx, layout.plot.y + layout.plot.height + CS_CHART_TICK_LEN + 4, 0.5, 0, 0);
        }
      n_text = g_strdup_printf (_("n = %u"), st.n);
      cs_chart_set_color (cr, style->muted, 1.0);
      cs_chart_draw_text (cr, n_text, cx, layout.plot.y + layout.plot.height + CS_CHART_TICK_LEN + 4
                          + style->font_size * 1.35, 0.5, 0, 0);
    }

  cs_chart_draw_x_label (cr, style, &layout, model->x_label,
                         layout.plot.y + layout.plot.height + CS_CHART_TICK_LEN + 4
                         + style->font_size * 2.6 + style->label_size * 0.6);

  cairo_restore (cr);
}
