/* cs-chart-heatmap.c: correlation heat map with clustered rows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "cs-chart-private.h"

#define MIN_LABEL_PX 7.0
#define MAX_ROW_LABEL_W 280.0

static double
cell (const CsChartHeatmapModel *model,
      guint                      row,
      guint                      col)
{
  return model->r[(gsize) row * model->n_cols + col];
}

/* --------------------------------------------------------------- order */

static double
row_distance (const CsChartHeatmapModel *model,
              guint                      i,
              guint                      j)
{
  guint k = model->n_cols;

  if (model->row_corr != NULL)
    {
      double c = model->row_corr[(gsize) i * model->n_rows + j];

      return isfinite (c) ? 1.0 - fabs (c) : 1.0;
    }

  if (k >= 3)
    {
      double mi = 0, mj = 0, sij = 0, sii = 0, sjj = 0;

      for (guint c = 0; c < k; c++)
        {
          double a = cell (model, i, c), b = cell (model, j, c);

          mi += isfinite (a) ? a : 0;
          mj += isfinite (b) ? b : 0;
        }
      mi /= k;
      mj /= k;
      for (guint c = 0; c < k; c++)
        {
          double a = cell (model, i, c), b = cell (model, j, c);

          a = (isfinite (a) ? a : 0) - mi;
          b = (isfinite (b) ? b : 0) - mj;
          sij += a * b;
          sii += a * a;
          sjj += b * b;
        }
      if (sii <= 0 || sjj <= 0)
        return 1.0;
      return 1.0 - fabs (sij / sqrt (sii * sjj));
    }
  else
    {
      double d = 0;

      for (guint c = 0; c < k; c++)
        {
          double a = cell (model, i, c), b = cell (model, j, c);

          d += fabs ((isfinite (a) ? a : 0) - (isfinite (b) ? b : 0));
        }
      return k > 0 ? d / k : 0;
    }
}

/* Average linkage (UPGMA) with the nearest-neighbour chain algorithm,
 * O(n²) time and memory. Fills order with the dendrogram's leaves. */
static void
cluster_rows (const CsChartHeatmapModel *model,
              guint                     *order)
{
  guint n = model->n_rows;
  g_autofree double *dist = NULL;
  g_autofree guint *node = NULL;      /* slot -> current node id */
  g_autofree guint *size = NULL;      /* slot -> cluster size */
  g_autofree gboolean *active = NULL;
  g_autofree guint *left = NULL;      /* internal node (id - n) -> children */
  g_autofree guint *right = NULL;
  g_autofree guint *node_size = NULL; /* node id -> size */
  g_autofree guint *chain = NULL;
  g_autofree guint *stack = NULL;
  guint chain_len = 0, n_merged = 0, root, sp = 0, out = 0;

  if (n <= 2)
    {
      for (guint i = 0; i < n; i++)
        order[i] = i;
      return;
    }

  dist = g_new (double, (gsize) n * n);
  for (guint i = 0; i < n; i++)
    {
      dist[(gsize) i * n + i] = 0;
      for (guint j = i + 1; j < n; j++)
        dist[(gsize) i * n + j] = dist[(gsize) j * n + i] = row_distance (model, i, j);
    }

  node = g_new (guint, n);
  size = g_new (guint, n);
  active = g_new (gboolean, n);
  left = g_new (guint, n - 1);
  right = g_new (guint, n - 1);
  node_size = g_new (guint, 2 * n - 1);
  chain = g_new (guint, n);
  for (guint i = 0; i < n; i++)
    {
      node[i] = i;
      size[i] = 1;
      active[i] = TRUE;
      node_size[i] = 1;
    }

  while (n_merged < n - 1)
    {
      guint a, b = G_MAXUINT;
      double best = INFINITY;

      if (chain_len == 0)
        {
          for (guint i = 0; i < n; i++)
            if (active[i])
              {
                chain[chain_len++] = i;
                break;
              }
        }
      a = chain[chain_len - 1];

      /* Nearest active neighbour of a; prefer the previous chain element on ties. */
      if (chain_len >= 2)
        {
          b = chain[chain_len - 2];
          best = dist[(gsize) a * n + b];
        }
      for (guint k = 0; k < n; k++)
        {
          if (!active[k] || k == a)
            continue;
          if (dist[(gsize) a * n + k] < best)
            {
              best = dist[(gsize) a * n + k];
              b = k;
            }
        }

      if (chain_len >= 2 && b == chain[chain_len - 2])
        {
          guint id = n + n_merged;
          guint sa = size[a], sb = size[b];

          chain_len -= 2;
          /* Merge b into slot a (Lance–Williams for average linkage). */
          for (guint k = 0; k < n; k++)
            {
              double d;

              if (!active[k] || k == a || k == b)
                continue;
              d = (sa * dist[(gsize) a * n + k] + sb * dist[(gsize) b * n + k]) / (sa + sb);
              dist[(gsize) a * n + k] = dist[(gsize) k * n + a] = d;
            }
          /* Larger sub-cluster first; ties by smaller leaf id for determinism. */
          if (node_size[node[b]] > node_size[node[a]])
            {
              left[n_merged] = node[b];
              right[n_merged] = node[a];
            }
          else
            {
              left[n_merged] = node[a];
              right[n_merged] = node[b];
            }
          node_size[id] = sa + sb;
          node[a] = id;
          size[a] = sa + sb;
          active[b] = FALSE;
          n_merged++;
        }
      else
        chain[chain_len++] = b;
    }

  /* Leaves left to right by an explicit-stack depth-first walk. */
  root = n + n_merged - 1;
  stack = g_new (guint, 2 * n);
  stack[sp++] = root;
  while (sp > 0)
    {
      guint id = stack[--sp];

      if (id < n)
        order[out++] = id;
      else
        {
          stack[sp++] = right[id - n];
          stack[sp++] = left[id - n];
        }
    }
  g_assert (out == n);
}

static int
compare_desc (gconstpointer a,
              gconstpointer b,
              gpointer      data)
{
  const double *key = data;
  guint ia = *(const guint *) a, ib = *(const guint *) b;

  if (key[ia] != key[ib])
    return key[ia] < key[ib] ? 1 : -1;
  return (ia > ib) - (ia < ib);
}

void
cs_chart_heatmap_order_rows (const CsChartHeatmapModel *model,
                             CsChartRowOrder            mode,
                             guint                     *order)
{
  for (guint i = 0; i < model->n_rows; i++)
    order[i] = i;

  switch (mode)
    {
    case CS_CHART_ORDER_MAX_ABS:
      {
        g_autofree double *key = g_new (double, MAX (1, model->n_rows));

        for (guint i = 0; i < model->n_rows; i++)
          {
            key[i] = -1;
            for (guint c = 0; c < model->n_cols; c++)
              if (isfinite (cell (model, i, c)))
                key[i] = MAX (key[i], fabs (cell (model, i, c)));
          }
        g_qsort_with_data (order, model->n_rows, sizeof (guint), compare_desc, key);
      }
      break;
    case CS_CHART_ORDER_CLUSTER:
      cluster_rows (model, order);
      break;
    case CS_CHART_ORDER_AS_GIVEN:
    default:
      break;
    }
}

/* -------------------------------------------------------------- layout */

#define ROW_HEIGHT_PER_LABEL_PX 1.3

static double
row_font_size (const CsChartHeatmapModel *model,
               const CsChartStyle        *style,
               double                     cell_h)
{
  if (model->row_label_size > 0)
    return model->row_label_size;
  return MIN (style->font_size, MAX (MIN_LABEL_PX, cell_h * 0.8));
}

void
cs_chart_heatmap_layout (const CsChartHeatmapModel *model,
                         const CsChartStyle        *style,
                         double                     width,
                         double                     height,
                         CsChartLayout             *layout)
{
  cairo_t *cr = cs_chart_measure_cr_new ();
  double top, bottom, left, right, col_w = 0, row_w = 0, legend_w, avail_w, avail_h;
  double cell_w, cell_h, font;
  double s40 = sin (G_PI * 40 / 180), c40 = cos (G_PI * 40 / 180);

  memset (layout, 0, sizeof *layout);
  layout->width = width;
  layout->height = height;
  layout->n_bands = model->n_cols;
  layout->n_rows = model->n_rows;
  layout->first_row = 0;

  cs_chart_set_font (cr, style, style->font_size, FALSE);
  for (guint c = 0; c < model->n_cols; c++)
    col_w = MAX (col_w, cs_chart_text_width (cr, model->col_labels ? model->col_labels[c] : ""));
  col_w = MIN (col_w, 220);

  top = CS_CHART_PAD + (model->title && *model->title ? style->title_size * 1.6 : 0);
  bottom = CS_CHART_PAD + col_w * s40 + style->font_size * 1.6;
  avail_h = MAX (10, height - top - bottom);
  cell_h = model->n_rows > 0 ? MIN (avail_h / model->n_rows, 30) : 0;
  /* a scrolling map: readable rows, as many as fit, from first_row */
  if (model->row_label_size > 0 && model->n_rows > 0)
    {
      guint fit;

      cell_h = MAX (cell_h, model->row_label_size * ROW_HEIGHT_PER_LABEL_PX);
      fit = (guint) MAX (1.0, floor (avail_h / cell_h));
      layout->n_rows = MIN (fit, model->n_rows);
      layout->first_row = MIN (model->first_row, model->n_rows - layout->n_rows);
    }

  font = row_font_size (model, style, cell_h);
  cs_chart_set_font (cr, style, font, FALSE);
  for (guint r = 0; r < model->n_rows; r++)
    row_w = MAX (row_w, cs_chart_text_width (cr, model->row_labels ? model->row_labels[r] : ""));
  row_w = MIN (row_w, MAX_ROW_LABEL_W);

  /* colour bar + its tick labels + the q legend */
  cs_chart_set_font (cr, style, style->font_size, FALSE);
  legend_w = 18 + 8 + cs_chart_text_width (cr, "−0.5");
  legend_w = MAX (legend_w, cs_chart_text_width (cr, _("q < 0.05")) + 18);
  cs_chart_set_font (cr, style, style->font_size, TRUE);
  legend_w = MAX (legend_w, cs_chart_text_width (cr, model->effect_label ? model->effect_label : "r") + 2);
  left = CS_CHART_PAD + row_w + 8;
  right = CS_CHART_PAD + legend_w + 24;
  avail_w = MAX (10, width - left - right);
  cell_w = model->n_cols > 0 ? MIN (avail_w / model->n_cols, 120) : 0;

  /* The first column label hangs to the left of its cell. */
  left = MAX (left, CS_CHART_PAD + col_w * c40 - cell_w / 2);

  layout->plot.x = round (left);
  layout->plot.y = round (top);
  layout->plot.width = cell_w * model->n_cols;
  layout->plot.height = cell_h * layout->n_rows;
  layout->band_width = cell_w;
  layout->band_height = cell_h;
  layout->x_min = 0;
  layout->x_max = model->n_cols;
  layout->y_min = layout->first_row + layout->n_rows;   /* row first_row at the top */
  layout->y_max = layout->first_row;

  layout->legend.x = layout->plot.x + layout->plot.width + 24;
  layout->legend.y = layout->plot.y;
  layout->legend.width = legend_w;
  layout->legend.height = MIN (MAX (layout->plot.height, 120), 260);
  cairo_destroy (cr);
}

gboolean
cs_chart_heatmap_hit (const CsChartHeatmapModel *model,
                      const CsChartLayout       *layout,
                      double                     x,
                      double                     y,
                      guint                     *row,
                      guint                     *col)
{
  guint r, c;

  if (model->n_rows == 0 || model->n_cols == 0 || layout->band_width <= 0 || layout->band_height <= 0)
    return FALSE;
  if (!cs_chart_rect_contains (&layout->plot, x, y))
    return FALSE;
  c = (guint) ((x - layout->plot.x) / layout->band_width);
  r = (guint) ((y - layout->plot.y) / layout->band_height);
  if (c >= model->n_cols || r >= layout->n_rows)
    return FALSE;
  r += layout->first_row;
  if (r >= model->n_rows)
    return FALSE;

  if (model->row_order != NULL)
    r = model->row_order[r];
  else if (model->order != CS_CHART_ORDER_AS_GIVEN)
    {
      g_autofree guint *order = g_new (guint, model->n_rows);

      cs_chart_heatmap_order_rows (model, model->order, order);
      r = order[r];
    }
  if (row)
    *row = r;
  if (col)
    *col = c;
  return TRUE;
}

guint
cs_chart_heatmap_visible_rows (const CsChartHeatmapModel *model,
                               const CsChartStyle        *style,
                               double                     width,
                               double                     height,
                               guint                     *max_first_row)
{
  CsChartLayout layout;

  g_return_val_if_fail (model != NULL, 0);

  cs_chart_heatmap_layout (model, style != NULL ? style : cs_chart_style_light (), width, height, &layout);
  if (max_first_row != NULL)
    *max_first_row = model->n_rows - layout.n_rows;
  return layout.n_rows;
}

/* ---------------------------------------------------------------- draw */

static gboolean
show_values (const CsChartLayout *layout)
{
  return layout->band_width >= 44 && layout->band_height >= 17;
}

static void
draw_legend (cairo_t                   *cr,
             const CsChartHeatmapModel *model,
             const CsChartStyle        *style,
             const CsChartLayout       *layout)
{
  const CsChartRect *l = &layout->legend;
  double bar_w = 18, bar_h = l->height - style->font_size * 2.0;
  double bar_y = l->y + style->font_size * 2.0;
  cairo_pattern_t *grad;
  static const double marks[] = { -1, -0.5, 0, 0.5, 1 };

  cs_chart_set_font (cr, style, style->font_size, TRUE);
  cs_chart_set_color (cr, style->fg, 1.0);
  cs_chart_draw_text (cr, model->effect_label ? model->effect_label : "r", l->x, l->y, 0, 0, 0);

  grad = cairo_pattern_create_linear (0, bar_y + bar_h, 0, bar_y);
  for (int i = 0; i <= 20; i++)
    {
      double v = -1.0 + i / 10.0;
      CsChartColor c = cs_chart_diverging_color (v);

      cairo_pattern_add_color_stop_rgb (grad, i / 20.0, c.r, c.g, c.b);
    }
  cairo_rectangle (cr, l->x, bar_y, bar_w, bar_h);
  cairo_set_source (cr, grad);
  cairo_fill_preserve (cr);
  cairo_pattern_destroy (grad);
  cs_chart_set_color (cr, style->fg, 0.6);
  cairo_set_line_width (cr, 1.0);
  cairo_stroke (cr);

  cs_chart_set_font (cr, style, style->font_size, FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (marks); i++)
    {
      double y = bar_y + bar_h * (1.0 - (marks[i] + 1) / 2);
      char buf[16];

      cs_chart_set_color (cr, style->fg, 1.0);
      cairo_move_to (cr, l->x + bar_w, y);
      cairo_line_to (cr, l->x + bar_w + 4, y);
      cairo_stroke (cr);
      if (marks[i] < 0)
        g_snprintf (buf, sizeof buf, "−%g", -marks[i]);
      else
        g_snprintf (buf, sizeof buf, "%g", marks[i]);
      cs_chart_draw_text (cr, buf, l->x + bar_w + 7, y, 0, 0.5, 0);
    }

  if (model->q != NULL)
    {
      double y = bar_y + bar_h + style->font_size * 1.6;

      cs_chart_set_color (cr, style->fg, 1.0);
      if (show_values (layout))
        cs_chart_draw_text (cr, "*", l->x + 2, y, 0, 0.5, 0);
      else
        {
          cairo_arc (cr, l->x + 5, y, 3, 0, 2 * G_PI);
          cairo_fill (cr);
        }
      cs_chart_draw_text (cr, _("q < 0.05"), l->x + 14, y, 0, 0.5, 0);
    }
}

void
cs_chart_heatmap_draw (cairo_t                   *cr,
                       double                     width,
                       double                     height,
                       const CsChartHeatmapModel *model,
                       const CsChartStyle        *style)
{
  CsChartLayout layout;
  g_autofree guint *order = NULL;
  const guint *rows;
  double cw, ch, font, stride_f;
  guint stride, first;
  gboolean values;
  CsChartColor dark_text = { 0.1, 0.1, 0.1, 1 }, light_text = { 1, 1, 1, 1 };

  g_return_if_fail (cr != NULL && model != NULL);
  if (style == NULL)
    style = cs_chart_style_light ();

  cs_chart_heatmap_layout (model, style, width, height, &layout);
  cw = layout.band_width;
  ch = layout.band_height;

  if (model->row_order != NULL)
    rows = model->row_order;
  else
    {
      order = g_new (guint, MAX (1, model->n_rows));
      cs_chart_heatmap_order_rows (model, model->order, order);
      rows = order;
    }

  cairo_save (cr);
  cs_chart_paint_background (cr, style, width, height);

  if (model->title && *model->title)
    {
      cs_chart_set_font (cr, style, style->title_size, TRUE);
      cs_chart_set_color (cr, style->fg, 1.0);
      cs_chart_draw_text (cr, model->title, CS_CHART_PAD, CS_CHART_PAD, 0, 0, 0);
    }

  /* Cells: slightly overlapping rectangles avoid hairline seams. Display
   * row first + i is drawn at i (first > 0: a scrolled map). */
  first = layout.first_row;
  for (guint i = 0; i < layout.n_rows; i++)
    for (guint c = 0; c < model->n_cols; c++)
      {
        CsChartColor color = cs_chart_diverging_color (cell (model, rows[first + i], c));

        cs_chart_set_color (cr, color, 1.0);
        cairo_rectangle (cr, layout.plot.x + c * cw, layout.plot.y + i * ch,
                         cw + (c + 1 < model->n_cols ? 0.5 : 0), ch + (i + 1 < layout.n_rows ? 0.5 : 0));
        cairo_fill (cr);
      }

  /* Significance marks or values */
  values = show_values (&layout);
  cs_chart_set_font (cr, style, MIN (style->font_size, ch * 0.62), FALSE);
  for (guint i = 0; i < layout.n_rows; i++)
    for (guint c = 0; c < model->n_cols; c++)
      {
        guint r = rows[first + i];
        double v = cell (model, r, c);
        double q = model->q ? model->q[(gsize) r * model->n_cols + c] : NAN;
        gboolean sig = isfinite (q) && q < 0.05;
        CsChartColor fill = cs_chart_diverging_color (v);
        double cx = layout.plot.x + (c + 0.5) * cw, cy = layout.plot.y + (i + 0.5) * ch;

        cs_chart_set_color (cr, cs_chart_color_luminance (fill) < 0.45 ? light_text : dark_text, 1.0);
        if (values && isfinite (v))
          {
            char buf[32], text[40];

            g_ascii_formatd (buf, sizeof buf, "%.2f", fabs (v));
            g_snprintf (text, sizeof text, "%s%s%s", v <= -0.005 ? "−" : "", buf, sig ? "*" : "");
            cs_chart_draw_text (cr, text, cx, cy, 0.5, 0.5, 0);
          }
        else if (sig)
          {
            cairo_arc (cr, cx, cy, MAX (1.2, MIN (cw, ch) / 6), 0, 2 * G_PI);
            cairo_fill (cr);
          }
      }

  /* Row labels, thinned when rows are too small to read */
  font = row_font_size (model, style, ch);
  stride_f = ch > 0 ? ceil (font * 1.05 / ch) : 1;
  stride = (guint) MAX (1.0, stride_f);
  cs_chart_set_font (cr, style, font, FALSE);
  cs_chart_set_color (cr, style->fg, 1.0);
  for (guint i = 0; i < layout.n_rows; i += stride)
    {
      const char *label = model->row_labels ? model->row_labels[rows[first + i]] : "";
      g_autofree char *shown = cs_chart_ellipsize (cr, label, MAX_ROW_LABEL_W);

      cs_chart_draw_text (cr, shown, layout.plot.x - 6, layout.plot.y + (i + 0.5) * ch, 1.0, 0.5, 0);
    }

  /* Column labels, rotated under the grid */
  cs_chart_set_font (cr, style, style->font_size, FALSE);
  for (guint c = 0; c < model->n_cols; c++)
    {
      const char *label = model->col_labels ? model->col_labels[c] : "";
      g_autofree char *shown = cs_chart_ellipsize (cr, label, 220);

      cs_chart_draw_text (cr, shown, layout.plot.x + (c + 0.5) * cw + style->font_size * 0.3,
                          layout.plot.y + layout.plot.height + 6, 1.0, 0.0, -G_PI * 40 / 180);
    }

  draw_legend (cr, model, style, &layout);
  cairo_restore (cr);
}
