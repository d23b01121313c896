/* cs-chart-km.c: Kaplan–Meier curves with CI bands and numbers at risk
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "cs-chart-private.h"

double
cs_chart_km_survival_at (const CsChartKmGroup *group,
                         double                t)
{
  double s = 1.0;

  for (guint i = 0; i < group->n_steps && group->time[i] <= t; i++)
    s = group->survival[i];
  return s;
}

static guint
count_censored (const CsChartKmGroup *group,
                double                from,     /* inclusive */
                double                to)       /* exclusive */
{
  guint c = 0;

  for (guint i = 0; i < group->n_censor; i++)
    if (group->censor_time[i] >= from && group->censor_time[i] < to)
      c++;
  return c;
}

guint
cs_chart_km_at_risk (const CsChartKmGroup *group,
                     double                t)
{
  if (group->n_risk != NULL)
    {
      for (guint j = 0; j < group->n_steps; j++)
        if (group->time[j] >= t)
          return group->n_risk[j] + count_censored (group, t, group->time[j]);
      return count_censored (group, t, INFINITY);
    }
  else
    {
      /* Walk the steps: at each, the patients at risk are those left after
       * earlier events and censorings; events = round(n_j · (1 − S_j / S_{j−1})). */
      double risk = group->n;
      double prev = 1.0, last = -INFINITY;

      for (guint j = 0; j < group->n_steps && group->time[j] < t; j++)
        {
          double d;

          risk -= count_censored (group, last, group->time[j]);
          last = group->time[j];
          d = prev > 0 ? round (risk * (1.0 - group->survival[j] / prev)) : 0;
          risk -= d;
          prev = group->survival[j];
        }
      risk -= count_censored (group, last, t);
      return risk > 0 ? (guint) risk : 0;
    }
}

static double
group_end (const CsChartKmGroup *group)
{
  double end = 0;

  if (group->n_steps > 0)
    end = MAX (end, group->time[group->n_steps - 1]);
  for (guint i = 0; i < group->n_censor; i++)
    end = MAX (end, group->censor_time[i]);
  return end;
}

static char *
legend_label (const CsChartKmGroup *group)
{
  return g_strdup_printf (_("%s (n = %u)"), group->label ? group->label : "", group->n);
}

static void
km_frame (const CsChartKmModel *model,
          const CsChartStyle   *style,
          double                extra_left,
          CsChartFrame         *frame)
{
  double end = 0;

  memset (frame, 0, sizeof *frame);
  frame->title = model->title;
  frame->subtitle = model->subtitle;
  frame->x_label = model->x_label;
  frame->y_label = model->y_label ? model->y_label : _("Survival probability");
  frame->x_numeric = TRUE;
  for (guint g = 0; g < model->n_groups; g++)
    end = MAX (end, group_end (&model->groups[g]));
  frame->x_lo = 0;
  frame->x_hi = end > 0 ? end : 1;
  frame->x_nice = TRUE;
  frame->y_lo = 0;
  frame->y_hi = 1;
  frame->extra_left = extra_left;
  if (model->at_risk_table && model->n_groups > 0)
    frame->extra_bottom = style->label_size * 2.4 + model->n_groups * style->font_size * 1.55;
}

static double
table_label_width (cairo_t              *cr,
                   const CsChartKmModel *model,
                   const CsChartStyle   *style)
{
  double w = 0;

  cs_chart_set_font (cr, style, style->font_size, TRUE);
  for (guint g = 0; g < model->n_groups; g++)
    w = MAX (w, cs_chart_text_width (cr, model->groups[g].label));
  return MIN (w, 220);
}

/* Curve samples (and CI band edges) that fall inside rect. */
static guint
legend_overlap (const CsChartKmModel *model,
                const CsChartLayout  *layout,
                const CsChartRect    *rect)
{
  guint hits = 0;

  for (guint gi = 0; gi < model->n_groups; gi++)
    {
      const CsChartKmGroup *g = &model->groups[gi];
      double end = group_end (g);

      for (int k = 0; k <= 40; k++)
        {
          double px = rect->x + rect->width * k / 40.0;
          double t = cs_chart_layout_px_to_x (layout, px);
          double s;

          if (t > end)
            break;
          s = cs_chart_km_survival_at (g, t);
          if (cs_chart_rect_contains (rect, px, cs_chart_layout_y_to_px (layout, s)))
            hits += 2;
          if (model->ci && g->lower != NULL && g->upper != NULL)
            {
              /* the band between the bounds of the step at t */
              double lo = s, hi = s;

              for (guint i = 0; i < g->n_steps && g->time[i] <= t; i++)
                {
                  lo = isfinite (g->lower[i]) ? g->lower[i] : g->survival[i];
                  hi = isfinite (g->upper[i]) ? g->upper[i] : g->survival[i];
                }
              if (cs_chart_layout_y_to_px (layout, lo) >= rect->y &&
                  cs_chart_layout_y_to_px (layout, hi) <= rect->y + rect->height)
                hits += 1;
            }
        }
    }
  return hits;
}

/* The legend goes to the plot corner (top right, bottom left, bottom
 * right, top right…) that the curves cross least; ties keep the order. */
static void
place_legend (const CsChartKmModel *model,
              CsChartLayout        *layout)
{
  const CsChartRect *p = &layout->plot;
  CsChartRect *l = &layout->legend;
  double xs[3] = { p->x + p->width - l->width - 6, p->x + 10, p->x + p->width - l->width - 6 };
  double ys[3] = { p->y + 6, p->y + p->height - l->height - 6, p->y + p->height - l->height - 6 };
  guint best = G_MAXUINT;

  for (guint c = 0; c < 3; c++)
    {
      CsChartRect r = { xs[c], ys[c], l->width, l->height };
      guint hits = legend_overlap (model, layout, &r);

      if (hits < best)
        {
          best = hits;
          l->x = r.x;
          l->y = r.y;
        }
    }
}

static void
km_layout_full (const CsChartKmModel *model,
                const CsChartStyle   *style,
                double                width,
                double                height,
                CsChartLayout        *layout,
                CsChartFrame         *frame)
{
  cairo_t *cr = cs_chart_measure_cr_new ();

  layout->n_bands = 0;
  km_frame (model, style, 0, frame);
  cs_chart_frame_layout (cr, style, frame, width, height, layout);

  if (model->at_risk_table && model->n_groups > 0)
    {
      double need = table_label_width (cr, model, style) + 22 + CS_CHART_PAD;

      if (layout->plot.x < need)
        {
          km_frame (model, style, need - layout->plot.x, frame);
          cs_chart_frame_layout (cr, style, frame, width, height, layout);
        }
      layout->table.x = layout->plot.x;
      layout->table.width = layout->plot.width;
      layout->table.y = layout->plot.y + layout->plot.height + CS_CHART_TICK_LEN + 4
                      + style->font_size * 1.3
                      + (model->x_label && *model->x_label ? style->label_size * 1.8 : 0);
      layout->table.height = frame->extra_bottom;
    }
  else
    frame->extra_left = 0;

  /* Legend: top right inside the plot */
  if (model->n_groups > 0)
    {
      double w = 0;

      cs_chart_set_font (cr, style, style->font_size, FALSE);
      for (guint g = 0; g < model->n_groups; g++)
        {
          g_autofree char *label = legend_label (&model->groups[g]);

          w = MAX (w, cs_chart_text_width (cr, label));
        }
      layout->legend.width = w + style->font_size * 1.2 + 6 + 16;
      layout->legend.height = model->n_groups * style->font_size * 1.5 + 10;
      place_legend (model, layout);
    }
  cairo_destroy (cr);
}

void
cs_chart_km_layout (const CsChartKmModel *model,
                    const CsChartStyle   *style,
                    double                width,
                    double                height,
                    CsChartLayout        *layout)
{
  CsChartFrame frame;

  km_layout_full (model, style, width, height, layout, &frame);
}

static double
safe_bound (const double *bounds,
            guint         i,
            double        fallback)
{
  if (bounds == NULL || !isfinite (bounds[i]))
    return fallback;
  return CLAMP (bounds[i], 0.0, 1.0);
}

static void
band_path (cairo_t              *cr,
           const CsChartLayout  *layout,
           const CsChartKmGroup *g,
           double                end)
{
  double prev;

  /* upper bound left to right */
  cairo_move_to (cr, cs_chart_layout_x_to_px (layout, 0), cs_chart_layout_y_to_px (layout, 1));
  prev = 1.0;
  for (guint i = 0; i < g->n_steps; i++)
    {
      double x = cs_chart_layout_x_to_px (layout, g->time[i]);
      double u = safe_bound (g->upper, i, g->survival[i]);

      cairo_line_to (cr, x, cs_chart_layout_y_to_px (layout, prev));
      cairo_line_to (cr, x, cs_chart_layout_y_to_px (layout, u));
      prev = u;
    }
  cairo_line_to (cr, cs_chart_layout_x_to_px (layout, end), cs_chart_layout_y_to_px (layout, prev));

  /* lower bound right to left */
  prev = g->n_steps > 0 ? safe_bound (g->lower, g->n_steps - 1, g->survival[g->n_steps - 1]) : 1.0;
  cairo_line_to (cr, cs_chart_layout_x_to_px (layout, end), cs_chart_layout_y_to_px (layout, prev));
  for (guint i = g->n_steps; i > 0; i--)
    {
      double x = cs_chart_layout_x_to_px (layout, g->time[i - 1]);
      double before = i >= 2 ? safe_bound (g->lower, i - 2, g->survival[i - 2]) : 1.0;

      cairo_line_to (cr, x, cs_chart_layout_y_to_px (layout, prev));
      cairo_line_to (cr, x, cs_chart_layout_y_to_px (layout, before));
      prev = before;
    }
  cairo_line_to (cr, cs_chart_layout_x_to_px (layout, 0), cs_chart_layout_y_to_px (layout, 1));
  cairo_close_path (cr);
}

void
cs_chart_km_draw (cairo_t              *cr,
                  double                width,
                  double                height,
                  const CsChartKmModel *model,
                  const CsChartStyle   *style)
{
  CsChartLayout layout;
  CsChartFrame frame;

  g_return_if_fail (cr != NULL && model != NULL);
  if (style == NULL)
    style = cs_chart_style_light ();

  km_layout_full (model, style, width, height, &layout, &frame);

  cairo_save (cr);
  cs_chart_paint_background (cr, style, width, height);
  cs_chart_frame_draw (cr, style, &frame, &layout);

  /* CI bands under all curves */
  if (model->ci)
    {
      for (guint gi = 0; gi < model->n_groups; gi++)
        {
          const CsChartKmGroup *g = &model->groups[gi];

          if (g->lower == NULL || g->upper == NULL)
            continue;
          band_path (cr, &layout, g, group_end (g));
          cs_chart_set_color (cr, cs_chart_style_category_color (style, gi), 0.16);
          cairo_fill (cr);
        }
    }

  cairo_set_line_join (cr, CAIRO_LINE_JOIN_MITER);
  for (guint gi = 0; gi < model->n_groups; gi++)
    {
      const CsChartKmGroup *g = &model->groups[gi];
      CsChartColor color = cs_chart_style_category_color (style, gi);
      double prev = 1.0, end = group_end (g);
      double mark = 4.0;

      cairo_move_to (cr, cs_chart_layout_x_to_px (&layout, 0), cs_chart_layout_y_to_px (&layout, 1));
      for (guint i = 0; i < g->n_steps; i++)
        {
          double x = cs_chart_layout_x_to_px (&layout, g->time[i]);

          cairo_line_to (cr, x, cs_chart_layout_y_to_px (&layout, prev));
          cairo_line_to (cr, x, cs_chart_layout_y_to_px (&layout, g->survival[i]));
          prev = g->survival[i];
        }
      cairo_line_to (cr, cs_chart_layout_x_to_px (&layout, end), cs_chart_layout_y_to_px (&layout, prev));
      cs_chart_set_color (cr, color, 1.0);
      cairo_set_line_width (cr, 2.2);
      cairo_stroke (cr);

      /* Censoring marks "+" */
      for (guint i = 0; i < g->n_censor; i++)
        {
          double x = cs_chart_layout_x_to_px (&layout, g->censor_time[i]);
          double y = cs_chart_layout_y_to_px (&layout, cs_chart_km_survival_at (g, g->censor_time[i]));

          cairo_move_to (cr, x - mark, y);
          cairo_line_to (cr, x + mark, y);
          cairo_move_to (cr, x, y - mark);
          cairo_line_to (cr, x, y + mark);
        }
      cairo_set_line_width (cr, 1.3);
      cairo_stroke (cr);
    }

  /* Legend box */
  if (model->n_groups > 0)
    {
      g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
      g_autofree CsChartColor *colors = g_new (CsChartColor, model->n_groups);

      for (guint gi = 0; gi < model->n_groups; gi++)
        {
          g_ptr_array_add (labels, legend_label (&model->groups[gi]));
          colors[gi] = cs_chart_style_category_color (style, gi);
        }
      cairo_rectangle (cr, layout.legend.x, layout.legend.y, layout.legend.width, layout.legend.height);
      cs_chart_set_color (cr, style->bg, 0.85);
      cairo_fill (cr);
      cs_chart_draw_legend (cr, style, layout.legend.x + 8, layout.legend.y + 5,
                            (const char * const *) labels->pdata, colors, model->n_groups, 1);
    }

  /* Numbers at risk at the x ticks */
  if (model->at_risk_table && model->n_groups > 0)
    {
      double y = layout.table.y + style->label_size * 0.2;
      double row = style->font_size * 1.55;

      cs_chart_set_font (cr, style, style->label_size, TRUE);
      cs_chart_set_color (cr, style->fg, 1.0);
      cs_chart_draw_text (cr, _("Number at risk"), CS_CHART_PAD, y, 0, 0, 0);
      y += style->label_size * 2.0;

      for (guint gi = 0; gi < model->n_groups; gi++)
        {
          const CsChartKmGroup *g = &model->groups[gi];
          double cy = y + row * gi + row / 2;
          g_autofree char *label = NULL;

          cs_chart_set_font (cr, style, style->font_size, TRUE);
          cs_chart_set_color (cr, cs_chart_style_category_color (style, gi), 1.0);
          label = cs_chart_ellipsize (cr, g->label, 220);
          cs_chart_draw_text (cr, label, layout.plot.x - 22, cy, 1.0, 0.5, 0);

          cs_chart_set_font (cr, style, style->font_size, FALSE);
          cs_chart_set_color (cr, style->fg, 1.0);
          for (guint t = 0; t < layout.x_ticks.n; t++)
            {
              double tv = layout.x_ticks.value[t];
              char num[16];

              if (tv < layout.x_min || tv > layout.x_max)
                continue;
              g_snprintf (num, sizeof num, "%u", cs_chart_km_at_risk (g, tv));
              cs_chart_draw_text (cr, num, cs_chart_layout_x_to_px (&layout, tv), cy, 0.5, 0.5, 0);
            }
        }
    }

  cairo_restore (cr);
}

int
cs_chart_km_hit (const CsChartKmModel *model,
                 const CsChartLayout  *layout,
                 double                x,
                 double                y,
                 double                radius,
                 double               *time,
                 double               *survival)
{
  double t, best = radius;
  int found = -1;

  if (model == NULL || layout == NULL || !cs_chart_rect_contains (&layout->plot, x, y))
    return -1;
  t = cs_chart_layout_px_to_x (layout, x);
  if (t < 0)
    return -1;

  for (guint gi = 0; gi < model->n_groups; gi++)
    {
      const CsChartKmGroup *g = &model->groups[gi];
      double s, d;

      if (t > group_end (g))
        continue;
      s = cs_chart_km_survival_at (g, t);
      d = fabs (cs_chart_layout_y_to_px (layout, s) - y);
      /* ties: the later group is drawn on top */
      if (d <= best)
        {
          best = d;
          found = (int) gi;
          if (time)
            *time = t;
          if (survival)
            *survival = s;
        }
    }
  return found;
}

gboolean
cs_chart_km_group_from_curve (CsChartKmGroup  *group,
                              const CsKmCurve *curve,
                              const char      *label,
                              GPtrArray       *blocks)
{
  double *t, *s, *lo, *hi, *c;
  guint *risk;
  guint ns = 0, nc = 0;

  g_return_val_if_fail (group != NULL, FALSE);
  g_return_val_if_fail (blocks != NULL, FALSE);

  if (curve == NULL || curve->n == 0)
    return FALSE;

  t = g_new (double, MAX (curve->n_points, 1));
  s = g_new (double, MAX (curve->n_points, 1));
  lo = g_new (double, MAX (curve->n_points, 1));
  hi = g_new (double, MAX (curve->n_points, 1));
  risk = g_new (guint, MAX (curve->n_points, 1));
  c = g_new (double, MAX (curve->n, 1));
  g_ptr_array_add (blocks, t);
  g_ptr_array_add (blocks, s);
  g_ptr_array_add (blocks, lo);
  g_ptr_array_add (blocks, hi);
  g_ptr_array_add (blocks, risk);
  g_ptr_array_add (blocks, c);

  for (guint p = 0; p < curve->n_points; p++)
    {
      const CsKmPoint *pt = &curve->points[p];

      if (pt->n_event > 0)
        {
          t[ns] = pt->time;
          s[ns] = pt->survival;
          lo[ns] = pt->lower;
          hi[ns] = pt->upper;
          risk[ns] = pt->n_risk;
          ns++;
        }
      for (guint k = 0; k < pt->n_censor && nc < curve->n; k++)
        c[nc++] = pt->time;
    }

  group->label = label;
  group->n = curve->n;
  group->n_steps = ns;
  group->time = t;
  group->survival = s;
  group->lower = lo;
  group->upper = hi;
  group->n_risk = risk;
  group->n_censor = nc;
  group->censor_time = c;
  return TRUE;
}

guint
cs_chart_km_groups_from_survival (CsChartKmGroup     *groups,
                                  const double       *time,
                                  const guint8       *event,
                                  const gint32       *group,
                                  guint               n,
                                  const char * const *labels,
                                  guint               n_groups,
                                  GPtrArray          *curves,
                                  GPtrArray          *blocks)
{
  guint n_shown = 0;

  g_return_val_if_fail (groups != NULL || n_groups == 0, 0);
  g_return_val_if_fail (labels != NULL || n_groups == 0, 0);
  g_return_val_if_fail (blocks != NULL, 0);

  for (guint g = 0; g < n_groups; g++)
    {
      g_autoptr(CsKmCurve) curve = cs_stats_kaplan_meier (time, event, group, (gint32) g, n);
      char *label;

      if (!cs_chart_km_group_from_curve (&groups[n_shown], curve, labels[g], blocks))
        continue;
      /* A copy: the groups may outlive labels */
      label = g_strdup (labels[g]);
      g_ptr_array_add (blocks, label);
      groups[n_shown++].label = label;
      if (curves != NULL)
        g_ptr_array_add (curves, g_steal_pointer (&curve));
    }

  return n_shown;
}
