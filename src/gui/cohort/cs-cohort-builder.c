/* cs-cohort-builder.c: filter sidebar, chips, advanced expression and
 * crossfilter dashboard around the Cohort view's table
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "cs-chart.h"
#include "cs-cohort-builder.h"
#include "cs-filter.h"
#include "cs-group-upload-dialog.h"
#include "cs-window.h"

#define CHART_WIDTH      230
#define CHART_HEIGHT     150
#define CARD_CHART_HEIGHT 90
#define HIST_BINS        24
#define MAX_LEVELS       40
#define HANDLE_SLOP      6.0
/* Evaluations closer than this are a drag: the table (which re-lays out
 * every row) follows at most every TABLE_DELAY ms while the charts and
 * the count follow every frame. */
#define RAPID_MS         120
#define TABLE_DELAY      150

typedef struct _MiniChart MiniChart;

struct _CsCohortBuilder
{
  GtkWidget       parent_instance;

  GtkWidget      *paned;
  GtkWidget      *cards_box;
  GtkWidget      *add_button;
  GtkWidget      *add_search;
  GtkWidget      *add_list;
  GtkWidget      *chips_box;
  GtkWidget      *expression_entry;
  GtkWidget      *expression_error;
  GtkWidget      *dashboard_box;
  GtkWidget      *saved_list;
  GtkWidget      *content_box;
  CsCohortView   *cohort_view;

  CsStore        *store;
  CsFilterState  *state;
  CsBitset       *selection;     /* NULL = every patient */
  CsBitset       *members;       /* restriction to a frozen cohort, or NULL */
  char           *members_name;
  GPtrArray      *charts;        /* MiniChart* of the dashboard (owned by their areas) */
  GPtrArray      *cards;         /* Card* */
  GPtrArray      *saved;         /* CsSavedCohort* */
  GtkWidget      *count_label;
  guint           tick_id;
  guint           idle_id;
  guint           push_id;       /* deferred update of the table */
  gint64          last_evaluation;
  gboolean        syncing;
  char           *eval_error;
};

static void cs_cohort_builder_buildable_init (GtkBuildableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CsCohortBuilder, cs_cohort_builder, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_BUILDABLE, cs_cohort_builder_buildable_init))

enum
{
  SELECTION_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];
static GtkBuildableIface *parent_buildable_iface;

static void schedule_evaluation (CsCohortBuilder *self);
static void update_counts (CsCohortBuilder *self);
static void update_chips (CsCohortBuilder *self);

static void
show_message (CsCohortBuilder *self,
              const char      *message)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (CS_IS_WINDOW (root))
    cs_window_add_toast (CS_WINDOW (root), message);
  else
    g_message ("%s", message);
}

/* --------------------------------------------------------------- bitsets */

/* Calls func for each set row (or every row when set is NULL). */
#define FOREACH_ROW(set, n_rows, row, body)                                  \
  G_STMT_START {                                                             \
    if ((set) == NULL)                                                       \
      {                                                                      \
        for (guint row = 0; row < (n_rows); row++)                           \
          { body }                                                           \
      }                                                                      \
    else                                                                     \
      {                                                                      \
        for (guint w__ = 0; w__ < (set)->n_words; w__++)                     \
          {                                                                  \
            guint64 bits__ = (set)->words[w__];                              \
            while (bits__ != 0)                                              \
              {                                                              \
                guint row = w__ * 64 + (guint) __builtin_ctzll (bits__);     \
                bits__ &= bits__ - 1;                                        \
                { body }                                                     \
              }                                                              \
          }                                                                  \
      }                                                                      \
  } G_STMT_END

/* ---------------------------------------------------------- mini charts */

struct _MiniChart
{
  CsCohortBuilder *builder;     /* not owned */
  GtkWidget       *area;
  char            *key;
  char            *title;
  CsVariable      *var;         /* owned by the store */
  gboolean         bars;

  /* bars (categorical, boolean) */
  guint            n;
  char           **labels;      /* displays */
  char           **values;      /* what the filter compares: codes or true/false */
  CsLiteralKind    literal;
  double          *all;
  double          *sel;
  int              focus_bar;

  /* histogram (numeric, date) */
  double           start, width;
  guint            n_bins;
  double          *hall;
  double          *hsel;
  gboolean         is_date;
  double           drag_x0;
  int              drag_mode;   /* 0 new brush, 1 moves lo, 2 moves hi */
  double           drag_lo, drag_hi;
};

static void
mini_chart_free (gpointer data)
{
  MiniChart *chart = data;

  g_free (chart->key);
  g_free (chart->title);
  g_strfreev (chart->labels);
  g_strfreev (chart->values);
  g_free (chart->all);
  g_free (chart->sel);
  g_free (chart->hall);
  g_free (chart->hsel);
  g_free (chart);
}

static MiniChart *
chart_of (GtkWidget *area)
{
  return g_object_get_data (G_OBJECT (area), "cs-mini-chart");
}

static const CsChartStyle *
chart_style (void)
{
  return adw_style_manager_get_dark (adw_style_manager_get_default ())
    ? cs_chart_style_dark () : cs_chart_style_light ();
}

/* Horizontal bars, one row per level: label, muted whole bar, selected
 * bar over it, "selected / all" at the right. */
typedef struct
{
  double top, row_height;
  double label_width, bar_x, bar_width;
} BarLayout;

static void
bar_layout (MiniChart *chart,
            BarLayout *layout)
{
  double width = gtk_widget_get_width (chart->area);
  double height = gtk_widget_get_height (chart->area);

  layout->top = chart->title != NULL ? 22 : 2;
  layout->row_height = chart->n > 0 ? MIN (20, (height - layout->top - 2) / chart->n) : 20;
  layout->label_width = MAX (40, width * 0.42);
  layout->bar_x = layout->label_width + 6;
  layout->bar_width = MAX (10, width - layout->bar_x - 58);
}

static int
bar_hit (MiniChart *chart,
         double     x,
         double     y)
{
  BarLayout layout;
  int index;

  bar_layout (chart, &layout);
  if (y < layout.top)
    return -1;
  index = (int) floor ((y - layout.top) / layout.row_height);

  return index >= 0 && (guint) index < chart->n ? index : -1;
}

static void
hist_plot (MiniChart   *chart,
           CsChartRect *plot)
{
  double width = gtk_widget_get_width (chart->area);
  double height = gtk_widget_get_height (chart->area);
  gboolean titled = chart->title != NULL;

  plot->x = 10;
  plot->y = titled ? 22 : 4;
  plot->width = MAX (10, width - 20);
  plot->height = MAX (10, height - plot->y - 18);
}

static double
hist_px_to_value (MiniChart         *chart,
                  const CsChartRect *plot,
                  double             px)
{
  double t = CLAMP ((px - plot->x) / plot->width, 0, 1);

  return chart->start + t * chart->width * chart->n_bins;
}

static double
hist_value_to_px (MiniChart         *chart,
                  const CsChartRect *plot,
                  double             value)
{
  double t = (value - chart->start) / (chart->width * chart->n_bins);

  return plot->x + CLAMP (t, 0, 1) * plot->width;
}

static const CsFilterClause *
find_clause (CsCohortBuilder *self,
             const char      *key,
             CsClauseKind     kind)
{
  int index = cs_filter_state_find_clause (self->state, key, kind);

  return index >= 0 ? cs_filter_state_get_clause (self->state, (guint) index) : NULL;
}

static void
set_source (cairo_t            *cr,
            const CsChartColor *color,
            double              alpha)
{
  cairo_set_source_rgba (cr, color->r, color->g, color->b, color->a * alpha);
}

static char *
format_value (MiniChart *chart,
              double     value)
{
  if (chart->is_date)
    return cs_filter_format_date (value);

  return g_strdup_printf ("%.4g", value);
}

static void
draw_histogram (MiniChart *chart,
                cairo_t   *cr,
                int        width,
                int        height)
{
  const CsChartStyle *style = chart_style ();
  CsChartColor accent = cs_chart_style_category_color (style, 4);
  const CsFilterClause *range = find_clause (chart->builder, chart->key, CS_CLAUSE_RANGE);
  CsChartRect plot;
  double max = 1;
  double bar_w;

  hist_plot (chart, &plot);
  for (guint i = 0; i < chart->n_bins; i++)
    max = MAX (max, chart->hall[i]);
  bar_w = plot.width / MAX (1, chart->n_bins);

  cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size (cr, 12);
  if (chart->title != NULL)
    {
      set_source (cr, &style->fg, 1);
      cairo_move_to (cr, plot.x, 14);
      cairo_show_text (cr, chart->title);
    }

  for (guint pass = 0; pass < 2; pass++)
    {
      const double *counts = pass == 0 ? chart->hall : chart->hsel;

      if (pass == 0)
        set_source (cr, &style->muted, 0.35);
      else
        set_source (cr, &accent, 1);
      for (guint i = 0; i < chart->n_bins; i++)
        {
          double h = counts[i] / max * plot.height;

          if (h <= 0)
            continue;
          cairo_rectangle (cr, plot.x + i * bar_w + 0.5, plot.y + plot.height - h, MAX (1, bar_w - 1), h);
        }
      cairo_fill (cr);
    }

  set_source (cr, &style->fg, 0.6);
  cairo_rectangle (cr, plot.x, plot.y + plot.height, plot.width, 1);
  cairo_fill (cr);

  if (range != NULL && range->is_date == chart->is_date)
    {
      double x0 = isnan (range->lo) ? plot.x : hist_value_to_px (chart, &plot, range->lo);
      double x1 = isnan (range->hi) ? plot.x + plot.width : hist_value_to_px (chart, &plot, range->hi);

      set_source (cr, &accent, 0.15);
      cairo_rectangle (cr, x0, plot.y, x1 - x0, plot.height);
      cairo_fill (cr);
      set_source (cr, &accent, 1);
      cairo_rectangle (cr, x0 - 1.5, plot.y, 3, plot.height);
      cairo_rectangle (cr, x1 - 1.5, plot.y, 3, plot.height);
      cairo_fill (cr);
    }

  /* Data range under the axis */
  {
    g_autofree char *lo = format_value (chart, chart->start);
    g_autofree char *hi = format_value (chart, chart->start + chart->width * chart->n_bins);
    cairo_text_extents_t extents;

    cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size (cr, 10);
    set_source (cr, &style->fg, 0.7);
    cairo_move_to (cr, plot.x, plot.y + plot.height + 13);
    cairo_show_text (cr, lo);
    cairo_text_extents (cr, hi, &extents);
    cairo_move_to (cr, plot.x + plot.width - extents.x_advance, plot.y + plot.height + 13);
    cairo_show_text (cr, hi);
  }
}

static gboolean
level_selected (MiniChart *chart,
                guint      index)
{
  const CsFilterClause *levels = find_clause (chart->builder, chart->key, CS_CLAUSE_LEVELS);

  return levels != NULL && g_ptr_array_find_with_equal_func (levels->values, chart->values[index],
                                                              g_str_equal, NULL);
}

/* Shows text cut with "…" to fit max_width. */
static void
show_text_fitted (cairo_t    *cr,
                  const char *text,
                  double      max_width)
{
  cairo_text_extents_t extents;
  glong len = g_utf8_strlen (text, -1);

  cairo_text_extents (cr, text, &extents);
  if (extents.x_advance <= max_width)
    {
      cairo_show_text (cr, text);
      return;
    }
  while (--len > 0)
    {
      g_autofree char *prefix = g_utf8_substring (text, 0, len);
      g_autofree char *cut = g_strconcat (prefix, "…", NULL);

      cairo_text_extents (cr, cut, &extents);
      if (extents.x_advance <= max_width || len == 1)
        {
          cairo_show_text (cr, cut);
          return;
        }
    }
}

static void
draw_bars (MiniChart *chart,
           cairo_t   *cr,
           int        width,
           int        height)
{
  const CsChartStyle *style = chart_style ();
  CsChartColor accent = cs_chart_style_category_color (style, 4);
  BarLayout layout;
  double max = 1;

  bar_layout (chart, &layout);
  for (guint i = 0; i < chart->n; i++)
    max = MAX (max, chart->all[i]);

  if (chart->title != NULL)
    {
      cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
      cairo_set_font_size (cr, 12);
      set_source (cr, &style->fg, 1);
      cairo_move_to (cr, 2, 14);
      show_text_fitted (cr, chart->title, width - 4);
    }

  cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, MIN (11, layout.row_height * 0.7));
  for (guint i = 0; i < chart->n; i++)
    {
      double y = layout.top + i * layout.row_height;
      double bar_h = MAX (2, layout.row_height - 4);
      gboolean selected = level_selected (chart, i);
      g_autofree char *count = g_strdup_printf ("%.0f / %.0f", chart->sel[i], chart->all[i]);

      if (selected)
        {
          set_source (cr, &accent, 0.15);
          cairo_rectangle (cr, 0, y, width, layout.row_height);
          cairo_fill (cr);
        }
      set_source (cr, &style->fg, selected ? 1 : 0.85);
      cairo_move_to (cr, 2, y + layout.row_height * 0.72);
      show_text_fitted (cr, chart->labels[i], layout.label_width - 2);

      set_source (cr, &style->muted, 0.35);
      cairo_rectangle (cr, layout.bar_x, y + 2, chart->all[i] / max * layout.bar_width, bar_h);
      cairo_fill (cr);
      set_source (cr, &accent, 1);
      cairo_rectangle (cr, layout.bar_x, y + 2, chart->sel[i] / max * layout.bar_width, bar_h);
      cairo_fill (cr);

      set_source (cr, &style->fg, 0.7);
      cairo_move_to (cr, layout.bar_x + layout.bar_width + 4, y + layout.row_height * 0.72);
      cairo_show_text (cr, count);

      if ((int) i == chart->focus_bar && gtk_widget_has_focus (chart->area))
        {
          set_source (cr, &style->fg, 0.8);
          cairo_set_line_width (cr, 1);
          cairo_set_dash (cr, (double[]) { 2, 2 }, 2, 0);
          cairo_rectangle (cr, 0.5, y + 0.5, width - 1, layout.row_height - 1);
          cairo_stroke (cr);
          cairo_set_dash (cr, NULL, 0, 0);
        }
    }
}

static void
draw_chart (GtkDrawingArea *area,
            cairo_t        *cr,
            int             width,
            int             height,
            gpointer        user_data)
{
  MiniChart *chart = chart_of (GTK_WIDGET (area));

  if (chart == NULL)
    return;
  if (chart->bars)
    draw_bars (chart, cr, width, height);
  else
    draw_histogram (chart, cr, width, height);
}

static void
toggle_bar (MiniChart *chart,
            guint      index)
{
  cs_filter_state_toggle_level (chart->builder->state, chart->key, chart->literal, chart->values[index]);
}

gboolean
cs_cohort_builder_chart_click (GtkWidget *area,
                               double     x,
                               double     y)
{
  MiniChart *chart = chart_of (area);

  g_return_val_if_fail (chart != NULL, FALSE);

  if (chart->bars)
    {
      int index = bar_hit (chart, x, y);

      if (index < 0)
        return FALSE;
      chart->focus_bar = index;
      toggle_bar (chart, (guint) index);
      return TRUE;
    }

  if (find_clause (chart->builder, chart->key, CS_CLAUSE_RANGE) == NULL)
    return FALSE;
  cs_filter_state_set_range (chart->builder->state, chart->key, NAN, NAN, chart->is_date);
  return TRUE;
}

gboolean
cs_cohort_builder_chart_bar_center (GtkWidget  *area,
                                    const char *level,
                                    double     *x,
                                    double     *y)
{
  MiniChart *chart = chart_of (area);
  BarLayout layout;

  g_return_val_if_fail (chart != NULL, FALSE);

  if (!chart->bars)
    return FALSE;
  bar_layout (chart, &layout);
  for (guint i = 0; i < chart->n; i++)
    if (g_strcmp0 (chart->values[i], level) == 0 || g_ascii_strcasecmp (chart->labels[i], level) == 0)
      {
        *x = layout.bar_x + 4;
        *y = layout.top + (i + 0.5) * layout.row_height;
        return TRUE;
      }

  return FALSE;
}

static void
on_chart_pressed (GtkGestureClick *gesture,
                  int              n_press,
                  double           x,
                  double           y,
                  gpointer         user_data)
{
  GtkWidget *area = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));

  gtk_widget_grab_focus (area);
  if (cs_cohort_builder_chart_click (area, x, y))
    gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
brush_to (MiniChart *chart,
          double     x)
{
  CsChartRect plot;
  double v0, v1;

  hist_plot (chart, &plot);
  v1 = hist_px_to_value (chart, &plot, x);
  switch (chart->drag_mode)
    {
    case 1:
      v0 = chart->drag_hi;
      break;
    case 2:
      v0 = chart->drag_lo;
      break;
    default:
      v0 = hist_px_to_value (chart, &plot, chart->drag_x0);
      break;
    }
  if (chart->is_date)
    {
      v0 = round (v0);
      v1 = round (v1);
    }
  else
    {
      /* Three significant digits of the data range are plenty for a brush */
      double step = pow (10, floor (log10 (MAX (chart->width * chart->n_bins, 1e-300))) - 2);

      v0 = round (v0 / step) * step;
      v1 = round (v1 / step) * step;
    }
  cs_filter_state_set_range (chart->builder->state, chart->key, MIN (v0, v1), MAX (v0, v1), chart->is_date);
}

static void
on_drag_begin (GtkGestureDrag *gesture,
               double          x,
               double          y,
               gpointer        user_data)
{
  GtkWidget *area = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  MiniChart *chart = chart_of (area);
  const CsFilterClause *range = find_clause (chart->builder, chart->key, CS_CLAUSE_RANGE);
  CsChartRect plot;

  hist_plot (chart, &plot);
  chart->drag_x0 = x;
  chart->drag_mode = 0;
  if (range != NULL)
    {
      chart->drag_lo = isnan (range->lo) ? chart->start : range->lo;
      chart->drag_hi = isnan (range->hi) ? chart->start + chart->width * chart->n_bins : range->hi;
      if (fabs (x - hist_value_to_px (chart, &plot, chart->drag_lo)) <= HANDLE_SLOP)
        chart->drag_mode = 1;
      else if (fabs (x - hist_value_to_px (chart, &plot, chart->drag_hi)) <= HANDLE_SLOP)
        chart->drag_mode = 2;
    }
  gtk_widget_grab_focus (area);
  cs_filter_state_begin_group (chart->builder->state);
}

static void
on_drag_update (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                gpointer        user_data)
{
  MiniChart *chart = chart_of (gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture)));

  if (fabs (dx) < 2 && chart->drag_mode == 0)
    return;
  brush_to (chart, chart->drag_x0 + dx);
}

static void
on_drag_end (GtkGestureDrag *gesture,
             double          dx,
             double          dy,
             gpointer        user_data)
{
  MiniChart *chart = chart_of (gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture)));

  if (fabs (dx) < 2 && chart->drag_mode == 0)
    cs_cohort_builder_chart_click (chart->area, chart->drag_x0, 0);
  cs_filter_state_end_group (chart->builder->state);
}

void
cs_cohort_builder_chart_brush (GtkWidget *area,
                               double     x0,
                               double     x1,
                               guint      steps)
{
  MiniChart *chart = chart_of (area);

  g_return_if_fail (chart != NULL && !chart->bars);

  chart->drag_x0 = x0;
  chart->drag_mode = 0;
  cs_filter_state_begin_group (chart->builder->state);
  for (guint i = 1; i <= MAX (steps, 1); i++)
    brush_to (chart, x0 + (x1 - x0) * i / MAX (steps, 1));
  cs_filter_state_end_group (chart->builder->state);
}

static gboolean
on_chart_key (GtkEventControllerKey *controller,
              guint                  keyval,
              guint                  keycode,
              GdkModifierType        state,
              gpointer               user_data)
{
  MiniChart *chart = chart_of (gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller)));

  if (chart->n == 0 && chart->bars)
    return FALSE;

  switch (keyval)
    {
    case GDK_KEY_Left:
    case GDK_KEY_Right:
      if (!chart->bars)
        return FALSE;
      chart->focus_bar = CLAMP (chart->focus_bar + (keyval == GDK_KEY_Left ? -1 : 1), 0, (int) chart->n - 1);
      gtk_widget_queue_draw (chart->area);
      return TRUE;
    case GDK_KEY_space:
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
      if (chart->bars)
        toggle_bar (chart, (guint) CLAMP (chart->focus_bar, 0, (int) chart->n - 1));
      return chart->bars;
    case GDK_KEY_Delete:
    case GDK_KEY_BackSpace:
      cs_filter_state_remove_key (chart->builder->state, chart->key);
      return TRUE;
    default:
      return FALSE;
    }
}

static void
on_chart_focus (GtkEventControllerFocus *controller,
                gpointer                 user_data)
{
  gtk_widget_queue_draw (gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller)));
}

/* Fills the static counts of a chart from the whole table. */
static gboolean
mini_chart_setup (MiniChart  *chart,
                  CsVariable *var)
{
  chart->var = var;
  switch (var->type)
    {
    case CS_VARIABLE_CATEGORICAL:
      {
        g_autoptr(GPtrArray) labels = g_ptr_array_new ();
        g_autoptr(GPtrArray) values = g_ptr_array_new ();

        chart->bars = TRUE;
        chart->literal = CS_LITERAL_STRING;
        chart->n = MIN (var->levels->len, MAX_LEVELS);
        chart->all = g_new0 (double, MAX (chart->n, 1));
        chart->sel = g_new0 (double, MAX (chart->n, 1));
        for (guint i = 0; i < chart->n; i++)
          {
            const CsLevel *level = g_ptr_array_index (var->levels, i);

            g_ptr_array_add (labels, g_strdup (level->display != NULL ? level->display : level->code));
            g_ptr_array_add (values, g_strdup (level->code != NULL ? level->code : level->display));
          }
        g_ptr_array_add (labels, NULL);
        g_ptr_array_add (values, NULL);
        chart->labels = (char **) g_ptr_array_free (g_steal_pointer (&labels), FALSE);
        chart->values = (char **) g_ptr_array_free (g_steal_pointer (&values), FALSE);
        for (guint row = 0; row < var->n_rows; row++)
          if (var->cat[row] >= 0 && (guint) var->cat[row] < chart->n)
            chart->all[var->cat[row]]++;
        return TRUE;
      }

    case CS_VARIABLE_BOOLEAN:
      chart->bars = TRUE;
      chart->literal = CS_LITERAL_BOOLEAN;
      chart->n = 2;
      chart->labels = g_strsplit (_("No|Yes"), "|", 2);
      chart->values = g_strsplit ("false|true", "|", 2);
      chart->all = g_new0 (double, 2);
      chart->sel = g_new0 (double, 2);
      for (guint row = 0; row < var->n_rows; row++)
        if (!isnan (var->num[row]))
          chart->all[var->num[row] != 0]++;
      return TRUE;

    case CS_VARIABLE_NUMERIC:
    case CS_VARIABLE_DATE:
      chart->bars = FALSE;
      chart->is_date = var->type == CS_VARIABLE_DATE;
      if (!cs_chart_histogram_bins (var->num, var->n_rows, CS_CHART_BINS_FIXED, HIST_BINS,
                                    &chart->start, &chart->width, &chart->n_bins)
          || chart->n_bins == 0)
        return FALSE;
      if (chart->width <= 0)
        chart->width = 1;
      chart->hall = g_new0 (double, chart->n_bins);
      chart->hsel = g_new0 (double, chart->n_bins);
      for (guint row = 0; row < var->n_rows; row++)
        {
          double v = var->num[row];
          int bin;

          if (isnan (v))
            continue;
          bin = (int) floor ((v - chart->start) / chart->width);
          chart->hall[CLAMP (bin, 0, (int) chart->n_bins - 1)]++;
        }
      return TRUE;

    case CS_VARIABLE_SURVIVAL:
    default:
      return FALSE;
    }
}

static void
mini_chart_count (MiniChart      *chart,
                  const CsBitset *rows)
{
  CsVariable *var = chart->var;

  if (chart->bars)
    {
      memset (chart->sel, 0, sizeof (double) * chart->n);
      if (var->type == CS_VARIABLE_CATEGORICAL)
        FOREACH_ROW (rows, var->n_rows, row,
          {
            gint32 c = var->cat[row];

            if (c >= 0 && (guint) c < chart->n)
              chart->sel[c]++;
          });
      else
        FOREACH_ROW (rows, var->n_rows, row,
          {
            double v = var->num[row];

            if (!isnan (v))
              chart->sel[v != 0]++;
          });
    }
  else
    {
      memset (chart->hsel, 0, sizeof (double) * chart->n_bins);
      FOREACH_ROW (rows, var->n_rows, row,
        {
          double v = var->num[row];

          if (!isnan (v))
            {
              int bin = (int) floor ((v - chart->start) / chart->width);

              chart->hsel[CLAMP (bin, 0, (int) chart->n_bins - 1)]++;
            }
        });
    }
  if (chart->area != NULL)
    gtk_widget_queue_draw (chart->area);
}

static GtkWidget *
mini_chart_new (CsCohortBuilder *self,
                CsVariable      *var,
                gboolean         titled,
                int              height)
{
  GtkWidget *area;
  MiniChart *chart = g_new0 (MiniChart, 1);
  GtkGesture *gesture;
  GtkEventController *controller;
  g_autofree char *name = NULL;

  chart->builder = self;
  chart->key = g_strdup (var->key);
  chart->title = titled ? g_strdup (var->label != NULL ? var->label : var->key) : NULL;
  if (!mini_chart_setup (chart, var))
    {
      mini_chart_free (chart);
      return NULL;
    }
  if (chart->bars)
    memcpy (chart->sel, chart->all, sizeof (double) * chart->n);
  else
    memcpy (chart->hsel, chart->hall, sizeof (double) * chart->n_bins);

  area = gtk_drawing_area_new ();
  chart->area = area;
  g_object_set_data_full (G_OBJECT (area), "cs-mini-chart", chart, mini_chart_free);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (area), draw_chart, NULL, NULL);
  gtk_widget_set_size_request (area, titled ? CHART_WIDTH : -1, height);
  gtk_widget_set_focusable (area, TRUE);
  gtk_widget_add_css_class (area, "cs-mini-chart");
  gtk_widget_set_tooltip_text (area, chart->bars
                               ? _("Click a bar (or Left/Right and Space) to filter by that value")
                               : _("Drag to filter by a range; click to clear it"));

  name = g_strdup_printf (_("Chart %s"), var->key);
  gtk_accessible_update_property (GTK_ACCESSIBLE (area),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, name,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, chart->title != NULL ? chart->title : var->key,
                                  -1);

  if (chart->bars)
    {
      gesture = gtk_gesture_click_new ();
      g_signal_connect (gesture, "pressed", G_CALLBACK (on_chart_pressed), NULL);
      gtk_widget_add_controller (area, GTK_EVENT_CONTROLLER (gesture));
    }
  else
    {
      gesture = gtk_gesture_drag_new ();
      g_signal_connect (gesture, "drag-begin", G_CALLBACK (on_drag_begin), NULL);
      g_signal_connect (gesture, "drag-update", G_CALLBACK (on_drag_update), NULL);
      g_signal_connect (gesture, "drag-end", G_CALLBACK (on_drag_end), NULL);
      gtk_widget_add_controller (area, GTK_EVENT_CONTROLLER (gesture));
    }

  controller = gtk_event_controller_key_new ();
  g_signal_connect (controller, "key-pressed", G_CALLBACK (on_chart_key), NULL);
  gtk_widget_add_controller (area, controller);
  controller = gtk_event_controller_focus_new ();
  g_signal_connect (controller, "enter", G_CALLBACK (on_chart_focus), NULL);
  g_signal_connect (controller, "leave", G_CALLBACK (on_chart_focus), NULL);
  gtk_widget_add_controller (area, controller);

  return area;
}

/* ---------------------------------------------------------------- cards */

typedef struct
{
  CsCohortBuilder *builder;
  char            *key;
  CsVariable      *var;
  GtkWidget       *frame;
  GtkWidget       *chart;          /* numeric, date */
  GtkWidget       *lo_entry;
  GtkWidget       *hi_entry;
  GPtrArray       *checks;         /* GtkCheckButton* per level */
  MiniChart       *levels;         /* a bar chart's counts, not shown (categorical, boolean) */
  GtkWidget       *missing;        /* GtkDropDown: any / present / missing */
} Card;

static void
card_free (gpointer data)
{
  Card *card = data;

  g_free (card->key);
  g_clear_pointer (&card->checks, g_ptr_array_unref);
  g_clear_pointer (&card->levels, mini_chart_free);
  g_free (card);
}

static Card *
find_card (CsCohortBuilder *self,
           const char      *key)
{
  for (guint i = 0; i < self->cards->len; i++)
    {
      Card *card = g_ptr_array_index (self->cards, i);

      if (g_strcmp0 (card->key, key) == 0)
        return card;
    }

  return NULL;
}

static gboolean
parse_bound (Card       *card,
             GtkWidget  *entry,
             double     *value)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  char *end = NULL;

  *value = NAN;
  if (text[0] == '\0')
    return TRUE;
  if (card->var->type == CS_VARIABLE_DATE)
    return cs_filter_parse_date (text, value);

  *value = g_ascii_strtod (text, &end);
  return end != text && *end == '\0' && isfinite (*value);
}

static void
on_bound_activate (GtkEntry *entry,
                   Card     *card)
{
  double lo, hi;
  gboolean lo_ok = parse_bound (card, card->lo_entry, &lo);
  gboolean hi_ok = parse_bound (card, card->hi_entry, &hi);

  if (lo_ok)
    gtk_widget_remove_css_class (card->lo_entry, "error");
  else
    gtk_widget_add_css_class (card->lo_entry, "error");
  if (hi_ok)
    gtk_widget_remove_css_class (card->hi_entry, "error");
  else
    gtk_widget_add_css_class (card->hi_entry, "error");
  if (!lo_ok || !hi_ok)
    {
      show_message (card->builder, card->var->type == CS_VARIABLE_DATE
                    ? _("Type dates as YYYY-MM-DD, e.g. 2019-03-14")
                    : _("Type bounds as numbers, e.g. 60 or 2.5"));
      return;
    }
  cs_filter_state_set_range (card->builder->state, card->key, lo, hi,
                             card->var->type == CS_VARIABLE_DATE);
}

static void
on_level_toggled (GtkCheckButton *check,
                  Card           *card)
{
  const char *value = g_object_get_data (G_OBJECT (check), "cs-value");

  if (card->builder->syncing)
    return;
  cs_filter_state_toggle_level (card->builder->state, card->key, card->levels->literal, value);
}

static void
on_missing_selected (GtkDropDown *dropdown,
                     GParamSpec  *pspec,
                     Card        *card)
{
  CsFilterState *state = card->builder->state;
  guint selected = gtk_drop_down_get_selected (dropdown);
  int index;

  if (card->builder->syncing)
    return;
  if (selected == 1 || selected == 2)
    cs_filter_state_set_missing (state, card->key, selected == 2);
  else if ((index = cs_filter_state_find_clause (state, card->key, CS_CLAUSE_MISSING)) >= 0)
    cs_filter_state_remove_clause (state, (guint) index);
}

static void
on_card_remove (GtkButton *button,
                Card      *card)
{
  CsCohortBuilder *self = card->builder;

  cs_filter_state_remove_key (self->state, card->key);
  gtk_box_remove (GTK_BOX (self->cards_box), card->frame);
  g_ptr_array_remove (self->cards, card);
}

static void
card_sync (Card *card)
{
  CsCohortBuilder *self = card->builder;
  const CsFilterClause *range = find_clause (self, card->key, CS_CLAUSE_RANGE);
  const CsFilterClause *levels = find_clause (self, card->key, CS_CLAUSE_LEVELS);
  const CsFilterClause *missing = find_clause (self, card->key, CS_CLAUSE_MISSING);

  self->syncing = TRUE;
  if (card->lo_entry != NULL)
    {
      GtkWidget *entries[2] = { card->lo_entry, card->hi_entry };

      for (guint i = 0; i < 2; i++)
        {
          double value = range == NULL ? NAN : i == 0 ? range->lo : range->hi;
          g_autofree char *text = NULL;

          if (isnan (value))
            text = g_strdup ("");
          else if (card->var->type == CS_VARIABLE_DATE)
            text = cs_filter_format_date (value);
          else
            text = cs_format_double (value);
          if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (entries[i])), text) != 0)
            gtk_editable_set_text (GTK_EDITABLE (entries[i]), text);
          gtk_widget_remove_css_class (entries[i], "error");
        }
      gtk_widget_queue_draw (card->chart);
    }
  for (guint i = 0; card->checks != NULL && i < card->checks->len; i++)
    {
      GtkCheckButton *check = g_ptr_array_index (card->checks, i);
      const char *value = g_object_get_data (G_OBJECT (check), "cs-value");
      gboolean active = levels != NULL && g_ptr_array_find_with_equal_func (levels->values, value, g_str_equal, NULL);

      gtk_check_button_set_active (check, active);
    }
  gtk_drop_down_set_selected (GTK_DROP_DOWN (card->missing),
                              missing == NULL ? 0 : missing->missing ? 2 : 1);
  self->syncing = FALSE;
}

static void
card_update_counts (Card           *card,
                    const CsBitset *rows)
{
  if (card->chart != NULL && chart_of (card->chart) != NULL)
    mini_chart_count (chart_of (card->chart), rows);
  if (card->levels != NULL)
    {
      mini_chart_count (card->levels, rows);
      for (guint i = 0; i < card->checks->len; i++)
        {
          g_autofree char *label = g_strdup_printf ("%s  (%.0f / %.0f)", card->levels->labels[i],
                                                    card->levels->sel[i], card->levels->all[i]);

          gtk_check_button_set_label (g_ptr_array_index (card->checks, i), label);
        }
    }
}

static GtkWidget *
bound_entry (Card       *card,
             const char *placeholder,
             const char *name)
{
  GtkWidget *entry = gtk_entry_new ();

  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), placeholder);
  gtk_editable_set_width_chars (GTK_EDITABLE (entry), 8);
  gtk_widget_set_hexpand (entry, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  g_signal_connect (entry, "activate", G_CALLBACK (on_bound_activate), card);

  return entry;
}

gboolean
cs_cohort_builder_add_control (CsCohortBuilder *self,
                               const char      *key)
{
  static const char *const missing_items[] = { N_("Any value or missing"), N_("Value present"), N_("Value missing"), NULL };
  const char *translated[4];
  CsVariable *var;
  Card *card;
  GtkWidget *box, *header, *title, *remove;
  g_autofree char *remove_name = NULL;

  g_return_val_if_fail (CS_IS_COHORT_BUILDER (self), FALSE);

  if (self->store == NULL || (var = cs_store_lookup_variable (self->store, key)) == NULL)
    return FALSE;
  if ((card = find_card (self, key)) != NULL)
    {
      gtk_widget_grab_focus (card->missing);
      return TRUE;
    }

  card = g_new0 (Card, 1);
  card->builder = self;
  card->key = g_strdup (key);
  card->var = var;

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_add_css_class (box, "card");
  gtk_widget_add_css_class (box, "cs-filter-card");
  card->frame = box;

  header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  title = gtk_label_new (var->label != NULL ? var->label : key);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (title, TRUE);
  gtk_widget_add_css_class (title, "heading");
  gtk_widget_set_tooltip_text (title, key);
  gtk_box_append (GTK_BOX (header), title);
  remove = gtk_button_new_from_icon_name ("window-close-symbolic");
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_set_tooltip_text (remove, _("Remove this control and its filter"));
  remove_name = g_strdup_printf (_("Remove control %s"), key);
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, remove_name, -1);
  g_signal_connect (remove, "clicked", G_CALLBACK (on_card_remove), card);
  gtk_box_append (GTK_BOX (header), remove);
  gtk_box_append (GTK_BOX (box), header);

  switch (var->type)
    {
    case CS_VARIABLE_NUMERIC:
    case CS_VARIABLE_DATE:
    case CS_VARIABLE_SURVIVAL:
      {
        gboolean date = var->type == CS_VARIABLE_DATE;
        GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
        g_autofree char *lo_name = g_strdup_printf (_("Minimum of %s"), key);
        g_autofree char *hi_name = g_strdup_printf (_("Maximum of %s"), key);

        card->chart = mini_chart_new (self, var, FALSE, CARD_CHART_HEIGHT);
        if (card->chart != NULL)
          gtk_box_append (GTK_BOX (box), card->chart);
        card->lo_entry = bound_entry (card, date ? _("From YYYY-MM-DD") : _("Minimum"), lo_name);
        card->hi_entry = bound_entry (card, date ? _("To YYYY-MM-DD") : _("Maximum"), hi_name);
        gtk_box_append (GTK_BOX (row), card->lo_entry);
        gtk_box_append (GTK_BOX (row), gtk_label_new ("–"));
        gtk_box_append (GTK_BOX (row), card->hi_entry);
        gtk_box_append (GTK_BOX (box), row);
        if (card->chart == NULL)
          {
            /* No value to draw: keep the entries, drop the histogram */
            card->chart = gtk_drawing_area_new ();
          }
      }
      break;

    case CS_VARIABLE_CATEGORICAL:
    case CS_VARIABLE_BOOLEAN:
      {
        GtkWidget *list = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
        GtkWidget *scroller = gtk_scrolled_window_new ();

        card->levels = g_new0 (MiniChart, 1);
        card->levels->builder = self;
        card->levels->key = g_strdup (key);
        mini_chart_setup (card->levels, var);
        memcpy (card->levels->sel, card->levels->all, sizeof (double) * card->levels->n);
        card->checks = g_ptr_array_new ();
        for (guint i = 0; i < card->levels->n; i++)
          {
            GtkWidget *check = gtk_check_button_new ();

            g_object_set_data_full (G_OBJECT (check), "cs-value", g_strdup (card->levels->values[i]), g_free);
            g_signal_connect (check, "toggled", G_CALLBACK (on_level_toggled), card);
            g_ptr_array_add (card->checks, check);
            gtk_box_append (GTK_BOX (list), check);
          }
        gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
        gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scroller), 180);
        gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
        gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), list);
        gtk_box_append (GTK_BOX (box), scroller);
        if (var->levels != NULL && var->levels->len > MAX_LEVELS)
          {
            g_autofree char *more = g_strdup_printf (_("%u more values: use the expression field"),
                                                     var->levels->len - MAX_LEVELS);
            GtkWidget *label = gtk_label_new (more);

            gtk_widget_add_css_class (label, "dim-label");
            gtk_box_append (GTK_BOX (box), label);
          }
      }
      break;

    default:
      break;
    }

  for (guint i = 0; missing_items[i] != NULL; i++)
    translated[i] = _(missing_items[i]);
  translated[3] = NULL;
  card->missing = gtk_drop_down_new_from_strings (translated);
  {
    g_autofree char *name = g_strdup_printf (_("Missing values of %s"), key);

    gtk_accessible_update_property (GTK_ACCESSIBLE (card->missing), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  }
  g_signal_connect (card->missing, "notify::selected", G_CALLBACK (on_missing_selected), card);
  gtk_box_append (GTK_BOX (box), card->missing);

  g_ptr_array_add (self->cards, card);
  gtk_box_append (GTK_BOX (self->cards_box), box);
  card_sync (card);
  card_update_counts (card, self->selection);

  return TRUE;
}

/* -------------------------------------------------------- add-a-variable */

static gboolean
variable_matches (CsVariable *var,
                  const char *search)
{
  g_autofree char *label = NULL;
  g_autofree char *key = NULL;

  if (search == NULL || search[0] == '\0')
    return TRUE;
  label = g_utf8_casefold (var->label != NULL ? var->label : "", -1);
  key = g_utf8_casefold (var->key, -1);

  return strstr (label, search) != NULL || strstr (key, search) != NULL;
}

static void
fill_add_list (CsCohortBuilder *self)
{
  g_autofree char *search = g_utf8_casefold (gtk_editable_get_text (GTK_EDITABLE (self->add_search)), -1);
  GtkWidget *child;
  guint shown = 0;

  while ((child = gtk_widget_get_first_child (self->add_list)) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (self->add_list), child);
  if (self->store == NULL)
    return;

  for (guint i = 0; i < cs_store_get_n_variables (self->store) && shown < 200; i++)
    {
      CsVariable *var = cs_store_get_variable (self->store, i);
      GtkWidget *label;

      if (var->type == CS_VARIABLE_SURVIVAL || !variable_matches (var, search))
        continue;
      label = gtk_label_new (NULL);
      {
        g_autofree char *escaped_label = g_markup_escape_text (var->label != NULL ? var->label : var->key, -1);
        g_autofree char *escaped_key = g_markup_escape_text (var->key, -1);
        g_autofree char *markup = g_strdup_printf ("%s  <span alpha=\"60%%\">%s · %s</span>",
                                                   escaped_label, escaped_key,
                                                   cs_variable_type_to_label (var->type));

        gtk_label_set_markup (GTK_LABEL (label), markup);
      }
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      g_object_set_data_full (G_OBJECT (label), "cs-key", g_strdup (var->key), g_free);
      gtk_list_box_append (GTK_LIST_BOX (self->add_list), label);
      shown++;
    }
}

static void
on_add_row_activated (GtkListBox    *list,
                      GtkListBoxRow *row,
                      gpointer       user_data)
{
  CsCohortBuilder *self = user_data;
  const char *key = g_object_get_data (G_OBJECT (gtk_list_box_row_get_child (row)), "cs-key");

  gtk_menu_button_popdown (GTK_MENU_BUTTON (self->add_button));
  cs_cohort_builder_add_control (self, key);
}

static void
on_add_search_changed (GtkSearchEntry *entry,
                       gpointer        user_data)
{
  fill_add_list (user_data);
}

static void
on_add_search_activate (GtkSearchEntry *entry,
                        gpointer        user_data)
{
  CsCohortBuilder *self = user_data;
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (self->add_list), 0);

  if (row != NULL)
    on_add_row_activated (GTK_LIST_BOX (self->add_list), row, self);
}

/* ------------------------------------------------------ chips, expression */

static void
on_chip_clicked (GtkButton       *button,
                 CsCohortBuilder *self)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "cs-clause"));

  if (g_object_get_data (G_OBJECT (button), "cs-members") != NULL)
    {
      g_clear_pointer (&self->members, cs_bitset_free);
      g_clear_pointer (&self->members_name, g_free);
      update_chips (self);
      schedule_evaluation (self);
      return;
    }
  if (index < cs_filter_state_get_n_clauses (self->state))
    cs_filter_state_remove_clause (self->state, index);
}

static GtkWidget *
chip_new (CsCohortBuilder *self,
          const char      *text,
          const char      *accessible_name)
{
  GtkWidget *button = gtk_button_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 40);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name ("window-close-symbolic"));
  gtk_button_set_child (GTK_BUTTON (button), box);
  gtk_widget_add_css_class (button, "pill");
  gtk_widget_add_css_class (button, "small");
  gtk_widget_add_css_class (button, "cs-filter-chip");
  gtk_widget_set_tooltip_text (button, text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_name, -1);
  g_signal_connect (button, "clicked", G_CALLBACK (on_chip_clicked), self);

  return button;
}

/* Updates the chips in place when their number is unchanged (a drag
 * changes one chip's text every frame); FALSE when they must be rebuilt. */
static gboolean
update_chips_in_place (CsCohortBuilder *self)
{
  GList *chips = cs_cohort_builder_get_chips (self);
  GList *l = chips;
  guint n_active = 0;
  gboolean ok = TRUE;

  for (guint i = 0; i < cs_filter_state_get_n_clauses (self->state); i++)
    {
      g_autofree char *text = cs_filter_clause_to_text (cs_filter_state_get_clause (self->state, i));

      n_active += text[0] != '\0';
    }
  if (self->members != NULL || g_list_length (chips) != n_active || n_active == 0)
    ok = FALSE;

  for (guint i = 0; ok && i < cs_filter_state_get_n_clauses (self->state); i++)
    {
      const CsFilterClause *clause = cs_filter_state_get_clause (self->state, i);
      g_autofree char *text = cs_filter_clause_to_text (clause);
      g_autofree char *name = NULL;
      GtkWidget *label;

      if (text[0] == '\0')
        continue;
      label = gtk_widget_get_first_child (gtk_button_get_child (GTK_BUTTON (l->data)));
      gtk_label_set_text (GTK_LABEL (label), text);
      gtk_widget_set_tooltip_text (l->data, text);
      name = clause->key != NULL ? g_strdup_printf (_("Remove filter %s"), clause->key)
                                 : g_strdup (_("Remove filter expression"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (l->data), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
      g_object_set_data (G_OBJECT (l->data), "cs-clause", GUINT_TO_POINTER (i));
      l = l->next;
    }
  g_list_free (chips);

  return ok;
}

static void
update_chips (CsCohortBuilder *self)
{
  GtkWidget *child;

  if (update_chips_in_place (self))
    return;

  while ((child = gtk_widget_get_first_child (self->chips_box)) != NULL)
    gtk_box_remove (GTK_BOX (self->chips_box), child);

  for (guint i = 0; i < cs_filter_state_get_n_clauses (self->state); i++)
    {
      const CsFilterClause *clause = cs_filter_state_get_clause (self->state, i);
      g_autofree char *text = cs_filter_clause_to_text (clause);
      g_autofree char *name = NULL;
      GtkWidget *chip;

      if (text[0] == '\0')
        continue;
      name = clause->key != NULL ? g_strdup_printf (_("Remove filter %s"), clause->key)
                                 : g_strdup (_("Remove filter expression"));
      chip = chip_new (self, text, name);
      g_object_set_data (G_OBJECT (chip), "cs-clause", GUINT_TO_POINTER (i));
      gtk_box_append (GTK_BOX (self->chips_box), chip);
    }

  if (self->members != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Members of “%s”"), self->members_name);
      g_autofree char *name = g_strdup_printf (_("Remove filter members of %s"), self->members_name);
      GtkWidget *chip = chip_new (self, text, name);

      g_object_set_data (G_OBJECT (chip), "cs-members", GINT_TO_POINTER (1));
      gtk_box_append (GTK_BOX (self->chips_box), chip);
    }

  if (gtk_widget_get_first_child (self->chips_box) == NULL)
    {
      GtkWidget *label = gtk_label_new (_("No filters: every patient is in the cohort. Click a bar, drag on a histogram or add a variable."));

      gtk_widget_add_css_class (label, "dim-label");
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_box_append (GTK_BOX (self->chips_box), label);
    }
}

static void
set_expression_error (CsCohortBuilder *self,
                      const char      *message)
{
  gtk_label_set_text (GTK_LABEL (self->expression_error), message != NULL ? message : "");
  gtk_widget_set_visible (self->expression_error, message != NULL);
  if (message != NULL)
    gtk_widget_add_css_class (self->expression_entry, "error");
  else
    gtk_widget_remove_css_class (self->expression_entry, "error");
}

static void
update_expression (CsCohortBuilder *self)
{
  const char *text = cs_filter_state_get_text (self->state);
  g_autofree char *canonical = NULL;

  if (text[0] != '\0')
    {
      g_autoptr(CsFilter) filter = cs_filter_parse (text, NULL, NULL);

      if (filter != NULL)
        canonical = cs_filter_to_string (filter);
    }
  gtk_editable_set_text (GTK_EDITABLE (self->expression_entry), canonical != NULL ? canonical : text);
  set_expression_error (self, NULL);
}

static void
on_expression_activate (GtkEntry        *entry,
                        CsCohortBuilder *self)
{
  g_autoptr(GError) error = NULL;
  guint column = 0;

  if (!cs_filter_state_set_text (self->state, gtk_editable_get_text (GTK_EDITABLE (entry)), &column, &error))
    {
      set_expression_error (self, error->message);
      if (column > 0)
        gtk_editable_set_position (GTK_EDITABLE (entry), (int) column - 1);
    }
}

/* ------------------------------------------------------------ evaluation */

static void
update_count_label (CsCohortBuilder *self)
{
  guint n_total = self->store != NULL ? cs_store_get_n_patients (self->store) : 0;
  guint n = self->selection != NULL ? cs_bitset_count (self->selection) : n_total;
  g_autofree char *text = NULL;

  /* Translators: "148 of 400 patients" in the filter bar */
  text = g_strdup_printf (ngettext ("%u of %u patient", "%u of %u patients", n_total), n, n_total);
  gtk_label_set_text (GTK_LABEL (self->count_label), self->store != NULL ? text : "");
}

static gboolean
push_table_timeout (gpointer user_data)
{
  CsCohortBuilder *self = user_data;

  self->push_id = 0;
  cs_cohort_view_set_selection (self->cohort_view, self->selection);

  return G_SOURCE_REMOVE;
}

static void
evaluate (CsCohortBuilder *self)
{
  const char *text = cs_filter_state_get_text (self->state);
  g_autoptr(CsBitset) rows = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now;
  gboolean rapid;

  g_clear_handle_id (&self->idle_id, g_source_remove);
  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }
  if (self->store == NULL)
    return;

  if (text[0] != '\0')
    {
      g_autoptr(CsFilter) filter = cs_filter_parse (text, NULL, &error);

      if (filter != NULL)
        rows = cs_filter_evaluate (filter, self->store, &error);
      if (rows == NULL)
        {
          set_expression_error (self, error->message);
          return;
        }
    }
  if (self->members != NULL)
    {
      if (rows == NULL)
        rows = cs_bitset_copy (self->members);
      else
        cs_bitset_and (rows, self->members);
    }

  g_clear_pointer (&self->selection, cs_bitset_free);
  self->selection = g_steal_pointer (&rows);
  update_count_label (self);
  update_counts (self);

  g_signal_emit (self, signals[SELECTION_CHANGED], 0);

  now = g_get_monotonic_time ();
  rapid = self->last_evaluation != 0 && now - self->last_evaluation < RAPID_MS * 1000;
  self->last_evaluation = now;
  if (!rapid && self->push_id == 0)
    cs_cohort_view_set_selection (self->cohort_view, self->selection);
  else if (self->push_id == 0)
    self->push_id = g_timeout_add (TABLE_DELAY, push_table_timeout, self);
}

static gboolean
evaluate_tick (GtkWidget     *widget,
               GdkFrameClock *clock,
               gpointer       user_data)
{
  CsCohortBuilder *self = CS_COHORT_BUILDER (widget);

  self->tick_id = 0;
  evaluate (self);

  return G_SOURCE_REMOVE;
}

static gboolean
evaluate_idle (gpointer user_data)
{
  CsCohortBuilder *self = user_data;

  self->idle_id = 0;
  evaluate (self);

  return G_SOURCE_REMOVE;
}

static void
schedule_evaluation (CsCohortBuilder *self)
{
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      if (self->tick_id == 0)
        self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), evaluate_tick, NULL, NULL);
    }
  else if (self->idle_id == 0)
    self->idle_id = g_idle_add (evaluate_idle, self);
}

void
cs_cohort_builder_flush (CsCohortBuilder *self)
{
  g_return_if_fail (CS_IS_COHORT_BUILDER (self));

  if (self->tick_id != 0 || self->idle_id != 0)
    evaluate (self);
  if (self->push_id != 0)
    {
      g_clear_handle_id (&self->push_id, g_source_remove);
      cs_cohort_view_set_selection (self->cohort_view, self->selection);
    }
}

static void
update_counts (CsCohortBuilder *self)
{
  for (guint i = 0; i < self->charts->len; i++)
    mini_chart_count (g_ptr_array_index (self->charts, i), self->selection);
  for (guint i = 0; i < self->cards->len; i++)
    card_update_counts (g_ptr_array_index (self->cards, i), self->selection);
}

static void
on_state_changed (CsFilterState   *state,
                  CsCohortBuilder *self)
{
  update_chips (self);
  update_expression (self);
  for (guint i = 0; i < self->cards->len; i++)
    card_sync (g_ptr_array_index (self->cards, i));
  for (guint i = 0; i < self->charts->len; i++)
    gtk_widget_queue_draw (((MiniChart *) g_ptr_array_index (self->charts, i))->area);
  schedule_evaluation (self);
}

static void
on_undo_changed (CsFilterState   *state,
                 GParamSpec      *pspec,
                 CsCohortBuilder *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "filter.undo", cs_filter_state_can_undo (state));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "filter.redo", cs_filter_state_can_redo (state));
}

static void
set_state (CsCohortBuilder *self,
           CsFilterState   *state)
{
  if (self->state != NULL)
    g_signal_handlers_disconnect_by_data (self->state, self);
  g_set_object (&self->state, state);
  g_signal_connect (state, "changed", G_CALLBACK (on_state_changed), self);
  g_signal_connect (state, "notify::can-undo", G_CALLBACK (on_undo_changed), self);
  g_signal_connect (state, "notify::can-redo", G_CALLBACK (on_undo_changed), self);
  on_undo_changed (state, NULL, self);
}

/* ------------------------------------------------------ saved cohorts */

static CsBitset *
cohort_rows (CsCohortBuilder     *self,
             const CsSavedCohort *cohort,
             GError             **error)
{
  return cs_saved_cohort_select (cohort, self->store, NULL, error);
}

static void
apply_saved (CsCohortBuilder     *self,
             const CsSavedCohort *cohort)
{
  g_autoptr(GError) error = NULL;

  if (cohort->patient_ids != NULL)
    {
      g_autoptr(CsBitset) rows = cohort_rows (self, cohort, &error);

      if (rows == NULL)
        {
          show_message (self, error->message);
          return;
        }
      g_clear_pointer (&self->members, cs_bitset_free);
      self->members = g_steal_pointer (&rows);
      g_free (self->members_name);
      self->members_name = g_strdup (cohort->name);
      cs_filter_state_clear (self->state);
      update_chips (self);
      schedule_evaluation (self);
      return;
    }

  g_clear_pointer (&self->members, cs_bitset_free);
  g_clear_pointer (&self->members_name, g_free);
  if (!cs_filter_state_set_text (self->state, cohort->filter, NULL, &error))
    show_message (self, error->message);
  update_chips (self);
}

static void
on_saved_activated (GtkListBox      *list,
                    GtkListBoxRow   *row,
                    CsCohortBuilder *self)
{
  int index = gtk_list_box_row_get_index (row);

  if (index >= 0 && (guint) index < self->saved->len)
    apply_saved (self, g_ptr_array_index (self->saved, index));
}

static void
add_saved (CsCohortBuilder *self,
           CsSavedCohort   *cohort)
{
  GtkWidget *label;

  label = gtk_label_new (NULL);
  {
    g_autofree char *name = g_markup_escape_text (cohort->name, -1);
    g_autofree char *detail = cohort->filter != NULL ? g_markup_escape_text (cohort->filter, -1)
                                                     : g_strdup_printf (ngettext ("%u patient", "%u patients",
                                                                                  cohort->patient_ids->len),
                                                                        cohort->patient_ids->len);
    g_autofree char *markup = g_strdup_printf ("%s\n<small>%s</small>", name, detail);

    gtk_label_set_markup (GTK_LABEL (label), markup);
  }
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_tooltip_text (label, _("Activate to apply this cohort"));
  g_ptr_array_add (self->saved, cohort);
  gtk_list_box_append (GTK_LIST_BOX (self->saved_list), label);
}

static CsSavedCohort *
current_cohort (CsCohortBuilder *self,
                const char      *name,
                const char      *description)
{
  const char *text = cs_filter_state_get_text (self->state);
  CsSavedCohort *cohort = cs_saved_cohort_new (name, text[0] != '\0' && self->members == NULL ? text : NULL);

  cohort->description = description != NULL && description[0] != '\0' ? g_strdup (description) : NULL;
  if (cohort->filter == NULL)
    {
      guint n = cs_store_get_n_patients (self->store);

      cohort->patient_ids = g_ptr_array_new_with_free_func (g_free);
      FOREACH_ROW (self->selection, n, row,
        {
          g_ptr_array_add (cohort->patient_ids, g_strdup (cs_store_get_patient_id (self->store, row)));
        });
    }

  return cohort;
}

const CsSavedCohort *
cs_cohort_builder_save_current (CsCohortBuilder *self,
                                const char      *name,
                                const char      *description)
{
  CsSavedCohort *cohort;

  g_return_val_if_fail (CS_IS_COHORT_BUILDER (self), NULL);
  g_return_val_if_fail (self->store != NULL, NULL);

  cs_cohort_builder_flush (self);
  cohort = current_cohort (self, name, description);
  add_saved (self, cohort);

  return cohort;
}

static GtkFileChooserNative *
file_chooser (CsCohortBuilder      *self,
              const char           *title,
              GtkFileChooserAction  action,
              const char           *accept,
              const char           *name)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *native = gtk_file_chooser_native_new (title, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                              action, accept, _("_Cancel"));

  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  if (name != NULL)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), name);

  return native;
}

static void
on_save_file_response (GtkNativeDialog *native,
                       int              response,
                       gpointer         user_data)
{
  CsCohortBuilder *self = g_object_get_data (G_OBJECT (native), "cs-builder");
  const CsSavedCohort *cohort = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
      g_autofree char *path = g_file_get_path (file);
      g_autoptr(GError) error = NULL;

      if (path == NULL || !cs_saved_cohort_save (cohort, path, &error))
        show_message (self, error != NULL ? error->message : _("Choose a local file to save the cohort in"));
      else
        {
          g_autofree char *message = g_strdup_printf (_("Saved “%s”"), cohort->name);

          show_message (self, message);
        }
    }
  g_object_unref (native);
}

static void
on_save_dialog_response (AdwMessageDialog *dialog,
                         const char       *response,
                         CsCohortBuilder  *self)
{
  GtkWidget *name_entry = g_object_get_data (G_OBJECT (dialog), "cs-name");
  GtkWidget *description_entry = g_object_get_data (G_OBJECT (dialog), "cs-description");
  const char *name;
  const CsSavedCohort *cohort;
  g_autofree char *file_name = NULL;
  GtkFileChooserNative *native;

  if (g_strcmp0 (response, "save") != 0 || self->store == NULL)
    return;

  name = gtk_editable_get_text (GTK_EDITABLE (name_entry));
  cohort = cs_cohort_builder_save_current (self, name[0] != '\0' ? name : _("Cohort"),
                                           gtk_editable_get_text (GTK_EDITABLE (description_entry)));
  file_name = g_strdup_printf ("%s.cohort.json", cohort->name);
  native = file_chooser (self, _("Save Cohort"), GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), file_name);
  g_object_set_data (G_OBJECT (native), "cs-builder", self);
  g_signal_connect (native, "response", G_CALLBACK (on_save_file_response), (gpointer) cohort);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CsCohortBuilder *self = CS_COHORT_BUILDER (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *dialog, *box, *name_entry, *description_entry;

  if (self->store == NULL)
    return;

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, _("Save Cohort"),
                                   _("The cohort is saved with its filter (or its patients) as a JSON file and listed under Saved Cohorts."));
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  name_entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (name_entry), _("Name"));
  gtk_entry_set_activates_default (GTK_ENTRY (name_entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (name_entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Cohort name"), -1);
  description_entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (description_entry), _("Description (optional)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (description_entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Cohort description"), -1);
  gtk_box_append (GTK_BOX (box), name_entry);
  gtk_box_append (GTK_BOX (box), description_entry);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "save", _("_Save…"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  g_object_set_data (G_OBJECT (dialog), "cs-name", name_entry);
  g_object_set_data (G_OBJECT (dialog), "cs-description", description_entry);
  g_signal_connect (dialog, "response", G_CALLBACK (on_save_dialog_response), self);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (name_entry);
}

static void
on_open_response (GtkNativeDialog *native,
                  int              response,
                  CsCohortBuilder *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
      g_autofree char *path = g_file_get_path (file);
      g_autoptr(GError) error = NULL;
      CsSavedCohort *cohort = path != NULL ? cs_saved_cohort_load (path, &error) : NULL;

      if (cohort == NULL)
        show_message (self, error != NULL ? error->message : _("Choose a local file"));
      else
        {
          add_saved (self, cohort);
          apply_saved (self, cohort);
        }
    }
  g_object_unref (native);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CsCohortBuilder *self = CS_COHORT_BUILDER (widget);
  GtkFileChooserNative *native;

  if (self->store == NULL)
    return;
  native = file_chooser (self, _("Open a Cohort, FHIR Group or List of Patient Ids"),
                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), NULL);
  g_signal_connect (native, "response", G_CALLBACK (on_open_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
on_export_response (GtkNativeDialog *native,
                    int              response,
                    CsCohortBuilder *self)
{
  if (response == GTK_RESPONSE_ACCEPT && self->store != NULL)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
      g_autoptr(CsSavedCohort) cohort = NULL;
      g_autoptr(GPtrArray) ids = g_ptr_array_new ();
      g_autoptr(GError) error = NULL;
      g_autofree char *json = NULL;
      g_autofree char *base = g_file_get_basename (file);
      guint n = cs_store_get_n_patients (self->store);

      cs_cohort_builder_flush (self);
      cohort = current_cohort (self, base, NULL);
      FOREACH_ROW (self->selection, n, row,
        {
          g_ptr_array_add (ids, (gpointer) cs_store_get_patient_id (self->store, row));
        });
      json = cs_saved_cohort_to_group (cohort, (const char * const *) ids->pdata, ids->len);
      if (!g_file_replace_contents (file, json, strlen (json), NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                    NULL, NULL, &error))
        show_message (self, error->message);
      else
        {
          g_autofree char *message = g_strdup_printf (ngettext ("Exported a Group of %u patient",
                                                                "Exported a Group of %u patients", ids->len),
                                                      ids->len);

          show_message (self, message);
        }
    }
  g_object_unref (native);
}

static void
export_group_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  CsCohortBuilder *self = CS_COHORT_BUILDER (widget);
  GtkFileChooserNative *native;

  if (self->store == NULL)
    return;
  native = file_chooser (self, _("Export FHIR Group"), GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"),
                         "cohort-group.json");
  g_signal_connect (native, "response", G_CALLBACK (on_export_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
upload_group_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  CsCohortBuilder *self = CS_COHORT_BUILDER (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  int saved_index = -1;

  if (self->store == NULL || !CS_IS_WINDOW (root))
    return;

  /* From the saved cohorts list: the selected one */
  if (gtk_widget_has_focus (self->saved_list) || gtk_widget_get_focus_child (self->saved_list) != NULL)
    {
      GtkListBoxRow *row = gtk_list_box_get_selected_row (GTK_LIST_BOX (self->saved_list));

      if (row != NULL)
        saved_index = gtk_list_box_row_get_index (row);
    }

  cs_cohort_builder_flush (self);
  gtk_window_present (cs_group_upload_dialog_new (CS_WINDOW (root), self, saved_index));
}

/* -------------------------------------------------------------- compare */

typedef struct
{
  CsCohortBuilder *builder;
  GtkWidget       *a, *b;
  GtkWidget       *grid;
} CompareData;

static CsBitset *
compare_rows (CsCohortBuilder *self,
              guint            choice,
              char           **name)
{
  guint n = cs_store_get_n_patients (self->store);

  if (choice == 0 || choice == 1)
    {
      CsBitset *rows = self->selection != NULL ? cs_bitset_copy (self->selection) : cs_bitset_new_full (n);

      if (choice == 1)
        {
          CsBitset *rest = cs_bitset_new_full (n);

          cs_bitset_andnot (rest, rows);
          cs_bitset_free (rows);
          rows = rest;
        }
      *name = g_strdup (choice == 0 ? _("Current cohort") : _("Rest of patients"));
      return rows;
    }
  else
    {
      const CsSavedCohort *cohort = g_ptr_array_index (self->saved, choice - 2);
      g_autoptr(GError) error = NULL;
      CsBitset *rows = cohort_rows (self, cohort, &error);

      *name = g_strdup (cohort->name);
      if (rows == NULL)
        {
          show_message (self, error->message);
          rows = cs_bitset_new (n);
        }
      return rows;
    }
}

static void
grid_text (GtkWidget  *grid,
           int         column,
           int         row,
           const char *text,
           gboolean    heading)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), column == 0 ? 0 : 1);
  gtk_label_set_selectable (GTK_LABEL (label), FALSE);
  gtk_label_set_ellipsize (GTK_LABEL (label), column == 0 ? PANGO_ELLIPSIZE_END : PANGO_ELLIPSIZE_NONE);
  if (column == 0)
    gtk_label_set_max_width_chars (GTK_LABEL (label), 48);
  gtk_widget_add_css_class (label, heading ? "heading" : "numeric");
  gtk_grid_attach (GTK_GRID (grid), label, column, row, 1, 1);
}

static char *
describe_numeric (CsVariable     *var,
                  const CsBitset *rows)
{
  double sum = 0, sum2 = 0;
  guint n = 0;

  FOREACH_ROW (rows, var->n_rows, row,
    {
      double v = var->num[row];

      if (!isnan (v))
        {
          sum += v;
          sum2 += v * v;
          n++;
        }
    });
  if (n == 0)
    return g_strdup ("—");
  {
    double mean = sum / n;
    double sd = n > 1 ? sqrt (MAX (0, (sum2 - n * mean * mean) / (n - 1))) : 0;

    if (var->type == CS_VARIABLE_DATE)
      {
        g_autofree char *date = cs_filter_format_date (mean);

        return g_strdup_printf (_("mean %s (n = %u)"), date, n);
      }
    if (var->type == CS_VARIABLE_BOOLEAN)
      return g_strdup_printf (_("%.0f yes of %u (%.0f%%)"), sum, n, 100.0 * sum / n);
    return g_strdup_printf (_("%.4g ± %.3g (n = %u)"), mean, sd, n);
  }
}

static void
fill_compare (CompareData *data)
{
  CsCohortBuilder *self = data->builder;
  GtkWidget *child;
  g_autofree char *name_a = NULL;
  g_autofree char *name_b = NULL;
  g_autoptr(CsBitset) a = NULL;
  g_autoptr(CsBitset) b = NULL;
  g_autoptr(CsBitset) both = NULL;
  int row = 0;

  while ((child = gtk_widget_get_first_child (data->grid)) != NULL)
    gtk_grid_remove (GTK_GRID (data->grid), child);
  if (self->store == NULL)
    return;

  a = compare_rows (self, gtk_drop_down_get_selected (GTK_DROP_DOWN (data->a)), &name_a);
  b = compare_rows (self, gtk_drop_down_get_selected (GTK_DROP_DOWN (data->b)), &name_b);
  both = cs_bitset_copy (a);
  cs_bitset_and (both, b);

  grid_text (data->grid, 0, row, _("Variable"), TRUE);
  grid_text (data->grid, 1, row, name_a, TRUE);
  grid_text (data->grid, 2, row, name_b, TRUE);
  row++;
  {
    g_autofree char *na = g_strdup_printf ("%u", cs_bitset_count (a));
    g_autofree char *nb = g_strdup_printf ("%u", cs_bitset_count (b));
    g_autofree char *overlap = g_strdup_printf (_("%u in both"), cs_bitset_count (both));

    grid_text (data->grid, 0, row, _("Patients"), FALSE);
    grid_text (data->grid, 1, row, na, FALSE);
    grid_text (data->grid, 2, row, nb, FALSE);
    row++;
    grid_text (data->grid, 0, row, _("Overlap"), FALSE);
    grid_text (data->grid, 1, row, overlap, FALSE);
    grid_text (data->grid, 2, row, overlap, FALSE);
    row++;
  }

  for (guint i = 0; i < cs_store_get_n_variables (self->store) && row < 400; i++)
    {
      CsVariable *var = cs_store_get_variable (self->store, i);
      const char *label = var->label != NULL ? var->label : var->key;

      if (var->type == CS_VARIABLE_CATEGORICAL)
        {
          guint na = cs_bitset_count (a), nb = cs_bitset_count (b);

          for (guint l = 0; l < MIN (var->levels->len, 8); l++)
            {
              const CsLevel *level = g_ptr_array_index (var->levels, l);
              guint ca = 0, cb = 0;
              g_autofree char *name = g_strdup_printf ("%s = %s", label,
                                                      level->display != NULL ? level->display : level->code);
              g_autofree char *ta = NULL;
              g_autofree char *tb = NULL;

              FOREACH_ROW (a, var->n_rows, r, { ca += var->cat[r] == (gint32) l; });
              FOREACH_ROW (b, var->n_rows, r, { cb += var->cat[r] == (gint32) l; });
              ta = g_strdup_printf ("%u (%.0f%%)", ca, na > 0 ? 100.0 * ca / na : 0);
              tb = g_strdup_printf ("%u (%.0f%%)", cb, nb > 0 ? 100.0 * cb / nb : 0);
              grid_text (data->grid, 0, row, name, FALSE);
              grid_text (data->grid, 1, row, ta, FALSE);
              grid_text (data->grid, 2, row, tb, FALSE);
              row++;
            }
        }
      else if (var->type != CS_VARIABLE_SURVIVAL)
        {
          g_autofree char *ta = describe_numeric (var, a);
          g_autofree char *tb = describe_numeric (var, b);

          grid_text (data->grid, 0, row, label, FALSE);
          grid_text (data->grid, 1, row, ta, FALSE);
          grid_text (data->grid, 2, row, tb, FALSE);
          row++;
        }
    }
}

static void
on_compare_choice (GtkDropDown *dropdown,
                   GParamSpec  *pspec,
                   CompareData *data)
{
  fill_compare (data);
}

static void
compare_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  CsCohortBuilder *self = CS_COHORT_BUILDER (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  GtkWidget *window, *box, *row, *scroller;
  CompareData *data;

  if (self->store == NULL)
    return;
  cs_cohort_builder_flush (self);

  g_ptr_array_add (names, (gpointer) _("Current cohort"));
  g_ptr_array_add (names, (gpointer) _("Rest of patients"));
  for (guint i = 0; i < self->saved->len; i++)
    g_ptr_array_add (names, ((CsSavedCohort *) g_ptr_array_index (self->saved, i))->name);
  g_ptr_array_add (names, NULL);

  data = g_new0 (CompareData, 1);
  data->builder = self;
  window = gtk_window_new ();
  gtk_window_set_title (GTK_WINDOW (window), _("Compare Cohorts"));
  gtk_window_set_default_size (GTK_WINDOW (window), 720, 560);
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (root));
  g_object_set_data_full (G_OBJECT (window), "cs-compare", data, g_free);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  data->a = gtk_drop_down_new_from_strings ((const char * const *) names->pdata);
  data->b = gtk_drop_down_new_from_strings ((const char * const *) names->pdata);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (data->b), self->saved->len > 0 ? 2 : 1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (data->a), GTK_ACCESSIBLE_PROPERTY_LABEL, _("First cohort"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (data->b), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Second cohort"), -1);
  gtk_box_append (GTK_BOX (row), data->a);
  gtk_box_append (GTK_BOX (row), gtk_label_new (_("versus")));
  gtk_box_append (GTK_BOX (row), data->b);
  gtk_box_append (GTK_BOX (box), row);

  data->grid = gtk_grid_new ();
  gtk_grid_set_column_spacing (GTK_GRID (data->grid), 18);
  gtk_grid_set_row_spacing (GTK_GRID (data->grid), 4);
  gtk_accessible_update_property (GTK_ACCESSIBLE (data->grid), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Comparison table"), -1);
  scroller = gtk_scrolled_window_new ();
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), data->grid);
  gtk_box_append (GTK_BOX (box), scroller);
  gtk_window_set_child (GTK_WINDOW (window), box);

  g_signal_connect (data->a, "notify::selected", G_CALLBACK (on_compare_choice), data);
  g_signal_connect (data->b, "notify::selected", G_CALLBACK (on_compare_choice), data);
  fill_compare (data);
  gtk_window_present (GTK_WINDOW (window));
}

/* ------------------------------------------------------------- coverage */

static void
on_complete_cases (GtkButton *button,
                   GPtrArray *checks)
{
  CsCohortBuilder *self = g_object_get_data (G_OBJECT (button), "cs-builder");

  cs_filter_state_begin_group (self->state);
  for (guint i = 0; i < checks->len; i++)
    {
      GtkCheckButton *check = g_ptr_array_index (checks, i);

      if (gtk_check_button_get_active (check))
        cs_filter_state_set_missing (self->state, g_object_get_data (G_OBJECT (check), "cs-key"), FALSE);
    }
  cs_filter_state_end_group (self->state);
}

static void
coverage_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  CsCohortBuilder *self = CS_COHORT_BUILDER (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *window, *box, *scroller, *grid, *button, *intro;
  GPtrArray *checks = g_ptr_array_new ();
  guint total;

  if (self->store == NULL)
    return;
  cs_cohort_builder_flush (self);
  total = self->selection != NULL ? cs_bitset_count (self->selection) : cs_store_get_n_patients (self->store);

  window = gtk_window_new ();
  gtk_window_set_title (GTK_WINDOW (window), _("Data Coverage"));
  gtk_window_set_default_size (GTK_WINDOW (window), 560, 600);
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (root));
  g_object_set_data_full (G_OBJECT (window), "cs-checks", checks, (GDestroyNotify) g_ptr_array_unref);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  intro = gtk_label_new (NULL);
  {
    g_autofree char *text = g_strdup_printf (ngettext ("Values present among the %u patient of the current cohort. "
                                                       "Tick variables and keep only the patients that have all of them.",
                                                       "Values present among the %u patients of the current cohort. "
                                                       "Tick variables and keep only the patients that have all of them.",
                                                       total), total);

    gtk_label_set_text (GTK_LABEL (intro), text);
  }
  gtk_label_set_wrap (GTK_LABEL (intro), TRUE);
  gtk_label_set_xalign (GTK_LABEL (intro), 0);
  gtk_box_append (GTK_BOX (box), intro);

  grid = gtk_grid_new ();
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 4);
  for (guint i = 0; i < cs_store_get_n_variables (self->store); i++)
    {
      CsVariable *var = cs_store_get_variable (self->store, i);
      guint present = 0;
      double fraction;
      GtkWidget *check, *bar, *label;
      g_autofree char *text = NULL;

      FOREACH_ROW (self->selection, var->n_rows, row, { present += !cs_variable_is_missing (var, row); });
      fraction = total > 0 ? (double) present / total : 0;
      check = gtk_check_button_new_with_label (var->label != NULL ? var->label : var->key);
      gtk_widget_set_tooltip_text (check, var->key);
      g_object_set_data_full (G_OBJECT (check), "cs-key", g_strdup (var->key), g_free);
      g_ptr_array_add (checks, check);
      bar = gtk_level_bar_new_for_interval (0, 1);
      gtk_level_bar_set_value (GTK_LEVEL_BAR (bar), fraction);
      gtk_widget_set_size_request (bar, 120, -1);
      gtk_widget_set_valign (bar, GTK_ALIGN_CENTER);
      text = g_strdup_printf ("%.0f%% (%u)", 100 * fraction, present);
      label = gtk_label_new (text);
      gtk_widget_add_css_class (label, "numeric");
      gtk_label_set_xalign (GTK_LABEL (label), 1);
      gtk_accessible_update_property (GTK_ACCESSIBLE (bar), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
      gtk_grid_attach (GTK_GRID (grid), check, 0, (int) i, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), bar, 1, (int) i, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), label, 2, (int) i, 1, 1);
    }
  scroller = gtk_scrolled_window_new ();
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), grid);
  gtk_box_append (GTK_BOX (box), scroller);

  button = gtk_button_new_with_mnemonic (_("_Keep Complete Cases for the Ticked Variables"));
  gtk_widget_add_css_class (button, "suggested-action");
  g_object_set_data (G_OBJECT (button), "cs-builder", self);
  g_signal_connect (button, "clicked", G_CALLBACK (on_complete_cases), checks);
  gtk_box_append (GTK_BOX (box), button);
  gtk_window_set_child (GTK_WINDOW (window), box);
  gtk_window_present (GTK_WINDOW (window));
}

/* -------------------------------------------------------------- actions */

static void
undo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  cs_filter_state_undo (CS_COHORT_BUILDER (widget)->state);
}

static void
redo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  cs_filter_state_redo (CS_COHORT_BUILDER (widget)->state);
}

static void
clear_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  CsCohortBuilder *self = CS_COHORT_BUILDER (widget);

  g_clear_pointer (&self->members, cs_bitset_free);
  g_clear_pointer (&self->members_name, g_free);
  cs_filter_state_clear (self->state);
  update_chips (self);
  schedule_evaluation (self);
}

static void
focus_expression_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  gtk_widget_grab_focus (CS_COHORT_BUILDER (widget)->expression_entry);
}

/* ------------------------------------------------------------ dashboard */

void
cs_cohort_builder_pin (CsCohortBuilder *self,
                       const char      *key)
{
  CsVariable *var;
  GtkWidget *area;

  g_return_if_fail (CS_IS_COHORT_BUILDER (self));

  if (self->store == NULL || cs_cohort_builder_get_chart (self, key) != NULL
      || (var = cs_store_lookup_variable (self->store, key)) == NULL)
    return;
  area = mini_chart_new (self, var, TRUE, CHART_HEIGHT);
  if (area == NULL)
    return;
  g_ptr_array_add (self->charts, chart_of (area));
  gtk_box_append (GTK_BOX (self->dashboard_box), area);
  mini_chart_count (chart_of (area), self->selection);
}

GtkWidget *
cs_cohort_builder_get_chart (CsCohortBuilder *self,
                             const char      *key)
{
  g_return_val_if_fail (CS_IS_COHORT_BUILDER (self), NULL);

  for (guint i = 0; i < self->charts->len; i++)
    {
      MiniChart *chart = g_ptr_array_index (self->charts, i);

      if (g_strcmp0 (chart->key, key) == 0)
        return chart->area;
    }

  return NULL;
}

static void
clear_children (GtkWidget *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (box)) != NULL)
    gtk_box_remove (GTK_BOX (box), child);
}

void
cs_cohort_builder_set_store (CsCohortBuilder *self,
                             CsStore         *store)
{
  static const char *const default_pins[] = {
    "stage_group", "histology", "smoking_status", "gender", "age_at_diagnosis",
  };
  g_autoptr(CsFilterState) state = NULL;

  g_return_if_fail (CS_IS_COHORT_BUILDER (self));

  if (store == self->store)
    return;

  g_set_object (&self->store, store);
  g_clear_handle_id (&self->push_id, g_source_remove);
  self->last_evaluation = 0;
  g_clear_pointer (&self->selection, cs_bitset_free);
  g_clear_pointer (&self->members, cs_bitset_free);
  g_clear_pointer (&self->members_name, g_free);
  g_ptr_array_set_size (self->charts, 0);
  g_ptr_array_set_size (self->cards, 0);
  clear_children (self->dashboard_box);
  clear_children (self->cards_box);

  state = cs_filter_state_new ();
  set_state (self, state);
  update_chips (self);
  update_expression (self);
  update_count_label (self);

  if (store != NULL)
    {
      for (guint i = 0; i < G_N_ELEMENTS (default_pins); i++)
        cs_cohort_builder_pin (self, default_pins[i]);
      fill_add_list (self);
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "filter.upload-group", store != NULL);
  gtk_widget_set_visible (self->paned, TRUE);
}

/* --------------------------------------------------------------- object */

static void
cs_cohort_builder_add_child (GtkBuildable *buildable,
                             GtkBuilder   *builder,
                             GObject      *child,
                             const char   *type)
{
  CsCohortBuilder *self = CS_COHORT_BUILDER (buildable);

  if (CS_IS_COHORT_VIEW (child))
    {
      g_return_if_fail (self->cohort_view == NULL);
      self->cohort_view = CS_COHORT_VIEW (child);
      gtk_widget_set_vexpand (GTK_WIDGET (child), TRUE);
      gtk_box_append (GTK_BOX (self->content_box), GTK_WIDGET (child));
      return;
    }

  parent_buildable_iface->add_child (buildable, builder, child, type);
}

static void
cs_cohort_builder_buildable_init (GtkBuildableIface *iface)
{
  parent_buildable_iface = g_type_interface_peek_parent (iface);
  iface->add_child = cs_cohort_builder_add_child;
}

static void
cs_cohort_builder_dispose (GObject *object)
{
  CsCohortBuilder *self = CS_COHORT_BUILDER (object);

  g_clear_handle_id (&self->idle_id, g_source_remove);
  g_clear_handle_id (&self->push_id, g_source_remove);
  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }
  if (self->state != NULL)
    g_signal_handlers_disconnect_by_data (self->state, self);
  g_clear_pointer (&self->paned, gtk_widget_unparent);
  g_clear_object (&self->state);
  g_clear_object (&self->store);
  g_clear_pointer (&self->selection, cs_bitset_free);
  g_clear_pointer (&self->members, cs_bitset_free);
  g_clear_pointer (&self->members_name, g_free);
  g_clear_pointer (&self->charts, g_ptr_array_unref);
  g_clear_pointer (&self->cards, g_ptr_array_unref);
  g_clear_pointer (&self->saved, g_ptr_array_unref);
  g_clear_pointer (&self->eval_error, g_free);

  G_OBJECT_CLASS (cs_cohort_builder_parent_class)->dispose (object);
}

static void
cs_cohort_builder_class_init (CsCohortBuilderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cs_cohort_builder_dispose;

  signals[SELECTION_CHANGED] = g_signal_new ("selection-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                             0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "cs-cohort-builder");

  gtk_widget_class_install_action (widget_class, "filter.undo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "filter.redo", NULL, redo_action);
  gtk_widget_class_install_action (widget_class, "filter.clear", NULL, clear_action);
  gtk_widget_class_install_action (widget_class, "filter.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "filter.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "filter.export-group", NULL, export_group_action);
  gtk_widget_class_install_action (widget_class, "filter.upload-group", NULL, upload_group_action);
  gtk_widget_class_install_action (widget_class, "filter.compare", NULL, compare_action);
  gtk_widget_class_install_action (widget_class, "filter.coverage", NULL, coverage_action);
  gtk_widget_class_install_action (widget_class, "filter.focus-expression", NULL, focus_expression_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "filter.undo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "filter.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Z, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "filter.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "filter.focus-expression", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "filter.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_g, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "filter.upload-group", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_G, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "filter.upload-group", NULL);
}

static GtkWidget *
action_button (const char *label,
               const char *action,
               const char *tooltip)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_widget_set_tooltip_text (button, tooltip);

  return button;
}

static GtkWidget *
icon_button (const char *icon,
             const char *action,
             const char *tooltip)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_add_css_class (button, "flat");
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);

  return button;
}

static void
cs_cohort_builder_init (CsCohortBuilder *self)
{
  GtkWidget *sidebar, *header, *title, *popover, *popbox, *scroller, *actions, *saved_title, *right, *row;
  GtkWidget *dash_scroller, *chips_scroller, *expr_box;

  self->charts = g_ptr_array_new ();
  self->cards = g_ptr_array_new_with_free_func (card_free);
  self->saved = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_saved_cohort_free);

  self->paned = gtk_paned_new (GTK_ORIENTATION_HORIZONTAL);
  gtk_paned_set_position (GTK_PANED (self->paned), 300);
  gtk_paned_set_shrink_start_child (GTK_PANED (self->paned), FALSE);
  gtk_paned_set_resize_start_child (GTK_PANED (self->paned), FALSE);
  gtk_widget_set_parent (self->paned, GTK_WIDGET (self));

  /* Sidebar */
  sidebar = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_size_request (sidebar, 260, -1);
  gtk_widget_add_css_class (sidebar, "cs-filter-sidebar");
  header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  gtk_widget_set_margin_start (header, 12);
  gtk_widget_set_margin_end (header, 6);
  gtk_widget_set_margin_top (header, 8);
  title = gtk_label_new (_("Filters"));
  gtk_widget_add_css_class (title, "heading");
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_set_hexpand (title, TRUE);
  gtk_box_append (GTK_BOX (header), title);
  gtk_box_append (GTK_BOX (header), icon_button ("edit-undo-symbolic", "filter.undo", _("Undo Filter Change (Ctrl+Z)")));
  gtk_box_append (GTK_BOX (header), icon_button ("edit-redo-symbolic", "filter.redo", _("Redo Filter Change (Ctrl+Shift+Z)")));
  gtk_box_append (GTK_BOX (header), icon_button ("edit-clear-all-symbolic", "filter.clear", _("Clear All Filters")));

  self->add_button = gtk_menu_button_new ();
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (self->add_button), "list-add-symbolic");
  gtk_widget_set_tooltip_text (self->add_button, _("Add a filter on a variable"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->add_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Add filter"), -1);
  popover = gtk_popover_new ();
  popbox = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  self->add_search = gtk_search_entry_new ();
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->add_search), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Search variables to filter"), -1);
  g_signal_connect (self->add_search, "search-changed", G_CALLBACK (on_add_search_changed), self);
  g_signal_connect (self->add_search, "activate", G_CALLBACK (on_add_search_activate), self);
  self->add_list = gtk_list_box_new ();
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->add_list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Variables to filter"), -1);
  g_signal_connect (self->add_list, "row-activated", G_CALLBACK (on_add_row_activated), self);
  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_size_request (scroller, 340, 360);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), self->add_list);
  gtk_box_append (GTK_BOX (popbox), self->add_search);
  gtk_box_append (GTK_BOX (popbox), scroller);
  gtk_popover_set_child (GTK_POPOVER (popover), popbox);
  gtk_popover_set_default_widget (GTK_POPOVER (popover), self->add_search);
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (self->add_button), popover);
  gtk_box_append (GTK_BOX (header), self->add_button);
  gtk_box_append (GTK_BOX (sidebar), header);

  self->cards_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  gtk_widget_set_margin_start (self->cards_box, 12);
  gtk_widget_set_margin_end (self->cards_box, 12);
  gtk_widget_set_margin_bottom (self->cards_box, 12);
  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), self->cards_box);
  gtk_box_append (GTK_BOX (sidebar), scroller);

  gtk_box_append (GTK_BOX (sidebar), gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));
  saved_title = gtk_label_new (_("Saved Cohorts"));
  gtk_widget_add_css_class (saved_title, "heading");
  gtk_label_set_xalign (GTK_LABEL (saved_title), 0);
  gtk_widget_set_margin_start (saved_title, 12);
  gtk_box_append (GTK_BOX (sidebar), saved_title);
  self->saved_list = gtk_list_box_new ();
  gtk_widget_add_css_class (self->saved_list, "navigation-sidebar");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->saved_list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Saved cohorts"), -1);
  g_signal_connect (self->saved_list, "row-activated", G_CALLBACK (on_saved_activated), self);
  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scroller), 140);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), self->saved_list);
  gtk_box_append (GTK_BOX (sidebar), scroller);

  actions = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (actions), GTK_SELECTION_NONE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (actions), 3);
  gtk_widget_set_margin_start (actions, 6);
  gtk_widget_set_margin_end (actions, 6);
  gtk_widget_set_margin_bottom (actions, 6);
  gtk_flow_box_append (GTK_FLOW_BOX (actions), action_button (_("_Save…"), "filter.save", _("Save the cohort (Ctrl+S)")));
  gtk_flow_box_append (GTK_FLOW_BOX (actions), action_button (_("_Open…"), "filter.open",
                                                              _("Open a saved cohort, import a FHIR Group or a list of patient ids")));
  gtk_flow_box_append (GTK_FLOW_BOX (actions), action_button (_("E_xport Group…"), "filter.export-group",
                                                              _("Export the cohort as a FHIR Group")));
  gtk_flow_box_append (GTK_FLOW_BOX (actions), action_button (_("_Upload Group…"), "filter.upload-group",
                                                              _("Upload the cohort, or the selected saved cohort, to a FHIR server as a Group (Ctrl+Shift+G)")));
  gtk_flow_box_append (GTK_FLOW_BOX (actions), action_button (_("Co_mpare…"), "filter.compare",
                                                              _("Compare two cohorts variable by variable")));
  gtk_flow_box_append (GTK_FLOW_BOX (actions), action_button (_("Co_verage…"), "filter.coverage",
                                                              _("Missing data per variable; keep complete cases")));
  gtk_box_append (GTK_BOX (sidebar), actions);
  gtk_paned_set_start_child (GTK_PANED (self->paned), sidebar);

  /* Right side: chips, expression, dashboard, then the table */
  right = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  self->content_box = right;

  self->chips_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->chips_box), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Active filters"), -1);
  chips_scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (chips_scroller), GTK_POLICY_AUTOMATIC, GTK_POLICY_NEVER);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (chips_scroller), self->chips_box);
  gtk_widget_set_margin_start (chips_scroller, 12);
  gtk_widget_set_margin_end (chips_scroller, 12);
  gtk_widget_set_margin_top (chips_scroller, 6);
  gtk_box_append (GTK_BOX (right), chips_scroller);

  expr_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_margin_start (expr_box, 12);
  gtk_widget_set_margin_end (expr_box, 12);
  gtk_widget_set_margin_top (expr_box, 6);
  row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  {
    GtkWidget *label = gtk_label_new_with_mnemonic (_("_Advanced"));

    gtk_widget_add_css_class (label, "dim-label");
    self->expression_entry = gtk_entry_new ();
    gtk_label_set_mnemonic_widget (GTK_LABEL (label), self->expression_entry);
    gtk_box_append (GTK_BOX (row), label);
  }
  gtk_widget_set_hexpand (self->expression_entry, TRUE);
  gtk_entry_set_placeholder_text (GTK_ENTRY (self->expression_entry),
                                  _("Filter expression, e.g. age_at_diagnosis >= 60 and stage_group in (\"III\", \"IV\")"));
  gtk_widget_set_tooltip_text (self->expression_entry, _("Press Enter to apply (Ctrl+E to focus)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->expression_entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Filter expression"), -1);
  g_signal_connect (self->expression_entry, "activate", G_CALLBACK (on_expression_activate), self);
  gtk_box_append (GTK_BOX (row), self->expression_entry);
  self->count_label = gtk_label_new (NULL);
  gtk_widget_add_css_class (self->count_label, "heading");
  gtk_widget_add_css_class (self->count_label, "numeric");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->count_label), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Patients in the cohort"), -1);
  gtk_box_append (GTK_BOX (row), self->count_label);
  gtk_box_append (GTK_BOX (expr_box), row);
  self->expression_error = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->expression_error), 0);
  gtk_label_set_wrap (GTK_LABEL (self->expression_error), TRUE);
  gtk_widget_add_css_class (self->expression_error, "error");
  gtk_widget_set_visible (self->expression_error, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->expression_error), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Filter expression error"), -1);
  gtk_box_append (GTK_BOX (expr_box), self->expression_error);
  gtk_box_append (GTK_BOX (right), expr_box);

  self->dashboard_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_set_margin_start (self->dashboard_box, 12);
  gtk_widget_set_margin_end (self->dashboard_box, 12);
  gtk_widget_set_margin_top (self->dashboard_box, 6);
  gtk_widget_set_margin_bottom (self->dashboard_box, 6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->dashboard_box), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Summary charts"), -1);
  dash_scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (dash_scroller), GTK_POLICY_AUTOMATIC, GTK_POLICY_NEVER);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (dash_scroller), self->dashboard_box);
  gtk_box_append (GTK_BOX (right), dash_scroller);
  gtk_box_append (GTK_BOX (right), gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));
  gtk_paned_set_end_child (GTK_PANED (self->paned), right);

  {
    g_autoptr(CsFilterState) state = cs_filter_state_new ();

    set_state (self, state);
  }
  update_chips (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "filter.upload-group", FALSE);
}

GtkWidget *
cs_cohort_builder_new (void)
{
  return g_object_new (CS_TYPE_COHORT_BUILDER, NULL);
}

CsStore *
cs_cohort_builder_get_store (CsCohortBuilder *self)
{
  g_return_val_if_fail (CS_IS_COHORT_BUILDER (self), NULL);

  return self->store;
}

CsCohortView *
cs_cohort_builder_get_cohort_view (CsCohortBuilder *self)
{
  g_return_val_if_fail (CS_IS_COHORT_BUILDER (self), NULL);

  return self->cohort_view;
}

CsFilterState *
cs_cohort_builder_get_filter_state (CsCohortBuilder *self)
{
  g_return_val_if_fail (CS_IS_COHORT_BUILDER (self), NULL);

  return self->state;
}

const CsBitset *
cs_cohort_builder_get_selection (CsCohortBuilder *self)
{
  g_return_val_if_fail (CS_IS_COHORT_BUILDER (self), NULL);

  return self->selection;
}

GList *
cs_cohort_builder_get_chips (CsCohortBuilder *self)
{
  GList *chips = NULL;

  g_return_val_if_fail (CS_IS_COHORT_BUILDER (self), NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (self->chips_box); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_BUTTON (child))
      chips = g_list_prepend (chips, child);

  return g_list_reverse (chips);
}

GtkEditable *
cs_cohort_builder_get_expression_entry (CsCohortBuilder *self)
{
  g_return_val_if_fail (CS_IS_COHORT_BUILDER (self), NULL);

  return GTK_EDITABLE (self->expression_entry);
}

const char *
cs_cohort_builder_get_expression_error (CsCohortBuilder *self)
{
  g_return_val_if_fail (CS_IS_COHORT_BUILDER (self), NULL);

  return gtk_label_get_text (GTK_LABEL (self->expression_error));
}

GPtrArray *
cs_cohort_builder_get_saved (CsCohortBuilder *self)
{
  g_return_val_if_fail (CS_IS_COHORT_BUILDER (self), NULL);

  return self->saved;
}

CsSavedCohort *
cs_cohort_builder_dup_current (CsCohortBuilder *self,
                               const char      *name)
{
  g_return_val_if_fail (CS_IS_COHORT_BUILDER (self), NULL);
  g_return_val_if_fail (self->store != NULL, NULL);

  cs_cohort_builder_flush (self);

  return current_cohort (self, name, NULL);
}

const char *
cs_cohort_builder_get_members_name (CsCohortBuilder *self)
{
  g_return_val_if_fail (CS_IS_COHORT_BUILDER (self), NULL);

  return self->members != NULL ? self->members_name : NULL;
}

const char *
cs_cohort_builder_get_count_text (CsCohortBuilder *self)
{
  g_return_val_if_fail (CS_IS_COHORT_BUILDER (self), NULL);

  return gtk_label_get_text (GTK_LABEL (self->count_label));
}
