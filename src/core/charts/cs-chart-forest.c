/* cs-chart-forest.c: forest plots of hazard ratios
 *
 * One row per term: the label (a categorical covariate as a heading, its
 * reference level and its other levels indented), n, the hazard ratio as
 * a square with its 95% CI on a log axis, the estimate as text and p.
 * What cannot be drawn is said: a CI running past the axis ends in an
 * arrow, an infinite hazard ratio (separation) is a dashed arrow from 1 to
 * the edge, labelled "∞ (separation)" or "0 (separation)", and a term
 * without an estimate reads "not estimable".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "cs-chart-private.h"

#define MAX_LABEL_W  280.0   /* px: longer labels are shortened */
#define MAX_ROW_H     30.0
#define INDENT        14.0
#define LOG_LIMIT      3.0   /* the axis spans at most 10^±3 */
#define MARK           7.0   /* square edge, px */

/* ---------------------------------------------------------------- rows */

guint
cs_chart_forest_rows_from_fit (const CsCoxFit               *fit,
                               const CsChartForestCovariate *covariates,
                               guint                         n_covariates,
                               CsChartForestRow             *rows)
{
  guint n = 0, j = 0;

  g_return_val_if_fail (fit != NULL && rows != NULL, 0);
  g_return_val_if_fail (covariates != NULL || n_covariates == 0, 0);

  for (guint c = 0; c < n_covariates; c++)
    {
      const CsChartForestCovariate *cov = &covariates[c];

      if (cov->reference != NULL)
        {
          memset (&rows[n], 0, sizeof rows[n]);
          rows[n].kind = CS_CHART_FOREST_HEADING;
          rows[n].label = cov->label;
          rows[n].hr = rows[n].lower = rows[n].upper = rows[n].p_value = NAN;
          n++;
          memset (&rows[n], 0, sizeof rows[n]);
          rows[n].kind = CS_CHART_FOREST_REFERENCE;
          rows[n].label = cov->reference;
          rows[n].indent = TRUE;
          rows[n].n = cov->reference_n;
          rows[n].hr = 1.0;
          rows[n].lower = rows[n].upper = rows[n].p_value = NAN;
          n++;
        }
      for (guint t = 0; t < cov->n_terms && j < fit->p; t++, j++)
        {
          CsChartForestRow *row = &rows[n++];

          memset (row, 0, sizeof *row);
          row->kind = CS_CHART_FOREST_TERM;
          row->label = cov->reference != NULL && cov->term_labels != NULL ? cov->term_labels[t] : cov->label;
          row->indent = cov->reference != NULL;
          row->n = cov->term_n != NULL ? cov->term_n[t] : fit->n;
          row->hr = fit->hr[j];
          row->lower = fit->hr_lower[j];
          row->upper = fit->hr_upper[j];
          row->p_value = fit->p_value[j];
          row->infinite = fit->state[j] == CS_COX_COEF_INFINITE ? fit->direction[j] : 0;
        }
    }
  return n;
}

char *
cs_chart_forest_row_text (const CsChartForestRow *row)
{
  g_autofree char *hr = NULL;
  g_autofree char *lo = NULL;
  g_autofree char *hi = NULL;

  g_return_val_if_fail (row != NULL, NULL);

  switch (row->kind)
    {
    case CS_CHART_FOREST_HEADING:
      return g_strdup ("");
    case CS_CHART_FOREST_REFERENCE:
      return g_strdup (_("1 (reference)"));
    case CS_CHART_FOREST_TERM:
    default:
      break;
    }
  if (row->infinite > 0)
    return g_strdup (_("∞ (separation)"));
  if (row->infinite < 0)
    return g_strdup (_("0 (separation)"));
  if (!isfinite (row->hr))
    return g_strdup (_("not estimable"));
  if (!isfinite (row->lower) || !isfinite (row->upper))
    return cs_chart_format_number (row->hr, 3);
  {
    /* the three with the same decimals: 3 significant digits of the
     * hazard ratio, at least 2 of each bound; unless one needs scientific
     * notation */
    const double v[] = { row->hr, row->lower, row->upper };
    int decimals = 0;

    for (guint k = 0; k < G_N_ELEMENTS (v) && decimals >= 0; k++)
      {
        int e = v[k] > 0 ? (int) floor (log10 (v[k])) : 0;

        decimals = e >= 6 || e <= -4 ? -1 : MAX (decimals, (k == 0 ? 2 : 1) - e);
      }
    if (decimals >= 0)
      {
        char buf[3][G_ASCII_DTOSTR_BUF_SIZE], fmt[8];

        g_snprintf (fmt, sizeof fmt, "%%.%df", decimals);
        for (guint k = 0; k < G_N_ELEMENTS (v); k++)
          g_ascii_formatd (buf[k], sizeof buf[k], fmt, v[k]);
        return g_strdup_printf ("%s (%s–%s)", buf[0], buf[1], buf[2]);
      }
  }
  hr = cs_chart_format_number (row->hr, 3);
  lo = cs_chart_format_number (row->lower, 3);
  hi = cs_chart_format_number (row->upper, 3);
  return g_strdup_printf ("%s (%s–%s)", hr, lo, hi);
}

static char *
p_text (const CsChartForestRow *row)
{
  if (row->kind != CS_CHART_FOREST_TERM)
    return g_strdup ("");
  return cs_chart_format_number (row->p_value, 2);   /* "–" when undefined */
}

static char *
n_text (const CsChartForestRow *row)
{
  if (row->kind == CS_CHART_FOREST_HEADING)
    return g_strdup ("");
  return g_strdup_printf ("%u", row->n);
}

/* -------------------------------------------------------------- layout */

/* The axis range (log10) from the finite estimates and bounds, with 1 */
static void
log_range (const CsChartForestModel *model,
           double                   *lo,
           double                   *hi)
{
  *lo = 0;
  *hi = 0;
  for (guint i = 0; i < model->n_rows; i++)
    {
      const CsChartForestRow *row = &model->rows[i];
      const double v[] = { row->hr, row->lower, row->upper };

      if (row->kind != CS_CHART_FOREST_TERM || row->infinite != 0)
        continue;
      for (guint k = 0; k < G_N_ELEMENTS (v); k++)
        if (isfinite (v[k]) && v[k] > 0)
          {
            *lo = MIN (*lo, log10 (v[k]));
            *hi = MAX (*hi, log10 (v[k]));
          }
    }
  *lo = MAX (*lo, -LOG_LIMIT);
  *hi = MIN (*hi, LOG_LIMIT);
  if (*hi - *lo < 0.3)
    {
      /* at least 0.5 … 2 around the estimates */
      double mid = (*lo + *hi) / 2;

      *lo = MIN (*lo, mid - 0.3);
      *hi = MAX (*hi, mid + 0.3);
    }
  {
    double pad = (*hi - *lo) * 0.05;

    *lo -= pad;
    *hi += pad;
  }
}

/* Ticks at 1, 2, 5 × 10^k inside [lo, hi] (log10), thinned to about target:
 * then 1 × 10^k only, then every other decade … */
static void
log_ticks (double        lo,
           double        hi,
           guint         target,
           CsChartTicks *ticks)
{
  static const double mantissa[] = { 1, 2, 5 };
  guint decade_step = 1;

  memset (ticks, 0, sizeof *ticks);
  for (guint pass = 0; pass < 8; pass++)
    {
      gboolean all = pass == 0;

      ticks->n = 0;
      for (int e = (int) floor (lo) - 1; e <= (int) ceil (hi) && ticks->n < CS_CHART_MAX_TICKS; e++)
        {
          if (!all && e % (int) decade_step != 0)
            continue;
          for (guint m = 0; m < (all ? G_N_ELEMENTS (mantissa) : 1); m++)
            {
              double v = log10 (mantissa[m]) + e;

              if (v >= lo && v <= hi && ticks->n < CS_CHART_MAX_TICKS)
                ticks->value[ticks->n++] = v;
            }
        }
      if (ticks->n <= MAX (target, 2))
        break;
      if (pass > 0)
        decade_step *= 2;
    }
  ticks->step = decade_step;
}

static char *
tick_label (double log_value)
{
  return cs_chart_format_number (pow (10, log_value), 1);
}

typedef struct
{
  double label_x, label_w;       /* label column */
  double n_right;                /* right edge of the n column */
  double text_x;                 /* left edge of the estimate column */
  double p_right;                /* right edge of the p column */
  double header_y;               /* baseline area of the column titles */
  double font;                   /* row text size */
} ForestColumns;

static void
forest_layout_full (const CsChartForestModel *model,
                    const CsChartStyle       *style,
                    double                    width,
                    double                    height,
                    CsChartLayout            *layout,
                    ForestColumns            *cols)
{
  cairo_t *cr = cs_chart_measure_cr_new ();
  double top, bottom, label_w = 0, n_w, text_w, p_w, gap = 16, row_h, avail_h, lo, hi;

  memset (layout, 0, sizeof *layout);
  memset (cols, 0, sizeof *cols);
  layout->width = width;
  layout->height = height;
  layout->n_rows = model->n_rows;

  top = CS_CHART_PAD;
  if (model->title != NULL && *model->title)
    top += style->title_size * 1.5;
  if (model->subtitle != NULL && *model->subtitle)
    top += style->font_size * 1.5;
  cols->header_y = top;
  top += style->font_size * 1.9;
  bottom = CS_CHART_PAD + CS_CHART_TICK_LEN + 4 + style->font_size * 1.3 + style->label_size * 1.8;
  avail_h = MAX (10, height - top - bottom);
  row_h = model->n_rows > 0 ? MIN (avail_h / model->n_rows, MAX_ROW_H) : 0;
  cols->font = MIN (style->font_size, MAX (7.0, row_h * 0.75));

  /* column widths */
  cs_chart_set_font (cr, style, cols->font, TRUE);
  n_w = cs_chart_text_width (cr, "n");
  /* xgettext:no-c-format */
  text_w = cs_chart_text_width (cr, _("Hazard ratio (95% CI)"));
  p_w = cs_chart_text_width (cr, "p");
  label_w = cs_chart_text_width (cr, _("Term"));
  for (guint i = 0; i < model->n_rows; i++)
    {
      const CsChartForestRow *row = &model->rows[i];
      g_autofree char *text = cs_chart_forest_row_text (row);
      g_autofree char *p = p_text (row);
      g_autofree char *n = n_text (row);

      cs_chart_set_font (cr, style, cols->font, row->kind == CS_CHART_FOREST_HEADING);
      label_w = MAX (label_w, cs_chart_text_width (cr, row->label) + (row->indent ? INDENT : 0));
      cs_chart_set_font (cr, style, cols->font, FALSE);
      n_w = MAX (n_w, cs_chart_text_width (cr, n));
      text_w = MAX (text_w, cs_chart_text_width (cr, text));
      p_w = MAX (p_w, cs_chart_text_width (cr, p));
    }
  label_w = MIN (label_w, MIN (MAX_LABEL_W, width * 0.3));

  cols->label_x = CS_CHART_PAD;
  cols->label_w = label_w;
  cols->n_right = cols->label_x + label_w + gap + n_w;
  cols->p_right = width - CS_CHART_PAD;
  cols->text_x = cols->p_right - p_w - gap - text_w;

  layout->plot.x = round (cols->n_right + gap);
  layout->plot.y = round (top);
  layout->plot.width = MAX (40.0, round (cols->text_x - gap - layout->plot.x));
  layout->plot.height = row_h * model->n_rows;
  layout->band_height = row_h;
  layout->y_min = model->n_rows;   /* row 0 at the top */
  layout->y_max = 0;

  log_range (model, &lo, &hi);
  log_ticks (lo, hi, CLAMP ((guint) (layout->plot.width / 70.0), 2, 10), &layout->x_ticks);
  layout->x_min = lo;
  layout->x_max = hi;
  cairo_destroy (cr);
}

void
cs_chart_forest_layout (const CsChartForestModel *model,
                        const CsChartStyle       *style,
                        double                    width,
                        double                    height,
                        CsChartLayout            *layout)
{
  ForestColumns cols;

  g_return_if_fail (model != NULL && layout != NULL);
  if (style == NULL)
    style = cs_chart_style_light ();
  forest_layout_full (model, style, width, height, layout, &cols);
}

int
cs_chart_forest_hit (const CsChartForestModel *model,
                     const CsChartLayout      *layout,
                     double                    x,
                     double                    y)
{
  int row;

  if (model == NULL || layout == NULL || layout->band_height <= 0)
    return -1;
  if (x < 0 || x >= layout->width || y < layout->plot.y || y >= layout->plot.y + layout->plot.height)
    return -1;
  row = (int) floor ((y - layout->plot.y) / layout->band_height);
  return row >= 0 && row < (int) model->n_rows ? row : -1;
}

/* ---------------------------------------------------------------- draw */

/* An arrow head at (x, y) pointing left (dir < 0) or right */
static void
arrow_head (cairo_t *cr,
            double   x,
            double   y,
            int      dir)
{
  cairo_move_to (cr, x, y);
  cairo_line_to (cr, x - dir * 7, y - 4);
  cairo_line_to (cr, x - dir * 7, y + 4);
  cairo_close_path (cr);
  cairo_fill (cr);
}

static void
draw_estimate (cairo_t                *cr,
               const CsChartForestRow *row,
               const CsChartLayout    *layout,
               CsChartColor            color,
               double                  cy)
{
  const CsChartRect *p = &layout->plot;
  double left = p->x, right = p->x + p->width;
  double one = cs_chart_layout_x_to_px (layout, 0);

  cs_chart_set_color (cr, color, 1.0);
  cairo_set_line_width (cr, 1.6);

  if (row->infinite != 0)
    {
      /* from 1 to the edge it runs towards, dashed: no finite estimate */
      double end = row->infinite > 0 ? right - 1 : left + 1;
      const double dash[] = { 5, 3 };

      cairo_save (cr);
      cairo_set_dash (cr, dash, G_N_ELEMENTS (dash), 0);
      cairo_move_to (cr, one, cy);
      cairo_line_to (cr, end, cy);
      cairo_stroke (cr);
      cairo_restore (cr);
      arrow_head (cr, end, cy, row->infinite);
      return;
    }

  if (isfinite (row->lower) && isfinite (row->upper) && row->lower > 0 && row->upper > 0)
    {
      double l = log10 (row->lower), u = log10 (row->upper);
      double xl = cs_chart_layout_x_to_px (layout, MAX (l, layout->x_min));
      double xu = cs_chart_layout_x_to_px (layout, MIN (u, layout->x_max));

      if (u >= layout->x_min && l <= layout->x_max)
        {
          cairo_move_to (cr, xl, cy);
          cairo_line_to (cr, xu, cy);
          cairo_stroke (cr);
          if (l < layout->x_min)
            arrow_head (cr, left, cy, -1);
          if (u > layout->x_max)
            arrow_head (cr, right, cy, 1);
        }
    }

  if (isfinite (row->hr) && row->hr > 0)
    {
      double h = log10 (row->hr);

      if (h < layout->x_min)
        arrow_head (cr, left, cy, -1);
      else if (h > layout->x_max)
        arrow_head (cr, right, cy, 1);
      else
        {
          cairo_rectangle (cr, cs_chart_layout_x_to_px (layout, h) - MARK / 2, cy - MARK / 2, MARK, MARK);
          cairo_fill (cr);
        }
    }
}

void
cs_chart_forest_draw (cairo_t                  *cr,
                      double                    width,
                      double                    height,
                      const CsChartForestModel *model,
                      const CsChartStyle       *style)
{
  CsChartLayout layout;
  ForestColumns cols;
  const CsChartRect *p;
  CsChartColor color;
  double head_y, axis_y, one;

  g_return_if_fail (cr != NULL && model != NULL);
  if (style == NULL)
    style = cs_chart_style_light ();

  forest_layout_full (model, style, width, height, &layout, &cols);
  p = &layout.plot;
  color = cs_chart_style_category_color (style, 0);

  cairo_save (cr);
  cs_chart_paint_background (cr, style, width, height);

  if (model->title != NULL && *model->title)
    {
      cs_chart_set_font (cr, style, style->title_size, TRUE);
      cs_chart_set_color (cr, style->fg, 1.0);
      cs_chart_draw_text (cr, model->title, CS_CHART_PAD, CS_CHART_PAD, 0, 0, 0);
    }
  if (model->subtitle != NULL && *model->subtitle)
    {
      cs_chart_set_font (cr, style, style->font_size, FALSE);
      cs_chart_set_color (cr, style->muted, 1.0);
      cs_chart_draw_text (cr, model->subtitle, CS_CHART_PAD,
                          CS_CHART_PAD + (model->title != NULL && *model->title ? style->title_size * 1.5 : 0),
                          0, 0, 0);
    }

  /* column titles */
  head_y = cols.header_y + style->font_size * 0.2;
  cs_chart_set_font (cr, style, cols.font, TRUE);
  cs_chart_set_color (cr, style->fg, 1.0);
  cs_chart_draw_text (cr, _("Term"), cols.label_x, head_y, 0, 0, 0);
  cs_chart_draw_text (cr, "n", cols.n_right, head_y, 1, 0, 0);
  /* xgettext:no-c-format */
  cs_chart_draw_text (cr, _("Hazard ratio (95% CI)"), cols.text_x, head_y, 0, 0, 0);
  cs_chart_draw_text (cr, "p", cols.p_right, head_y, 1, 0, 0);

  /* every other row shaded, grid at the ticks, the line of no effect */
  for (guint i = 1; i < model->n_rows; i += 2)
    {
      cairo_rectangle (cr, CS_CHART_PAD, p->y + i * layout.band_height, width - 2 * CS_CHART_PAD, layout.band_height);
      cs_chart_set_color (cr, style->muted, 0.08);
      cairo_fill (cr);
    }
  cairo_set_line_width (cr, 1.0);
  cs_chart_set_color (cr, style->grid, 1.0);
  for (guint t = 0; t < layout.x_ticks.n; t++)
    {
      double x = round (cs_chart_layout_x_to_px (&layout, layout.x_ticks.value[t])) + 0.5;

      cairo_move_to (cr, x, p->y);
      cairo_line_to (cr, x, p->y + p->height);
    }
  cairo_stroke (cr);
  one = round (cs_chart_layout_x_to_px (&layout, 0)) + 0.5;
  cs_chart_set_color (cr, style->fg, 0.7);
  cairo_move_to (cr, one, p->y - 4);
  cairo_line_to (cr, one, p->y + p->height);
  cairo_stroke (cr);

  for (guint i = 0; i < model->n_rows; i++)
    {
      const CsChartForestRow *row = &model->rows[i];
      double cy = floor (p->y + (i + 0.5) * layout.band_height) + 0.5;   /* crisp lines */
      gboolean heading = row->kind == CS_CHART_FOREST_HEADING;
      gboolean undefined = row->kind == CS_CHART_FOREST_TERM && row->infinite == 0 && !isfinite (row->hr);
      g_autofree char *label = NULL;
      g_autofree char *text = cs_chart_forest_row_text (row);
      g_autofree char *pv = p_text (row);
      g_autofree char *nv = n_text (row);
      double indent = row->indent ? INDENT : 0;

      cs_chart_set_font (cr, style, cols.font, heading);
      cs_chart_set_color (cr, style->fg, 1.0);
      label = cs_chart_ellipsize (cr, row->label, cols.label_w - indent);
      cs_chart_draw_text (cr, label, cols.label_x + indent, cy, 0, 0.5, 0);

      cs_chart_set_font (cr, style, cols.font, FALSE);
      cs_chart_draw_text (cr, nv, cols.n_right, cy, 1, 0.5, 0);
      cs_chart_set_color (cr, row->kind == CS_CHART_FOREST_TERM && !undefined ? style->fg : style->muted, 1.0);
      cs_chart_draw_text (cr, text, cols.text_x, cy, 0, 0.5, 0);
      cs_chart_set_color (cr, style->fg, 1.0);
      cs_chart_draw_text (cr, pv, cols.p_right, cy, 1, 0.5, 0);

      if (row->kind == CS_CHART_FOREST_REFERENCE)
        {
          /* the reference is 1 by definition: a hollow square */
          cs_chart_set_color (cr, color, 1.0);
          cairo_set_line_width (cr, 1.0);
          cairo_rectangle (cr, one - 3, cy - 3, 6, 6);
          cairo_stroke (cr);
        }
      else if (row->kind == CS_CHART_FOREST_TERM)
        draw_estimate (cr, row, &layout, color, cy);
    }

  /* x axis: log scale, labelled as hazard ratios */
  axis_y = p->y + p->height + 0.5;
  cs_chart_set_color (cr, style->fg, 1.0);
  cairo_set_line_width (cr, 1.0);
  cairo_move_to (cr, p->x, axis_y);
  cairo_line_to (cr, p->x + p->width, axis_y);
  cairo_stroke (cr);
  cs_chart_set_font (cr, style, style->font_size, FALSE);
  for (guint t = 0; t < layout.x_ticks.n; t++)
    {
      double x = round (cs_chart_layout_x_to_px (&layout, layout.x_ticks.value[t])) + 0.5;
      g_autofree char *tl = tick_label (layout.x_ticks.value[t]);

      cairo_move_to (cr, x, axis_y);
      cairo_line_to (cr, x, axis_y + CS_CHART_TICK_LEN);
      cairo_stroke (cr);
      cs_chart_draw_text (cr, tl, x - 0.5, axis_y + CS_CHART_TICK_LEN + 4, 0.5, 0, 0);
    }
  cs_chart_draw_x_label (cr, style, &layout,
                         model->x_label != NULL ? model->x_label : _("Hazard ratio (log scale)"),
                         axis_y + CS_CHART_TICK_LEN + 4 + style->font_size * 1.3 + style->label_size * 0.6);

  cairo_restore (cr);
}
