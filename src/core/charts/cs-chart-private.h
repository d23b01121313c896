/* cs-chart-private.h: drawing helpers shared by the chart kinds
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-chart.h"

G_BEGIN_DECLS

#define CS_CHART_PAD      14.0   /* outer padding, px */
#define CS_CHART_TICK_LEN  5.0

/* A context on a 1×1 image surface for measuring text in layout functions. */
cairo_t *cs_chart_measure_cr_new   (void);

void     cs_chart_set_color        (cairo_t            *cr,
                                    CsChartColor        color,
                                    double              alpha);
void     cs_chart_set_font         (cairo_t            *cr,
                                    const CsChartStyle *style,
                                    double              size,
                                    gboolean            bold);
double   cs_chart_text_width       (cairo_t            *cr,
                                    const char         *text);
/* text shortened with "…" to fit max_width with the current font. */
char    *cs_chart_ellipsize        (cairo_t            *cr,
                                    const char         *text,
                                    double              max_width);
/* The first of the ", "-separated tails of text ("Spearman ρ = 0.84,
 * n = 97, p < 0.001", then "n = 97, p < 0.001") that still holds fallback
 * ("n = 97") and fits max_width with the current font, else fallback
 * (shortened with "…" when it does not fit either): in a narrow chart a
 * test keeps its n (and p) rather than its name. */
char    *cs_chart_fit_tail         (cairo_t            *cr,
                                    const char         *text,
                                    const char         *fallback,
                                    double              max_width);
/* Cap height of the current font (for vertical centring). */
double   cs_chart_cap_height       (cairo_t            *cr);
/* Draws text so that (x, y) is at the point given by halign (0 left,
 * 0.5 centre, 1 right) and valign (0 cap top, 0.5 middle, 1 baseline),
 * rotated by angle radians around that point. */
void     cs_chart_draw_text        (cairo_t            *cr,
                                    const char         *text,
                                    double              x,
                                    double              y,
                                    double              halign,
                                    double              valign,
                                    double              angle);
void     cs_chart_paint_background (cairo_t            *cr,
                                    const CsChartStyle *style,
                                    double              width,
                                    double              height);
/* Relative luminance 0..1 (to pick black or white text on a fill). */
double   cs_chart_color_luminance  (CsChartColor        color);

typedef struct
{
  const char *title;
  const char *subtitle;
  const char *x_label;
  const char *y_label;
  gboolean    x_numeric;       /* FALSE: categorical bands (n_bands) */
  double      x_lo, x_hi;      /* data range for numeric x */
  double      y_lo, y_hi;      /* data range for y */
  gboolean    x_pad, y_pad;    /* add 4% margins to the data range */
  gboolean    x_nice, y_nice;  /* extend the range to the nice tick bounds */
  gboolean    x_date, y_date;  /* days since 1970-01-01: calendar ticks */
  double      extra_left;      /* room for km table labels etc. */
  double      extra_right;     /* legend */
  double      extra_bottom;    /* km table, rotated category labels */
  double      x_tick_height;   /* height of category labels (0: one line) */
} CsChartFrame;

/* Computes plot rectangle, ranges and ticks for an x/y chart. */
void     cs_chart_frame_layout     (cairo_t             *cr,
                                    const CsChartStyle  *style,
                                    const CsChartFrame  *frame,
                                    double               width,
                                    double               height,
                                    CsChartLayout       *layout);
/* Title, grid, y axis with ticks and label, numeric x axis (when
 * frame->x_numeric) with ticks and label; categorical x labels are the
 * caller's. */
void     cs_chart_frame_draw       (cairo_t             *cr,
                                    const CsChartStyle  *style,
                                    const CsChartFrame  *frame,
                                    const CsChartLayout *layout);
/* Draws the x axis label centred under the plot at y. */
void     cs_chart_draw_x_label     (cairo_t             *cr,
                                    const CsChartStyle  *style,
                                    const CsChartLayout *layout,
                                    const char          *label,
                                    double               y);
/* Legend entries: coloured swatch + label, stacked in rect. kind 0 = square, 1 = line. */
double   cs_chart_legend_width     (cairo_t             *cr,
                                    const CsChartStyle  *style,
                                    const char * const  *labels,
                                    guint                n);
void     cs_chart_draw_legend      (cairo_t             *cr,
                                    const CsChartStyle  *style,
                                    double               x,
                                    double               y,
                                    const char * const  *labels,
                                    const CsChartColor  *colors,
                                    guint                n,
                                    int                  kind);

/* value with digits significant digits, "−" for minus, "2.43×10⁻⁵" when
 * very large or small. */
char    *cs_chart_format_number    (double               value,
                                    int                  digits);

/* The histogram's bins: counts_all copied, or the values counted (NULL and
 * *n_bins = 0 when there is no finite value); *max_count is the largest
 * count of counts_all and counts_selected. */
double  *cs_chart_histogram_counts (const CsChartHistogramModel *model,
                                    double                      *start,
                                    double                      *bin_width,
                                    guint                       *n_bins,
                                    double                      *max_count);

/* The compact forms (cs-chart-compact.c): CsChartBarModel.horizontal and
 * CsChartHistogramModel.compact. */
void     cs_chart_bar_compact_layout       (const CsChartBarModel       *model,
                                            const CsChartStyle          *style,
                                            double                       width,
                                            double                       height,
                                            CsChartLayout               *layout);
void     cs_chart_bar_compact_draw         (cairo_t                     *cr,
                                            double                       width,
                                            double                       height,
                                            const CsChartBarModel       *model,
                                            const CsChartStyle          *style);
void     cs_chart_histogram_compact_layout (const CsChartHistogramModel *model,
                                            const CsChartStyle          *style,
                                            double                       width,
                                            double                       height,
                                            CsChartLayout               *layout);
void     cs_chart_histogram_compact_draw   (cairo_t                     *cr,
                                            double                       width,
                                            double                       height,
                                            const CsChartHistogramModel *model,
                                            const CsChartStyle          *style);

/* Deterministic uniform number in [0, 1) from an index (jitter). */
double   cs_chart_hash_unit        (guint                index,
                                    guint                salt);
/* Sorted copy of the finite values; *n_out finite count. */
double  *cs_chart_sorted_finite    (const double        *values,
                                    guint                n,
                                    guint               *n_out);
/* Quantile (R type 7) of sorted values. */
double   cs_chart_quantile_sorted  (const double        *sorted,
                                    guint                n,
                                    double               p);

G_END_DECLS
