/* cs-chart-widget.c
 *
 * The static chart lives in a cached image surface at the widget's scale;
 * it is redrawn only when the model, the size, the scale or the style
 * (light/dark) changes. The hover target, the keyboard focus cell and the
 * brush rectangle are drawn over it on every snapshot.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "cs-chart-widget.h"
#include "cs-date.h"

#define HIT_RADIUS 8.0
#define DRAG_THRESHOLD 4.0

struct _CsChartWidget
{
  GtkWidget        parent_instance;

  gboolean         has_model;
  CsChartKind      kind;
  CsChartModel     model;
  gpointer         owner;
  GDestroyNotify   owner_free;

  /* heat map display order and its inverse */
  guint           *heat_order;
  guint           *heat_display;
  /* the heat map scrolls its rows (labels never shrink): the display row
   * at the top is model.heatmap.first_row, mirrored by this adjustment */
  GtkAdjustment   *heat_adjustment;
  double           scroll_rest;    /* smooth scrolling: the part of a row not scrolled yet */

  CsStore         *store;
  guint           *rows;
  guint            n_rows;

  /* the export's caption */
  char            *caption_test;
  char            *caption_variables;
  char            *file_stem;

  cairo_surface_t *cache;
  int              cache_width;
  int              cache_height;
  int              cache_scale;
  gboolean         cache_dark;
  CsChartLayout    layout;
  gboolean         layout_valid;

  /* hover */
  gboolean         hovering;
  double           hover_x;
  double           hover_y;

  /* the caller's test result for the accessible description */
  char            *statistics;
  /* the accessible label when no heat map cell has the focus */
  char            *name;

  /* heat map keyboard focus (display row, column) */
  gboolean         has_focus_cell;
  guint            focus_row;
  guint            focus_col;

  /* scatter brush */
  gboolean         dragging;
  double           drag_x0, drag_y0, drag_x1, drag_y1;
  gboolean         has_brush;
  double           brush_x0, brush_x1, brush_y0, brush_y1;
  guint8          *brush_mask;
  const guint8    *model_selected;

  /* a scatter point's context menu (Open Patient, Open Images) */
  GtkWidget       *point_menu;
};

G_DEFINE_FINAL_TYPE (CsChartWidget, cs_chart_widget, GTK_TYPE_WIDGET)

enum
{
  SIGNAL_ROWS_SELECTED,
  SIGNAL_CELL_ACTIVATED,
  SIGNAL_PATIENT_REQUESTED,
  SIGNAL_CAPTION_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum
{
  PROP_0,
  PROP_ACCESSIBLE_LABEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void update_label    (CsChartWidget *self);
static void set_focus_cell  (CsChartWidget *self,
                             guint          display_row,
                             guint          col);

static const CsChartStyle *
current_style (void)
{
  return adw_style_manager_get_dark (adw_style_manager_get_default ())
         ? cs_chart_style_dark () : cs_chart_style_light ();
}

static void
invalidate (CsChartWidget *self)
{
  g_clear_pointer (&self->cache, cairo_surface_destroy);
  self->layout_valid = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
ensure_layout (CsChartWidget *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));

  if (!self->has_model || width <= 0 || height <= 0)
    {
      self->layout_valid = FALSE;
      return;
    }
  if (self->layout_valid && self->layout.width == width && self->layout.height == height)
    return;
  cs_chart_layout (self->kind, &self->model, current_style (), width, height, &self->layout);
  self->layout_valid = TRUE;
  /* the layout clamps first_row */
  if (self->kind == CS_CHART_HEATMAP)
    self->model.heatmap.first_row = self->layout.first_row;
}

/* The scroll bar shows what the heat map draws. Not while drawing: the bar
 * would be changed in the middle of the frame. */
static void
sync_heat_adjustment (CsChartWidget *self)
{
  if (self->heat_adjustment == NULL)
    return;
  ensure_layout (self);
  if (self->layout_valid && self->kind == CS_CHART_HEATMAP)
    gtk_adjustment_configure (self->heat_adjustment, self->layout.first_row, 0, self->model.heatmap.n_rows,
                              1, MAX (1, self->layout.n_rows), self->layout.n_rows);
  else
    gtk_adjustment_configure (self->heat_adjustment, 0, 0, 1, 1, 1, 1);
}

/* The heat map's row labels: the GNOME caption size of the widget's font
 * (0.82 em), at least 10 px */
static double
heat_label_size (CsChartWidget *self)
{
  PangoContext *context = gtk_widget_get_pango_context (GTK_WIDGET (self));
  PangoFontDescription *font = context != NULL ? pango_context_get_font_description (context) : NULL;
  double px = 14.0;

  if (font != NULL && pango_font_description_get_size (font) > 0)
    {
      px = pango_font_description_get_size (font) / (double) PANGO_SCALE;
      if (!pango_font_description_get_size_is_absolute (font))
        px *= 96.0 / 72.0;
    }
  return MAX (10.0, round (px * 0.82));
}

/* Scrolls the heat map so display row first is at the top */
static void
heat_scroll_to (CsChartWidget *self,
                double         first)
{
  guint row;

  if (!self->has_model || self->kind != CS_CHART_HEATMAP)
    return;
  row = (guint) CLAMP (first, 0, self->model.heatmap.n_rows > 0 ? self->model.heatmap.n_rows - 1 : 0);
  if (row == self->model.heatmap.first_row)
    return;
  self->model.heatmap.first_row = row;
  invalidate (self);
  sync_heat_adjustment (self);
}

static void
on_heat_adjustment_changed (CsChartWidget *self)
{
  heat_scroll_to (self, round (gtk_adjustment_get_value (self->heat_adjustment)));
}

static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           CsChartWidget            *self)
{
  double rows;

  if (!self->has_model || self->kind != CS_CHART_HEATMAP || !self->layout_valid
      || self->layout.n_rows >= self->model.heatmap.n_rows)
    return FALSE;
  /* three rows a wheel step, as GTK's lists */
  rows = self->scroll_rest + dy * 3;
  self->scroll_rest = rows - trunc (rows);
  heat_scroll_to (self, (double) self->model.heatmap.first_row + trunc (rows));
  return TRUE;
}

static void
on_dark_changed (CsChartWidget *self)
{
  invalidate (self);
}

/* ---------------------------------------------------------------- model */

static void
free_model (CsChartWidget *self)
{
  if (self->owner_free != NULL && self->owner != NULL)
    self->owner_free (self->owner);
  self->owner = NULL;
  self->owner_free = NULL;
  self->has_model = FALSE;
  g_clear_pointer (&self->heat_order, g_free);
  g_clear_pointer (&self->heat_display, g_free);
  g_clear_pointer (&self->brush_mask, g_free);
  g_clear_pointer (&self->rows, g_free);
  g_clear_object (&self->store);
  self->n_rows = 0;
  self->has_brush = FALSE;
  self->dragging = FALSE;
  self->has_focus_cell = FALSE;
  self->model_selected = NULL;
  memset (&self->model, 0, sizeof self->model);
}

/* The accessible description says what the chart shows
 * (cs_chart_describe()); without a model, that there is none. */
static void
update_description (CsChartWidget *self)
{
  g_autofree char *text = NULL;

  if (self->has_model)
    text = cs_chart_describe (self->kind, &self->model, self->statistics);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  text != NULL ? text : _("No chart"), -1);
}

void
cs_chart_widget_set_statistics (CsChartWidget *self,
                                const char    *statistics)
{
  g_return_if_fail (CS_IS_CHART_WIDGET (self));

  if (g_strcmp0 (self->statistics, statistics) == 0)
    return;
  g_free (self->statistics);
  self->statistics = g_strdup (statistics);
  update_description (self);
}

char *
cs_chart_widget_dup_description (CsChartWidget *self)
{
  g_return_val_if_fail (CS_IS_CHART_WIDGET (self), NULL);

  if (!self->has_model)
    return NULL;
  return cs_chart_describe (self->kind, &self->model, self->statistics);
}

void
cs_chart_widget_set_model (CsChartWidget  *self,
                           CsChartKind     kind,
                           gconstpointer   model,
                           gpointer        owner,
                           GDestroyNotify  owner_free)
{
  gsize size = 0;

  g_return_if_fail (CS_IS_CHART_WIDGET (self));
  g_return_if_fail (model != NULL);

  free_model (self);

  switch (kind)
    {
    case CS_CHART_SCATTER: size = sizeof (CsChartScatterModel); break;
    case CS_CHART_BOX: size = sizeof (CsChartBoxModel); break;
    case CS_CHART_HISTOGRAM: size = sizeof (CsChartHistogramModel); break;
    case CS_CHART_BAR: size = sizeof (CsChartBarModel); break;
    case CS_CHART_KM: size = sizeof (CsChartKmModel); break;
    case CS_CHART_HEATMAP: size = sizeof (CsChartHeatmapModel); break;
    case CS_CHART_FOREST: size = sizeof (CsChartForestModel); break;
    default: g_return_if_reached ();
    }
  memcpy (&self->model, model, size);
  self->kind = kind;
  self->owner = owner;
  self->owner_free = owner_free;
  self->has_model = TRUE;

  if (kind == CS_CHART_SCATTER)
    self->model_selected = self->model.scatter.selected;
  else if (kind == CS_CHART_HEATMAP && self->model.heatmap.n_rows > 0)
    {
      CsChartHeatmapModel *hm = &self->model.heatmap;

      self->heat_order = g_new (guint, hm->n_rows);
      self->heat_display = g_new (guint, hm->n_rows);
      if (hm->row_order != NULL)
        memcpy (self->heat_order, hm->row_order, sizeof (guint) * hm->n_rows);
      else
        cs_chart_heatmap_order_rows (hm, hm->order, self->heat_order);
      for (guint i = 0; i < hm->n_rows; i++)
        self->heat_display[self->heat_order[i]] = i;
      hm->row_order = self->heat_order;
      /* readable rows that scroll, whatever their number */
      hm->row_label_size = heat_label_size (self);
      hm->first_row = 0;
    }

  update_description (self);
  update_label (self);
  if (kind == CS_CHART_HEATMAP && gtk_widget_has_focus (GTK_WIDGET (self)) &&
      self->model.heatmap.n_rows > 0 && self->model.heatmap.n_cols > 0)
    set_focus_cell (self, 0, 0);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  invalidate (self);
}

void
cs_chart_widget_clear (CsChartWidget *self)
{
  g_return_if_fail (CS_IS_CHART_WIDGET (self));

  free_model (self);
  g_clear_pointer (&self->statistics, g_free);
  sync_heat_adjustment (self);
  update_description (self);
  update_label (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  invalidate (self);
}

gboolean
cs_chart_widget_has_model (CsChartWidget *self)
{
  g_return_val_if_fail (CS_IS_CHART_WIDGET (self), FALSE);

  return self->has_model;
}

CsChartKind
cs_chart_widget_get_kind (CsChartWidget *self)
{
  g_return_val_if_fail (CS_IS_CHART_WIDGET (self), CS_CHART_SCATTER);

  return self->kind;
}

gconstpointer
cs_chart_widget_get_model (CsChartWidget *self)
{
  g_return_val_if_fail (CS_IS_CHART_WIDGET (self), NULL);

  return self->has_model ? (gconstpointer) &self->model : NULL;
}

void
cs_chart_widget_set_rows (CsChartWidget *self,
                          CsStore       *store,
                          const guint   *rows,
                          guint          n)
{
  g_return_if_fail (CS_IS_CHART_WIDGET (self));

  g_set_object (&self->store, store);
  g_clear_pointer (&self->rows, g_free);
  self->rows = n > 0 ? g_memdup2 (rows, sizeof (guint) * n) : NULL;
  self->n_rows = n;
}

gboolean
cs_chart_widget_get_layout (CsChartWidget *self,
                            CsChartLayout *layout)
{
  g_return_val_if_fail (CS_IS_CHART_WIDGET (self), FALSE);

  ensure_layout (self);
  if (!self->layout_valid)
    return FALSE;
  if (layout != NULL)
    *layout = self->layout;
  return TRUE;
}

/* ------------------------------------------------------------- describe */

static char *
format_value (double   value,
              gboolean is_date)
{
  if (isnan (value))
    return g_strdup (_("missing"));
  if (is_date)
    {
      char date[CS_DATE_BUF_SIZE];

      cs_date_format_buf (value, date);
      if (date[0] != '\0')
        return g_strdup (date);
    }
  return g_strdup_printf ("%.4g", value);
}

static gboolean
heat_cell_rect (CsChartWidget *self,
                guint          display_row,
                guint          col,
                CsChartRect   *rect)
{
  if (!self->layout_valid || self->kind != CS_CHART_HEATMAP)
    return FALSE;
  if (display_row >= self->model.heatmap.n_rows || col >= self->model.heatmap.n_cols)
    return FALSE;
  if (display_row < self->layout.first_row || display_row >= self->layout.first_row + self->layout.n_rows)
    return FALSE;
  rect->x = self->layout.plot.x + col * self->layout.band_width;
  rect->y = self->layout.plot.y + (display_row - self->layout.first_row) * self->layout.band_height;
  rect->width = self->layout.band_width;
  rect->height = self->layout.band_height;
  return TRUE;
}

static char *
describe_heat_cell (CsChartWidget *self,
                    guint          row,
                    guint          col)
{
  return cs_chart_heatmap_describe_cell (&self->model.heatmap, row, col);
}

static char *
describe_forest_row (const CsChartForestRow *row)
{
  g_autofree char *estimate = NULL;

  switch (row->kind)
    {
    case CS_CHART_FOREST_HEADING:
      return g_strdup (row->label);
    case CS_CHART_FOREST_REFERENCE:
      /* Translators: a forest plot's tooltip: the reference level of a covariate and its patients */
      return g_strdup_printf (_("%s\nReference level: hazard ratio 1, %u patients"), row->label, row->n);
    case CS_CHART_FOREST_TERM:
    default:
      break;
    }
  estimate = cs_chart_forest_row_text (row);
  if (isfinite (row->p_value))
    /* Translators: a forest plot's tooltip: term, hazard ratio (95% CI), p and patients */
    return g_strdup_printf (_("%s\nHazard ratio %s, p = %.3g, %u patients"), row->label, estimate,
                            row->p_value, row->n);
  return g_strdup_printf (_("%s\nHazard ratio %s, %u patients"), row->label, estimate, row->n);
}

char *
cs_chart_widget_describe_at (CsChartWidget *self,
                             double         x,
                             double         y)
{
  g_return_val_if_fail (CS_IS_CHART_WIDGET (self), NULL);

  ensure_layout (self);
  if (!self->layout_valid)
    return NULL;

  switch (self->kind)
    {
    case CS_CHART_SCATTER:
      {
        const CsChartScatterModel *m = &self->model.scatter;
        int i = cs_chart_scatter_hit (m, &self->layout, x, y, HIT_RADIUS);
        g_autofree char *xs = NULL;
        g_autofree char *ys = NULL;
        GString *s;

        if (i < 0)
          return NULL;
        xs = format_value (m->x[i], m->x_is_date);
        ys = format_value (m->y[i], m->y_is_date);
        s = g_string_new (NULL);
        if (self->store != NULL && (guint) i < self->n_rows)
          {
            guint row = self->rows[i];
            GPtrArray *uids = cs_store_get_patient_study_uids (self->store, row);   /* owned by the store */

            g_string_append_printf (s, _("Patient %s"), cs_store_get_patient_id (self->store, row));
            if (uids != NULL && uids->len > 0)
              for (guint k = 0; k < uids->len; k++)
                {
                  g_string_append_c (s, '\n');
                  g_string_append_printf (s, _("ImagingStudy %s"), (const char *) g_ptr_array_index (uids, k));
                }
            else
              {
                g_string_append_c (s, '\n');
                g_string_append (s, _("No ImagingStudy"));
              }
            g_string_append_c (s, '\n');
          }
        g_string_append_printf (s, "%s: %s\n%s: %s",
                                m->x_label != NULL ? m->x_label : "x", xs,
                                m->y_label != NULL ? m->y_label : "y", ys);
        return g_string_free (s, FALSE);
      }

    case CS_CHART_BOX:
      {
        const CsChartBoxModel *m = &self->model.box;
        int band = cs_chart_band_hit (&self->layout, x, y);
        CsChartBoxStats st;

        if (band < 0 || (guint) band >= m->n_groups)
          return NULL;
        if (!cs_chart_box_stats (m->values[band], m->n_values[band], &st))
          return g_strdup_printf (_("%s\nNo values"), m->group_labels[band]);
        return g_strdup_printf (_("%s\nn = %u, median %.4g (IQR %.4g–%.4g)"),
                                m->group_labels[band], st.n, st.median, st.q1, st.q3);
      }

    case CS_CHART_BAR:
      {
        const CsChartBarModel *m = &self->model.bar;
        int band = cs_chart_band_hit (&self->layout, x, y);

        if (band < 0 || (guint) band >= m->n_categories)
          return NULL;
        if (m->counts_selected != NULL)
          return g_strdup_printf (_("%s\n%.0f of %.0f patients"), m->labels[band],
                                  m->counts_selected[band], m->counts_all[band]);
        return g_strdup_printf (_("%s\n%.0f patients"), m->labels[band], m->counts_all[band]);
      }

    case CS_CHART_HISTOGRAM:
      {
        double lo, hi;
        guint count;

        if (cs_chart_histogram_hit (&self->model.histogram, &self->layout, x, y, &lo, &hi, &count) < 0)
          return NULL;
        return g_strdup_printf (_("%.4g to %.4g\n%u patients"), lo, hi, count);
      }

    case CS_CHART_KM:
      {
        double t, s;
        int g = cs_chart_km_hit (&self->model.km, &self->layout, x, y, HIT_RADIUS, &t, &s);

        if (g < 0)
          return NULL;
        return g_strdup_printf (_("%s\nTime %.4g: survival %.3f, %u at risk"),
                                self->model.km.groups[g].label, t, s,
                                cs_chart_km_at_risk (&self->model.km.groups[g], t));
      }

    case CS_CHART_HEATMAP:
      {
        guint row, col;

        if (!cs_chart_heatmap_hit (&self->model.heatmap, &self->layout, x, y, &row, &col))
          return NULL;
        return describe_heat_cell (self, row, col);
      }

    case CS_CHART_FOREST:
      {
        int i = cs_chart_forest_hit (&self->model.forest, &self->layout, x, y);

        return i >= 0 ? describe_forest_row (&self->model.forest.rows[i]) : NULL;
      }

    default:
      return NULL;
    }
}

gboolean
cs_chart_widget_get_cell_center (CsChartWidget *self,
                                 guint          row,
                                 guint          col,
                                 double        *x,
                                 double        *y)
{
  CsChartRect rect;

  g_return_val_if_fail (CS_IS_CHART_WIDGET (self), FALSE);

  ensure_layout (self);
  if (!self->has_model || self->kind != CS_CHART_HEATMAP || row >= self->model.heatmap.n_rows)
    return FALSE;
  if (!heat_cell_rect (self, self->heat_display[row], col, &rect))
    return FALSE;
  *x = rect.x + rect.width / 2;
  *y = rect.y + rect.height / 2;
  return TRUE;
}

/* ---------------------------------------------------------------- brush */

static void
emit_selection (CsChartWidget *self)
{
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (guint));

  if (self->has_brush && self->brush_mask != NULL)
    for (guint i = 0; i < self->model.scatter.n; i++)
      if (self->brush_mask[i])
        {
          guint row = (self->rows != NULL && i < self->n_rows) ? self->rows[i] : i;

          g_array_append_val (rows, row);
        }
  g_signal_emit (self, signals[SIGNAL_ROWS_SELECTED], 0, rows);
}

static void
clear_brush (CsChartWidget *self)
{
  if (!self->has_brush)
    return;
  self->has_brush = FALSE;
  g_clear_pointer (&self->brush_mask, g_free);
  self->model.scatter.selected = self->model_selected;
  invalidate (self);
  emit_selection (self);
}

guint
cs_chart_widget_brush_data (CsChartWidget *self,
                            double         x0,
                            double         x1,
                            double         y0,
                            double         y1)
{
  const CsChartScatterModel *m;
  guint inside = 0;

  g_return_val_if_fail (CS_IS_CHART_WIDGET (self), 0);

  if (!self->has_model || self->kind != CS_CHART_SCATTER)
    return 0;
  m = &self->model.scatter;
  self->brush_x0 = MIN (x0, x1);
  self->brush_x1 = MAX (x0, x1);
  self->brush_y0 = MIN (y0, y1);
  self->brush_y1 = MAX (y0, y1);
  self->has_brush = TRUE;
  g_clear_pointer (&self->brush_mask, g_free);
  self->brush_mask = g_new0 (guint8, MAX (m->n, 1));
  for (guint i = 0; i < m->n; i++)
    {
      double x = m->x[i], y = m->y[i];

      if (isnan (x) || isnan (y))
        continue;
      if (self->model_selected != NULL && !self->model_selected[i])
        continue;
      if (x >= self->brush_x0 && x <= self->brush_x1 && y >= self->brush_y0 && y <= self->brush_y1)
        {
          self->brush_mask[i] = 1;
          inside++;
        }
    }
  self->model.scatter.selected = self->brush_mask;
  invalidate (self);
  emit_selection (self);
  return inside;
}

gboolean
cs_chart_widget_get_brush (CsChartWidget *self,
                           double        *x0,
                           double        *x1,
                           double        *y0,
                           double        *y1)
{
  g_return_val_if_fail (CS_IS_CHART_WIDGET (self), FALSE);

  if (!self->has_brush)
    return FALSE;
  *x0 = self->brush_x0;
  *x1 = self->brush_x1;
  *y0 = self->brush_y0;
  *y1 = self->brush_y1;
  return TRUE;
}

gboolean
cs_chart_widget_click (CsChartWidget *self,
                       double         x,
                       double         y)
{
  g_return_val_if_fail (CS_IS_CHART_WIDGET (self), FALSE);

  ensure_layout (self);
  if (!self->layout_valid)
    return FALSE;

  if (self->kind == CS_CHART_HEATMAP)
    {
      guint row, col;

      if (!cs_chart_heatmap_hit (&self->model.heatmap, &self->layout, x, y, &row, &col))
        return FALSE;
      set_focus_cell (self, self->heat_display[row], col);
      g_signal_emit (self, signals[SIGNAL_CELL_ACTIVATED], 0, row, col);
      return TRUE;
    }
  if (self->kind == CS_CHART_SCATTER && self->has_brush)
    {
      clear_brush (self);
      return TRUE;
    }
  return FALSE;
}

/* ---------------------------------------------------------------- input */

static void
on_motion (GtkEventControllerMotion *motion,
           double                    x,
           double                    y,
           CsChartWidget            *self)
{
  self->hovering = TRUE;
  self->hover_x = x;
  self->hover_y = y;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_leave (GtkEventControllerMotion *motion,
          CsChartWidget            *self)
{
  self->hovering = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_drag_begin (GtkGestureDrag *gesture,
               double          x,
               double          y,
               CsChartWidget  *self)
{
  self->drag_x0 = self->drag_x1 = x;
  self->drag_y0 = self->drag_y1 = y;
  self->dragging = FALSE;
  gtk_widget_grab_focus (GTK_WIDGET (self));
}

static void
on_drag_update (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                CsChartWidget  *self)
{
  if (self->kind != CS_CHART_SCATTER || !self->has_model)
    return;
  if (!self->dragging && hypot (dx, dy) < DRAG_THRESHOLD)
    return;
  self->dragging = TRUE;
  self->drag_x1 = self->drag_x0 + dx;
  self->drag_y1 = self->drag_y0 + dy;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_drag_end (GtkGestureDrag *gesture,
             double          dx,
             double          dy,
             CsChartWidget  *self)
{
  if (self->dragging)
    {
      self->dragging = FALSE;
      ensure_layout (self);
      if (self->layout_valid)
        cs_chart_widget_brush_data (self,
                                    cs_chart_layout_px_to_x (&self->layout, self->drag_x0),
                                    cs_chart_layout_px_to_x (&self->layout, self->drag_x0 + dx),
                                    cs_chart_layout_px_to_y (&self->layout, self->drag_y0),
                                    cs_chart_layout_px_to_y (&self->layout, self->drag_y0 + dy));
      return;
    }
  cs_chart_widget_click (self, self->drag_x0, self->drag_y0);
}

/* Rows a Page Up / Page Down moves: those that fit in the plot, at least 1. */
static guint
heat_page_rows (CsChartWidget *self)
{
  ensure_layout (self);
  if (self->layout_valid && self->layout.band_height > 0)
    return MAX (1, (guint) floor (self->layout.plot.height / self->layout.band_height) - 1);
  return 10;
}

/* The accessible label: the focus cell of a heat map ("Volume × Grade:
 * ρ = −0.84, q = 0.0031"), else the chart's name. */
static void
update_label (CsChartWidget *self)
{
  g_autofree char *cell = NULL;

  if (self->has_model && self->kind == CS_CHART_HEATMAP && self->has_focus_cell)
    cell = cs_chart_heatmap_describe_cell (&self->model.heatmap, self->heat_order[self->focus_row],
                                           self->focus_col);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  cell != NULL ? cell : self->name, -1);
}

static void
set_focus_cell (CsChartWidget *self,
                guint          display_row,
                guint          col)
{
  if (self->has_focus_cell && self->focus_row == display_row && self->focus_col == col)
    return;
  self->has_focus_cell = TRUE;
  self->focus_row = display_row;
  self->focus_col = col;
  /* the focus cell stays in view */
  ensure_layout (self);
  if (self->layout_valid && display_row < self->layout.first_row)
    heat_scroll_to (self, display_row);
  else if (self->layout_valid && self->layout.n_rows > 0 && display_row >= self->layout.first_row + self->layout.n_rows)
    heat_scroll_to (self, display_row - self->layout.n_rows + 1);
  update_label (self);
  gtk_widget_trigger_tooltip_query (GTK_WIDGET (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
cs_chart_widget_get_focus_cell (CsChartWidget *self,
                                guint         *row,
                                guint         *col)
{
  g_return_val_if_fail (CS_IS_CHART_WIDGET (self), FALSE);

  if (!self->has_model || self->kind != CS_CHART_HEATMAP || !self->has_focus_cell)
    return FALSE;
  if (row != NULL)
    *row = self->heat_order[self->focus_row];
  if (col != NULL)
    *col = self->focus_col;
  return TRUE;
}

void
cs_chart_widget_set_accessible_label (CsChartWidget *self,
                                      const char    *label)
{
  g_return_if_fail (CS_IS_CHART_WIDGET (self));

  if (label == NULL)
    label = _("Chart");
  if (g_strcmp0 (self->name, label) == 0)
    return;
  g_free (self->name);
  self->name = g_strdup (label);
  update_label (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCESSIBLE_LABEL]);
}

const char *
cs_chart_widget_get_accessible_label (CsChartWidget *self)
{
  g_return_val_if_fail (CS_IS_CHART_WIDGET (self), NULL);

  return self->name;
}

static void
cs_chart_widget_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  CsChartWidget *self = CS_CHART_WIDGET (object);

  switch (prop_id)
    {
    case PROP_ACCESSIBLE_LABEL:
      g_value_set_string (value, self->name);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_chart_widget_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  CsChartWidget *self = CS_CHART_WIDGET (object);

  switch (prop_id)
    {
    case PROP_ACCESSIBLE_LABEL:
      cs_chart_widget_set_accessible_label (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* A keyboard user entering a heat map lands on its first cell, so that the
 * focus is visible and the cell is said at once. */
static void
on_focus_enter (GtkEventControllerFocus *focus,
                CsChartWidget           *self)
{
  if (self->has_model && self->kind == CS_CHART_HEATMAP && !self->has_focus_cell &&
      self->model.heatmap.n_rows > 0 && self->model.heatmap.n_cols > 0)
    set_focus_cell (self, 0, 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
on_key_pressed (GtkEventControllerKey *key,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                CsChartWidget         *self)
{
  if (keyval == GDK_KEY_Escape && self->has_brush)
    {
      clear_brush (self);
      return TRUE;
    }
  if (!self->has_model || self->kind != CS_CHART_HEATMAP || self->model.heatmap.n_rows == 0 ||
      self->model.heatmap.n_cols == 0)
    return FALSE;

  if (keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter || keyval == GDK_KEY_space ||
      keyval == GDK_KEY_KP_Space)
    {
      if (!self->has_focus_cell)
        return FALSE;
      g_signal_emit (self, signals[SIGNAL_CELL_ACTIVATED], 0,
                     self->heat_order[self->focus_row], self->focus_col);
      return TRUE;
    }
  {
    guint n_rows = self->model.heatmap.n_rows, n_cols = self->model.heatmap.n_cols;
    guint row = self->has_focus_cell ? self->focus_row : 0;
    guint col = self->has_focus_cell ? self->focus_col : 0;
    guint page = heat_page_rows (self);
    gboolean ctrl = (state & GDK_CONTROL_MASK) != 0;

    switch (keyval)
      {
      case GDK_KEY_Up: case GDK_KEY_KP_Up:
        row = row > 0 ? row - 1 : 0;
        break;
      case GDK_KEY_Down: case GDK_KEY_KP_Down:
        row = MIN (row + 1, n_rows - 1);
        break;
      case GDK_KEY_Left: case GDK_KEY_KP_Left:
        col = col > 0 ? col - 1 : 0;
        break;
      case GDK_KEY_Right: case GDK_KEY_KP_Right:
        col = MIN (col + 1, n_cols - 1);
        break;
      case GDK_KEY_Home: case GDK_KEY_KP_Home:
        /* the first cell of the row; with Ctrl, of the map */
        col = 0;
        if (ctrl)
          row = 0;
        break;
      case GDK_KEY_End: case GDK_KEY_KP_End:
        col = n_cols - 1;
        if (ctrl)
          row = n_rows - 1;
        break;
      case GDK_KEY_Page_Up: case GDK_KEY_KP_Page_Up:
        row = row > page ? row - page : 0;
        break;
      case GDK_KEY_Page_Down: case GDK_KEY_KP_Page_Down:
        row = MIN (row + page, n_rows - 1);
        break;
      default:
        return FALSE;
      }
    set_focus_cell (self, row, col);
  }
  return TRUE;
}

static gboolean
on_query_tooltip (GtkWidget  *widget,
                  int         x,
                  int         y,
                  gboolean    keyboard,
                  GtkTooltip *tooltip,
                  gpointer    data)
{
  CsChartWidget *self = CS_CHART_WIDGET (widget);
  g_autofree char *text = NULL;

  if (keyboard && self->has_focus_cell && self->kind == CS_CHART_HEATMAP)
    text = describe_heat_cell (self, self->heat_order[self->focus_row], self->focus_col);
  else
    text = cs_chart_widget_describe_at (self, x, y);
  if (text == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
activate_cell_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  CsChartWidget *self = CS_CHART_WIDGET (widget);
  guint row, col;

  g_variant_get (parameter, "(uu)", &row, &col);
  if (!self->has_model || self->kind != CS_CHART_HEATMAP)
    return;
  if (row >= self->model.heatmap.n_rows || col >= self->model.heatmap.n_cols)
    return;
  g_signal_emit (self, signals[SIGNAL_CELL_ACTIVATED], 0, row, col);
}

/* ------------------------------------------------------------- drawing */

static void
draw_overlay (CsChartWidget *self,
              cairo_t       *cr)
{
  const CsChartStyle *style = current_style ();
  CsChartColor fg = style->fg;

  if (self->kind == CS_CHART_HEATMAP && self->has_focus_cell && gtk_widget_has_focus (GTK_WIDGET (self)))
    {
      CsChartRect rect;

      if (heat_cell_rect (self, self->focus_row, self->focus_col, &rect))
        {
          cairo_set_source_rgba (cr, fg.r, fg.g, fg.b, 1);
          cairo_set_line_width (cr, 2);
          cairo_set_dash (cr, (double[]) { 3, 2 }, 2, 0);
          cairo_rectangle (cr, rect.x + 1, rect.y + 1, rect.width - 2, rect.height - 2);
          cairo_stroke (cr);
          cairo_set_dash (cr, NULL, 0, 0);
        }
    }

  if (self->hovering)
    {
      double x = self->hover_x, y = self->hover_y;

      switch (self->kind)
        {
        case CS_CHART_SCATTER:
          {
            int i = cs_chart_scatter_hit (&self->model.scatter, &self->layout, x, y, HIT_RADIUS);

            if (i >= 0)
              cs_chart_scatter_draw_highlight (cr, &self->model.scatter, &self->layout, style, i);
          }
          break;

        case CS_CHART_BOX:
        case CS_CHART_BAR:
          {
            int band = cs_chart_band_hit (&self->layout, x, y);

            if (band >= 0)
              {
                cairo_set_source_rgba (cr, fg.r, fg.g, fg.b, 0.08);
                cairo_rectangle (cr, self->layout.plot.x + band * self->layout.band_width, self->layout.plot.y,
                                 self->layout.band_width, self->layout.plot.height);
                cairo_fill (cr);
              }
          }
          break;

        case CS_CHART_HISTOGRAM:
          {
            double lo, hi;
            guint count;

            if (cs_chart_histogram_hit (&self->model.histogram, &self->layout, x, y, &lo, &hi, &count) >= 0)
              {
                double x0 = cs_chart_layout_x_to_px (&self->layout, lo);
                double x1 = cs_chart_layout_x_to_px (&self->layout, hi);

                cairo_set_source_rgba (cr, fg.r, fg.g, fg.b, 0.12);
                cairo_rectangle (cr, x0, self->layout.plot.y, x1 - x0, self->layout.plot.height);
                cairo_fill (cr);
              }
          }
          break;

        case CS_CHART_KM:
          {
            double t, s;
            int g = cs_chart_km_hit (&self->model.km, &self->layout, x, y, HIT_RADIUS, &t, &s);

            if (g >= 0)
              {
                CsChartColor c = cs_chart_style_category_color (style, g);

                cairo_set_source_rgba (cr, c.r, c.g, c.b, 1);
                cairo_arc (cr, cs_chart_layout_x_to_px (&self->layout, t),
                           cs_chart_layout_y_to_px (&self->layout, s), 5, 0, 2 * G_PI);
                cairo_fill (cr);
              }
          }
          break;

        case CS_CHART_HEATMAP:
          {
            guint row, col;
            CsChartRect rect;

            if (cs_chart_heatmap_hit (&self->model.heatmap, &self->layout, x, y, &row, &col) &&
                heat_cell_rect (self, self->heat_display[row], col, &rect))
              {
                cairo_set_source_rgba (cr, fg.r, fg.g, fg.b, 1);
                cairo_set_line_width (cr, 2);
                cairo_rectangle (cr, rect.x + 1, rect.y + 1, rect.width - 2, rect.height - 2);
                cairo_stroke (cr);
              }
          }
          break;

        case CS_CHART_FOREST:
          {
            /* the row across the whole chart, as the tooltip describes it */
            int row = cs_chart_forest_hit (&self->model.forest, &self->layout, x, y);

            if (row >= 0)
              {
                cairo_set_source_rgba (cr, fg.r, fg.g, fg.b, 0.08);
                cairo_rectangle (cr, 0, self->layout.plot.y + row * self->layout.band_height,
                                 self->layout.width, self->layout.band_height);
                cairo_fill (cr);
              }
          }
          break;

        default:
          break;
        }
    }

  if (self->kind == CS_CHART_SCATTER && (self->dragging || self->has_brush))
    {
      double x0, x1, y0, y1;

      if (self->dragging)
        {
          x0 = self->drag_x0, x1 = self->drag_x1, y0 = self->drag_y0, y1 = self->drag_y1;
        }
      else
        {
          x0 = cs_chart_layout_x_to_px (&self->layout, self->brush_x0);
          x1 = cs_chart_layout_x_to_px (&self->layout, self->brush_x1);
          y0 = cs_chart_layout_y_to_px (&self->layout, self->brush_y0);
          y1 = cs_chart_layout_y_to_px (&self->layout, self->brush_y1);
        }
      cairo_rectangle (cr, MIN (x0, x1), MIN (y0, y1), fabs (x1 - x0), fabs (y1 - y0));
      cairo_set_source_rgba (cr, 0.0, 0.447, 0.698, 0.12);
      cairo_fill_preserve (cr);
      cairo_set_source_rgba (cr, 0.0, 0.447, 0.698, 0.9);
      cairo_set_line_width (cr, 1);
      cairo_set_dash (cr, (double[]) { 4, 3 }, 2, 0);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
    }
}

static void
cs_chart_widget_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  CsChartWidget *self = CS_CHART_WIDGET (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  int scale = gtk_widget_get_scale_factor (widget);
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  cairo_t *cr;

  if (!self->has_model || width <= 0 || height <= 0)
    return;

  if (self->cache == NULL || self->cache_width != width || self->cache_height != height ||
      self->cache_scale != scale || self->cache_dark != dark)
    {
      cairo_t *ccr;

      g_clear_pointer (&self->cache, cairo_surface_destroy);
      self->cache = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width * scale, height * scale);
      cairo_surface_set_device_scale (self->cache, scale, scale);
      ccr = cairo_create (self->cache);
      cs_chart_draw (self->kind, &self->model, ccr, width, height, current_style ());
      cairo_destroy (ccr);
      self->cache_width = width;
      self->cache_height = height;
      self->cache_scale = scale;
      self->cache_dark = dark;
      self->layout_valid = FALSE;
    }
  ensure_layout (self);

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  cairo_set_source_surface (cr, self->cache, 0, 0);
  cairo_paint (cr);
  if (self->layout_valid)
    draw_overlay (self, cr);
  cairo_destroy (cr);
}

static void
cs_chart_widget_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  CsChartWidget *self = CS_CHART_WIDGET (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 240;
      *natural = 640;
    }
  else
    {
      *minimum = 180;
      *natural = 440;
      if (self->has_model && self->kind == CS_CHART_HEATMAP)
        {
          /* readable rows: the map scrolls them (cs_chart_widget_get_heat_adjustment()) */
          *minimum = 240;
          *natural = MAX (440, (int) MIN (self->model.heatmap.n_rows, 60) * 16 + 180);
        }
      else if (self->has_model && self->kind == CS_CHART_FOREST)
        {
          /* rows of readable text (the renderer shrinks them below 10 px) */
          *minimum = MAX (180, (int) MIN (self->model.forest.n_rows, 200) * 14 + 140);
          *natural = MAX (*minimum, (int) MIN (self->model.forest.n_rows, 200) * 24 + 160);
        }
    }
}

gboolean
cs_chart_widget_export (CsChartWidget  *self,
                        const char     *path,
                        double          width,
                        double          height,
                        GError        **error)
{
  g_return_val_if_fail (CS_IS_CHART_WIDGET (self), FALSE);

  if (!self->has_model)
    {
      g_set_error_literal (error, CS_CHART_ERROR, CS_CHART_ERROR_EMPTY, _("There is no chart to export"));
      return FALSE;
    }
  return cs_chart_widget_export_captioned (self, path, width, height, NULL, NULL, NULL, error);
}

void
cs_chart_widget_set_caption (CsChartWidget *self,
                             const char    *test,
                             const char    *variables,
                             const char    *file_stem)
{
  g_return_if_fail (CS_IS_CHART_WIDGET (self));

  g_free (self->caption_test);
  self->caption_test = g_strdup (test);
  g_free (self->caption_variables);
  self->caption_variables = g_strdup (variables);
  g_free (self->file_stem);
  self->file_stem = g_strdup (file_stem);
  g_signal_emit (self, signals[SIGNAL_CAPTION_CHANGED], 0);
}

GtkAdjustment *
cs_chart_widget_get_heat_adjustment (CsChartWidget *self)
{
  g_return_val_if_fail (CS_IS_CHART_WIDGET (self), NULL);

  return self->heat_adjustment;
}

double
cs_chart_widget_get_heat_label_size (CsChartWidget *self)
{
  g_return_val_if_fail (CS_IS_CHART_WIDGET (self), 0);

  return self->has_model && self->kind == CS_CHART_HEATMAP ? self->model.heatmap.row_label_size : 0;
}

const char *
cs_chart_widget_get_caption_test (CsChartWidget *self)
{
  g_return_val_if_fail (CS_IS_CHART_WIDGET (self), NULL);

  return self->caption_test;
}

const char *
cs_chart_widget_get_file_stem (CsChartWidget *self)
{
  g_return_val_if_fail (CS_IS_CHART_WIDGET (self), NULL);

  return self->file_stem != NULL && *self->file_stem != '\0' ? self->file_stem : "chart";
}

void
cs_chart_widget_get_caption (CsChartWidget  *self,
                             const char     *cohort,
                             const char     *filter,
                             const char     *source,
                             CsChartCaption *caption)
{
  g_return_if_fail (CS_IS_CHART_WIDGET (self) && caption != NULL);

  memset (caption, 0, sizeof *caption);
  caption->title = self->has_model ? cs_chart_model_title (self->kind, &self->model) : NULL;
  caption->test = self->caption_test;
  caption->variables = self->caption_variables;
  caption->cohort = cohort;
  caption->filter = filter;
  caption->source = source;
}

gboolean
cs_chart_widget_export_captioned (CsChartWidget  *self,
                                  const char     *path,
                                  double          width,
                                  double          height,
                                  const char     *cohort,
                                  const char     *filter,
                                  const char     *source,
                                  GError        **error)
{
  CsChartCaption caption;

  g_return_val_if_fail (CS_IS_CHART_WIDGET (self), FALSE);

  if (!self->has_model)
    {
      g_set_error_literal (error, CS_CHART_ERROR, CS_CHART_ERROR_EMPTY, _("There is no chart to export"));
      return FALSE;
    }
  cs_chart_widget_get_caption (self, cohort, filter, source, &caption);
  return cs_chart_export_captioned (self->kind, &self->model, &caption, cs_chart_style_light (), path, width, height,
                                    error);
}

/* --------------------------------------------------------------- object */

static void
cs_chart_widget_dispose (GObject *object)
{
  CsChartWidget *self = CS_CHART_WIDGET (object);

  free_model (self);
  g_clear_object (&self->heat_adjustment);
  g_clear_pointer (&self->statistics, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->cache, cairo_surface_destroy);
  g_clear_pointer (&self->caption_test, g_free);
  g_clear_pointer (&self->caption_variables, g_free);
  g_clear_pointer (&self->file_stem, g_free);
  g_clear_pointer (&self->point_menu, gtk_widget_unparent);

  G_OBJECT_CLASS (cs_chart_widget_parent_class)->dispose (object);
}

/* The point menu is a child: it is placed with the chart */
static void
cs_chart_widget_size_allocate (GtkWidget *widget,
                               int        width,
                               int        height,
                               int        baseline)
{
  CsChartWidget *self = CS_CHART_WIDGET (widget);

  if (self->point_menu != NULL)
    gtk_popover_present (GTK_POPOVER (self->point_menu));
  sync_heat_adjustment (self);
}

/* chart.open-patient / chart.open-images (u: the store row) */
static void
patient_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  g_signal_emit (widget, signals[SIGNAL_PATIENT_REQUESTED], 0, g_variant_get_uint32 (parameter),
                 g_str_equal (action_name, "chart.open-images"));
}

/* A secondary click on a scatter point that is a patient: its menu */
static void
on_secondary_pressed (GtkGestureClick *gesture,
                      int              n_press,
                      double           x,
                      double           y,
                      CsChartWidget   *self)
{
  g_autoptr(GMenu) menu = NULL;
  g_autoptr(GMenuItem) patient = NULL, images = NULL;
  GdkRectangle at = { (int) x, (int) y, 1, 1 };
  int i;

  if (!self->has_model || self->kind != CS_CHART_SCATTER || self->rows == NULL || !self->layout_valid)
    return;
  i = cs_chart_scatter_hit (&self->model.scatter, &self->layout, x, y, HIT_RADIUS);
  if (i < 0 || (guint) i >= self->n_rows)
    return;
  menu = g_menu_new ();
  patient = g_menu_item_new (_("Open _Patient"), NULL);
  g_menu_item_set_action_and_target_value (patient, "chart.open-patient", g_variant_new_uint32 (self->rows[i]));
  images = g_menu_item_new (_("Open _Images"), NULL);
  g_menu_item_set_action_and_target_value (images, "chart.open-images", g_variant_new_uint32 (self->rows[i]));
  g_menu_append_item (menu, patient);
  g_menu_append_item (menu, images);
  gtk_popover_menu_set_menu_model (GTK_POPOVER_MENU (self->point_menu), G_MENU_MODEL (menu));
  gtk_popover_set_pointing_to (GTK_POPOVER (self->point_menu), &at);
  gtk_popover_popup (GTK_POPOVER (self->point_menu));
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
cs_chart_widget_class_init (CsChartWidgetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cs_chart_widget_dispose;
  object_class->get_property = cs_chart_widget_get_property;
  object_class->set_property = cs_chart_widget_set_property;
  widget_class->snapshot = cs_chart_widget_snapshot;
  widget_class->measure = cs_chart_widget_measure;
  widget_class->size_allocate = cs_chart_widget_size_allocate;

  /* rows-selected (GArray *rows): the store rows (or point indices) inside the brush; empty when cleared. */
  signals[SIGNAL_ROWS_SELECTED] =
    g_signal_new ("rows-selected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ARRAY);
  /* cell-activated (guint row, guint col): model row and column of a heat map cell. */
  signals[SIGNAL_CELL_ACTIVATED] =
    g_signal_new ("cell-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);

  /* The accessible label ("Correlation heat map"); a heat map's focus cell
   * replaces it while there is one. */
  properties[PROP_ACCESSIBLE_LABEL] =
    g_param_spec_string ("accessible-label", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* patient-requested (guint row, gboolean images): a scatter point's menu
   * asked for the patient of store row row (images: its studies). */
  signals[SIGNAL_PATIENT_REQUESTED] =
    g_signal_new ("patient-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_BOOLEAN);

  /* caption-changed: the test or the variables of the caption changed (cs_chart_widget_set_caption()) */
  signals[SIGNAL_CAPTION_CHANGED] =
    g_signal_new ("caption-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_install_action (widget_class, "chart.activate-cell", "(uu)", activate_cell_action);
  gtk_widget_class_install_action (widget_class, "chart.open-patient", "u", patient_action);
  gtk_widget_class_install_action (widget_class, "chart.open-images", "u", patient_action);
  gtk_widget_class_set_css_name (widget_class, "chart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
cs_chart_widget_init (CsChartWidget *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkEventController *key = gtk_event_controller_key_new ();
  GtkEventController *focus = gtk_event_controller_focus_new ();
  GtkEventController *scroll;
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkGesture *secondary;

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (on_query_tooltip), NULL);

  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  g_signal_connect (key, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), key);

  scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);
  self->heat_adjustment = g_object_ref_sink (gtk_adjustment_new (0, 0, 1, 1, 1, 1));
  g_signal_connect_swapped (self->heat_adjustment, "value-changed", G_CALLBACK (on_heat_adjustment_changed), self);

  secondary = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (secondary), GDK_BUTTON_SECONDARY);
  g_signal_connect (secondary, "pressed", G_CALLBACK (on_secondary_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (secondary));
  self->point_menu = gtk_popover_menu_new_from_model (NULL);
  gtk_popover_set_has_arrow (GTK_POPOVER (self->point_menu), FALSE);
  gtk_widget_set_halign (self->point_menu, GTK_ALIGN_START);
  gtk_widget_set_parent (self->point_menu, GTK_WIDGET (self));

  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (on_dark_changed), self, G_CONNECT_SWAPPED);

  g_signal_connect (focus, "enter", G_CALLBACK (on_focus_enter), self);
  g_signal_connect_swapped (focus, "leave", G_CALLBACK (gtk_widget_queue_draw), self);
  gtk_widget_add_controller (GTK_WIDGET (self), focus);

  self->name = g_strdup (_("Chart"));
  update_label (self);
  update_description (self);
}

GtkWidget *
cs_chart_widget_new (void)
{
  return g_object_new (CS_TYPE_CHART_WIDGET, NULL);
}
