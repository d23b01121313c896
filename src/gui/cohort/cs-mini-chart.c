/* cs-mini-chart.c
 *
 * The chart is a model of the core renderers built at each snapshot from
 * the variable's counts (CsVariableCounts) and the filter state: which
 * values are in the filter (the marked bars) and the range of a brush,
 * drawn as overlays over the finished chart. Pointer positions map back
 * through the same layout (cs_chart_bar_hit(), cs_chart_layout_px_to_x()).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "cs-chart.h"
#include "cs-mini-chart-private.h"
#include "cs-variable.h"
#include "cs-variable-counts.h"

/* A press this close to a brush's end drags that end */
#define HANDLE_SLOP 6.0
/* Pointer motion below this many px is a click */
#define CLICK_SLOP  2.0

typedef enum
{
  DRAG_NEW,     /* a new range from the press */
  DRAG_LO,      /* moves the lower end */
  DRAG_HI,      /* moves the upper end */
} DragMode;

struct _CsMiniChart
{
  GtkWidget         parent_instance;

  CsFilterState    *state;
  CsVariableCounts *counts;
  char             *key;
  char             *title;        /* NULL: untitled (a filter card) */
  char             *var_label;    /* the variable's label (or key), for the description */
  char             *description;  /* the accessible description */
  guint8           *marked;       /* bars: the values in the filter */
  CsChartColor      accent;       /* the style's palette while drawing */
  int               focus_bar;

  double            drag_x0;
  DragMode          drag_mode;
  double            drag_lo, drag_hi;
};

G_DEFINE_FINAL_TYPE (CsMiniChart, cs_mini_chart, GTK_TYPE_WIDGET)

/* ---------------------------------------------------------------- model */

static const CsFilterClause *
find_clause (CsMiniChart  *self,
             CsClauseKind  kind)
{
  int index = cs_filter_state_find_variable_clause (self->state, self->counts->var, kind);

  return index >= 0 ? cs_filter_state_get_clause (self->state, (guint) index) : NULL;
}

/* The key the range is written with (a code, say), else the variable's */
static const char *
range_key (CsMiniChart *self)
{
  const CsFilterClause *range = find_clause (self, CS_CLAUSE_RANGE);

  return range != NULL ? range->key : self->key;
}

/* The light or dark chart style, transparent, with the accent first */
static void
chart_style (CsMiniChart  *self,
             CsChartStyle *style)
{
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());

  *style = *(dark ? cs_chart_style_dark () : cs_chart_style_light ());
  self->accent = cs_chart_style_category_color (style, 4);
  style->palette = &self->accent;
  style->n_palette = 1;
  style->bg.a = 0;
  style->font_size = self->counts->bars ? 11 : 10;
  style->title_size = 12;
}

static void
bar_model (CsMiniChart     *self,
           CsChartBarModel *model)
{
  const CsVariableCounts *counts = self->counts;
  const CsFilterClause *levels = find_clause (self, CS_CLAUSE_LEVELS);

  /* As the evaluator reads the values: "I" marks the level coded "1" */
  for (guint i = 0; i < counts->n; i++)
    self->marked[i] = cs_filter_clause_selects_level (levels, counts->var, i);
  memset (model, 0, sizeof *model);
  model->n_categories = counts->n;
  model->labels = (const char * const *) counts->labels;
  model->counts_all = counts->all;
  model->counts_selected = counts->selected;
  model->title = self->title;
  model->horizontal = TRUE;
  model->highlighted = self->marked;
}

static void
histogram_model (CsMiniChart           *self,
                 CsChartHistogramModel *model)
{
  const CsVariableCounts *counts = self->counts;

  memset (model, 0, sizeof *model);
  model->counts_all = counts->all;
  model->counts_selected = counts->selected;
  model->n_bins = counts->n;
  model->bin_start = counts->start;
  model->bin_width = counts->width;
  model->is_date = counts->is_date;
  model->title = self->title;
  model->compact = TRUE;
}

/* The accessible description: the counts in words (cs_chart_describe()),
 * following the cohort and the filter on this variable. */
static void
update_description (CsMiniChart *self)
{
  g_autofree char *text = NULL;

  if (self->counts == NULL)
    text = g_strdup_printf (_("%s: no values to chart"), self->var_label);
  else if (self->counts->bars)
    {
      CsChartBarModel model;

      bar_model (self, &model);
      model.x_label = self->var_label;
      model.title = NULL;
      text = cs_chart_describe (CS_CHART_BAR, &model, NULL);
    }
  else
    {
      CsChartHistogramModel model;
      const CsFilterClause *range = find_clause (self, CS_CLAUSE_RANGE);

      histogram_model (self, &model);
      model.x_label = self->var_label;
      model.title = NULL;
      text = cs_chart_describe (CS_CHART_HISTOGRAM, &model, NULL);
      if (range != NULL)
        {
          g_autofree char *lo = isnan (range->lo) ? NULL : cs_format_double (range->lo);
          g_autofree char *hi = isnan (range->hi) ? NULL : cs_format_double (range->hi);
          char *with = NULL;

          if (lo != NULL && hi != NULL)
            with = g_strdup_printf (_("%s Filtered to %s to %s."), text, lo, hi);
          else if (lo != NULL)
            with = g_strdup_printf (_("%s Filtered to at least %s."), text, lo);
          else if (hi != NULL)
            with = g_strdup_printf (_("%s Filtered to at most %s."), text, hi);
          if (with != NULL)
            {
              g_free (text);
              text = with;
            }
        }
    }
  /* what the tooltip tells a mouse user, for a screen reader user */
  if (gtk_widget_get_tooltip_text (GTK_WIDGET (self)) != NULL)
    {
      char *with = g_strdup_printf ("%s %s.", text, gtk_widget_get_tooltip_text (GTK_WIDGET (self)));

      g_free (text);
      text = with;
    }
  if (g_strcmp0 (text, self->description) == 0)
    return;
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
  g_free (self->description);
  self->description = g_steal_pointer (&text);
}

const char *
_cs_mini_chart_get_description (CsMiniChart *self)
{
  g_return_val_if_fail (CS_IS_MINI_CHART (self), NULL);

  return self->description;
}

static void
on_state_changed (CsMiniChart *self)
{
  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* The layout of what is drawn at the widget's size */
static void
chart_layout (CsMiniChart   *self,
              CsChartLayout *layout)
{
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  double height = gtk_widget_get_height (GTK_WIDGET (self));
  CsChartStyle style;

  chart_style (self, &style);
  if (self->counts->bars)
    {
      CsChartBarModel model;

      bar_model (self, &model);
      cs_chart_bar_layout (&model, &style, width, height, layout);
    }
  else
    {
      CsChartHistogramModel model;

      histogram_model (self, &model);
      cs_chart_histogram_layout (&model, &style, width, height, layout);
    }
}

static void
cs_mini_chart_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  CsMiniChart *self = CS_MINI_CHART (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  CsChartStyle style;
  CsChartLayout layout;
  cairo_t *cr;

  if (self->counts == NULL || width <= 0 || height <= 0)
    return;

  chart_style (self, &style);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (self->counts->bars)
    {
      CsChartBarModel model;

      bar_model (self, &model);
      cs_chart_bar_draw (cr, width, height, &model, &style);
      if (gtk_widget_has_focus (widget) && self->counts->n > 0)
        {
          cs_chart_bar_layout (&model, &style, width, height, &layout);
          cs_chart_bar_draw_focus (cr, &model, &layout, &style,
                                   (guint) CLAMP (self->focus_bar, 0, (int) self->counts->n - 1));
        }
    }
  else
    {
      CsChartHistogramModel model;
      const CsFilterClause *range = find_clause (self, CS_CLAUSE_RANGE);

      histogram_model (self, &model);
      cs_chart_histogram_draw (cr, width, height, &model, &style);
      if (range != NULL && range->is_date == self->counts->is_date)
        {
          cs_chart_histogram_layout (&model, &style, width, height, &layout);
          cs_chart_histogram_draw_range (cr, &layout, &style, range->lo, range->hi);
        }
    }
  cairo_destroy (cr);
}

/* --------------------------------------------------------------- editing */

static void
toggle_bar (CsMiniChart *self,
            guint        index)
{
  cs_filter_state_toggle_variable_level (self->state, self->counts->var, index);
}

gboolean
_cs_mini_chart_click (CsMiniChart *self,
                      double       x,
                      double       y)
{
  g_return_val_if_fail (CS_IS_MINI_CHART (self), FALSE);

  if (self->counts == NULL)
    return FALSE;

  if (self->counts->bars)
    {
      CsChartBarModel model;
      CsChartLayout layout;
      int index;

      chart_layout (self, &layout);
      bar_model (self, &model);
      if ((index = cs_chart_bar_hit (&model, &layout, x, y)) < 0)
        return FALSE;
      self->focus_bar = index;
      toggle_bar (self, (guint) index);
      return TRUE;
    }

  if (find_clause (self, CS_CLAUSE_RANGE) == NULL)
    return FALSE;
  cs_filter_state_set_range (self->state, range_key (self), NAN, NAN, self->counts->is_date);
  return TRUE;
}

gboolean
_cs_mini_chart_get_bar_center (CsMiniChart *self,
                               const char  *level,
                               double      *x,
                               double      *y)
{
  CsChartLayout layout;
  int index;

  g_return_val_if_fail (CS_IS_MINI_CHART (self), FALSE);

  if (self->counts == NULL || (index = cs_variable_counts_find (self->counts, level)) < 0)
    return FALSE;
  chart_layout (self, &layout);
  *x = layout.plot.x + 4;
  *y = cs_chart_layout_y_to_px (&layout, index + 0.5);
  return TRUE;
}

/* A value under x px, clamped to the plot */
static double
value_at (const CsChartLayout *layout,
          double               x)
{
  return cs_chart_layout_px_to_x (layout, CLAMP (x, layout->plot.x, layout->plot.x + layout->plot.width));
}

static double
px_of (const CsChartLayout *layout,
       double               value)
{
  return CLAMP (cs_chart_layout_x_to_px (layout, value), layout->plot.x, layout->plot.x + layout->plot.width);
}

static void
brush_to (CsMiniChart *self,
          double       x)
{
  CsChartLayout layout;
  double v0, v1;

  chart_layout (self, &layout);
  v1 = value_at (&layout, x);
  switch (self->drag_mode)
    {
    case DRAG_LO:
      v0 = self->drag_hi;
      break;
    case DRAG_HI:
      v0 = self->drag_lo;
      break;
    case DRAG_NEW:
    default:
      v0 = value_at (&layout, self->drag_x0);
      break;
    }
  if (self->counts->is_date)
    {
      v0 = round (v0);
      v1 = round (v1);
    }
  else
    {
      /* Three significant digits of the data range are plenty for a brush */
      double step = pow (10, floor (log10 (MAX (layout.x_max - layout.x_min, 1e-300))) - 2);

      v0 = round (v0 / step) * step;
      v1 = round (v1 / step) * step;
    }
  cs_filter_state_set_range (self->state, range_key (self), MIN (v0, v1), MAX (v0, v1), self->counts->is_date);
}

/* A drag starts at x: from a handle of the current range, or anew */
static void
begin_brush (CsMiniChart *self,
             double       x)
{
  const CsFilterClause *range = find_clause (self, CS_CLAUSE_RANGE);
  CsChartLayout layout;

  self->drag_x0 = x;
  self->drag_mode = DRAG_NEW;
  if (range != NULL)
    {
      chart_layout (self, &layout);
      self->drag_lo = isnan (range->lo) ? layout.x_min : range->lo;
      self->drag_hi = isnan (range->hi) ? layout.x_max : range->hi;
      if (fabs (x - px_of (&layout, self->drag_lo)) <= HANDLE_SLOP)
        self->drag_mode = DRAG_LO;
      else if (fabs (x - px_of (&layout, self->drag_hi)) <= HANDLE_SLOP)
        self->drag_mode = DRAG_HI;
    }
  cs_filter_state_begin_group (self->state);
}

void
_cs_mini_chart_brush (CsMiniChart *self,
                      double       x0,
                      double       x1,
                      guint        steps)
{
  g_return_if_fail (CS_IS_MINI_CHART (self));
  g_return_if_fail (self->counts != NULL && !self->counts->bars);

  steps = MAX (steps, 1);
  begin_brush (self, x0);
  self->drag_mode = DRAG_NEW;
  for (guint i = 1; i <= steps; i++)
    brush_to (self, x0 + (x1 - x0) * i / steps);
  cs_filter_state_end_group (self->state);
}

/* ----------------------------------------------------------------- input */

/* A drag on a histogram (on bars only the press counts) */
static gboolean
brushing (CsMiniChart *self)
{
  return self->counts != NULL && !self->counts->bars;
}

/* A drag that has not moved is a click */
static gboolean
is_click (CsMiniChart *self,
          double       dx)
{
  return fabs (dx) < CLICK_SLOP && self->drag_mode == DRAG_NEW;
}

static void
on_drag_begin (CsMiniChart    *self,
               double          x,
               double          y,
               GtkGestureDrag *gesture)
{
  if (self->counts == NULL)
    return;
  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (self->counts->bars)
    {
      /* A bar toggles on press */
      if (_cs_mini_chart_click (self, x, y))
        gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
      return;
    }
  begin_brush (self, x);
}

static void
on_drag_update (CsMiniChart    *self,
                double          dx,
                double          dy,
                GtkGestureDrag *gesture)
{
  if (brushing (self) && !is_click (self, dx))
    brush_to (self, self->drag_x0 + dx);
}

static void
on_drag_end (CsMiniChart    *self,
             double          dx,
             double          dy,
             GtkGestureDrag *gesture)
{
  if (!brushing (self))
    return;
  if (is_click (self, dx))
    _cs_mini_chart_click (self, self->drag_x0, 0);
  cs_filter_state_end_group (self->state);
}

static gboolean
on_key_pressed (CsMiniChart           *self,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        modifiers,
                GtkEventControllerKey *controller)
{
  const CsVariableCounts *counts = self->counts;

  if (counts == NULL || (counts->bars && counts->n == 0))
    return FALSE;

  switch (keyval)
    {
    case GDK_KEY_Left:
    case GDK_KEY_Right:
      if (!counts->bars)
        return FALSE;
      self->focus_bar = CLAMP (self->focus_bar + (keyval == GDK_KEY_Left ? -1 : 1), 0, (int) counts->n - 1);
      gtk_widget_queue_draw (GTK_WIDGET (self));
      return TRUE;
    case GDK_KEY_space:
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
      if (counts->bars)
        toggle_bar (self, (guint) CLAMP (self->focus_bar, 0, (int) counts->n - 1));
      return counts->bars;
    case GDK_KEY_Delete:
    case GDK_KEY_BackSpace:
      cs_filter_state_remove_variable (self->state, self->counts->var);
      return TRUE;
    default:
      return FALSE;
    }
}

static void
on_focus_changed (CsMiniChart             *self,
                  GtkEventControllerFocus *controller)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* ---------------------------------------------------------------- object */

static void
clear_variable (CsMiniChart *self)
{
  if (self->state != NULL)
    g_signal_handlers_disconnect_by_data (self->state, self);
  g_clear_object (&self->state);
  g_clear_pointer (&self->counts, cs_variable_counts_free);
  g_clear_pointer (&self->key, g_free);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->var_label, g_free);
  g_clear_pointer (&self->description, g_free);
  g_clear_pointer (&self->marked, g_free);
}

static void
cs_mini_chart_dispose (GObject *object)
{
  CsMiniChart *self = CS_MINI_CHART (object);

  clear_variable (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), CS_TYPE_MINI_CHART);

  G_OBJECT_CLASS (cs_mini_chart_parent_class)->dispose (object);
}

static void
cs_mini_chart_class_init (CsMiniChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cs_mini_chart_dispose;
  widget_class->snapshot = cs_mini_chart_snapshot;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/cohortscope/Cohortscope/cs-mini-chart.ui");
  gtk_widget_class_bind_template_callback (widget_class, on_drag_begin);
  gtk_widget_class_bind_template_callback (widget_class, on_drag_update);
  gtk_widget_class_bind_template_callback (widget_class, on_drag_end);
  gtk_widget_class_bind_template_callback (widget_class, on_key_pressed);
  gtk_widget_class_bind_template_callback (widget_class, on_focus_changed);

  gtk_widget_class_set_css_name (widget_class, "cs-mini-chart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
cs_mini_chart_init (CsMiniChart *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
cs_mini_chart_new (void)
{
  return g_object_new (CS_TYPE_MINI_CHART, NULL);
}

gboolean
cs_mini_chart_set_variable (CsMiniChart   *self,
                            CsFilterState *state,
                            CsVariable    *var,
                            gboolean       titled)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (CS_IS_MINI_CHART (self), FALSE);
  g_return_val_if_fail (CS_IS_FILTER_STATE (state), FALSE);
  g_return_val_if_fail (var != NULL, FALSE);

  clear_variable (self);
  self->state = g_object_ref (state);
  self->key = g_strdup (var->key);
  self->title = titled ? g_strdup (var->label != NULL ? var->label : var->key) : NULL;
  self->counts = cs_variable_counts_new (var);
  self->marked = g_new0 (guint8, self->counts != NULL ? MAX (self->counts->n, 1) : 1);
  self->focus_bar = 0;
  self->var_label = g_strdup (var->label != NULL ? var->label : var->key);
  g_signal_connect_object (state, "changed", G_CALLBACK (on_state_changed), self, G_CONNECT_SWAPPED);

  name = g_strdup_printf (_("Chart %s"), var->key);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  if (self->counts == NULL)
    gtk_widget_set_tooltip_text (GTK_WIDGET (self), NULL);
  else
    gtk_widget_set_tooltip_text (GTK_WIDGET (self), self->counts->bars
                                 ? _("Click a bar (or Left/Right and Space) to filter by that value")
                                 : _("Drag to filter by a range; click to clear it"));
  /* after the tooltip, which GTK also makes the description */
  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));

  return self->counts != NULL;
}

const char *
cs_mini_chart_get_key (CsMiniChart *self)
{
  g_return_val_if_fail (CS_IS_MINI_CHART (self), NULL);

  return self->key;
}

void
cs_mini_chart_set_selection (CsMiniChart    *self,
                             const CsBitset *rows)
{
  g_return_if_fail (CS_IS_MINI_CHART (self));

  if (self->counts == NULL)
    return;
  cs_variable_counts_update (self->counts, rows);
  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
