/* cs-chart-compact.c: the compact forms of the bar chart and histogram
 *
 * The cohort builder's dashboard and filter cards show many small charts
 * side by side: a horizontal bar chart (CsChartBarModel.horizontal) with a
 * row per value, and a histogram without axes (CsChartHistogramModel.compact).
 * Both draw the whole table muted and the cohort over it, so a filter shows
 * at a glance what it keeps. The selection overlays (a brush range, the
 * keyboard focus) are separate functions drawn on top.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "cs-chart-private.h"

/* Room above the rows or bins for the title, and its baseline */
#define TITLE_HEIGHT    22.0
#define TITLE_BASELINE  14.0

/* Horizontal bars: the label column takes this share of the width, the
 * counts ("148 / 400") this many px on the right. */
#define LABEL_SHARE     0.42
#define COUNT_WIDTH     58.0
#define MAX_ROW_HEIGHT  20.0

/* Histogram: side margins and the room under the baseline for the range */
#define HIST_MARGIN     10.0
#define HIST_BOTTOM     18.0

static gboolean
has_title (const char *title)
{
  return title != NULL && title[0] != '\0';
}

static double
max_count (const double *all,
           const double *selected,
           guint         n)
{
  double max = 1;

  for (guint i = 0; i < n; i++)
    {
      if (all != NULL && isfinite (all[i]))
        max = MAX (max, all[i]);
      if (selected != NULL && isfinite (selected[i]))
        max = MAX (max, selected[i]);
    }
  return max;
}

static double
finite_or_zero (double value)
{
  return isfinite (value) ? value : 0;
}

/* Left-aligned text on its baseline at (x, y): what cs_chart_draw_text()
 * does for halign 0, valign 1, without its save and restore (the small
 * charts draw two such texts a row, every frame of a drag). */
static void
show_text_at (cairo_t    *cr,
              const char *text,
              double      x,
              double      y)
{
  if (text == NULL || *text == '\0')
    return;
  cairo_move_to (cr, x, y);
  cairo_show_text (cr, text);
  cairo_new_path (cr);
}

static void
draw_title (cairo_t            *cr,
            const CsChartStyle *style,
            const char         *title,
            double              x,
            double              width)
{
  g_autofree char *fitted = NULL;

  if (!has_title (title))
    return;
  cs_chart_set_font (cr, style, style->title_size, TRUE);
  cs_chart_set_color (cr, style->fg, 1.0);
  fitted = cs_chart_ellipsize (cr, title, MAX (1, width - x - 2));
  show_text_at (cr, fitted, x, TITLE_BASELINE);
}

/* ------------------------------------------------------- horizontal bars */

void
cs_chart_bar_compact_layout (const CsChartBarModel *model,
                             const CsChartStyle    *style,
                             double                 width,
                             double                 height,
                             CsChartLayout         *layout)
{
  double top = has_title (model->title) ? TITLE_HEIGHT : 2;
  double label_width = MAX (40, width * LABEL_SHARE);
  guint n = model->n_categories;

  memset (layout, 0, sizeof *layout);
  layout->width = width;
  layout->height = height;
  layout->n_bands = n;
  layout->band_height = n > 0 ? MIN (MAX_ROW_HEIGHT, (height - top - 2) / n) : MAX_ROW_HEIGHT;
  layout->plot.x = label_width + 6;
  layout->plot.y = top;
  layout->plot.width = MAX (10, width - layout->plot.x - COUNT_WIDTH);
  layout->plot.height = layout->band_height * n;
  layout->band_width = layout->plot.width;
  layout->x_min = 0;
  layout->x_max = max_count (model->counts_all, model->counts_selected, n);
  /* y runs down the rows: y_to_px (i) is the top of row i */
  layout->y_min = n;
  layout->y_max = 0;
}

void
cs_chart_bar_compact_draw (cairo_t               *cr,
                           double                 width,
                           double                 height,
                           const CsChartBarModel *model,
                           const CsChartStyle    *style)
{
  CsChartColor color = cs_chart_style_category_color (style, 0);
  CsChartLayout layout;
  double row_h, bar_h, label_width, baseline;

  cs_chart_bar_compact_layout (model, style, width, height, &layout);
  row_h = layout.band_height;
  bar_h = MAX (2, row_h - 4);
  label_width = layout.plot.x - 6;
  baseline = row_h * 0.72;

  cairo_save (cr);
  cs_chart_paint_background (cr, style, width, height);
  draw_title (cr, style, model->title, 2, width);

  cs_chart_set_font (cr, style, MIN (style->font_size, row_h * 0.7), FALSE);
  for (guint i = 0; i < model->n_categories; i++)
    {
      double y = cs_chart_layout_y_to_px (&layout, i);
      double all = model->counts_all != NULL ? finite_or_zero (model->counts_all[i]) : 0;
      double shown = model->counts_selected != NULL ? finite_or_zero (model->counts_selected[i]) : all;
      gboolean marked = model->highlighted != NULL && model->highlighted[i];
      const char *label = model->labels != NULL && model->labels[i] != NULL ? model->labels[i] : "";
      g_autofree char *fitted = cs_chart_ellipsize (cr, label, label_width - 2);
      g_autofree char *count = NULL;
      char s_shown[32], s_all[32];

      if (marked)
        {
          cairo_rectangle (cr, 0, y, width, row_h);
          cs_chart_set_color (cr, color, 0.15);
          cairo_fill (cr);
        }
      cs_chart_set_color (cr, style->fg, marked ? 1.0 : 0.85);
      show_text_at (cr, fitted, 2, y + baseline);

      if (model->counts_selected != NULL)
        {
          cairo_rectangle (cr, layout.plot.x, y + 2, cs_chart_layout_x_to_px (&layout, all) - layout.plot.x, bar_h);
          cs_chart_set_color (cr, style->muted, 0.35);
          cairo_fill (cr);
        }
      cairo_rectangle (cr, layout.plot.x, y + 2, cs_chart_layout_x_to_px (&layout, shown) - layout.plot.x, bar_h);
      cs_chart_set_color (cr, color, 1.0);
      cairo_fill (cr);

      g_ascii_formatd (s_shown, sizeof s_shown, "%.0f", shown);
      g_ascii_formatd (s_all, sizeof s_all, "%.0f", all);
      count = model->counts_selected != NULL ? g_strdup_printf ("%s / %s", s_shown, s_all) : g_strdup (s_all);
      cs_chart_set_color (cr, style->fg, 0.7);
      show_text_at (cr, count, layout.plot.x + layout.plot.width + 4, y + baseline);
    }

  cairo_restore (cr);
}

void
cs_chart_bar_draw_focus (cairo_t               *cr,
                         const CsChartBarModel *model,
                         const CsChartLayout   *layout,
                         const CsChartStyle    *style,
                         guint                  index)
{
  g_return_if_fail (cr != NULL && model != NULL && layout != NULL);

  if (index >= model->n_categories)
    return;
  if (style == NULL)
    style = cs_chart_style_light ();

  cairo_save (cr);
  if (model->horizontal)
    {
      double y = cs_chart_layout_y_to_px (layout, index);

      cairo_rectangle (cr, 0.5, y + 0.5, layout->width - 1, layout->band_height - 1);
    }
  else
    cairo_rectangle (cr, layout->plot.x + layout->band_width * index + 0.5, layout->plot.y + 0.5,
                     layout->band_width - 1, layout->plot.height - 1);
  cs_chart_set_color (cr, style->fg, 0.8);
  cairo_set_line_width (cr, 1);
  cairo_set_dash (cr, (double[]) { 2, 2 }, 2, 0);
  cairo_stroke (cr);
  cairo_restore (cr);
}

/* ------------------------------------------------------ compact histogram */

void
cs_chart_histogram_compact_layout (const CsChartHistogramModel *model,
                                   const CsChartStyle          *style,
                                   double                       width,
                                   double                       height,
                                   CsChartLayout               *layout)
{
  g_autofree double *counts = NULL;
  double start, bin_width, max;
  guint n_bins;

  counts = cs_chart_histogram_counts (model, &start, &bin_width, &n_bins, &max);

  memset (layout, 0, sizeof *layout);
  layout->width = width;
  layout->height = height;
  layout->plot.x = HIST_MARGIN;
  layout->plot.y = has_title (model->title) ? TITLE_HEIGHT : 4;
  layout->plot.width = MAX (10, width - 2 * HIST_MARGIN);
  layout->plot.height = MAX (10, height - layout->plot.y - HIST_BOTTOM);
  layout->n_bands = n_bins;
  layout->band_width = layout->plot.width / MAX (1, n_bins);
  layout->x_min = start;
  layout->x_max = start + bin_width * MAX (1, n_bins);
  layout->y_min = 0;
  layout->y_max = MAX (1, max);
}

/* One path of the bars of counts: a bin per band_width, 1 px apart */
static void
compact_bars (cairo_t             *cr,
              const CsChartLayout *layout,
              const double        *counts,
              guint                n_bins)
{
  double bottom = layout->plot.y + layout->plot.height;

  for (guint b = 0; b < n_bins; b++)
    {
      double h = finite_or_zero (counts[b]) / layout->y_max * layout->plot.height;

      if (h <= 0)
        continue;
      cairo_rectangle (cr, layout->plot.x + b * layout->band_width + 0.5, bottom - h,
                       MAX (1, layout->band_width - 1), h);
    }
}

static char *
format_value (const CsChartHistogramModel *model,
              double                       value)
{
  if (model->is_date)
    {
      CsChartTicks days = { .date_unit = 1, .date_step = 1 };

      return cs_chart_ticks_format (&days, value);
    }
  return cs_chart_format_number (value, 4);
}

void
cs_chart_histogram_compact_draw (cairo_t                     *cr,
                                 double                       width,
                                 double                       height,
                                 const CsChartHistogramModel *model,
                                 const CsChartStyle          *style)
{
  CsChartColor color = cs_chart_style_category_color (style, 0);
  g_autofree double *counts = NULL;
  double start, bin_width, max;
  guint n_bins;
  CsChartLayout layout;
  double bottom;

  cs_chart_histogram_compact_layout (model, style, width, height, &layout);
  counts = cs_chart_histogram_counts (model, &start, &bin_width, &n_bins, &max);
  bottom = layout.plot.y + layout.plot.height;

  cairo_save (cr);
  cs_chart_paint_background (cr, style, width, height);
  draw_title (cr, style, model->title, layout.plot.x, width);

  if (counts != NULL)
    {
      const double *selected = model->counts_all != NULL ? model->counts_selected : NULL;

      if (selected != NULL)
        {
          compact_bars (cr, &layout, counts, n_bins);
          cs_chart_set_color (cr, style->muted, 0.35);
          cairo_fill (cr);
        }
      compact_bars (cr, &layout, selected != NULL ? selected : counts, n_bins);
      cs_chart_set_color (cr, color, 1.0);
      cairo_fill (cr);
    }

  /* The baseline, and the data range under its ends */
  cairo_rectangle (cr, layout.plot.x, bottom, layout.plot.width, 1);
  cs_chart_set_color (cr, style->fg, 0.6);
  cairo_fill (cr);
  if (counts != NULL)
    {
      g_autofree char *lo = format_value (model, layout.x_min);
      g_autofree char *hi = format_value (model, layout.x_max);

      cs_chart_set_font (cr, style, style->font_size, FALSE);
      cs_chart_set_color (cr, style->fg, 0.7);
      show_text_at (cr, lo, layout.plot.x, bottom + 13);
      cs_chart_draw_text (cr, hi, layout.plot.x + layout.plot.width, bottom + 13, 1.0, 1.0, 0);
    }

  cairo_restore (cr);
}

void
cs_chart_histogram_draw_range (cairo_t             *cr,
                               const CsChartLayout *layout,
                               const CsChartStyle  *style,
                               double               lo,
                               double               hi)
{
  const CsChartRect *p = &layout->plot;
  CsChartColor color;
  double x0, x1;

  g_return_if_fail (cr != NULL && layout != NULL);

  if (style == NULL)
    style = cs_chart_style_light ();
  color = cs_chart_style_category_color (style, 0);
  x0 = isnan (lo) ? p->x : CLAMP (cs_chart_layout_x_to_px (layout, lo), p->x, p->x + p->width);
  x1 = isnan (hi) ? p->x + p->width : CLAMP (cs_chart_layout_x_to_px (layout, hi), p->x, p->x + p->width);

  cairo_save (cr);
  cairo_rectangle (cr, x0, p->y, x1 - x0, p->height);
  cs_chart_set_color (cr, color, 0.15);
  cairo_fill (cr);
  cairo_rectangle (cr, x0 - 1.5, p->y, 3, p->height);
  cairo_rectangle (cr, x1 - 1.5, p->y, 3, p->height);
  cs_chart_set_color (cr, color, 1.0);
  cairo_fill (cr);
  cairo_restore (cr);
}
