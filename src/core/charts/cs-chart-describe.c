/* cs-chart-describe.c: what a chart shows, in words
 *
 * The accessible description of every chart the GUI draws: a screen reader
 * user hears the variables, the counts, the medians and the test that a
 * sighted user reads off the picture. Computed from the same model struct
 * the renderers draw, so the words cannot drift from the pixels.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "cs-chart-private.h"

/* At most this many groups, categories or cells are named one by one; the
 * rest are counted ("and 7 more"). */
#define MAX_LISTED 12
#define N_STRONGEST 3

static char *
format_value (double   value,
              gboolean is_date)
{
  if (is_date && isfinite (value) && fabs (value) < 3e6)
    {
      g_autoptr(GDateTime) epoch = g_date_time_new_utc (1970, 1, 1, 0, 0, 0);
      g_autoptr(GDateTime) dt = g_date_time_add_days (epoch, (int) floor (value));

      if (dt != NULL)
        return g_date_time_format (dt, "%Y-%m-%d");
    }
  return cs_chart_format_number (value, 3);
}

/* Joins items as a sentence lists them: "a", "a and b", "a, b and c"; when
 * n_more > 0, "a, b and 3 more". Takes the strings. */
static char *
join_list (GPtrArray *items,
           guint      n_more)
{
  GString *out = g_string_new (NULL);
  guint n = items->len;

  if (n_more > 0)
    g_ptr_array_add (items, g_strdup_printf (ngettext ("%u more", "%u more", n_more), n_more));
  n = items->len;
  for (guint i = 0; i < n; i++)
    {
      if (i > 0 && i + 1 < n)
        g_string_append (out, ", ");
      else if (i > 0)
        /* TRANSLATORS: between the last two items of a list: "a, b and c" */
        g_string_append (out, _(" and "));
      g_string_append (out, g_ptr_array_index (items, i));
    }
  return g_string_free (out, FALSE);
}

static const char *
or_default (const char *label,
            const char *fallback)
{
  return label != NULL && *label != '\0' ? label : fallback;
}

/* "Title: " when the model has a title, to put before the description. */
static void
append_title (GString    *out,
              const char *title)
{
  if (title != NULL && *title != '\0')
    g_string_append_printf (out, "%s: ", title);
}

static void
append_statistics (GString    *out,
                   const char *statistics)
{
  if (statistics != NULL && *statistics != '\0')
    g_string_append_printf (out, "; %s", statistics);
}

/* The unit in "Time (months)" → "months"; NULL when the label has none. */
static char *
unit_of_label (const char *label)
{
  const char *open, *end;

  if (label == NULL)
    return NULL;
  end = label + strlen (label);
  if (end == label || end[-1] != ')' || (open = strrchr (label, '(')) == NULL)
    return NULL;
  return g_strndup (open + 1, end - 1 - (open + 1));
}

static char *
describe_scatter (const CsChartScatterModel *m,
                  const char                *statistics)
{
  GString *out = g_string_new (NULL);
  guint n = 0, n_selected = 0;

  for (guint i = 0; i < m->n; i++)
    if (isfinite (m->x[i]) && isfinite (m->y[i]))
      {
        n++;
        if (m->selected != NULL && m->selected[i])
          n_selected++;
      }
  append_title (out, m->title);
  g_string_append_printf (out, ngettext ("scatter plot of %s against %s, %u patient",
                                         "scatter plot of %s against %s, %u patients", n),
                          or_default (m->y_label, "y"), or_default (m->x_label, "x"), n);
  if (m->selected != NULL)
    g_string_append_printf (out, _(", %u in the cohort"), n_selected);
  if (m->n_categories > 0)
    g_string_append_printf (out, ngettext ("; coloured by %s in %u group", "; coloured by %s in %u groups",
                                           m->n_categories),
                            or_default (m->legend_title, _("group")), m->n_categories);
  if (m->regression)
    {
      double a, b, r;

      if (cs_chart_least_squares (m->x, m->y, m->n, &a, &b, &r))
        {
          g_autofree char *slope = cs_chart_format_number (b, 3);

          g_string_append_printf (out, _("; regression line with slope %s"), slope);
        }
    }
  append_statistics (out, statistics);
  return g_string_free (out, FALSE);
}

static char *
describe_box (const CsChartBoxModel *m,
              const char            *statistics)
{
  GString *out = g_string_new (NULL);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *list = NULL;

  append_title (out, m->title);
  g_string_append_printf (out, m->violin ? _("violin plot of %s by %s") : _("box plot of %s by %s"),
                          or_default (m->y_label, _("values")), or_default (m->x_label, _("group")));
  g_string_append_printf (out, ngettext (": %u group", ": %u groups", m->n_groups), m->n_groups);
  for (guint g = 0; g < m->n_groups && g < MAX_LISTED; g++)
    {
      const char *label = m->group_labels != NULL ? m->group_labels[g] : "";
      CsChartBoxStats st;

      if (cs_chart_box_stats (m->values[g], m->n_values[g], &st))
        {
          g_autofree char *median = format_value (st.median, m->y_is_date);

          g_ptr_array_add (items, g_strdup_printf (_("%s (n = %u, median %s)"), label, st.n, median));
        }
      else
        g_ptr_array_add (items, g_strdup_printf (_("%s (no values)"), label));
    }
  list = join_list (items, m->n_groups > MAX_LISTED ? m->n_groups - MAX_LISTED : 0);
  g_string_append_printf (out, ", %s", list);
  append_statistics (out, statistics);
  return g_string_free (out, FALSE);
}

static char *
describe_histogram (const CsChartHistogramModel *m,
                    const char                  *statistics)
{
  GString *out = g_string_new (NULL);
  double start = 0, width = 0, max_count = 0, total = 0, total_sel = 0;
  guint n_bins = 0, peak = 0;
  g_autofree double *counts = cs_chart_histogram_counts (m, &start, &width, &n_bins, &max_count);

  append_title (out, m->title);
  g_string_append_printf (out, _("histogram of %s"), or_default (m->x_label, _("values")));
  if (counts == NULL || n_bins == 0)
    {
      g_string_append (out, _(": no values"));
      append_statistics (out, statistics);
      return g_string_free (out, FALSE);
    }
  for (guint i = 0; i < n_bins; i++)
    {
      total += counts[i];
      if (m->counts_selected != NULL)
        total_sel += m->counts_selected[i];
      if (counts[i] > counts[peak])
        peak = i;
    }
  {
    g_autofree char *lo = format_value (start, m->is_date);
    g_autofree char *hi = format_value (start + n_bins * width, m->is_date);
    g_autofree char *peak_lo = format_value (start + peak * width, m->is_date);
    g_autofree char *peak_hi = format_value (start + (peak + 1) * width, m->is_date);

    if (m->counts_all != NULL && m->counts_selected != NULL)
      g_string_append_printf (out, _(": %.0f of %.0f patients in the cohort"), total_sel, total);
    else
      g_string_append_printf (out, ngettext (": %.0f patient", ": %.0f patients", (gulong) total), total);
    g_string_append_printf (out, ngettext (", from %s to %s in %u bin", ", from %s to %s in %u bins", n_bins),
                            lo, hi, n_bins);
    g_string_append_printf (out, _("; most in %s to %s (%.0f)"), peak_lo, peak_hi, counts[peak]);
  }
  if (m->counts_all == NULL)
    {
      guint n_sorted = 0;
      g_autofree double *sorted = cs_chart_sorted_finite (m->values, m->n, &n_sorted);

      if (n_sorted > 0)
        {
          g_autofree char *median = format_value (cs_chart_quantile_sorted (sorted, n_sorted, 0.5), m->is_date);

          g_string_append_printf (out, _("; median %s"), median);
        }
    }
  append_statistics (out, statistics);
  return g_string_free (out, FALSE);
}

static char *
describe_bar (const CsChartBarModel *m,
              const char            *statistics)
{
  GString *out = g_string_new (NULL);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *list = NULL;

  append_title (out, m->title);
  g_string_append_printf (out, _("bar chart of %s"), or_default (m->x_label, _("categories")));
  g_string_append_printf (out, ngettext (": %u category", ": %u categories", m->n_categories), m->n_categories);
  for (guint i = 0; i < m->n_categories && i < MAX_LISTED; i++)
    {
      const char *label = m->labels != NULL ? m->labels[i] : "";

      if (m->counts_selected != NULL)
        g_ptr_array_add (items, g_strdup_printf (_("%s %.0f of %.0f"), label, m->counts_selected[i],
                                                 m->counts_all[i]));
      else
        g_ptr_array_add (items, g_strdup_printf ("%s %.0f", label, m->counts_all[i]));
      if (m->highlighted != NULL && m->highlighted[i])
        {
          char *with = g_strdup_printf (_("%s (filtered on)"), (char *) g_ptr_array_index (items, items->len - 1));

          g_free (g_ptr_array_steal_index (items, items->len - 1));
          g_ptr_array_add (items, with);
        }
    }
  if (m->n_categories > 0)
    {
      list = join_list (items, m->n_categories > MAX_LISTED ? m->n_categories - MAX_LISTED : 0);
      g_string_append_printf (out, m->counts_selected != NULL ? _(", patients in the cohort: %s")
                                                              : _(", patients: %s"), list);
    }
  append_statistics (out, statistics);
  return g_string_free (out, FALSE);
}

/* Median survival: the first time the curve is at or below one half. */
static double
km_median (const CsChartKmGroup *group)
{
  for (guint i = 0; i < group->n_steps; i++)
    if (group->survival[i] <= 0.5)
      return group->time[i];
  return NAN;
}

static char *
describe_km (const CsChartKmModel *m,
             const char           *statistics)
{
  GString *out = g_string_new (NULL);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *unit = unit_of_label (m->x_label);
  g_autofree char *list = NULL;

  append_title (out, m->title);
  g_string_append_printf (out, ngettext ("Kaplan–Meier curve of %u group", "Kaplan–Meier curves of %u groups",
                                         m->n_groups), m->n_groups);
  for (guint g = 0; g < m->n_groups && g < MAX_LISTED; g++)
    {
      const CsChartKmGroup *group = &m->groups[g];
      double median = km_median (group);
      const char *label = or_default (group->label, _("all patients"));

      if (isfinite (median))
        {
          g_autofree char *value = cs_chart_format_number (median, 3);

          g_ptr_array_add (items, g_strdup_printf (_("%s (n = %u) %s"), label, group->n, value));
        }
      else
        g_ptr_array_add (items, g_strdup_printf (_("%s (n = %u) not reached"), label, group->n));
    }
  if (m->n_groups > 0)
    {
      list = join_list (items, m->n_groups > MAX_LISTED ? m->n_groups - MAX_LISTED : 0);
      if (unit != NULL)
        g_string_append_printf (out, _("; median survival in %s: %s"), unit, list);
      else
        g_string_append_printf (out, _("; median survival: %s"), list);
    }
  append_statistics (out, statistics != NULL ? statistics : m->subtitle);
  return g_string_free (out, FALSE);
}

typedef struct
{
  guint  row, col;
  double abs_r;
} Cell;

static int
cell_compare (gconstpointer a,
              gconstpointer b)
{
  const Cell *ca = a, *cb = b;

  if (ca->abs_r != cb->abs_r)
    return ca->abs_r > cb->abs_r ? -1 : 1;
  if (ca->row != cb->row)
    return ca->row < cb->row ? -1 : 1;
  return ca->col < cb->col ? -1 : (ca->col > cb->col);
}

char *
cs_chart_heatmap_describe_cell (const CsChartHeatmapModel *model,
                                guint                      row,
                                guint                      col)
{
  gsize i;
  const char *rl, *cl, *effect;
  g_autofree char *r = NULL;

  g_return_val_if_fail (model != NULL, NULL);
  g_return_val_if_fail (row < model->n_rows && col < model->n_cols, NULL);

  i = (gsize) row * model->n_cols + col;
  rl = model->row_labels != NULL ? model->row_labels[row] : "";
  cl = model->col_labels != NULL ? model->col_labels[col] : "";
  effect = or_default (model->effect_label, "r");
  if (isnan (model->r[i]))
    return g_strdup_printf (_("%s × %s: %s undefined (too few patients or a constant column)"), rl, cl, effect);
  r = cs_chart_format_number (model->r[i], 2);
  if (model->q != NULL && !isnan (model->q[i]))
    {
      g_autofree char *q = cs_chart_format_number (model->q[i], 2);

      return g_strdup_printf ("%s × %s: %s = %s, q = %s", rl, cl, effect, r, q);
    }
  return g_strdup_printf ("%s × %s: %s = %s", rl, cl, effect, r);
}

static char *
describe_heatmap (const CsChartHeatmapModel *m,
                  const char                *statistics)
{
  GString *out = g_string_new (NULL);
  g_autoptr(GArray) cells = g_array_new (FALSE, FALSE, sizeof (Cell));
  guint n_significant = 0;

  for (guint r = 0; r < m->n_rows; r++)
    for (guint c = 0; c < m->n_cols; c++)
      {
        gsize i = (gsize) r * m->n_cols + c;
        Cell cell = { r, c, fabs (m->r[i]) };

        if (isnan (m->r[i]))
          continue;
        g_array_append_val (cells, cell);
        if (m->q != NULL && m->q[i] < 0.05)
          n_significant++;
      }
  append_title (out, m->title);
  g_string_append_printf (out, _("heat map of %s between %u rows and %u columns"),
                          or_default (m->effect_label, "r"), m->n_rows, m->n_cols);
  if (m->q != NULL)
    g_string_append_printf (out, ngettext ("; %u cell with q < 0.05", "; %u cells with q < 0.05", n_significant),
                            n_significant);
  if (cells->len > 0)
    {
      g_array_sort (cells, cell_compare);
      /* cells are separated by semicolons: a cell's text has commas */
      g_string_append (out, _("; strongest: "));
      for (guint k = 0; k < cells->len && k < N_STRONGEST; k++)
        {
          const Cell *cell = &g_array_index (cells, Cell, k);
          g_autofree char *text = cs_chart_heatmap_describe_cell (m, cell->row, cell->col);

          g_string_append_printf (out, "%s%s", k > 0 ? "; " : "", text);
        }
    }
  else
    g_string_append (out, _("; no defined cells"));
  append_statistics (out, statistics);
  return g_string_free (out, FALSE);
}

static char *
describe_forest (const CsChartForestModel *m,
                 const char               *statistics)
{
  GString *out = g_string_new (NULL);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *list = NULL;
  guint n_terms = 0;

  for (guint i = 0; i < m->n_rows; i++)
    if (m->rows[i].kind == CS_CHART_FOREST_TERM)
      {
        const CsChartForestRow *row = &m->rows[i];
        g_autofree char *estimate = NULL;

        if (n_terms++ >= MAX_LISTED)
          continue;
        estimate = cs_chart_forest_row_text (row);
        g_ptr_array_add (items, g_strdup_printf (_("%s: hazard ratio %s"), row->label, estimate));
      }
  append_title (out, m->title);
  g_string_append_printf (out, ngettext ("forest plot of hazard ratios: %u term",
                                         "forest plot of hazard ratios: %u terms", n_terms), n_terms);
  if (n_terms > 0)
    {
      list = join_list (items, n_terms > MAX_LISTED ? n_terms - MAX_LISTED : 0);
      g_string_append_printf (out, "; %s", list);
    }
  append_statistics (out, statistics != NULL ? statistics : m->subtitle);
  return g_string_free (out, FALSE);
}

char *
cs_chart_describe (CsChartKind   kind,
                   gconstpointer model,
                   const char   *statistics)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (model != NULL, NULL);

  switch (kind)
    {
    case CS_CHART_SCATTER: text = describe_scatter (model, statistics); break;
    case CS_CHART_BOX: text = describe_box (model, statistics); break;
    case CS_CHART_HISTOGRAM: text = describe_histogram (model, statistics); break;
    case CS_CHART_BAR: text = describe_bar (model, statistics); break;
    case CS_CHART_KM: text = describe_km (model, statistics); break;
    case CS_CHART_HEATMAP: text = describe_heatmap (model, statistics); break;
    case CS_CHART_FOREST: text = describe_forest (model, statistics); break;
    default: g_return_val_if_reached (NULL);
    }
  /* a sentence: capital first letter (after any title), full stop */
  if (text[0] != '\0' && g_ascii_islower (text[0]))
    text[0] = g_ascii_toupper (text[0]);
  return g_strconcat (text, ".", NULL);
}
