/* cs-chart-scatter.c: scatter plot with least-squares line and categories
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "cs-chart-private.h"

gboolean
cs_chart_least_squares (const double *x,
                        const double *y,
                        guint         n,
                        double       *intercept,
                        double       *slope,
                        double       *r)
{
  double mx = 0, my = 0, sxx = 0, syy = 0, sxy = 0;
  guint m = 0;

  /* Two passes (means first) for numerical stability. */
  for (guint i = 0; i < n; i++)
    {
      if (!isfinite (x[i]) || !isfinite (y[i]))
        continue;
      mx += x[i];
      my += y[i];
      m++;
    }
  if (m < 2)
    return FALSE;
  mx /= m;
  my /= m;
  for (guint i = 0; i < n; i++)
    {
      if (!isfinite (x[i]) || !isfinite (y[i]))
        continue;
      sxx += (x[i] - mx) * (x[i] - mx);
      syy += (y[i] - my) * (y[i] - my);
      sxy += (x[i] - mx) * (y[i] - my);
    }
  if (sxx <= 0)
    return FALSE;

  if (slope)
    *slope = sxy / sxx;
  if (intercept)
    *intercept = my - sxy / sxx * mx;
  if (r)
    *r = syy > 0 ? sxy / sqrt (sxx * syy) : NAN;
  return TRUE;
}

static gboolean
data_range (const CsChartScatterModel *model,
            double                    *x_lo,
            double                    *x_hi,
            double                    *y_lo,
            double                    *y_hi)
{
  gboolean any = FALSE;

  *x_lo = *y_lo = INFINITY;
  *x_hi = *y_hi = -INFINITY;
  for (guint i = 0; i < model->n; i++)
    {
      if (!isfinite (model->x[i]) || !isfinite (model->y[i]))
        continue;
      *x_lo = MIN (*x_lo, model->x[i]);
      *x_hi = MAX (*x_hi, model->x[i]);
      *y_lo = MIN (*y_lo, model->y[i]);
      *y_hi = MAX (*y_hi, model->y[i]);
      any = TRUE;
    }
  if (!any)
    {
      *x_lo = *y_lo = 0;
      *x_hi = *y_hi = 1;
    }
  return any;
}

static gboolean
has_missing_category (const CsChartScatterModel *model)
{
  if (model->category == NULL)
    return FALSE;
  for (guint i = 0; i < model->n; i++)
    if (model->category[i] < 0 || (guint) model->category[i] >= model->n_categories)
      return TRUE;
  return FALSE;
}

/* Legend labels: the categories, then "Missing" if some point has none. */
static const char **
legend_labels (const CsChartScatterModel *model,
               guint                     *n_out)
{
  const char **labels;
  guint n = 0;

  *n_out = 0;
  if (model->category == NULL || model->n_categories == 0)
    return NULL;

  labels = g_new0 (const char *, model->n_categories + 2);
  for (guint i = 0; i < model->n_categories; i++)
    labels[n++] = model->category_labels ? model->category_labels[i] : "";
  if (has_missing_category (model))
    labels[n++] = _("Missing");
  *n_out = n;
  return labels;
}

static void
frame_for (const CsChartScatterModel *model,
           cairo_t                   *cr,
           const CsChartStyle        *style,
           CsChartFrame              *frame)
{
  g_autofree const char **labels = NULL;
  guint n_labels;

  memset (frame, 0, sizeof *frame);
  frame->title = model->title;
  frame->x_label = model->x_label;
  frame->y_label = model->y_label;
  frame->x_numeric = TRUE;
  frame->x_pad = frame->y_pad = TRUE;
  frame->x_date = model->x_is_date;
  frame->y_date = model->y_is_date;
  data_range (model, &frame->x_lo, &frame->x_hi, &frame->y_lo, &frame->y_hi);

  labels = legend_labels (model, &n_labels);
  if (n_labels > 0)
    {
      double w = cs_chart_legend_width (cr, style, labels, n_labels);

      if (model->legend_title && *model->legend_title)
        {
          cs_chart_set_font (cr, style, style->font_size, TRUE);
          w = MAX (w, MIN (200, cs_chart_text_width (cr, model->legend_title)));
        }
      frame->extra_right = w + 16;
    }
}

void
cs_chart_scatter_layout (const CsChartScatterModel *model,
                         const CsChartStyle        *style,
                         double                     width,
                         double                     height,
                         CsChartLayout             *layout)
{
  cairo_t *cr = cs_chart_measure_cr_new ();
  CsChartFrame frame;

  frame_for (model, cr, style, &frame);
  layout->n_bands = 0;
  cs_chart_frame_layout (cr, style, &frame, width, height, layout);
  if (frame.extra_right > 0)
    {
      layout->legend.x = layout->plot.x + layout->plot.width + 16;
      layout->legend.y = layout->plot.y;
      layout->legend.width = frame.extra_right - 16;
      layout->legend.height = layout->plot.height;
    }
  cairo_destroy (cr);
}

static CsChartColor
point_color (const CsChartScatterModel *model,
             const CsChartStyle        *style,
             int                        cat)
{
  if (model->category == NULL || model->n_categories == 0)
    return cs_chart_style_category_color (style, 0);
  if (cat < 0 || (guint) cat >= model->n_categories)
    return style->muted;
  return cs_chart_style_category_color (style, cat);
}

/* double → int without undefined behaviour for NAN or huge values */
static inline int
to_int (double v)
{
  if (!(v > -1e9))
    return -1000000000;
  if (v > 1e9)
    return 1000000000;
  return (int) v;
}

#define GROUP_ALL        G_MININT
#define GROUP_UNSELECTED (G_MININT + 1)

/* group: a category index, -1 (no category), GROUP_ALL (no categories) or
 * GROUP_UNSELECTED (points outside model->selected). With a selection, the
 * other groups hold only selected points. */
static inline gboolean
in_group (const CsChartScatterModel *model,
          guint                      i,
          int                        group)
{
  int cat;

  if (model->selected != NULL)
    {
      if (group == GROUP_UNSELECTED)
        return !model->selected[i];
      if (!model->selected[i])
        return FALSE;
    }
  else if (group == GROUP_UNSELECTED)
    return FALSE;
  if (group == GROUP_ALL)
    return TRUE;
  cat = model->category[i];
  if (cat < 0 || (guint) cat >= model->n_categories)
    cat = -1;
  return cat == group;
}

/* Raster targets (image surfaces: PNG export, GTK's cairo nodes) get large
 * point sets as an A8 coverage mask written directly, one composite per
 * colour: O(n) with no path at all. Overlaps raise the coverage, so dense
 * regions are darker. Returns FALSE when the target is not a
 * raster surface or the transformation is not an axis-aligned scale. */
static gboolean
draw_points_mask (cairo_t                   *cr,
                  const CsChartScatterModel *model,
                  const CsChartLayout       *layout,
                  int                        group,
                  double                     size,
                  CsChartColor               color)
{
  cairo_surface_t *target = cairo_get_target (cr);
  const CsChartRect *p = &layout->plot;
  cairo_matrix_t m;
  cairo_surface_t *mask;
  double scale, sx, sy, ox, oy;
  guint8 *data;
  int mw, mh, stride, ms, half;

  if (cairo_surface_get_type (target) != CAIRO_SURFACE_TYPE_IMAGE)
    return FALSE;
  cairo_get_matrix (cr, &m);
  if (m.xy != 0 || m.yx != 0 || m.xx <= 0 || m.yy <= 0 || fabs (m.xx - m.yy) > 1e-9)
    return FALSE;
  {
    double dsx = 1, dsy = 1;

    cairo_surface_get_device_scale (target, &dsx, &dsy);
    scale = m.xx * dsx;
  }
  if (!(scale > 0 && scale <= 8))
    return FALSE;

  mw = (int) ceil (p->width * scale);
  mh = (int) ceil (p->height * scale);
  if (mw <= 0 || mh <= 0)
    return TRUE;
  mask = cairo_image_surface_create (CAIRO_FORMAT_A8, mw, mh);
  if (cairo_surface_status (mask) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (mask);
      return FALSE;
    }
  cairo_surface_flush (mask);
  data = cairo_image_surface_get_data (mask);
  stride = cairo_image_surface_get_stride (mask);
  ms = MAX (2, (int) round (size * scale));
  half = ms / 2;

  sx = p->width * scale / (layout->x_max - layout->x_min);
  sy = p->height * scale / (layout->y_max - layout->y_min);
  ox = -layout->x_min * sx;
  oy = p->height * scale + layout->y_min * sy;

  for (guint i = 0; i < model->n; i++)
    {
      double x = model->x[i], y = model->y[i];
      int ix, iy, x0, x1, y0, y1;

      if (!isfinite (x) || !isfinite (y))
        continue;
      if (!in_group (model, i, group))
        continue;
      ix = to_int (floor (ox + x * sx)) - half;
      iy = to_int (floor (oy - y * sy)) - half;
      x0 = MAX (ix, 0);
      y0 = MAX (iy, 0);
      x1 = MIN (ix + ms, mw);
      y1 = MIN (iy + ms, mh);
      for (int yy = y0; yy < y1; yy++)
        {
          guint8 *row = data + (gsize) yy * stride;

          /* first point: 60% coverage; each further one adds 8%, so
           * dense regions read darker (a cheap density cue) */
          for (int xx = x0; xx < x1; xx++)
            row[xx] = row[xx] == 0 ? 153 : (guint8) MIN (255, row[xx] + 21);
        }
    }
  cairo_surface_mark_dirty (mask);
  cairo_surface_set_device_scale (mask, scale, scale);

  cs_chart_set_color (cr, color, 1.0);
  cairo_mask_surface (cr, mask, p->x, p->y);
  cairo_surface_destroy (mask);
  return TRUE;
}

/* Draws all points of one colour group. Small sets get circles with an
 * outline; large sets get a coverage mask on raster targets, else
 * pixel-snapped squares in one fill, skipping points whose pixel already
 * holds a point of the same group. */
static void
draw_points (cairo_t                   *cr,
             const CsChartScatterModel *model,
             const CsChartStyle        *style,
             const CsChartLayout       *layout,
             int                        group,     /* see in_group() */
             guint8                    *occupied,  /* plot-sized, or NULL */
             guint                      n_finite)
{
  const CsChartRect *p = &layout->plot;
  double sx = p->width / (layout->x_max - layout->x_min);
  double sy = p->height / (layout->y_max - layout->y_min);
  double ox = p->x - layout->x_min * sx;
  double oy = p->y + p->height + layout->y_min * sy;
  int pw = (int) p->width, ph = (int) p->height;
  guint8 mark = (guint8) (group == GROUP_ALL ? 1 : group == GROUP_UNSELECTED ? 2 : group + 3);
  gboolean large = n_finite > CS_CHART_SCATTER_DEDUP_THRESHOLD;
  double size = large ? MAX (2.0, round (style->point_size * 0.5)) : style->point_size;
  double half = size / 2;
  CsChartColor color;

  if (group == GROUP_UNSELECTED)
    {
      color = style->muted;
      color.a *= 0.45;
    }
  else if (model->category == NULL || model->n_categories == 0)
    color = cs_chart_style_category_color (style, 0);
  else if (group < 0)
    color = style->muted;
  else
    color = point_color (model, style, group);

  if (large && draw_points_mask (cr, model, layout, group, size, color))
    return;

  for (guint i = 0; i < model->n; i++)
    {
      double x = model->x[i], y = model->y[i];
      double px, py;

      if (!isfinite (x) || !isfinite (y))
        continue;
      if (!in_group (model, i, group))
        continue;

      px = ox + x * sx;
      py = oy - y * sy;

      if (large)
        {
          int ix = to_int (px - p->x), iy = to_int (py - p->y);

          if (occupied != NULL && ix >= 0 && iy >= 0 && ix < pw && iy < ph)
            {
              guint8 *cell = &occupied[(gsize) iy * pw + ix];

              if (*cell == mark)
                continue;
              *cell = mark;
            }
          cairo_rectangle (cr, floor (px - half + 0.5), floor (py - half + 0.5), size, size);
        }
      else
        {
          cairo_new_sub_path (cr);
          cairo_arc (cr, px, py, half, 0, 2 * G_PI);
        }
    }

  if (large)
    {
      cs_chart_set_color (cr, color, 0.75);
      cairo_fill (cr);
    }
  else
    {
      cs_chart_set_color (cr, color, 0.55);
      cairo_fill_preserve (cr);
      cairo_set_line_width (cr, 0.8);
      cs_chart_set_color (cr, color, 1.0);
      cairo_stroke (cr);
    }
}

void
cs_chart_scatter_draw (cairo_t                   *cr,
                       double                     width,
                       double                     height,
                       const CsChartScatterModel *model,
                       const CsChartStyle        *style)
{
  CsChartLayout layout;
  CsChartFrame frame;
  g_autofree guint8 *occupied = NULL;
  g_autofree const char **labels = NULL;
  guint n_labels = 0;
  guint n_finite = 0, n_fit;
  gboolean fitted = FALSE;
  double a = 0, b = 0, r = 0;

  g_return_if_fail (cr != NULL && model != NULL);
  if (style == NULL)
    style = cs_chart_style_light ();

  cs_chart_scatter_layout (model, style, width, height, &layout);
  frame_for (model, cr, style, &frame);

  cairo_save (cr);
  cs_chart_paint_background (cr, style, width, height);
  cs_chart_frame_draw (cr, style, &frame, &layout);

  for (guint i = 0; i < model->n; i++)
    if (isfinite (model->x[i]) && isfinite (model->y[i]))
      n_finite++;

  /* The line (and its n) describe the selection when there is one. */
  n_fit = n_finite;
  if (model->regression && model->selected == NULL)
    fitted = cs_chart_least_squares (model->x, model->y, model->n, &a, &b, &r);
  else if (model->regression)
    {
      g_autofree double *sx = g_new (double, MAX (model->n, 1));
      g_autofree double *sy = g_new (double, MAX (model->n, 1));
      guint m = 0;

      for (guint i = 0; i < model->n; i++)
        if (model->selected[i] && isfinite (model->x[i]) && isfinite (model->y[i]))
          {
            sx[m] = model->x[i];
            sy[m] = model->y[i];
            m++;
          }
      n_fit = m;
      fitted = cs_chart_least_squares (sx, sy, m, &a, &b, &r);
    }

  if (n_finite == 0)
    {
      cs_chart_set_font (cr, style, style->label_size, FALSE);
      cs_chart_set_color (cr, style->muted, 1.0);
      cs_chart_draw_text (cr, _("No patients with both values"),
                          layout.plot.x + layout.plot.width / 2,
                          layout.plot.y + layout.plot.height / 2, 0.5, 0.5, 0);
      cairo_restore (cr);
      return;
    }

  cairo_save (cr);
  cairo_rectangle (cr, layout.plot.x, layout.plot.y, layout.plot.width, layout.plot.height);
  cairo_clip (cr);
  cairo_new_path (cr);

  if (n_finite > CS_CHART_SCATTER_DEDUP_THRESHOLD)
    occupied = g_malloc0 ((gsize) MAX (1, (int) layout.plot.width) * MAX (1, (int) layout.plot.height));

  /* Unselected points first (muted, underneath), then points without a
   * category, then the categories in order. */
  if (model->selected != NULL)
    draw_points (cr, model, style, &layout, GROUP_UNSELECTED, occupied, n_finite);
  if (model->category != NULL && model->n_categories > 0)
    {
      draw_points (cr, model, style, &layout, -1, occupied, n_finite);
      for (guint c = 0; c < model->n_categories; c++)
        draw_points (cr, model, style, &layout, (int) c, occupied, n_finite);
    }
  else
    draw_points (cr, model, style, &layout, GROUP_ALL, occupied, n_finite);

  if (fitted)
    {
      double x0 = layout.x_min, x1 = layout.x_max;

      cairo_set_line_width (cr, 2.0);
      cs_chart_set_color (cr, style->bg, 0.8);
      cairo_move_to (cr, cs_chart_layout_x_to_px (&layout, x0), cs_chart_layout_y_to_px (&layout, a + b * x0));
      cairo_line_to (cr, cs_chart_layout_x_to_px (&layout, x1), cs_chart_layout_y_to_px (&layout, a + b * x1));
      cairo_set_line_width (cr, 4.5);
      cairo_stroke_preserve (cr);
      cairo_set_line_width (cr, 2.0);
      cs_chart_set_color (cr, style->fg, 0.9);
      cairo_stroke (cr);
    }
  cairo_restore (cr);

  if (fitted)
    {
      g_autofree char *text = NULL;
      g_autofree char *sa = cs_chart_format_number (a, 3);
      g_autofree char *sb = cs_chart_format_number (fabs (b), 3);
      double room = layout.plot.width - 16;

      /* One test, named: the caller's (the one the side panel and the
       * caption report), else the line and its n alone, never a second
       * correlation beside the caller's. */
      if (model->test != NULL && *model->test != '\0')
        /* TRANSLATORS: least-squares line, then the test ("Spearman ρ = 0.84, n = 97, p < 0.001") */
        text = g_strdup_printf (_("Least squares y = %s %s %s·x    %s"),
                                sa, b < 0 ? "−" : "+", sb, model->test);
      else
        /* TRANSLATORS: least-squares line and number of points */
        text = g_strdup_printf (_("Least squares y = %s %s %s·x    n = %u"),
                                sa, b < 0 ? "−" : "+", sb, n_fit);
      cs_chart_set_font (cr, style, style->font_size, FALSE);
      /* a narrow plot: the test (or n) without the line's equation, then
       * without the test's name (its n and p kept), then n shortened, never
       * drawn past the plot */
      if (cs_chart_text_width (cr, text) > room)
        {
          g_autofree char *n_text = g_strdup_printf (_("n = %u"), n_fit);

          g_free (text);
          text = cs_chart_fit_tail (cr, model->test != NULL && *model->test != '\0' ? model->test : n_text,
                                    n_text, MAX (room, 0));
        }
      cs_chart_set_color (cr, style->bg, 0.85);
      cairo_rectangle (cr, layout.plot.x + 6, layout.plot.y + 4,
                       cs_chart_text_width (cr, text) + 8, style->font_size * 1.5);
      cairo_fill (cr);
      cs_chart_set_color (cr, style->fg, 1.0);
      cs_chart_draw_text (cr, text, layout.plot.x + 10, layout.plot.y + 4 + style->font_size * 0.75, 0, 0.5, 0);
    }
  else
    {
      g_autofree char *text = g_strdup_printf (_("n = %u"), n_finite);

      cs_chart_set_font (cr, style, style->font_size, FALSE);
      cs_chart_set_color (cr, style->muted, 1.0);
      cs_chart_draw_text (cr, text, layout.plot.x + 10, layout.plot.y + 4 + style->font_size * 0.75, 0, 0.5, 0);
    }

  labels = legend_labels (model, &n_labels);
  if (n_labels > 0)
    {
      g_autofree CsChartColor *colors = g_new (CsChartColor, n_labels);

      double y = layout.legend.y;

      for (guint i = 0; i < n_labels; i++)
        colors[i] = i < model->n_categories ? cs_chart_style_category_color (style, i) : style->muted;
      if (model->legend_title && *model->legend_title)
        {
          g_autofree char *title = NULL;

          cs_chart_set_font (cr, style, style->font_size, TRUE);
          cs_chart_set_color (cr, style->fg, 1.0);
          title = cs_chart_ellipsize (cr, model->legend_title, layout.legend.width);
          cs_chart_draw_text (cr, title, layout.legend.x, y + 2, 0, 0, 0);
          y += style->font_size * 1.6;
        }
      cs_chart_draw_legend (cr, style, layout.legend.x, y, labels, colors, n_labels, 0);
    }

  cairo_restore (cr);
}

int
cs_chart_scatter_hit (const CsChartScatterModel *model,
                      const CsChartLayout       *layout,
                      double                     x,
                      double                     y,
                      double                     radius)
{
  double best = radius * radius;
  int found = -1;

  if (model == NULL || layout == NULL)
    return -1;

  for (guint i = 0; i < model->n; i++)
    {
      double dx, dy, d;

      if (!isfinite (model->x[i]) || !isfinite (model->y[i]))
        continue;
      dx = cs_chart_layout_x_to_px (layout, model->x[i]) - x;
      dy = cs_chart_layout_y_to_px (layout, model->y[i]) - y;
      d = dx * dx + dy * dy;
      /* Ties: the later point is drawn on top. */
      if (d <= best)
        {
          best = d;
          found = (int) i;
        }
    }
  return found;
}

void
cs_chart_scatter_draw_highlight (cairo_t                   *cr,
                                 const CsChartScatterModel *model,
                                 const CsChartLayout       *layout,
                                 const CsChartStyle        *style,
                                 int                        index)
{
  double px, py, r;

  g_return_if_fail (cr != NULL && model != NULL && layout != NULL);
  if (style == NULL)
    style = cs_chart_style_light ();
  if (index < 0 || (guint) index >= model->n || !isfinite (model->x[index]) || !isfinite (model->y[index]))
    return;

  px = cs_chart_layout_x_to_px (layout, model->x[index]);
  py = cs_chart_layout_y_to_px (layout, model->y[index]);
  r = MAX (4.0, style->point_size);

  cairo_save (cr);
  cairo_new_path (cr);
  cairo_arc (cr, px, py, r, 0, 2 * G_PI);
  cs_chart_set_color (cr, style->bg, 1.0);
  cairo_set_line_width (cr, 4.0);
  cairo_stroke_preserve (cr);
  cs_chart_set_color (cr, style->fg, 1.0);
  cairo_set_line_width (cr, 2.0);
  cairo_stroke (cr);
  cairo_restore (cr);
}
