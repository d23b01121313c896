/* cs-chart.h: pure Cairo chart renderers
 *
 * Every chart kind has a plain model struct (arrays the caller owns, never
 * copied), a layout function that computes the plot rectangle and the
 * data → pixel transform, and a draw function:
 *
 *   cs_chart_KIND_layout (model, style, width, height, &layout);
 *   cs_chart_KIND_draw   (cr, width, height, model, style);
 *
 * The draw function calls the layout function itself, so a widget can map
 * pointer coordinates with the same layout (cs_chart_layout_px_to_x(), the
 * hit-test helpers). Nothing here touches GTK; cs_chart_export() renders
 * the same drawing to a PNG, SVG or PDF file.
 *
 * Text uses cairo's own text API with a sans-serif face (no Pango in the
 * core). All strings are UTF-8.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "cs-stats.h"

G_BEGIN_DECLS

#define CS_CHART_ERROR (cs_chart_error_quark ())

typedef enum
{
  CS_CHART_ERROR_FAILED,
  CS_CHART_ERROR_FORMAT,      /* unknown file extension */
  CS_CHART_ERROR_EMPTY,       /* nothing to draw */
  CS_CHART_ERROR_WRITE,       /* could not write the file */
} CsChartError;

GQuark cs_chart_error_quark (void);

typedef enum
{
  CS_CHART_SCATTER,
  CS_CHART_BOX,
  CS_CHART_HISTOGRAM,
  CS_CHART_BAR,
  CS_CHART_KM,
  CS_CHART_HEATMAP,
  CS_CHART_FOREST,
} CsChartKind;

/* "scatter", "box", "histogram", "bar", "km", "heatmap", "forest"; NULL / FALSE if unknown */
const char *cs_chart_kind_to_string   (CsChartKind  kind);
gboolean    cs_chart_kind_from_string (const char  *str,
                                       CsChartKind *kind);

/* ---------------------------------------------------------------- style */

typedef struct
{
  double r, g, b, a;
} CsChartColor;

typedef struct
{
  CsChartColor        fg;          /* text, axes */
  CsChartColor        bg;          /* background; alpha 0 = transparent */
  CsChartColor        grid;        /* grid lines */
  CsChartColor        muted;       /* secondary text, "whole" bars, CI bands base */
  const CsChartColor *palette;     /* categorical colours (Okabe–Ito) */
  guint               n_palette;
  const char         *font_family; /* e.g. "sans-serif" */
  double              font_size;   /* tick labels, px */
  double              label_size;  /* axis labels, px */
  double              title_size;  /* title, px */
  double              point_size;  /* scatter marker edge, px */
  gboolean            dark;
} CsChartStyle;

const CsChartStyle *cs_chart_style_light (void);
const CsChartStyle *cs_chart_style_dark  (void);

/* Colour i of the style's categorical palette (wraps around). */
CsChartColor cs_chart_style_category_color (const CsChartStyle *style,
                                            guint               index);
/* Diverging blue–white–red (ColorBrewer RdBu, 11 classes, interpolated):
 * -1 → dark blue, 0 → near white, +1 → dark red; NAN → mid grey. */
CsChartColor cs_chart_diverging_color      (double              value);

/* ---------------------------------------------------------------- ticks */

#define CS_CHART_MAX_TICKS 32

typedef struct
{
  double step;                     /* 1, 2 or 5 × 10^k */
  double nice_min, nice_max;       /* range extended to multiples of step */
  guint  n;                        /* ticks inside [lo, hi] */
  double value[CS_CHART_MAX_TICKS];
  int    decimals;                 /* digits after the point for labels */
  int    exponent;                 /* != 0: scientific labels ("2×10⁶"), the step's power of ten */
  int    date_unit;                /* date axes (values in days since 1970-01-01): 0 none,
                                    * 1 days ("2019-03-14"), 2 months ("2019-03"), 3 years ("2019") */
  int    date_step;                /* in date_unit */
} CsChartTicks;

/* "Nice numbers" (Heckbert): about target ticks at multiples of a
 * 1/2/5×10^k step covering [lo, hi]. lo == hi gives a unit range around
 * the value. Returns FALSE for non-finite input. */
gboolean cs_chart_ticks_compute (double        lo,
                                 double        hi,
                                 guint         target,
                                 CsChartTicks *ticks);
/* Ticks on a date axis (days since 1970-01-01): 1/2/5/10/20/50/100 years on
 * 1 January, 1/2/3/6 months on the 1st, or 1/2/7/14 days, the count closest
 * to target. */
gboolean cs_chart_ticks_compute_dates (double        lo,
                                       double        hi,
                                       guint         target,
                                       CsChartTicks *ticks);
/* Label of value on these ticks ("0.0015", "200000", "−5", "2×10⁻⁵"). */
char    *cs_chart_ticks_format  (const CsChartTicks *ticks,
                                 double              value);

/* Axis label "Label (unit)" with the UCUM unit as clinicians write it
 * (cs_ucum_label(): "mm3" → "mm³", "Cel" → "°C", "a" → "years", "{count}"
 * → none); label alone when there is no unit to show. */
char    *cs_chart_axis_label    (const char         *label,
                                 const char         *ucum_unit);

/* --------------------------------------------------------------- layout */

typedef struct
{
  double x, y, width, height;
} CsChartRect;

typedef struct
{
  double       width, height;      /* whole chart, px */
  CsChartRect  plot;               /* plot area, px */
  double       x_min, x_max;       /* data values at plot left / right */
  double       y_min, y_max;       /* data values at plot bottom / top */
  CsChartTicks x_ticks, y_ticks;   /* x_ticks unused on categorical axes */
  guint        n_bands;            /* box, bar: categories along x (a horizontal bar: rows);
                                    * histogram: bins; heatmap: columns */
  guint        n_rows;             /* heatmap: the display rows drawn (all, or those that fit a scrolling map) */
  guint        first_row;          /* heatmap: the display row at the top of the plot */
  double       band_width;         /* box, bar, histogram: px per category or bin; heatmap: cell width */
  double       band_height;        /* horizontal bar: px per row; heatmap: cell height */
  CsChartRect  legend;             /* legend box (0 size when none) */
  CsChartRect  table;              /* km: numbers-at-risk table (0 size when none) */
} CsChartLayout;

double   cs_chart_layout_x_to_px (const CsChartLayout *layout, double x);
double   cs_chart_layout_y_to_px (const CsChartLayout *layout, double y);
double   cs_chart_layout_px_to_x (const CsChartLayout *layout, double px);
double   cs_chart_layout_px_to_y (const CsChartLayout *layout, double py);
gboolean cs_chart_rect_contains  (const CsChartRect   *rect, double x, double y);

/* -------------------------------------------------------------- scatter */

typedef struct
{
  const double       *x, *y;            /* n values; points with a NAN are skipped */
  guint               n;
  const gint32       *category;         /* optional: per point, index into category_labels, -1 = none */
  const char * const *category_labels;  /* n_categories labels (legend) */
  guint               n_categories;
  const char         *legend_title;     /* optional, e.g. the colouring variable */
  const guint8       *selected;         /* optional: per point 0/1; unselected points are muted,
                                         * drawn underneath ("filtered vs whole") */
  gboolean            x_is_date;        /* values are days since 1970-01-01: date ticks */
  gboolean            y_is_date;
  gboolean            regression;       /* least-squares line y = a + b·x */
  const char         *test;             /* optional: the test shown beside the line, named
                                         * ("Spearman ρ = 0.84, n = 97, p < 0.001") */
  const char         *title;            /* optional */
  const char         *x_label;          /* "Volume (mm³)" */
  const char         *y_label;
} CsChartScatterModel;

/* Least squares over the finite pairs; FALSE if fewer than 2 or no x spread. */
gboolean cs_chart_least_squares   (const double *x,
                                   const double *y,
                                   guint         n,
                                   double       *intercept,
                                   double       *slope,
                                   double       *r);
void     cs_chart_scatter_layout  (const CsChartScatterModel *model,
                                   const CsChartStyle        *style,
                                   double                     width,
                                   double                     height,
                                   CsChartLayout             *layout);
void     cs_chart_scatter_draw    (cairo_t                   *cr,
                                   double                     width,
                                   double                     height,
                                   const CsChartScatterModel *model,
                                   const CsChartStyle        *style);
/* Index of the point nearest to (x, y) px within radius px, or -1. */
int      cs_chart_scatter_hit     (const CsChartScatterModel *model,
                                   const CsChartLayout       *layout,
                                   double                     x,
                                   double                     y,
                                   double                     radius);
/* Hover/selection overlay drawn on top of a finished chart (the static
 * layer need not be redrawn): a ring around point index. */
void     cs_chart_scatter_draw_highlight (cairo_t                   *cr,
                                          const CsChartScatterModel *model,
                                          const CsChartLayout       *layout,
                                          const CsChartStyle        *style,
                                          int                        index);
/* Above this many points the scatter skips points that land on an already
 * drawn pixel (per colour), which keeps 10⁵ points well under 50 ms. */
#define CS_CHART_SCATTER_DEDUP_THRESHOLD 2000

/* ------------------------------------------------------------------ box */

typedef struct
{
  guint                 n_groups;
  const char * const   *group_labels;   /* n_groups */
  const double * const *values;         /* n_groups arrays; NAN skipped */
  const guint          *n_values;       /* n_groups lengths */
  gboolean              violin;         /* Gaussian KDE outline (Silverman bandwidth) */
  gboolean              points;         /* deterministically jittered points */
  const char           *title;
  const char           *x_label;        /* grouping variable */
  const char           *y_label;
  gboolean              y_is_date;      /* values are days since 1970-01-01 */
} CsChartBoxModel;

/* Tukey box statistics (quantiles as R type 7); FALSE if no finite value. */
typedef struct
{
  guint  n;
  double min, q1, median, q3, max;
  double whisker_low, whisker_high;     /* most extreme values within 1.5 IQR */
} CsChartBoxStats;

gboolean cs_chart_box_stats   (const double          *values,
                               guint                  n,
                               CsChartBoxStats       *stats);
void     cs_chart_box_layout  (const CsChartBoxModel *model,
                               const CsChartStyle    *style,
                               double                 width,
                               double                 height,
                               CsChartLayout         *layout);
void     cs_chart_box_draw    (cairo_t               *cr,
                               double                 width,
                               double                 height,
                               const CsChartBoxModel *model,
                               const CsChartStyle    *style);
/* Group under x px, or -1. */
int      cs_chart_band_hit    (const CsChartLayout   *layout,
                               double                 x,
                               double                 y);

/* ------------------------------------------------------------ histogram */

typedef enum
{
  CS_CHART_BINS_FREEDMAN_DIACONIS,      /* width 2·IQR·n^(-1/3); Sturges when IQR = 0 */
  CS_CHART_BINS_STURGES,                /* ceil(log2 n) + 1 bins */
  CS_CHART_BINS_FIXED,                  /* n_bins given */
} CsChartBinRule;

typedef struct
{
  const double   *values;               /* NAN skipped */
  guint           n;
  CsChartBinRule  rule;
  guint           n_bins;               /* for CS_CHART_BINS_FIXED */
  const char     *title;
  const char     *x_label;
  const char     *y_label;              /* NULL: "Patients" */
  gboolean        is_date;              /* values are days since 1970-01-01: date ticks */

  /* Counts instead of values (a dashboard that counts a cohort against the
   * whole table): when counts_all is set, values, n and rule are ignored and
   * the bins are n_bins bins of bin_width from bin_start. */
  const double   *counts_all;           /* n_bins */
  const double   *counts_selected;      /* optional: the cohort, drawn over a muted counts_all */
  double          bin_start;
  double          bin_width;
  /* The compact form of the cohort builder's filter cards and dashboard: no
   * axes, ticks or axis labels, only the bars on a baseline with the data
   * range under it (and the title, in style->title_size, when set). */
  gboolean        compact;
} CsChartHistogramModel;

/* Bins of equal width starting at *start; at most 200. FALSE when no finite value. */
gboolean cs_chart_histogram_bins   (const double                *values,
                                    guint                        n,
                                    CsChartBinRule               rule,
                                    guint                        n_bins_fixed,
                                    double                      *start,
                                    double                      *bin_width,
                                    guint                       *n_bins);
void     cs_chart_histogram_layout (const CsChartHistogramModel *model,
                                    const CsChartStyle          *style,
                                    double                       width,
                                    double                       height,
                                    CsChartLayout               *layout);
void     cs_chart_histogram_draw   (cairo_t                     *cr,
                                    double                       width,
                                    double                       height,
                                    const CsChartHistogramModel *model,
                                    const CsChartStyle          *style);
/* The bin under x px (anywhere in the plot's height): its index, value
 * range [lo, hi) and count (of counts_all when given); -1 outside the bins. */
int      cs_chart_histogram_hit    (const CsChartHistogramModel *model,
                                    const CsChartLayout         *layout,
                                    double                       x,
                                    double                       y,
                                    double                      *lo,
                                    double                      *hi,
                                    guint                       *count);
/* Selection overlay on a drawn histogram (a brush): a translucent band over
 * the plot from value lo to hi (NAN: open on that side, to the plot's edge;
 * clamped to the plot) with a handle at each end, in the style's first
 * palette colour. */
void     cs_chart_histogram_draw_range (cairo_t                *cr,
                                        const CsChartLayout    *layout,
                                        const CsChartStyle     *style,
                                        double                  lo,
                                        double                  hi);

/* ------------------------------------------------------------------ bar */

typedef struct
{
  guint               n_categories;
  const char * const *labels;           /* n_categories */
  const double       *counts_all;       /* whole cohort */
  const double       *counts_selected;  /* optional: filtered cohort, drawn over a muted "all" bar */
  const char         *title;
  const char         *x_label;
  const char         *y_label;          /* NULL: "Patients" */

  /* The compact form of a dashboard (the cohort builder's summary charts):
   * one row per category, its label on the left, a horizontal bar and
   * "selected / all" on the right; no axes, legend or axis labels; the title
   * in style->title_size when set. The layout's plot is the column of the
   * bars (x: counts), one row of band_height per category (y_to_px (i) is
   * the top of row i). */
  gboolean            horizontal;
  const guint8       *highlighted;      /* optional: per category, non-zero marks it (a band
                                         * behind its row or column: a filter on that value) */
} CsChartBarModel;

void cs_chart_bar_layout (const CsChartBarModel *model,
                          const CsChartStyle    *style,
                          double                 width,
                          double                 height,
                          CsChartLayout         *layout);
void cs_chart_bar_draw   (cairo_t               *cr,
                          double                 width,
                          double                 height,
                          const CsChartBarModel *model,
                          const CsChartStyle    *style);
/* The category under (x, y) px: a column of the plot (anywhere in its
 * height), or for a horizontal chart a row (anywhere across the chart);
 * -1 for none. */
int  cs_chart_bar_hit    (const CsChartBarModel *model,
                          const CsChartLayout   *layout,
                          double                 x,
                          double                 y);
/* Keyboard focus overlay on a drawn bar chart: a dashed outline around
 * category index (its row, or its column). */
void cs_chart_bar_draw_focus (cairo_t               *cr,
                              const CsChartBarModel *model,
                              const CsChartLayout   *layout,
                              const CsChartStyle    *style,
                              guint                  index);

/* ------------------------------------------------------------- km curve */

typedef struct
{
  const char   *label;
  guint         n;                      /* patients in the group (at risk at time 0) */
  guint         n_steps;                /* survival drops to survival[i] at time[i] (ascending) */
  const double *time;
  const double *survival;
  const double *lower;                  /* optional 95% CI, per step (NAN: none) */
  const double *upper;
  const guint  *n_risk;                 /* optional: at risk just before each step; derived when NULL */
  guint         n_censor;               /* censoring times, one per censored patient */
  const double *censor_time;
} CsChartKmGroup;

typedef struct
{
  guint                 n_groups;
  const CsChartKmGroup *groups;
  gboolean              ci;             /* draw CI bands when groups have them */
  gboolean              at_risk_table;  /* numbers at risk under the plot */
  const char           *title;
  const char           *x_label;        /* "Time (days)" */
  const char           *y_label;        /* NULL: "Survival probability" */
  const char           *subtitle;       /* optional, e.g. "Log-rank p = 0.003" */
} CsChartKmModel;

/* Survival of the group just after time t (step function). */
double cs_chart_km_survival_at (const CsChartKmGroup *group,
                                double                t);
/* Patients still at risk at time t: n minus those with an event or
 * censoring strictly before t (from n_risk, or derived from n, the
 * survival drops and the censoring times). */
guint  cs_chart_km_at_risk     (const CsChartKmGroup *group,
                                double                t);
/* Fills group from a Kaplan–Meier curve (cs_stats_kaplan_meier): steps at the
 * event times with their CI and numbers at risk, and a censor mark per
 * censored patient. The arrays are g_malloc'ed and added to blocks (a
 * GPtrArray freeing with g_free), which must outlive the group. Returns FALSE
 * and leaves group untouched when the curve is NULL or has no patients. */
gboolean cs_chart_km_group_from_curve (CsChartKmGroup  *group,
                                       const CsKmCurve *curve,
                                       const char      *label,
                                       GPtrArray       *blocks);
/* Fills groups (room for n_groups) from the Kaplan–Meier curve of each group
 * g = 0…n_groups-1 of group[] (cs_stats_kaplan_meier over the n rows of time
 * and event), labelled labels[g], in order, leaving out groups without
 * patients. The arrays and copies of the labels go to blocks as in
 * cs_chart_km_group_from_curve. When curves is not NULL, the curve of each
 * filled group is appended to it (curves frees with cs_km_curve_free).
 * Returns how many groups were filled. */
guint    cs_chart_km_groups_from_survival (CsChartKmGroup     *groups,
                                           const double       *time,
                                           const guint8       *event,
                                           const gint32       *group,
                                           guint               n,
                                           const char * const *labels,
                                           guint               n_groups,
                                           GPtrArray          *curves,
                                           GPtrArray          *blocks);

void   cs_chart_km_layout      (const CsChartKmModel *model,
                                const CsChartStyle   *style,
                                double                width,
                                double                height,
                                CsChartLayout        *layout);
void   cs_chart_km_draw        (cairo_t              *cr,
                                double                width,
                                double                height,
                                const CsChartKmModel *model,
                                const CsChartStyle   *style);
/* The curve nearest to (x, y) px within radius px (vertical distance at
 * that time): its group index, or -1; *time and *survival get the point
 * on the curve. */
int    cs_chart_km_hit         (const CsChartKmModel *model,
                                const CsChartLayout  *layout,
                                double                x,
                                double                y,
                                double                radius,
                                double               *time,
                                double               *survival);

/* ------------------------------------------------------------- heat map */

typedef enum
{
  CS_CHART_ORDER_AS_GIVEN,
  CS_CHART_ORDER_MAX_ABS,               /* rows by decreasing max |r| */
  CS_CHART_ORDER_CLUSTER,               /* average linkage on 1 − |r| between row profiles */
} CsChartRowOrder;

typedef struct
{
  guint               n_rows;           /* radiomics features */
  guint               n_cols;           /* clinical variables */
  const double       *r;                /* n_rows × n_cols, row-major, −1..1, NAN = undefined */
  const double       *q;                /* optional, same shape: cells with q < 0.05 get a mark */
  const char * const *row_labels;
  const char * const *col_labels;
  CsChartRowOrder     order;            /* used when row_order is NULL */
  const guint        *row_order;        /* optional: display row i shows model row row_order[i] */
  const double       *row_corr;         /* optional n_rows × n_rows feature–feature correlation (CLUSTER) */
  const char         *title;
  const char         *effect_label;     /* legend title, NULL: "r" */
  /* A scrolling view (the GUI): with row_label_size > 0 the row labels are
   * that size (px) and the rows at least 1.3 times as tall, never smaller;
   * the rows that fit are drawn from display row first_row on, the column
   * labels and the legend stay in view. 0: every row is drawn, shrinking
   * to fit (down to 7 px labels, every other label left out below that). */
  double              row_label_size;
  guint               first_row;
} CsChartHeatmapModel;

/* Rows a row_label_size map shows at once at this size (all when the
 * model has no row_label_size), and the largest useful first_row. */
guint cs_chart_heatmap_visible_rows (const CsChartHeatmapModel *model,
                                     const CsChartStyle        *style,
                                     double                     width,
                                     double                     height,
                                     guint                     *max_first_row);

/* Fills order[n_rows] for the mode. CLUSTER: average linkage (UPGMA) on
 * the distance 1 − |r_ij| between features i and j, where r_ij comes from
 * row_corr when given, else is the Pearson correlation of the two rows'
 * profiles over the columns (n_cols ≥ 3), else the distance is the mean
 * absolute difference of the profiles. Order = dendrogram leaves, the
 * larger sub-cluster first. */
void cs_chart_heatmap_order_rows (const CsChartHeatmapModel *model,
                                  CsChartRowOrder            order,
                                  guint                     *row_order);
void cs_chart_heatmap_layout     (const CsChartHeatmapModel *model,
                                  const CsChartStyle        *style,
                                  double                     width,
                                  double                     height,
                                  CsChartLayout             *layout);
void cs_chart_heatmap_draw       (cairo_t                   *cr,
                                  double                     width,
                                  double                     height,
                                  const CsChartHeatmapModel *model,
                                  const CsChartStyle        *style);
/* The cell under (x, y) px: TRUE with the model row (after ordering) and column. */
gboolean cs_chart_heatmap_hit    (const CsChartHeatmapModel *model,
                                  const CsChartLayout       *layout,
                                  double                     x,
                                  double                     y,
                                  guint                     *row,
                                  guint                     *col);

/* ----------------------------------------------------------- forest plot */

/* Hazard ratios of a Cox model (cs_stats_cox_fit) with their 95% CIs on a
 * log axis, one row per term, with n and p beside them (CS_CHART_FOREST).
 * Layout: x values are log10 of the hazard ratio (x_ticks too), rows are
 * bands of band_height from plot.y down, n_rows of them. */
typedef enum
{
  CS_CHART_FOREST_TERM,         /* a hazard ratio with its CI */
  CS_CHART_FOREST_HEADING,      /* a categorical covariate's name, above its levels */
  CS_CHART_FOREST_REFERENCE,    /* its reference level: 1 by definition */
} CsChartForestRowKind;

typedef struct
{
  CsChartForestRowKind kind;
  const char          *label;
  gboolean             indent;     /* a level under its heading */
  guint                n;          /* patients (with this level; a numeric term: all) */
  double               hr;         /* NAN: not estimable (aliased); ignored when infinite */
  double               lower;      /* 95% CI; NAN when undefined */
  double               upper;
  double               p_value;
  int                  infinite;   /* +1: HR → ∞, −1: HR → 0 (separation); drawn as an arrow */
} CsChartForestRow;

typedef struct
{
  guint                   n_rows;
  const CsChartForestRow *rows;
  const char             *title;
  const char             *subtitle;   /* e.g. "n = 97, 40 events; concordance 0.71" */
  const char             *x_label;    /* NULL: "Hazard ratio (log scale)" */
} CsChartForestModel;

/* A covariate of a fitted model as the forest plot lists it: a numeric one
 * is one row labelled label; a categorical or boolean one (reference not
 * NULL) a heading, its reference level and one row per term. */
typedef struct
{
  const char         *label;
  const char         *reference;      /* the reference level's label, NULL for a numeric covariate */
  guint               reference_n;
  guint               n_terms;        /* its terms, consecutive in the fit, in order */
  const char * const *term_labels;    /* n_terms level labels (categorical) */
  const guint        *term_n;         /* n_terms patient counts, or NULL (the fit's n) */
} CsChartForestCovariate;

/* Fills rows (room for fit->p + 2 × n_covariates) from fit; strings are
 * borrowed. Returns the number of rows. */
guint    cs_chart_forest_rows_from_fit (const CsCoxFit               *fit,
                                        const CsChartForestCovariate *covariates,
                                        guint                         n_covariates,
                                        CsChartForestRow             *rows);
/* The estimate as the plot prints it: "1.02 (1.00–1.03)", "1 (reference)",
 * "∞ (separation)", "0 (separation)", "not estimable"; "" for a heading. */
char    *cs_chart_forest_row_text      (const CsChartForestRow       *row);
void     cs_chart_forest_layout        (const CsChartForestModel     *model,
                                        const CsChartStyle           *style,
                                        double                        width,
                                        double                        height,
                                        CsChartLayout                *layout);
void     cs_chart_forest_draw          (cairo_t                      *cr,
                                        double                        width,
                                        double                        height,
                                        const CsChartForestModel     *model,
                                        const CsChartStyle           *style);
/* The row under y px (anywhere across the chart), or -1. */
int      cs_chart_forest_hit           (const CsChartForestModel     *model,
                                        const CsChartLayout          *layout,
                                        double                        x,
                                        double                        y);

/* -------------------------------------------------------------- caption */

/* What a figure needs to stand on its own (every string optional): drawn
 * under the chart by the captioned exports and written into the file's
 * metadata (SVG <title>/<desc>, PDF title/subject). See cs-chart-caption.c. */
typedef struct
{
  const char *title;      /* the chart's title, for the metadata (the chart draws its own) */
  const char *test;       /* "Spearman ρ = 0.84, n = 97, p < 0.001" (cs_stats_result_summary) */
  const char *variables;  /* "x: GLCM Contrast; y: Tumour volume (mm³, UCUM mm3)" */
  const char *cohort;     /* cs_chart_caption_cohort(): "113 of 400 patients: Stage IIIA or IIIB, Age 55–75 years",
                           * the filter in words (cs_filter_describe()) */
  const char *filter;     /* the filter expression: in the metadata only, "Filter: age >= 55 and …" */
  const char *source;     /* "demo.ndjson", "https://hapi.example.org/fhir" */
  const char *date;       /* "2026-12-07"; NULL: today */
} CsChartCaption;

/* "All 400 patients", "113 of 400 patients" or, with a filter's text,
 * "113 of 400 patients: stage IIIA/IIIB and age 55–75". */
char    *cs_chart_caption_cohort (guint                 n_selected,
                                  guint                 n_total,
                                  const char           *filter_text);
/* The caption's lines as drawn, before wrapping: the test, the variables,
 * then "cohort · Source: source · date" (empty parts left out). */
GStrv    cs_chart_caption_lines  (const CsChartCaption *caption);
/* The lines joined with newlines, then "Filter: expression" when the
 * caption has a filter (the SVG <desc>, the PDF subject, the PNG
 * Description): the metadata keep the expression that selected the cohort. */
char    *cs_chart_caption_text   (const CsChartCaption *caption);
/* Height of the caption block wrapped to width px (0 for NULL). */
double   cs_chart_caption_height (const CsChartCaption *caption,
                                  const CsChartStyle   *style,
                                  double                width);
/* Draws the caption block at the bottom of a width × height area. */
void     cs_chart_caption_draw   (cairo_t              *cr,
                                  double                width,
                                  double                height,
                                  const CsChartCaption *caption,
                                  const CsChartStyle   *style);
/* The svg document with caption's <title> and <desc> put first inside the
 * root element (a copy of svg when caption is NULL or there is no root). */
char    *cs_chart_svg_add_metadata (const char           *svg,
                                    gsize                 len,
                                    const CsChartCaption *caption,
                                    gsize                *out_len);
/* The png file (its bytes) with caption's text in chunks after IHDR:
 * Title, Description (cs_chart_caption_text()), Software ("Cohortscope
 * VERSION"), Source and Creation Time (the caption's date, YYYY-MM-DD:
 * today's or SOURCE_DATE_EPOCH's); tEXt for ASCII text, iTXt (UTF-8) else;
 * empty ones left out. A copy of png when caption is NULL or png does not
 * start with a PNG signature and IHDR. */
guint8  *cs_chart_png_add_metadata (const guint8         *png,
                                    gsize                 len,
                                    const CsChartCaption *caption,
                                    gsize                *out_len);
/* A file name that says what the chart is: ("km", "os", "by",
 * "JointEntropy", "pdf") → "km-os-by-jointentropy.pdf"; ("scatter",
 * "Age", "vs", "Volume (mm³)", "svg") → "scatter-age-vs-volume-mm.svg".
 * Parts are made lower-case ASCII words joined by "-"; relation and other
 * are left out when other is NULL or empty; "chart" when nothing is left. */
char    *cs_chart_file_name      (const char           *kind,
                                  const char           *subject,
                                  const char           *relation,
                                  const char           *other,
                                  const char           *extension);
/* ------------------------------------------------------------- describe */

/* What the chart shows in words, one or more clauses ending in a full stop,
 * for screen readers (the accessible description of a chart widget):
 * scatter: the variables, n (and how many are in the cohort); box: each
 * group with n and median; histogram: n, range, bins, the fullest bin and
 * the median; bar: each category's count; Kaplan–Meier: each group's n and
 * median survival ("not reached"); heat map: its size, the cells with
 * q < 0.05 and the three strongest cells. At most 12 groups or categories
 * are named, the rest counted. statistics (optional) is the test and its
 * result as the caller shows it ("Spearman ρ = 0.84, p < 0.001"), appended
 * as the last clause; a Kaplan–Meier chart appends its subtitle when
 * statistics is NULL. */
char *cs_chart_describe              (CsChartKind                kind,
                                      gconstpointer              model,
                                      const char                *statistics);
/* One heat map cell (model row, column): "Row × Column: ρ = 0.84, q = 0.0031"
 * (the model's effect label; q when the model has it). */
char *cs_chart_heatmap_describe_cell (const CsChartHeatmapModel *model,
                                      guint                      row,
                                      guint                      col);

/* --------------------------------------------------------------- export */

/* Room for the model of any kind: a CsChartKind says which member is set. */
typedef union
{
  CsChartScatterModel   scatter;
  CsChartBoxModel       box;
  CsChartHistogramModel histogram;
  CsChartBarModel       bar;
  CsChartKmModel        km;
  CsChartHeatmapModel   heatmap;
  CsChartForestModel    forest;
} CsChartModel;

/* The title of model (the CsChart*Model matching kind), or NULL. */
const char *cs_chart_model_title (CsChartKind    kind,
                                  gconstpointer  model);
/* Draws model (the CsChart*Model matching kind) with style (NULL: light). */
void     cs_chart_draw   (CsChartKind         kind,
                          gconstpointer       model,
                          cairo_t            *cr,
                          double              width,
                          double              height,
                          const CsChartStyle *style);
void     cs_chart_layout (CsChartKind         kind,
                          gconstpointer       model,
                          const CsChartStyle *style,
                          double              width,
                          double              height,
                          CsChartLayout      *layout);
/* Renders to path; the surface follows the extension (.png, .svg, .pdf,
 * case-insensitive). Width and height are px (pt for PDF). */
gboolean cs_chart_export (CsChartKind         kind,
                          gconstpointer       model,
                          const CsChartStyle *style,
                          const char         *path,
                          double              width,
                          double              height,
                          GError            **error);

/* Renders with draw (any chart's draw function: model is its model) as
 * cs_chart_export() does. */
typedef void (*CsChartDrawFunc) (cairo_t            *cr,
                                 double              width,
                                 double              height,
                                 gconstpointer       model,
                                 const CsChartStyle *style);
gboolean cs_chart_export_draw   (CsChartDrawFunc     draw,
                                 gconstpointer       model,
                                 const CsChartStyle *style,
                                 const char         *path,
                                 double              width,
                                 double              height,
                                 GError            **error);
/* As cs_chart_export() and cs_chart_export_draw(), with caption (may be
 * NULL) drawn under the chart and written into the SVG or PDF metadata. */
gboolean cs_chart_export_captioned      (CsChartKind           kind,
                                         gconstpointer         model,
                                         const CsChartCaption *caption,
                                         const CsChartStyle   *style,
                                         const char           *path,
                                         double                width,
                                         double                height,
                                         GError              **error);
gboolean cs_chart_export_draw_captioned (CsChartDrawFunc       draw,
                                         gconstpointer         model,
                                         const CsChartCaption *caption,
                                         const CsChartStyle   *style,
                                         const char           *path,
                                         double                width,
                                         double                height,
                                         GError              **error);

G_END_DECLS
